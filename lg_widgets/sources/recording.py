"""Recordings: one run (and the runs that continued it) as a file, played back with no server.

One format for every source and protocol (``lg_widgets.recording/1``), one JSON object a line:
a header, then every event with its offset in seconds from the first, a lifecycle line where the
view's next run (a resume, a fork in place) began, and what the client derived (the thread
protocol's step cards) where it folded it in::

    {"format": "lg_widgets.recording/1", "assistant_id": "joke", "stream_mode": ["values"], "protocol": "runs"}
    {"event": "values|child:1f2e", "data": {...}, "id": "1712-0", "t": 0.0132}
    {"lifecycle": "continue", "checkpoint_id": null}
    {"derived": "tasks", "data": {...}, "t": 0.2}

A thread-protocol event also keeps its ``namespace``, ``seq``, ``event_id``, ``timestamp`` and ``node``.
Lines are read as they play: a bad line ends the replay with ``MalformedStream`` after what came
before it, as a bad event from a server would.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import time
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Iterable, Iterator

from .. import lifecycle
from ..errors import InvalidArgument, MalformedStream
from ..lifecycle import Lifecycle
from ..protocol import DerivedEvent, StreamEvent, event_of, parse_event
from ..redact import redact_event_data
from ..threads.events import ThreadEvent
from .base import ProtocolName, Serverless

RECORDING_FORMAT = "lg_widgets.recording/1"


def write_recording(path: str | os.PathLike[str], events: Iterable[StreamEvent], assistant_id: str,
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
    with open(path, "w", encoding="utf-8") as out:
        out.write(_line(header))
        for index in range(len(events) + 1):
            if index in continues:
                out.write(_line({"lifecycle": "continue", "checkpoint_id": continues[index]}))
            for made in before.get(index, ()):
                out.write(_line({"derived": made.mode, "data": redact_event_data(made.data, made.mode),
                                 "t": round(max(0.0, made.time - first), 6)}))
            if index < len(events):
                out.write(_line(_event_record(events[index], first)))
    return len(events)


def _line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


def _event_record(event: StreamEvent, first: float) -> dict[str, Any]:
    record = {"event": event.event, "data": redact_event_data(event.data, event.mode), "id": event.id,
              "t": round(event.time - first, 6)}
    if isinstance(event, ThreadEvent):  # the thread protocol names its namespace apart from the method
        record.update(namespace=list(event.namespace), seq=event.seq, event_id=event.event_id,
                      timestamp=event.timestamp, node=event.node)
    return record


@dataclass
class Recording:
    """A recording read back: its header, and its lines (parsed when read)."""

    assistant_id: str
    stream_mode: list[str]
    lines: list[bytes] = field(repr=False)
    protocol: str = "runs"
    path: str = ""

    def records(self, keep_text: bool = False) -> Iterator[tuple[dict[str, Any], StreamEvent | Lifecycle]]:
        """Each line as ``(its JSON, what it folds as)``, checked as it comes; ``keep_text``: a
        runs-stream event keeps its data's JSON text, as one read from a server does."""
        for number, raw in enumerate(self.lines, start=2):
            yield _parse_line(raw, f"{self.path} line {number}", keep_text)

    def events(self) -> list[StreamEvent | Lifecycle]:
        """Every line as it folds, ``time`` = its offset; a runs-stream event keeps its JSON text."""
        return [event for _, event in self.records(keep_text=True)]

    async def play(self, speed: float = 1.0) -> AsyncIterator[StreamEvent | Lifecycle]:
        """The lines with their original spacing divided by ``speed`` (0: as fast as possible)."""
        started = time.monotonic()
        for record, event in self.records():
            offset = record.get("t")
            if speed > 0 and isinstance(offset, float | int):
                delay = started + offset / speed - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
            if not isinstance(event, Lifecycle):
                event.time = started + event.time
            yield event


