"""Recorded thread-protocol streams under tests/fixtures/threads, in the one recording format
(``lg_widgets.recording/1``, what ``StreamView.save`` writes; re-record: scripts/record_thread_fixtures.py)."""

from __future__ import annotations

import pathlib
from typing import Any

from lg_widgets.sources import read_recording
from lg_widgets.threads import ThreadEvent

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "threads"
#: The names of the recorded streams, e.g. "human_interrupt_resume".
THREAD_RECORDINGS = sorted(p.stem for p in FIXTURES.glob("*.jsonl"))


def load_thread_recording(name: str) -> list[ThreadEvent]:
    """A recorded run as the client yields it (``time``: seconds since its first event)."""
    events = [event for event in read_recording(FIXTURES / f"{name}.jsonl").events()]
    assert all(isinstance(event, ThreadEvent) for event in events)
    return events  # type: ignore[return-value]


def thread_frames(name: str) -> list[dict[str, Any]]:
    """A recording's events as the server sent them (frames), plus each one's arrival ``time``."""
    frames = []
    for record, _ in read_recording(FIXTURES / f"{name}.jsonl").records():
        params = {"namespace": record["namespace"], "timestamp": record["timestamp"], "data": record["data"]}
        if record.get("node") is not None:
            params["node"] = record["node"]
        frames.append({"type": "event", "event_id": record["event_id"], "seq": record["seq"],
                       "method": record["event"], "params": params, "time": record["t"]})
    return frames
