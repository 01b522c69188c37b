"""An orderly exit: a script that leaves views of every fate behind (done, closed, live on the runs
stream and on the thread protocol, still connecting) exits 0, with nothing on stderr, every time.

The server tier runs it a few times; the soak tier (``make soak``) a few hundred
(``LGW_SOAK_EXITS``, default 200). lg_widgets/_background.py says what happens at exit.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

SCRIPT = pathlib.Path(__file__).parent / "exit_script.py"
ROOT = SCRIPT.parent.parent


def exit_once(url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, str(SCRIPT), url], capture_output=True, text=True, timeout=120,
                          env=env, cwd=ROOT)


def exits_cleanly(url: str, times: int) -> None:
    for attempt in range(times):
        done = exit_once(url)
        assert done.returncode == 0, f"exit {attempt + 1}/{times}: code {done.returncode}\n{done.stderr[-3000:]}"
        assert done.stdout.startswith("views: done done"), done.stdout
        assert done.stderr == "", f"exit {attempt + 1}/{times} wrote to stderr:\n{done.stderr[-3000:]}"


@pytest.mark.server
def test_a_script_with_live_views_exits_cleanly(server):
    exits_cleanly(server.url, 3)


@pytest.mark.soak
@pytest.mark.server
def test_a_script_with_live_views_exits_cleanly_every_time(server):
    exits_cleanly(server.url, int(os.environ.get("LGW_SOAK_EXITS", "200")))


def test_shutdown_cancels_live_runs_and_joins_the_loop(comms):
    """What atexit runs: a live run is cancelled and ends (its final traits set), the loop's thread is
    joined; a view made afterwards starts a new loop."""
    import threading

    from lg_widgets import StreamView, _background
    from recordings import FIXTURES

    view = StreamView.replay(FIXTURES / "three_tools_tuple_events.jsonl", speed=0.001).start()
    assert view.running
    _background.shutdown()
    assert not view.running and view.status == "cancelled"
    assert not [t for t in threading.enumerate() if t.name == "lg_widgets-runs"], "the loop's thread is joined"
    again = StreamView.replay(FIXTURES / "three_tools_tuple_events.jsonl", speed=0).run()
    assert again.status == "done"
    _background.shutdown()