def read_recording(path: str | os.PathLike[str]) -> Recording:
    """A recording written by ``write_recording`` (``StreamView.save``); its header is checked here,
    its lines when they are read."""
    try:
        with open(path, "rb") as source:
            # JSON Lines: only "\n" ends a line (str.splitlines also splits at U+2028, which JSON keeps raw).
            lines = [line for line in source.read().split(b"\n") if line.strip()]
    except OSError as exc:
        raise InvalidArgument(f"Can't read the recording {os.fspath(path)!r}: {exc.strerror or exc}.") from None
    where = os.fspath(path)
    try:
        header = json.loads(lines[0].decode("utf-8")) if lines else None
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedStream(f"{where} is not an lg_widgets recording (its first line is not JSON: {exc}).") from None
    if not isinstance(header, dict) or header.get("format") != RECORDING_FORMAT:
        raise MalformedStream(f"{where} is not an lg_widgets recording (expected a first line with "
                              f"\"format\": {RECORDING_FORMAT!r}).")
    modes = header.get("stream_mode") or ["values"]
    protocol = header.get("protocol") or "runs"
    if not (isinstance(modes, list) and all(isinstance(m, str) for m in modes)) or protocol not in ("runs", "threads"):
        raise MalformedStream(f"{where}: the header's stream_mode must be a list of names and its protocol "
                              f"'runs' or 'threads', got {modes!r} and {protocol!r}.")
    return Recording(str(header.get("assistant_id") or "recording"), modes, lines[1:], protocol, where)


def _parse_line(raw: bytes, where: str, keep_text: bool) -> tuple[dict[str, Any], StreamEvent | Lifecycle]:
    try:
        record = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedStream(f"{where} is not JSON ({exc}); what played before it is kept.") from None
    if not isinstance(record, dict):
        raise _bad(where, record)
    if "lifecycle" in record:
        checkpoint = record.get("checkpoint_id")
        if record["lifecycle"] != "continue" or not isinstance(checkpoint, (str, type(None))):
            raise _bad(where, record)
        return record, lifecycle.continued(checkpoint)
    t = record.get("t")
    if isinstance(t, bool) or not isinstance(t, (int, float)) or not math.isfinite(t):
        raise _bad(where, record)
    if "derived" in record and isinstance(record["derived"], str):
        mode = record["derived"]
        return record, DerivedEvent(mode, mode, (), record.get("data"), None, float(t))
    name, event_id = record.get("event"), record.get("id")
    if not isinstance(name, str) or not isinstance(event_id, (str, type(None))):
        raise _bad(where, record)
    if "seq" in record:
        return record, _thread_event(record, name, event_id, float(t), where)
    if keep_text:
        return record, parse_event(name, json.dumps(record.get("data")), event_id, float(t))
    return record, event_of(name, record.get("data"), event_id, float(t))


def _thread_event(record: dict[str, Any], name: str, event_id: str | None, t: float, where: str) -> ThreadEvent:
    seq, namespace = record["seq"], record.get("namespace") or []
    extras = (record.get("event_id"), record.get("node"))
    if (isinstance(seq, bool) or not isinstance(seq, int) or not isinstance(namespace, list)
            or not all(isinstance(part, str) for part in namespace)
            or not all(isinstance(x, (str, type(None))) for x in extras)
            or not isinstance(record.get("timestamp"), (int, type(None)))):
        raise _bad(where, record)
    return ThreadEvent(name, name, tuple(namespace), record.get("data"), event_id, t, 0, None, seq,
                       record.get("event_id"), record.get("timestamp"), record.get("node"))


def _bad(where: str, record: Any) -> MalformedStream:
    return MalformedStream(f"{where} is not a recording line (an event {{event, data, id, t}}, a derived event "
                           f"{{derived, data, t}} or a lifecycle line), got {json.dumps(record)[:200]}; what "
                           "played before it is kept.")


class RecordingSource(Serverless):
    """A recording played back (``RunSource``): the same events, in the same order, no server."""

    offline = "A replay has no server"

    def __init__(self, recording: Recording, speed: float = 1.0):
        if isinstance(speed, bool) or not isinstance(speed, (int, float)) or speed < 0:
            raise InvalidArgument(f"speed must be a number >= 0 (0: as fast as possible), got {speed!r}.")
        self.recording = recording
        self.speed = speed
        self.protocol: ProtocolName = "threads" if recording.protocol == "threads" else "runs"
        self.assistant_id = recording.assistant_id
        self.modes = list(recording.stream_mode)
        self.fold_modes: list[str] | None = self.modes

    def again(self) -> "RecordingSource":
        return RecordingSource(self.recording, self.speed)

    def events(self) -> AsyncIterator[StreamEvent | Lifecycle]:
        return self.recording.play(self.speed)
