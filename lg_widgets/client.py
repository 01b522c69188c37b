"""Start a LangGraph run over HTTP and yield its events as ``StreamEvent``s.

``httpx`` does the HTTP, ``httpx-sse`` parses the server-sent events. A
``RunStream`` is one run: iterate it for events, ``cancel()`` it, read its
``run_id`` / ``thread_id``. When the connection drops mid-run on a resumable
threaded stream (or closes while the server says the run is still going) it
rejoins the run with ``Last-Event-ID``, a bounded number of times with backoff
(see docs/architecture.md on why it resumes from the id *before* the last one
and skips what it has). ``LangGraphClient(read_timeout=, max_resume_attempts=,
resume_backoff=)`` tune it; the module constants below are the defaults.
``headers=`` go with every request (custom auth); ``verify=`` says which TLS
certificates to trust.

The fold doesn't care where events come from: any async iterable of
``StreamEvent`` (a recorded file, a local graph, a ``langgraph_sdk`` stream)
feeds a view the same way.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import re
import ssl
import time
import warnings
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Mapping
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

import httpx
from httpx_sse import ServerSentEvent
# The SSE-spec line splitter (only \r, \n, \r\n end a line: JSON may hold U+2028).
from httpx_sse._decoders import SSEDecoder, SSELineDecoder

from .errors import (
    HTTPStatusError,
    InsecureTLSWarning,
    InvalidArgument,
    LGWidgetsError,
    MalformedStream,
    ServerUnreachable,
    StreamDisconnected,
    StreamStalled,
    TLSCertificateError,
)
from .protocol import REQUEST_MODES, StreamEvent, parse_event
from .redact import header_secrets, redact_headers, redact_string

#: Seconds without a byte from the server before a stream counts as stalled.
DEFAULT_READ_TIMEOUT = 300.0
#: Rejoin attempts in a row that bring no new event before giving up, the first
#: backoff (doubles per failed attempt, resets once events flow again) and its cap.
MAX_RESUME_ATTEMPTS = 5
FIRST_BACKOFF = 0.2
MAX_BACKOFF = 5.0
#: Run statuses that mean "still going": a stream that closes then is rejoined.
LIVE_RUN_STATUSES = ("pending", "running")
#: Seconds a cancel waits for the server to name a run it has been asked to start.
RUN_NAMED_TIMEOUT = 5.0


async def wait_for_name(named: asyncio.Event) -> None:
    """Wait, up to ``RUN_NAMED_TIMEOUT``, until a run asked for is named (or never will be)."""
    try:
        await asyncio.wait_for(named.wait(), RUN_NAMED_TIMEOUT)
    except asyncio.TimeoutError:
        pass


def resume_delay(first_backoff: float, failures: int) -> float:
    """Seconds to wait before the next rejoin after ``failures`` fruitless ones (doubling, capped)."""
    return min(MAX_BACKOFF, first_backoff * 2 ** failures)


@dataclass
class RunRequest:
    """What to run, with langgraph_sdk's parameter names."""

    assistant_id: str
    input: Any = None
    stream_mode: str | list[str] = "values"
    config: dict | None = None
    context: dict | None = None
    stream_subgraphs: bool = False
    interrupt_before: list[str] | str | None = None
    interrupt_after: list[str] | str | None = None
    command: dict | None = None
    checkpoint_id: str | None = None
    metadata: dict | None = None
    #: None: stateless run; "new": create a thread first; else an existing thread id
    thread_id: str | None = None
    #: ask the server to keep events so a dropped stream can be rejoined (threaded runs)
    stream_resumable: bool = True
    #: what the server does when the client goes away; "cancel" for stateless runs by default
    on_disconnect: str | None = None
    #: join this run of ``thread_id`` (started elsewhere) instead of starting one
    join_run_id: str | None = None
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.assistant_id, str) or not self.assistant_id.strip():
            raise InvalidArgument(
                f"assistant_id must be a non-empty string (a graph id from langgraph.json or an "
                f"assistant's id), got {self.assistant_id!r}."
            )
        self.stream_mode = normalize_stream_mode(self.stream_mode)
        for name in ("config", "context", "command", "metadata"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, dict):
                raise InvalidArgument(f"{name} must be a dict or None, got {type(value).__name__}: "
                                      f"pass e.g. {name}={{...}} with JSON-compatible values.")
        try:
            json.dumps(self.input)
        except (TypeError, ValueError) as exc:
            raise InvalidArgument(
                f"input must be JSON-serialisable (dicts, lists, strings, numbers): {exc}. "
                "Convert objects such as messages to dicts first."
            ) from None

    @property
    def modes(self) -> list[str]:
        return list(self.stream_mode)

    def body(self, threaded: bool) -> dict[str, Any]:
        body: dict[str, Any] = {
            "assistant_id": self.assistant_id,
            "stream_mode": self.modes,
        }
        optional = {
            "input": self.input,
            "config": self.config,
            "context": self.context,
            "interrupt_before": self.interrupt_before,
            "interrupt_after": self.interrupt_after,
            "command": self.command,
            "checkpoint_id": self.checkpoint_id,
            "metadata": self.metadata,
        }
        body.update({k: v for k, v in optional.items() if v is not None})
        if self.stream_subgraphs:
            body["stream_subgraphs"] = True
        if threaded and self.stream_resumable:
            body["stream_resumable"] = True
        on_disconnect = self.on_disconnect or ("continue" if threaded else "cancel")
        body["on_disconnect"] = on_disconnect
        body.update(self.extra)
        return body


