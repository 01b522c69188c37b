"""Shared fixtures: one real ``langgraph dev`` per test session, on a free port.

Under ``make test-deploy`` (``LGW_TEST_DEPLOYMENT=<its venv>``) the ``server`` the
integration tests talk to is a deployment instead: two ``langgraph-api`` processes
on Postgres and Redis behind nginx (tests/deployment.py). ``LGW_TEST_SERVER_URL``
points them at any running server with the demo graphs.
"""

from __future__ import annotations

import os
import pathlib
import types

import pytest

import recording_comm
import lg_widgets

TEST_GRAPHS = pathlib.Path(__file__).parent / "graphs" / "langgraph.json"
AUTH_GRAPHS = pathlib.Path(__file__).parent / "auth" / "langgraph.json"


@pytest.fixture(scope="session")
def server(request):
    """The server with the packaged demo graphs: the embedded one, unless the environment names another."""
    if os.environ.get("LGW_TEST_SERVER_URL"):
        return types.SimpleNamespace(url=os.environ["LGW_TEST_SERVER_URL"].rstrip("/"))
    if os.environ.get("LGW_TEST_DEPLOYMENT"):
        return request.getfixturevalue("deployment")
    return lg_widgets.local_server()


@pytest.fixture(scope="session")
def deployment():
    """The deployment-shaped server (tests/deployment.py), from the venv that LGW_TEST_DEPLOYMENT names."""
    from deployment import Deployment

    venv = os.environ.get("LGW_TEST_DEPLOYMENT")
    if not venv:
        pytest.fail("These tests need the deployment: run `make test-deploy`.")
    with Deployment(venv) as running:
        yield running


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
