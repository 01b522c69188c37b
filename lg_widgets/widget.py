"""``StreamView``: a LangGraph run, live in a notebook.

The run streams on a background event loop (``_background``); each event is
folded into a ``RunState``; every ``FRAME`` seconds a ``Publisher`` sends the
page what changed (the live contract: ``reset`` / ``delta`` / ``snapshot``,
see docs/architecture.md); when the run ends the full values are set on the
synced traits, which is what a saved notebook and a reloaded page show.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import copy
import dataclasses
import hashlib
import logging
import os
import pathlib
import time
import types
from typing import Any, AsyncIterable, Callable, Literal

import anywidget
import orjson
import traitlets as t

from . import _background, lifecycle, saved_page, sources
from .client import LangGraphClient, RunRequest, RunStream, check_headers, normalize_stream_mode, tls_verify
from .errors import InvalidArgument, LGWidgetsError, RunCancelled, RunError
from .eventlog import EventLog
from .lifecycle import Lifecycle
from .protocol import DerivedEvent, StreamEvent
from .publisher import LIVE_STATUSES, Publisher
from .redact import redact_event_data
from .server import server_url
from .state import RunState
from .sync import checkpoints_to_json, diffs_to_json, json_bytes, messages_to_json, preview, steps_to_json
from .transcript import as_html, as_text
from .threads import CHANNELS, ThreadClient
from .threads.source import ThreadRequest, ThreadStream, answer_interrupts, graph_of
from .types import STATUSES, Branch, Checkpoint, CustomEvent, Diff, Interrupt, Message, Segment, Step, ToolCall

_STATIC = pathlib.Path(__file__).parent / "static"
_log = logging.getLogger(__name__)

#: Seconds between two deltas sent to the page while a run streams.
FRAME = 0.05
#: What a view streams unless told otherwise: tokens, one card per step, and the state.
DEFAULT_STREAM_MODE = ("messages-tuple", "debug", "values")
#: Largest page of raw events the page may ask for at once.
MAX_EVENTS_PAGE = 500
#: Seconds a blocking call (cancel, history, a state update) waits for the server.
REQUEST_TIMEOUT = 30.0

#: Traits kept current while a run streams, for Python readers (the page has the deltas).
_LIVE_TRAITS = ("status", "run_id", "thread_id")

Source = AsyncIterable["StreamEvent | Lifecycle"]


@dataclasses.dataclass(frozen=True)
class _Server:
    """Where a view's runs go: no ``url`` (and no ``$LANGGRAPH_API_URL``) means the embedded server.
    The credentials stay out of every repr."""

    url: str | None = None
    api_key: str | None = dataclasses.field(default=None, repr=False)
    headers: dict[str, str] | None = dataclasses.field(default=None, repr=False)
    verify: Any = dataclasses.field(default=None, repr=False)

    @classmethod
    def checked(cls, url: str | None, api_key: str | None, headers: Any, verify: Any) -> "_Server":
        """Bad headers or a bad CA path fail here, before a view exists; verify=False warns here."""
        tls_verify(verify)
        return cls(url, api_key, check_headers(headers), verify)

    async def client(self) -> LangGraphClient:
        return LangGraphClient(await self.resolved_url(), self.api_key, headers=self.headers, verify=self.verify)

    async def thread_client(self, transport: str) -> ThreadClient:
        return ThreadClient(await self.resolved_url(), self.api_key, transport=transport,  # type: ignore[arg-type]
                            headers=self.headers, verify=self.verify)

    async def resolved_url(self) -> str:
        # No URL: $LANGGRAPH_API_URL or the embedded server, which may have to start: off the loop.
        if self.url:
            return self.url
        return await asyncio.to_thread(server_url, None)

    def fingerprint(self) -> str:
        """Tells apart the credentials without holding them (the graph cache's key)."""
        secret = repr((self.api_key, sorted((self.headers or {}).items())))
        return hashlib.sha256(secret.encode()).hexdigest()


#: Drawings already fetched: (server URL, assistant, credentials) → graph. A graph does not change
#: while a kernel runs views of it, and many views of one graph (compare_modes) need one fetch.
_GRAPHS: dict[tuple[str, str, str], dict] = {}


class StreamView(anywidget.AnyWidget):
    """Start a LangGraph run and show it live: tokens, step cards, state diffs, events."""

    # The front end as text, read once: given a Path, anywidget wraps it in a class-level FileContents
    # whose `changed` signal keeps every view ever made alive (its hot reload: a dev server's).
    _esm = (_STATIC / "widget.js").read_text(encoding="utf-8")
    _css = (_STATIC / "widget.css").read_text(encoding="utf-8")
    #: Final traits just sent as parts: the trait update leaves them out.
    _parted: frozenset[str] = frozenset()

    assistant_id = t.Unicode("", help="The graph id (from langgraph.json) or assistant id the view runs.").tag(sync=True)
    stream_mode = t.List(t.Unicode(), help="The stream modes the run requested.").tag(sync=True)
    status = t.Enum(STATUSES, "idle", help="idle → connecting → running → done | interrupted | error | cancelled."
                    ).tag(sync=True)
    run_id = t.Unicode("", help="The server's id of the latest run ('' until known).").tag(sync=True)
    thread_id = t.Unicode("", help="The thread the run is on ('' for a stateless run).").tag(sync=True)
    text = t.Unicode("", help="Every streamed AI token, once, in arrival order.").tag(sync=True)
    segments: t.List[Segment] = t.List(help="Segment dicts tiling `text`: which node, tags, namespace and message "
                           "each stretch of text came from.").tag(sync=True)
    messages: t.List[Message] = t.List(help="Message dicts merged by id.").tag(sync=True, to_json=messages_to_json)
    steps: t.List[Step] = t.List(help="Step dicts, one per graph task, in the order they started.").tag(
        sync=True, to_json=steps_to_json)
    checkpoints: t.List[Checkpoint] = t.List(help="Checkpoint dicts (threaded runs).").tag(
        sync=True, to_json=checkpoints_to_json)
    state = t.Any({}, help="The latest root-graph state (without `__interrupt__`).").tag(sync=True)
    diffs: t.List[Diff] = t.List(help="Diff dicts: the RFC 6902 ops between consecutive states.").tag(
        sync=True, to_json=diffs_to_json)
    custom: t.List[CustomEvent] = t.List(help="CustomEvent dicts: what the graph's stream writers sent.").tag(sync=True)
    interrupts: t.List[Interrupt] = t.List(help="Interrupt dicts, each once.").tag(sync=True)
    error = t.Dict(allow_none=True, default_value=None,
                   help="ErrorInfo {type, message, kind} of a run that failed or was cancelled, else None."
                   ).tag(sync=True)
    counts = t.Dict(help="Events received per stream mode.").tag(sync=True)
    event_kinds = t.Dict(help="`events`-mode events per kind (on_chain_start, ...).").tag(sync=True)
    current_node = t.Unicode("", help="The root-graph node that ran or spoke last.").tag(sync=True)
    event_count = t.Int(0, help="Events received.").tag(sync=True)
    duration = t.Float(0.0, help="Seconds from the first event to the last.").tag(sync=True)
    graph = t.Dict(help="The assistant's graph {nodes, edges} (GET /assistants/{id}/graph?xray=true); "
                        "{} if unknown.").tag(sync=True)
    branches: t.List[Branch] = t.List(help="Branch dicts: forks run inside this view.").tag(sync=True)
    tool_calls: t.List[ToolCall] = t.List(help="ToolCall dicts: the tools the graph ran (thread protocol).").tag(
        sync=True)
    protocol = t.Enum(("runs", "threads"), "runs", help="The streaming protocol the view speaks.").tag(sync=True)
    note = t.Unicode("", help="Where the view's events start, when it did not start the run "
                              "(an attachment to a thread).").tag(sync=True)

    def __init__(self, assistant_id: str, input: Any = None, *, stream_mode: str | list[str] | None = None,
                 url: str | None = None, api_key: str | None = None, headers: dict[str, str] | None = None,
                 verify: Any = None, thread_id: str | None = None, config: dict | None = None,
                 context: dict | None = None, stream_subgraphs: bool = False, protocol: str = "runs",
                 transport: str = "sse", **run_options: Any):
        # Validate everything before a widget exists, so a typo fails at once.
        request: RunRequest | ThreadRequest
        if protocol == "threads":
            unsupported = [name for name, value in {"context": context, **run_options}.items()
                           if value is not None and name != "metadata"]
            if unsupported:
                raise InvalidArgument(f"The thread protocol's run.start takes no {', '.join(unsupported)} "
                                      "(it carries assistant_id, input, config and metadata): use protocol='runs'.")
            # stream_subgraphs has nothing to do there: the protocol streams every namespace.
            request = ThreadRequest(assistant_id, input, stream_mode=list(CHANNELS) if stream_mode is None else (
                [stream_mode] if isinstance(stream_mode, str) else stream_mode), config=config,
                metadata=run_options.get("metadata"), thread_id=thread_id, transport=transport)
        elif protocol == "runs":
            if transport != "sse":
                raise InvalidArgument("The runs stream is SSE only: transport='websocket' needs protocol='threads'.")
            modes = normalize_stream_mode(list(DEFAULT_STREAM_MODE) if stream_mode is None else stream_mode)
            request = RunRequest(
                assistant_id, input, stream_mode=modes, config=config, context=context,
                stream_subgraphs=stream_subgraphs, thread_id=thread_id, **run_options,
            )
        else:
            raise InvalidArgument(f"protocol must be 'runs' (the runs stream) or 'threads' (the thread-centric "
                                  f"protocol), got {protocol!r}.")
        self._setup(request, _Server.checked(url, api_key, headers, verify))

    @classmethod
    def _create(cls, request: "RunRequest | ThreadRequest", server: "_Server | None" = None,
                source: Callable[[], Source] | None = None) -> "StreamView":
        """A view of ``request`` on a server, or of the events ``source()`` makes."""
        view = cls.__new__(cls)
        view._setup(request, server or _Server(), source)
        return view

    def _setup(self, request: "RunRequest | ThreadRequest", server: "_Server",
               source: Callable[[], Source] | None = None) -> None:
        protocol: Literal["runs", "threads"] = "threads" if isinstance(request, ThreadRequest) else "runs"
        super().__init__(assistant_id=request.assistant_id, stream_mode=request.modes, protocol=protocol)
        self._request = request
        self._server = server  # the URL and credentials: never a trait, never synced or saved
        self._source = source
        self.forked_from: str | None = None
        #: every event of every run of the view (parsed again from its JSON text when read: see EventLog)
        self.events = EventLog()
        #: where each run of the view starts in ``events`` (resume and fork in place add one)
        self.run_starts: list[int] = []
        #: what the view folded in that the server did not stream (index in ``events`` it came before, event)
        self._derived: list[tuple[int, DerivedEvent]] = []
        #: the modes the fold expects (None: learn from the events, e.g. a joined run's)
        self._fold_modes: list[str] | None = request.modes
        self._fold = RunState(self._fold_modes, protocol)
        self._publisher = Publisher(self.send)
        #: the thread protocol: the last seq a run of this view read (a resume reads on after it)
        self._thread_seq: int | None = None
        #: a joined run: the stream modes to ask for (None: all the run has)
        self._join_modes: list[str] | None = None
        self._future: concurrent.futures.Future | None = None
        self._stream: RunStream | None = None
        self._task: asyncio.Task | None = None
        self._cancelling = False
        self._exception: BaseException | None = None
        self._page_follows = False  # a page said hello: it can take big final traits in parts
        self.on_msg(self._on_page_message)

    # ------------------------------------------------------------- public API

    def __repr__(self) -> str:
        return (f"StreamView({self.assistant_id!r}, status={self.status!r}, "
                f"events={self.event_count}, steps={len(self.steps)})")

    def _repr_mimebundle_(self, **kwargs: Any):
        bundle = super()._repr_mimebundle_(**kwargs)
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        data = {**(data or {}), "text/plain": as_text(self), "text/html": as_html(self)}
        return data, metadata

    @property
    def running(self) -> bool:
        future = getattr(self, "_future", None)  # None too when __init__ failed validation
        return future is not None and not future.done()

    @property
    def run_state(self) -> RunState:
        """The fold behind the traits (its data is the traits' once a run has ended)."""
        return self._fold

    def start(self) -> "StreamView":
        """Start the run in the background and return at once."""
        return self._launch(self._request, self._source() if self._source else None)

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

    def cancel(self, timeout: float = 10.0) -> "StreamView":
        """Stop the run, on the server too for threaded runs. A no-op when nothing runs."""
        if not self.running:
            return self
        done = _background.submit(self._cancel())
        if not _background.in_background_thread():
            done.result(timeout)
            try:
                self._future.result(timeout)  # type: ignore[union-attr]
            except concurrent.futures.CancelledError:
                pass
        return self

    def resume(self, value: Any = None, *, wait: bool = False, timeout: float = REQUEST_TIMEOUT) -> "StreamView":
        """Answer the interrupt: a new run on the same thread (the runs stream: ``command={"resume":
        value}``; the thread protocol: ``input.respond``, and with several interrupts waiting,
        ``value`` maps each interrupt id to its answer).

        Its output goes into this view (the text grows, the steps go on). An attached view reads
        the resumed run on the attachment it has. ``wait=True`` blocks until it ends, like ``run()``.
        """
        request = self._request
        attached = isinstance(request, ThreadRequest) and request.attach
        if self.running and not attached:
            raise InvalidArgument("The run is still live: resume it once it stops on its interrupt.")
        if not self.thread_id:
            raise InvalidArgument("Only a threaded run can be resumed: create the view with thread_id='new'.")
        if self.status != "interrupted":
            raise InvalidArgument(f"Nothing to resume: the run is {self.status!r}, not 'interrupted'.")
        waiting = [i for i in self.interrupts if not i["resolved"]]
        if isinstance(request, ThreadRequest):
            respond = _responses(waiting, value)
            if attached:  # the attachment reads the resumed run: answer, and go on watching
                self._call_thread(lambda thread: answer_interrupts(thread, respond), timeout)
                return self
            resumed = dataclasses.replace(request, input=None, respond=respond, since=self._thread_seq,
                                          thread_id=self.thread_id, checkpoint_id=None)
            self._launch(resumed, continue_view=True)
            return self._finish_blocking() if wait else self
        # interrupt(...) waits for a value; interrupt_before/after only for the run to go on.
        again = dataclasses.replace(request, input=None, command={"resume": value} if waiting else None,
                                    thread_id=self.thread_id, checkpoint_id=None)
        self._launch(again, continue_view=True)
        return self._finish_blocking() if wait else self

    def history(self, limit: int = 100, timeout: float = REQUEST_TIMEOUT) -> list[dict]:
        """The thread's checkpoints, newest first (``POST /threads/{id}/history``)."""
        if not self.thread_id:
            raise InvalidArgument("A stateless run has no history: create the view with thread_id='new'.")
        return self._call(lambda client: client.thread_history(self.thread_id, limit), timeout)

    def fork(self, checkpoint_id: str, input: Any = None, *, update: dict | None = None,
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
        if update is not None:
            checkpoint_id = self._call(
                lambda client: client.update_thread_state(self.thread_id, update, checkpoint_id), timeout)
        request: RunRequest | ThreadRequest
        if isinstance(self._request, ThreadRequest):
            request = dataclasses.replace(self._request, input=input, respond=None, since=None, attach=False,
                                          thread_id=self.thread_id, checkpoint_id=checkpoint_id)
        else:
            request = dataclasses.replace(self._request, input=input, command=None,
                                          thread_id=self.thread_id, checkpoint_id=checkpoint_id)
        if in_place:
            self._launch(request, continue_view=True, fork_from=checkpoint_id)
            return self._finish_blocking() if wait else self
        view = type(self)._create(request, self._server)
        view.forked_from = checkpoint_id
        view._launch(request)
        return view._finish_blocking() if wait else view

    def text_for(self, node=None, tag=None, namespace=None) -> str:
        """The token text of chosen nodes, LLM call tags or subgraph namespace (see RunState.text_for)."""
        return self._fold.text_for(node=node, tag=tag, namespace=namespace)

    def close(self) -> None:
        if self.running:
            try:
                self.cancel(timeout=5.0)
            except Exception:  # closing must not fail because the server is gone
                pass
        super().close()
        self.layout.close()  # ipywidgets gives each view a Layout widget of its own, and leaves it open

    # other sources, same view --------------------------------------------------

    def save(self, path: str | os.PathLike) -> int:
        """Write every received event (with its arrival offset) to a JSON-lines file; returns the count.

        ``StreamView.replay(path)`` plays it back with no server, runs and branches included.
        Secrets in the server's config/metadata are redacted; the API key is never in an event.
        """
        forks = {b["events_before"]: b["checkpoint_id"] for b in self.branches}
        continues = {start: forks.get(start) for start in self.run_starts[1:]}
        return sources.write_recording(path, self.events, self.assistant_id, list(self.stream_mode), continues,
                                       self.protocol, self._derived)

    def to_html(self, path: str | os.PathLike) -> pathlib.Path:
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
        if not isinstance(thread_id, str) or not thread_id.strip() or thread_id == "new":
            raise InvalidArgument(f"attach needs the id of an existing thread, got {thread_id!r}.")
        request = ThreadRequest("", None, stream_mode=list(CHANNELS) if stream_mode is None else stream_mode,
                                thread_id=thread_id, transport=transport, attach=True)
        return cls._create(request, _Server.checked(url, api_key, headers, verify))

    @classmethod
    def join(cls, thread_id: str, run_id: str, *, url: str | None = None, api_key: str | None = None,
             headers: dict[str, str] | None = None, verify: Any = None,
             stream_mode: str | list[str] | None = None) -> "StreamView":
        """A view of a run another client started (the runs stream's join: ``GET
        /threads/{thread_id}/runs/{run_id}/stream``): the events the server kept from its start
        (a run started with ``stream_resumable``), then live ones to its end. ``stream_mode``
        keeps only those modes (default: all the run streams). Call ``start()`` or ``run()``."""
        for name, value in (("thread_id", thread_id), ("run_id", run_id)):
            if not isinstance(value, str) or not value.strip():
                raise InvalidArgument(f"join needs the {name} of an existing run, got {value!r}.")
        modes = None if stream_mode is None else normalize_stream_mode(stream_mode)
        request = RunRequest("joined run", None, stream_mode=modes or ["values"], thread_id=thread_id,
                             join_run_id=run_id)
        view = cls._create(request, _Server.checked(url, api_key, headers, verify))
        view._join_modes = view._fold_modes = modes
        view._fold = RunState(modes)
        return view

    @classmethod
    def replay(cls, path: str | os.PathLike, speed: float = 1.0) -> "StreamView":
        """A view that plays a recording (``view.save``) at ``speed`` × its pace (0: at once). Call ``run()``/``start()``."""
        recording = sources.read_recording(path)
        request: RunRequest | ThreadRequest
        if recording.protocol == "threads":
            request = ThreadRequest(recording.assistant_id, None, stream_mode=recording.stream_mode)
        else:
            request = RunRequest(recording.assistant_id, None, stream_mode=recording.stream_mode)
        return cls._create(request, source=lambda: recording.play(speed))

    @classmethod
    def from_graph(cls, graph: Any, input: Any = None, *, stream_mode: str | list[str] | None = None,
                   config: dict | None = None, context: Any = None, stream_subgraphs: bool = False) -> "StreamView":
        """A view of a compiled graph run in this kernel with its own ``astream`` (no server)."""
        modes = normalize_stream_mode(list(DEFAULT_STREAM_MODE) if stream_mode is None else stream_mode)
        request = RunRequest(getattr(graph, "name", None) or "graph", None, stream_mode=modes)
        view = cls._create(request, source=lambda: sources.graph_events(
            graph, input, modes, config=config, context=context, subgraphs=stream_subgraphs))
        view.graph = sources.graph_drawing(graph)
        return view

    @classmethod
    def from_sdk(cls, stream: Any, *, assistant_id: str = "sdk", stream_mode: str | list[str] | None = None) -> "StreamView":
        """A view of an existing ``langgraph_sdk`` ``client.runs.stream(...)`` iterator (read once)."""
        modes = normalize_stream_mode(stream_mode or list(DEFAULT_STREAM_MODE))
        read = False

        def source() -> Source:
            nonlocal read
            if read:
                raise InvalidArgument("This view's langgraph_sdk stream was read already (a stream can be read "
                                      "once): make a new client.runs.stream(...) and a new StreamView.from_sdk().")
            read = True
            return sources.sdk_events(stream)

        return cls._create(RunRequest(assistant_id, None, stream_mode=modes), source=source)

    # ---------------------------------------------------------------- running

    def _launch(self, request: "RunRequest | ThreadRequest", source: Source | None = None, continue_view: bool = False,
                fork_from: str | None = None) -> "StreamView":
        if self.running:
            raise InvalidArgument("This view is already running; wait for it or cancel() it first.")
        self._exception = None
        self._cancelling = False
        self._stream = None
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
            self._fold = RunState(self._fold_modes, self.protocol)  # type: ignore[arg-type]
            self._fold.apply(lifecycle.START)
            self._publisher.new_epoch(self._fold)
            self._set_traits(orjson.loads(json_bytes(self._fold.to_dict())))
        self._future = _background.submit(self._stream_run(request, source))
        return self

    async def _stream_run(self, request: "RunRequest | ThreadRequest", source: Source | None) -> None:
        fold = self._fold
        self._task = asyncio.current_task()
        flusher = asyncio.ensure_future(self._flush_every_frame())
        graph_task: asyncio.Future | None = None
        client = None
        try:
            if source is None:
                client, self._stream = await self._open(request)
                source = self._stream
                fold.apply(lifecycle.ids(thread_id=await self._stream.start_thread()))
                self._attached(request)
                if not self.graph:  # beside the run, not before it: the drawing must not delay tokens
                    graph_task = asyncio.ensure_future(self._load_graph(client, self.assistant_id))
            watching = isinstance(request, ThreadRequest) and request.attach
            async for event in source:
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
                if watching and was != fold.status:
                    self._watched_run_moved(was)
            if self._cancelling:  # the server closed the stream because we asked it to
                self._mark_cancelled(fold)
            elif fold.status == "error" and fold.error is not None:
                self._exception = RunError(fold.error["type"], fold.error["message"])
            else:
                if client is not None and isinstance(request, RunRequest) and not fold.stopped_on_interrupt:
                    await self._interrupt_the_stream_left_out(client, fold)
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
            if graph_task is not None:  # a short run may end before its drawing arrives
                await asyncio.wait([graph_task], timeout=5.0)
                graph_task.cancel()
            if isinstance(self._stream, ThreadStream):
                self._thread_seq = self._stream.last_seq
                await self._stream.aclose()
            if client is not None:
                await client.aclose()
            if self._stream is not None:  # the metadata event names the run too; this covers a stream without one
                fold.apply(lifecycle.ids(run_id=self._stream.run_id))
            # The last delta brings every page that follows the run up to date; the final traits
            # then hold everything (the fold's own data: it changes nothing more, and a continued
            # run goes on with a copy), for saved notebooks and new pages.
            # A trait equal to its value before the run is not sent again: the delta covers it.
            self._frame()
            self._set_final_traits(fold.to_dict())

    async def _open(self, request: "RunRequest | ThreadRequest") -> tuple[LangGraphClient, Any]:
        """The client (for the drawing) and the stream of the run ``request`` says."""
        if isinstance(request, ThreadRequest):
            thread_client = await self._server.thread_client(request.transport)
            return thread_client.http, ThreadStream(thread_client, request)
        client = await self._server.client()
        if request.join_run_id:
            run = await client.get_run(str(request.thread_id), request.join_run_id)
            thread = await client.get_thread(str(request.thread_id))
            self.assistant_id = graph_of(thread or {}, run) or self.assistant_id
            return client, client.join(str(request.thread_id), request.join_run_id, self._join_modes)
        return client, client.stream(request)

    async def _interrupt_the_stream_left_out(self, client: LangGraphClient, fold: RunState) -> None:
        """A run on a thread may stop on an interrupt its stream modes do not carry (``interrupt()``
        under messages-tuple or custom alone; ``interrupt_before``/``after`` without ``updates``): the
        thread says so once the stream has ended. Its interrupts are folded as the ``updates`` mode
        would have brought them (kept as a derived event: a recording replays it)."""
        if not fold.thread_id:
            return
        try:
            thread = await client.get_thread(fold.thread_id)
        except LGWidgetsError:
            return  # the view shows what the stream said
        if not isinstance(thread, dict) or thread.get("status") != "interrupted":
            return
        waiting = thread.get("interrupts")
        interrupts = [i for items in (waiting.values() if isinstance(waiting, dict) else ())
                      if isinstance(items, list) for i in items if isinstance(i, dict)]
        event = DerivedEvent("updates", "updates", (), {"__interrupt__": interrupts}, None, time.monotonic())
        self._derived.append((len(self.events), event))
        fold.apply(event)

    def _attached(self, request: "RunRequest | ThreadRequest") -> None:
        """A view that did not start its run learns which assistant it shows."""
        stream = self._stream
        if isinstance(stream, ThreadStream) and request.attach and stream.assistant_id:
            self.assistant_id = stream.assistant_id

    def _say_where_it_starts(self) -> None:
        """An attachment says, once it knows, whether it shows the thread's current run from its start."""
        stream = self._stream
        if self.note or not isinstance(stream, ThreadStream) or not stream.request.attach:
            return
        if stream.from_start is not None:
            where = ("its current run from its start (the server kept its events), then every later run"
                     if stream.from_start else
                     "from the moment of attaching (the server no longer holds the current run's start), "
                     "then every later run")
            self.note = f"attached to thread {stream.thread_id}: {where}"

    def _watched_run_moved(self, was: str) -> None:
        """An attachment outlives the runs it shows. At each run's end the traits take what it showed
        (copies: the fold goes on with the thread's next run); a next run starts a run of the view."""
        if was in LIVE_STATUSES and self._fold.status not in LIVE_STATUSES:
            self._frame()
            self._set_traits(orjson.loads(json_bytes(self._fold.to_dict())))
        elif was not in LIVE_STATUSES and self._fold.status == "running" and was != "idle":
            self.run_starts.append(len(self.events) - 1)

    async def _load_graph(self, client: LangGraphClient, assistant_id: str) -> None:
        """The assistant's drawable graph; left empty when the server can't say (the view works without it)."""
        key = (client.url, assistant_id, self._server.fingerprint())
        graph = _GRAPHS.get(key)
        if graph is None:
            try:
                graph = await client.assistant_graph(assistant_id)
            except LGWidgetsError:
                return
            if not graph:
                return
            _GRAPHS[key] = graph
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
        self._set_traits(live)
        self._say_where_it_starts()

    async def _cancel(self) -> None:
        self._cancelling = True
        stream = self._stream
        try:
            if stream is not None:
                await stream.cancel()
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

    def _finish_blocking(self) -> "StreamView":
        try:
            self._future.result()  # type: ignore[union-attr]
        except KeyboardInterrupt:  # the kernel was interrupted: the cell's run stops with it
            self.cancel()
            raise
        self._raise_if_failed()
        return self

    def _raise_if_failed(self) -> None:
        if self._exception is not None:
            raise self._exception

    def _call(self, request: Callable[[LangGraphClient], Any], timeout: float) -> Any:
        """One plain request to the view's server, from the kernel thread, with a timeout."""
        async def call() -> Any:
            async with await self._server.client() as client:
                return await request(client)

        return self._wait_for(call(), timeout)

    def _call_thread(self, request: Callable[[Any], Any], timeout: float) -> Any:
        """One command on the view's thread (the thread protocol: over HTTP), from the kernel thread."""
        async def call() -> Any:
            async with await self._server.thread_client("sse") as client:
                return await request(await client.thread(self.thread_id))

        return self._wait_for(call(), timeout)

    @staticmethod
    def _wait_for(call: Any, timeout: float) -> Any:
        future = _background.submit(call)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise InvalidArgument(f"The server did not answer within {timeout:g} s; pass timeout=... "
                                  "to wait longer.") from None

    def _set_traits(self, values: dict[str, Any]) -> None:
        """Set synced traits in one comm message (only those whose value changed travel). ``status``
        last: code in another thread that waits for it then reads the other traits already set."""
        with self.hold_sync():
            for name, value in values.items():
                if name != "status":
                    setattr(self, name, value)
            if "status" in values:
                self.status = values["status"]

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
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        request_id = content.get("request_id")
        try:
            if kind == "hello":
                self._page_follows = True
                if self.running:
                    _background.loop().call_soon_threadsafe(self._publisher.snapshot)
                return
            if kind == "cancel":
                self.cancel()
                reply = {}
            elif kind == "events":
                reply = self._events_page(content)
            elif kind == "resume":
                self.resume(content.get("value"))
                reply = {}
            elif kind == "fork":
                self.fork(str(content.get("checkpoint_id") or ""), in_place=True)
                reply = {}
            else:
                raise InvalidArgument(f"unknown request {kind!r}")
        except Exception as exc:
            self.send({"type": "reply", "request_id": request_id, "ok": False, "error": str(exc)})
            return
        self.send({"type": "reply", "request_id": request_id, "ok": True, **reply})

    def _events_page(self, content: dict) -> dict:
        mode, kind = content.get("mode"), content.get("kind")
        events = self.events
        chosen = [i for i, m in enumerate(events.modes()) if not mode or m == mode]
        if kind:  # only these events need their data parsed
            chosen = [i for i in chosen if isinstance(data := events[i].data, dict) and data.get("event") == kind]
        offset = max(0, int(content.get("offset") or 0))
        limit = min(MAX_EVENTS_PAGE, max(1, int(content.get("limit") or 100)))
        page = []
        for i in chosen[offset:offset + limit]:
            e = events[i]
            page.append({"index": i, "event": e.event, "mode": e.mode, "namespace": list(e.namespace), "id": e.id,
                         "data": preview(redact_event_data(e.data, e.mode), limit=64 * 1024)})
        return {"events": page, "total": len(chosen), "offset": offset}


def _responses(waiting: list[Interrupt], value: Any) -> dict[str, tuple[list[str], Any]]:
    """The thread protocol's answers: interrupt id → (its namespace, the response)."""
    if not waiting:
        raise InvalidArgument("Nothing to resume: no interrupt is waiting for an answer.")
    if len(waiting) == 1:
        return {waiting[0]["id"]: (waiting[0]["namespace"], value)}
    ids = {i["id"] for i in waiting}
    if not (isinstance(value, dict) and set(value) == ids):
        raise InvalidArgument(f"{len(waiting)} interrupts wait for an answer: pass a dict mapping each of "
                              f"their ids ({', '.join(sorted(ids))}) to its answer.")
    return {i["id"]: (i["namespace"], value[i["id"]]) for i in waiting}
