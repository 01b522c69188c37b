"""The thread protocol as a view's source: a run's events, and step cards from the thread's history.

The protocol streams no task events (and ``updates`` only for graphs that opt in), so the
step cards come from the thread's checkpoints (``POST /threads/{id}/history``): each
checkpoint lists the tasks that ran from it, with their names, results, errors and
interrupts. They are read after each root ``values`` event (one read at a time, in the
background: tokens never wait for it) and once more before the run's end, and folded in
as ``DerivedEvent``s in the runs stream's ``checkpoints`` / ``tasks`` shapes. A failed
run's error type is read from the thread too (the ``failed`` event carries the message).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from typing import Any, AsyncIterator, Callable

from ..client import wait_for_name
from ..errors import InvalidArgument, LGWidgetsError
from ..protocol import DerivedEvent, StreamEvent
from .client import Thread, ThreadClient, ThreadRun, _filter, _with_lifecycle
from .events import CHANNELS, run_end_status
from .window import RunWindow

#: How many checkpoints one read of the history asks for (newest first).
HISTORY_LIMIT = 100
#: Pauses between reads of an ended run's history until the server has stored how it ended.
FINAL_READ_DELAYS = (0.02, 0.05, 0.1, 0.2, None)


def _settled(history: list[dict], end: str | None) -> bool:
    """Whether the history already shows how the run ended: a completed run's last checkpoint
    has nothing left to run; an interrupted run's has a task holding its interrupts (the server
    stores them a moment after it says ``interrupted``; an ``interrupt_before`` stop has none,
    and waits out the delays)."""
    if not history or end not in ("completed", "interrupted"):
        return True
    if end == "completed":
        return not history[0].get("next")
    return any(task.get("interrupts") for task in history[0].get("tasks") or [])


def _derived(mode: str, data: Any) -> DerivedEvent:
    return DerivedEvent(mode, mode, (), data, None, time.monotonic())


class HistoryReader:
    """What the thread's checkpoints say that the view has not been told yet."""

    def __init__(self, thread: Thread):
        self.thread = thread
        self._checkpoints: set[str] = set()
        self._started: set[str] = set()
        #: task id → whether it ended waiting on interrupts (a resumed run may end it again, with a result)
        self._finished: dict[str, bool] = {}

    async def read(self, end: str | None = None) -> list[DerivedEvent]:
        """What is new in the history. ``end``: how the run just ended (``completed``,
        ``interrupted``); the server may store that a moment after saying so: read again."""
        for delay in FINAL_READ_DELAYS if end else (None,):
            history = await self.thread.list_checkpoints(limit=HISTORY_LIMIT)
            history = history if isinstance(history, list) else []
            if delay is None or _settled(history, end):
                break
            await asyncio.sleep(delay)
        found: list[DerivedEvent] = []
        for age, snapshot in reversed(list(enumerate(history))):
            found.extend(self._new(snapshot, superseded=age > 0))
        return found

    def _new(self, snapshot: dict, superseded: bool) -> list[DerivedEvent]:
        """``superseded``: a newer checkpoint follows, so every task of this one has ended. A task of
        the newest one has ended once it holds a result, an error or interrupts (a pending task
        holds ``"result": null``)."""
        checkpoint = snapshot.get("checkpoint") or {}
        checkpoint_id = str(checkpoint.get("checkpoint_id") or "")
        found = []
        if checkpoint_id and checkpoint_id not in self._checkpoints:
            self._checkpoints.add(checkpoint_id)
            found.append(_derived("checkpoints", {
                "config": {"configurable": checkpoint}, "parent_config": {"configurable": snapshot.get("parent_checkpoint") or {}},
                "metadata": snapshot.get("metadata") or {}, "values": snapshot.get("values"),
                "next": snapshot.get("next") or [], "tasks": snapshot.get("tasks") or []}))
        for task in snapshot.get("tasks") or []:
            task_id, name = str(task.get("id") or ""), task.get("name")
            if not task_id or name == "__start__":
                continue  # the input, not a node
            if task_id not in self._started:
                self._started.add(task_id)
                found.append(_derived("tasks", {"id": task_id, "name": name, "input": None, "triggers": []}))
            result, error, interrupts = task.get("result"), task.get("error"), task.get("interrupts") or []
            ended = superseded or result is not None or error or interrupts
            # A task that waited on interrupts ends again when a resumed run gives it a result.
            answered = self._finished.get(task_id) and (result is not None or error)
            if ended and (task_id not in self._finished or answered):
                self._finished[task_id] = bool(interrupts) and result is None and not error
                found.append(_derived("tasks", {"id": task_id, "name": name, "result": result, "error": error,
                                                "interrupts": [] if answered else interrupts}))
        return found


