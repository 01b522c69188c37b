"""Start a LangGraph run over HTTP and yield its events as ``StreamEvent``s.

``httpx`` does the HTTP, ``httpx-sse`` parses the server-sent events. A
``RunStream`` is one run: iterate it for events, ``cancel()`` it, read its
``run_id`` / ``thread_id``. When the connection drops mid-run on a resumable
threaded stream it rejoins the run with ``Last-Event-ID`` (see DESIGN.md on
why it resumes from the id *before* the last one and skips what it has).

The fold doesn't care where events come from: any async iterable of
``StreamEvent`` (a recorded file, a local graph, a ``langgraph_sdk`` stream)
feeds a view the same way.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from dataclasses import dataclass, field
from typing import Any, AsyncIterator
from urllib.parse import urljoin, urlsplit

import httpx
from httpx_sse import EventSource, SSEError

from .errors import (
    HTTPStatusError,
    InvalidArgument,
    MalformedStream,
    ServerUnreachable,
    StreamDisconnected,
    StreamStalled,
)
from .protocol import REQUEST_MODES, StreamEvent, parse_event

#: Seconds without a byte from the server before a stream counts as stalled.
DEFAULT_READ_TIMEOUT = 300.0
#: Reconnect attempts after a dropped connection, and the first backoff (doubles).
MAX_RESUME_ATTEMPTS = 5
FIRST_BACKOFF = 0.2


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
                raise InvalidArgument(f"{name} must be a dict or None, got {type(value).__name__}.")
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
    unknown = [m for m in modes if m not in REQUEST_MODES]
    if unknown or not modes:
        raise InvalidArgument(
            f"Unknown stream mode(s) {unknown or modes!r}. Known modes: {', '.join(sorted(REQUEST_MODES))}."
        )
    return modes


def resolve_url(url: str | None) -> str:
    """The argument, else ``$LANGGRAPH_API_URL``, else the embedded server (started if needed)."""
    url = url or os.environ.get("LANGGRAPH_API_URL")
    if not url:
        from .server import local_server

        url = local_server().url
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        raise InvalidArgument(f"url must look like 'http://host:port', got {url!r}.")
    return url.rstrip("/")


def resolve_api_key(api_key: str | None) -> str | None:
    return api_key or os.environ.get("LANGGRAPH_API_KEY") or None


class LangGraphClient:
    """A small async client for the run endpoints of the LangGraph API."""

    def __init__(self, url: str | None = None, api_key: str | None = None, *,
                 read_timeout: float = DEFAULT_READ_TIMEOUT, connect_timeout: float = 10.0):
        self.url = resolve_url(url)
        headers = {"accept": "text/event-stream"}
        key = resolve_api_key(api_key)
        if key:
            headers["x-api-key"] = key
        self._http = httpx.AsyncClient(
            base_url=self.url,
            headers=headers,
            timeout=httpx.Timeout(connect_timeout, read=read_timeout),
        )
        self.read_timeout = read_timeout

    def __repr__(self) -> str:
        return f"LangGraphClient(url={self.url!r})"

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> "LangGraphClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()

    # plain JSON endpoints ------------------------------------------------

    async def request_json(self, method: str, path: str, body: Any = None) -> Any:
        try:
            response = await self._http.request(method, path, json=body, headers={"accept": "application/json"})
        except httpx.TimeoutException as exc:
            raise StreamStalled(f"{method} {self.url}{path} timed out ({type(exc).__name__}).") from None
        except httpx.HTTPError as exc:
            raise _unreachable(self.url, exc) from None
        if response.status_code >= 400:
            raise _status_error(method, path, response.status_code, response.text)
        return response.json() if response.content else None

    async def create_thread(self) -> str:
        thread = await self.request_json("POST", "/threads", {})
        return thread["thread_id"]

    async def cancel_run(self, thread_id: str, run_id: str) -> None:
        await self.request_json("POST", f"/threads/{thread_id}/runs/{run_id}/cancel")

    async def get_run(self, thread_id: str, run_id: str) -> dict:
        return await self.request_json("GET", f"/threads/{thread_id}/runs/{run_id}")

    # streams ---------------------------------------------------------------

    def stream(self, request: RunRequest) -> "RunStream":
        return RunStream(self, request)


class RunStream:
    """One run's event stream. ``async for event in run_stream`` yields ``StreamEvent``s."""

    def __init__(self, client: LangGraphClient, request: RunRequest):
        self.client = client
        self.request = request
        self.thread_id: str | None = None
        self.run_id: str | None = None
        self.location: str | None = None
        self.resumes = 0
        self._last_id: str | None = None
        self._previous_id: str | None = None
        self._seen_with_last_id = 0
        self._pending_disconnect: StreamDisconnected | None = None

    async def start_thread(self) -> str | None:
        """Resolve ``thread_id`` (creating a thread for ``"new"``) before the run starts."""
        wanted = self.request.thread_id
        if wanted and self.thread_id is None:
            self.thread_id = await self.client.create_thread() if wanted == "new" else wanted
        return self.thread_id

    async def __aiter__(self) -> AsyncIterator[StreamEvent]:
        await self.start_thread()
        path = f"/threads/{self.thread_id}/runs/stream" if self.thread_id else "/runs/stream"
        body = self.request.body(threaded=bool(self.thread_id))
        async for event in self._events("POST", path, body, headers={}):
            yield event
        # Rejoin after a dropped connection, when the server can replay what we missed.
        while self._pending_disconnect is not None:
            error, self._pending_disconnect = self._pending_disconnect, None
            if not self._can_resume() or self.resumes >= MAX_RESUME_ATTEMPTS:
                raise error
            await asyncio.sleep(FIRST_BACKOFF * 2 ** self.resumes)
            self.resumes += 1
            headers = {"last-event-id": self._previous_id or "0"} if self._last_id else {}
            skip = self._seen_with_last_id if self._last_id else 0
            async for event in self._events("GET", self.location, None, headers=headers, skip_id=self._last_id, skip=skip):
                yield event

    def _can_resume(self) -> bool:
        # Without event ids a rejoin would replay everything again: only resume numbered streams.
        return bool(self.location and self.thread_id and self.request.stream_resumable and self._last_id)

    async def _events(self, method: str, path: str, body: Any, headers: dict,
                      skip_id: str | None = None, skip: int = 0) -> AsyncIterator[StreamEvent]:
        http = self.client._http
        try:
            async with http.stream(method, path, json=body, headers=headers) as response:
                await self._check_response(response, method, path)
                source = EventSource(response)
                async for sse in source.aiter_sse():
                    if skip and sse.id == skip_id:
                        skip -= 1  # already received before the cut
                        continue
                    skip = 0
                    event = parse_event(sse.event, sse.data, sse.id, time.monotonic())
                    self._remember(event)
                    yield event
        except httpx.ReadTimeout:
            raise StreamStalled(
                f"The server sent nothing for {self.client.read_timeout:.0f} s; the run may be stuck. "
                "Events received so far are kept."
            ) from None
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.NetworkError) as exc:
            if isinstance(exc, httpx.ConnectError) and self.run_id is None:
                raise _unreachable(self.client.url, exc) from None
            self._pending_disconnect = StreamDisconnected(
                f"The connection to {self.client.url} dropped mid-run ({type(exc).__name__}). "
                + ("It could not be resumed. " if self._can_resume() else
                   "Only threaded runs (thread_id='new') with stream_resumable can be rejoined. ")
                + "Events received before the cut are kept."
            )
        except httpx.TimeoutException as exc:
            raise _unreachable(self.client.url, exc) from None
        except httpx.HTTPError as exc:
            raise _unreachable(self.client.url, exc) from None
        except SSEError as exc:
            raise MalformedStream(f"The server's answer is not an event stream: {exc}") from None

    async def _check_response(self, response: httpx.Response, method: str, path: str) -> None:
        if response.status_code >= 400:
            await response.aread()
            raise _status_error(method, path, response.status_code, response.text)
        content_type = response.headers.get("content-type", "")
        if "text/event-stream" not in content_type:
            await response.aread()
            raise MalformedStream(
                f"{method} {self.client.url}{path} answered {content_type or 'no content type'!r}, "
                f"not an event stream: {response.text[:200]!r}. Is the URL a LangGraph API server?"
            )
        location = response.headers.get("location")
        if location and self.location is None:
            self.location = _same_origin_path(self.client.url, location)
        content_location = response.headers.get("content-location") or ""
        parts = [p for p in content_location.split("/") if p]
        if "runs" in parts and parts.index("runs") + 1 < len(parts):
            self.run_id = parts[parts.index("runs") + 1]

    def _remember(self, event: StreamEvent) -> None:
        if event.mode == "metadata" and isinstance(event.data, dict) and event.data.get("run_id"):
            self.run_id = str(event.data["run_id"])
        if event.id is None:
            return
        if event.id == self._last_id:
            self._seen_with_last_id += 1
        else:
            self._previous_id, self._last_id, self._seen_with_last_id = self._last_id, event.id, 1

    async def cancel(self) -> bool:
        """Ask the server to cancel the run (threaded runs). True when a request was sent."""
        if not (self.thread_id and self.run_id):
            return False
        await self.client.cancel_run(self.thread_id, self.run_id)
        return True


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


