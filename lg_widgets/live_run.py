"""How a view runs a source: on the background loop, folded, published every frame, ended in its traits.

``LiveRun`` is ``StreamView``'s running half (a mixin: the widget keeps its traits and public API).
One run at a time: ``_launch`` starts a source's events streaming on the shared background loop
(``_background``), where each is folded into the view's ``RunState``; every ``FRAME`` seconds the
``Publisher`` sends the page what changed; at the end the fold's data become the final traits. A
resume or a fork in place continues the view (same epoch, the fold goes on as a copy of itself).
Nothing here knows a protocol: it asks the source.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import copy
import logging
import threading
import time
import traceback
import types
from typing import Any, Awaitable, Callable, TypeVar

import orjson

from . import _background, lifecycle
from .errors import InvalidArgument, LGWidgetsError, RunCancelled, RunError
from .eventlog import EventLog
from .fields import EACH_FRAME
from .lifecycle import Lifecycle
from .protocol import DerivedEvent
from .publisher import LIVE_STATUSES, Publisher
from .sources import RunSource
from .sources.base import Breakpoints
from .state import RunState
from .stops import breakpoint_stop, next_nodes, split_breakpoints
from .sync import json_bytes
from .transport import ApiClient

_log = logging.getLogger(__name__)
T = TypeVar("T")
V = TypeVar("V", bound="LiveRun")

#: Seconds between two deltas sent to the page while a run streams.
FRAME = 0.05
#: Seconds a blocking call (cancel, history, a state update) waits for the server.
REQUEST_TIMEOUT = 30.0
#: Traits kept current while a run streams, for Python readers (the page has the deltas).
_LIVE_TRAITS = EACH_FRAME


class LiveRun:
    """The running half of ``StreamView``: what it holds, and how a source's run goes."""

    # the view's traits this half writes (declared by the widget)
    assistant_id: str
    graph: dict[str, Any]
    note: str
    #: node → "before" | "after": where the view's next run stops (debugger.py)
    breakpoints: dict[str, str]
    #: the breakpoints the latest run was started with
    _run_breakpoints: Breakpoints = ([], [])

    events: EventLog
    run_starts: list[int]
    _derived: list[tuple[int, DerivedEvent]]
    _source: RunSource
    _fold: RunState
    _publisher: Publisher
    _future: concurrent.futures.Future[None] | None
    _task: asyncio.Task[None] | None
    _cancelling: bool
    _closed: bool
    _exception: BaseException | None
    #: the error run() last raised, and its traceback before that raise
    _error_origin: tuple[BaseException, types.TracebackType | None] | None = None
    #: runs of the view that have ended, and who waits for the next
    _ended_runs: int
    _ends: threading.Condition

    @classmethod
    def _create(cls: type[V], source: RunSource) -> V:
        """A view of what ``source`` streams."""
        view = cls.__new__(cls)
        view._setup(source)
        return view

    def _setup(self, source: RunSource) -> None:
        raise NotImplementedError  # the widget's: its traits, its comm, the fold

    def _stop(self, timeout: float) -> None:
        """Stop the run, on the server too where the source can; wait (off the loop) until it ended."""
        if not self._live():
            return
        done = _background.submit(self._cancel())
        if not _background.in_background_thread():
            done.result(timeout)
            try:
                assert self._future is not None
                self._future.result(timeout)
            except concurrent.futures.CancelledError:
                pass

    def _run_ended(self, show_the_end: Callable[[], None]) -> None:
        """A run of the view ended (an attachment's too, though its reading goes on): its end is
        shown and counted in one step, so whoever sees the end (the status) finds it counted."""
        with self._ends:
            show_the_end()
            self._ended_runs += 1
            self._ends.notify_all()

    def _runs_ended_so_far(self) -> int:
        with self._ends:
            return self._ended_runs

    def _wait_for_run_end(self, after: int, timeout: float | None = None) -> None:
        """Block until a run ends that had not ended when ``_ended_runs`` was ``after``."""
        with self._ends:
            if not self._ends.wait_for(lambda: self._ended_runs > after, timeout):
                raise InvalidArgument(f"No run ended within {timeout:g} s.")

    def _set_traits(self, values: dict[str, Any]) -> None:
        raise NotImplementedError

    def _set_final_traits(self, values: dict[str, Any]) -> None:
        raise NotImplementedError

    def _live(self) -> bool:
        """A run of the view is under way."""
        future = getattr(self, "_future", None)  # None too when __init__ failed validation
        return future is not None and not future.done()

    def _launch(self: V, source: RunSource, continue_view: bool = False, fork_from: str | None = None,
                breakpoints: Breakpoints | None = None) -> V:
        """Run ``source`` in the view, stopping on ``breakpoints`` (default: the view's ``breakpoints``)."""
        if self._closed:
            raise InvalidArgument("This view was closed: make a new StreamView to run again.")
        if self._live():
            raise InvalidArgument("This view is already running; wait for it or cancel() it first.")
        self._run_breakpoints = breakpoints or split_breakpoints(self.breakpoints)
        if "breakpoints" in source.capabilities:
            source = source.with_breakpoints(self._run_breakpoints)
        self._exception = None
        self._cancelling = False
        self._source = source
        if continue_view:  # same epoch: the page keeps what it shows, and the fold goes on
            # ... as a copy of itself: the finished run's traits hold the fold's own data, and
            # what anyone holds of them must not change under them.
            self._fold = copy.deepcopy(self._fold)
            self._publisher.follow(self._fold)
            self.run_starts.append(len(self.events))
            self._fold.apply(lifecycle.continued(fork_from))
            self._frame()
        else:
            self.events = EventLog()
            self.run_starts = [0]
            self._derived = []
            self._fold = RunState(source.fold_modes, source.protocol)
            self._fold.apply(lifecycle.START)
            self._publisher.new_epoch(self._fold)
            self._set_traits(orjson.loads(json_bytes(self._fold.to_dict())))
        self._future = _background.submit(self._stream_run(source))
        _background.track(self)
        return self

    async def _stream_run(self, source: RunSource) -> None:
        fold = self._fold
        self._task = asyncio.current_task()
        flusher = asyncio.ensure_future(self._flush_every_frame())
        drawing: asyncio.Future[None] | None = None
        try:
            await source.open()
            fold.apply(lifecycle.ids(thread_id=source.thread_id))
            if source.assistant_id and source.assistant_id != self.assistant_id:  # an attachment or a join learned it
                self.assistant_id = source.assistant_id
            if not self.graph:  # beside the run, not before it: the drawing must not delay tokens
                drawing = asyncio.ensure_future(self._draw(source))
            async for event in source.events():
                kind = type(event)
                if kind is Lifecycle:  # a recording marks where the view's next run began
                    if event.kind == "continue":  # type: ignore[union-attr]
                        self.run_starts.append(len(self.events))
                elif kind is DerivedEvent:  # what the client made up is folded, not logged as the server's
                    self._derived.append((len(self.events), event))  # type: ignore[arg-type]
                else:
                    self.events.append(event)  # type: ignore[arg-type]
                was = fold.status
                fold.apply(event)
                if source.follows_thread and was != fold.status:
                    self._watched_run_moved(was)
            if self._cancelling:  # the server closed the stream because we asked it to
                self._mark_cancelled(fold)
            elif fold.status == "error" and fold.error is not None:
                self._exception = RunError(fold.error["type"], fold.error["message"])
            else:
                await self._interrupts_the_stream_left_out(source, fold)
                fold.apply(lifecycle.END)
        except asyncio.CancelledError:
            self._mark_cancelled(fold)
        except LGWidgetsError as exc:
            self._exception = exc
            fold.apply(lifecycle.failed(exc.to_dict()))  # type: ignore[arg-type]
        except Exception as exc:  # a bug or an unexpected library error: show it, keep the output
            self._exception = exc
            fold.apply(lifecycle.failed({"type": type(exc).__name__, "message": str(exc), "kind": "internal"}))
        finally:
            self._task = None  # from here on the run ends by itself: a cancel must not cut this short
            flusher.cancel()
            if drawing is not None:  # a short run may end before its drawing arrives
                await asyncio.wait([drawing], timeout=5.0)
                drawing.cancel()
            try:
                await source.aclose()
            except Exception:  # the run's end must still reach the traits
                _log.exception("lg_widgets: closing a run's connections failed")
            # The metadata event names the run too; this covers a stream without one.
            fold.apply(lifecycle.ids(run_id=source.run_id))
            # The last delta brings every page that follows the run up to date; the final traits
            # then hold everything (the fold's own data: it changes nothing more, and a continued
            # run goes on with a copy), for saved notebooks and new pages.
            # A trait equal to its value before the run is not sent again: the delta covers it.
            self._frame()
            self._run_ended(lambda: self._set_final_traits(fold.to_dict()))

    async def _interrupts_the_stream_left_out(self, source: RunSource, fold: RunState) -> None:
        """A run on a thread may stop on an interrupt its stream does not carry (``interrupt()``
        under messages-tuple or custom alone; ``interrupt_before``/``after`` without ``updates``, or
        on the thread protocol, which says ``completed`` there): the thread says so once the stream
        has ended. Its interrupts are folded as the ``updates`` mode would have brought them, and a
        breakpoint stop as ``stop`` (derived events: a recording replays them)."""
        if not fold.thread_id:
            return
        breakpoints = any(self._run_breakpoints)
        try:
            stop = await source.thread_stop(breakpoints)
        except LGWidgetsError:
            return  # the view shows what the stream said
        interrupts, following = (stop or {}).get("interrupts") or [], (stop or {}).get("next") or []
        if stop is None or not (interrupts or following or breakpoints):
            return  # not stopped (a fork's thread may say interrupted with nothing to run)
        where = None
        if not interrupts:
            ran = fold.step_cards.reported()  # the thread's history lists tasks that never ran
            following = following or next_nodes(fold.checkpoints, self.graph, ran)
            where = breakpoint_stop(following, self._run_breakpoints, ran, sure=stop["status"] == "interrupted")
            if where is None:
                return  # an idle thread whose run did not stop on its breakpoints: it ended
        events = []
        if not fold.stopped_on_interrupt:
            events.append(DerivedEvent("updates", "updates", (), {"__interrupt__": interrupts}, None,
                                       time.monotonic()))
        if where is not None:
            events.append(DerivedEvent("stop", "stop", (), where, None, time.monotonic()))
        for event in events:
            self._derived.append((len(self.events), event))
            fold.apply(event)

    def _watched_run_moved(self, was: str) -> None:
        """An attachment outlives the runs it shows. At each run's end the traits take what it showed
        (copies: the fold goes on with the thread's next run); a next run starts a run of the view."""
        if was in LIVE_STATUSES and self._fold.status not in LIVE_STATUSES:
            self._frame()
            self._run_ended(lambda: self._set_traits(orjson.loads(json_bytes(self._fold.to_dict()))))
        elif was not in LIVE_STATUSES and self._fold.status == "running" and was != "idle":
            self.run_starts.append(len(self.events) - 1)

    async def _draw(self, source: RunSource) -> None:
        """The graph's drawing; left empty when the source can't say (the view works without it)."""
        graph = await source.graph()
        if graph:
            self.graph = graph

    async def _flush_every_frame(self) -> None:
        while True:
            await asyncio.sleep(FRAME)
            try:
                self._frame()
            except Exception:  # a bug must not stop the live view; the final traits still come
                _log.exception("lg_widgets: a live update of the view failed")

    def _frame(self) -> None:
        """One frame, on the run's loop between two events: the page gets a delta, and the
        traits Python reads while a run streams (status, ids) catch up."""
        self._publisher.flush()
        live = {name: getattr(self._fold, name) for name in _LIVE_TRAITS}
        if live["status"] not in LIVE_STATUSES:
            del live["status"]  # a run's end shows in Python with its final traits, not before them
        if self._source.note and not self.note:  # an attachment says where its events start
            live["note"] = self._source.note
        self._set_traits(live)

    async def stop_at_exit(self) -> None:
        """At interpreter exit (``_background.shutdown``): cancel the run if it is still live, and
        let it end (its connections closed, its final traits set) before the loop stops."""
        task = self._task
        if task is not None:
            await self._cancel()
            await asyncio.wait([task])

    async def _cancel(self) -> None:
        self._cancelling = True
        try:
            await self._source.cancel()
        except LGWidgetsError:
            pass  # the run may have ended on its own; the local task is cancelled below anyway
        finally:
            # Read after the await: the server may have closed the stream meanwhile, and a run
            # that is winding down must not be cut in its cleanup, before its final traits.
            if self._task is not None:
                self._task.cancel()

    def _mark_cancelled(self, fold: RunState) -> None:
        error = RunCancelled("The run was cancelled; output received before the cancel is kept.")
        self._exception = error
        fold.apply(lifecycle.cancelled(error.to_dict()))  # type: ignore[arg-type]

    def _finish_blocking(self: V) -> V:
        try:
            assert self._future is not None
            self._future.result()
        except KeyboardInterrupt:  # the kernel was interrupted: the cell's run stops with it
            self._stop(10.0)
            raise
        self._raise_if_failed()
        return self

    def _raise_if_failed(self) -> None:
        error = self._exception
        if error is not None:
            # Each raise starts from where the error came from: the callers' frames a raise adds
            # to its traceback are not kept on the view (they hold it; see _clear_error_frames).
            if self._error_origin is None or self._error_origin[0] is not error:
                self._error_origin = (error, error.__traceback__)
            raise error.with_traceback(self._error_origin[1])

    def _clear_error_frames(self) -> None:
        """Clear the locals of the frames in the kept error's tracebacks (its causes' too): they hold
        the view, which raised it. The error and where it was raised stay readable."""
        error, seen = self._exception, set()
        if error is not None and self._error_origin is not None and self._error_origin[0] is error:
            error.with_traceback(self._error_origin[1])  # without the frames of whoever called run()
        self._error_origin = None
        while error is not None and id(error) not in seen:
            seen.add(id(error))
            traceback.clear_frames(error.__traceback__)
            error = error.__cause__ or error.__context__

    def _call(self, request: Callable[[ApiClient], Awaitable[T]], timeout: float) -> T:
        """One plain request to the view's server, from the kernel thread, with a timeout."""
        server = self._source.server
        if server is None:
            raise InvalidArgument("This view has no server behind it (a replay, a local graph or an SDK stream).")

        async def call() -> T:
            async with await server.api() as api:
                return await request(api)

        return self._wait_for(call(), timeout)

    @staticmethod
    def _wait_for(call: Awaitable[T], timeout: float) -> T:
        future = _background.submit(call)  # type: ignore[arg-type]
        try:
            result: T = future.result(timeout)
            return result
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise InvalidArgument(f"The server did not answer within {timeout:g} s; pass timeout=... "
                                  "to wait longer.") from None

