"""``LangGraphClient``: start a LangGraph run over HTTP and read its events as ``StreamEvent``s.

    async with LangGraphClient(url) as client:
        async for event in client.stream(RunRequest("joke", {"topic": "cats"}, stream_mode=["values"])):
            ...

It is the HTTP layer both protocols share (``lg_widgets.transport.ApiClient``: settings,
answers and errors, the REST routes) plus the runs stream's reads: a new run (``stream``), a run
started elsewhere (``join``), and every run of a thread (``join_thread``). A ``RunStream`` rejoins
a dropped resumable threaded run by itself (``lg_widgets/runs/stream.py``). ``LangGraphClient(
read_timeout=, max_resume_attempts=, resume_backoff=)`` tune it; ``headers=`` go with every request
(custom auth); ``verify=`` says which TLS certificates to trust.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, AsyncIterator, Mapping

from .errors import StreamDisconnected
from .protocol import StreamEvent, parse_event
from .runs import JoinedRunStream, RunRequest, RunStream, normalize_stream_mode
from .transport import ApiClient, Dropped, EventStreamReader
from .server import server_url
from .transport.settings import Verify, check_headers, tls_verify

__all__ = ["JoinedRunStream", "LangGraphClient", "RunRequest", "RunStream", "check_headers", "normalize_stream_mode",
           "stream_run", "tls_verify"]


class LangGraphClient(ApiClient):
    """A small async client of the LangGraph API's runs: ``stream``, ``join``, ``join_thread``, and
    the REST calls of ``ApiClient`` (threads, history, state, runs, an assistant's graph)."""

    def stream(self, request: RunRequest) -> RunStream:
        """A new run's events (``POST /runs/stream``, or on ``request.thread_id``'s thread)."""
        return RunStream(self, request)

    def join(self, thread_id: str, run_id: str, stream_mode: list[str] | None = None) -> JoinedRunStream:
        """An existing threaded run's events (``GET /threads/{tid}/runs/{rid}/stream``): those the
        server kept from its start, then live ones until it ends. ``stream_mode`` filters (default: all)."""
        return JoinedRunStream(self, thread_id, run_id, stream_mode)

    async def join_thread(self, thread_id: str, last_event_id: str | None = "0") -> AsyncIterator[StreamEvent]:
        """Every run's events on a thread (``GET /threads/{tid}/stream``), the stored ones after
        ``last_event_id`` first (``"0"``: all; ``None``: live only). Never ends by itself."""
        path = f"/threads/{thread_id}/stream"
        headers = {"last-event-id": last_event_id} if last_event_id else {}
        try:
            async with self.event_stream("GET", path, headers=headers) as response:
                reader = EventStreamReader(f"GET {self.display_url}{path}")
                async for chunk in response.aiter_bytes():
                    for sse in reader.feed(chunk):
                        yield parse_event(sse.event, sse.data, sse.id, time.monotonic())
        except Dropped as dropped:  # a thread's stream is not resumed here: say so
            raise StreamDisconnected(self.redact(f"The connection to {self.display_url} for thread {thread_id} "
                                                 f"was lost ({dropped.cause}). Events received so far are kept."))


async def stream_run(assistant_id: str, input: Any = None, *, url: str | None = None,
                     api_key: str | None = None, headers: Mapping[str, str] | None = None, verify: Verify = None,
                     read_timeout: float | None = None, max_resume_attempts: int | None = None,
                     resume_backoff: float | None = None, **options: Any) -> AsyncIterator[StreamEvent]:
    """Start a run and yield its events: ``async for event in stream_run("joke", {...})``.

    No ``url`` (and no ``$LANGGRAPH_API_URL``): the embedded server, started off the event loop.
    """
    request = RunRequest(assistant_id, input, **options)
    url = await asyncio.to_thread(server_url, url)
    async with LangGraphClient(url, api_key, headers=headers, verify=verify, read_timeout=read_timeout,
                               max_resume_attempts=max_resume_attempts, resume_backoff=resume_backoff) as client:
        async for event in client.stream(request):
            yield event
