"""Edges a new user met on graphs the project had never seen (issue #32, kernel side), both protocols."""

from __future__ import annotations

import pytest
from langgraph_sdk import get_sync_client

from lg_widgets import HTTPStatusError, InvalidArgument, LGWidgetsError, StreamView
from waiting import wait_until

pytestmark = pytest.mark.server
PROTOCOLS = [("runs", "sse"), ("threads", "sse"), ("threads", "websocket")]


@pytest.mark.parametrize("protocol,transport", PROTOCOLS)
def test_a_600_step_run_shows_600_steps(test_graphs_server, comms, protocol, transport):
    """The thread protocol's cards come from the history: read 100 checkpoints at a time, a fast run
    made more than a page of them between two reads and lost cards (584 and 479 in two of ten runs)."""
    view = StreamView("countdown", {"to": 600}, url=test_graphs_server.url, protocol=protocol, transport=transport,
                      thread_id="new", config={"recursion_limit": 1000},
                      **({} if protocol == "threads" else {"stream_mode": ["debug", "values"]})).run()
    assert view.status == "done" and view.state["n"] == 600
    ticks = [s for s in view.steps if s["name"] == "tick"]
    assert len(ticks) == 600 and len({s["key"] for s in ticks}) == 600
    assert all(s["status"] == "done" for s in ticks)


@pytest.mark.parametrize("transport", ["sse", "websocket"])
def test_attaching_to_a_thread_whose_runs_came_from_the_runs_api(server, comms, transport):
    """The thread protocol streams nothing of a run started with the runs API: the attachment stayed
    'connecting' with nothing shown. It now shows the thread as it stands, says why, and reads on."""
    sdk = get_sync_client(url=server.url)
    thread_id = sdk.threads.create()["thread_id"]
    final = sdk.runs.wait(thread_id, "joke", input={"topic": "tea"})
    view = StreamView.attach(thread_id, url=server.url, transport=transport).start()
    try:
        wait_until(lambda: view.status == "done", timeout=30, what="the thread as it stands")
        assert view.state == final and "runs API" in view.note
        assert [s["name"] for s in view.steps if not s["namespace"]] == ["refine_topic", "generate_joke"]
        # A later run that does stream (the thread protocol's own) is read live in the same view.
        later = StreamView("joke", {"topic": "owls"}, url=server.url, protocol="threads", thread_id=thread_id).run()
        wait_until(lambda: view.status == "done" and view.text.endswith(later.text) and later.text,
                   timeout=30, what="the later run on the attachment")
    finally:
        view.cancel()


@pytest.mark.parametrize("protocol,transport", PROTOCOLS)
def test_bad_arguments_and_a_closed_view(server, comms, protocol, transport):
    for bad in (5, "", ["t"]):
        with pytest.raises(InvalidArgument, match="thread_id must be"):
            StreamView("joke", {"topic": "x"}, url=server.url, protocol=protocol, transport=transport, thread_id=bad)
    view = StreamView("joke", {"topic": "x"}, url=server.url, protocol=protocol, transport=transport).run()
    view.close()
    with pytest.raises(InvalidArgument, match="closed"):
        view.run()
    assert view.status == "done", "a refused run changes nothing"


@pytest.mark.parametrize("protocol,transport", PROTOCOLS)
def test_an_unknown_graph_says_to_check_the_assistant_id(server, comms, protocol, transport):
    """The server answers 422 for an unknown graph name: the advice was to check the request body."""
    view = StreamView("no_such_graph", {"topic": "x"}, url=server.url, protocol=protocol, transport=transport)
    with pytest.raises(LGWidgetsError) as raised:
        view.run()
    message = str(raised.value)
    assert "Check assistant_id" in message and "joke" in message, message
    assert "check input, config" not in message and "\n" not in message
    assert view.status == "error" and view.error["message"] == message
    if protocol == "runs":
        assert isinstance(raised.value, HTTPStatusError) and raised.value.status_code == 422
