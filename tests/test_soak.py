"""The soak script's short version (scripts/soak.py; ``make soak`` runs 500): 10 runs of mixed fates
in one process against the embedded server, every view closed; after them the threads, open file
descriptors and comms are back to their baseline and no StreamView is left."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.mark.server
def test_ten_runs_of_mixed_fates_leave_nothing_behind(server):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "soak.py"), "--runs", "10", "--url", server.url,
                           "--no-rss"], capture_output=True, text=True, timeout=170, env=env, cwd=ROOT)
    print(done.stdout)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert "soak: 10 runs" in done.stdout and "StreamViews left 0" in done.stdout
