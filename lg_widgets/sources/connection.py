"""``Server``: where a view's runs go, and with which credentials (never a trait, never shown)."""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import hashlib
from typing import Any, Mapping

from ..errors import LGWidgetsError
from ..server import server_url
from ..transport import ApiClient
from ..transport.settings import Verify, check_headers, tls_verify

#: Drawings already fetched: (server URL, assistant, credentials) → graph. A graph does not change
#: while a kernel runs views of it, and many views of one graph (compare_modes) need one fetch.
#: Bounded (least recently used goes first): a kernel that visits many servers or proxies in an
#: afternoon must not keep every drawing it ever fetched (the soak found one per proxy URL).
_GRAPHS: collections.OrderedDict[tuple[str, str, str], dict[str, Any]] = collections.OrderedDict()
_GRAPHS_KEPT = 32


@dataclasses.dataclass(frozen=True)
class Server:
    """No ``url`` (and no ``$LANGGRAPH_API_URL``) means the embedded server. The credentials stay out
    of every repr."""

    url: str | None = None
    api_key: str | None = dataclasses.field(default=None, repr=False)
    headers: dict[str, str] | None = dataclasses.field(default=None, repr=False)
    verify: Verify = dataclasses.field(default=None, repr=False)

    @classmethod
    def checked(cls, url: str | None, api_key: str | None, headers: Mapping[str, str] | None,
                verify: Verify) -> "Server":
        """Bad headers or a bad CA path fail here, before a view exists; verify=False warns here."""
        tls_verify(verify)
        return cls(url, api_key, check_headers(headers), verify)

    async def resolved_url(self) -> str:
        # No URL: $LANGGRAPH_API_URL or the embedded server, which may have to start: off the loop.
        if self.url:
            return self.url
        return await asyncio.to_thread(server_url, None)

    async def api(self) -> ApiClient:
        """A client of the server (close it with ``aclose()`` or ``async with``)."""
        return ApiClient(await self.resolved_url(), self.api_key, headers=self.headers, verify=self.verify)

    def fingerprint(self) -> str:
        """Tells apart the credentials without holding them (the graph cache's key)."""
        secret = repr((self.api_key, sorted((self.headers or {}).items())))
        return hashlib.sha256(secret.encode()).hexdigest()


async def assistant_graph(api: ApiClient, server: Server, assistant_id: str) -> dict[str, Any] | None:
    """The assistant's drawing, fetched once per server, assistant and credentials; None when the
    server can't say (a view works without it)."""
    key = (api.url, assistant_id, server.fingerprint())
    graph = _GRAPHS.get(key)
    if graph is not None:
        _GRAPHS.move_to_end(key)
    else:
        try:
            graph = await api.assistant_graph(assistant_id)
        except LGWidgetsError:
            return None
        if not graph:
            return None
        _GRAPHS[key] = graph
        while len(_GRAPHS) > _GRAPHS_KEPT:
            _GRAPHS.popitem(last=False)
    return graph


async def thread_stop(api: ApiClient, thread_id: str, breakpoints: bool = False) -> dict[str, Any] | None:
    """What a thread waits for once a run has ended: ``{status, interrupts, next}``, the thread's
    status, the interrupts it waits on (none: a breakpoint) and the nodes its state runs next; None
    when it waits for nothing. ``breakpoints``: the run had some, so an ``idle`` thread may be stopped
    on one too (a run the thread protocol streams ends ``success`` there, the thread ``idle``).

    The thread's ``status`` alone can't say: after a fork the embedded server marks it
    ``interrupted`` from the checkpoint the fork started at, with no interrupt and nothing left to
    run; and at a breakpoint before a fan-in node (``add_edge([a, b], c)``) the state's ``next`` is
    empty although the run goes on into ``c`` (langgraph-api 0.16). The view, which knows the run's
    breakpoints and the graph, tells them apart (live_run.py, stops.py)."""
    thread = await api.get_thread(thread_id)
    status = thread.get("status")
    if status != "interrupted" and not (breakpoints and status == "idle"):
        return None
    waiting = thread.get("interrupts")
    interrupts = [i for items in (waiting.values() if isinstance(waiting, dict) else ())
                  if isinstance(items, list) for i in items if isinstance(i, dict)]
    following = [] if interrupts else [str(n) for n in (await api.thread_state(thread_id)).get("next") or []]
    return {"status": status, "interrupts": interrupts, "next": following}


def graph_of(thread: dict[str, Any], run: dict[str, Any] | None) -> str | None:
    """Which graph a thread's runs run: its metadata's ``graph_id`` (a run names only an assistant's uuid)."""
    metadata = thread.get("metadata")
    found = (metadata.get("graph_id") if isinstance(metadata, dict) else None) or (run or {}).get("assistant_id")
    return str(found) if found else None