async def view_events(thread: Thread, open_run: Callable[[Thread], ThreadRun], on_run: Callable[[ThreadRun], None]
                      ) -> AsyncIterator[StreamEvent]:
    """The events of ``open_run(thread)`` (a run, a resume, a fork, an attachment) with the step
    cards read from the thread's history folded in. ``on_run`` gets the ``ThreadRun`` first (its
    ``last_seq`` is where a resume reads on)."""
    history = HistoryReader(thread)
    reading: asyncio.Task | None = None
    again = False
    run = open_run(thread)
    on_run(run)

    async def read(end: str | None = None) -> list[DerivedEvent]:
        try:
            return await history.read(end)
        except LGWidgetsError:
            return []  # the cards come with the next read; the run goes on

    try:
        async for event in run:
            if reading is not None and reading.done():
                for derived in reading.result():
                    yield derived
                reading = asyncio.ensure_future(read()) if again else None
                again = False
            if event.mode == "lifecycle" and event.namespace and reading is not None:
                # A subgraph starts: the cards of the steps before it (a read under way) come first.
                for derived in await reading:
                    yield derived
                reading = asyncio.ensure_future(read()) if again else None
                again = False
            status = run_end_status(event)
            if status is not None:  # the run's cards before its end
                if reading is not None:
                    for derived in await reading:
                        yield derived
                    reading, again = None, False
                for derived in await read(end=status):
                    yield derived
                yield event
                if status == "failed":
                    yield await _error_type(thread, event)
                continue
            yield event
            if event.mode == "values" and not event.namespace:
                if reading is None:
                    reading = asyncio.ensure_future(read())
                else:
                    again = True
    finally:
        if reading is not None:
            reading.cancel()


async def _error_type(thread: Thread, failed: StreamEvent) -> DerivedEvent:
    """The ``failed`` event carries the error's message; the thread keeps its type too."""
    message = (failed.data or {}).get("error") if isinstance(failed.data, dict) else None
    error: dict[str, Any] = {"error": "RunError", "message": message or "the run failed"}
    kept = await _kept_error(thread, message)
    if kept is not None:
        error = {"error": str(kept["error"]), "message": str(kept.get("message") or error["message"])}
    return _derived("error", error)


async def _kept_error(thread: Thread, message: str | None, wait: float = 10.0) -> dict | None:
    """The error the thread keeps for the run that failed with ``message``. The server sends the
    ``failed`` event before its worker writes the error to the thread, so a read at once may find
    the thread still busy: read again for a little while."""
    deadline = asyncio.get_running_loop().time() + wait
    while True:
        try:
            record = await thread.get()
        except LGWidgetsError:
            return None
        kept = record.get("error")
        settled = record.get("status") != "busy"  # while busy, an error there may be an older run's
        if isinstance(kept, dict) and kept.get("error") and (settled or message in (None, kept.get("message"))):
            return kept
        if settled or asyncio.get_running_loop().time() >= deadline:
            return None
        await asyncio.sleep(0.05)


