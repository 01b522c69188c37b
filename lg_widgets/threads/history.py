"""A thread-protocol run's events, with step cards read from the thread's history.

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
import time
from typing import Any, AsyncIterator, Awaitable, Callable

from ..errors import LGWidgetsError
from ..protocol import DerivedEvent, StreamEvent
from ..transport.api import HISTORY_PAGE, LIVE_RUN_STATUSES
from ..transport.errors import detail_hint
from .client import Thread, ThreadRun
from .events import run_end_status

#: Pauses between reads of an ended run's history until the server has stored how it ended.
FINAL_READ_DELAYS = (0.02, 0.05, 0.1, 0.2, None)


def _settled(history: list[dict[str, Any]], end: str | None) -> bool:
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

    def __init__(self, thread: Thread, drawing: Callable[[], Awaitable[dict[str, Any] | None]] | None = None):
        self.thread = thread
        #: the graph's drawing, asked for only to name a fan-in node's task (see _fan_in)
        self.drawing = drawing
        #: checkpoint id → the names of the tasks that ran from it
        self._ran_from: dict[str, list[str]] = {}
        self._checkpoints: set[str] = set()
        self._started: set[str] = set()
        #: task id → whether it ended waiting on interrupts (a resumed run may end it again, with a result)
        self._finished: dict[str, bool] = {}

    async def read(self, end: str | None = None) -> list[DerivedEvent]:
        """What is new in the history. ``end``: how the run just ended (``completed``,
        ``interrupted``); the server may store that a moment after saying so: read again."""
        for delay in FINAL_READ_DELAYS if end else (None,):
            history = await self._unseen()
            if delay is None or _settled(history, end):
                break
            await asyncio.sleep(delay)
        found: list[DerivedEvent] = []
        for age, snapshot in reversed(list(enumerate(history))):
            found.extend(self._new(snapshot, superseded=age > 0))
            if age > 0:
                found.extend(await self._fan_in(snapshot, history[age - 1]))
        return found

    async def _fan_in(self, snapshot: dict[str, Any], newer: dict[str, Any]) -> list[DerivedEvent]:
        """A fan-in node's task (``add_edge([a, b], c)``): the server's history lists no task and no
        ``next`` at the checkpoint it ran from (langgraph-api 0.16), although the next checkpoint
        shows its writes. Named from the drawing when one node alone follows the tasks before it."""
        checkpoint_id = str((snapshot.get("checkpoint") or {}).get("checkpoint_id") or "")
        parent = str((snapshot.get("parent_checkpoint") or {}).get("checkpoint_id") or "")
        newer_parent = str((newer.get("parent_checkpoint") or {}).get("checkpoint_id") or "")
        task_id = f"fan-in:{checkpoint_id}"
        if (snapshot.get("next") or snapshot.get("tasks") or not checkpoint_id or task_id in self._started
                or newer_parent != checkpoint_id or (newer.get("metadata") or {}).get("source") != "loop"
                or not self._ran_from.get(parent) or self.drawing is None):
            return []
        ran = set(self._ran_from[parent])
        edges = (await self.drawing() or {}).get("edges") or []
        following = {str(e.get("target")) for e in edges if isinstance(e, dict) and e.get("source") in ran
                     and e.get("target") != "__end__"}
        if len(following) != 1:
            return []
        [name] = following
        before, after = snapshot.get("values") or {}, newer.get("values") or {}
        wrote = ({k: v for k, v in after.items() if before.get(k) != v}
                 if isinstance(before, dict) and isinstance(after, dict) else None)
        self._started.add(task_id)
        self._finished[task_id] = False
        return [_derived("tasks", {"id": task_id, "name": name, "input": None, "triggers": []}),
                _derived("tasks", {"id": task_id, "name": name, "result": wrote, "error": None, "interrupts": []})]

    async def _unseen(self) -> list[dict[str, Any]]:
        """The newest checkpoints, page by page back to one read before (a fast run makes more
        than a page of checkpoints between two reads: a 600-step run lost cards when only the
        newest page was read), or to the thread's first."""
        found: list[dict[str, Any]] = []
        before: str | None = None
        while True:
            page = await self.thread.list_checkpoints(HISTORY_PAGE, before)
            found.extend(page)
            ids = [str((c.get("checkpoint") or {}).get("checkpoint_id") or "") for c in page]
            if len(page) < HISTORY_PAGE or not ids[-1] or any(i in self._checkpoints for i in ids):
                return found
            before = ids[-1]

    def _new(self, snapshot: dict[str, Any], superseded: bool) -> list[DerivedEvent]:
        """``superseded``: a newer checkpoint follows, so every task of this one has ended. A task of
        the newest one has ended once it holds a result, an error or interrupts (a pending task
        holds ``"result": null``)."""
        checkpoint = snapshot.get("checkpoint") or {}
        checkpoint_id = str(checkpoint.get("checkpoint_id") or "")
        found = []
        self._ran_from[checkpoint_id] = [str(t.get("name")) for t in snapshot.get("tasks") or []
                                         if t.get("name") != "__start__"]
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