def normalize_stream_mode(stream_mode: Any) -> list[str]:
    """``"updates"`` or a list of modes → a list of known, unique modes."""
    if isinstance(stream_mode, str):
        modes = [stream_mode]
    elif isinstance(stream_mode, (list, tuple)) and all(isinstance(m, str) for m in stream_mode):
        modes = list(dict.fromkeys(stream_mode))
    else:
        raise InvalidArgument(
            f"stream_mode must be a mode name or a list of them, got {stream_mode!r}. "
            f"Known modes: {', '.join(sorted(REQUEST_MODES))}."
        )
    known = ", ".join(sorted(REQUEST_MODES))
    if not modes:
        raise InvalidArgument(f"stream_mode is empty: name at least one mode. Known modes: {known}.")
    unknown = [m for m in modes if m not in REQUEST_MODES]
    if unknown:
        raise InvalidArgument(f"Unknown stream mode(s) {unknown!r}. Known modes: {known}.")
    return modes


def resolve_url(url: str | None) -> str:
    """The argument, else ``$LANGGRAPH_API_URL``, checked and without a trailing slash.

    The client never starts a server: ``lg_widgets.server.server_url`` does that, once, for
    the widget (and whoever else wants the embedded server when no URL is given).
    """
    url = url or os.environ.get("LANGGRAPH_API_URL")
    if not url:
        raise InvalidArgument("No server URL: pass url='http://host:port' or set LANGGRAPH_API_URL "
                              "(StreamView starts the embedded server itself when neither is given).")
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        raise InvalidArgument(f"url must look like 'http://host:port', got {url!r}.")
    return url.rstrip("/")


def resolve_api_key(api_key: str | None) -> str | None:
    return api_key or os.environ.get("LANGGRAPH_API_KEY") or None


# RFC 9110 field names; values: visible ASCII, spaces and tabs (no line breaks: no header injection).
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_HEADER_VALUE = re.compile(r"[\t\x20-\x7e]*")


def check_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    """``headers=`` as a plain dict, or ``InvalidArgument`` (which never quotes a value: it may be a token)."""
    if headers is None:
        return {}
    if not isinstance(headers, Mapping):
        raise InvalidArgument(f"headers must be a dict of header names to values, got {type(headers).__name__}: "
                              "pass e.g. headers={'Authorization': 'Bearer ...'}.")
    checked = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
            raise InvalidArgument(f"headers: {name!r} is not a valid HTTP header name (letters, digits and "
                                  "-_.!#$%&'*+^`|~ only), e.g. 'Authorization'.")
        if not isinstance(value, str):
            raise InvalidArgument(f"headers: the value of {name!r} must be a str, got {type(value).__name__}.")
        if not _HEADER_VALUE.fullmatch(value):
            raise InvalidArgument(f"headers: the value of {name!r} holds a line break or a non-ASCII character, "
                                  "which HTTP headers cannot carry.")
        checked[name] = value
    return checked


def tls_verify(verify: bool | str | os.PathLike | ssl.SSLContext | None) -> ssl.SSLContext | bool:
    """``verify=`` → what httpx takes: the shared default context, a CA bundle's context, yours, or False."""
    if verify is None or verify is True:
        return _tls_context()
    if verify is False:
        _warn_insecure()
        return False
    if isinstance(verify, ssl.SSLContext):
        return verify
    if isinstance(verify, (str, os.PathLike)):
        return _ca_bundle_context(os.path.abspath(os.path.expanduser(os.fspath(verify))))
    raise InvalidArgument(f"verify must be True, False, a CA bundle path or an ssl.SSLContext, got "
                          f"{type(verify).__name__}.")


