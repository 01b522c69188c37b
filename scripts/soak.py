"""Hours in one kernel, in minutes: N runs of mixed fates in one process, then what is left.

    python scripts/soak.py [--runs 500] [--url URL] [--no-rss] [--tracemalloc [N]]

Each run is one fate, in turn, on both protocols: complete, cancel mid-stream, interrupt then
resume, a node that raises, a connection cut once (through tests/fault_proxy.py) and resumed.
Every view is closed after use. Afterwards, with ``gc.collect()``: the threads and open file
descriptors are back to their baseline (taken after a first round of every fate), no comm is open
for a closed view, no ``StreamView`` is left, and the resident memory is within 10% of its level
after the first 50 runs. Prints its figures; exits 1 when a check fails. Without ``--url`` it
starts the embedded server (in its own process, as a notebook does). ``--tracemalloc`` traces the
Python allocations from the end of the warm-up and prints the N sites that grew most between run 50
and the end, with the traced total beside the resident size (objects that grow vs a heap that
fragments); it slows the runs.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import pathlib
import sys
import threading
import time
import tracemalloc
from typing import Callable

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import comm  # noqa: E402

from fault_proxy import Cut, FaultProxy  # noqa: E402
from lg_widgets import StreamView, local_server  # noqa: E402
from lg_widgets.errors import LGWidgetsError  # noqa: E402
from lg_widgets.transport import resuming  # noqa: E402

PROTOCOLS = ("runs", "threads")
MODES = {"runs": ["messages-tuple", "values", "updates"], "threads": ["messages", "values", "updates"]}
#: where the one cut of a "cut" run lands (bytes of its stream's connection)
CUT_AT = {"runs": 60_000, "threads": 60_000}
RSS_RUNS = 50  # the memory's level is taken after this many runs


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.01)


def view(url: str, graph: str, payload: dict, protocol: str) -> StreamView:
    return StreamView(graph, payload, url=url, thread_id="new", protocol=protocol, stream_mode=MODES[protocol])


def complete(url: str, protocol: str) -> str:
    v = view(url, "joke", {"topic": "soak"}, protocol).run()
    assert v.status == "done" and v.text, v.status
    v.close()
    return "done"


def cancel(url: str, protocol: str) -> str:
    v = view(url, "long", {"tokens": 4000}, protocol).start()
    wait_for(lambda: len(v.run_state.text) > 200 or not v.running, 60, "tokens before the cancel")
    v.cancel(timeout=60)  # roomy: under --tracemalloc everything is slower
    assert v.status == "cancelled", v.status
    v.close()
    return "cancelled"


def interrupt_resume(url: str, protocol: str) -> str:
    v = view(url, "human", {"draft": "soak"}, protocol).run()
    assert v.status == "interrupted", v.status
    v.resume("yes", wait=True)
    assert v.status == "done" and v.state["published"] == "Soak, world", (v.status, v.state)
    v.close()
    return "resumed"


def node_error(url: str, protocol: str) -> str:
    v = view(url, "failing", {}, protocol)
    try:
        v.run()
    except LGWidgetsError:
        pass
    assert v.status == "error" and v.error and "boom" in v.error["message"], (v.status, v.error)
    v.close()
    return "error"


def cut(url: str, protocol: str) -> str:
    only = b"/runs/stream" if protocol == "runs" else b"/stream/events"
    with FaultProxy(url, [Cut(CUT_AT[protocol])], only=only) as proxy:
        v = view(proxy.url, "long", {"tokens": 600}, protocol).run()
    words = " ".join(f"{w}{i}" for i, w in zip(range(300), itertools.cycle(
        ["stream", "graph", "token", "state", "node", "edge", "step", "event"])))
    assert v.status == "done" and v.text == words, "the cut run's text is not exact"
    assert any(isinstance(e.action, Cut) and e.response_bytes == e.action.after for e in proxy.log), "no cut"
    v.close()
    return "cut"


FATES = [complete, cancel, interrupt_resume, node_error, cut]


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def settle() -> None:
    """Let what a closed view's end left (a worker thread, a socket in its pool) go, then collect."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        gc.collect()
        time.sleep(0.05)
        if not any(t.name.startswith(("fault-proxy", "asyncio_")) for t in threading.enumerate()):
            break
    gc.collect()


