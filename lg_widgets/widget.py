"""``StreamView``: a LangGraph run, live in a notebook.

The view reads one ``RunSource`` (``lg_widgets/sources``: the runs stream, the thread protocol, an
attachment, a join, a recording, a local graph, an SDK stream; it asks the source what it can do
and never which protocol it speaks). The run streams on a background event loop
(``_background``); each event is folded into a ``RunState``; every ``FRAME`` seconds a
``Publisher`` sends the page what changed (the live contract: ``reset`` / ``delta`` / ``snapshot``,
see docs/architecture.md); when the run ends the full values are set on the synced traits, which
is what a saved notebook and a reloaded page show.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import pathlib
import threading
import types
from typing import Any

import anywidget

from . import _background, page_requests, saved_page
from .debugger import Debugger
from .errors import InvalidArgument
from .eventlog import EventLog
from .fields import Fields
from .live_run import FRAME, REQUEST_TIMEOUT
from .protocol import DerivedEvent
from .publisher import Publisher
from .sources import (RunSource, Server, attach_source, graph_source, join_source, replay_source, run_source,
                      sdk_source, write_recording)
from .sources.factory import DEFAULT_STREAM_MODE
from .state import RunState
from .stops import breakpoints_of
from .transcript import as_html, as_text

_STATIC = pathlib.Path(__file__).parent / "static"
__all__ = ["DEFAULT_STREAM_MODE", "FRAME", "REQUEST_TIMEOUT", "StreamView"]


class StreamView(Fields, Debugger, anywidget.AnyWidget):
    """Start a LangGraph run and show it live: tokens, step cards, state diffs, events.

    Its synced traits are the rows of ``Fields`` (fields.py)."""

    # The front end as text, read once: given a Path, anywidget wraps it in a class-level FileContents
    # whose `changed` signal keeps every view ever made alive (its hot reload: a dev server's).
    _esm = (_STATIC / "widget.js").read_text(encoding="utf-8")
    _css = (_STATIC / "widget.css").read_text(encoding="utf-8")
    #: Final traits just sent as parts: the trait update leaves them out.
    _parted: frozenset[str] = frozenset()

    def __init__(self, assistant_id: str, input: Any = None, *, stream_mode: str | list[str] | None = None,
                 url: str | None = None, api_key: str | None = None, headers: dict[str, str] | None = None,
                 verify: Any = None, thread_id: str | None = None, config: dict[str, Any] | None = None,
                 context: dict[str, Any] | None = None, stream_subgraphs: bool = False, protocol: str = "runs",
                 transport: str = "sse", interrupt_before: str | list[str] | None = None,
                 interrupt_after: str | list[str] | None = None, **run_options: Any):
        """A view of a new run of ``assistant_id`` (a graph id of langgraph.json, or an assistant's id).

        ``protocol``: ``"runs"`` (the runs stream) or ``"threads"`` (the thread-centric protocol, over
        ``transport`` ``"sse"`` or ``"websocket"``). ``thread_id``: None (a stateless run), ``"new"``, or
        an existing thread. ``interrupt_before``/``interrupt_after``: nodes to stop before or after
        (``"*"``: every node; both protocols), kept in ``view.breakpoints`` for the view's later runs
        (``step()``, ``resume()``, ``submit()``). ``url``/``api_key``/``headers``/``verify``: the server
        and its credentials (never synced, saved or shown). The rest go to the run as langgraph_sdk
        names them. Everything is checked here, before a widget exists: a typo fails at once.
        """
        server = Server.checked(url, api_key, headers, verify)
        breakpoints = breakpoints_of(interrupt_before, interrupt_after)
        self._setup(run_source(assistant_id, input, server=server, protocol=protocol, transport=transport,
                               stream_mode=stream_mode, thread_id=thread_id, config=config, context=context,
                               stream_subgraphs=stream_subgraphs, **run_options))
        self.breakpoints = breakpoints

    @classmethod
    def _create(cls, source: RunSource) -> "StreamView":
        """A view of what ``source`` streams."""
        view = cls.__new__(cls)
        view._setup(source)
        return view

    def _setup(self, source: RunSource) -> None:
        super().__init__(assistant_id=source.assistant_id, stream_mode=source.modes, protocol=source.protocol)
        #: what ``start()`` runs (again: a new run each time); ``_source``: the latest run's
        self._origin = source
        self._source = source
        self.forked_from: str | None = None
        #: every event of every run of the view (parsed again from its JSON text when read: see EventLog)
        self.events = EventLog()
        #: where each run of the view starts in ``events`` (resume and fork in place add one)
        self.run_starts: list[int] = []
        #: what the view folded in that the server did not stream (index in ``events`` it came before, event)
        self._derived: list[tuple[int, DerivedEvent]] = []
        self._fold = RunState(source.fold_modes, source.protocol)
        self._publisher = Publisher(self.send)
        self._future: concurrent.futures.Future[None] | None = None
        self._task: asyncio.Task[None] | None = None
        self._cancelling = False
        self._closed = False
        self._exception: BaseException | None = None
        self._ended_runs = 0
        self._ends = threading.Condition()
        self._page_follows = False  # a page said hello: it can take big final traits in parts
        self.on_msg(self._on_page_message)

    # ------------------------------------------------------------- public API

    def __repr__(self) -> str:
        return (f"StreamView({self.assistant_id!r}, status={self.status!r}, "
                f"events={self.event_count}, steps={len(self.steps)})")

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        bundle = super()._repr_mimebundle_(**kwargs)
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        data = {**(data or {}), "text/plain": as_text(self), "text/html": as_html(self)}
        return data, metadata

    @property
    def run_state(self) -> RunState:
        """The fold behind the traits (its data is the traits' once a run has ended)."""
        return self._fold

    def start(self) -> "StreamView":
        """Start the run in the background and return at once."""
        return self._launch(self._origin.again())

    def run(self) -> "StreamView":
        """Start the run and block until it ends (a notebook cell or a plain script)."""
        if _background.in_background_thread():
            raise InvalidArgument("run() blocks; inside the lg_widgets loop use `await view.wait()`.")
        self.start()
        return self._finish_blocking()

    async def wait(self) -> "StreamView":
        """Wait until the run ends. Raises the run's error (partial output stays on the view)."""
        if self._future is not None:
            await asyncio.wrap_future(self._future)
        self._raise_if_failed()
        return self

    @property
    def running(self) -> bool:
        """A run of the view is under way (an attachment: until it is cancelled or closed)."""
        return self._live()

    def cancel(self, timeout: float = 10.0) -> "StreamView":
        """Stop the run, on the server too where it can (threaded runs, the thread protocol); output
        received before the cancel stays. A no-op when nothing runs. ``timeout``: seconds to wait
        for the server and for the run's end."""
        self._stop(timeout)
        return self

    def resume(self, value: Any = None, *, wait: bool = False, timeout: float = REQUEST_TIMEOUT) -> "StreamView":
        """Answer the interrupt: a new run on the same thread (the runs stream: ``command={"resume":
        value}``; the thread protocol: ``input.respond``). With several interrupts waiting, ``value``
        maps each interrupt id to its answer; a stop on ``interrupt_before``/``after`` takes none.

        Its output goes into this view (the text grows, the steps go on). An attached view answers on
        the thread and reads the resumed run on the attachment. ``wait=True`` blocks until it ends.
        """
        source = self._source
        if self.running and not source.follows_thread:
            raise InvalidArgument("The run is still live: resume it once it stops on its interrupt.")
        if not self.thread_id:
            raise InvalidArgument("Only a threaded run can be resumed: create the view with thread_id='new'.")
        if self.status != "interrupted":
            raise InvalidArgument(f"Nothing to resume: the run is {self.status!r}, not 'interrupted'.")
        waiting = [i for i in self.interrupts if not i["resolved"]]
        if source.follows_thread:  # the attachment reads the resumed run: answer, and go on watching
            ended = self._ended_runs
            self._wait_for(source.answer(value, waiting), timeout)
            if wait and self.running:
                self._wait_for_run_end(after=ended)
            return self
        self._launch(source.resumed(value, waiting), continue_view=True)
        return self._finish_blocking() if wait else self

    def history(self, limit: int = 100, timeout: float = REQUEST_TIMEOUT) -> list[dict[str, Any]]:
        """The thread's checkpoints, newest first (``POST /threads/{id}/history``)."""
        if not self.thread_id:
            raise InvalidArgument("A stateless run has no history: create the view with thread_id='new'.")
        return self._call(lambda api: api.history(self.thread_id, limit), timeout)

    def fork(self, checkpoint_id: str, input: Any = None, *, update: dict[str, Any] | None = None,
             wait: bool = False, in_place: bool = False, timeout: float = REQUEST_TIMEOUT) -> "StreamView":
        """A new view that runs this thread again from ``checkpoint_id`` (time travel).

        ``update`` first writes those values into the state at that checkpoint
        (``POST /threads/{id}/state``) and forks from the checkpoint it creates.
        ``in_place=True`` runs the fork in this view instead, as a new branch
        after what it already shows (what a step card's Fork button does).
        """
        if self.running:
            raise InvalidArgument("The run is still live: fork once it has stopped.")
        if not self.thread_id:
            raise InvalidArgument("Only a threaded run can be forked: create the view with thread_id='new'.")
        source = self._source.forked(checkpoint_id, input)  # a source that can't fork says so here
        if update is not None:
            checkpoint_id = self._call(lambda api: api.update_state(self.thread_id, update, checkpoint_id), timeout)
            source = self._source.forked(checkpoint_id, input)
        if in_place:
            self._launch(source, continue_view=True, fork_from=checkpoint_id)
            return self._finish_blocking() if wait else self
        view = type(self)._create(source)
        view.forked_from = checkpoint_id
        view._launch(source)
        return view._finish_blocking() if wait else view

    def text_for(self, node: Any = None, tag: Any = None, namespace: Any = None) -> str:
        """The token text of chosen nodes, LLM call tags or subgraph namespace (see RunState.text_for)."""
        return self._fold.text_for(node=node, tag=tag, namespace=namespace)

    def close(self) -> None:
        """Stop the run (if any) and close the widget; the view can't run again."""
        self._closed = True
        if self.running:
            try:
                self.cancel(timeout=5.0)
            except Exception:  # closing must not fail because the server is gone
                pass
        super().close()
        self.layout.close()  # ipywidgets gives each view a Layout widget of its own, and leaves it open

    # other sources, same view --------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> int:
        """Write every received event (with its arrival offset) to a JSON-lines file; returns the count.

        ``StreamView.replay(path)`` plays it back with no server, runs and branches included.
        Secrets in the server's config/metadata are redacted; the API key is never in an event.
        """
        forks = {b["events_before"]: b["checkpoint_id"] for b in self.branches}
        continues = {start: forks.get(start) for start in self.run_starts[1:]}
        return write_recording(path, self.events, self.assistant_id, list(self.stream_mode), continues,
                               self.protocol, self._derived)

    def to_html(self, path: str | os.PathLike[str]) -> pathlib.Path:
        """Write the run as one self-contained HTML file: the real front end, inlined, showing the final traits.

        It opens offline in any browser: no CDN, no kernel, no server address, no api key.
        """
        if self.running:
            raise InvalidArgument("The run is still live: write it once it has ended (`await view.wait()`).")
        return saved_page.write_view(self, path)

    @classmethod
    def attach(cls, thread_id: str, *, url: str | None = None, api_key: str | None = None,
               headers: dict[str, str] | None = None, verify: Any = None, transport: str = "sse",
               stream_mode: list[str] | None = None) -> "StreamView":
        """A view that watches a thread over the thread protocol: its current run, from its start
        when the server still holds its events, else from the moment of attaching (``view.note``
        says which), then every later run on the thread, whoever starts it. An interrupt it
        reaches can be answered from the view (``resume``, or the page's Resume box). It runs
        until ``cancel()`` (which cancels the thread's current run) or ``close()``. Call ``start()``."""
        return cls._create(attach_source(thread_id, server=Server.checked(url, api_key, headers, verify),
                                         transport=transport, stream_mode=stream_mode))

    @classmethod
    def join(cls, thread_id: str, run_id: str, *, url: str | None = None, api_key: str | None = None,
             headers: dict[str, str] | None = None, verify: Any = None,
             stream_mode: str | list[str] | None = None) -> "StreamView":
        """A view of a run another client started (the runs stream's join: ``GET
        /threads/{thread_id}/runs/{run_id}/stream``): the events the server kept from its start
        (a run started with ``stream_resumable``), then live ones to its end. ``stream_mode``
        keeps only those modes (default: all the run streams). Call ``start()`` or ``run()``."""
        return cls._create(join_source(thread_id, run_id, server=Server.checked(url, api_key, headers, verify),
                                       stream_mode=stream_mode))

    @classmethod
    def replay(cls, path: str | os.PathLike[str], speed: float = 1.0) -> "StreamView":
        """A view that plays a recording (``view.save``) at ``speed`` × its pace (0: at once). Call ``run()``/``start()``."""
        return cls._create(replay_source(path, speed))

    @classmethod
    def from_graph(cls, graph: Any, input: Any = None, *, stream_mode: str | list[str] | None = None,
                   config: dict[str, Any] | None = None, context: Any = None,
                   stream_subgraphs: bool = False) -> "StreamView":
        """A view of a compiled graph run in this kernel with its own ``astream`` (no server)."""
        return cls._create(graph_source(graph, input, stream_mode=stream_mode, config=config, context=context,
                                        stream_subgraphs=stream_subgraphs))

    @classmethod
    def from_sdk(cls, stream: Any, *, assistant_id: str = "sdk",
                 stream_mode: str | list[str] | None = None) -> "StreamView":
        """A view of an existing ``langgraph_sdk`` ``client.runs.stream(...)`` iterator (read once)."""
        return cls._create(sdk_source(stream, assistant_id=assistant_id, stream_mode=stream_mode))

    def _set_traits(self, values: dict[str, Any]) -> None:
        """Set synced traits in one comm message (only those whose value changed travel). ``status``
        last: code in another thread that waits for it then reads the other traits already set."""
        with self.hold_sync():
            for name, value in values.items():
                if name != "status":
                    self.set_trait(name, value)  # most fields are read_only: only the view sets them
            if "status" in values:
                self.set_trait("status", values["status"])

    def _set_final_traits(self, values: dict[str, Any]) -> None:
        """A run's final traits. When some are big, pages that follow the view get those and the
        rest of the run's content in parts first (sync.py, "Big final traits in parts"); the trait
        update then carries the others."""
        if self._page_follows:
            final = types.SimpleNamespace(**values)  # what the wire shapes read (final state, text)
            wire = {name: self.trait_metadata(name, "to_json", self._trait_to_json)(value, final)
                    for name, value in values.items() if getattr(self, name) != value}
            self._parted = frozenset(self._publisher.send_parts(wire))
        try:
            self._set_traits(values)
        finally:
            self._parted = frozenset()

    def send_state(self, key: Any = None) -> None:
        """ipywidgets' update of the page, less the final traits that just went as parts."""
        if self._parted and key is not None:
            key = [name for name in ([key] if isinstance(key, str) else key) if name not in self._parted]
            if not key:
                return
        super().send_state(key)

    # ----------------------------------------------------- messages from the page

    def _on_page_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        page_requests.answer(self, content)
