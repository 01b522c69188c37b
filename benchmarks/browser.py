"""Browser figures: StreamView in JupyterLab (Debian's Chromium).

    python -m benchmarks.browser [--tokens N]        # a run of N tokens (default 10,000)
    python -m benchmarks.browser --scale [--tokens N --state-mb S]
        # 50,000 tokens and a 5 MB state beside the plain langgraph_sdk print loop, same session
    python -m benchmarks.browser --kernel-ingest [--tokens N --repeats R]
        # StreamView.run() of N canned events in a kernel whose views render in JupyterLab
    python -m benchmarks.browser --many-views [--views N]
        # compare_modes over every stream mode; a notebook of N finished views reopened
    ... --scale --trace PATH, --many-views --trace PATH
        # also a Chromium trace of the view's run (of the save, close and reopening), and what its long
        # tasks are made of (benchmarks/trace.py)

Prints the longest main-thread task (PerformanceObserver long tasks) while the
view streams the run, the longest task of the cell that starts it beside the
same figure for a cell that shows a plain ``ipywidgets.HTML`` (what running a
cell and adding a widget output costs JupyterLab itself), and the time from the
run's last event (arrival in the kernel, wall clock) to the page's last DOM change.
Reuses the browser suite's JupyterLab harness (tests/browser).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pathlib
import sys
import tempfile
from typing import Any

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "browser"))

from jupyter_harness import JupyterServer, NotebookDriver  # noqa: E402

from benchmarks import trace as chrome_trace  # noqa: E402
from benchmarks.page_tasks import LongTasks  # noqa: E402

import lg_widgets  # noqa: E402

# Installed before the page loads: long tasks, when the first view appeared, the last change inside views.
_OBSERVE_JS = """
window.__lgw = {tasks: [], viewAt: null, lastMutation: 0};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__lgw.tasks.push([e.startTime, e.duration]);
}).observe({type: "longtask", buffered: true});
new MutationObserver((records) => {
  if (records.some((r) => r.target.closest && r.target.closest(".lgw-root") ||
                          r.target.parentElement && r.target.parentElement.closest(".lgw-root"))) {
    window.__lgw.lastMutation = Date.now();
  }
  if (window.__lgw.viewAt === null && document.querySelector(".lgw-root")) window.__lgw.viewAt = performance.now();
}).observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
"""


def _longest(tasks: list, since: float, until: float = float("inf")) -> tuple[float, int]:
    """The longest of the long tasks that started in [since, until), and how many there were."""
    chosen = [duration for start, duration in tasks if since <= start < until]
    return max(chosen, default=0.0), len(chosen)


def measure(tokens: int) -> dict:
    from playwright.sync_api import sync_playwright

    server = lg_widgets.local_server()
    with tempfile.TemporaryDirectory(prefix="lgw-bench-") as home:
        lab = JupyterServer("lab", pathlib.Path(home), env={"LANGGRAPH_API_URL": server.url}).start()
        try:
            lab.write_notebook("bench.ipynb", [
                "from lg_widgets import StreamView\nimport ipywidgets, time",
                "ipywidgets.HTML('a plain widget')",
                f"view = StreamView('long', {{'tokens': {tokens}}}, "
                "stream_mode=['messages-tuple', 'debug', 'values']).start()\nview",
                "view._future.result(300)\n"
                "last = view.events[-1].time\n"
                "print(round((time.time() - (time.monotonic() - last)) * 1000))",
            ])
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                                     args=["--disable-gpu", "--disable-dev-shm-usage"])
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.add_init_script(_OBSERVE_JS)
                notebook = NotebookDriver(page, lab, "bench.ipynb").open()
                notebook.run_cell(0)
                now = "() => performance.now()"
                plain_from = page.evaluate(now)
                notebook.run_cell(1)
                page.wait_for_timeout(1000)  # its output's frames too
                view_from = page.evaluate(now)
                notebook.run_cell(2)
                notebook.wait_status(2, "done", timeout=300)
                last_event_ms = int(notebook.run_cell(3).strip().splitlines()[-1])
                # The DOM has settled when nothing inside the views changed for a second.
                page.wait_for_function("() => Date.now() - window.__lgw.lastMutation > 1000", timeout=60_000)
                observed = page.evaluate("() => window.__lgw")
                text_length = page.evaluate("() => document.querySelector('.lgw-text').textContent.length")
                # Prove the observer sees long tasks here: an 80 ms busy loop must show up as one.
                page.evaluate("() => setTimeout(() => { const t = performance.now(); while (performance.now() - t < 80) {} }, 0)")
                page.wait_for_function("(n) => window.__lgw.tasks.length > n", arg=len(observed["tasks"]), timeout=10_000)
                browser.close()
        finally:
            lab.stop()
    tasks, view_at = observed["tasks"], observed["viewAt"]
    plain, _ = _longest(tasks, plain_from, view_from)
    startup, _ = _longest(tasks, view_from, view_at)
    streaming, count = _longest(tasks, view_at)
    return {
        "tokens": tokens,
        "streaming_longest_ms": streaming,
        "streaming_long_tasks": count,
        "startup_longest_ms": startup,
        "plain_widget_cell_longest_ms": plain,
        "last_event_to_final_dom_ms": observed["lastMutation"] - last_event_ms,
        "text_chars_in_page": text_length,
    }


SCALE_GRAPHS = REPO / "benchmarks" / "graphs" / "langgraph.json"
SCALE_MODES = ["messages-tuple", "updates", "values"]
# The seed tutorials' loop: print every part as it arrives.
SDK_LOOP = """from langgraph_sdk import get_client
async for part in get_client(url=URL).runs.stream(None, "big", input=INPUT, stream_mode=MODES):
    print(f"Receiving new event of type: {part.event}...")
    print(part.data)
    print()"""
# The kernel's memory for the view's run: its resident size after the run (collected) less before it,
# beside the run's payload (the JSON text of every event the view received).
KERNEL_RSS = """import gc, os
def kernel_rss():
    gc.collect()
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
RSS_BEFORE = kernel_rss()"""
KERNEL_MEMORY = """held = kernel_rss() - RSS_BEFORE
payload = sum(len(event.raw or "") for event in view.events)
print(held, payload)"""

# What a reader does with a finished view: each action is measured on its own.
_VIEW_ACTIONS = {
    "open the state's keys": """(root) => {
        const rows = [...root.querySelectorAll(".lgw-state > .lgw-json > .lgw-json-children > .lgw-json-node > .lgw-json-row[aria-expanded='false']")];
        rows.forEach((row) => row.click()); return rows.length; }""",
    "open every diff's values": """(root) => {
        const rows = [...root.querySelectorAll(".lgw-op-value > .lgw-json-row[aria-expanded='false']")];
        rows.forEach((row) => row.click()); return rows.length; }""",
    "open every step card": """(root) => {
        const cards = [...root.querySelectorAll(".lgw-step-header[aria-expanded='false']")];
        cards.forEach((header) => header.click()); return cards.length; }""",
    "open the raw events": """(root) => { root.querySelector(".lgw-raw > .lgw-section-header").click(); return 1; }""",
    "open the graph": """(root) => { root.querySelector(".lgw-section-graph .lgw-section-header").click(); return 1; }""",
}


def _launch(playwright):
    return playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                      args=["--disable-gpu", "--disable-dev-shm-usage"])


@contextlib.contextmanager
def _tracing(browser, page, path: str | None):
    """Record a Chromium trace of what runs inside, at ``path`` (none when ``path`` is None)."""
    if not path:
        yield
        return
    browser.start_tracing(page=page, path=path, categories=chrome_trace.CATEGORIES)
    try:
        yield
    finally:
        browser.stop_tracing()


def _print_trace(path: str | None) -> None:
    if path:
        print(f"\nWhat the long tasks are made of ({path}; the sampler about doubles them):")
        print("\n".join(chrome_trace.summarize(chrome_trace.load(path))))


def _save_and_reopen(notebook: NotebookDriver, lab: JupyterServer, tasks: LongTasks, statuses=("done",),
                     views: int = 1, timeout: float = 300):
    """Save the notebook (widget state included), close it and its kernel, open it again in the same
    JupyterLab (a fresh kernel that runs nothing): the long tasks until its views are back and settled."""
    notebook.command("docmanager:save")
    notebook.wait_js("!panel.context.model.dirty")
    notebook.js("await panel.sessionContext.shutdown(); panel.dispose(); return true;")
    lab.shutdown_kernels()

    def reopen():
        notebook.command("docmanager:open", {"path": notebook.name})
        notebook.wait_ready()
        notebook.wait_js(f"panel.node.querySelectorAll('.lgw-root').length >= {views} && "
                         f"[...panel.node.querySelectorAll('.lgw-root')].every((r) => "
                         f"{list(statuses)!r}.includes(r.getAttribute('data-status')))", timeout=timeout)

    return tasks.during(reopen, quiet=2.0)


def measure_scale(tokens: int, state_mb: float, modes: list[str] = SCALE_MODES, trace: str | None = None) -> dict:
    """Longest main-thread task and wall time of StreamView vs the SDK print loop on one big run each;
    then what a reader does with the finished view, and a reload of the saved notebook.
    ``trace``: a path for a Chromium trace of the view's run (benchmarks/trace.py)."""
    from playwright.sync_api import sync_playwright

    server = lg_widgets.local_server(SCALE_GRAPHS)
    setup = (f"from lg_widgets import StreamView\nURL = {server.url!r}\n"
             f"INPUT = {{'tokens': {tokens}, 'state_mb': {state_mb}}}\nMODES = {modes!r}")
    cells = [setup + "\n" + KERNEL_RSS, "view = StreamView('big', INPUT, url=URL, stream_mode=MODES).start()\nview",
             SDK_LOOP, KERNEL_MEMORY]
    results: dict[str, Any] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="lgw-bench-") as home:
            lab = JupyterServer("lab", pathlib.Path(home)).start()
            try:
                lab.write_notebook("scale.ipynb", cells)
                with sync_playwright() as playwright:
                    browser = _launch(playwright)
                    page = browser.new_page(viewport={"width": 1280, "height": 900})
                    tasks = LongTasks(page)
                    notebook = NotebookDriver(page, lab, "scale.ipynb").open()
                    notebook.run_cell(0)

                    def run_view():
                        notebook.run_cell(1)
                        notebook.wait_status(1, ("done", "error"), timeout=600)

                    # Settled: nothing in the page changed for two seconds.
                    with _tracing(browser, page, trace):
                        results["view"] = tasks.during(run_view, quiet=2.0)
                    results["status"] = notebook.view(1).get_attribute("data-status")
                    held, payload = notebook.run_cell(3).strip().splitlines()[-1].split()
                    results["kernel_held"], results["payload"] = int(held), int(payload)
                    root = notebook.view_handle(1)
                    for name, script in _VIEW_ACTIONS.items():
                        results[name] = tasks.during(lambda: page.evaluate(script, root))
                    results["reload"] = _save_and_reopen(notebook, lab, tasks)
                    notebook.run_cell(0)
                    results["sdk"] = tasks.during(lambda: notebook.run_cell(2, timeout=900), quiet=2.0)
                    browser.close()
            finally:
                lab.stop()
    finally:
        server.stop()
    return results