_insecure_warned = False


def _warn_insecure() -> None:
    global _insecure_warned
    if not _insecure_warned:  # once per process: every view makes a client, the advice is the same
        _insecure_warned = True
        warnings.warn("verify=False: the server's TLS certificate is not checked, so whoever sits between you and "
                      "the server can read the run and your credentials. For a deployment with its own "
                      "certificate authority pass verify='/path/to/ca.pem' instead.", InsecureTLSWarning,
                      stacklevel=4)


class LangGraphClient:
    """A small async client for the run endpoints of the LangGraph API.

    ``headers``: HTTP headers sent with every request (e.g. ``{"Authorization": "Bearer ..."}``
    for custom auth); never shown (``repr`` redacts secret-looking names), never in a message.
    ``verify``: which TLS certificates to trust: the system's (default), a CA bundle path, an
    ``ssl.SSLContext``, or ``False`` (no check; warned once).
    ``read_timeout``: seconds without a byte before a stream counts as stalled.
    ``max_resume_attempts`` / ``resume_backoff``: how often, and how patiently,
    a dropped resumable stream is rejoined (see ``RunStream``).
    ``headers``: sent with every request (e.g. ``authorization`` for a server with custom
    auth); their values are treated as secrets, like the API key.
    """

    def __init__(self, url: str | None = None, api_key: str | None = None, *,
                 headers: Mapping[str, str] | None = None,
                 verify: bool | str | os.PathLike | ssl.SSLContext | None = None,
                 read_timeout: float | None = None, connect_timeout: float = 10.0,
                 max_resume_attempts: int | None = None, resume_backoff: float | None = None):
        extra_headers = check_headers(headers)
        tls = tls_verify(verify)
        self.url = resolve_url(url)
        # Defaults are read here, not at import, so a test (or a user) can change them module-wide.
        self.read_timeout = _positive("read_timeout", DEFAULT_READ_TIMEOUT if read_timeout is None else read_timeout)
        self.max_resume_attempts = MAX_RESUME_ATTEMPTS if max_resume_attempts is None else max_resume_attempts
        if not isinstance(self.max_resume_attempts, int) or self.max_resume_attempts < 0:
            raise InvalidArgument(f"max_resume_attempts must be an int >= 0, got {max_resume_attempts!r}.")
        self.resume_backoff = _positive("resume_backoff", FIRST_BACKOFF if resume_backoff is None else resume_backoff,
                                        zero_ok=True)
        headers = httpx.Headers({"accept": "text/event-stream"})
        headers.update(extra_headers)  # case-insensitively: a user's Accept replaces ours
        key = resolve_api_key(api_key)
        if key:
            headers["x-api-key"] = key
        parts = urlsplit(self.url)
        # Secrets that must never appear in an error message: the key, secret headers, a password in the URL.
        self._secrets = [s for s in (key, parts.password, *header_secrets(extra_headers)) if s]
        self._shown_headers = redact_headers(extra_headers)
        #: what a WebSocket handshake to this server sends (the same credentials as HTTP requests)
        self.auth_headers = {k: v for k, v in headers.items() if k.lower() != "accept"}
        self.display_url = _display_url(self.url)
        #: what TLS trusts for this server (a context, or False), for a WebSocket to it as well
        self.tls = tls
        self._http = httpx.AsyncClient(
            base_url=self.url,
            headers=headers,
            timeout=httpx.Timeout(_positive("connect_timeout", connect_timeout), read=self.read_timeout),
            verify=tls,
        )

    def __repr__(self) -> str:
        headers = f", headers={self._shown_headers!r}" if self._shown_headers else ""
        return f"LangGraphClient(url={self.display_url!r}{headers})"

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> "LangGraphClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()

    def redact(self, text: str) -> str:
        return redact_string(text, self._secrets)

    # plain JSON endpoints ------------------------------------------------

    async def request_json(self, method: str, path: str, body: Any = None) -> Any:
        try:
            response = await self._http.request(method, path, json=body, headers={"accept": "application/json"})
        except httpx.TransportError as exc:
            raise self.unreachable(exc) from None
        if response.status_code >= 400:
            raise self.status_error(method, path, response.status_code, response.text)
        try:
            return response.json() if response.content else None
        except ValueError:
            raise MalformedStream(self.redact(
                f"{method} {self.display_url}{path} answered with something that is not JSON: "
                f"{response.text[:200]!r}. Is the URL a LangGraph API server?")) from None

    async def create_thread(self) -> str:
        thread = await self.request_json("POST", "/threads", {})
        if not isinstance(thread, dict) or not thread.get("thread_id"):
            raise MalformedStream(f"POST {self.display_url}/threads answered without a thread_id: {thread!r:.200}. "
                                  "Is the URL a LangGraph API server?")
        return str(thread["thread_id"])

    async def cancel_run(self, thread_id: str, run_id: str) -> None:
        await self.request_json("POST", f"/threads/{thread_id}/runs/{run_id}/cancel")

    async def get_run(self, thread_id: str, run_id: str) -> dict:
        return await self.request_json("GET", f"/threads/{thread_id}/runs/{run_id}")

    async def get_thread(self, thread_id: str) -> Any:
        """The thread as the server keeps it (``GET /threads/{id}``): status, values, interrupts, error."""
        return await self.request_json("GET", f"/threads/{thread_id}")

    async def thread_history(self, thread_id: str, limit: int = 100) -> list[dict]:
        """The thread's checkpoints, newest first."""
        return await self.request_json("POST", f"/threads/{thread_id}/history", {"limit": limit})

    async def update_thread_state(self, thread_id: str, values: dict, checkpoint_id: str | None = None) -> str:
        """Write ``values`` into the thread's state (at ``checkpoint_id``); returns the new checkpoint's id."""
        written = await self.request_json("POST", f"/threads/{thread_id}/state",
                                          {"values": values, "checkpoint_id": checkpoint_id})
        try:
            return str(written["checkpoint"]["checkpoint_id"])
        except (KeyError, TypeError):
            raise MalformedStream(f"POST {self.display_url}/threads/{thread_id}/state answered without a "
                                  f"checkpoint id: {written!r:.200}.") from None

    async def assistant_graph(self, assistant_id: str) -> dict | None:
        """The assistant's drawable graph (subgraphs included), or None when the server has none."""
        graph = await self.request_json("GET", f"/assistants/{assistant_id}/graph?xray=true")
        return graph if isinstance(graph, dict) and isinstance(graph.get("nodes"), list) else None

    # streams ---------------------------------------------------------------

    def stream(self, request: RunRequest) -> "RunStream":
        return RunStream(self, request)

    def join(self, thread_id: str, run_id: str, stream_mode: list[str] | None = None) -> "JoinedRunStream":
        """An existing threaded run's events (``GET /threads/{tid}/runs/{rid}/stream``): those the
        server kept from its start, then live ones until it ends. ``stream_mode`` filters (default: all)."""
        return JoinedRunStream(self, thread_id, run_id, stream_mode)

    async def join_thread(self, thread_id: str, last_event_id: str | None = "0") -> AsyncIterator[StreamEvent]:
        """Every run's events on a thread (``GET /threads/{tid}/stream``), the stored ones after
        ``last_event_id`` first (``"0"``: all; ``None``: live only). Never ends by itself."""
        path = f"/threads/{thread_id}/stream"
        headers = {"last-event-id": last_event_id} if last_event_id else {}
        try:
            async with self._http.stream("GET", path, headers=headers) as response:
                if response.status_code >= 400:
                    await response.aread()
                    raise self.status_error("GET", path, response.status_code, response.text)
                reader = _SSEReader(f"GET {self.display_url}{path}")
                async for text in response.aiter_text():
                    for sse in reader.feed(text):
                        yield parse_event(sse.event, sse.data, sse.id, time.monotonic())
        except httpx.TransportError as exc:
            raise self.unreachable(exc) from None

    # errors ----------------------------------------------------------------

    def unreachable(self, exc: Exception) -> LGWidgetsError:
        """A transport error before any answer → an error that says what to check."""
        if isinstance(exc, httpx.TimeoutException) and not isinstance(exc, httpx.ConnectTimeout):
            return StreamStalled(self.redact(
                f"{self.display_url} accepted the connection but sent nothing for {self.read_timeout:g} s "
                f"({type(exc).__name__}). Is the server overloaded? Raise read_timeout to wait longer."))
        certificate = _certificate_failure(exc)
        if certificate is not None:
            reason = (certificate.verify_message or certificate.reason or "no reason given").rstrip(".")
            return TLSCertificateError(self.redact(
                f"The TLS certificate of {self.display_url} could not be verified ({reason}). If the deployment "
                "uses its own certificate authority, pass its CA bundle as verify=\"/path/to/ca.pem\"; to skip the "
                "check on a network you trust, pass verify=False."))
        return ServerUnreachable(self.redact(
            f"Could not reach the LangGraph API server at {self.display_url} ({_describe(exc)}). "
            + _connection_hint(exc)))

    def status_error(self, method: str, path: str, status: int, text: str) -> HTTPStatusError:
        error = _status_error(method, f"{self.display_url}{path}", status, text, credentials=bool(self._secrets),
                              thread=path.startswith("/threads/"))
        detail = error.detail
        if isinstance(detail, str):
            detail = self.redact(detail)
        elif detail is not None:
            detail = json.loads(self.redact(json.dumps(detail)))
        return HTTPStatusError(self.redact(str(error)), status_code=status, detail=detail)


