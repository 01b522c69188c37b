"""Interrupts answered one at a time, an interrupt raised in a subgraph, a failed step and a
recursion-limit stop, on recorded streams of ``tests/graphs/streamed.py`` (both protocols)."""

from __future__ import annotations

import itertools
import json
import random

import pytest

from recordings import load_recording
from lg_widgets import RunState
from lg_widgets.lifecycle import Lifecycle
from lg_widgets.reducers.steps import error_text
from lg_widgets.threads import event_from_frame


def split_runs(events):
    """A recording's runs: the events before and after each ``continue``."""
    runs, current = [], []
    for event in events:
        if isinstance(event, Lifecycle) and event.kind == "continue":
            runs.append(current)
            current = []
        current.append(event)
    return runs + [current]


def waiting(state: RunState) -> list[str]:
    return [i["value"]["question"] for i in state.interrupts if not i["resolved"]]


def test_answering_one_of_two_interrupts_leaves_the_other_waiting():
    """The resumed run raises the unanswered interrupt again (updates, values, debug): it waits
    again, and the run ends interrupted, as the thread does (GET /threads/{id}: interrupted)."""
    first, resumed = split_runs(load_recording("two_interrupts_resume_one"))
    state = RunState().apply_all(first).finish()
    assert state.status == "interrupted" and waiting(state) == ["left?", "right?"]
    state.apply_all(resumed).finish()
    assert state.status == "interrupted"
    assert waiting(state) == ["right?"], "left was answered, right waits again"
    assert state.state == {"answers": ["left=L"]}


def thread_frame(seq: int, method: str, data: dict, namespace=()):
    return event_from_frame({"method": method, "seq": seq, "params": {"namespace": list(namespace), "data": data}})


def test_the_thread_protocol_also_shows_the_unanswered_interrupt_waiting_again():
    """The thread protocol's resumed run asks again (``input.requested``) for the interrupt it did not
    answer (as the server sends it: one run stopped on two, answered one)."""
    def run(seq, ids):
        return ([thread_frame(seq, "lifecycle", {"event": "running", "graph_name": "two_interrupts"})]
                + [thread_frame(seq + 1 + n, "input.requested", {"interrupt_id": i, "payload": {"question": f"{i}?"}})
                   for n, i in enumerate(ids)]
                + [thread_frame(seq + 1 + len(ids), "lifecycle", {"event": "interrupted", "graph_name": "two_interrupts"})])

    state = RunState(protocol="threads").apply_all(run(1, ["left", "right"]))
    assert state.status == "interrupted" and waiting(state) == ["left?", "right?"]
    state.apply(Lifecycle("continue"))
    state.apply_all(run(10, ["right"]))
    assert state.status == "interrupted" and waiting(state) == ["right?"]


def test_the_thread_protocols_replay_before_a_resumed_run_reopens_nothing():
    """A resumed run's subscription first replays where the thread stood (an ``input.requested`` of an
    interrupt the same command answers among it), then the run's root ``running``: only what comes
    after it reports interrupts that wait now."""
    events = load_recording("two_interrupts_threads_resume_all")
    first, resumed = split_runs(events)
    replayed = resumed[1:next(i for i, e in enumerate(resumed) if getattr(e, "mode", None) == "lifecycle")]
    assert "input.requested" in [e.mode for e in replayed], "the recording holds such a replay"
    state = RunState(protocol="threads").apply_all(events).finish()
    assert state.status == "done" and waiting(state) == [] and sorted(state.state["answers"]) == ["left=A", "right=A"]


@pytest.mark.parametrize("name, protocol", [("human_resume", "runs"), ("human_threads_resume", "threads")])
def test_an_answered_interrupt_stays_answered(name, protocol):
    """The thread's history, read again in the resumed run, still lists the answered interrupt:
    that is no new report of it."""
    state = RunState(protocol=protocol).apply_all(load_recording(name)).finish()
    assert state.status == "done" and [i["resolved"] for i in state.interrupts] == [True]