@dataclasses.dataclass
class ThreadRequest:
    """What a view runs on the thread protocol: ``channels`` instead of stream modes, and how the
    run begins: a new run, an answer to interrupts (``respond``: interrupt id → (namespace,
    response), read on after ``since``), a fork from ``checkpoint_id``, or an attachment."""

    assistant_id: str
    input: Any = None
    stream_mode: list[str] = dataclasses.field(default_factory=lambda: list(CHANNELS))
    config: dict | None = None
    metadata: dict | None = None
    #: None or "new": a new thread; else an existing thread's id
    thread_id: str | None = None
    transport: str = "sse"
    checkpoint_id: str | None = None
    respond: dict[str, tuple[list[str], Any]] | None = None
    since: int | None = None
    attach: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.assistant_id, str) or not (self.assistant_id.strip() or self.attach):
            raise InvalidArgument(f"assistant_id must be a non-empty string (a graph id from langgraph.json or an "
                                  f"assistant's id), got {self.assistant_id!r}.")
        if self.transport not in ("sse", "websocket"):
            raise InvalidArgument(f"transport must be 'sse' or 'websocket', got {self.transport!r}.")
        self.stream_mode = _filter(self.stream_mode, None, None)["channels"]
        for name in ("config", "metadata"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, dict):
                raise InvalidArgument(f"{name} must be a dict or None, got {type(value).__name__}.")
        try:
            json.dumps(self.input)
        except (TypeError, ValueError) as exc:
            raise InvalidArgument(f"input must be JSON-serialisable (dicts, lists, strings, numbers): {exc}.") from None

    @property
    def modes(self) -> list[str]:
        return list(self.stream_mode)


class ThreadStream:
    """A view's run on the thread protocol: ``async for`` its events (step cards from the history
    folded in); ``thread_id``, ``run_id``, ``last_seq``; ``cancel()``; ``aclose()``."""

    def __init__(self, client: ThreadClient, request: ThreadRequest):
        self.client = client
        self.request = request
        self.thread: Thread | None = None
        self.run: ThreadRun | None = None
        #: the assistant of the thread's latest run, for an attachment (which names none)
        self.assistant_id: str | None = request.assistant_id or None

    @property
    def thread_id(self) -> str | None:
        return self.thread.thread_id if self.thread else None

    @property
    def run_id(self) -> str | None:
        return self.run.run_id if self.run else None

    @property
    def last_seq(self) -> int | None:
        return self.run.last_seq if self.run else None

    @property
    def from_start(self) -> bool | None:
        return self.run.from_start if self.run else None

    async def start_thread(self) -> str:
        wanted = self.request.thread_id
        self.thread = (await self.client.thread(wanted) if wanted and wanted != "new"
                       else await self.client.create_thread())
        if self.request.attach and not self.assistant_id:
            self.assistant_id = graph_of((await self.thread.get()) or {}, None)
        return self.thread.thread_id

    def _open(self, thread: Thread) -> ThreadRun:
        request = self.request
        channels = request.stream_mode
        if request.attach:
            return thread.attach(channels)
        if request.respond:
            async def answer() -> RunWindow:
                await answer_interrupts(thread, request.respond or {})
                return RunWindow()
            return ThreadRun(thread.events(_with_lifecycle(channels), since=request.since), answer)
        return thread.run(request.assistant_id, request.input, channels=channels, config=request.config,
                          metadata=request.metadata, checkpoint_id=request.checkpoint_id)

    async def __aiter__(self) -> AsyncIterator[StreamEvent]:
        if self.thread is None:
            await self.start_thread()
        assert self.thread is not None
        async for event in view_events(self.thread, self._open, lambda run: setattr(self, "run", run)):
            yield event

    async def cancel(self) -> bool:
        run = self.run
        if run is not None and run.window is None:  # asked to start: wait for the run's id
            await wait_for_name(run.started)
        # Before its first event the run is known by the id run.start answered.
        run_id = self.run_id or (run.window.target if run is not None and run.window is not None else None)
        if not (self.thread_id and run_id):
            return False
        await self.client.http.cancel_run(self.thread_id, run_id)
        return True

    async def aclose(self) -> None:
        await self.client.aclose()


async def answer_interrupts(thread: Thread, respond: dict[str, tuple[list[str], Any]]) -> None:
    """``input.respond``: one interrupt, or several in one command."""
    if len(respond) == 1:
        [(interrupt_id, (namespace, response))] = respond.items()
        await thread.respond(response, interrupt_id, namespace=namespace)
        return
    await thread.command("input.respond", {"responses": [
        {"interrupt_id": interrupt_id, "namespace": namespace, "response": response}
        for interrupt_id, (namespace, response) in respond.items()]})


def graph_of(thread: dict, run: dict | None) -> str | None:
    """Which graph a thread's runs run: its metadata's ``graph_id`` (a run names only an assistant's uuid)."""
    metadata = thread.get("metadata")
    found = (metadata.get("graph_id") if isinstance(metadata, dict) else None) or (run or {}).get("assistant_id")
    return str(found) if found else None