class _Dropped(Exception):
    """Internal: the connection ended before the run did; ``cause`` says how."""

    def __init__(self, cause: str):
        super().__init__(cause)
        self.cause = cause


class RunStream:
    """One run's event stream. ``async for event in run_stream`` yields ``StreamEvent``s.

    When the connection drops (or closes while the server says the run is
    still going) on a resumable threaded run, it rejoins the run
    (``GET {location}`` with ``Last-Event-ID``) and goes on where it was,
    without losing or repeating an event; ``resumes`` counts the rejoins.
    """

    def __init__(self, client: LangGraphClient, request: RunRequest):
        self.client = client
        self.request = request
        self.thread_id: str | None = None
        self.run_id: str | None = None
        self.location: str | None = None
        self.resumes = 0
        self.events_received = 0
        self._last_id: str | None = None
        self._previous_id: str | None = None
        self._seen_with_last_id = 0
        self._skip_id: str | None = None
        self._skip = 0
        self._ended = False
        self._answered = False
        self._asked = False  # the request that starts the run went out
        self._named = asyncio.Event()  # the run's id is known, or never will be

    async def start_thread(self) -> str | None:
        """Resolve ``thread_id`` (creating a thread for ``"new"``) before the run starts."""
        wanted = self.request.thread_id
        if wanted and self.thread_id is None:
            self.thread_id = await self.client.create_thread() if wanted == "new" else wanted
        return self.thread_id

    async def _first_request(self) -> tuple[str, str, dict[str, Any] | None, dict[str, str]]:
        await self.start_thread()
        path = f"/threads/{self.thread_id}/runs/stream" if self.thread_id else "/runs/stream"
        return "POST", path, self.request.body(threaded=bool(self.thread_id)), {}

    async def __aiter__(self) -> AsyncIterator[StreamEvent]:
        method, path, body_or_none, headers = await self._first_request()
        failures = 0  # rejoin attempts in a row that brought nothing new
        while True:
            before = self.events_received
            try:
                async for event in self._events(method, path, body_or_none, headers):
                    yield event
                cause = await self._closed_while_running()
                if cause is None:
                    return
            except _Dropped as dropped:
                cause = dropped.cause
            if self.events_received > before:
                failures = 0
            if not self._can_resume() or failures >= self.client.max_resume_attempts:
                raise self._disconnected(cause, failures)
            await asyncio.sleep(resume_delay(self.client.resume_backoff, failures))
            failures += 1
            self.resumes += 1
            method, path, body_or_none, headers = "GET", self._rejoin_path(), None, self._resume_headers()

    # rejoining ---------------------------------------------------------------

    def _can_resume(self) -> bool:
        # Events without ids can't be told apart from a replay: only numbered streams are
        # rejoined (or one that was cut before its first event: then nothing can repeat).
        numbered = self._last_id is not None or self.events_received == 0
        return bool(self.thread_id and self.run_id and self.request.stream_resumable and numbered)

    def _rejoin_path(self) -> str:
        # A `location` from another origin is never followed (it could send the API key
        # elsewhere); the standard path of a threaded run's stream does the same job.
        return self.location or f"/threads/{self.thread_id}/runs/{self.run_id}/stream"

    def _resume_headers(self) -> dict[str, str]:
        # Resume from the id *before* the last one: ids may be shared by several events
        # (the dev server's per-millisecond ids), so the last id's events all come again
        # and the ones already received are skipped (docs/architecture.md, "Resuming a dropped stream").
        self._skip_id, self._skip = self._last_id, self._seen_with_last_id
        return {"last-event-id": self._previous_id or "0"}

    def _already_received(self, event_id: str | None) -> bool:
        """On a rejoined stream: is this an event the stream has yielded before?"""
        if self._skip and event_id == self._skip_id:
            self._skip -= 1
            return True
        self._skip = 0
        # Ids only grow, so one below the last id seen is a replay (a rejoin on the
        # in-memory server can send a few events twice).
        order, last = _id_order(event_id), _id_order(self._last_id)
        return order is not None and last is not None and order < last

    async def _closed_while_running(self) -> str | None:
        """After a clean close: why to rejoin when the server says the run goes on, else None."""
        if self._ended or not self._can_resume() or not (self.thread_id and self.run_id):
            return None
        try:
            run = await self.client.get_run(self.thread_id, self.run_id)
        except LGWidgetsError:
            return None  # no way to tell: a close is how the current server ends a run
        status = run.get("status") if isinstance(run, dict) else None
        if status in LIVE_RUN_STATUSES:
            return f"the stream closed while the run was still {status}"
        return None

    def _disconnected(self, cause: str, attempts: int) -> StreamDisconnected:
        url = self.client.display_url
        if self.client.max_resume_attempts == 0 and self._can_resume():
            advice = "Rejoining is switched off (max_resume_attempts=0)."
        elif not self._can_resume():
            advice = ("It can't be rejoined: only threaded runs (thread_id='new') with stream_resumable=True "
                      "whose events carry ids can.")
        else:
            advice = (f"Rejoining the run failed {attempts} time(s) in a row; is the server still up? "
                      "The run may still finish on the server (see its thread's history).")
        return StreamDisconnected(self.client.redact(
            f"The connection to {url} was lost mid-run ({cause}). {advice} Events received so far are kept."))

    # one connection ------------------------------------------------------------

    async def _events(self, method: str, path: str, body: Any, headers: dict) -> AsyncIterator[StreamEvent]:
        rejoin = method == "GET"
        self._asked = True
        try:
            async with self.client._http.stream(method, path, json=body, headers=headers) as response:
                await self._check_response(response, method, path, rejoin)
                self._answered = True
                reader = _SSEReader(f"{method} {self.client.display_url}{path}")
                async for text in response.aiter_text():
                    for sse in reader.feed(text):
                        if rejoin and self._already_received(sse.id):
                            continue
                        event = parse_event(sse.event, sse.data, sse.id, time.monotonic())
                        self._remember(event)
                        yield event
                reader.finish()
        except httpx.ReadTimeout:
            raise StreamStalled(
                f"The server sent nothing for {self.client.read_timeout:g} s (read_timeout); the run may be "
                "stuck, or a proxy holds the stream. Events received so far are kept. Pass a larger "
                "read_timeout if the graph is silent for long."
            ) from None
        except httpx.TransportError as exc:
            if not self._answered:
                raise self.client.unreachable(exc) from None  # never got an answer: nothing to rejoin
            raise _Dropped(_describe(exc)) from None
        finally:
            self._named.set()  # a request that failed names no run: a cancel waits no longer

    async def _check_response(self, response: httpx.Response, method: str, path: str, rejoin: bool) -> None:
        if response.status_code >= 400:
            await response.aread()
            rejoin = rejoin and self._answered  # a join's first request is no rejoin
            if rejoin and response.status_code >= 500:
                raise _Dropped(f"rejoining answered HTTP {response.status_code}")  # try again
            error = self.client.status_error(method, path, response.status_code, response.text)
            if rejoin:
                raise StreamDisconnected(self.client.redact(
                    f"The connection was lost mid-run and the server refused to rejoin it ({error}). "
                    "Events received so far are kept.")) from None
            raise error
        content_type = response.headers.get("content-type", "")
        if "text/event-stream" not in content_type:
            await response.aread()
            raise MalformedStream(self.client.redact(
                f"{method} {self.client.display_url}{path} answered {content_type or 'no content type'!r}, "
                f"not an event stream: {response.text[:200]!r}. Is the URL a LangGraph API server?"))
        location = response.headers.get("location")
        if location and not rejoin:
            self.location = _same_origin_path(self.client.url, location)
        content_location = response.headers.get("content-location") or ""
        parts = [p for p in content_location.split("/") if p]
        if "runs" in parts and parts.index("runs") + 1 < len(parts):
            self.run_id = self.run_id or parts[parts.index("runs") + 1]
        self._named.set()  # from here on the run id is known, or the stream's events say it

    def _remember(self, event: StreamEvent) -> None:
        self.events_received += 1
        if event.mode == "metadata" and isinstance(event.data, dict) and event.data.get("run_id"):
            self.run_id = str(event.data["run_id"])
        if event.mode in ("end", "error"):
            self._ended = True
        if event.id is None:
            return
        if event.id == self._last_id:
            self._seen_with_last_id += 1
        else:
            self._previous_id, self._last_id, self._seen_with_last_id = self._last_id, event.id, 1

    async def cancel(self) -> bool:
        """Ask the server to cancel the run (threaded runs). True when a request was sent.

        A cancel right after the start, before the server has named the run, waits for its name:
        a threaded run goes on without its client (``on_disconnect="continue"``)."""
        if self.thread_id and not self.run_id and self._asked:
            await wait_for_name(self._named)
        if not (self.thread_id and self.run_id):
            return False
        await self.client.cancel_run(self.thread_id, self.run_id)
        return True


