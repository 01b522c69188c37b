"""The timeline and usage reducers, on recorded runs of the `branches` demo (plan → quick ‖ slow → join →
polish ×3 → report subgraph) and of a resume: spans, clocks and usage against what the wire says."""

from __future__ import annotations

import sys
from collections import Counter
from datetime import datetime

import pytest

from lg_widgets import StreamView, transcript
from lg_widgets.frames import timeline_rows, usage_rows
from lg_widgets.lifecycle import Lifecycle
from lg_widgets.reducers.usage import ai_messages
from lg_widgets.state import RunState
from lg_widgets.protocol import StreamEvent
from recordings import FIXTURES, load_recording

DEBUG = "branches_debug_subgraphs"
KEYS = ("input_tokens", "output_tokens", "total_tokens")


def fold(events, modes=None, protocol="runs"):
    return RunState(modes, protocol=protocol).apply_all(events).finish()


def only(events, modes):
    return [e for e in events if not isinstance(e, StreamEvent) or e.mode in modes or e.mode == "metadata"]


def by_node(state):
    spans = {}
    for span in state.timeline:
        spans.setdefault(span["node"], []).append(span)
    return spans


def server_intervals(events):
    """Each task's (start, end) in seconds, from the debug events' server timestamps."""
    starts, ends = {}, {}
    for e in events:
        if isinstance(e, StreamEvent) and e.mode == "debug" and e.data["type"] in ("task", "task_result"):
            key = "|".join(e.namespace) + "/" + e.data["payload"]["id"]
            at = datetime.fromisoformat(e.data["timestamp"]).timestamp()
            (starts if e.data["type"] == "task" else ends)[key] = at
    return {key: (starts[key], ends[key]) for key in starts}


def wire_usage(events):
    """usage_metadata summed once per AI message id, as a reader of the wire would: the whole message's when one
    arrived, else its streamed chunks' sum (messages-tuple)."""
    whole, chunks, node_of = {}, Counter(), {}
    for e in events:
        if not isinstance(e, StreamEvent):
            continue
        if e.mode == "messages":
            chunk, meta = e.data
            if chunk.get("usage_metadata"):
                node_of.setdefault(chunk["id"], meta["langgraph_node"])
                for k in KEYS:
                    chunks[(chunk["id"], k)] += chunk["usage_metadata"][k]
            continue
        if e.mode == "updates":
            items = [(node, update) for node, update in e.data.items()]
        elif e.mode == "debug" and e.data["type"] == "task_result":
            items = [(e.data["payload"]["name"], e.data["payload"]["result"])]
        elif e.mode == "values" and not e.namespace:
            items = [("", e.data)]
        else:
            continue
        for node, value in items:
            for m in ai_messages(value):
                if m.get("usage_metadata"):
                    whole[m["id"]] = m["usage_metadata"]
                    if node:
                        node_of.setdefault(m["id"], node)
    ids = set(whole) | {i for i, _ in chunks}
    usage = {i: whole.get(i) or {k: chunks[(i, k)] for k in KEYS} for i in ids}
    return usage, node_of


def test_debug_spans_show_the_branches_the_join_and_the_loop_on_the_servers_clock():
    events = load_recording(DEBUG)
    state = fold(events)
    nodes = by_node(state)
    assert Counter({n: len(s) for n, s in nodes.items()}) == Counter(
        {"plan": 1, "quick": 1, "slow": 1, "join": 1, "polish": 3, "report": 1, "outline": 1, "write": 1})
    assert {s["clock"] for s in state.timeline} == {"server"}
    (quick,), (slow,), (join,) = nodes["quick"], nodes["slow"], nodes["join"]
    assert quick["start"] < slow["end"] and slow["start"] < quick["end"], "the parallel branches overlap"
    assert join["start"] >= max(quick["end"], slow["end"]), "the fan-in starts after both branches ended"
    assert slow["end"] - slow["start"] > quick["end"] - quick["start"] + 0.4
    for key, (start, end) in server_intervals(events).items():
        span = next(s for s in state.timeline if s["id"] == key)
        assert span["end"] - span["start"] == pytest.approx(end - start, abs=0.002)
    polishes = nodes["polish"]
    assert all(a["end"] <= b["start"] for a, b in zip(polishes, polishes[1:])), "the loop's runs follow each other"
    (report,) = nodes["report"]
    for child in nodes["outline"] + nodes["write"]:
        assert child["parent"] == report["id"] and report["start"] <= child["start"] <= child["end"] <= report["end"]
    for span in state.timeline:
        if span["first_token"] is not None:
            assert span["start"] <= span["first_token"] <= span["end"]
    assert {s["node"]: s["tokens"] for s in state.timeline if s["tokens"]} == {
        "plan": 10, "quick": 5, "slow": 9, "join": 4, "polish": 3, "outline": 4, "write": 8}
    assert [s["id"] for s in state.timeline] == [s["key"] for s in state.steps], "a span per step card, same keys"


