"""HTTP failures → lg_widgets errors that say what to check (both protocols use these).

``Dropped`` is internal: a connection that ended before its run did, which the reconnect loop
(``resuming.py``) resumes. The rest become the public hierarchy in ``lg_widgets.errors``.
"""

from __future__ import annotations

import json
import re
import ssl
from typing import Any

import httpx

from ..errors import HTTPStatusError


class Dropped(Exception):
    """Internal: the connection ended before the run did; ``cause`` says how."""

    def __init__(self, cause: str):
        super().__init__(cause)
        self.cause = cause


def describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def certificate_failure(exc: BaseException | None) -> ssl.SSLCertVerificationError | None:
    """The certificate check that failed somewhere in ``exc``'s chain (httpx → httpcore → ssl), if any."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, ssl.SSLCertVerificationError):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def connection_hint(exc: BaseException) -> str:
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


def status_error(method: str, path: str, status: int, text: str, credentials: bool = False,
                 thread: bool = False) -> HTTPStatusError:
    """A 4xx/5xx answer → ``HTTPStatusError`` quoting the server's ``detail`` and what to check."""
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
    hint = detail_hint(detail) or hint
    shown = detail if isinstance(detail, str) else json.dumps(detail)
    # A validation detail spans lines (schema paths): one line, bounded, ending in one period.
    shown = " ".join(str(shown).split())[:400].rstrip(".")
    return HTTPStatusError(
        f"{method} {path} failed with HTTP {status}: {shown}. {hint}".strip(),
        status_code=status,
        detail=detail,
    )


def detail_hint(detail: Any) -> str:
    """What to do about what the server said, where its words tell more than the status: an unknown
    graph is a 422 (a bad request body, but the fix is the assistant_id, not the body)."""
    text = detail if isinstance(detail, str) else ""
    lower = text.lower()
    # "Thread or assistant not found" is ambiguous: the status hint (which knows the credentials) says more.
    if "invalid assistant" in lower or ("assistant not found" in lower and "thread" not in lower):
        return ("Check assistant_id: it must be a graph id of the server's langgraph.json (the server lists "
                "them above) or an assistant's UUID.")
    if "delete a message with an id that doesn't exist" in lower:
        return ("A RemoveMessage names a message by its id in the thread's state (view.state). On the thread "
                "protocol the ids seen while streaming can differ: a tool's result streams as "
                "'tool-<tool call id>', and a model's reply is stored as 'lc_run--<uuid>', not under the model's "
                "or the graph's id.")
    return ""


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


def route_missing(response: httpx.Response) -> bool:
    """The server has no such route (Starlette's bare 404 "Not Found", or 405), as opposed to a
    route that answered 404 about a thing it doesn't know."""
    if response.status_code == 405:
        return True
    if response.status_code != 404:
        return False
    try:
        return bool(response.json() == {"detail": "Not Found"})
    except ValueError:
        return False
