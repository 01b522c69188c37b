"""Where a view's events come from: a server run, a recording, a local compiled graph, a langgraph_sdk stream.

Each is an async iterator of ``StreamEvent`` with the same names and JSON data
the server would send, so the fold and the view don't know the difference.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import ssl
import time
from typing import Any, AsyncIterable, AsyncIterator, Iterable, Mapping

import orjson

from .client import LangGraphClient, RunRequest
from . import lifecycle
from .errors import InvalidArgument, MalformedStream
from .lifecycle import Lifecycle
from .protocol import DerivedEvent, StreamEvent, parse_event, split_event_name
from .threads.events import ThreadEvent
from .redact import redact_event_data
from .server import server_url

RECORDING_FORMAT = "lg_widgets.recording/1"


# a server run ---------------------------------------------------------------------


async def stream_run(assistant_id: str, input: Any = None, *, url: str | None = None,
                     api_key: str | None = None, headers: Mapping[str, str] | None = None,
                     verify: bool | str | os.PathLike | ssl.SSLContext | None = None,
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


# recordings -----------------------------------------------------------------
#
# One JSON object a line: a header, then every event with its offset in seconds from the
# first, and a lifecycle line where the view's next run (a resume, a fork in place) began:
#   {"format": "lg_widgets.recording/1", "assistant_id": "joke", "stream_mode": ["values"]}
#   {"event": "values|child:1f2e", "data": {...}, "id": "1712-0", "t": 0.0132}
#   {"lifecycle": "continue", "checkpoint_id": null}
#   {"derived": "tasks", "data": {...}, "t": 0.2}         (the thread protocol's step cards)
# A thread-protocol event also keeps its "namespace", "seq", "event_id", "timestamp" and "node".


def write_recording(path: str | os.PathLike, events: Iterable[StreamEvent], assistant_id: str,
                    stream_mode: list[str], continues: dict[int, str | None] | None = None,
                    protocol: str = "runs", derived: Iterable[tuple[int, StreamEvent]] = ()) -> int:
    """Write a recording; ``continues`` maps an event index to the checkpoint a fork in place ran
    from (None for a resume); ``derived``: (index, event) pairs of what the client folded in before
    event ``index`` (the thread protocol's step cards). Secrets in server bookkeeping are redacted.
    Returns the event count."""
    events = list(events)
    continues = continues or {}
    before: dict[int, list[StreamEvent]] = {}
    for index, event in derived:
        before.setdefault(index, []).append(event)
    first = events[0].time if events else 0.0
    header = {"format": RECORDING_FORMAT, "assistant_id": assistant_id, "stream_mode": stream_mode,
              "protocol": protocol}

    def line(record: dict) -> str:
        return json.dumps(record, ensure_ascii=False) + "\n"

    with open(path, "w", encoding="utf-8") as out:
        out.write(line(header))
        for index in range(len(events) + 1):
            if index in continues:
                out.write(line({"lifecycle": "continue", "checkpoint_id": continues[index]}))
            for made in before.get(index, ()):
                out.write(line({"derived": made.mode, "data": redact_event_data(made.data, made.mode),
                                "t": round(max(0.0, made.time - first), 6)}))
            if index < len(events):
                out.write(line(_event_record(events[index], first)))
    return len(events)


def _event_record(event: StreamEvent, first: float) -> dict[str, Any]:
    record = {"event": event.event, "data": redact_event_data(event.data, event.mode), "id": event.id,
              "t": round(event.time - first, 6)}
    if isinstance(event, ThreadEvent):  # the thread protocol names its namespace apart from the method
        record.update(namespace=list(event.namespace), seq=event.seq, event_id=event.event_id,
                      timestamp=event.timestamp, node=event.node)
    return record


def _line_event(line: dict[str, Any], at: float) -> StreamEvent | Lifecycle:
    if "lifecycle" in line:
        return _lifecycle(line)
    if "derived" in line:
        return DerivedEvent(line["derived"], line["derived"], (), line["data"], None, at)
    if "seq" in line:
        return ThreadEvent(line["event"], line["event"], tuple(line.get("namespace") or ()), line["data"],
                           line.get("id"), at, 0, None, line["seq"], line.get("event_id"), line.get("timestamp"),
                           line.get("node"))
    return _event(line["event"], line["data"], line.get("id"), at)


@dataclasses.dataclass
class Recording:
    """A recording read back: its header and its lines (events, lifecycle and derived lines)."""

    assistant_id: str
    stream_mode: list[str]
    lines: list[dict[str, Any]]
    protocol: str = "runs"

    def events(self) -> list[StreamEvent | Lifecycle]:
        """Every line as it folds, ``time`` = its offset; a runs-stream event keeps its JSON text."""
        return [parse_event(line["event"], json.dumps(line["data"]), line.get("id"), line["t"])
                if "event" in line and "seq" not in line else _line_event(line, line.get("t", 0.0))
                for line in self.lines]

    async def play(self, speed: float = 1.0) -> AsyncIterator[StreamEvent | Lifecycle]:
        """The lines with their original spacing divided by ``speed`` (0: as fast as possible)."""
        started = time.monotonic()
        for line in self.lines:
            if speed > 0 and "t" in line:
                delay = started + line["t"] / speed - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
            yield _line_event(line, started + line.get("t", 0.0))


def read_recording(path: str | os.PathLike) -> Recording:
    """A recording written by ``write_recording`` (``StreamView.save``)."""
    with open(path, encoding="utf-8") as source:
        # JSON Lines: only "\n" ends a line (str.splitlines also splits at U+2028, which JSON keeps raw).
        lines = [line for line in source.read().split("\n") if line.strip()]
    try:
        header = json.loads(lines[0]) if lines else {}
        records = [json.loads(line) for line in lines[1:]]
    except ValueError as exc:
        raise MalformedStream(f"{path} is not an lg_widgets recording (bad JSON line: {exc}).") from None
    if not isinstance(header, dict) or header.get("format") != RECORDING_FORMAT:
        raise MalformedStream(f"{path} is not an lg_widgets recording (expected format {RECORDING_FORMAT!r}).")
    if not all(isinstance(r, dict) and ("lifecycle" in r or (("event" in r or "derived" in r) and "t" in r))
               for r in records):
        raise MalformedStream(f"{path} is not an lg_widgets recording: every line after the header is an "
                              "event {event, data, id, t}, a derived event or a lifecycle line.")
    return Recording(header.get("assistant_id") or "recording", header.get("stream_mode") or ["values"], records,
                     header.get("protocol") or "runs")


def _lifecycle(line: dict[str, Any]) -> Lifecycle:
    if line["lifecycle"] != "continue":
        raise MalformedStream(f"Unknown lifecycle line in a recording: {line!r:.200}.")
    return lifecycle.continued(line.get("checkpoint_id"))


# a local compiled graph --------------------------------------------------------

#: What the server calls a mode → what ``graph.astream`` calls it.
_LOCAL_MODES = {"messages-tuple": "messages"}


async def graph_events(graph: Any, input: Any, stream_mode: list[str], config: dict | None = None,
                       context: Any = None, subgraphs: bool = False) -> AsyncIterator[StreamEvent]:
    """Run a compiled graph in this process with ``astream`` and yield server-shaped events."""
    unsupported = [m for m in stream_mode if m in ("events", "messages")]
    if unsupported:
        raise InvalidArgument(
            f"A local graph can't stream {unsupported} (server-only formats); use 'messages-tuple' for tokens."
        )
    modes = [_LOCAL_MODES.get(m, m) for m in stream_mode]
    kwargs: dict[str, Any] = {"stream_mode": modes, "subgraphs": subgraphs}
    if context is not None:
        kwargs["context"] = context
    try:
        async for item in graph.astream(input, config, **kwargs):
            namespace, mode, chunk = item if subgraphs else ((), *item)
            name = "|".join((mode, *namespace))
            yield _event(name, json.loads(orjson.dumps(chunk, default=_jsonable)), None, time.monotonic())
    except Exception as exc:  # the graph failed: an `error` event, as the server sends it
        yield _event("error", {"error": type(exc).__name__, "message": str(exc)}, None, time.monotonic())


def graph_drawing(graph: Any) -> dict:
    """A compiled graph's nodes and edges, shaped like the server's ``/assistants/{id}/graph``."""
    try:
        drawing = graph.get_graph(xray=True).to_json()
    except Exception:  # a graph that can't draw itself still streams
        return {}
    return {
        "nodes": [{"id": str(n["id"]), "data": {"name": str((n.get("data") or {}).get("name", n["id"]))
                                                if isinstance(n.get("data"), dict) else str(n["id"])}}
                  for n in drawing.get("nodes", [])],
        "edges": [{"source": str(e["source"]), "target": str(e["target"]), "conditional": bool(e.get("conditional"))}
                  for e in drawing.get("edges", [])],
    }


def _jsonable(value: Any) -> Any:
    """How the server serialises what graphs put in their streams (messages, interrupts, ...)."""
    if hasattr(value, "model_dump"):
        return value.model_dump()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, (set, frozenset)):
        return list(value)
    if hasattr(value, "_asdict"):
        return value._asdict()
    return repr(value)


# a langgraph_sdk stream ------------------------------------------------------


async def sdk_events(stream: AsyncIterable[Any]) -> AsyncIterator[StreamEvent]:
    """Wrap ``client.runs.stream(...)`` of langgraph_sdk (parts with ``.event`` and ``.data``)."""
    async for part in stream:
        yield _event(part.event, part.data, getattr(part, "id", None), time.monotonic())


def _event(name: str, data: Any, event_id: str | None, at: float) -> StreamEvent:
    mode, namespace = split_event_name(name or "message")
    return StreamEvent(name, mode, namespace, data, event_id, at, 0)