def orders(items, count=300):
    """``items`` in every order when they are few, else in ``count`` shuffled ones (and as they came)."""
    if len(items) <= 6:
        return list(itertools.permutations(items))
    rnd = random.Random(5)
    return [items, items[::-1]] + [rnd.sample(items, len(items)) for _ in range(count)]


@pytest.mark.parametrize("name, protocol, node", [("nested_interrupt_subgraphs", "runs", "ask_inner"),
                                                  ("nested_interrupt_threads", "threads", "inner")])
def test_an_interrupts_namespace_is_where_it_was_raised_whichever_report_comes_first(name, protocol, node):
    """A subgraph's interrupt is reported by the subgraph and again by its parent graph (and the thread
    protocol reads it from the thread's history too): in any order, its namespace is the subgraph's,
    task id and all (``input.respond`` must name it exactly), and its node the same."""
    reports = [e for e in load_recording(name) if "inner?" in json.dumps(getattr(e, "data", None))]
    assert len({tuple(e.namespace) for e in reports}) == 2, "reported in the subgraph and at the root"
    seen = set()
    for order in orders(reports):
        state = RunState(protocol=protocol).apply_all(order)
        [interrupt] = state.interrupts
        seen.add((tuple(interrupt["namespace"]), interrupt["node"]))
    [(namespace, shown_node)] = seen
    assert [part.split(":")[0] for part in namespace] == ["inner"] and ":" in namespace[0]
    assert shown_node == node


def test_an_interrupts_namespace_is_the_same_on_both_protocols():
    runs = RunState().apply_all(load_recording("nested_interrupt_subgraphs")).finish()
    threads = RunState(protocol="threads").apply_all(load_recording("nested_interrupt_threads")).finish()
    [(runs_ns, runs_tid)] = [ns.split(":") for ns in runs.interrupts[0]["namespace"]]
    [(threads_ns, threads_tid)] = [ns.split(":") for ns in threads.interrupts[0]["namespace"]]
    assert runs_ns == threads_ns == "inner" and len(runs_tid) == len(threads_tid) == 36


@pytest.mark.parametrize("name, protocol", [("broken_debug", "runs"), ("broken_threads", "threads")])
def test_a_failed_steps_error_reads_the_same_on_both_protocols(name, protocol):
    state = RunState(protocol=protocol).apply_all(load_recording(name)).finish()
    assert [(s["name"], s["status"], s["error"]) for s in state.steps] == [
        ("start", "done", None), ("fail", "error", "ValueError: the broken node always raises")]
    assert state.error == {"type": "ValueError", "message": "the broken node always raises", "kind": "run"}


def test_error_texts():
    assert error_text({"error": "KeyError", "message": "'x'"}) == "KeyError: 'x'"
    assert error_text("KeyError(\"'x'\")") == "KeyError: 'x'"
    assert error_text("errors.Custom('a\\nb')") == "errors.Custom: a\nb"
    assert error_text("RuntimeError()") == "RuntimeError"
    assert error_text("ValueError('a', 2)") == "ValueError('a', 2)", "not one message: as the server said it"
    assert error_text("the subgraph failed") == "the subgraph failed"


@pytest.mark.parametrize("name, protocol", [("loop_recursion_debug", "runs"), ("loop_recursion_threads", "threads")])
def test_a_recursion_limit_stop_shows_only_the_steps_that_ran(name, protocol):
    """recursion_limit 4: four steps ran; the thread's history also lists the fifth, which never started."""
    state = RunState(protocol=protocol).apply_all(load_recording(name)).finish()
    assert state.status == "error" and state.error["type"] == "GraphRecursionError"
    assert [(s["name"], s["step"], s["status"]) for s in state.steps] == [("again", n, "done") for n in (1, 2, 3, 4)]
    assert state.state == {"n": 4}
