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
    """A small async client of the LangGraph API's runs, without the widget.

    Reads the runs stream (`stream`, `join`, `join_thread`) as `lg_widgets.StreamEvent`s, plus the
    REST calls it inherits from `lg_widgets.transport.ApiClient` (threads, history, state, runs, an
    assistant's graph). Use it as an async context manager.

    Args:
        url: the server; None: `$LANGGRAPH_API_URL` (there is no embedded-server fallback here:
            `stream_run` has one).
        api_key: sent as the `x-api-key` header; None: `$LANGGRAPH_API_KEY`.
        headers: extra headers on every request (custom auth); never shown.
        verify: TLS: None (the system's authorities), a CA bundle path, an `ssl.SSLContext`, or False.
        read_timeout: seconds without a byte before a stream raises `StreamStalled`.
        connect_timeout: seconds to connect.
        max_resume_attempts: how often a dropped resumable threaded run is rejoined.
        resume_backoff: seconds before the first rejoin (doubling after).

    Raises:
        InvalidArgument: a bad URL, header or timeout (at construction).
        ServerUnreachable: no connection (`TLSCertificateError`, `StreamDisconnected` are kinds of it).
        HTTPStatusError: a 4xx/5xx answer (401/403 name `api_key=` and `headers=`).
        RunError: the run's own `error` event.
        StreamStalled: nothing arrived for `read_timeout` seconds.
        MalformedStream: the answer is not a LangGraph event stream.

    Example:
        ```python
        from lg_widgets.client import LangGraphClient, RunRequest
        from lg_widgets import RunState

        async with LangGraphClient("http://127.0.0.1:2024") as client:
            state = RunState(["messages-tuple", "updates"])
            async for event in client.stream(RunRequest("joke", {"topic": "cats"},
                                                        stream_mode=["messages-tuple", "updates"])):
                state.apply(event)
        print(state.finish().text)
        ```
    """

    def stream(self, request: RunRequest) -> RunStream:
        """A new run's events (`POST /runs/stream`, or `/threads/{id}/runs/stream` on `request.thread_id`'s thread).

        Args:
            request: what to run (`RunRequest`, with langgraph_sdk's parameter names).

        Returns:
            A `RunStream`: iterate it with `async for`; it rejoins a dropped resumable threaded run by itself.
        """
        return RunStream(self, request)

    def join(self, thread_id: str, run_id: str, stream_mode: list[str] | None = None) -> JoinedRunStream:
        """An existing threaded run's events (`GET /threads/{thread_id}/runs/{run_id}/stream`).

        Those the server kept from its start (a run started with `stream_resumable`), then live ones
        until it ends. A stateless run can't be joined: the server has no such route.

        Args:
            thread_id: the run's thread.
            run_id: the run.
            stream_mode: keep only these modes (default: all).

        Returns:
            A `JoinedRunStream` to iterate with `async for`.
        """
        return JoinedRunStream(self, thread_id, run_id, stream_mode)

    async def join_thread(self, thread_id: str, last_event_id: str | None = "0") -> AsyncIterator[StreamEvent]:
        """Every run's events on a thread (`GET /threads/{thread_id}/stream`); never ends by itself.

        Args:
            thread_id: the thread.
            last_event_id: the stored events after this id come first (`"0"`: all of them; None: live only).

        Yields:
            `StreamEvent`s, run after run.

        Raises:
            StreamDisconnected: the connection dropped (a thread's stream is not resumed).
        """
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
    """Start a run and yield its events: the shortest way to read a run without the widget.

    Args:
        assistant_id: a graph id of langgraph.json, or an assistant's id.
        input: the run's input.
        url: the server; None: `$LANGGRAPH_API_URL`, else the embedded server (started off the event loop).
        api_key: sent as `x-api-key`; None: `$LANGGRAPH_API_KEY`.
        headers: extra headers on every request.
        verify: TLS, as in `LangGraphClient`.
        read_timeout: seconds without a byte before `StreamStalled`.
        max_resume_attempts: rejoins of a dropped resumable threaded run.
        resume_backoff: seconds before the first rejoin.
        **options: the run's options as `RunRequest` takes them (`stream_mode`, `config`, `thread_id`, ...).

    Yields:
        `StreamEvent`s until the run ends.

    Raises:
        LGWidgetsError: as `LangGraphClient` raises them.

    Example:
        ```python
        async for event in stream_run("joke", {"topic": "cats"}, stream_mode="updates"):
            print(event.mode, event.data)
        ```
    """
    request = RunRequest(assistant_id, input, **options)
    url = await asyncio.to_thread(server_url, url)
    async with LangGraphClient(url, api_key, headers=headers, verify=verify, read_timeout=read_timeout,
                               max_resume_attempts=max_resume_attempts, resume_backoff=resume_backoff) as client:
        async for event in client.stream(request):
            yield event