def print_scale(tokens: int, state_mb: float, modes: list[str] = SCALE_MODES, trace: str | None = None) -> None:
    r = measure_scale(tokens, state_mb, modes, trace)
    view, sdk = r["view"], r["sdk"]
    size = f"{tokens:,} tokens and a {state_mb:g} MB state ({'+'.join(modes)})"
    print(f"| browser: {size}, StreamView streaming and ending | longest task {view.describe()}, "
          f"wall {view.wall_s:.1f} s ({r['status']}) | ≤ 50 ms |")
    print(f"| the same run, plain langgraph_sdk print loop | longest task {sdk.describe()}, wall {sdk.wall_s:.1f} s | — |")
    print(f"| wall time, StreamView / SDK print loop | {view.wall_s / sdk.wall_s:.2f}× | ≤ 1.0× |")
    held, payload = r["kernel_held"], r["payload"]
    print(f"| kernel memory for the view's run (resident, after gc) / its payload | {held / payload:.2f}× "
          f"({held / 1e6:.1f} MB for {payload / 1e6:.1f} MB) | ≤ 2× |")
    for name in [*_VIEW_ACTIONS, "reload"]:
        what = "reload of the saved notebook (a fresh kernel)" if name == "reload" else name
        print(f"| browser: the finished view, {what} | longest task {r[name].describe()} | ≤ 50 ms |")
    _print_trace(trace)


