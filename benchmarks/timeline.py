"""The Timeline pane of a 2,000-task run, against a 20-task run, in the same Chromium.

    python -m benchmarks.timeline                    # 2,000 tasks against 20, three rounds
    python -m benchmarks.timeline --tasks 500
    python -m benchmarks.timeline --baseline DIR     # also pages made with another build's
        # lg_widgets/static (e.g. the main branch's, built apart): before and after, same run
    python -m benchmarks.timeline --trace PATH       # and what the big page's long tasks are made of
    python -m benchmarks.timeline --live             # the pane live in JupyterLab instead (timeline_live.py)

Each run is real: a local graph (``StreamView.from_graph``, no server) whose ``plan`` node fans
out to N ``work`` tasks with ``Send`` (a map step: N tasks at once, so N lanes), then ``join``.
Its ``to_html`` page is opened offline and watched from navigation until it is still (no DOM
change for half a second, the 2,000 step cards included): the longest task of the page's main
thread (the issue's bound: none over 50 ms), from a Chromium trace of that load, by the wall
clock and by thread time (what the page's work costs however busy the machine is: on a shared
machine the wall clock also counts the time the renderer waited for a core); beside them, how
many long tasks the page's own observer saw. The browser's navigation commit is not counted (it
makes the window's JavaScript context before the page's document exists, as for an empty page). Figures are medians of the rounds (the worst in
brackets); the big page's are also ratios of the small page's, measured in the same run. Also the time to the drawn pane and the bars in the page (lanes are
virtualised: only those in view exist). Nothing from Playwright runs in the page while it is
watched: the page tells the bench it is done through an exposed function.
"""

from __future__ import annotations

import argparse
import contextlib
import operator
import pathlib
import statistics
import tempfile
import time
from typing import Annotated, Any, Iterator, TypedDict

from langgraph.graph import END, START, StateGraph
from langgraph.types import Send

from benchmarks import trace as chrome_trace
from lg_widgets import StreamView, saved_page

BOUND_MS = 50.0
QUIET_MS = 500
#: Trace categories for the tasks' thread time (no sampler: it would double the tasks).
_TASK_CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline"]

# Installed before the page's own scripts: long tasks, the last DOM change, the moment the pane
# says it holds N tasks; once it did and the page was still for QUIET_MS, the bench is told.
_WATCH_JS = """
(() => {
  const want = %(tasks)d, quiet = %(quiet)d;
  const longs = [];
  let last = performance.now(), drawn = null, told = false;
  new PerformanceObserver((list) => { for (const e of list.getEntries()) longs.push([e.startTime, e.duration]); })
    .observe({type: "longtask", buffered: true});
  const check = () => {
    last = performance.now();
    if (drawn === null) {
      const axis = document.querySelector(".lgw-timeline-axis");
      if (axis && axis.textContent.startsWith(`${want} tasks`)) drawn = last;
    }
  };
  new MutationObserver(check).observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
  const poll = () => {
    if (told) return;
    if (drawn !== null && performance.now() - last > quiet) {
      told = true;
      window.__lgwBenchDone({drawn, settled: last, longs, bars: document.querySelectorAll(".lgw-span").length});
    } else setTimeout(poll, 100);
  };
  setTimeout(poll, 100);
})();
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


@contextlib.contextmanager
def _front_end(static: pathlib.Path | None) -> Iterator[None]:
    """Pages written meanwhile inline the front end of ``static`` (another build), not this one's."""
    if static is None:
        yield
        return
    before = saved_page.STATIC
    saved_page.STATIC = static
    try:
        yield
    finally:
        saved_page.STATIC = before


def page_of(tasks: int, folder: pathlib.Path, static: pathlib.Path | None = None, label: str = "") -> pathlib.Path:
    view = StreamView.from_graph(fanout(tasks), {"n": tasks}, stream_mode=["tasks"]).run()
    assert view.status == "done" and len(view.timeline) == tasks + 2, (view.status, len(view.timeline))
    with _front_end(static):
        return view.to_html(folder / f"timeline_{label}{tasks}.html")


def _longest_tasks(path: str) -> tuple[float, float]:
    """The longest task of the page's main thread (ms) by the wall clock and by thread time, from a trace.

    Not counted: the browser's navigation commit (it makes the window's JavaScript context, before
    the page's document exists, the same for an empty page), and other renderers than the page's
    (headless Chromium has a chrome:// one of its own)."""
    events = chrome_trace.load(path)
    main = chrome_trace._main_threads(events)
    slices = [e for e in events if e.get("ph") == "X" and (e["pid"], e.get("tid")) in main]
    commits = [e for e in slices if e.get("name") == "CommitLoad"]
    tasks = [e for e in slices if e.get("name") in chrome_trace._TASKS
             and not any(c["pid"] == e["pid"] and e["ts"] <= c["ts"] < e["ts"] + e.get("dur", 0) for c in commits)]
    return (max((e.get("dur", 0) / 1000 for e in tasks), default=0.0),
            max((e.get("tdur", 0) / 1000 for e in tasks), default=0.0))


