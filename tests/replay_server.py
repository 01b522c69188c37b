"""Real HTTP servers for client tests: a LangGraph run-stream imitation, and canned answers.

``ReplayServer`` speaks the run endpoints of the LangGraph API the way
``langgraph dev`` does (see docs/architecture.md, "The runs stream as the server speaks it"), for a generated,
deterministic run with *unique* event ids: the place where "no event lost, none
duplicated after a cut" is a property that can be proved exactly.

- ``POST /threads`` → ``{thread_id}``
- ``POST /threads/{tid}/runs/stream`` → SSE with ``id:`` lines, ``location`` and
  ``content-location`` headers, first event ``metadata`` ``{run_id, attempt}``
- ``GET /threads/{tid}/runs/{rid}/stream`` + ``Last-Event-ID`` → the events after it
- ``GET /threads/{tid}/runs/{rid}`` → ``{run_id, thread_id, status}``
- ``POST /threads/{tid}/runs/{rid}/cancel``
- ``POST /runs/stream`` → a stateless run (no ids); ``GET /runs/{rid}/stream`` → 404

The run goes on in the server whether or not a client listens (like
``on_disconnect="continue"``), in small batches with short pauses so that a cut
lands mid-run. ``ids_per_event > 1`` gives several consecutive events one id,
like the dev server's ``<ms>-0`` ids.

``serve(app)`` runs any ASGI app (uvicorn) in a thread on a free loopback port;
``canned(...)`` is a one-answer app for the bad-input tests.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Callable

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

ID_BASE = 1_700_000_000_000
WORDS = ["stream", "graph", "token", "state", "node", "edge", "step", "event"]


# ---------------------------------------------------------------- running an app


class Served:
    """An ASGI app served by uvicorn in a daemon thread. ``.url``; ``.stop()`` or ``with``."""

    def __init__(self, app: Callable, host: str = "127.0.0.1"):
        self._sock = socket.socket()
        self._sock.bind((host, 0))
        self.port = self._sock.getsockname()[1]
        self.url = f"http://{host}:{self.port}"
        config = uvicorn.Config(app, log_level="critical", lifespan="off", timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]},
                                        name=f"served-{self.port}", daemon=True)
        self._thread.start()
        started = threading.Event()

        def poll() -> None:
            while not self._server.started and self._thread.is_alive():
                threading.Event().wait(0.005)
            started.set()

        threading.Thread(target=poll, daemon=True).start()
        if not started.wait(10) or not self._server.started:
            raise RuntimeError("the test server did not start")

    def stop(self) -> None:
        self._server.should_exit = True
        self._server.force_exit = True
        self._thread.join(5)
        self._sock.close()

    def __enter__(self) -> "Served":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(app: Callable) -> Served:
    return Served(app)


def recording(app: Callable, requests: list) -> Callable:
    """Wrap an ASGI app so that each request lands in ``requests`` as (method, path, headers)."""
    async def record(scope, receive, send):
        if scope["type"] == "http":
            headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
            requests.append((scope["method"], scope["path"], headers))
        await app(scope, receive, send)
    return record


# ------------------------------------------------------------------ the run data


def generate_run(n_events: int = 2000, run_id: str = "", thread_id: str = "") -> list[tuple[str, Any]]:
    """A deterministic run of about ``n_events`` events: (event name, data).

    Steps of one node each: a ``debug`` task, many ``messages`` tokens, a
    ``debug`` task_result, an ``updates`` and a ``values`` event, a ``debug``
    checkpoint. The first event is ``metadata``.
    """
    events: list[tuple[str, Any]] = [("metadata", {"run_id": run_id, "attempt": 1})]
    state: dict[str, Any] = {"messages": [], "count": 0}
    step = 0
    while len(events) < n_events:
        step += 1
        node = f"node_{step % 3}"
        task_id = f"task-{step}"
        msg_id = f"msg-{step}"
        events.append(("debug", {"type": "task", "step": step, "timestamp": f"t{step}",
                                 "payload": {"id": task_id, "name": node, "input": {"count": state["count"]},
                                             "triggers": ["start"]}}))
        room = max(1, min(60, n_events - len(events) - 4))
        words = []
        for i in range(room):
            token = f"{WORDS[(step + i) % len(WORDS)]}{i}" if i % 2 == 0 else " "
            words.append(token)
            chunk = {"content": token, "type": "AIMessageChunk", "id": msg_id, "additional_kwargs": {},
                     "response_metadata": {}, "tool_calls": [], "tool_call_chunks": []}
            meta = {"langgraph_node": node, "langgraph_step": step, "thread_id": thread_id, "run_id": run_id}
            events.append(("messages", [chunk, meta]))
        message = {"type": "ai", "id": msg_id, "content": "".join(words)}
        state = {"messages": state["messages"] + [message], "count": state["count"] + 1}
        update = {node: {"messages": [message], "count": state["count"]}}
        events.append(("debug", {"type": "task_result", "step": step, "timestamp": f"t{step}r",
                                 "payload": {"id": task_id, "name": node, "result": update[node],
                                             "error": None, "interrupts": []}}))
        events.append(("updates", update))
        events.append(("values", state))
        events.append(("debug", {"type": "checkpoint", "step": step, "timestamp": f"t{step}c",
                                 "payload": {"values": state, "next": [], "metadata": {"source": "loop", "step": step},
                                             "config": {"configurable": {"checkpoint_id": f"cp-{step}"}},
                                             "parent_config": None, "tasks": []}}))
    return events[:n_events] if len(events) > n_events else events


def sse_bytes(event: str, data: Any, id: str | None = None) -> bytes:
    text = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
    head = f"event: {event}\n" + (f"id: {id}\n" if id is not None else "")
    return (head + "".join(f"data: {line}\n" for line in text.split("\n")) + "\n").encode()


def id_key(event_id: str) -> tuple[int, ...]:
    """``"1700000000001-0"`` → ``(1700000000001, 0)``; what ``Last-Event-ID`` compares by."""
    try:
        return tuple(int(part) for part in event_id.split("-"))
    except ValueError:
        return (-1,)


# ------------------------------------------------------------------ the replay server


@dataclass
class Run:
    run_id: str
    thread_id: str | None
    events: list[tuple[str, Any, str | None]] = field(default_factory=list)  # name, data, id
    status: str = "pending"
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task | None = None


class ReplayServer:
    """A LangGraph run-stream imitation over real HTTP (see the module docstring).

    ``close_after``: per stream connection (in order), close the response cleanly
    after that many events while the run goes on (``None``: don't).
    ``location_base``: put this origin in front of the ``location`` header
    (e.g. a foreign server's URL). ``requests`` records ``(method, path, headers)``.
    ``requeue``: a rejoin sends the last that many events of its replay again after it, as the
    embedded server's live queue does with the events stored while it replayed.
    """

    def __init__(self, n_events: int = 2000, *, ids_per_event: int = 1, batch: int = 25, pause: float = 0.002,
                 close_after: list[int | None] | None = None, location_base: str = "",
                 stream_status: int = 200, requeue: int = 0):
        self.n_events = n_events
        self.requeue = requeue
        self.ids_per_event = ids_per_event
        self.batch = batch
        self.pause = pause
        self.close_after = list(close_after or [])
        self.location_base = location_base
        self.stream_status = stream_status
        self.requests: list[tuple[str, str, dict]] = []
        self.runs: dict[str, Run] = {}
        self.threads: set[str] = set()
        self._served: Served | None = None
        self.app = Starlette(routes=[
            Route("/ok", self._ok),
            Route("/threads", self._create_thread, methods=["POST"]),
            Route("/threads/{tid}/runs/stream", self._start_stream, methods=["POST"]),
            Route("/runs/stream", self._start_stream, methods=["POST"]),
            Route("/threads/{tid}/runs/{rid}/stream", self._join_stream, methods=["GET"]),
            Route("/runs/{rid}/stream", self._stateless_join, methods=["GET"]),
            Route("/threads/{tid}/runs/{rid}", self._get_run, methods=["GET"]),
            Route("/threads/{tid}/runs/{rid}/cancel", self._cancel, methods=["POST"]),
        ])

    # lifecycle ------------------------------------------------------------

    def start(self) -> "ReplayServer":
        self._served = serve(self._record(self.app))
        return self

    @property
    def url(self) -> str:
        assert self._served is not None, "start() the server first"
        return self._served.url

    def stop(self) -> None:
        if self._served is not None:
            self._served.stop()

    def __enter__(self) -> "ReplayServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _record(self, app: Callable) -> Callable:
        return recording(app, self.requests)

    # what a test compares with -------------------------------------------

    def expected_events(self, run_id: str = "", thread_id: str = "") -> list[tuple[str, Any, str]]:
        """The events of a threaded run, in order, as (name, data, id)."""
        data = generate_run(self.n_events, run_id, thread_id)
        return [(name, value, self._event_id(i)) for i, (name, value) in enumerate(data)]

    def _event_id(self, index: int) -> str:
        return f"{ID_BASE + index // self.ids_per_event}-0"

    # endpoints ------------------------------------------------------------

    async def _ok(self, request: Request) -> Response:
        return JSONResponse({"ok": True})

    async def _create_thread(self, request: Request) -> Response:
        thread_id = str(uuid.uuid4())
        self.threads.add(thread_id)
        return JSONResponse({"thread_id": thread_id})

    async def _start_stream(self, request: Request) -> Response:
        thread_id = request.path_params.get("tid")
        if thread_id is not None and thread_id not in self.threads:
            return JSONResponse({"detail": f"Thread {thread_id} not found"}, status_code=404)
        body = await request.json()
        if not isinstance(body, dict) or not body.get("assistant_id"):
            return JSONResponse({"detail": "assistant_id is required"}, status_code=422)
        if self.stream_status != 200:
            return JSONResponse({"detail": "scripted failure"}, status_code=self.stream_status)
        run = Run(str(uuid.uuid4()), thread_id)
        self.runs[run.run_id] = run
        resumable = bool(thread_id and body.get("stream_resumable"))
        run.task = asyncio.get_running_loop().create_task(self._produce(run, resumable))
        prefix = f"/threads/{thread_id}" if thread_id else ""
        headers = {"location": f"{self.location_base}{prefix}/runs/{run.run_id}/stream",
                   "content-location": f"{prefix}/runs/{run.run_id}"}
        return self._sse(run, after=None, headers=headers)

    async def _join_stream(self, request: Request) -> Response:
        run = self.runs.get(request.path_params["rid"])
        if run is None or run.thread_id != request.path_params["tid"]:
            return JSONResponse({"detail": "Run not found"}, status_code=404)
        last = request.headers.get("last-event-id")
        return self._sse(run, after=id_key(last) if last else None, headers={
            "location": f"/threads/{run.thread_id}/runs/{run.run_id}/stream",
            "content-location": f"/threads/{run.thread_id}/runs/{run.run_id}"})

    async def _stateless_join(self, request: Request) -> Response:
        # Like the in-memory server: a stateless run's stream can't be re-joined.
        return JSONResponse({"detail": "Run not found"}, status_code=404)

    async def _get_run(self, request: Request) -> Response:
        run = self.runs.get(request.path_params["rid"])
        if run is None:
            return JSONResponse({"detail": "Run not found"}, status_code=404)
        return JSONResponse({"run_id": run.run_id, "thread_id": run.thread_id, "status": run.status})

    async def _cancel(self, request: Request) -> Response:
        run = self.runs.get(request.path_params["rid"])
        if run is None:
            return JSONResponse({"detail": "Run not found"}, status_code=404)
        if run.task is not None:
            run.task.cancel()
        run.status = "interrupted"
        run.changed.set()
        return Response(status_code=204)

    # the run and its streams ---------------------------------------------

    async def _produce(self, run: Run, resumable: bool) -> None:
        run.status = "running"
        for i, (name, data) in enumerate(generate_run(self.n_events, run.run_id, run.thread_id or "")):
            run.events.append((name, data, self._event_id(i) if resumable else None))
            if i % self.batch == self.batch - 1:
                run.changed.set()
                await asyncio.sleep(self.pause)
        run.status = "success"
        run.changed.set()

    def _sse(self, run: Run, after: tuple[int, ...] | None, headers: dict) -> Response:
        limit = self.close_after.pop(0) if self.close_after else None
        return StreamingResponse(self._follow(run, after, limit), media_type="text/event-stream", headers=headers)

    async def _follow(self, run: Run, after: tuple[int, ...] | None, limit: int | None) -> AsyncIterator[bytes]:
        """Stored events after ``after`` (an id key), then live ones, until the run ends."""
        index, sent = 0, 0
        if after is not None:
            while index < len(run.events) and (run.events[index][2] is None or id_key(run.events[index][2]) <= after):
                index += 1
        if after is not None and self.requeue:
            replay = [sse_bytes(*event) for event in run.events[index:]]
            yield b"".join(replay + replay[len(replay) - min(self.requeue, len(replay)):])
            index, sent = len(run.events), len(replay)
        while True:
            done = run.status not in ("pending", "running")
            chunk = []
            while index < len(run.events):
                if limit is not None and sent >= limit:
                    if chunk:
                        yield b"".join(chunk)
                    return  # a clean close in the middle of a live run
                chunk.append(sse_bytes(*run.events[index]))
                index += 1
                sent += 1
            if chunk:
                yield b"".join(chunk)
            if done:
                return
            run.changed.clear()
            if index < len(run.events) or run.status not in ("pending", "running"):
                continue
            await run.changed.wait()


# ------------------------------------------------------------------ canned answers


def canned(status: int = 200, body: bytes | str | list[bytes] | Callable = b"", *,
           content_type: str = "application/json", headers: dict | None = None,
           thread_status: int = 200) -> Starlette:
    """An app that answers every run request the same way (``POST /threads`` works unless
    ``thread_status`` says otherwise). ``body`` may be a list of chunks (streamed),
    or a callable ``(request) -> bytes`` (e.g. to echo a header back)."""

    async def threads(request: Request) -> Response:
        if thread_status != 200:
            return JSONResponse({"detail": "scripted"}, status_code=thread_status)
        return JSONResponse({"thread_id": str(uuid.uuid4())})

    async def answer(request: Request) -> Response:
        payload = body(request) if callable(body) else body
        extra = dict(headers or {})
        if isinstance(payload, list):
            async def chunks() -> AsyncIterator[bytes]:
                for piece in payload:
                    yield piece
                    await asyncio.sleep(0)
            return StreamingResponse(chunks(), status_code=status, media_type=content_type, headers=extra)
        return Response(payload, status_code=status, media_type=content_type, headers=extra)

    return Starlette(routes=[
        Route("/threads", threads, methods=["POST"]),
        Route("/{path:path}", answer, methods=["GET", "POST"]),
    ])