#: Every stream mode of the runs API: one view each in one compare_modes output.
ALL_MODES = ["values", "updates", "messages-tuple", "messages", "debug", "custom", "events", "tasks", "checkpoints"]


def measure_many_views(tokens: int, state_mb: float, views: int = 20, trace: str | None = None) -> dict:
    """compare_modes over every mode (nine views shown at once), and a notebook of ``views`` finished
    views reopened from its saved state, each beside a plain ipywidgets.HTML cell of the same page.
    ``trace``: a path for a Chromium trace of the save, close and reopening (benchmarks/trace.py)."""
    from playwright.sync_api import sync_playwright

    server = lg_widgets.local_server(SCALE_GRAPHS)
    input_ = f"{{'tokens': {tokens}, 'state_mb': {state_mb}}}"
    setup = (f"from lg_widgets import StreamView, compare_modes\nimport ipywidgets\nURL = {server.url!r}\n"
             f"INPUT = {input_}")
    compare = f"compare_modes('big', INPUT, modes={ALL_MODES!r}, url=URL, thread_id='new')"
    one = "StreamView('big', INPUT, url=URL).run()"
    results: dict[str, Any] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="lgw-bench-") as home:
            lab = JupyterServer("lab", pathlib.Path(home)).start()
            try:
                lab.write_notebook("compare.ipynb", [setup, "ipywidgets.HTML('a plain widget')", compare])
                lab.write_notebook("many.ipynb", [setup] + [one] * views)
                with sync_playwright() as playwright:
                    browser = _launch(playwright)
                    page = browser.new_page(viewport={"width": 1280, "height": 900})
                    tasks = LongTasks(page)
                    notebook = NotebookDriver(page, lab, "compare.ipynb").open()
                    notebook.run_cell(0)
                    results["plain"] = tasks.during(lambda: notebook.run_cell(1))

                    def compare_all():
                        notebook.run_cell(2, timeout=900)
                        notebook.wait_js(f"panel.node.querySelectorAll('.lgw-root').length === {len(ALL_MODES)}")

                    results["compare"] = tasks.during(compare_all, quiet=2.0)
                    results["compare_views"] = page.locator(".lgw-root").count()
                    notebook.js("await panel.sessionContext.shutdown(); panel.dispose(); return true;")
                    lab.shutdown_kernels()

                    notebook = NotebookDriver(page, lab, "many.ipynb")
                    notebook.command("docmanager:open", {"path": notebook.name})
                    notebook.wait_ready()
                    notebook.run_all(timeout=900)
                    with _tracing(browser, page, trace):
                        results["reopen"] = _save_and_reopen(notebook, lab, tasks, views=views)
                    results["reopen_views"] = notebook.panel.locator(".lgw-root").count()
                    browser.close()
            finally:
                lab.stop()
    finally:
        server.stop()
    return results


