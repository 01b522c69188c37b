"""Recorded thread-protocol streams under tests/fixtures/threads (re-record: scripts/record_thread_fixtures.py)."""

from __future__ import annotations

import json
import pathlib

from lg_widgets.threads import ThreadEvent, event_from_frame

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "threads"
#: The names of the recorded streams, e.g. "human_interrupt_resume".
THREAD_RECORDINGS = sorted(p.stem for p in FIXTURES.glob("*.jsonl"))


def thread_frames(name: str) -> list[dict]:
    """A recording's lines: each event as the server sent it, plus its arrival ``time``."""
    return [json.loads(line) for line in (FIXTURES / f"{name}.jsonl").read_text().splitlines()]


def load_thread_recording(name: str) -> list[ThreadEvent]:
    """A recorded run as the client yields it (``time``: seconds since its first event)."""
    return [event_from_frame(frame, frame["time"], len(json.dumps(frame))) for frame in thread_frames(name)]