class JoinedRunStream(RunStream):
    """A threaded run started elsewhere, joined by id (``LangGraphClient.join``).

    It starts where a rejoin would, from the first stored event (``Last-Event-ID: 0``),
    and rejoins a dropped connection the same way as ``RunStream``.
    """

    def __init__(self, client: LangGraphClient, thread_id: str, run_id: str, stream_mode: list[str] | None = None):
        super().__init__(client, None)  # type: ignore[arg-type]  # a joined run has no request of ours
        self.thread_id, self.run_id = thread_id, run_id
        self._query = f"?{urlencode({'stream_mode': json.dumps(stream_mode)})}" if stream_mode else ""

    async def start_thread(self) -> str | None:
        return self.thread_id

    async def _first_request(self) -> tuple[str, str, dict[str, Any] | None, dict[str, str]]:
        return "GET", self._rejoin_path(), None, self._resume_headers()

    def _rejoin_path(self) -> str:
        return f"/threads/{self.thread_id}/runs/{self.run_id}/stream{self._query}"

    def _can_resume(self) -> bool:
        # The server numbers a run's events only when it keeps them (resumable runs).
        return self._last_id is not None or self.events_received == 0


_SSE_FIELDS = frozenset({"event", "data", "id", "retry"})
_SSE_LINE_STARTS = ("data:", "event:", "id:", "retry:", ":")  # what nearly every line starts with


