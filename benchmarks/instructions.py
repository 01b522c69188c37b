"""Ingest as instruction counts (valgrind's callgrind): the same figure every run, whatever the machine does.

    python -m benchmarks.instructions [--events N]

Each path runs once in a fresh interpreter under callgrind against the canned
stream (served by another process, not counted). A run that only imports
the same modules is subtracted from each, so what is compared is the
ingest alone: raw httpx-sse + json.loads (the baseline), the client + fold, and
a whole StreamView.run(). Takes a few minutes (callgrind runs ~50x slower).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile

from .canned import CannedServer, canned_events, encode

PATHS = {
    "nothing": "imports only (subtracted from the others)",
    "baseline": "httpx-sse + json.loads",
    "ingest": "LangGraphClient + RunState (parse + fold)",
    "view": "StreamView.run() (client, fold, deltas, final traits, comm JSON)",
}


def count(path: str, url: str) -> int:
    """Instructions of a fresh interpreter that imports everything, then runs ``path``."""
    with tempfile.TemporaryDirectory(prefix="lgw-callgrind-") as out:
        result = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}/callgrind.out",
             sys.executable, "-m", "benchmarks.instructions", "--run", path, url],
            capture_output=True, text=True, cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    found = re.search(r"Collected : (\d+)", result.stderr)
    if result.returncode != 0 or not found:
        raise RuntimeError(f"callgrind run of {path!r} failed:\n{result.stderr[-2000:]}")
    return int(found.group(1))


def run_path(path: str, url: str) -> None:
    """Import what every path imports, then run ``path``'s ingest once (inside callgrind for ``count``)."""
    # The same imports and comm for every path, so that subtracting "nothing" leaves the ingest alone.
    import httpx_sse  # noqa: F401

    from lg_widgets import StreamView

    from . import __main__ as bench

    with bench.recording_comms():
        if path == "baseline":
            asyncio.run(bench.baseline_ingest(url))
        elif path == "ingest":
            asyncio.run(bench.lg_ingest(url))
        elif path == "view":
            StreamView("canned", url=url, stream_mode=bench.E2E_MODES).run()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--check", action="store_true",
                        help="run each path once without callgrind (CI: the harness keeps working)")
    parser.add_argument("--run", nargs=2, metavar=("PATH", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run:
        run_path(*args.run)
        return 0
    if args.check:
        with CannedServer(args.events) as server:
            for path in PATHS:
                run_path(path, server.url)
        print(f"benchmarks.instructions: every path ran on {args.events:,} events")
        return 0
    if not shutil.which("valgrind"):
        print("valgrind is not installed (apt-get install valgrind).", file=sys.stderr)
        return 1
    size = len(encode(canned_events(args.events)))
    with CannedServer(args.events) as server:
        counts = {path: count(path, server.url) for path in PATHS}
    base = counts["baseline"] - counts["nothing"]
    print(f"\nIngest of {args.events:,} canned events ({size / 1e6:.1f} MB), in instructions (callgrind):\n")
    print("| path | instructions | ratio to the baseline |")
    print("|---|---|---|")
    for path in ("baseline", "ingest", "view"):
        own = counts[path] - counts["nothing"]
        print(f"| {PATHS[path]} | {own / 1e6:,.0f} M | {own / base:.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
