"""The embedded server: free port, reuse, start errors with the server's log, clean stop."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

import httpx
import pytest

import lg_widgets
from lg_widgets import InvalidArgument, ServerStartError, StreamView
from waiting import wait_until

pytestmark = pytest.mark.server
DEMO_GRAPHS = {"joke", "agent", "subgraph", "human", "custom", "long", "failing", "parallel",
               "newsroom", "weather", "weather_channels", "quiet", "async_progress", "ticker",
               "briefing", "subgraph_narrated", "thumbnail", "branches"}


def test_the_embedded_server_serves_every_demo_graph_on_a_free_port():
    server = lg_widgets.local_server()  # what a view with no url uses: the CLI as installed
    try:
        assert server.port != 2024
        assert httpx.get(f"{server.url}/ok").status_code == 200
        graphs = {a["graph_id"] for a in httpx.post(f"{server.url}/assistants/search", json={"limit": 100}).json()}
        assert DEMO_GRAPHS <= graphs
        assert lg_widgets.local_server() is server, "the same config reuses the running server"
        assert "127.0.0.1" not in repr(server) and "0x" not in repr(server)
        view = StreamView("joke", {"topic": "tea"}, url=server.url).run()
        assert view.status == "done" and "tea" in view.state["joke"]
    finally:
        server.stop()


def test_the_tests_servers_poll_their_queue_quickly(server):
    """The server tier's servers run tests/quick_poll_server.py: if an upgrade of the in-memory
    runtime no longer fits its patch, this fails (and the tier is slow again, not wrong)."""
    from quick_poll_server import APPLIED

    assert APPLIED in server.log_path.read_text()


def test_users_own_graphs_with_relative_imports(tmp_path):
    (tmp_path / "helpers.py").write_text("GREETING = 'hi from a neighbour module'\n")
    (tmp_path / "mine.py").write_text(textwrap.dedent("""
        from typing import TypedDict
        from langgraph.graph import StateGraph, START, END
        from helpers import GREETING

        class S(TypedDict, total=False):
            said: str

        graph = StateGraph(S).add_node("say", lambda s: {"said": GREETING}).add_edge(START, "say").add_edge("say", END).compile()
    """))
    (tmp_path / "langgraph.json").write_text(json.dumps({"dependencies": ["."], "graphs": {"mine": "./mine.py:graph"}}))
    with lg_widgets.local_server(tmp_path / "langgraph.json") as mine:
        result = httpx.post(f"{mine.url}/runs/wait", json={"assistant_id": "mine", "input": {}}, timeout=30).json()
        assert result == {"said": "hi from a neighbour module"}
    assert not mine.is_running()
    assert not (tmp_path / ".langgraph_api").exists(), "server files never land in the user's project"


# Loaded by the server's Python (the config's folder is on its PYTHONPATH): writes down every host
# name it looks up that is not this machine's.
RECORD_LOOKUPS = """
import pathlib, socket
_record = pathlib.Path(__file__).with_name("lookups.txt")
with _record.open("a") as out:
    out.write("loaded\\n")
_getaddrinfo = socket.getaddrinfo
def getaddrinfo(host, *args, **kwargs):
    if host not in ("127.0.0.1", "localhost", "::1", None):
        with _record.open("a") as out:
            out.write(f"{host}\\n")
    return _getaddrinfo(host, *args, **kwargs)
socket.getaddrinfo = getaddrinfo
"""


def test_the_embedded_server_calls_no_one(tmp_path):
    """No usage analytics from the CLI, no PyPI version check, no tracing: a notebook's server stays on
    loopback. The switches' names are the installed CLI's; if an upgrade renames one, this fails."""
    (tmp_path / "sitecustomize.py").write_text(RECORD_LOOKUPS)
    (tmp_path / "mine.py").write_text("from lg_widgets.demo.joke import graph\n")
    (tmp_path / "langgraph.json").write_text(json.dumps({"dependencies": ["."], "graphs": {"mine": "./mine.py:graph"}}))
    with lg_widgets.local_server(tmp_path / "langgraph.json") as mine:
        view = StreamView("mine", {"topic": "tea"}, url=mine.url).run()
        assert view.status == "done"
    lookups = (tmp_path / "lookups.txt").read_text().splitlines()
    assert "loaded" in lookups, "the recorder ran in the server"
    assert [host for host in lookups if host != "loaded"] == []


def test_a_graph_that_fails_to_import_reports_the_servers_log(tmp_path):
    (tmp_path / "broken.py").write_text("raise RuntimeError('this graph module is broken on purpose')\n")
    (tmp_path / "langgraph.json").write_text(json.dumps({"dependencies": ["."], "graphs": {"b": "./broken.py:graph"}}))
    with pytest.raises(ServerStartError, match="broken on purpose"):
        lg_widgets.local_server(tmp_path / "langgraph.json")


def test_a_missing_config_is_an_argument_error(tmp_path):
    with pytest.raises(InvalidArgument, match="No langgraph.json"):
        lg_widgets.local_server(tmp_path / "nope.json")


def test_the_server_dies_with_a_killed_kernel(tmp_path):
    """A kernel killed outright runs no atexit: the guard process still stops the server."""
    script = "import lg_widgets, sys; s = lg_widgets.local_server(); print(s.url, s._workdir, flush=True); sys.stdin.read()"
    parent = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    url, workdir = parent.stdout.readline().split()
    assert httpx.get(f"{url}/ok").status_code == 200
    parent.send_signal(signal.SIGKILL)
    parent.wait()

    def gone() -> bool:
        try:
            httpx.get(f"{url}/ok", timeout=1)
            return False
        except httpx.HTTPError:
            return True

    wait_until(gone, timeout=30, what="the orphaned server to stop")
    wait_until(lambda: not os.path.exists(workdir), timeout=10, what="its working directory to go")