def measure(browser, path: pathlib.Path, tasks: int, trace: str | None = None, categories=None) -> dict:
    """One load of a page, watched until it is still: times in ms."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    result: dict[str, Any] = {}
    page.expose_function("__lgwBenchDone", lambda data: result.update(data))
    page.add_init_script(_WATCH_JS % {"tasks": tasks + 2, "quiet": QUIET_MS})
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://") else route.abort())
    with tempfile.TemporaryDirectory() as folder:
        trace_path = trace or str(pathlib.Path(folder) / "trace.json")
        browser.start_tracing(page=page, path=trace_path, categories=categories or _TASK_CATEGORIES)
        page.goto(path.as_uri())
        deadline = time.monotonic() + 300
        while not result:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{path.name}: the pane never said it holds {tasks + 2} tasks")
            page.wait_for_timeout(100)
        browser.stop_tracing()
        wall_ms, thread_ms = _longest_tasks(trace_path)
    context.close()
    return {"drawn_ms": result["drawn"], "settled_ms": result["settled"], "longest_ms": wall_ms,
            "long_tasks": len(result["longs"]), "thread_ms": thread_ms, "bars": result["bars"]}


def _verdict(ms: float) -> str:
    return "MET" if ms <= BOUND_MS else "MISSED"


def _describe(r: dict) -> str:
    return (f"drawn at {r['drawn_ms']:.0f} ms, still at {r['settled_ms']:.0f} ms, longest task {r['longest_ms']:.0f} ms "
            f"({r['long_tasks']} long) / {r['thread_ms']:.0f} ms thread time, {r['bars']} bars")


def report(name: str, small: int, big: int, rows: list[tuple[dict, dict]]) -> dict:
    """Print one build's figures; returns its longest tasks (median of the loads) at both sizes."""
    typical = {key: (statistics.median(s[key] for s, _ in rows), statistics.median(b[key] for _, b in rows))
               for key in ("longest_ms", "thread_ms")}
    worst = {key: (max(s[key] for s, _ in rows), max(b[key] for _, b in rows)) for key in ("longest_ms", "thread_ms")}
    drawn = statistics.median(b["drawn_ms"] / s["drawn_ms"] for s, b in rows)
    print(f"{name}:")
    for i, (s, b) in enumerate(rows, 1):
        print(f"  round {i}: {small:>5} tasks: {_describe(s)}")
        print(f"           {big:>5} tasks: {_describe(b)}")
    for key, what in (("longest_ms", "wall clock"), ("thread_ms", "thread time")):
        s, b = typical[key]
        print(f"  longest task by {what} (median of the loads; worst): {small} tasks {s:.0f} ms ({worst[key][0]:.0f}), "
              f"{big} tasks {b:.0f} ms ({worst[key][1]:.0f}) = {b / s:.2f}x the {small}-task page's; "
              f"<= {BOUND_MS:.0f} ms at {big} tasks: {_verdict(b)}")
    print(f"  time to the drawn pane: {drawn:.2f}x the {small}-task page's (median)")
    return typical


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--small", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", metavar="DIR", type=pathlib.Path, default=None,
                        help="another build's lg_widgets/static: its pages are measured too, alternating")
    parser.add_argument("--trace", metavar="PATH", default=None,
                        help="also a Chromium trace (with the sampler) of one more load of the big page, "
                             "and what its long tasks are made of")
    parser.add_argument("--live", action="store_true", help="the pane live in JupyterLab, as the run streams")
    args = parser.parse_args(argv)
    if args.live:
        from benchmarks.timeline_live import measure_live, print_live

        print_live(args.tasks, args.small,
                   measure_live(args.tasks, args.small, args.rounds, _longest_tasks, args.baseline, args.trace), _verdict)
        if args.trace:
            print(f"\nWhat the long tasks of the last live run are made of ({args.trace}; the sampler about doubles them):")
            print("\n".join(chrome_trace.summarize(chrome_trace.load(args.trace), over_ms=30)))
        return 0
    from playwright.sync_api import sync_playwright

    builds: dict[str, pathlib.Path | None] = {"this build": None}
    if args.baseline:
        builds = {"baseline": args.baseline, **builds}
    results: dict[str, list[tuple[dict, dict]]] = {name: [] for name in builds}
    with tempfile.TemporaryDirectory() as tmp:
        folder = pathlib.Path(tmp)
        pages = {name: (page_of(args.small, folder, static, f"{i}_"), page_of(args.tasks, folder, static, f"{i}_"))
                 for i, (name, static) in enumerate(builds.items())}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                                 args=["--disable-gpu", "--disable-dev-shm-usage"])
            for _ in range(args.rounds):
                for name, (small, big) in pages.items():
                    results[name].append((measure(browser, small, args.small), measure(browser, big, args.tasks)))
            if args.trace:
                measure(browser, pages["this build"][1], args.tasks, args.trace, chrome_trace.CATEGORIES)
            browser.close()
    print(f"timeline of {args.tasks} tasks against {args.small}, {args.rounds} rounds (to_html page, offline, "
          f"from navigation until the page is still):")
    typical = {name: report(name, args.small, args.tasks, rows) for name, rows in results.items()}
    if args.baseline:
        for key, what in (("longest_ms", "wall clock"), ("thread_ms", "thread time")):
            (bs, bb), (ns, nb) = typical["baseline"][key], typical["this build"][key]
            print(f"this build against the baseline, longest task by {what}: {args.small} tasks {ns:.0f} / {bs:.0f} ms = "
                  f"{ns / bs:.2f}x, {args.tasks} tasks {nb:.0f} / {bb:.0f} ms = {nb / bb:.2f}x")
    if args.trace:
        print(f"\nWhat the long tasks of the {args.tasks}-task page are made of ({args.trace}; the sampler about doubles them):")
        print("\n".join(chrome_trace.summarize(chrome_trace.load(args.trace), over_ms=30)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
