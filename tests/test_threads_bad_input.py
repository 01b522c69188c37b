"""The thread protocol's client against answers a LangGraph server doesn't give: typed errors, nothing lost, no secrets.

Real HTTP and WebSocket servers (tests/replay_server.py's ``serve``) that answer wrongly on purpose.
"""

from __future__ import annotations

import json

import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from lg_widgets.errors import (
    HTTPStatusError,
    InvalidArgument,
    LGWidgetsError,
    MalformedStream,
    ProtocolUnsupported,
    ServerUnreachable,
)
from lg_widgets.threads import Thread, ThreadClient, event_from_frame
from lg_widgets.threads.history import _error_type
from replay_server import canned, serve

SECRETS = ("sk-secret-1", "tok-secret-2", "pw-secret-3")
EVENT = {"type": "event", "event_id": "e1", "seq": 1, "method": "values",
         "params": {"namespace": [], "timestamp": 1, "data": {"a": 1}}}


def sse(*frames: bytes) -> list[bytes]:
    return list(frames)


def frame(data: dict | str, method: str = "values") -> bytes:
    text = data if isinstance(data, str) else json.dumps(data)
    return f"event: {method}\ndata: {text}\n\n".encode()


async def read(url: str, transport: str = "sse", **options) -> tuple[list, Exception | None]:
    """What a subscription yields before it fails (and the failure)."""
    got: list = []
    async with ThreadClient(url, transport=transport, max_resume_attempts=0, **options) as client:
        try:
            async with Thread(client, "t1").events() as events:
                async for event in events:
                    got.append(event)
        except LGWidgetsError as error:
            return got, error
    return got, None


@pytest.mark.parametrize("body, content_type, error, words", [
    (b'{"status": "ok"}', "application/json", MalformedStream, ("not an event stream", "LangGraph API server")),
    (sse(frame(EVENT), frame("not json at all")), "text/event-stream", MalformedStream, ("not JSON", "kept")),
    (sse(frame(EVENT), frame({"type": "event", "method": "values", "params": {}})), "text/event-stream",
     MalformedStream, ("without a method, a seq or params", "kept")),
    (sse(frame(EVENT), frame({"message": "boom"}, "error")), "text/event-stream", LGWidgetsError,
     ("event stream reported an error", "boom")),
])
async def test_a_stream_that_goes_wrong_is_a_typed_error_after_what_came_before(body, content_type, error, words):
    with serve(canned(200, body, content_type=content_type)) as served:
        got, failure = await read(served.url)
    assert isinstance(failure, error)
    assert all(word in str(failure) for word in words), str(failure)
    assert [e.data for e in got] == ([] if content_type != "text/event-stream" else [{"a": 1}])


async def test_an_error_status_on_the_stream_or_a_command_is_typed():
    with serve(canned(500, b"<html><h1>502 Bad Gateway</h1></html>", content_type="text/html")) as served:
        _, failure = await read(served.url)
        async with ThreadClient(served.url) as client:
            with pytest.raises(HTTPStatusError, match="HTTP 500") as command:
                await Thread(client, "t1").start_run("joke")
    assert isinstance(failure, HTTPStatusError) and failure.status_code == 500
    assert command.value.status_code == 500


async def test_missing_routes_mean_a_server_without_the_protocol():
    with serve(canned(404, b'{"detail": "Not Found"}')) as served:
        _, failure = await read(served.url)
        async with ThreadClient(served.url) as client:
            with pytest.raises(ProtocolUnsupported, match='protocol="runs"'):
                await Thread(client, "t1").respond("yes", "i1")
    assert isinstance(failure, ProtocolUnsupported)
    # A 404 that a route sent on purpose (an unknown thread, say) is no missing route.
    with serve(canned(404, b'{"detail": "Thread not found"}')) as served:
        _, failure = await read(served.url)
    assert type(failure) is HTTPStatusError and "Thread not found" in str(failure)


def recording_socket_app(seen: list, first_frame: str | None = None) -> Starlette:
    """A WebSocket route that records the handshake's headers and answers every command with success
    (or sends ``first_frame`` first); POST routes answer 404 like a server without the protocol."""

    async def socket(websocket: WebSocket) -> None:
        seen.append(dict(websocket.headers))
        await websocket.accept()
        if first_frame is not None:
            await websocket.send_text(first_frame)
        try:
            while True:
                command = json.loads(await websocket.receive_text())
                await websocket.send_text(json.dumps({"type": "success", "id": command["id"],
                                                      "result": {"tree": {"namespace": []}}}))
        except WebSocketDisconnect:
            pass

    async def missing(request) -> Response:
        return JSONResponse({"detail": "Not Found"}, status_code=404)

    return Starlette(routes=[WebSocketRoute("/threads/{tid}/stream/events", socket),
                             Route("/{path:path}", missing, methods=["GET", "POST"])])


