"""Recorded event streams under tests/fixtures (re-record: scripts/record_fixtures.py)."""

from __future__ import annotations

import json
import pathlib

from lg_widgets import StreamEvent, parse_event

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
#: The names of the recorded streams, e.g. "joke_all_modes_threaded".
RECORDINGS = sorted(p.stem for p in FIXTURES.glob("*.jsonl"))


def load_recording(name: str) -> list[StreamEvent]:
    """A recorded event stream from tests/fixtures (see scripts/record_fixtures.py)."""
    events = []
    for line in (FIXTURES / f"{name}.jsonl").read_text().splitlines():
        raw = json.loads(line)
        events.append(parse_event(raw["event"], json.dumps(raw["data"]), raw.get("id"), raw.get("time", 0.0)))
    return events
