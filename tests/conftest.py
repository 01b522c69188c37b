"""Shared fixtures: one real ``langgraph dev`` per test session, on a free port."""

from __future__ import annotations

import json
import pathlib

import pytest

import recording_comm
import lg_widgets
from lg_widgets import StreamEvent, parse_event

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
TEST_GRAPHS = pathlib.Path(__file__).parent / "graphs" / "langgraph.json"


@pytest.fixture(scope="session")
def server():
    """The embedded server with the packaged demo graphs."""
    return lg_widgets.local_server()


@pytest.fixture(scope="session")
def test_graphs_server():
    """A second server with the test-only graphs (hostile strings, nesting, content blocks)."""
    return lg_widgets.local_server(TEST_GRAPHS)


@pytest.fixture
def comms():
    """Widgets created in the test talk to RecordingComms (see recording_comm.py)."""
    undo = recording_comm.install()
    recording_comm.RecordingComm.instances.clear()
    yield recording_comm.RecordingComm
    undo()


def load_recording(name: str) -> list[StreamEvent]:
    """A recorded event stream from tests/fixtures (see scripts/record_fixtures.py)."""
    events = []
    for line in (FIXTURES / f"{name}.jsonl").read_text().splitlines():
        raw = json.loads(line)
        events.append(parse_event(raw["event"], json.dumps(raw["data"]), raw.get("id"), raw.get("time", 0.0)))
    return events


@pytest.fixture
def unused_port():
    """A loopback port nothing listens on."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
