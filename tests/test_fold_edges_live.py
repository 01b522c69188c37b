"""The fold's edge cases against the real server, on both protocols (tests/graphs/streamed.py):
tool calls equal what langgraph_sdk's chunks add up to, interrupts answered one at a time, an
interrupt in a subgraph answered over a WebSocket, a failed step, a recursion-limit stop."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessageChunk

from lg_widgets import RunError, StreamView
from sdk_runs import sdk_parts

pytestmark = pytest.mark.server
ASKED = {"messages": [{"role": "user", "content": "weather, people, distance?"}]}


def sdk_tool_calls(parts) -> list[dict]:
    """The tool calls of each AI message the SDK's chunks add up to (langchain-core's addition)."""
    sums: dict[str, AIMessageChunk] = {}
    for event, data in parts:
        if event == "messages" and data[0].get("type") == "AIMessageChunk":
            chunk = AIMessageChunk(**{k: v for k, v in data[0].items() if k != "type"})
            sums[chunk.id] = sums[chunk.id] + chunk if chunk.id in sums else chunk
    return [call for message in sums.values() for call in message.tool_calls]


def calls_of(view: StreamView) -> list[tuple]:
    return [(c["name"], c["args"], c["id"]) for m in view.messages for c in m.get("tool_calls") or []]


async def test_streamed_tool_calls_equal_the_sdks_on_both_protocols(test_graphs_server):
    url = test_graphs_server.url
    expected = sdk_tool_calls(await sdk_parts(url, "three_tools", ASKED, ["messages-tuple"]))
    assert [c["name"] for c in expected] == ["weather", "population", "distance"]
    expected_calls = [(c["name"], c["args"], c["id"]) for c in expected]
    for options in ({"stream_mode": ["messages-tuple", "values"]}, {"stream_mode": ["events", "values"]},
                    {"protocol": "threads"}):
        view = await StreamView("three_tools", ASKED, url=url, **options).start().wait()
        assert calls_of(view) == expected_calls, options
        assert "" not in [m["text"] for m in view.messages if m["type"] != "tool" and not m.get("tool_calls")]
        view.close()


def waiting(view: StreamView) -> list[str]:
    return [i["value"]["question"] for i in view.interrupts if not i["resolved"]]


def test_two_interrupts_answered_one_at_a_time(test_graphs_server):
    view = StreamView("two_interrupts", {}, url=test_graphs_server.url, thread_id="new",
                      stream_mode=["updates", "values", "debug"]).run()
    assert view.status == "interrupted" and waiting(view) == ["left?", "right?"]
    left, right = view.interrupts
    view.resume({left["id"]: "L"}, wait=True)
    assert view.status == "interrupted" and waiting(view) == ["right?"]
    view.resume({right["id"]: "R"}, wait=True)
    assert view.status == "done" and waiting(view) == []
    assert sorted(view.state["answers"]) == ["left=L", "right=R"]
    view.close()


def test_two_interrupts_answered_at_once_on_the_thread_protocol(test_graphs_server):
    view = StreamView("two_interrupts", {}, url=test_graphs_server.url, protocol="threads").run()
    assert view.status == "interrupted" and sorted(waiting(view)) == ["left?", "right?"]
    view.resume({i["id"]: i["value"]["question"][0].upper() for i in view.interrupts}, wait=True)
    assert view.status == "done" and waiting(view) == []
    view.close()


@pytest.mark.parametrize("transport", ["sse", "websocket"])
def test_a_subgraphs_interrupt_keeps_its_namespace_and_is_answered(test_graphs_server, transport):
    """The thread protocol's ``input.respond`` over a WebSocket must name the interrupt's namespace
    exactly (the server checks it against its ``input.requested``)."""
    url = test_graphs_server.url
    runs = StreamView("nested_interrupt", {}, url=url, thread_id="new", stream_subgraphs=True,
                      stream_mode=["updates", "values", "debug"]).run()
    threads = StreamView("nested_interrupt", {}, url=url, protocol="threads", transport=transport).run()
    for view in (runs, threads):
        [interrupt] = view.interrupts
        assert [part.split(":")[0] for part in interrupt["namespace"]] == ["inner"], view.protocol
        view.resume("ok", wait=True)
        assert view.status == "done" and view.state["answers"][-1] == "inner=ok"
        view.close()


def test_a_failed_step_and_a_recursion_stop_read_the_same_on_both_protocols(test_graphs_server):
    shown: dict[str, list] = {}
    for protocol in ("runs", "threads"):
        options = {"stream_mode": ["debug", "values"], "thread_id": "new"} if protocol == "runs" else {"protocol": protocol}
        shown[protocol] = []
        for graph, config in (("broken", None), ("loop", {"recursion_limit": 4})):
            view = StreamView(graph, {}, url=test_graphs_server.url, config=config, **options)
            with pytest.raises(RunError):
                view.run()
            shown[protocol].append([(s["name"], s["status"], s["error"]) for s in view.steps])
            view.close()
    assert shown["runs"] == shown["threads"]
    assert shown["runs"][0] == [("start", "done", None), ("fail", "error", "ValueError: the broken node always raises")]
    assert shown["runs"][1] == [("again", "done", None)] * 4
