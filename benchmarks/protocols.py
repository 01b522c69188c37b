"""The same run through StreamView under both protocols: events/s and comm bytes to the page.

    python -m benchmarks.protocols            # the `long` demo graph, 10,000 tokens
    python -m benchmarks.protocols --quick    # 1,000 tokens

The runs stream asks for messages-tuple + updates + values (tokens, steps, state); the
thread protocol reads its default channels (values, messages, lifecycle, ...), over SSE and
over a WebSocket. Each is run in turn against the real dev server (which sets the pace:
both are server-bound); the figures are the median of the repeats, the ratio of each pair
against the runs stream beside them. Comm bytes are what a live page receives (deltas and
final traits), the runs stream's being the baseline.
"""

from __future__ import annotations

import argparse
import statistics
import time

from lg_widgets import StreamView, local_server

from .__main__ import recording_comms

RUNS_MODES = ["messages-tuple", "updates", "values"]
PATHS = {
    "runs stream (SSE)": {"stream_mode": RUNS_MODES},
    "thread protocol, SSE": {"protocol": "threads"},
    "thread protocol, WebSocket": {"protocol": "threads", "transport": "websocket"},
}


def once(url: str, tokens: int, options: dict, comms) -> tuple[float, int, int, str]:
    view = StreamView("long", {"tokens": tokens}, url=url, **options)
    comm = comms.instances[-1]
    opened = comm.bytes_sent  # the comm open carries the front end once per widget, whatever the run
    started = time.perf_counter()
    view.run()
    seconds = time.perf_counter() - started
    sent = comm.bytes_sent - opened
    events, text = len(view.events), view.text
    view.close()
    comms.instances.clear()
    return seconds, events, sent, text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=None)
    args = parser.parse_args(argv)
    tokens = 1_000 if args.quick else 10_000
    repeats = args.repeats or (1 if args.quick else 3)
    url = local_server().url
    results: dict[str, list[tuple[float, int, int, str]]] = {name: [] for name in PATHS}
    with recording_comms() as comms:
        for name, options in PATHS.items():  # warm up: imports, connections, the server's graph
            once(url, 200, options, comms)
        for _ in range(repeats):
            for name, options in PATHS.items():
                results[name].append(once(url, tokens, options, comms))
    base = results["runs stream (SSE)"]
    texts = {runs[0][3] for runs in results.values()}
    print(f"\nStreamView.run() of the `long` graph, {tokens:,} tokens, {repeats} repeat(s) each "
          f"(the same text under every protocol: {len(texts) == 1}):\n")
    print("| path | events | events/s | wall, vs the runs stream | comm bytes to the page, vs the runs stream |")
    print("|---|---|---|---|---|")
    for name, runs in results.items():
        seconds = statistics.median(r[0] for r in runs)
        events = runs[0][1]
        sent = statistics.median(r[2] for r in runs)
        wall = statistics.median(r[0] / b[0] for r, b in zip(runs, base))
        comm = statistics.median(r[2] / b[2] for r, b in zip(runs, base))
        print(f"| {name} | {events:,} | {events / seconds:,.0f} | {seconds:.2f} s, {wall:.2f}× | "
              f"{sent / 1e3:,.0f} kB, {comm:.2f}× |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