def print_many_views(tokens: int, state_mb: float, views: int = 20, trace: str | None = None) -> None:
    r = measure_many_views(tokens, state_mb, views, trace)
    size = f"{tokens:,} tokens, {state_mb:g} MB state"
    print(f"| browser: compare_modes over the {r['compare_views']} stream modes of one run ({size}), "
          f"run and shown | longest task {r['compare'].describe()} | ≤ 50 ms |")
    print(f"| browser: a notebook of {r['reopen_views']} finished views ({size} each) reopened from its "
          f"saved state | longest task {r['reopen'].describe()} | ≤ 50 ms |")
    print(f"| (same page: a cell showing ipywidgets.HTML) | longest task {r['plain'].describe()} | — |")
    _print_trace(trace)


KERNEL_INGEST_CELLS = [
    """import asyncio, concurrent.futures, json, statistics, sys, time
sys.path.insert(0, REPO)
from IPython.display import display
from benchmarks.__main__ import E2E_MODES, baseline_ingest, lg_ingest
from lg_widgets import StreamView
pool = concurrent.futures.ThreadPoolExecutor(1)

def timed(work):  # wall time, and the kernel process's CPU time (all its threads: the comm's too)
    t, c = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - t, time.process_time() - c

def base():
    return timed(lambda: pool.submit(asyncio.run, baseline_ingest(URL)).result())

def floor():  # the client and the fold alone: what any view builds on
    return timed(lambda: pool.submit(asyncio.run, lg_ingest(URL)).result())

def muted():  # a whole view whose page gets nothing: no delta, no final traits (a measurement only)
    view = StreamView("canned", url=URL, stream_mode=E2E_MODES)
    view._frame = lambda: None
    view._set_final_traits = lambda values: None
    return timed(view.run)

def ours():
    view = StreamView("canned", url=URL, stream_mode=E2E_MODES)
    display(view)  # a page attached: the view renders in this cell's output while it streams
    return timed(view.run)""",
    """paths = {"base": base, "floor": floor, "muted": muted, "view": ours}
rounds = [{name: run() for name, run in paths.items()} for _ in range(REPEATS)]
med = statistics.median
# Each path's median wall and CPU time, and the median of its ratios to the baseline of the same round.
print(json.dumps({name: {"ms": med(r[name][0] for r in rounds) * 1000, "cpu_ms": med(r[name][1] for r in rounds) * 1000,
                         "ratio": med(r[name][0] / r["base"][0] for r in rounds),
                         "cpu_ratio": med(r[name][1] / r["base"][1] for r in rounds)} for name in paths}))""",
]