class _SSEReader:
    """Text in, server-sent events out (a plain class, not another async generator: this runs
    once per event and each generator layer costs). Lines that aren't SSE are ignored, as the
    spec says, unless nothing else came: then the answer wasn't an event stream at all."""

    def __init__(self, what: str):
        self.what = what
        self._lines, self._decoder = SSELineDecoder(), SSEDecoder()
        self._events = 0
        self._junk: list[str] = []

    def feed(self, text: str) -> list[ServerSentEvent]:
        found = []
        decode = self._decoder.decode
        for line in self._lines.decode(text):
            # The cheap test first; the exact one only for the rare rest ("data" alone is a field too).
            if line and not line.startswith(_SSE_LINE_STARTS) and line.partition(":")[0] not in _SSE_FIELDS:
                self._junk.append(line[:80])
                continue
            sse = decode(line)
            # Once an id was seen, httpx-sse dispatches the blank line after a comment (a server's
            # keepalive) as an empty event; the SSE spec dispatches only events that have data.
            if sse is not None and (sse.data or sse.event != "message"):
                found.append(sse)
        self._events += len(found)
        return found

    def finish(self) -> None:
        for line in self._lines.flush():  # a last event without its blank line is incomplete: dropped, per spec
            self._decoder.decode(line)
        if self._junk and not self._events:
            raise MalformedStream(
                f"{self.what} sent no events, only lines that are not server-sent events, e.g. {self._junk[0]!r}. "
                "Is the URL a LangGraph API server?")


