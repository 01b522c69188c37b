"""Breakpoints, stepping, state edits and the next message (#29), on both protocols, against the
real server: tests/graphs/fanin.py (parallel branches and a fan-in) and the `chat` demo graph."""

from __future__ import annotations

import pytest

from lg_widgets import InvalidArgument, StreamView
from waiting import wait_until

pytestmark = pytest.mark.server
PROTOCOLS = {"runs": {"thread_id": "new"}, "threads": {"protocol": "threads"}}


def names(view: StreamView) -> list[str]:
    return [s["name"] for s in view.steps]


@pytest.mark.parametrize("protocol", list(PROTOCOLS))
def test_stop_before_a_fan_in_step_edit_and_resume(test_graphs_server, comms, protocol):
    view = StreamView("fanin", {"topic": "owls"}, url=test_graphs_server.url, interrupt_before=["merge"],
                      **PROTOCOLS[protocol]).run()
    assert view.status == "interrupted" and view.interrupts == []
    assert view.stop == {"when": "before", "nodes": ["merge"], "next": ["merge"]}
    assert sorted(view.state["findings"]) == ["left:owls", "right:owls"], "both branches ran"
    assert "merge" not in names(view) and view.breakpoints == {"merge": "before"}

    view.step(wait=True)
    assert view.status == "interrupted" and view.stop["when"] == "before" and view.stop["nodes"] == ["finish"]
    assert view.state["merged"] == "left:owls + right:owls" and "report" not in view.state
    assert names(view)[-1] == "merge", "the step ran the fan-in node alone"

    view.update_state({"merged": "edited"})
    assert view.status == "interrupted" and view.state["merged"] == "edited"
    assert names(view)[-1] == "update_state"
    assert view.diffs[-1]["ops"] == [{"op": "replace", "path": "/merged", "value": "edited"}]
    assert view.diffs[-1]["node"] == "update_state"

    view.resume(wait=True)
    assert view.status == "done" and view.stop is None
    assert view.state["report"] == "report(edited)", "the run went on from the edited state"
    assert names(view).count("finish") == 1 and "finish" not in names(view)[:3], "no card for a task before it ran"
    assert len(view.run_starts) == 4, "one view holds the run, the step, the edit and the resume"
    view.close()


@pytest.mark.parametrize("protocol", list(PROTOCOLS))
def test_breakpoints_set_on_the_view_apply_to_its_next_run(test_graphs_server, comms, protocol):
    view = StreamView("fanin", {"topic": "owls"}, url=test_graphs_server.url, **PROTOCOLS[protocol])
    view.breakpoints = {"plan": "after"}
    view.run()
    assert view.status == "interrupted" and view.stop["when"] == "after" and view.stop["nodes"] == ["plan"]
    assert names(view) == ["plan"]
    view.breakpoints = {}
    view.resume(wait=True)
    assert view.status == "done" and view.state["report"] == "report(left:owls + right:owls)"
    with pytest.raises(Exception, match="before"):
        view.breakpoints = {"plan": "sometimes"}
    view.close()


@pytest.mark.parametrize("protocol", list(PROTOCOLS))
def test_three_turns_of_a_chat(server, comms, protocol):
    view = StreamView("chat", {"messages": [{"role": "user", "content": "hello"}]}, url=server.url,
                      **PROTOCOLS[protocol]).run()
    view.submit("how are you?", wait=True)
    view.submit({"role": "user", "content": "bye"}, wait=True)
    assert view.status == "done"
    replies = ["Turn 1: you said 'hello'.", "Turn 2: you said 'how are you?'.", "Turn 3: you said 'bye'."]
    assert all(r in view.text for r in replies) and view.text.index(replies[0]) < view.text.index(replies[2])
    assert [m["type"] for m in view.state["messages"]] == ["human", "ai"] * 3
    assert len(view.run_starts) == 3
    view.close()


def test_what_submit_step_and_update_state_refuse(server, test_graphs_server, comms):
    joke = StreamView("joke", {"topic": "x"}, url=server.url, thread_id="new").run()
    with pytest.raises(InvalidArgument, match="no `messages`"):
        joke.submit("hi")
    with pytest.raises(InvalidArgument, match="Nothing to step"):
        joke.step()
    with pytest.raises(InvalidArgument, match="not stopped"):
        joke.update_state({"topic": "y"})
    joke.submit(input={"topic": "penguins"}, wait=True)
    assert "penguins" in joke.state["joke"]
    stateless = StreamView("chat", {"messages": [{"role": "user", "content": "hi"}]}, url=server.url).run()
    with pytest.raises(InvalidArgument, match="threaded"):
        stateless.submit("again")
    stopped = StreamView("fanin", {"topic": "owls"}, url=test_graphs_server.url, thread_id="new",
                         interrupt_before="*").run()
    with pytest.raises(InvalidArgument, match="stopped"):
        stopped.submit(input={"topic": "x"})
    with pytest.raises(InvalidArgument, match="both"):
        StreamView("fanin", interrupt_before=["plan"], interrupt_after=["plan"])
    for view in (joke, stateless, stopped):
        view.close()


