"""Bad input, table-driven: every failure is a typed lg_widgets error that says what to do.

Each case names where the client points (a tiny scripted HTTP server, a proxy
that speaks nonsense, nothing at all, or the real dev server), what it asks,
and what must come out: the exception type, words its message must contain,
and how many events must have been kept (and folded) before the failure.
Every case runs with a planted API key that must never show up in a message.
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

import httpx
import pytest

from fault_proxy import Cut, FaultProxy, Garbage
from lg_widgets import (
    HTTPStatusError,
    InvalidArgument,
    LGWidgetsError,
    MalformedStream,
    RunState,
    ServerUnreachable,
)
from lg_widgets.client import LangGraphClient, RunRequest
from replay_server import ReplayServer, canned, serve, sse_bytes
from slow_run import SLOW_GRAPH, SLOW_INPUT

KEY = "lgk-PLANTED-secret-4242"
MODES = ["values", "updates", "messages-tuple"]

TOKEN = [{"content": "hi", "type": "AIMessageChunk", "id": "m1"}, {"langgraph_node": "n"}]
TWO_EVENTS = sse_bytes("metadata", {"run_id": "r1"}) + sse_bytes("messages", TOKEN)
HTML_502 = (b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1>"
            b"</center><hr><center>nginx</center></body></html>")


class Env:
    """What a case's ``url`` factory may ask for; everything it starts stops after the test."""

    def __init__(self, unused_port: int, request: pytest.FixtureRequest):
        self.unused_port = unused_port
        self._request = request
        self._closers: list[Callable[[], None]] = []

    def canned(self, *args: Any, **kwargs: Any) -> str:
        served = serve(canned(*args, **kwargs))
        self._closers.append(served.stop)
        return served.url

    def sse(self, body: bytes | list[bytes]) -> str:
        return self.canned(200, body if isinstance(body, list) else [body], content_type="text/event-stream")

    def proxy(self, actions: list) -> str:
        upstream = ReplayServer(50).start()
        proxy = FaultProxy(upstream.url, actions).start()
        self._closers += [upstream.stop, proxy.stop]
        return proxy.url

    def replay(self) -> ReplayServer:
        server = ReplayServer(50).start()
        self._closers.append(server.stop)
        return server

    @property
    def dev(self) -> str:
        return self._request.getfixturevalue("server").url

    def close(self) -> None:
        for close in reversed(self._closers):
            close()


@dataclass
class Case:
    id: str
    url: Callable[[Env], str]
    error: type[LGWidgetsError] | None
    says: tuple[str, ...] = ()
    kept: int = 0
    request: dict = field(default_factory=dict)
    client: dict = field(default_factory=dict)
    dev: bool = False  # needs the real dev server


def echo_key(request) -> bytes:
    # A careless server that quotes the key it refused: the client must not repeat it.
    return json.dumps({"detail": f"invalid api key {request.headers.get('x-api-key')!r}"}).encode()


def echo_token(request) -> bytes:
    # The same with a bearer token, quoted without its scheme.
    token = request.headers.get("authorization", "").partition(" ")[2]
    return json.dumps({"detail": f"unknown token {token}"}).encode()


BEARER = {"api_key": None, "headers": {"Authorization": f"Bearer {KEY}"}}