def _unreachable(url: str, exc: Exception) -> ServerUnreachable:
    return ServerUnreachable(
        f"Could not reach the LangGraph API server at {url} ({type(exc).__name__}: {exc}). "
        "Is it running? Start one with lg_widgets.local_server(), pass url=..., or set LANGGRAPH_API_URL."
    )


def _status_error(method: str, path: str, status: int, text: str) -> HTTPStatusError:
    detail: Any = None
    try:
        payload = json.loads(text)
        detail = payload.get("detail", payload) if isinstance(payload, dict) else payload
    except ValueError:
        detail = text.strip()[:300] or None
    hint = {
        401: "Check the API key (api_key=... or LANGGRAPH_API_KEY).",
        403: "The API key is not allowed to do this.",
        404: "Check the assistant_id / thread_id: the server doesn't know it.",
        409: "The thread is busy with another run; wait for it or use another thread.",
        422: "The server rejected the request body; check input, config and stream_mode.",
    }.get(status, "The server failed; see its logs." if status >= 500 else "")
    shown = detail if isinstance(detail, str) else json.dumps(detail)[:300]
    return HTTPStatusError(
        f"{method} {path} failed with HTTP {status}: {shown}. {hint}".strip(),
        status_code=status,
        detail=detail,
    )


async def stream_run(assistant_id: str, input: Any = None, *, url: str | None = None,
                     api_key: str | None = None, **options: Any) -> AsyncIterator[StreamEvent]:
    """Start a run and yield its events: ``async for event in stream_run("joke", {...})``."""
    request = RunRequest(assistant_id, input, **options)
    async with LangGraphClient(url, api_key) as client:
        async for event in client.stream(request):
            yield event