def live_views() -> int:
    return sum(isinstance(o, StreamView) for o in gc.get_objects())


def traced_mb() -> float:
    return tracemalloc.get_traced_memory()[0] / 2**20


def snapshot() -> tracemalloc.Snapshot:
    return tracemalloc.take_snapshot().filter_traces([
        tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, "<frozen importlib._bootstrap*")])


def print_growth(before: tracemalloc.Snapshot, after: tracemalloc.Snapshot, top: int) -> None:
    """The sites that grew most, by line, then the first few by traceback (who called them)."""
    print(f"  tracemalloc: the {top} sites that grew most since run {RSS_RUNS}")
    for stat in after.compare_to(before, "lineno")[:top]:
        print(f"    {stat.size_diff / 1024:+9.1f} KiB {stat.count_diff:+7d} blocks  {stat.traceback[0]}")
    for stat in after.compare_to(before, "traceback")[:3]:
        print(f"    {stat.size_diff / 1024:+9.1f} KiB {stat.count_diff:+7d} blocks, from:")
        for line in stat.traceback.format(most_recent_first=True)[:16]:
            print("      " + line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--url", default=None)
    parser.add_argument("--no-rss", action="store_true", help="leave out the memory check (short runs)")
    parser.add_argument("--tracemalloc", type=int, nargs="?", const=25, default=0, metavar="N",
                        help="print the N allocation sites that grew most after run 50 (default 25)")
    args = parser.parse_args()
    resuming.FIRST_BACKOFF = 0.01
    url = args.url or local_server().url

    plan = [(fate, protocol) for fate in FATES for protocol in PROTOCOLS]  # one round: every fate, both protocols
    for fate, protocol in plan:  # the warm-up round: imports, caches, the loop's thread, connection pools
        fate(url, protocol)
    settle()
    if args.tracemalloc:
        tracemalloc.start(8)
    threads, fds, comms = threading.active_count(), open_fds(), len(comm.get_comm_manager().comms)
    counts: dict[str, int] = {}
    rss_at = None
    started = time.monotonic()
    for index in range(args.runs):
        fate, protocol = plan[index % len(plan)]
        outcome = fate(url, protocol)
        counts[outcome] = counts.get(outcome, 0) + 1
        if index + 1 == RSS_RUNS:
            settle()
            rss_at = rss_mb()
            if args.tracemalloc:
                traced_at, first = traced_mb(), snapshot()
    elapsed = time.monotonic() - started
    settle()
    after = {"threads": threading.active_count(), "fds": open_fds(), "comms": len(comm.get_comm_manager().comms),
             "views": live_views(), "rss": rss_mb()}
    print(f"soak: {args.runs} runs in {elapsed:.0f} s ({', '.join(f'{n} {k}' for k, n in sorted(counts.items()))})")
    print(f"  threads {threads} -> {after['threads']}, open fds {fds} -> {after['fds']}, "
          f"comms {comms} -> {after['comms']}, StreamViews left {after['views']}")
    failures = []
    if after["threads"] > threads:
        failures.append(f"threads: {after['threads']} > baseline {threads}: {[t.name for t in threading.enumerate()]}")
    if after["fds"] > fds:
        failures.append(f"open fds: {after['fds']} > baseline {fds}")
    if after["comms"] > comms:
        failures.append(f"comms: {after['comms']} open > baseline {comms}")
    if after["views"]:
        failures.append(f"{after['views']} StreamView(s) still alive")
    if rss_at is not None and not args.no_rss:
        grown = after["rss"] / rss_at - 1
        print(f"  resident memory {rss_at:.0f} MB after {RSS_RUNS} runs -> {after['rss']:.0f} MB after "
              f"{args.runs} ({grown:+.1%})")
        if grown > 0.10:
            failures.append(f"resident memory grew {grown:.1%} (> 10%) after run {RSS_RUNS}")
    if args.tracemalloc and rss_at is not None:
        print(f"  traced by tracemalloc: {traced_at:.1f} MB after {RSS_RUNS} runs -> {traced_mb():.1f} MB after "
              f"{args.runs} (resident {rss_at:.0f} -> {after['rss']:.0f} MB)")
        print_growth(first, snapshot(), args.tracemalloc)
    for failure in failures:
        print("FAILED:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