async def view_events(thread: Thread, open_run: Callable[[Thread], ThreadRun], on_run: Callable[[ThreadRun], None],
                      history: HistoryReader | None = None) -> AsyncIterator[StreamEvent]:
    """The events of ``open_run(thread)`` (a run, a resume, a fork, an attachment) with the step
    cards read from the thread's history (``history``) folded in. ``on_run`` gets the ``ThreadRun``
    first (its ``last_seq`` is where a resume reads on)."""
    history = history or HistoryReader(thread)
    reading: asyncio.Task[Any] | None = None
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


async def thread_as_it_stands(thread: Thread, history: HistoryReader) -> list[DerivedEvent] | None:
    """The thread's latest run as the REST routes keep it, when it has ended: its step cards from the
    history, its state, its interrupts and how it ended, as the events a reader of its stream would
    have folded. ``None`` while it still runs. For a run the protocol does not stream: one started
    with the runs API (``runs.create``, ``runs.wait``) sends no thread-protocol event at all."""
    runs = await thread.runs(limit=1)
    if not runs or runs[0].get("status") in LIVE_RUN_STATUSES:
        return None
    record, state = await thread.get(), await thread.get_state()
    found = await history.read()
    found.append(_derived("values", state.get("values") or {}))
    status = record.get("status")
    if status == "interrupted":
        waiting = record.get("interrupts")
        for interrupt in (i for items in (waiting.values() if isinstance(waiting, dict) else ())
                          if isinstance(items, list) for i in items if isinstance(i, dict)):
            found.append(_derived("input.requested", {"interrupt_id": interrupt.get("id"),
                                                      "payload": interrupt.get("value")}))
        found.append(_derived("lifecycle", {"event": "interrupted"}))
    elif status == "error":
        error = record.get("error")
        kept: dict[str, Any] = error if isinstance(error, dict) else {}
        message = str(kept.get("message") or "the run failed")
        found.append(_derived("lifecycle", {"event": "failed", "error": message}))
        found.append(_derived("error", {"error": str(kept.get("error") or "RunError"), "message": message}))
    else:
        found.append(_derived("lifecycle", {"event": "completed"}))
    return found


async def _error_type(thread: Thread, failed: StreamEvent) -> DerivedEvent:
    """The ``failed`` event carries the error's message; the thread keeps its type too."""
    message = (failed.data or {}).get("error") if isinstance(failed.data, dict) else None
    error: dict[str, Any] = {"error": "RunError", "message": message or "the run failed"}
    kept = await _kept_error(thread, message)
    if kept is not None:
        error = {"error": str(kept["error"]), "message": str(kept.get("message") or error["message"])}
    hint = detail_hint(error["message"])  # e.g. a RemoveMessage of an id the state doesn't hold
    if hint:
        error["message"] = f"{error['message'].rstrip('.')}. {hint}"
    return _derived("error", error)


async def _kept_error(thread: Thread, message: str | None, wait: float = 10.0) -> dict[str, Any] | None:
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


