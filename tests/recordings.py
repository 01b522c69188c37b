"""Recorded event streams under tests/fixtures (re-record: scripts/record_fixtures.py).

Each is a recording as ``StreamView.save()`` writes it; a multi-run one (a resume, a fork in
place) holds a ``Lifecycle("continue")`` where its next run began.
"""

from __future__ import annotations

import pathlib

from lg_widgets.lifecycle import Lifecycle
from lg_widgets.protocol import StreamEvent
from lg_widgets.sources import read_recording

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
#: The names of the recorded streams, e.g. "joke_all_modes_threaded".
RECORDINGS = sorted(p.stem for p in FIXTURES.glob("*.jsonl"))
#: Runs-stream recordings of one run each (no lifecycle line; the thread protocol's have their own tests).
SINGLE_RUN = [name for name in RECORDINGS if read_recording(FIXTURES / f"{name}.jsonl").protocol == "runs"
              and not any('{"lifecycle":' in line for line in (FIXTURES / f"{name}.jsonl").read_text().splitlines())]


def load_recording(name: str) -> list[StreamEvent | Lifecycle]:
    """A recording's events, ``time`` being each one's offset from the first."""
    return read_recording(FIXTURES / f"{name}.jsonl").events()


def load_events(name: str) -> list[StreamEvent]:
    """Only the server's events of a recording."""
    return [e for e in load_recording(name) if isinstance(e, StreamEvent)]
