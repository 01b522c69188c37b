"""Shared fixtures, and the tiers of the suite.

Tiers are markers (registered in pyproject.toml, ``--strict-markers``):

- unmarked: no server, no browser. ``make check`` runs them (with the JS units and mypy).
- ``server``: talks to a real ``langgraph dev`` (``QuickPollServer``: runs wait 0.5 s to start, not
  0.5-1 s). The servers start once per process, so once per xdist worker (``make test`` runs this
  tier with ``-n 5``). A test reaches them through
  the ``server``, ``test_graphs_server`` and ``auth_server`` fixtures, which refuse a test
  without the marker; after each server test every run still queued or running on them is
  cancelled, and the test ends when their worker is idle again: no test sees another's leftovers.
- ``browser`` (Chromium; tests/browser), ``notebooks`` (nbval, given to every notebook cell),
  ``deploy`` (Postgres + Redis: ``make test-deploy``), ``bench`` (asserts bounds on time:
  run alone, never beside other tests), ``soak`` (minutes: hundreds of runs and exits, fuzzing at
  length; ``make soak``, never in ``make test``).

Each tier has its own per-test timeout (``TIER_TIMEOUTS``; unmarked tests: pyproject's).
``long`` is no tier: it marks a test of ten seconds or more, which collection puts first so that
xdist's workers end together.

Under ``make test-deploy`` (``LGW_TEST_DEPLOYMENT=<its venv>``) the ``server`` the
server tests talk to is a deployment instead: two ``langgraph-api`` processes
on Postgres and Redis behind nginx (tests/deployment.py), one per xdist worker. ``LGW_TEST_SERVER_URL``
points them at any running server with the demo graphs (never drained: not ours).
"""

from __future__ import annotations

import os
import pathlib
import sys
import types

import pytest
from hypothesis import settings

import recording_comm
from lg_widgets.server import DEMO_CONFIG, LocalServer, free_port
from drain import drain

# Hypothesis: a few hundred examples per property in the unit tier, 10,000 under `make soak`.
# No example database: nothing written into the tree (a failure prints its example to paste as @example).
settings.register_profile("unit", max_examples=200, deadline=None, database=None)
settings.register_profile("soak", max_examples=10_000, deadline=None, database=None)
settings.load_profile(os.environ.get("LGW_HYPOTHESIS_PROFILE", "unit"))

TEST_GRAPHS = pathlib.Path(__file__).parent / "graphs" / "langgraph.json"
AUTH_GRAPHS = pathlib.Path(__file__).parent / "auth" / "langgraph.json"

#: Seconds a test may take, setup and teardown included, by tier (the first marker found wins).
TIER_TIMEOUTS = {"soak": 3600, "deploy": 300, "browser": 180, "notebooks": 180, "server": 180, "bench": 180}
#: Fixtures that start or reach a real server: a test that uses one (even indirectly) needs ``server``.
SERVER_FIXTURES = {"server", "test_graphs_server", "auth_server", "deployment", "demo_server_process",
                   "test_graphs_server_process", "auth_server_process"}


# ------------------------------------------------------------------ tiers


def pytest_collection_modifyitems(items):
    # The tests marked `long` go first (a stable sort: the rest keep their order), so that xdist's
    # workers end together, the short tests filling in behind them (the browser tier: --dist worksteal).
    items.sort(key=lambda item: item.get_closest_marker("long") is None)
    for item in items:
        if type(item).__module__.startswith("nbval"):
            item.add_marker(pytest.mark.notebooks)
        if item.get_closest_marker("timeout") is None:
            tier = next((name for name in TIER_TIMEOUTS if item.get_closest_marker(name)), None)
            if tier is not None:
                item.add_marker(pytest.mark.timeout(TIER_TIMEOUTS[tier]))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    reached = sorted(SERVER_FIXTURES & set(getattr(item, "fixturenames", ())))
    if reached and item.get_closest_marker("server") is None:
        pytest.fail(f"{item.nodeid} uses {', '.join(reached)} but is not marked `server`: "
                    "mark it (pytest.mark.server) so that `make check` leaves it out.", pytrace=False)


def _require_server_marker(request: pytest.FixtureRequest) -> None:
    """The same check, for a fixture asked for by name while the test runs (request.getfixturevalue)."""
    if request.node.get_closest_marker("server") is None:
        pytest.fail(f"{request.node.nodeid} reaches `{request.fixturename}` but is not marked `server`.",
                    pytrace=False)


@pytest.fixture(autouse=True)
def _no_server_starts_outside_the_server_tier(request, monkeypatch):
    """An unmarked test that would start a ``langgraph dev`` of its own (local_server, a StreamView
    with no url) fails at once instead."""
    if request.node.get_closest_marker("server") is None:
        def refuse(self, *args, **kwargs):
            pytest.fail(f"{request.node.nodeid} starts a langgraph dev server but is not marked `server`.",
                        pytrace=False)

        monkeypatch.setattr(LocalServer, "start", refuse)


# ------------------------------------------------------------------ servers (one of each per process)


class QuickPollServer(LocalServer):
    """The real ``langgraph dev``, whose idle run queue starts a run 0.5 s after it was created
    instead of 0.5-1 s (tests/quick_poll_server.py): the server tier's runs wait a third less."""

    cli = (sys.executable, str(pathlib.Path(__file__).parent / "quick_poll_server.py"))


def quick_poll_server(config: pathlib.Path):
    server = QuickPollServer(config, free_port()).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def demo_server_process(request):
    """The server with the packaged demo graphs (quick poll), unless the environment names another."""
    if os.environ.get("LGW_TEST_SERVER_URL"):
        yield types.SimpleNamespace(url=os.environ["LGW_TEST_SERVER_URL"].rstrip("/"), external=True)
    elif os.environ.get("LGW_TEST_DEPLOYMENT"):
        yield request.getfixturevalue("deployment")
    else:
        yield from quick_poll_server(DEMO_CONFIG)


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
def test_graphs_server_process():
    """A second server with the test-only graphs (hostile strings, nesting, content blocks)."""
    yield from quick_poll_server(TEST_GRAPHS)


@pytest.fixture(scope="session")
def auth_server_process():
    """A third server whose langgraph.json sets custom auth: bearer tokens, per-user threads (tests/auth)."""
    yield from quick_poll_server(AUTH_GRAPHS)


def _drained(request: pytest.FixtureRequest, process_fixture: str, tokens: tuple[str | None, ...] = (None,)):
    _require_server_marker(request)
    running = request.getfixturevalue(process_fixture)
    yield running
    drain(running, tokens)


@pytest.fixture
def server(request):
    """The demo graphs' server, for a test marked ``server``; the runs the test leaves are stopped after it."""
    yield from _drained(request, "demo_server_process")


@pytest.fixture
def test_graphs_server(request):
    """The test graphs' server (see ``test_graphs_server_process``), drained after the test."""
    yield from _drained(request, "test_graphs_server_process")


@pytest.fixture
def auth_server(request):
    """The custom-auth server, drained after the test (a cancel names its user: one per test token)."""
    from auth.auth import TOKENS

    yield from _drained(request, "auth_server_process", tuple(TOKENS))


# ------------------------------------------------------------------ others


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