@functools.lru_cache(maxsize=1)
def _tls_context() -> ssl.SSLContext:
    # Loading the CA bundle takes ~20 ms; one context serves every client (each view makes one).
    return httpx.create_ssl_context()  # honours SSL_CERT_FILE / SSL_CERT_DIR like httpx's default


@functools.lru_cache(maxsize=8)
def _ca_bundle_context(path: str) -> ssl.SSLContext:
    """A context that trusts the certificates in ``path`` (a PEM file or a hashed directory), made once per path."""
    if not os.path.exists(path):
        raise InvalidArgument(f"verify={path!r}: no such CA bundle. Pass the path of the PEM file holding the "
                              "certificate authority that signed the server's certificate.")
    try:
        if os.path.isdir(path):
            return ssl.create_default_context(capath=path)
        return ssl.create_default_context(cafile=path)
    except ssl.SSLError as exc:
        raise InvalidArgument(f"verify={path!r} is not a PEM CA bundle ({exc.reason or exc}).") from None


def _certificate_failure(exc: BaseException | None) -> ssl.SSLCertVerificationError | None:
    """The certificate check that failed somewhere in ``exc``'s chain (httpx → httpcore → ssl), if any."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, ssl.SSLCertVerificationError):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _id_order(event_id: str | None) -> tuple[int, ...] | None:
    """``"1712-0"`` → ``(1712, 0)``: the order of ``<ms>-<seq>`` / integer ids, else None."""
    if not event_id:
        return None
    try:
        return tuple(int(part) for part in event_id.split("-"))
    except ValueError:
        return None


def _positive(name: str, value: Any, zero_ok: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or (value == 0 and not zero_ok):
        raise InvalidArgument(f"{name} must be a positive number of seconds, got {value!r}.")
    return float(value)


def _display_url(url: str) -> str:
    """The URL without user name and password, for messages."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _connection_hint(exc: Exception) -> str:
    text = f"{exc} {exc.__cause__ or ''} {exc.__context__ or ''}".lower()
    if "ssl" in text or "tls" in text or "certificate" in text:
        return ("The TLS handshake failed: if the server speaks plain HTTP, use an http:// URL; "
                "otherwise check its certificate.")
    if any(s in text for s in ("name or service not known", "nodename nor servname", "name resolution",
                               "getaddrinfo", "no address associated")):
        return "The host name does not resolve: check the URL for typos."
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        return ("The server closed the connection or did not answer with HTTP: check the URL's scheme "
                "and port (it must be the LangGraph API server).")
    if isinstance(exc, httpx.ConnectTimeout):
        return "The connection timed out: check the host and port, and any firewall or proxy in between."
    return ("Is it running, on this port? Start one with lg_widgets.local_server(), pass url=..., "
            "or set LANGGRAPH_API_URL.")


