"""The Timeline pane of a 2,000-task run, against a 20-task run, in the same Chromium.

    python -m benchmarks.timeline               # 2,000 tasks against 20, three rounds
    python -m benchmarks.timeline --tasks 500

Each run is real: a local graph (``StreamView.from_graph``, no server) whose ``plan`` node fans
out to N ``work`` tasks with ``Send`` (a map step: N tasks at once, so N lanes), then ``join``.
Its ``to_html`` page is opened offline and timed from navigation until the pane says it holds N
tasks: the longest main-thread task (the issue's bound: none over 50 ms), the time to the drawn
pane, and the bar elements in the page (lanes are virtualised: only those in view exist). The
figure is the big page's time as a ratio of the small one's, rounds alternating.
"""

from __future__ import annotations

import argparse
import operator
import pathlib
import statistics
import tempfile
from typing import Annotated, TypedDict

from langgraph.graph import END, START, StateGraph
from langgraph.types import Send

from benchmarks import trace as chrome_trace
from lg_widgets import StreamView

_OBSERVE_JS = """
window.__lgwLong = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__lgwLong.push(e.duration);
}).observe({type: "longtask", buffered: true});
"""


class State(TypedDict, total=False):
    n: int
    done: Annotated[list[int], operator.add]


def fanout(n: int):
    def plan(state: State) -> dict:
        return {}

    def spread(state: State) -> list[Send]:
        return [Send("work", {"n": i}) for i in range(state["n"])]

    def work(state: State) -> dict:
        return {"done": [state["n"]]}

    def join(state: State) -> dict:
        return {}

    return (StateGraph(State).add_node(plan).add_node(work).add_node(join)
            .add_edge(START, "plan").add_conditional_edges("plan", spread, ["work"])
            .add_edge("work", "join").add_edge("join", END).compile())


def page_of(tasks: int, folder: pathlib.Path) -> pathlib.Path:
    view = StreamView.from_graph(fanout(tasks), {"n": tasks}, stream_mode=["tasks"]).run()
    assert view.status == "done" and len(view.timeline) == tasks + 2, (view.status, len(view.timeline))
    return view.to_html(folder / f"timeline_{tasks}.html")


def measure(browser, path: pathlib.Path, tasks: int, trace: str | None = None) -> dict:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.add_init_script(_OBSERVE_JS)
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://") else route.abort())
    if trace:
        browser.start_tracing(page=page, path=trace, categories=chrome_trace.CATEGORIES)
    page.goto(path.as_uri())
    page.wait_for_function("(n) => (document.querySelector('.lgw-timeline-axis') || {}).textContent?.startsWith(`${n} tasks`)",
                           arg=tasks + 2, polling=10, timeout=120_000)
    drawn_ms = page.evaluate("() => performance.now()")
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    longest = page.evaluate("() => Math.max(0, ...window.__lgwLong)")
    bars = page.evaluate("() => document.querySelectorAll('.lgw-span').length")
    if trace:
        browser.stop_tracing()
    context.close()
    return {"drawn_ms": drawn_ms, "longest_ms": longest, "bars": bars}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--small", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--trace", metavar="PATH", default=None,
                        help="also a Chromium trace of one more load of the big page, and what its long tasks are made of")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        big, small = page_of(args.tasks, pathlib.Path(folder)), page_of(args.small, pathlib.Path(folder))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                                 args=["--disable-gpu", "--disable-dev-shm-usage"])
            rows = []
            for _ in range(args.rounds):
                rows.append((measure(browser, small, args.small), measure(browser, big, args.tasks)))
            if args.trace:
                measure(browser, big, args.tasks, args.trace)
            browser.close()
    ratio = statistics.median(b["drawn_ms"] / s["drawn_ms"] for s, b in rows)
    longest = max(b["longest_ms"] for _, b in rows)
    print(f"timeline of {args.tasks} tasks against {args.small}, {args.rounds} rounds (to_html page, offline):")
    for s, b in rows:
        print(f"  {args.small:>5} tasks: drawn at {s['drawn_ms']:.0f} ms, longest task {s['longest_ms']:.0f} ms, "
              f"{s['bars']} bars in the page | {args.tasks} tasks: drawn at {b['drawn_ms']:.0f} ms, "
              f"longest task {b['longest_ms']:.0f} ms, {b['bars']} bars in the page")
    print(f"  time to the drawn pane: {ratio:.2f}x the small page's (median); longest task {longest:.0f} ms "
          f"({'within' if longest <= 50 else 'over'} the 50 ms bound)")
    if args.trace:
        print(f"\nWhat the long tasks of the {args.tasks}-task page are made of ({args.trace}; the sampler about doubles them):")
        print("\n".join(chrome_trace.summarize(chrome_trace.load(args.trace), over_ms=30)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
