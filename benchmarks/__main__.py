"""Print the benchmark table: every figure as a ratio against a baseline from the same run.

    python -m benchmarks           # full sizes (a few minutes)
    python -m benchmarks --quick   # small sizes, so CI keeps the harness working

These machines are shared and noisy: each figure alternates the measured path
and its baseline and reports the median ratio; absolute times only beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
from datetime import date

import httpx
from httpx_sse import aconnect_sse

from lg_widgets import EventLog, RunState, parse_event
from lg_widgets.client import LangGraphClient, RunRequest
from lg_widgets.transport import EventStreamReader
from lg_widgets.transport.settings import tls_context

from .canned import CannedServer, canned_events, encode

E2E_MODES = ["messages-tuple", "updates", "debug", "values"]


# ---------------------------------------------------------------- the paths


async def baseline_ingest(url: str) -> int:
    """Raw httpx-sse iteration + json.loads: the floor any SSE client pays."""
    count = 0
    # The same shared TLS context as the client, so the ratio measures parsing and folding only.
    async with httpx.AsyncClient(timeout=None, verify=tls_context()) as http:
        async with aconnect_sse(http, "POST", f"{url}/runs/stream", json={}) as source:
            async for sse in source.aiter_sse():
                json.loads(sse.data)
                count += 1
    return count


async def lg_ingest(url: str) -> RunState:
    state = RunState(E2E_MODES)
    async with LangGraphClient(url) as client:
        async for event in client.stream(RunRequest("canned", stream_mode=E2E_MODES)):
            state.apply(event)
    return state


def alternate(measured, baseline, repeats: int) -> tuple[float, float, float]:
    """Median times of ``measured`` and ``baseline``, run in pairs, and the median of the pairs' ratios.

    A slow spell of a shared machine slows both halves of a pair alike: the ratio
    of each pair is steadier than the ratio of two medians.
    """
    ours, theirs = [], []
    for _ in range(repeats):
        gc.collect()
        t0 = time.perf_counter()
        baseline()
        t1 = time.perf_counter()
        measured()
        t2 = time.perf_counter()
        theirs.append(t1 - t0)
        ours.append(t2 - t1)
    ratio = statistics.median(mine / base for mine, base in zip(ours, theirs))
    return statistics.median(ours), statistics.median(theirs), ratio


@contextlib.contextmanager
def recording_comms():
    """Widgets made inside talk to a comm that counts what a live front end would receive."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "tests"))
    import recording_comm

    undo = recording_comm.install()
    try:
        yield recording_comm.RecordingComm
    finally:
        undo()


# -------------------------------------------------------------- the figures


def ingest_figure(events: int, repeats: int) -> dict:
    size = len(encode(canned_events(events)))
    with CannedServer(events) as server:
        asyncio.run(baseline_ingest(server.url))  # warm up both paths
        asyncio.run(lg_ingest(server.url))
        ours, base, ratio = alternate(lambda: asyncio.run(lg_ingest(server.url)),
                                      lambda: asyncio.run(baseline_ingest(server.url)), repeats)
    return {"figure": f"kernel ingest: parse + fold {events:,} events ({size / 1e6:.1f} MB) from loopback",
            "baseline": "httpx-sse + json.loads", "ratio": ratio, "target": 1.25,
            "detail": f"{ours * 1000:.0f} ms vs {base * 1000:.0f} ms; {events / ours:,.0f} events/s"}


def widget_ingest_figure(events: int, repeats: int) -> dict:
    """The same canned stream through a whole StreamView (client, fold, coalesced deltas, final traits)."""
    from lg_widgets import StreamView

    with recording_comms() as comms:
        with CannedServer(events) as server:
            def through_view():
                # One view at a time, closed after its run: views kept alive pile up across repeats.
                StreamView("canned", url=server.url, stream_mode=E2E_MODES).run().close()
                comms.instances.clear()

            through_view()
            ours, base, ratio = alternate(through_view, lambda: asyncio.run(baseline_ingest(server.url)), repeats)
    return {"figure": f"widget ingest: the same {events:,} events through StreamView.run()",
            "baseline": "httpx-sse + json.loads", "ratio": ratio, "target": 1.5,
            "detail": f"{ours * 1000:.0f} ms vs {base * 1000:.0f} ms; {events / ours:,.0f} events/s"}


