"""Interrupts and resume, thread history, forks: from Python and through the page's messages."""

from __future__ import annotations

import pytest
from langgraph_sdk import get_sync_client

from lg_widgets import InvalidArgument, StreamView
from slow_run import SLOW_GRAPH, SLOW_INPUT
from waiting import wait_until

pytestmark = pytest.mark.server
MODES = ["updates", "values", "debug"]


def interrupted_view(server) -> StreamView:
    view = StreamView("human", {"draft": "hello"}, url=server.url, thread_id="new", stream_mode=MODES).run()
    assert view.status == "interrupted"
    return view


def test_interrupt_then_resume_from_python(server, comms):
    view = interrupted_view(server)
    assert [i["value"] for i in view.interrupts] == [{"question": "Publish this draft?", "draft": "Hello, world"}]
    assert view.interrupts[0]["node"] == "review"
    steps_before = len(view.steps)
    view.resume("yes", wait=True)
    assert view.status == "done"
    assert view.state["published"] == "Hello, world"
    assert len(view.steps) > steps_before, "the resumed run's steps go on in the same view"
    assert view.interrupts[0]["resolved"] is True


def test_a_resumed_run_reaches_the_page_and_leaves_the_first_runs_traits_alone(server, comms):
    view = interrupted_view(server)
    held = view.steps, view.interrupts, view.segments  # the first run's final traits
    before = [[dict(item) for item in values] for values in held]
    view.resume("yes", wait=True)
    assert [[dict(item) for item in values] for values in held] == before, "nothing changed under its holder"
    received = {}  # the last value of each trait the page got
    for message in comms.instances[-1].messages:
        if (message["data"] or {}).get("method") == "update":
            received.update(message["data"]["state"])
    assert [i["resolved"] for i in received["interrupts"]] == [True]
    assert [s["key"] for s in received["steps"]] == [s["key"] for s in view.steps]
    assert len(view.steps) > len(before[0])


def test_resume_through_the_page(server, comms):
    view = interrupted_view(server)
    comm = comms.instances[-1]
    comm.receive({"type": "resume", "request_id": "r1", "value": "Goodbye"})
    assert comm.custom_messages()[-1] == {"type": "reply", "request_id": "r1", "ok": True}
    wait_until(lambda: not view.running, what="the resumed run")
    assert view.status == "done" and view.state["published"] == "Goodbye"


def test_resume_is_refused_when_there_is_nothing_to_resume(server, comms):
    view = StreamView("joke", {"topic": "x"}, url=server.url, thread_id="new").run()
    with pytest.raises(InvalidArgument, match="Nothing to resume"):
        view.resume("yes")
    stateless = StreamView("joke", {"topic": "x"}, url=server.url).run()
    with pytest.raises(InvalidArgument, match="threaded"):
        stateless.resume("yes")
    comm = comms.instances[-1]
    comm.receive({"type": "resume", "request_id": "r9", "value": 1})
    reply = comm.custom_messages()[-1]
    assert reply["ok"] is False and "threaded" in reply["error"]


def test_resume_while_live_is_refused(server, comms):
    view = StreamView(SLOW_GRAPH, SLOW_INPUT, url=server.url, thread_id="new", stream_mode="messages-tuple").start()
    try:
        with pytest.raises(InvalidArgument, match="still live"):
            view.resume("x")
    finally:
        view.cancel()


def test_interrupt_before_a_node(server, comms):
    view = StreamView("joke", {"topic": "x"}, url=server.url, thread_id="new", stream_mode=MODES,
                      interrupt_before=["generate_joke"]).run()
    assert view.status == "interrupted"
    assert [s["name"] for s in view.steps] == ["refine_topic"]
    view.resume(None, wait=True)
    assert view.status == "done" and view.state["joke"].startswith("Why did the x and cats")


