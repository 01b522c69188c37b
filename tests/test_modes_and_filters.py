"""tasks / checkpoints give the same cards as debug; token filters match a filter over raw events."""

from __future__ import annotations

import asyncio

import pytest

from lg_widgets import StreamView
from sdk_runs import sdk_parts

pytestmark = pytest.mark.server


def cards(view):
    return [(s["name"], s["step"], s["status"], s["result"], s["namespace"] != []) for s in view.steps]


@pytest.mark.parametrize("graph, input", [("joke", {"topic": "ice cream"}), ("parallel", {"topic": "tea"}),
                                          ("subgraph", {"topic": "x"}), ("human", {"draft": "hi"})])
def test_tasks_and_checkpoints_look_like_debug(server, comms, graph, input):
    views = {modes: StreamView(graph, input, url=server.url, thread_id="new", stream_mode=list(modes),
                               stream_subgraphs=True).run()
             for modes in [("debug",), ("tasks",), ("tasks", "checkpoints"), ("debug", "tasks", "checkpoints")]}
    debug = views[("debug",)]
    for modes, view in views.items():
        assert view.status == debug.status
        assert cards(view) == cards(debug), modes
        assert [i["value"] for i in view.interrupts] == [i["value"] for i in debug.interrupts]
    assert len(views[("tasks", "checkpoints")].checkpoints) == len(debug.checkpoints) > 0
    assert len(views[("debug", "tasks", "checkpoints")].checkpoints) == len(debug.checkpoints), "nothing doubled"


def raw_tokens(parts, keep):
    out = []
    for event, data in parts:
        if event.split("|")[0] == "messages" and data[0].get("type") == "AIMessageChunk" and keep(data[1]):
            out.append(data[0]["content"])
    return "".join(out)


@pytest.mark.parametrize("graph, input", [("agent", {"messages": [{"role": "user", "content": "hi"}]}),
                                          ("parallel", {"topic": "tea"}), ("subgraph", {"topic": "x"})])
def test_filters_select_the_tokens_whose_metadata_matches(server, comms, graph, input):
    view = StreamView(graph, input, url=server.url, stream_mode="messages-tuple", stream_subgraphs=True).run()
    parts = asyncio.run(sdk_parts(server.url, graph, input, ["messages-tuple"], stream_subgraphs=True))
    nodes = {data[1]["langgraph_node"] for event, data in parts if event.startswith("messages")}
    tags = {t for event, data in parts if event.startswith("messages") for t in data[1].get("tags") or []}
    assert nodes
    for node in nodes:
        assert view.text_for(node=node) == raw_tokens(parts, lambda m: m["langgraph_node"] == node)
    for tag in tags:
        assert view.text_for(tag=tag) == raw_tokens(parts, lambda m: tag in (m.get("tags") or []))
    root = raw_tokens(parts, lambda m: "|" not in m.get("langgraph_checkpoint_ns", ""))
    assert view.text_for(namespace="") == root
    assert view.text_for(node="no-such-node") == ""


def test_tag_filter_on_the_tagged_demo_model(server, comms):
    view = StreamView("agent", {"messages": [{"role": "user", "content": "hi"}]}, url=server.url,
                      stream_mode=["messages-tuple", "events"]).run()
    assert view.text_for(tag="agent-model") == view.text == "beginend"
    assert view.event_kinds["on_chat_model_stream"] == 8
