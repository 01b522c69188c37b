"""``StreamView``: a LangGraph run, live in a notebook.

The run streams on a background event loop (``_background``); each event is
folded into a ``RunState``; every ``FRAME`` seconds the changes go to the
front end as one ``delta`` message; when the run ends the full values are set
on the synced traits, which is what a saved notebook and a reloaded page show.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import json
import logging
import os
import pathlib
from typing import Any, AsyncIterable

import anywidget
import traitlets as t

from . import _background, saved_page, sources
from .client import LangGraphClient, RunRequest, RunStream, normalize_stream_mode, resolve_url
from .errors import InvalidArgument, LGWidgetsError, RunCancelled, RunError
from .eventlog import EventLog
from .protocol import StreamEvent
from .redact import redact_event_data
from .state import RunState
from .sync import diffs_to_json, json_bytes, messages_to_json, preview, shape_delta, shape_snapshot
from .transcript import as_html, as_text

_STATIC = pathlib.Path(__file__).parent / "static"
_log = logging.getLogger(__name__)

#: Seconds between two deltas sent to the front end while a run streams.
FRAME = 0.05
#: What a view streams unless told otherwise: tokens, one card per step, and the state.
DEFAULT_STREAM_MODE = ("messages-tuple", "debug", "values")
#: Largest page of raw events the front end may ask for at once.
MAX_EVENTS_PAGE = 500

LIVE_STATUSES = ("connecting", "running")


class StreamView(anywidget.AnyWidget):
    """Start a LangGraph run and show it live: tokens, step cards, state diffs, events."""

    _esm = _STATIC / "widget.js"
    _css = _STATIC / "widget.css"

    assistant_id = t.Unicode("").tag(sync=True)
    stream_mode = t.List(t.Unicode()).tag(sync=True)
    status = t.Unicode("idle").tag(sync=True)
    run_id = t.Unicode("").tag(sync=True)
    thread_id = t.Unicode("").tag(sync=True)
    text = t.Unicode("").tag(sync=True)
    segments = t.List().tag(sync=True)
    messages = t.List().tag(sync=True, to_json=messages_to_json)
    steps = t.List().tag(sync=True)
    checkpoints = t.List().tag(sync=True)
    state = t.Any({}).tag(sync=True)
    diffs = t.List().tag(sync=True, to_json=diffs_to_json)
    custom = t.List().tag(sync=True)
    interrupts = t.List().tag(sync=True)
    error = t.Dict(allow_none=True, default_value=None).tag(sync=True)
    counts = t.Dict().tag(sync=True)
    event_kinds = t.Dict().tag(sync=True)
    current_node = t.Unicode("").tag(sync=True)
    event_count = t.Int(0).tag(sync=True)
    duration = t.Float(0.0).tag(sync=True)
    #: the assistant's graph ({nodes, edges}, from GET /assistants/{id}/graph?xray=true), {} if unknown
    graph = t.Dict().tag(sync=True)
    #: where this view forked within itself: [{checkpoint_id, steps_before, events_before}]
    branches = t.List().tag(sync=True)

    def __init__(self, assistant_id: str, input: Any = None, *, stream_mode: str | list[str] | None = None,
                 url: str | None = None, api_key: str | None = None, thread_id: str | None = None,
                 config: dict | None = None, context: dict | None = None, stream_subgraphs: bool = False,
                 **run_options: Any):
        modes = normalize_stream_mode(list(DEFAULT_STREAM_MODE) if stream_mode is None else stream_mode)
        # Validate everything before a widget exists, so a typo fails at once.
        request = RunRequest(
            assistant_id, input, stream_mode=modes, config=config, context=context,
            stream_subgraphs=stream_subgraphs, thread_id=thread_id, **run_options,
        )
        self._init(request, url, api_key)

    def _init(self, request: RunRequest, url: str | None, api_key: str | None) -> None:
        self._request = request
        super().__init__(assistant_id=request.assistant_id, stream_mode=request.modes)
        self._url = url
        self._api_key = api_key  # a plain attribute: never a trait, never synced or saved
        self.forked_from: str | None = None
        self._source_factory = None
        #: every event of the run (parsed again from its JSON text when read: see EventLog)
        self.events = EventLog()
        self._run_state = RunState(request.modes)
        self._future: concurrent.futures.Future | None = None
        self._stream: RunStream | None = None
        self._task: asyncio.Task | None = None
        self._cancelling = False
        self._exception: BaseException | None = None
        self._seq = 0
        self.on_msg(self._on_front_end_message)

    # ------------------------------------------------------------- public API

    def __repr__(self) -> str:
        return (f"StreamView({self.assistant_id!r}, status={self.status!r}, "
                f"events={self.event_count}, steps={len(self.steps)})")

    def _repr_mimebundle_(self, **kwargs: Any):
        bundle = super()._repr_mimebundle_(**kwargs)
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        data = {**data, "text/plain": as_text(self), "text/html": as_html(self)}
        return data, metadata

    @property
    def running(self) -> bool:
        future = getattr(self, "_future", None)  # None too when __init__ failed validation
        return future is not None and not future.done()

    def start(self) -> "StreamView":
        """Start the run in the background and return at once."""
        return self._launch(self._request, self._source_factory() if self._source_factory else None)

    # other sources, same view --------------------------------------------------

    def save(self, path: str | os.PathLike) -> int:
        """Write every received event (with its arrival offset) to a JSON-lines file; returns the count.

        ``StreamView.replay(path)`` plays it back with no server. Secrets in the
        server's config/metadata are redacted; the API key is never in an event.
        """
        header = {"assistant_id": self.assistant_id, "stream_mode": list(self.stream_mode)}
        return sources.write_recording(path, self.events, header)

    def to_html(self, path: str | os.PathLike) -> pathlib.Path:
        """Write the run as one self-contained HTML file: the real front end, inlined, showing the final traits.

        It opens offline in any browser: no CDN, no kernel, no server address, no api key.
        """
        if self.running:
            raise InvalidArgument("The run is still live: write it once it has ended (`await view.wait()`).")
        return saved_page.write_view(self, path)

    @classmethod
    def replay(cls, path: str | os.PathLike, speed: float = 1.0) -> "StreamView":
        """A view that plays a recording (``view.save``) at ``speed`` × its pace (0: at once). Call ``run()``/``start()``."""
        header, records = sources.read_recording(path)
        view = cls._with_source(header.get("assistant_id") or "recording", header.get("stream_mode") or ["values"],
                                lambda: sources.replay_events(records, speed))
        return view

    @classmethod
    def from_graph(cls, graph: Any, input: Any = None, *, stream_mode: str | list[str] | None = None,
                   config: dict | None = None, context: Any = None, stream_subgraphs: bool = False) -> "StreamView":
        """A view of a compiled graph run in this kernel with its own ``astream`` (no server)."""
        modes = normalize_stream_mode(["messages-tuple", "debug", "values"] if stream_mode is None else stream_mode)
        name = getattr(graph, "name", None) or "graph"
        view = cls._with_source(name, modes, lambda: sources.graph_events(
            graph, input, modes, config=config, context=context, subgraphs=stream_subgraphs))
        view.graph = sources.graph_drawing(graph)
        return view

    @classmethod
    def from_sdk(cls, stream: Any, *, assistant_id: str = "sdk", stream_mode: str | list[str] | None = None) -> "StreamView":
        """A view of an existing ``langgraph_sdk`` ``client.runs.stream(...)`` iterator (used once)."""
        modes = normalize_stream_mode(stream_mode or list(DEFAULT_STREAM_MODE))
        return cls._with_source(assistant_id, modes, lambda: sources.sdk_events(stream))

    @classmethod
    def _with_source(cls, assistant_id: str, modes: list[str], factory) -> "StreamView":
        view = cls.__new__(cls)
        view._init(RunRequest(assistant_id, None, stream_mode=modes), None, None)
        view._source_factory = factory
        return view

    async def wait(self) -> "StreamView":
        """Wait until the run ends. Raises the run's error (partial output stays on the view)."""
        if self._future is not None:
            await asyncio.wrap_future(self._future)
        self._raise_if_failed()
        return self

    def run(self) -> "StreamView":
        """Start the run and block until it ends (a notebook cell or a plain script)."""
        if _background.in_background_thread():
            raise InvalidArgument("run() blocks; inside the lg_widgets loop use `await view.wait()`.")
        self.start()
        return self._finish_blocking()

    def _finish_blocking(self) -> "StreamView":
        self._future.result()
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
                self._future.result(timeout)
            except concurrent.futures.CancelledError:
                pass
        return self

    def resume(self, value: Any = None, *, wait: bool = False) -> "StreamView":
        """Answer the interrupt: a new run on the same thread with ``command={"resume": value}``.

        Its output goes into this view (the text grows, the steps go on).
        ``wait=True`` blocks until it ends, like ``run()``.
        """
        if self.running:
            raise InvalidArgument("The run is still live: resume it once it stops on its interrupt.")
        if not self.thread_id:
            raise InvalidArgument("Only a threaded run can be resumed: create the view with thread_id='new'.")
        if self.status != "interrupted":
            raise InvalidArgument(f"Nothing to resume: the run is {self.status!r}, not 'interrupted'.")
        # interrupt(...) waits for a value; interrupt_before/after only for the run to go on.
        waiting_for_value = any(not i["resolved"] for i in self.interrupts)
        request = dataclasses.replace(self._request, input=None,
                                      command={"resume": value} if waiting_for_value else None,
                                      thread_id=self.thread_id, checkpoint_id=None)
        self._launch(request, continue_view=True)
        return self._finish_blocking() if wait else self

    def history(self, limit: int = 100) -> list[dict]:
        """The thread's checkpoints, newest first (``POST /threads/{id}/history``)."""
        if not self.thread_id:
            raise InvalidArgument("A stateless run has no history: create the view with thread_id='new'.")
        return _background.submit(self._request_json(
            "POST", f"/threads/{self.thread_id}/history", {"limit": limit})).result()

    def fork(self, checkpoint_id: str, input: Any = None, *, update: dict | None = None,
             wait: bool = False, in_place: bool = False) -> "StreamView":
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
            written = _background.submit(self._request_json(
                "POST", f"/threads/{self.thread_id}/state", {"values": update, "checkpoint_id": checkpoint_id})).result()
            checkpoint_id = written["checkpoint"]["checkpoint_id"]
        request = dataclasses.replace(self._request, input=input, command=None,
                                      thread_id=self.thread_id, checkpoint_id=checkpoint_id)
        if in_place:
            self.branches = [*self.branches, {"checkpoint_id": checkpoint_id, "steps_before": len(self.steps),
                                              "events_before": len(self.events)}]
            self._launch(request, continue_view=True)
            return self._finish_blocking() if wait else self
        view = StreamView.__new__(StreamView)
        view._init(request, self._url, self._api_key)
        view.forked_from = checkpoint_id
        view._launch(request)
        return view._finish_blocking() if wait else view

    async def _request_json(self, method: str, path: str, body: Any) -> Any:
        url = await asyncio.to_thread(resolve_url, self._url)
        async with LangGraphClient(url, self._api_key) as client:
            return await client.request_json(method, path, body)

    def text_for(self, node=None, tag=None, namespace=None) -> str:
        """The token text of chosen nodes, LLM call tags or subgraph namespace (see RunState.text_for)."""
        return self._run_state.text_for(node=node, tag=tag, namespace=namespace)

    @property
    def run_state(self) -> RunState:
        return self._run_state

    def close(self) -> None:
        if self.running:
            try:
                self.cancel(timeout=5.0)
            except Exception:  # closing must not fail because the server is gone
                pass
        super().close()

    # ---------------------------------------------------------------- running

    def _launch(self, request: RunRequest, source: AsyncIterable[StreamEvent] | None = None,
                continue_view: bool = False) -> "StreamView":
        if self.running:
            raise InvalidArgument("This view is already running; wait for it or cancel() it first.")
        if continue_view:
            self._run_state.continue_run()
        else:
            self.events = EventLog()
            self._run_state = RunState(request.modes)
            self._run_state.set_status("connecting")
        self._exception = None
        self._cancelling = False
        self._stream = None
        self._publish(final=False)
        self._future = _background.submit(self._stream_run(request, source))
        return self

    async def _stream_run(self, request: RunRequest, source: AsyncIterable[StreamEvent] | None) -> None:
        state = self._run_state
        self._task = asyncio.current_task()
        flusher = asyncio.ensure_future(self._flush_every_frame(state))
        graph_task: asyncio.Future | None = None
        client = None
        try:
            if source is None:
                url = await asyncio.to_thread(resolve_url, self._url)
                client = LangGraphClient(url, self._api_key)
                if not self.graph:  # beside the run, not before it: the drawing must not delay tokens
                    graph_task = asyncio.ensure_future(self._load_graph(client, request.assistant_id))
                self._stream = source = client.stream(request)
                state.set_ids(thread_id=await self._stream.start_thread())
            async for event in source:
                self.events.append(event)
                state.apply(event)
            if self._cancelling:  # the server closed the stream because we asked it to
                self._mark_cancelled(state)
            elif state.error is not None and state.status == "error":
                self._exception = RunError(state.error["type"], state.error["message"])
            else:
                state.finish()
        except asyncio.CancelledError:
            self._mark_cancelled(state)
        except LGWidgetsError as exc:
            self._exception = exc
            state.fail(exc.to_dict())
        except Exception as exc:  # a bug or an unexpected library error: show it, keep the output
            self._exception = exc
            state.fail({"type": type(exc).__name__, "message": str(exc), "kind": "internal"})
        finally:
            flusher.cancel()
            if graph_task is not None:  # a short run may end before its drawing arrives
                await asyncio.wait([graph_task], timeout=5.0)
                graph_task.cancel()
            if client is not None:
                await client.aclose()
            if self._stream is not None:  # the metadata event names the run too; this covers a stream without one
                state.set_ids(run_id=self._stream.run_id)
            state.take_changes()  # the final traits carry everything from here on
            self._publish(final=True)

    async def _load_graph(self, client: LangGraphClient, assistant_id: str) -> None:
        """The assistant's drawable graph; left empty when the server can't say (the view works without it)."""
        try:
            graph = await client.request_json("GET", f"/assistants/{assistant_id}/graph?xray=true")
        except LGWidgetsError:
            return
        if isinstance(graph, dict) and isinstance(graph.get("nodes"), list):
            self.graph = graph

    async def _flush_every_frame(self, state: RunState) -> None:
        while True:
            await asyncio.sleep(FRAME)
            try:
                self._flush(state)
            except Exception:  # a bug must not stop the live view; the final traits still come
                _log.exception("lg_widgets: a live update of the view failed")

    def _flush(self, state: RunState) -> None:
        """Send what changed since the last frame (on the run's loop, between two events)."""
        delta = state.take_changes()
        if delta:
            self._seq += 1
            self.send({"type": "delta", "seq": self._seq, **shape_delta(delta)})

    def _send_snapshot(self) -> None:
        """Everything so far, for a view that attached mid-run (on the run's loop, between two events).

        The pending changes go out first as a delta of their own: the snapshot, with
        that delta's seq, already holds them, and the views that had the last delta need them.
        """
        if not self.running:
            return  # ended meanwhile: the final traits hold everything
        self._flush(self._run_state)
        self.send({"type": "snapshot", "seq": self._seq, "data": shape_snapshot(self._run_state.to_dict())})

    async def _cancel(self) -> None:
        self._cancelling = True
        stream = self._stream
        task = self._task
        try:
            if stream is not None:
                await stream.cancel()
        except LGWidgetsError:
            pass  # the run may have ended on its own; the local task is cancelled below anyway
        finally:
            if task is not None:
                task.cancel()

    def _mark_cancelled(self, state: RunState) -> None:
        error = RunCancelled("The run was cancelled; output received before the cancel is kept.")
        self._exception = error
        state.fail(error.to_dict(), status="cancelled")

    def _raise_if_failed(self) -> None:
        if self._exception is not None:
            raise self._exception

    def _publish(self, final: bool) -> None:
        """Set every synced trait from the fold, in one comm message.

        Before a run the traits take a copy: the fold goes on changing its own lists, and
        a trait holding them would compare equal to their final value and never be sent.
        At the end they take the fold's own data, which the fold no longer changes
        (``RunState.continue_run`` works on copies): no copy of a whole run.
        """
        data = self._run_state.to_dict()
        if not final:
            data = json.loads(json_bytes(data))
        with self.hold_sync():
            for name, value in data.items():
                setattr(self, name, value)

    # ----------------------------------------------------- front-end messages

    def _on_front_end_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        request_id = content.get("request_id")
        try:
            if kind == "hello":
                if self.running:
                    _background.loop().call_soon_threadsafe(self._send_snapshot)
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
                         "data": preview(redact_event_data(e.data), limit=64 * 1024)})
        return {"events": page, "total": len(chosen), "offset": offset}