async def test_the_websocket_handshake_carries_the_credentials_and_errors_keep_them_out():
    seen: list = []
    with serve(recording_socket_app(seen)) as served:
        async with ThreadClient(served.url, api_key=SECRETS[0], transport="websocket",
                                headers={"authorization": f"Bearer {SECRETS[1]}"}) as client:
            thread = Thread(client, "t1")
            assert await thread.get_tree() == {"namespace": []}
            with pytest.raises(HTTPStatusError) as rest:  # the REST route answers 404 here
                await thread.get_state()
    assert seen[0]["x-api-key"] == SECRETS[0] and seen[0]["authorization"] == f"Bearer {SECRETS[1]}"
    assert not any(secret in str(rest.value) or secret in repr(client) for secret in SECRETS)


async def test_a_websocket_frame_that_is_not_json_is_a_typed_error():
    with serve(recording_socket_app([], first_frame="<html>not json</html>")) as served:
        got, failure = await read(served.url, "websocket")
    assert isinstance(failure, MalformedStream) and "not JSON" in str(failure) and got == []


async def test_a_refused_websocket_handshake_without_the_commands_route_is_a_server_without_the_protocol():
    with serve(canned(404, b'{"detail": "Not Found"}')) as served:  # no WebSocket route: Starlette says 403
        _, failure = await read(served.url, "websocket")
    assert isinstance(failure, ProtocolUnsupported) and "WebSocket" in str(failure)


@pytest.mark.parametrize("transport", ["sse", "websocket"])
async def test_no_server_is_unreachable_and_says_so_without_secrets(unused_port, transport):
    url = f"http://user:{SECRETS[2]}@127.0.0.1:{unused_port}"
    _, failure = await read(url, transport, api_key=SECRETS[0], headers={"authorization": f"Bearer {SECRETS[1]}"})
    async with ThreadClient(url, transport=transport, api_key=SECRETS[0]) as client:
        with pytest.raises(ServerUnreachable) as command:
            await Thread(client, "t1").start_run("joke")
    for error in (failure, command.value):
        assert isinstance(error, ServerUnreachable) and f"127.0.0.1:{unused_port}" in str(error)
        assert not any(secret in str(error) for secret in SECRETS)


@pytest.mark.parametrize("call, message", [
    (lambda thread: thread.events(since=-1), "since"),
    (lambda thread: thread.events(since=True), "since"),
    (lambda thread: thread.events(channels=["values", "debug"]), "Unknown channel"),
    (lambda thread: thread.start_run(""), "assistant_id"),
    (lambda thread: thread.command("run.start", {"input": object()}), "JSON-serialisable"),
])
async def test_bad_arguments_are_refused_before_anything_is_sent(unused_port, call, message):
    async with ThreadClient(f"http://127.0.0.1:{unused_port}") as client:
        with pytest.raises(InvalidArgument, match=message):
            result = call(Thread(client, "t1"))
            if hasattr(result, "__await__"):
                await result
    with pytest.raises(InvalidArgument, match="transport"):
        ThreadClient(f"http://127.0.0.1:{unused_port}", transport="grpc")


@pytest.mark.parametrize("reads_before_the_error", [0, 3])
async def test_a_failed_runs_error_type_waits_for_the_thread_to_keep_it(reads_before_the_error):
    """The server sends ``failed`` before its worker writes the error to the thread: the type is
    read again while the thread is still busy (holding an earlier run's error), not given up as a
    bare RunError nor taken from that earlier run."""
    reads = []
    earlier = {"error": "KeyError", "message": "an earlier run's error"}

    def thread_record(request) -> bytes:
        reads.append(request.url.path)
        if len(reads) <= reads_before_the_error:
            return json.dumps({"thread_id": "t1", "status": "busy", "error": earlier}).encode()
        return json.dumps({"thread_id": "t1", "status": "error",
                           "error": {"error": "ValueError", "message": "boom"}}).encode()

    failed = event_from_frame({**EVENT, "method": "lifecycle",
                               "params": {**EVENT["params"], "data": {"event": "failed", "error": "boom"}}})
    with serve(canned(200, thread_record)) as served:
        async with ThreadClient(served.url) as client:
            derived = await _error_type(Thread(client, "t1"), failed)
    assert derived.data == {"error": "ValueError", "message": "boom"}
    assert reads == ["/threads/t1"] * (reads_before_the_error + 1)
