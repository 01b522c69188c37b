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

from . import _background, page_requests
from .debugger import Debugger
from .errors import InvalidArgument
from .eventlog import EventLog
from .fields import Fields
from .live_run import FRAME, REQUEST_TIMEOUT
from .protocol import DerivedEvent
from .publisher import Publisher
from .readout import ReadOut
from .sources import (RunSource, Server, attach_source, graph_source, join_source, replay_source, run_source,
                      sdk_source)
from .sources.factory import DEFAULT_STREAM_MODE
from .state import RunState
from .stops import breakpoints_of
from .transcript import as_html, as_text

_STATIC = pathlib.Path(__file__).parent / "static"
__all__ = ["DEFAULT_STREAM_MODE", "FRAME", "REQUEST_TIMEOUT", "StreamView"]


class StreamView(Fields, Debugger, ReadOut, anywidget.AnyWidget):
    """Start a LangGraph run and show it live: tokens, step cards, state diffs, events.

    A view is one ipywidgets widget (anywidget front end). Make it with the constructor (a new
    run on a LangGraph API server) or one of the class methods for other sources: `attach`
    (a thread another client runs), `join` (a run started elsewhere), `replay` (a recording),
    `from_graph` (a compiled graph in this kernel), `from_sdk` (an SDK stream). Then `run()`
    (blocking) or `start()` (live). Every source fills the same synced traits, the rows of
    `lg_widgets.fields.Fields` (`status`, `text`, `messages`, `steps`, `state`, `diffs`, `custom`,
    `interrupts`, `error`, ...), with the shapes of `lg_widgets.types`.

    Attributes:
        events: every event of every run of the view (an `lg_widgets.EventLog` of
            `lg_widgets.StreamEvent`).
        run_starts: where each run of the view starts in `events` (a resume or an in-place fork adds one).
        forked_from: the checkpoint id a view made by `fork` started from, else None.

    Example:
        ```python
        from lg_widgets import StreamView

        view = StreamView("joke", {"topic": "ice cream"}, stream_mode=["messages-tuple", "updates"])
        view.run()                      # blocks; the cell shows the finished run
        view.status, view.text          # ('done', 'Why did the ice cream ...')
        view.text_for(node="writer")    # the tokens of one node
        ```
    """

    # The front end as text, read once: given a Path, anywidget wraps it in a class-level FileContents
    # whose `changed` signal keeps every view ever made alive (its hot reload: a dev server's).
    _esm = (_STATIC / "widget.js").read_text(encoding="utf-8")
    _css = (_STATIC / "widget.css").read_text(encoding="utf-8")
    #: Final traits just sent as parts: the trait update leaves them out.
    _parted: frozenset[str] = frozenset()

    # The API its mixins hold, named on the class itself: the API reference (pdoc) documents a
    # class's own members in full, and a reader of this file sees all a view can do.
    resume, step, update_state, submit, history, fork = (Debugger.resume, Debugger.step, Debugger.update_state,
                                                        Debugger.submit, Debugger.history, Debugger.fork)
    run_state, text_for = ReadOut.run_state, ReadOut.text_for
    save, to_pandas, to_html = ReadOut.save, ReadOut.to_pandas, ReadOut.to_html

    def __init__(self, assistant_id: str, input: Any = None, *, stream_mode: str | list[str] | None = None,
                 url: str | None = None, api_key: str | None = None, headers: dict[str, str] | None = None,
                 verify: Any = None, thread_id: str | None = None, config: dict[str, Any] | None = None,
                 context: dict[str, Any] | None = None, stream_subgraphs: bool = False, protocol: str = "runs",
                 transport: str = "sse", interrupt_before: str | list[str] | None = None,
                 interrupt_after: str | list[str] | None = None, **run_options: Any):
        """A view of a new run of `assistant_id`, checked at once and started by `run()` or `start()`.

        Args:
            assistant_id: a graph id of the server's langgraph.json, or an assistant's id.
            input: the run's input (the graph's input state), or None.
            stream_mode: one mode or a list (`"values"`, `"updates"`, `"messages-tuple"`, `"messages"`,
                `"debug"`, `"tasks"`, `"checkpoints"`, `"custom"`, `"events"`). Default for the runs
                stream: `["messages-tuple", "debug", "values"]`; for `protocol="threads"` it names
                channels (default: all).
            url: the server; None: `$LANGGRAPH_API_URL`, else the embedded `lg_widgets.local_server()`.
            api_key: a LangGraph Platform key, sent as the `x-api-key` header; None: `$LANGGRAPH_API_KEY`.
                Never synced, saved or shown.
            headers: extra headers on every request of the view (custom auth, e.g.
                `{"Authorization": "Bearer ..."}`); held like `api_key`.
            verify: TLS: None (the system's authorities), a CA bundle path, an `ssl.SSLContext`, or False.
            thread_id: None (a stateless run), `"new"` (create a thread), or an existing thread's id.
                A thread is what `resume`, `fork` and `history` need.
            config: the run's config as the SDK takes it, e.g. `{"configurable": {"user_id": "ada"}}`
                (a node reads it from its `config` argument).
            context: the run's context (LangGraph's `context_schema`), or None.
            stream_subgraphs: also stream the events of subgraphs (their event names get `|<namespace>`).
            protocol: `"runs"` (the runs stream, `POST /runs/stream`) or `"threads"` (the thread-centric
                protocol of langgraph-api 0.16+).
            transport: for `protocol="threads"`: `"sse"` or `"websocket"`.
            interrupt_before: nodes to stop before (`"*"`: every node), on both protocols; kept in
                `view.breakpoints` for the view's later runs (`step()`, `resume()`, `submit()`).
            interrupt_after: nodes to stop after, likewise.
            **run_options: any other option of `langgraph_sdk`'s `client.runs.stream` (
                `stream_resumable`, `metadata`, `multitask_strategy`, ...).

        Raises:
            InvalidArgument: an argument the run can't use (an unknown mode, protocol or option, a
                header that is not a string, ...): raised here, before a widget exists or anything is sent.

        Example:
            ```python
            view = StreamView("agent", {"messages": [{"role": "user", "content": "hi"}]},
                              url="https://my-deployment.example.com", api_key="lsv2_...",
                              config={"configurable": {"model": "small"}}, thread_id="new")
            ```
        """
        server = Server.checked(url, api_key, headers, verify)
        breakpoints = breakpoints_of(interrupt_before, interrupt_after)
        self._setup(run_source(assistant_id, input, server=server, protocol=protocol, transport=transport,
                               stream_mode=stream_mode, thread_id=thread_id, config=config, context=context,
                               stream_subgraphs=stream_subgraphs, **run_options))
        self.breakpoints = breakpoints

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

    def start(self) -> "StreamView":
        """Start the run in the background and return at once; the view streams live where it is shown.

        Calling it again starts a new run of the same source (a new run on the server).

        Returns:
            The view itself, so that `view = StreamView(...).start(); view` shows it.

        Example:
            ```python
            view = StreamView("joke", {"topic": "cats"}).start()
            view                    # the cell's output: watch the tokens arrive
            ```
        """
        return self._launch(self._origin.again())

    def run(self) -> "StreamView":
        """Start the run and block until it ends (a notebook cell or a plain script).

        Returns:
            The view itself, finished (status `done`, `interrupted`, `error` or `cancelled`).

        Raises:
            InvalidArgument: called on lg_widgets' own event loop (use `await view.wait()` there).
            LGWidgetsError: the run's error, typed (`RunError` when a node raised, `HTTPStatusError`,
                `ServerUnreachable`, `StreamStalled`, `MalformedStream`, ...). The output received
                before it stays on the view, and `view.error` says the same.

        Example:
            ```python
            view = StreamView("joke", {"topic": "cats"}).run()
            assert view.status == "done"
            ```
        """
        if _background.in_background_thread():
            raise InvalidArgument("run() blocks; inside the lg_widgets loop use `await view.wait()`.")
        self.start()
        return self._finish_blocking()

    async def wait(self) -> "StreamView":
        """Wait until the run ends, without blocking the event loop (`await view.wait()`).

        Returns:
            The view itself.

        Raises:
            LGWidgetsError: the run's error, as `run()` raises it; the partial output stays on the view.
        """
        if self._future is not None:
            await asyncio.wrap_future(self._future)
        self._raise_if_failed()
        return self

    @property
    def running(self) -> bool:
        """Whether a run of the view is under way (an attachment: until it is cancelled or closed).

        Returns:
            True while the view reads a stream.
        """
        return self._live()

    def cancel(self, timeout: float = 10.0) -> "StreamView":
        """Stop the run, on the server too where it can (threaded runs, the thread protocol).

        Output received before the cancel stays; the status becomes `cancelled`. A no-op when nothing runs.

        Args:
            timeout: seconds to wait for the server's answer and for the run's end.

        Returns:
            The view itself.
        """
        self._stop(timeout)
        return self

    def close(self) -> None:
        """Stop the run (if any) and close the widget; the view can't run again.
        """
        if "_publisher" not in self.__dict__:  # its constructor refused the arguments: nothing to stop
            super().close()
            return
        self._closed = True
        if self.running:
            try:
                self.cancel(timeout=5.0)
            except Exception:  # closing must not fail because the server is gone
                pass
        super().close()
        self.layout.close()  # ipywidgets gives each view a Layout widget of its own, and leaves it open
        # The view's own cycles (the page's message handler, the publisher's send): without them a
        # closed view goes with its last reference, not at the next full collection, which in a
        # long kernel comes dozens of views later, the heap grown and fragmented by then.
        self.on_msg(self._on_page_message, remove=True)
        self._publisher.detach()
        self._clear_error_frames()

    # other sources, same view --------------------------------------------------

    @classmethod
    def attach(cls, thread_id: str, *, url: str | None = None, api_key: str | None = None,
               headers: dict[str, str] | None = None, verify: Any = None, transport: str = "sse",
               stream_mode: list[str] | None = None) -> "StreamView":
        """A view that watches a thread over the thread protocol, whoever runs it.

        It shows the thread's current run (from its start when the server still holds its events,
        else from the moment of attaching: `view.note` says which), then every later run on the
        thread. An interrupt it reaches can be answered with `resume` or the page's Resume box. It
        reads until `cancel()` (which cancels the thread's current run) or `close()`.

        Args:
            thread_id: the thread to watch.
            url: the server (as in the constructor).
            api_key: as in the constructor.
            headers: as in the constructor.
            verify: as in the constructor.
            transport: `"sse"` or `"websocket"`.
            stream_mode: the channels to subscribe to (default: all).

        Returns:
            A view; call `start()`.

        Raises:
            InvalidArgument: an argument it can't use.

        Example:
            ```python
            watch = StreamView.attach(thread_id).start(); watch
            ```
        """
        return cls._create(attach_source(thread_id, server=Server.checked(url, api_key, headers, verify),
                                         transport=transport, stream_mode=stream_mode))

    @classmethod
    def join(cls, thread_id: str, run_id: str, *, url: str | None = None, api_key: str | None = None,
             headers: dict[str, str] | None = None, verify: Any = None,
             stream_mode: str | list[str] | None = None) -> "StreamView":
        """A view of a threaded run another client started (the runs stream's join).

        `GET /threads/{thread_id}/runs/{run_id}/stream`: the events the server kept from its start
        (a run started with `stream_resumable=True`), then live ones to its end. Only threaded runs
        can be joined: the server has no such route for a stateless run.

        Args:
            thread_id: the run's thread.
            run_id: the run.
            url: the server (as in the constructor).
            api_key: as in the constructor.
            headers: as in the constructor.
            verify: as in the constructor.
            stream_mode: keep only these modes (default: every mode the run streams).

        Returns:
            A view; call `start()` or `run()`.
        """
        return cls._create(join_source(thread_id, run_id, server=Server.checked(url, api_key, headers, verify),
                                       stream_mode=stream_mode))

    @classmethod
    def replay(cls, path: str | os.PathLike[str], speed: float = 1.0) -> "StreamView":
        """A view that plays a recording written by `save`, with no server.

        Args:
            path: the recording (JSON lines).
            speed: how fast against the recorded pace (2.0: twice as fast; 0: at once).

        Returns:
            A view; call `run()` or `start()`.

        Example:
            ```python
            view.save("run.jsonl")
            StreamView.replay("run.jsonl", speed=0).run()
            ```
        """
        return cls._create(replay_source(path, speed))

    @classmethod
    def from_graph(cls, graph: Any, input: Any = None, *, stream_mode: str | list[str] | None = None,
                   config: dict[str, Any] | None = None, context: Any = None,
                   stream_subgraphs: bool = False) -> "StreamView":
        """A view of a compiled graph run in this kernel with its own `astream` (no server).

        The graph's `(mode, chunk)` tuples are folded into the same traits as a server's events.

        Args:
            graph: a compiled LangGraph graph (`StateGraph(...).compile()` or an `@entrypoint`).
            input: the graph's input.
            stream_mode: as in the constructor (the library's own names, e.g. `"messages"` for token tuples).
            config: the run's config (`{"configurable": {"thread_id": ...}}` with a checkpointer).
            context: the run's context.
            stream_subgraphs: also stream subgraphs' events.

        Returns:
            A view; call `run()` or `start()`.

        Example:
            ```python
            StreamView.from_graph(compiled_graph, {"topic": "x"}, stream_mode=["updates", "messages"]).run()
            ```
        """
        return cls._create(graph_source(graph, input, stream_mode=stream_mode, config=config, context=context,
                                        stream_subgraphs=stream_subgraphs))

    @classmethod
    def from_sdk(cls, stream: Any, *, assistant_id: str = "sdk",
                 stream_mode: str | list[str] | None = None) -> "StreamView":
        """A view of an existing `langgraph_sdk` stream (`client.runs.stream(...)`), read once.

        Args:
            stream: the SDK's async iterator of `StreamPart`s.
            assistant_id: the name the view shows.
            stream_mode: the modes the stream was started with (default: guessed from its events).

        Returns:
            A view; call `run()` or `start()`.

        Example:
            ```python
            from langgraph_sdk import get_client
            client = get_client(url=url)
            StreamView.from_sdk(client.runs.stream(None, "joke", input={"topic": "x"})).run()
            ```
        """
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
        """ipywidgets' update of the page, less the final traits that just went as parts.

        Args:
            key: the trait name(s) to send (None: all).
        """
        if self._parted and key is not None:
            key = [name for name in ([key] if isinstance(key, str) else key) if name not in self._parted]
            if not key:
                return
        super().send_state(key)

    # ----------------------------------------------------- messages from the page

    def _on_page_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        page_requests.answer(self, content)