def test_history_and_steps_know_their_checkpoints(server, comms):
    view = StreamView("joke", {"topic": "ice cream"}, url=server.url, thread_id="new", stream_mode=MODES).run()
    history = view.history()
    server_ids = [c["checkpoint"]["checkpoint_id"] for c in get_sync_client(url=server.url).threads.get_history(view.thread_id)]
    assert [c["checkpoint"]["checkpoint_id"] for c in history] == server_ids
    assert {c["checkpoint_id"] for c in view.checkpoints} == set(server_ids)
    assert all(s["checkpoint_id"] in server_ids for s in view.steps)


def test_fork_from_a_middle_checkpoint_with_an_update(server, comms):
    view = StreamView("joke", {"topic": "ice cream"}, url=server.url, thread_id="new", stream_mode=MODES).run()
    generate = next(s for s in view.steps if s["name"] == "generate_joke")
    fork = view.fork(generate["checkpoint_id"], update={"topic": "penguins"}, wait=True)
    assert fork is not view and fork.status == "done"
    assert [s["name"] for s in fork.steps] == ["generate_joke"], "only the steps after the fork point run again"
    assert "penguins" in fork.state["joke"]
    assert view.state["joke"] != fork.state["joke"]


def test_fork_in_place_from_the_page(server, comms):
    view = StreamView("joke", {"topic": "ice cream"}, url=server.url, thread_id="new", stream_mode=MODES).run()
    first = view.steps[0]
    comm = comms.instances[-1]
    comm.receive({"type": "fork", "request_id": "f1", "checkpoint_id": first["checkpoint_id"]})
    assert comm.custom_messages()[-1]["ok"] is True
    wait_until(lambda: not view.running and view.status == "done", what="the fork")
    assert [s["name"] for s in view.steps] == ["refine_topic", "generate_joke", "refine_topic", "generate_joke"]
    assert view.branches == [{"checkpoint_id": first["checkpoint_id"], "steps_before": 2,
                              "events_before": view.branches[0]["events_before"], "text_before": 0}]


def test_the_view_knows_its_graph(server, comms):
    view = StreamView("subgraph", {"topic": "x"}, url=server.url).run()
    ids = {n["id"] for n in view.graph["nodes"]}
    assert {"prepare", "finish", "child:research", "child:write"} <= ids


@pytest.mark.parametrize("modes", [["values"], ["messages-tuple"], ["custom"], ["checkpoints"]])
def test_interrupt_before_a_node_whatever_the_modes(server, comms, modes):
    """Only `updates` carries interrupt_before's stop; the thread says it for the other modes."""
    view = StreamView("joke", {"topic": "x"}, url=server.url, thread_id="new", stream_mode=modes,
                      interrupt_before=["generate_joke"]).run()
    assert view.status == "interrupted" and view.interrupts == []
    view.resume(None, wait=True)
    assert view.status == "done" and view.run_starts == [0, view.run_starts[1]]


def test_an_interrupt_its_stream_modes_do_not_carry(server, comms, tmp_path):
    """interrupt() under messages-tuple alone: the run ends interrupted, with the interrupt the
    thread holds, and the answer resumes it; a saved recording replays the same."""
    view = StreamView("human", {"topic": "otters"}, url=server.url, thread_id="new",
                      stream_mode=["messages-tuple"]).run()
    thread = get_sync_client(url=server.url).threads.get(view.thread_id)
    [waiting] = [i for items in thread["interrupts"].values() for i in items]
    assert view.status == "interrupted"
    assert [(i["id"], i["value"], i["resolved"]) for i in view.interrupts] == [(waiting["id"], waiting["value"], False)]
    view.save(tmp_path / "run.jsonl")
    replayed = StreamView.replay(tmp_path / "run.jsonl", speed=0).run()
    assert replayed.status == "interrupted" and replayed.interrupts == view.interrupts
    view.resume("yes", wait=True)
    assert view.status == "done" and all(i["resolved"] for i in view.interrupts)