@pytest.mark.parametrize("modes", [("updates",), ("updates", "messages-tuple"), ("updates", "values")])
def test_without_debug_each_task_still_has_one_span_on_the_arrival_clock(modes):
    events = load_recording(DEBUG)
    state = fold(only(events, modes), list(modes))
    debug = fold(events)
    assert Counter(s["node"] for s in state.timeline) == Counter(s["node"] for s in debug.timeline)
    assert {s["clock"] for s in state.timeline} == {"arrival"}
    assert all(s["start"] <= s["end"] for s in state.timeline)
    assert all(s["status"] == "done" for s in state.timeline)


@pytest.mark.parametrize("modes", [("messages",), ("values",), ("updates",), ("debug",),
                                   ("messages", "values", "updates", "debug"), ("messages", "values")])
def test_usage_is_each_ai_messages_usage_metadata_once_whatever_modes_carry_it(modes):
    events = only(load_recording(DEBUG), modes)
    state = fold(events)
    wire, node_of = wire_usage(events)
    assert len(wire) == 9
    total = state.usage["total"]
    assert {k: total[k] for k in KEYS} == {k: sum(u[k] for u in wire.values()) for k in KEYS}
    assert total["calls"] == 9
    if modes != ("values",):  # a state names no node
        for node, counts in state.usage["by_node"].items():
            assert {k: counts[k] for k in KEYS} == {
                k: sum(u[k] for i, u in wire.items() if node_of[i] == node) for k in KEYS}, node
        assert state.usage["by_node"]["polish"]["calls"] == 3
    assert set(state.usage["by_model"]) == {"fake-small", "fake-large"}
    assert sum(c["total_tokens"] for c in state.usage["by_model"].values()) == total["total_tokens"]
    assert sum(c["total_tokens"] for c in state.usage["by_namespace"].values()) == total["total_tokens"]


def test_a_resume_continues_the_timeline():
    events = load_recording("slow_review_resume")
    cut = next(i for i, e in enumerate(events) if isinstance(e, Lifecycle))
    first = RunState().apply_all(events[:cut]).finish()
    spans = [dict(s) for s in first.timeline]
    end = max(s["end"] for s in spans)
    both = first.apply_all(events[cut:]).finish()
    assert both.timeline[:len(spans)] == spans, "the first run's spans stay as they were"
    later = both.timeline[len(spans):]
    assert later and all(s["start"] >= end for s in later)
    assert later[-1]["end"] <= both.duration + 1e-6


def test_the_thread_protocol_gives_a_span_per_step_card_and_the_same_usage():
    threads = StreamView.replay(FIXTURES / "branches_threads.jsonl", speed=0).run()
    runs = StreamView.replay(FIXTURES / f"{DEBUG}.jsonl", speed=0).run()
    assert [s["id"] for s in threads.timeline] == [s["key"] for s in threads.steps]
    assert {s["clock"] for s in threads.timeline} == {"arrival"}
    assert all(s["start"] <= s["end"] for s in threads.timeline)
    assert threads.usage["total"] == runs.usage["total"]
    assert threads.usage["by_model"] == runs.usage["by_model"]


def test_to_pandas_rows():
    pandas = pytest.importorskip("pandas")
    view = StreamView.replay(FIXTURES / f"{DEBUG}.jsonl", speed=0).run()
    frame = view.to_pandas("timeline")
    assert isinstance(frame, pandas.DataFrame) and len(frame) == len(view.timeline) == 10
    assert list(frame["node"]) == [s["node"] for s in view.timeline]
    usage = view.to_pandas("usage")
    assert usage[usage["by"] == "total"]["total_tokens"].item() == view.usage["total"]["total_tokens"]
    assert len(view.to_pandas("steps")) == len(view.steps)
    assert len(view.to_pandas("events")) == len(view.events)
    assert len(timeline_rows(view.timeline)) == 10 and usage_rows(view.usage)[0]["by"] == "total"
    with pytest.raises(ValueError, match="timeline"):
        view.to_pandas("nodes")


def test_to_pandas_without_pandas_names_the_extra(monkeypatch):
    view = StreamView.replay(FIXTURES / f"{DEBUG}.jsonl", speed=0)
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"lg_widgets\[pandas\]"):
        view.to_pandas("timeline")


def test_the_saved_transcript_gives_the_usage_totals_per_node_and_per_model():
    view = StreamView.replay(FIXTURES / f"{DEBUG}.jsonl", speed=0).run()
    total = view.usage["total"]
    plain = view._repr_mimebundle_()[0]["text/plain"]
    line = next(line for line in plain.splitlines() if line.startswith("usage: "))
    assert line.startswith(f"usage: {total['total_tokens']} ({total['input_tokens']} in · "
                           f"{total['output_tokens']} out) tokens in {total['calls']} calls; by node: ")
    polish = view.usage["by_node"]["polish"]
    assert f"polish {polish['total_tokens']} ({polish['input_tokens']} in · {polish['output_tokens']} out)" in line
    assert "by model: fake-" in line
    assert transcript.usage_text(None) is None and transcript.usage_text({"total": {"calls": 0}}) is None
