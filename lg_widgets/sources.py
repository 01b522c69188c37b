"""Event sources other than the HTTP client: a recording, a local compiled graph, a langgraph_sdk stream.

Each is an async iterator of ``StreamEvent`` with the same names and JSON data
the server would send, so the fold and the view don't know the difference.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import time
from typing import Any, AsyncIterable, AsyncIterator, Iterable

import orjson

from .errors import InvalidArgument, MalformedStream
from .protocol import StreamEvent, split_event_name
from .redact import redact_event_data

RECORDING_FORMAT = "lg_widgets.recording/1"


# recordings -----------------------------------------------------------------


def write_recording(path: str | os.PathLike, events: Iterable[StreamEvent], header: dict[str, Any]) -> int:
    """Write events as JSON lines (a header line first); secrets in server bookkeeping are redacted."""
    events = list(events)
    first = events[0].time if events else 0.0
    with open(path, "w", encoding="utf-8") as out:
        out.write(json.dumps({"format": RECORDING_FORMAT, **header}) + "\n")
        for event in events:
            out.write(json.dumps({"event": event.event, "data": redact_event_data(event.data), "id": event.id,
                                  "t": round(event.time - first, 6)}, ensure_ascii=False) + "\n")
    return len(events)


def read_recording(path: str | os.PathLike) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The header and the event records of a recording written by ``write_recording``."""
    with open(path, encoding="utf-8") as source:
        lines = [line for line in source.read().splitlines() if line.strip()]
    try:
        header = json.loads(lines[0]) if lines else {}
        records = [json.loads(line) for line in lines[1:]]
    except ValueError as exc:
        raise MalformedStream(f"{path} is not an lg_widgets recording (bad JSON line: {exc}).") from None
    if header.get("format") != RECORDING_FORMAT:
        raise MalformedStream(f"{path} is not an lg_widgets recording (expected format {RECORDING_FORMAT!r}).")
    return header, records


async def replay_events(records: list[dict[str, Any]], speed: float = 1.0) -> AsyncIterator[StreamEvent]:
    """Play recorded events with their original spacing divided by ``speed`` (0: as fast as possible)."""
    started = time.monotonic()
    for record in records:
        if speed > 0:
            delay = started + record["t"] / speed - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        yield _event(record["event"], record["data"], record.get("id"), started + record["t"])


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
    async for item in graph.astream(input, config, **kwargs):
        namespace, mode, chunk = item if subgraphs else ((), *item)
        name = "|".join((mode, *namespace))
        yield _event(name, json.loads(orjson.dumps(chunk, default=_jsonable)), None, time.monotonic())


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
    if dataclasses.is_dataclass(value):
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
