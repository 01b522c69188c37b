"""A server with custom auth (bearer tokens, each user sees only their own threads): headers= end to end.

``auth_server`` is the real ``langgraph dev`` serving tests/auth/langgraph.json,
whose ``auth.py`` refuses requests without a known token. Every request a view
makes (streams, rejoins, resume, cancel, history, fork, the graph drawing) must
carry the headers, or the server answers 401.
"""

from __future__ import annotations

import json

import pytest
from langgraph_sdk import get_sync_client

from auth.auth import TOKENS
from fault_proxy import Cut, FaultProxy
from lg_widgets import HTTPStatusError, StreamView
from lg_widgets.client import LangGraphClient
from slow_run import SLOW_GRAPH, SLOW_INPUT
from waiting import wait_until

pytestmark = pytest.mark.server

ALICE, BOB = (token for token, user in sorted(TOKENS.items(), key=lambda item: item[1]))
AS_ALICE = {"Authorization": f"Bearer {ALICE}"}
AS_BOB = {"Authorization": f"Bearer {BOB}"}
MODES = ["messages-tuple", "updates", "values"]


def raised_by(view: StreamView) -> HTTPStatusError:
    with pytest.raises(HTTPStatusError) as raised:
        view.run()
    assert view.status == "error" and view.error["kind"] == "http"
    return raised.value


def test_without_a_token_the_advice_names_headers(auth_server, comms):
    error = raised_by(StreamView("joke", {"topic": "x"}, url=auth_server.url))
    message = str(error)
    assert error.status_code == 401
    assert "Invalid or missing bearer token" in message, "the server's detail is quoted"
    assert "headers={'Authorization': 'Bearer ...'}" in message and "api_key=" in message


def test_a_wrong_token_is_refused_and_not_repeated(auth_server, comms):
    wrong = "lgw-wrong-token-0b9e77"
    view = StreamView("joke", {"topic": "x"}, url=auth_server.url, headers={"Authorization": f"Bearer {wrong}"})
    error = raised_by(view)
    assert error.status_code == 401 and "refused" in str(error) and "headers=" in str(error)
    assert wrong not in str(error) + json.dumps(view.get_state(), default=str)


def test_stateless_and_threaded_runs_with_a_bearer_token(auth_server, comms):
    stateless = StreamView("joke", {"topic": "auth"}, url=auth_server.url, headers=AS_ALICE, stream_mode=MODES).run()
    threaded = StreamView("joke", {"topic": "auth"}, url=auth_server.url, headers=AS_ALICE, stream_mode=MODES,
                          thread_id="new").run()
    for view in (stateless, threaded):
        assert view.status == "done" and "auth and cats" in view.text
        assert view.graph.get("nodes"), "the graph drawing was fetched with the headers"
    assert threaded.thread_id and len(threaded.history()) >= 3


def test_an_interrupt_is_resumed_in_the_same_view(auth_server, comms):
    view = StreamView("human", {"draft": "hello"}, url=auth_server.url, headers=AS_ALICE, thread_id="new").run()
    assert view.status == "interrupted"
    view.resume("yes", wait=True)
    assert view.status == "done" and view.state["published"] == "Hello, world"
    assert view.interrupts[0]["resolved"] is True


def test_another_users_token_on_that_thread_is_a_typed_error(auth_server, comms):
    alices = StreamView("joke", {"topic": "x"}, url=auth_server.url, headers=AS_ALICE, thread_id="new").run()
    error = raised_by(StreamView("joke", {"topic": "x"}, url=auth_server.url, headers=AS_BOB,
                                 thread_id=alices.thread_id))
    assert error.status_code == 404
    assert "may exist but not for these credentials" in str(error) and "headers=" in str(error)
    bobs_view_of_it = StreamView("joke", url=auth_server.url, headers=AS_BOB)
    bobs_view_of_it.thread_id = alices.thread_id
    with pytest.raises(HTTPStatusError, match="not for these credentials"):
        bobs_view_of_it.history()


def test_fork_and_cancel_carry_the_headers(auth_server, comms):
    view = StreamView("joke", {"topic": "ice cream"}, url=auth_server.url, headers=AS_ALICE,
                      stream_mode=["debug", "values"], thread_id="new").run()
    generate = next(s for s in view.steps if s["name"] == "generate_joke")
    fork = view.fork(generate["checkpoint_id"], update={"topic": "forks"}, wait=True)  # POST .../state, then a run
    assert fork.status == "done" and "forks" in fork.state["joke"]

    # A run that lasts and stops on the server when cancelled (slow_run.py says why not `long`).
    long = StreamView(SLOW_GRAPH, SLOW_INPUT, url=auth_server.url, headers=AS_ALICE, thread_id="new",
                      stream_mode="messages-tuple").start()
    wait_until(lambda: len(long.run_state.text) > 100, what="the first tokens")
    long.cancel()
    assert long.status == "cancelled"
    sdk = get_sync_client(url=auth_server.url, headers=AS_ALICE)
    # A cancel refused with 401 would leave the run going, then 'success': never one of these.
    wait_until(lambda: sdk.runs.get(long.thread_id, long.run_id)["status"] in ("interrupted", "cancelled", "error"),
               timeout=5, what="the server to stop the run (the cancel request was authorised)")


def test_a_dropped_stream_rejoins_with_the_headers(auth_server, comms):
    with FaultProxy(auth_server.url, [Cut(20_000)]) as proxy:
        view = StreamView("long", {"tokens": 3000}, url=proxy.url, headers=AS_ALICE, thread_id="new",
                          stream_mode="messages-tuple").run()
    assert view.status == "done"
    assert view._source.stream.resumes >= 1 and len(proxy.log) >= 2, "the stream was cut and rejoined"


def test_the_token_never_shows(auth_server, comms, tmp_path):
    view = StreamView("human", {"draft": "hello"}, url=auth_server.url, headers=AS_ALICE, thread_id="new",
                      stream_mode=["messages-tuple", "updates", "values", "debug"]).run()
    view.resume("yes", wait=True)
    refused = StreamView("joke", {"topic": "x"}, url=auth_server.url, headers=AS_BOB, thread_id=view.thread_id)
    error = raised_by(refused)
    view.save(tmp_path / "run.jsonl")
    bundle, _ = view._repr_mimebundle_()
    shown = [
        repr(view), repr(refused), json.dumps(view.get_state(), default=str), json.dumps(bundle, default=str),
        json.dumps(refused.get_state(), default=str), str(error), repr(error.args), json.dumps(error.detail),
        (tmp_path / "run.jsonl").read_text(), repr(LangGraphClient(auth_server.url, headers=AS_ALICE)),
        json.dumps([m["data"] for c in comms.instances for m in c.messages], default=str),
    ]
    for token in (ALICE, BOB):
        assert not [text for text in shown if token in text]
    assert "[redacted]" in shown[-2], "the client's repr shows the header's name, not its value"
