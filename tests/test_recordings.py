"""One recording format: every fixture replays, whichever protocol recorded it (no server)."""

from __future__ import annotations

import pathlib

import pytest

from lg_widgets import LGWidgetsError, RunState, StreamView
from lg_widgets.sources import read_recording

FIXTURES = pathlib.Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("path", sorted(FIXTURES.rglob("*.jsonl")), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_every_fixture_is_a_recording_that_replays(path, comms):
    """One recording format: every fixture, runs stream and thread protocol alike, is what
    StreamView.save writes and StreamView.replay plays, to the same fold as its events give."""
    recording = read_recording(path)
    view = StreamView.replay(path, speed=0)
    try:
        view.run()
    except LGWidgetsError:
        pass  # a recording of a failed run replays its error
    expected = RunState(recording.stream_mode, recording.protocol).apply_all(recording.events()).finish()
    assert view.protocol == recording.protocol and view.event_count == expected.event_count > 0
    assert (view.status, view.text, view.steps) == (expected.status, expected.text, expected.steps)
