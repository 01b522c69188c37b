"""``ApiClient``: the one HTTP layer under both protocols.

Every request a view makes goes through it: the same URL, credentials, TLS trust and timeouts;
the same checks of an answer (status, content type, the server's error detail) and the same
errors that say what to check; one place for the REST routes both protocols use (threads, their
state and history, runs and their status, an assistant's graph). Secrets (the API key, secret
headers, a password in the URL) never reach a message: ``redact`` takes them out.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any, AsyncIterator, Callable, Mapping, TypeVar
from urllib.parse import urlsplit

import httpx

from ..errors import HTTPStatusError, LGWidgetsError, MalformedStream, ServerUnreachable, StreamStalled
from ..errors import TLSCertificateError
from ..redact import header_secrets, redact_headers, redact_string
from .errors import Dropped, certificate_failure, connection_hint, describe, status_error
from .resuming import RetryPolicy
from .settings import Verify, check_headers, display_url, positive_seconds, resolve_api_key, resolve_url, tls_verify

A = TypeVar("A", bound="ApiClient")

#: Seconds without a byte from the server before a stream counts as stalled.
DEFAULT_READ_TIMEOUT = 300.0
#: A run's statuses while it is still to end (``GET .../runs/{id}``).
LIVE_RUN_STATUSES = ("pending", "running")
#: Seconds a cancel waits for the server to name a run it has been asked to start.
RUN_NAMED_TIMEOUT = 5.0
#: Checkpoints one read of a thread's history asks for; longer histories are read page by page.
HISTORY_PAGE = 100


async def wait_for_name(named: asyncio.Event) -> None:
    """Wait, up to ``RUN_NAMED_TIMEOUT``, until a run asked for is named (or never will be): a run
    on a thread goes on without its client, so a cancel sent before its name would miss it."""
    try:
        await asyncio.wait_for(named.wait(), RUN_NAMED_TIMEOUT)
    except asyncio.TimeoutError:
        pass


class ApiClient:
    """An async client of one LangGraph API server.

    ``headers``: HTTP headers sent with every request (e.g. ``{"Authorization": "Bearer ..."}`` for
    custom auth); never shown (``repr`` redacts secret-looking names), never in a message.
    ``verify``: which TLS certificates to trust: the system's (default), a CA bundle path, an
    ``ssl.SSLContext``, or ``False`` (no check; warned once).
    ``read_timeout``: seconds without a byte before a stream counts as stalled.
    ``max_resume_attempts`` / ``resume_backoff``: how often, and how patiently, a dropped stream is
    resumed (``transport/resuming.py``).
    """

    def __init__(self, url: str | None = None, api_key: str | None = None, *,
                 headers: Mapping[str, str] | None = None, verify: Verify = None,
                 read_timeout: float | None = None, connect_timeout: float = 10.0,
                 max_resume_attempts: int | None = None, resume_backoff: float | None = None):
        extra_headers = check_headers(headers)
        tls = tls_verify(verify)
        self.url = resolve_url(url)
        self.read_timeout = positive_seconds("read_timeout",
                                             DEFAULT_READ_TIMEOUT if read_timeout is None else read_timeout)
        self.connect_timeout = positive_seconds("connect_timeout", connect_timeout)
        self.retry = RetryPolicy.of(max_resume_attempts, resume_backoff)
        sent = httpx.Headers({"accept": "text/event-stream"})
        sent.update(extra_headers)  # case-insensitively: a user's Accept replaces ours
        key = resolve_api_key(api_key)
        if key:
            sent["x-api-key"] = key
        # Secrets that must never appear in an error message: the key, secret headers, a password in the URL.
        self._secrets = [s for s in (key, urlsplit(self.url).password, *header_secrets(extra_headers)) if s]
        self._shown_headers = redact_headers(extra_headers)
        #: what a WebSocket handshake to this server sends (the same credentials as HTTP requests)
        self.auth_headers = {k: v for k, v in sent.items() if k.lower() != "accept"}
        self.display_url = display_url(self.url)
        #: what TLS trusts for this server (a context, or False), for a WebSocket to it as well
        self.tls = tls
        self._http = httpx.AsyncClient(base_url=self.url, headers=sent, verify=tls,
                                       timeout=httpx.Timeout(self.connect_timeout, read=self.read_timeout))

    # kept for callers of the earlier names
    @property
    def max_resume_attempts(self) -> int:
        return self.retry.max_attempts

    @property
    def resume_backoff(self) -> float:
        return self.retry.first_backoff

    def __repr__(self) -> str:
        headers = f", headers={self._shown_headers!r}" if self._shown_headers else ""
        return f"{type(self).__name__}(url={self.display_url!r}{headers})"

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self: A) -> A:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def redact(self, text: str) -> str:
        return redact_string(text, self._secrets)

    # answers ---------------------------------------------------------------------------------

    def unreachable(self, exc: BaseException) -> LGWidgetsError:
        """A transport error before any answer → an error that says what to check."""
        if isinstance(exc, httpx.TimeoutException) and not isinstance(exc, httpx.ConnectTimeout):
            return StreamStalled(self.redact(
                f"{self.display_url} accepted the connection but sent nothing for {self.read_timeout:g} s "
                f"({type(exc).__name__}). Is the server overloaded? Raise read_timeout to wait longer."))
        certificate = certificate_failure(exc)
        if certificate is not None:
            reason = (certificate.verify_message or certificate.reason or "no reason given").rstrip(".")
            return TLSCertificateError(self.redact(
                f"The TLS certificate of {self.display_url} could not be verified ({reason}). If the deployment "
                "uses its own certificate authority, pass its CA bundle as verify=\"/path/to/ca.pem\"; to skip the "
                "check on a network you trust, pass verify=False."))
        return ServerUnreachable(self.redact(
            f"Could not reach the LangGraph API server at {self.display_url} ({describe(exc)}). "
            + connection_hint(exc)))

    def status_error(self, method: str, path: str, status: int, text: str) -> HTTPStatusError:
        error = status_error(method, f"{self.display_url}{path}", status, text, credentials=bool(self._secrets),
                             thread=path.startswith("/threads/"))
        detail = error.detail
        if isinstance(detail, str):
            detail = self.redact(detail)
        elif detail is not None:
            detail = json.loads(self.redact(json.dumps(detail)))
        return HTTPStatusError(self.redact(str(error)), status_code=status, detail=detail)

    def not_json(self, method: str, path: str, text: str) -> MalformedStream:
        return MalformedStream(self.redact(f"{method} {self.display_url}{path} answered with something that is "
                                           f"not JSON: {text[:200]!r}. Is the URL a LangGraph API server?"))

    # requests --------------------------------------------------------------------------------

    async def request_json(self, method: str, path: str, body: Any = None) -> Any:
        """A JSON request and its JSON answer (``None`` for an empty one)."""
        response = await self.send(method, path, json=body)
        if response.status_code >= 400:
            raise self.status_error(method, path, response.status_code, response.text)
        try:
            return response.json() if response.content else None
        except ValueError:
            raise self.not_json(method, path, response.text) from None

    async def send(self, method: str, path: str, *, json: Any = None, content: bytes | None = None) -> httpx.Response:
        """One request whose answer the caller reads (any status); unreachable → a clear error."""
        headers = {"accept": "application/json"}
        if content is not None:
            headers["content-type"] = "application/json"
        try:
            return await self._http.request(method, path, json=json, content=content, headers=headers)
        except httpx.TransportError as exc:
            raise self.unreachable(exc) from None

    @contextlib.asynccontextmanager
    async def event_stream(self, method: str, path: str, *, body: Any = None, headers: Mapping[str, str] | None = None,
                           resuming: bool = False,
                           refused: Callable[[httpx.Response], Exception] | None = None,
                           ) -> AsyncIterator[httpx.Response]:
        """An event stream's answer, checked: a 4xx/5xx is ``refused(response)`` (by default an
        ``HTTPStatusError``), anything but ``text/event-stream`` is ``MalformedStream``. Failures while
        it is read become ``StreamStalled`` (read_timeout), or, once the server has answered (this
        time or, ``resuming``, an earlier connection), ``Dropped``: a cut to resume."""
        answered = resuming
        try:
            async with self._http.stream(method, path, json=body,
                                         headers={"accept": "text/event-stream", **(headers or {})}) as response:
                if response.status_code >= 400:
                    await response.aread()
                    if resuming and response.status_code >= 500:
                        raise Dropped(f"reconnecting answered HTTP {response.status_code}")  # try again
                    raise (refused(response) if refused else
                           self.status_error(method, path, response.status_code, response.text))
                content_type = response.headers.get("content-type", "")
                if "text/event-stream" not in content_type:
                    await response.aread()
                    raise MalformedStream(self.redact(
                        f"{method} {self.display_url}{path} answered {content_type or 'no content type'!r}, not an "
                        f"event stream: {response.text[:200]!r}. Is the URL a LangGraph API server?"))
                answered = True
                yield response
        except httpx.ReadTimeout:
            raise StreamStalled(self.redact(
                f"{self.display_url} sent nothing for {self.read_timeout:g} s (read_timeout); the run may be stuck, "
                "or a proxy holds the stream. Events received so far are kept. Pass a larger read_timeout if the "
                "graph is silent for long.")) from None
        except httpx.TransportError as exc:
            if not answered:
                raise self.unreachable(exc) from None  # never got an answer: nothing to resume
            raise Dropped(describe(exc)) from None

    # threads ---------------------------------------------------------------------------------

    async def create_thread(self, metadata: dict[str, Any] | None = None) -> str:
        """A new thread's id (``POST /threads``)."""
        thread = await self.request_json("POST", "/threads", {"metadata": metadata or {}})
        if not isinstance(thread, dict) or not thread.get("thread_id"):
            raise MalformedStream(f"POST {self.display_url}/threads answered without a thread_id: {thread!r:.200}. "
                                  "Is the URL a LangGraph API server?")
        return str(thread["thread_id"])

    async def get_thread(self, thread_id: str) -> dict[str, Any]:
        """The thread as the server keeps it (``GET /threads/{id}``): status, values, interrupts, and a
        failed run's ``error`` as ``{"error": type, "message"}``."""
        return _dict(await self.request_json("GET", f"/threads/{thread_id}"))

    async def thread_state(self, thread_id: str) -> dict[str, Any]:
        """The thread's current state (``GET /threads/{id}/state``): values, next, tasks, checkpoint."""
        return _dict(await self.request_json("GET", f"/threads/{thread_id}/state"))

    async def update_state(self, thread_id: str, values: Any, checkpoint_id: str | None = None,
                           as_node: str | None = None) -> str:
        """Write ``values`` into the thread's state (at ``checkpoint_id``, as if ``as_node`` had returned
        them); the id of the checkpoint it makes (``POST /threads/{id}/state``)."""
        body: dict[str, Any] = {"values": values, "checkpoint_id": checkpoint_id}
        if as_node is not None:
            body["as_node"] = as_node
        written = await self.request_json("POST", f"/threads/{thread_id}/state", body)
        try:
            return str(written["checkpoint"]["checkpoint_id"])
        except (KeyError, TypeError):
            raise MalformedStream(f"POST {self.display_url}/threads/{thread_id}/state answered without a "
                                  f"checkpoint id: {written!r:.200}.") from None

    async def history(self, thread_id: str, limit: int | None = HISTORY_PAGE,
                      before: str | None = None) -> list[dict[str, Any]]:
        """The thread's checkpoints, newest first (``POST /threads/{id}/history``): ``limit`` of them
        (``None``: all, read page by page), older than checkpoint ``before`` when given."""
        found: list[dict[str, Any]] = []
        while limit is None or len(found) < limit:
            page = HISTORY_PAGE if limit is None else min(HISTORY_PAGE, limit - len(found))
            body: dict[str, Any] = {"limit": page}
            if before is not None:
                body["before"] = {"configurable": {"checkpoint_id": before}}
            got = await self.request_json("POST", f"/threads/{thread_id}/history", body)
            items = [c for c in got if isinstance(c, dict)] if isinstance(got, list) else []
            found.extend(items)
            last = (items[-1].get("checkpoint") or {}).get("checkpoint_id") if items else None
            if len(items) < page or not last:
                break
            before = str(last)
        return found

    # runs ------------------------------------------------------------------------------------

    async def get_run(self, thread_id: str, run_id: str) -> dict[str, Any]:
        return _dict(await self.request_json("GET", f"/threads/{thread_id}/runs/{run_id}"))

    async def list_runs(self, thread_id: str, limit: int = 10) -> list[dict[str, Any]]:
        """The thread's runs, newest first (``GET /threads/{id}/runs``)."""
        runs = await self.request_json("GET", f"/threads/{thread_id}/runs?limit={limit}")
        return [r for r in runs if isinstance(r, dict)] if isinstance(runs, list) else []

    async def cancel_run(self, thread_id: str, run_id: str) -> None:
        await self.request_json("POST", f"/threads/{thread_id}/runs/{run_id}/cancel")

    # assistants ------------------------------------------------------------------------------

    async def assistant_graph(self, assistant_id: str) -> dict[str, Any] | None:
        """The assistant's drawable graph (subgraphs included), or None when the server has none."""
        graph = await self.request_json("GET", f"/assistants/{assistant_id}/graph?xray=true")
        return graph if isinstance(graph, dict) and isinstance(graph.get("nodes"), list) else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