def measure_kernel_ingest(events: int, repeats: int) -> dict:
    """``StreamView.run()`` in a real kernel whose views render in JupyterLab, against raw httpx-sse +
    json.loads in the same kernel: the median of the ratios of back-to-back rounds. Each round also
    times what the view's figure stands on: the client and the fold alone (``floor``), and a whole
    view that sends its page nothing (``muted``)."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(REPO))
    from benchmarks.canned import CannedServer

    with CannedServer(events) as canned, tempfile.TemporaryDirectory(prefix="lgw-bench-") as home:
        setup = f"URL = {canned.url!r}\nREPO = {str(REPO)!r}\nREPEATS = {repeats}\n"
        lab = JupyterServer("lab", pathlib.Path(home)).start()
        try:
            lab.write_notebook("ingest.ipynb", [setup + KERNEL_INGEST_CELLS[0], KERNEL_INGEST_CELLS[1]])
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                                     args=["--disable-gpu", "--disable-dev-shm-usage"])
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                notebook = NotebookDriver(page, lab, "ingest.ipynb").open()
                notebook.run_cell(0)
                figures = json.loads(notebook.run_cell(1, timeout=600).strip().splitlines()[-1])
                figures["views_done"] = page.locator(".lgw-root[data-status='done']").count()
                browser.close()
        finally:
            lab.stop()
    return figures


def print_kernel_ingest(events: int, repeats: int) -> None:
    r = measure_kernel_ingest(events, repeats)
    view, base = r["view"], r["base"]
    print(f"| widget ingest with a page attached: {events:,} canned events through StreamView.run() in a "
          f"kernel whose views render in JupyterLab | raw httpx-sse + json.loads, same kernel | "
          f"{view['ratio']:.2f}× ({view['ms']:.0f} vs {base['ms']:.0f} ms; {r['views_done']} views rendered) | ≤ 1.15× |")
    print(f"| (same runs: the kernel process's CPU time, all its threads) | the same baseline's CPU time | "
          f"{view['cpu_ratio']:.2f}× ({view['cpu_ms']:.0f} vs {base['cpu_ms']:.0f} ms) | — |")
    for name, what in (("floor", "the client and the fold alone (no view)"),
                       ("muted", "a whole view whose page gets nothing (no delta, no final traits)")):
        print(f"| (same rounds: {what}) | the same baseline | {r[name]['ratio']:.2f}× wall ({r[name]['ms']:.0f} ms), "
              f"{r[name]['cpu_ratio']:.2f}× CPU ({r[name]['cpu_ms']:.0f} ms) | — |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tokens", type=int, default=None)
    parser.add_argument("--scale", action="store_true", help="the big run beside the SDK print loop")
    parser.add_argument("--state-mb", type=float, default=None)
    parser.add_argument("--kernel-ingest", action="store_true",
                        help="StreamView.run() in a kernel with its page attached vs raw httpx-sse")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--modes", default=",".join(SCALE_MODES), help="stream modes of the --scale run")
    parser.add_argument("--many-views", action="store_true",
                        help="compare_modes over every mode, and a notebook of finished views reopened")
    parser.add_argument("--views", type=int, default=20)
    parser.add_argument("--trace", metavar="PATH", default=None,
                        help="with --scale or --many-views: write a Chromium trace of the view's run (of the save, close "
                             "and reopening) to PATH and say what its long tasks are made of; it slows the page")
    args = parser.parse_args(argv)
    if args.many_views:
        print_many_views(args.tokens or 5_000, args.state_mb or 0.2, args.views, args.trace)
        return 0
    if args.kernel_ingest:
        print_kernel_ingest(args.tokens or 10_000, args.repeats)
        return 0
    if args.scale:
        print_scale(args.tokens or 50_000, args.state_mb or 5.0, args.modes.split(","), args.trace)
        return 0
    args.tokens = args.tokens or 10_000
    r = measure(args.tokens)
    print(f"| browser: longest main-thread task while the view streams a {args.tokens:,}-token run | "
          f"{r['streaming_longest_ms']:.0f} ms ({r['streaming_long_tasks']} long tasks) | ≤ 50 ms |")
    print(f"| browser: longest task of the cell that starts the view | {r['startup_longest_ms']:.0f} ms, vs "
          f"{r['plain_widget_cell_longest_ms']:.0f} ms for a cell showing ipywidgets.HTML | — |")
    print(f"| browser: last event (kernel) to final DOM | {r['last_event_to_final_dom_ms']:.0f} ms | ≤ 200 ms |")
    print(f"(page shows {r['text_chars_in_page']:,} characters; Chromium {os.environ.get('CHROMIUM', '/usr/bin/chromium')})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
