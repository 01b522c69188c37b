"""Breakpoint stops in the fold, with no server (#29, #32.4): what a stop says, and the cards of
the tasks a stop waits to run, which the thread protocol's history lists but which never ran."""

from __future__ import annotations

import pytest

from lg_widgets import InvalidArgument, RunState
from lg_widgets.lifecycle import END, START, continued
from lg_widgets.protocol import DerivedEvent
from lg_widgets.sources.base import on_the_wire
from lg_widgets.stops import breakpoint_stop, breakpoints_of, next_nodes, split_breakpoints
from lg_widgets.threads import event_from_frame


def card(name: str, step: int, status: str = "done", namespace=()) -> dict:
    return {"name": name, "step": step, "status": status, "namespace": list(namespace)}


def derived(mode: str, data) -> DerivedEvent:
    return DerivedEvent(mode, mode, (), data, None, 0.0)


def lifecycle(seq: int, event: str):
    return event_from_frame({"type": "event", "method": "lifecycle", "seq": seq,
                             "params": {"namespace": [], "timestamp": 1, "data": {"event": event, "graph_name": "g"}}})


def test_breakpoints_as_given_and_as_the_server_takes_them():
    assert breakpoints_of(["a", "b"], "c") == {"a": "before", "b": "before", "c": "after"}
    assert split_breakpoints({"a": "before", "*": "after"}) == (["a"], ["*"])
    assert on_the_wire(["*", "a"]) == "*" and on_the_wire([]) is None and on_the_wire(["a"]) == ["a"]
    for bad in ({"x": 1}, [""], 5):
        with pytest.raises(InvalidArgument):
            breakpoints_of(bad, None)
    with pytest.raises(InvalidArgument, match="both"):
        breakpoints_of(["a"], ["a"])


def test_what_a_stop_says():
    steps = [card("plan", 1), card("left", 2), card("right", 2)]
    assert breakpoint_stop(["merge"], (["merge"], []), steps) == {"when": "before", "nodes": ["merge"], "next": ["merge"]}
    assert breakpoint_stop(["merge"], ([], ["*"]), steps) == {"when": "after", "nodes": ["left", "right"], "next": ["merge"]}
    assert breakpoint_stop(["merge"], ([], ["right"]), steps)["nodes"] == ["right"]
    # An idle thread (the thread protocol) stopped only where the breakpoints say.
    assert breakpoint_stop([], ([], ["left"]), steps, sure=False) is None
    assert breakpoint_stop(["x"], (["merge"], []), steps, sure=False) is None


def test_the_next_nodes_of_a_stop_before_a_fan_in():
    graph = {"edges": [{"source": "left", "target": "merge"}, {"source": "right", "target": "merge"},
                       {"source": "merge", "target": "__end__"}]}
    steps = [card("plan", 1), card("left", 2), card("right", 2)]
    assert next_nodes([], graph, steps) == ["merge"]
    checkpoint = {"namespace": [], "next": ["merge"]}
    assert next_nodes([checkpoint], {}, []) == ["merge"], "a checkpoint event's next comes first"


def test_a_thread_protocol_stop_ends_interrupted_and_shows_no_card_for_what_never_ran():
    """The server says `completed` at a breakpoint; the history lists the next task with no result.
    Without the stop the view said `done`, with a finished card of a node that never ran (#32.4)."""
    fold = RunState(protocol="threads")
    fold.apply(START)
    fold.apply(lifecycle(1, "running"))
    fold.apply(derived("tasks", {"id": "t1", "name": "plan", "input": None, "triggers": []}))
    fold.apply(derived("tasks", {"id": "t1", "name": "plan", "result": {"topic": "x"}, "error": None, "interrupts": []}))
    fold.apply(derived("tasks", {"id": "t2", "name": "merge", "input": None, "triggers": []}))  # pending
    fold.apply(lifecycle(2, "completed"))
    assert fold.status == "done"  # what the stream alone says
    fold.apply(derived("stop", {"when": "before", "nodes": ["merge"], "next": ["merge"]}))
    fold.apply(END)
    assert fold.status == "interrupted" and fold.stop["nodes"] == ["merge"]
    assert [s["name"] for s in fold.steps] == ["plan"]
    # The next run reads the history again: the task, superseded, still has no result: no card.
    fold.apply(continued())
    assert fold.stop is None
    fold.apply(lifecycle(3, "running"))
    fold.apply(derived("tasks", {"id": "t2", "name": "merge", "input": None, "triggers": []}))
    fold.apply(derived("tasks", {"id": "t2", "name": "merge", "result": None, "error": None, "interrupts": []}))
    assert [s["name"] for s in fold.steps] == ["plan"]
    # Run after all (a resume runs it under the same id): its card comes.
    fold.apply(derived("tasks", {"id": "t2", "name": "merge", "result": {"merged": "y"}, "error": None, "interrupts": []}))
    fold.apply(lifecycle(4, "completed"))
    assert [(s["name"], s["status"]) for s in fold.steps] == [("plan", "done"), ("merge", "done")]
    assert fold.status == "done"