CASES = [
    # -- reaching the server ------------------------------------------------------------
    Case("server-down", lambda e: f"http://127.0.0.1:{e.unused_port}", ServerUnreachable,
         ("127.0.0.1", "Is it running", "local_server()")),
    Case("wrong-port-other-web-server", lambda e: e.canned(404, b"<h1>Not Found</h1>", content_type="text/html"),
         HTTPStatusError, ("HTTP 404", "Not Found", "LangGraph API server")),
    Case("dns-failure", lambda e: "http://nonexistent.invalid", ServerUnreachable,
         ("nonexistent.invalid", "does not resolve", "typos")),
    Case("tls-to-plain-http", lambda e: e.replay().url.replace("http://", "https://"), ServerUnreachable,
         ("TLS", "http://")),
    Case("not-http-at-all", lambda e: e.proxy([Garbage()]), ServerUnreachable,
         ("did not answer with HTTP", "scheme")),
    Case("closed-without-answer", lambda e: e.proxy([Cut(0)]), ServerUnreachable,
         ("closed the connection",)),
    Case("password-in-url-is-not-shown",
         lambda e: f"http://user:{KEY}@127.0.0.1:{e.unused_port}", ServerUnreachable, ("127.0.0.1",)),
    # -- HTTP statuses before the run -----------------------------------------------------------
    Case("401-without-key", lambda e: e.canned(401, b'{"detail": "Missing authentication"}'), HTTPStatusError,
         ("HTTP 401", "Missing authentication", "api_key=", "LANGGRAPH_API_KEY"), client={"api_key": None}),
    Case("401-with-key-echoed", lambda e: e.canned(401, echo_key), HTTPStatusError,
         ("HTTP 401", "refused", "api_key=")),
    Case("403-with-key", lambda e: e.canned(403, b'{"detail": "Forbidden"}'), HTTPStatusError,
         ("HTTP 403", "permissions")),
    Case("403-without-key", lambda e: e.canned(403, b'{"detail": "Forbidden"}'), HTTPStatusError,
         ("HTTP 403", "without credentials", "api_key="), client={"api_key": None}),
    Case("401-bearer-token-echoed", lambda e: e.canned(401, echo_token), HTTPStatusError,
         ("HTTP 401", "unknown token", "refused", "headers="), client=BEARER),
    Case("403-bearer-token", lambda e: e.canned(403, b'{"detail": "Not your run"}'), HTTPStatusError,
         ("HTTP 403", "Not your run", "permissions", "headers="), client=BEARER),
    Case("404-thread-under-credentials", lambda e: e.canned(404, b'{"detail": "Thread not found"}'), HTTPStatusError,
         ("HTTP 404", "Thread not found", "may exist but not for these credentials", "headers="),
         request={"thread_id": str(uuid.UUID(int=9))}, client=BEARER),
    Case("404-unknown-assistant-uuid", lambda e: e.dev, HTTPStatusError, ("HTTP 404", "assistant_id"),
         request={"assistant_id": str(uuid.UUID(int=7))}, dev=True),
    Case("422-unknown-graph-name", lambda e: e.dev, HTTPStatusError, ("HTTP 422", "nope", "registered graphs"),
         request={"assistant_id": "nope"}, dev=True),
    Case("422-bad-body", lambda e: e.dev, HTTPStatusError, ("HTTP 422", "recursion_limit", "check input, config"),
         request={"config": {"recursion_limit": "x"}}, dev=True),
    Case("500-json", lambda e: e.canned(500, b'{"detail": "database is down"}'), HTTPStatusError,
         ("HTTP 500", "database is down", "see its logs")),
    Case("502-html-page", lambda e: e.canned(502, HTML_502, content_type="text/html"), HTTPStatusError,
         ("HTTP 502", "502 Bad Gateway nginx", "gateway")),
    Case("503-plain-text", lambda e: e.canned(503, b"upstream unavailable", content_type="text/plain"),
         HTTPStatusError, ("HTTP 503", "upstream unavailable", "try again")),
    Case("thread-creation-fails", lambda e: e.canned(200, b"", thread_status=500), HTTPStatusError,
         ("/threads failed", "HTTP 500"), request={"thread_id": "new"}),
    Case("thread-creation-not-json", lambda e: e.canned(200, b"ok", content_type="text/plain"), MalformedStream,
         ("/threads", "LangGraph API server"), request={"thread_id": "new"},
         client={"url_suffix": "/nothing-here"}),
    # -- what the stream carries --------------------------------------------------------------
    Case("json-instead-of-sse", lambda e: e.canned(200, b'{"status": "ok"}'), MalformedStream,
         ("application/json", "not an event stream", "LangGraph API server")),
    Case("html-instead-of-sse", lambda e: e.canned(200, b"<html>hello</html>", content_type="text/html"),
         MalformedStream, ("text/html", "not an event stream")),
    Case("html-labelled-as-sse", lambda e: e.sse(b"<html>\n<body>hello</body>\n</html>\n"), MalformedStream,
         ("no events", "<html>", "LangGraph API server")),
    Case("malformed-sse-lines-are-skipped",
         lambda e: e.sse([sse_bytes("metadata", {"run_id": "r1"}), b"garbage line\n:comment\nretry: x\n\n",
                          b"nonsense: yes\n" + sse_bytes("messages", TOKEN)]), None, kept=2),
    Case("non-json-data", lambda e: e.sse([TWO_EVENTS, b"event: values\ndata: not json at all\n\n"]),
         MalformedStream, ("'values'", "not JSON", "kept"), kept=2),
    Case("truncated-json", lambda e: e.sse([TWO_EVENTS, b'event: values\ndata: {"a": [1, 2\n\n']),
         MalformedStream, ("not JSON", "{\"a\": [1, 2"), kept=2),
    Case("keepalive-comments-are-not-events",  # a blank line after a comment, once ids were seen
         lambda e: e.sse([b'id: 1-0\nevent: values\ndata: {"a": 1}\n\n', b": keepalive\n\n: keepalive\n\n",
                          b'id: 2-0\nevent: values\ndata: {"a": 2}\n\n:\n\n']), None, kept=2),
    Case("unknown-modes-are-kept",
         lambda e: e.sse([TWO_EVENTS, sse_bytes("telemetry/v9", {"x": 1}), sse_bytes("values", {"a": 1})]),
         None, kept=4),
    Case("huge-single-event-10mb",
         lambda e: e.sse([sse_bytes("values", {"blob": "x" * 10_000_000}), sse_bytes("values", {"a": 1})]),
         None, kept=2),
    Case("empty-stream", lambda e: e.sse([b""]), None, kept=0),
    Case("incomplete-last-event-dropped",
         lambda e: e.sse([TWO_EVENTS, b'event: values\ndata: {"a": 1}']), None, kept=2),
    Case("run-error-event-is-an-event", lambda e: e.sse([TWO_EVENTS, sse_bytes("error", {
        "error": "ValueError", "message": "boom"})]), None, kept=3),
    # -- wrong arguments from the user (nothing is sent) -------------------------------------------
    Case("stream-mode-int", lambda e: "http://127.0.0.1:9", InvalidArgument, ("stream_mode", "Known modes"),
         request={"stream_mode": 3}),
    Case("stream-mode-unknown", lambda e: "http://127.0.0.1:9", InvalidArgument, ("valuez", "Known modes"),
         request={"stream_mode": ["values", "valuez"]}),
    Case("stream-mode-empty", lambda e: "http://127.0.0.1:9", InvalidArgument, ("empty", "Known modes"),
         request={"stream_mode": []}),
    Case("input-not-json", lambda e: "http://127.0.0.1:9", InvalidArgument, ("JSON-serialisable", "dicts"),
         request={"input": {"when": object()}}),
    Case("assistant-id-empty", lambda e: "http://127.0.0.1:9", InvalidArgument, ("assistant_id", "langgraph.json"),
         request={"assistant_id": ""}),
    Case("assistant-id-none", lambda e: "http://127.0.0.1:9", InvalidArgument, ("assistant_id",),
         request={"assistant_id": None}),
    Case("config-not-dict", lambda e: "http://127.0.0.1:9", InvalidArgument, ("config", "dict"),
         request={"config": "fast"}),
    Case("url-scheme", lambda e: "ftp://127.0.0.1:9", InvalidArgument, ("http://host:port",)),
    Case("url-without-host", lambda e: "http://", InvalidArgument, ("http://host:port",)),
    Case("headers-not-a-dict", lambda e: "http://127.0.0.1:9", InvalidArgument, ("headers must be a dict",),
         client={"headers": [("Authorization", "Bearer x")]}),
    Case("header-value-not-str", lambda e: "http://127.0.0.1:9", InvalidArgument, ("'Authorization'", "str"),
         client={"headers": {"Authorization": 42}}),
    Case("header-value-injects-a-header", lambda e: "http://127.0.0.1:9", InvalidArgument, ("line break",),
         client={"headers": {"X-Tenant": f"acme\r\nx-api-key: {KEY}"}}),
    Case("header-name-not-a-token", lambda e: "http://127.0.0.1:9", InvalidArgument, ("header name",),
         client={"headers": {"X Tenant": "acme"}}),
    Case("verify-missing-ca-file", lambda e: "https://127.0.0.1:9", InvalidArgument, ("no such CA bundle",),
         client={"verify": "/nonexistent/ca.pem"}),
    Case("read-timeout-negative", lambda e: "http://127.0.0.1:9", InvalidArgument, ("read_timeout",),
         client={"read_timeout": -1}),
]