def _same_origin_path(base_url: str, location: str) -> str | None:
    """The path of ``location`` if it points at the same server; ``None`` otherwise."""
    absolute = urljoin(base_url + "/", location)
    base, target = urlsplit(base_url), urlsplit(absolute)
    if (base.scheme, base.netloc) != (target.scheme, target.netloc):
        return None
    path = target.path
    base_path = base.path.rstrip("/")
    if base_path and path.startswith(base_path):
        path = path[len(base_path):]
    return path + (f"?{target.query}" if target.query else "")


def _status_error(method: str, path: str, status: int, text: str, credentials: bool = False,
                  thread: bool = False) -> HTTPStatusError:
    detail: Any = None
    hint = _status_hint(status, credentials, thread)
    try:
        payload = json.loads(text)
        detail = payload.get("detail", payload) if isinstance(payload, dict) else payload
    except ValueError:
        # An HTML error page (a gateway's 502) says little beyond its text: keep that, briefly.
        detail = " ".join(re.sub(r"<[^>]*>", " ", text).split())[:300] or None
        if status in (404, 405):  # a LangGraph server answers JSON: this is some other service
            hint = "The server doesn't know this endpoint: is the URL a LangGraph API server (right host and port)?"
    shown = detail if isinstance(detail, str) else json.dumps(detail)
    # A validation detail spans lines (schema paths): one line, bounded, ending in one period.
    shown = " ".join(str(shown).split())[:400].rstrip(".")
    return HTTPStatusError(
        f"{method} {path} failed with HTTP {status}: {shown}. {hint}".strip(),
        status_code=status,
        detail=detail,
    )


def _status_hint(status: int, credentials: bool, thread: bool = False) -> str:
    if status == 401:
        return ("The credentials were refused: check api_key=... (or LANGGRAPH_API_KEY) and the headers=... you "
                "pass (a wrong or expired token?)." if credentials else
                "The server wants credentials: pass api_key=... (or set LANGGRAPH_API_KEY), or, for a deployment "
                "with custom auth, headers={'Authorization': 'Bearer ...'}.")
    if status == 403:
        return ("These credentials are not allowed to do this: check their permissions, or pass others with "
                "api_key= or headers=." if credentials else
                "The server refuses this without credentials: pass api_key=... (or set LANGGRAPH_API_KEY) or "
                "headers={'Authorization': 'Bearer ...'}.")
    if status == 404 and thread and credentials:
        # Custom auth filters threads per user: another user's thread answers 404, like a missing one.
        return ("Check the thread_id and assistant_id. Under custom auth each user sees only their own threads: "
                "the thread may exist but not for these credentials (check the headers= or api_key= you pass).")
    if status in (502, 503, 504):
        return "A gateway or proxy in front of the server could not reach it: check the server, then try again."
    return {
        404: "Check the assistant_id / thread_id: the server doesn't know it (graph ids are in langgraph.json).",
        409: "The thread is busy with another run: wait for it, cancel it, or use another thread.",
        422: "The server rejected the request body: check input, config, context and stream_mode.",
    }.get(status, "The server failed: see its logs." if status >= 500 else "")