def fold_scaling_figure(sizes: list[int]) -> dict:
    per_event = {}
    for size in sizes:
        events = [parse_event(name, data, None, i * 0.001) for i, (name, data) in enumerate(canned_events(size))]
        best = float("inf")
        # The best of several folds (as many events each size): small sizes need more tries against noise.
        for _ in range(max(3, 150_000 // size)):
            state = RunState(E2E_MODES)
            t0 = time.perf_counter()
            state.apply_all(events)
            state.text  # the joined text is part of the cost
            best = min(best, time.perf_counter() - t0)
        per_event[size] = best / size
    smallest = per_event[sizes[0]]
    ratio = per_event[sizes[-1]] / smallest
    return {"figure": "fold cost per event at " + " vs ".join(f"{s:,}" for s in sizes),
            "baseline": f"per event at {sizes[0]:,}", "ratio": ratio, "target": 1.5,
            "detail": ", ".join(f"{s:,}: {per_event[s] * 1e6:.1f} µs" for s in sizes)}


def memory_figure(events: int) -> dict:
    payload = encode(canned_events(events))
    payload_bytes = len(payload)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    # What a view keeps: every event (view.events) plus the fold, from the bytes as they arrive.
    kept_events, state = EventLog(), RunState(E2E_MODES)
    reader = EventStreamReader("canned")
    for start in range(0, payload_bytes, 64 * 1024):
        for sse in reader.feed(payload[start:start + 64 * 1024].decode()):
            event = parse_event(sse.event, sse.data, sse.id, time.monotonic())
            kept_events.append(event)
            state.apply(event)
    state.text
    del reader, sse, event
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return {"figure": f"kernel memory held after a {events:,}-event run (events + fold)",
            "baseline": "bytes of the payload", "ratio": held / payload_bytes, "target": 3.0,
            "detail": f"{held / 1e6:.1f} MB for {payload_bytes / 1e6:.1f} MB"}


def comm_figure(url: str, tokens: int) -> dict:
    from lg_widgets import StreamView

    with recording_comms() as comms:
        view = StreamView("long", {"tokens": tokens}, url=url, stream_mode=E2E_MODES)
        comm = comms.instances[-1]
        opened = comm.bytes_sent
        view.run()
        sent = comm.bytes_sent - opened
    content = sum(len(json.dumps(v, ensure_ascii=False).encode()) for v in (view.text, view.state, view.steps))
    final = len(json.dumps(view.get_state(), ensure_ascii=False, default=str).encode())
    return {"figure": f"comm bytes to the front end during a {tokens:,}-token run",
            "baseline": "final content (text + state + steps)", "ratio": sent / content, "target": 2.0,
            "detail": f"{sent / 1e3:.0f} kB for {content / 1e3:.0f} kB; all final traits {final / 1e3:.0f} kB"}


async def sdk_run(url: str, tokens: int) -> None:
    from langgraph_sdk import get_client

    client = get_client(url=url)
    async for _ in client.runs.stream(None, "long", input={"tokens": tokens}, stream_mode=E2E_MODES):
        pass


def end_to_end_figure(url: str, tokens: int, repeats: int) -> dict:
    from lg_widgets import StreamView

    with recording_comms() as comms:
        def ours():
            StreamView("long", {"tokens": tokens}, url=url, stream_mode=E2E_MODES).run().close()
            comms.instances.clear()

        ours()
        asyncio.run(sdk_run(url, tokens))
        mine, base, ratio = alternate(ours, lambda: asyncio.run(sdk_run(url, tokens)), repeats)
    return {"figure": f"end-to-end: {tokens:,}-token run ({'+'.join(E2E_MODES)}) through StreamView.run()",
            "baseline": "langgraph_sdk client.runs.stream", "ratio": ratio, "target": 1.0,
            "detail": f"{mine:.2f} s vs {base:.2f} s"}


# ------------------------------------------------------------------- table


def print_table(rows: list[dict]) -> None:
    print(f"\nlg_widgets benchmarks, {date.today()}, {platform.machine()} with {os.cpu_count()} cores, "
          f"Python {platform.python_version()}\n")
    print("| figure | baseline | ratio | target | absolute |")
    print("|---|---|---|---|---|")
    for row in rows:
        verdict = "ok" if row["ratio"] <= row["target"] else "MISSED"
        print(f"| {row['figure']} | {row['baseline']} | {row['ratio']:.2f}× | ≤ {row['target']:g}× ({verdict}) | {row['detail']} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes (CI)")
    parser.add_argument("--url", help="a running server with the demo graphs (default: the embedded one)")
    args = parser.parse_args(argv)
    quick = args.quick
    rows = [
        ingest_figure(1_000 if quick else 10_000, 3 if quick else 7),
        widget_ingest_figure(1_000 if quick else 10_000, 3 if quick else 5),
        fold_scaling_figure([500, 2_000] if quick else [1_000, 10_000, 50_000]),
        memory_figure(1_000 if quick else 10_000),
    ]
    from lg_widgets import local_server

    url = args.url or local_server().url
    rows.append(comm_figure(url, 1_000 if quick else 10_000))
    rows.append(end_to_end_figure(url, 500 if quick else 5_000, 2 if quick else 5))
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