async def run_case(case: Case, url: str) -> tuple[list, BaseException | None]:
    """Stream the case's run; the events that arrived, and what was raised."""
    events: list = []
    client_options = {"api_key": KEY, "read_timeout": 10.0, "resume_backoff": 0.01, **case.client}
    url += client_options.pop("url_suffix", "")
    try:
        request = RunRequest(**{"assistant_id": "long", "input": {"tokens": 3}, "stream_mode": MODES,
                                **case.request})
        async with LangGraphClient(url, **client_options) as client:
            async for event in client.stream(request):
                events.append(event)
    except Exception as exc:  # noqa: BLE001 - the test inspects whatever came out
        return events, exc
    return events, None


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=[pytest.mark.server] if c.dev else [])
                                  for c in CASES])
async def test_bad_input(case: Case, unused_port, request):
    env = Env(unused_port, request)
    try:
        url = await asyncio.to_thread(case.url, env)
        events, error = await asyncio.wait_for(run_case(case, url), 30)
    finally:
        await asyncio.to_thread(env.close)

    if case.error is None:
        assert error is None, f"unexpected {type(error).__name__}: {error}"
    else:
        assert isinstance(error, case.error), f"expected {case.error.__name__}, got {type(error).__name__}: {error}"
        message = str(error)
        for words in case.says:
            assert words in message, f"{words!r} not in {message!r}"
        assert KEY not in message and KEY not in repr(error.args)
        assert KEY not in json.dumps(getattr(error, "detail", None))
        assert message.rstrip().endswith((".", "?")), message  # sentences, the last one says what to do
        assert not re.search(r"(?<!\.)\.\.(?!\.)", message), message
    assert len(events) == case.kept
    state = RunState(MODES).apply_all(events)  # whatever arrived folds
    assert state.event_count == case.kept


