"""The timeline and usage of real runs of the `branches` demo on the real server: plan → (quick 0.3 s ‖
slow 0.9 s) → join → polish ×3 → report (a subgraph), every node a fake model that reports its usage."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest

from lg_widgets import StreamView
from lg_widgets.reducers.usage import ai_messages

pytestmark = pytest.mark.server

INPUT = {"topic": "tea"}
NODES = Counter({"plan": 1, "quick": 1, "slow": 1, "join": 1, "polish": 3, "report": 1, "outline": 1, "write": 1})
KEYS = ("input_tokens", "output_tokens", "total_tokens")


def spans_of(view, node):
    return [s for s in view.timeline if s["node"] == node]


def debug_intervals(view):
    """Each task's (start, end), in seconds, from the server's debug timestamps in the view's raw events."""
    starts, ends = {}, {}
    for e in view.events:
        if e.mode == "debug" and e.data["type"] in ("task", "task_result"):
            key = "|".join(e.namespace) + "/" + e.data["payload"]["id"]
            (starts if e.data["type"] == "task" else ends)[key] = datetime.fromisoformat(e.data["timestamp"]).timestamp()
    return {key: (starts[key], ends[key]) for key in starts}


def wire_usage(view):
    """usage_metadata on the wire, once per AI message id: a whole message's, else its chunks' sum."""
    whole, chunks, node_of = {}, {}, {}
    for e in view.events:
        if e.mode == "messages":
            chunk, meta = e.data
            if chunk.get("usage_metadata"):
                node_of.setdefault(chunk["id"], meta["langgraph_node"])
                sums = chunks.setdefault(chunk["id"], dict.fromkeys(KEYS, 0))
                for k in KEYS:
                    sums[k] += chunk["usage_metadata"][k]
            continue
        found = []
        if e.mode == "updates":
            found = list(e.data.items())
        elif e.mode == "debug" and e.data["type"] == "task_result":
            found = [(e.data["payload"]["name"], e.data["payload"]["result"])]
        elif e.mode == "values" and not e.namespace:
            found = [("", e.data)]
        for node, value in found:
            for m in ai_messages(value):
                if m.get("usage_metadata"):
                    whole[m["id"]] = {k: m["usage_metadata"][k] for k in KEYS}
                    if node:
                        node_of.setdefault(m["id"], node)
    return {**chunks, **whole}, node_of


def test_debug_spans_on_the_servers_clock(server):
    view = StreamView("branches", INPUT, url=server.url, stream_mode=["debug", "messages-tuple", "values"],
                      stream_subgraphs=True).run()
    assert view.status == "done"
    assert Counter(s["node"] for s in view.timeline) == NODES
    assert {s["clock"] for s in view.timeline} == {"server"}
    (quick,), (slow,), (join,) = spans_of(view, "quick"), spans_of(view, "slow"), spans_of(view, "join")
    assert quick["start"] < slow["end"] and slow["start"] < quick["end"], "the parallel branches overlap"
    assert join["start"] >= max(quick["end"], slow["end"]), "the fan-in starts after both ended"
    assert len(spans_of(view, "polish")) == 3
    intervals = debug_intervals(view)
    assert len(intervals) == len(view.timeline)
    for span in view.timeline:
        start, end = intervals[span["id"]]
        assert abs((span["end"] - span["start"]) - (end - start)) < 0.05, span
    (report,) = spans_of(view, "report")
    assert {s["parent"] for s in spans_of(view, "outline") + spans_of(view, "write")} == {report["id"]}
    assert spans_of(view, "slow")[0]["tokens"] == 9 and spans_of(view, "slow")[0]["first_token"] is not None
    frame = view.to_pandas("timeline")
    assert len(frame) == len(view.timeline) and set(frame["node"]) == set(NODES)


@pytest.mark.parametrize("modes", [["updates"], ["messages-tuple", "updates"], ["values", "updates", "custom"]])
def test_without_debug_one_span_per_task_on_the_arrival_clock(server, modes):
    view = StreamView("branches", INPUT, url=server.url, stream_mode=modes, stream_subgraphs=True).run()
    assert view.status == "done"
    assert Counter(s["node"] for s in view.timeline) == NODES
    assert {s["clock"] for s in view.timeline} == {"arrival"}
    assert all(s["start"] <= s["end"] for s in view.timeline)
    (quick,), (slow,) = spans_of(view, "quick"), spans_of(view, "slow")
    assert slow["end"] - quick["end"] > 0.4, "the slow branch ends later"


@pytest.mark.parametrize("modes", [["messages-tuple"], ["values"], ["updates"], ["debug"],
                                   ["messages-tuple", "values", "updates", "debug"], ["messages-tuple", "values"]])
def test_usage_equals_the_usage_metadata_on_the_wire(server, modes):
    view = StreamView("branches", INPUT, url=server.url, stream_mode=modes, stream_subgraphs=True).run()
    wire, node_of = wire_usage(view)
    assert len(wire) == 9, "nine model calls, each reported once"
    total = view.usage["total"]
    assert {k: total[k] for k in KEYS} == {k: sum(u[k] for u in wire.values()) for k in KEYS}
    assert total == {"input_tokens": 21, "output_tokens": 49, "total_tokens": 70, "calls": 9}
    if modes != ["values"]:  # a state does not say which node wrote a message
        assert set(view.usage["by_node"]) == set(NODES) - {"report"}
        for node, counts in view.usage["by_node"].items():
            assert {k: counts[k] for k in KEYS} == {
                k: sum(u[k] for i, u in wire.items() if node_of[i] == node) for k in KEYS}
    assert view.usage["by_namespace"]["report"]["calls"] == 2
    assert view.usage["by_model"]["fake-large"]["calls"] == 2


def test_the_thread_protocol_timeline_and_usage(server):
    view = StreamView("branches", INPUT, url=server.url, protocol="threads").run()
    assert view.status == "done"
    assert [s["id"] for s in view.timeline] == [s["key"] for s in view.steps]
    assert {s["clock"] for s in view.timeline} == {"arrival"}
    assert Counter(s["node"] for s in view.timeline)["polish"] == 3
    assert view.usage["total"] == {"input_tokens": 21, "output_tokens": 49, "total_tokens": 70, "calls": 9}


def test_a_resume_continues_the_timeline(test_graphs_server):
    view = StreamView("slow_review", {"words": 4, "pause": 0.01}, url=test_graphs_server.url, thread_id="new",
                      stream_mode=["debug", "updates", "values"]).run()
    assert view.status == "interrupted"
    first = [dict(s) for s in view.timeline]
    view.resume("yes", wait=True)
    assert view.status == "done"
    assert view.timeline[:len(first)] == first
    later = view.timeline[len(first):]
    assert later and min(s["start"] for s in later) >= max(s["end"] for s in first)
