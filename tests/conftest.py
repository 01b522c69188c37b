"""Shared fixtures: one real ``langgraph dev`` per test session, on a free port."""

from __future__ import annotations

import pathlib

import pytest

import recording_comm
import lg_widgets

TEST_GRAPHS = pathlib.Path(__file__).parent / "graphs" / "langgraph.json"
AUTH_GRAPHS = pathlib.Path(__file__).parent / "auth" / "langgraph.json"


@pytest.fixture(scope="session")
def server():
    """The embedded server with the packaged demo graphs."""
    return lg_widgets.local_server()


@pytest.fixture(scope="session")
def test_graphs_server():
    """A second server with the test-only graphs (hostile strings, nesting, content blocks)."""
    return lg_widgets.local_server(TEST_GRAPHS)


@pytest.fixture(scope="session")
def auth_server():
    """A third server whose langgraph.json sets custom auth: bearer tokens, per-user threads (tests/auth)."""
    return lg_widgets.local_server(AUTH_GRAPHS)


@pytest.fixture
def comms():
    """Widgets created in the test talk to RecordingComms (see recording_comm.py)."""
    undo = recording_comm.install()
    recording_comm.RecordingComm.instances.clear()
    yield recording_comm.RecordingComm
    undo()


@pytest.fixture
def unused_port():
    """A loopback port nothing listens on."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