async def test_huge_event_arrives_whole():
    with serve(canned(200, [sse_bytes("values", {"blob": "x" * 10_000_000})], content_type="text/event-stream")) as s:
        events, error = await run_case(Case("huge", lambda e: s.url, None), s.url)
    assert error is None and len(events[0].data["blob"]) == 10_000_000
    assert RunState(["values"]).apply_all(events).state == {"blob": "x" * 10_000_000}


async def test_error_event_folds_into_a_run_error():
    body = [TWO_EVENTS, sse_bytes("error", {"error": "ValueError", "message": "boom"})]
    with serve(canned(200, body, content_type="text/event-stream")) as s:
        events, error = await run_case(Case("err", lambda e: s.url, None), s.url)
    state = RunState(MODES).apply_all(events)
    assert error is None
    assert state.status == "error" and state.error == {"type": "ValueError", "message": "boom", "kind": "run"}
    assert state.text == "hi"


@pytest.mark.server
async def test_busy_thread_answers_409(server):
    """A second run on a thread that is still running, with multitask_strategy='reject'."""
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        thread_id = (await http.post("/threads", json={})).json()["thread_id"]
        first = (await http.post(f"/threads/{thread_id}/runs",
                                 json={"assistant_id": SLOW_GRAPH, "input": SLOW_INPUT})).json()
        try:
            case = Case("409", lambda e: server.url, HTTPStatusError,
                        request={"thread_id": thread_id, "extra": {"multitask_strategy": "reject"}})
            events, error = await run_case(case, server.url)
        finally:
            await http.post(f"/threads/{thread_id}/runs/{first['run_id']}/cancel")
    assert isinstance(error, HTTPStatusError) and error.status_code == 409
    assert "busy" in str(error) and "another thread" in str(error) and KEY not in str(error)
    assert events == []