def test_step_continue_edit_and_submit_through_the_page(server, test_graphs_server, comms):
    view = StreamView("fanin", {"topic": "owls"}, url=test_graphs_server.url, thread_id="new",
                      interrupt_before=["merge"]).run()
    comm = comms.instances[-1]

    def ask(request_id, **request):
        comm.receive({"request_id": request_id, **request})
        reply = next(m for m in comm.custom_messages() if m.get("request_id") == request_id)
        wait_until(lambda: not view.running, what=request["type"])
        return reply

    assert ask("s1", type="step")["ok"] and view.stop["nodes"] == ["finish"]
    refused = ask("u0", type="update_state", values="not a dict")
    assert refused["ok"] is False and "dict" in refused["error"]
    assert ask("u1", type="update_state", values={"merged": "typed"})["ok"]
    assert view.state["merged"] == "typed"
    assert ask("c1", type="continue")["ok"] and view.status == "done" and view.state["report"] == "report(typed)"
    refused = ask("m0", type="submit", message="hi")
    assert refused["ok"] is False and "messages" in refused["error"]
    view.close()

    chat = StreamView("chat", {"messages": [{"role": "user", "content": "one"}]}, url=server.url,
                      thread_id="new").run()
    comm = comms.instances[-1]
    comm.receive({"type": "submit", "request_id": "m1", "message": "two"})
    assert comm.custom_messages()[-1] == {"type": "reply", "request_id": "m1", "ok": True}
    wait_until(lambda: not chat.running and chat.status == "done", what="the second turn")
    assert "Turn 2: you said 'two'." in chat.text
    chat.close()


def test_a_state_edit_after_parallel_branches_writes_as_the_first_of_them(test_graphs_server, comms):
    """The server refuses an update with no as_node after a super-step of several nodes ("Ambiguous
    update"): the view writes it as the first of them, and the fan-in goes on from it."""
    view = StreamView("fanin", {"topic": "owls"}, url=test_graphs_server.url, thread_id="new",
                      interrupt_before=["merge"]).run()
    view.update_state({"findings": ["extra"]})
    assert view.steps[-1]["input"] == {"values": {"findings": ["extra"]}, "as_node": "left"}
    view.resume(wait=True)
    assert view.state["merged"] == "extra + left:owls + right:owls"
    view.close()


@pytest.mark.parametrize("protocol", list(PROTOCOLS))
def test_a_saved_stop_replays_as_a_stop(test_graphs_server, comms, tmp_path, protocol):
    view = StreamView("fanin", {"topic": "owls"}, url=test_graphs_server.url, interrupt_before=["merge"],
                      **PROTOCOLS[protocol]).run()
    view.step(wait=True)
    view.save(tmp_path / "run.jsonl")
    replayed = StreamView.replay(tmp_path / "run.jsonl", speed=0).run()
    assert (replayed.status, replayed.stop, names(replayed)) == (view.status, view.stop, names(view))
    for v in (view, replayed):
        v.close()


def test_a_plain_answer_to_two_interrupts_is_refused_and_the_thread_can_still_be_resumed(test_graphs_server, comms):
    """#32.3: a plain resume("ok") with two interrupts waiting is refused before anything is sent
    (the server would fail the run); nothing is marked answered, and a proper answer resumes."""
    view = StreamView("two_interrupts", {}, url=test_graphs_server.url, thread_id="new",
                      stream_mode=["updates", "values", "debug"]).run()
    with pytest.raises(InvalidArgument, match="2 interrupts wait"):
        view.resume("ok")
    comm = comms.instances[-1]
    comm.receive({"type": "resume", "request_id": "r1", "value": "ok"})
    assert comm.custom_messages()[-1]["ok"] is False
    assert view.status == "interrupted" and [i["resolved"] for i in view.interrupts] == [False, False]
    view.resume({i["id"]: "yes" for i in view.interrupts}, wait=True)
    assert view.status == "done" and all(i["resolved"] for i in view.interrupts)
    view.close()
