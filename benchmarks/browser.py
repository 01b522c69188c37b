"""Browser figures: StreamView in JupyterLab (Debian's Chromium).

    python -m benchmarks.browser [--tokens N]        # a run of N tokens (default 10,000)
    python -m benchmarks.browser --scale [--tokens N --state-mb S]
        # 50,000 tokens and a 5 MB state beside the plain langgraph_sdk print loop, same session
    python -m benchmarks.browser --kernel-ingest [--tokens N --repeats R]
        # StreamView.run() of N canned events in a kernel whose views render in JupyterLab

Prints the longest main-thread task (PerformanceObserver long tasks) while the
view streams the run, the longest task of the cell that starts it beside the
same figure for a cell that shows a plain ``ipywidgets.HTML`` (what running a
cell and adding a widget output costs JupyterLab itself), and the time from the
run's last event (arrival in the kernel, wall clock) to the page's last DOM change.
Reuses the browser suite's JupyterLab harness (tests/browser).
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys
import tempfile

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "browser"))

from jupyter_harness import JupyterServer, NotebookDriver  # noqa: E402

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


def measure_scale(tokens: int, state_mb: float) -> dict:
    """Longest main-thread task and wall time of StreamView vs the SDK print loop on one big run each."""
    from playwright.sync_api import sync_playwright

    server = lg_widgets.local_server(SCALE_GRAPHS)
    setup = (f"from lg_widgets import StreamView\nURL = {server.url!r}\n"
             f"INPUT = {{'tokens': {tokens}, 'state_mb': {state_mb}}}\nMODES = {SCALE_MODES!r}")
    cells = [setup, "view = StreamView('big', INPUT, url=URL, stream_mode=MODES).start()\nview", SDK_LOOP]
    results = {}
    with tempfile.TemporaryDirectory(prefix="lgw-bench-") as home:
        lab = JupyterServer("lab", pathlib.Path(home)).start()
        try:
            lab.write_notebook("scale.ipynb", cells)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                                     args=["--disable-gpu", "--disable-dev-shm-usage"])
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.add_init_script(_OBSERVE_ALL_JS)
                notebook = NotebookDriver(page, lab, "scale.ipynb").open()
                notebook.run_cell(0)
                for name, index in (("view", 1), ("sdk", 2)):
                    start = page.evaluate("() => performance.now()")
                    run = notebook.start_cell(index)
                    if name == "view":
                        notebook.wait_status(index, ("done", "error"), timeout=600)
                    notebook.wait_run(run, timeout=600)
                    # Settled: nothing in the page changed for two seconds.
                    page.wait_for_function("() => performance.now() - window.__lgwAll.lastMutation > 2000",
                                           timeout=600_000, polling=200)
                    observed = page.evaluate("() => window.__lgwAll")
                    tasks = [d for t, d in observed["tasks"] if t >= start]
                    results[name] = {"wall_s": (observed["lastMutation"] - start) / 1000,
                                     "longest_ms": max(tasks, default=0.0), "long_tasks": len(tasks),
                                     "blocked_ms": sum(tasks)}
                results["view"]["status"] = page.evaluate(
                    "() => document.querySelector('.lgw-root').getAttribute('data-status')")
                browser.close()
        finally:
            lab.stop()
    return results


# Long tasks, and the last DOM change anywhere in the page (performance.now() time).
_OBSERVE_ALL_JS = """
window.__lgwAll = {tasks: [], lastMutation: 0};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__lgwAll.tasks.push([e.startTime, e.duration]);
}).observe({type: "longtask", buffered: true});
new MutationObserver(() => { window.__lgwAll.lastMutation = performance.now(); })
  .observe(document, {subtree: true, childList: true, characterData: true});
"""


def print_scale(tokens: int, state_mb: float) -> None:
    r = measure_scale(tokens, state_mb)
    view, sdk = r["view"], r["sdk"]
    print(f"| browser: {tokens:,} tokens and a {state_mb:g} MB state, StreamView | longest task "
          f"{view['longest_ms']:.0f} ms ({view['long_tasks']} long tasks, {view['blocked_ms']:.0f} ms blocked), "
          f"wall {view['wall_s']:.1f} s ({view['status']}) | ≤ 50 ms |")
    print(f"| the same run, plain langgraph_sdk print loop | longest task {sdk['longest_ms']:.0f} ms "
          f"({sdk['long_tasks']} long tasks, {sdk['blocked_ms']:.0f} ms blocked), wall {sdk['wall_s']:.1f} s | — |")
    print(f"| wall time, StreamView / SDK print loop | {view['wall_s'] / sdk['wall_s']:.2f}× | ≤ 1.1× |")


KERNEL_INGEST_CELLS = [
    """import asyncio, concurrent.futures, statistics, sys, time
sys.path.insert(0, REPO)
from IPython.display import display
from benchmarks.__main__ import E2E_MODES, baseline_ingest
from lg_widgets import StreamView
pool = concurrent.futures.ThreadPoolExecutor(1)

def base():
    t = time.perf_counter()
    pool.submit(asyncio.run, baseline_ingest(URL)).result()
    return time.perf_counter() - t

def ours():
    view = StreamView("canned", url=URL, stream_mode=E2E_MODES)
    display(view)  # a page attached: the view renders in this cell's output while it streams
    t = time.perf_counter()
    view.run()
    return time.perf_counter() - t""",
    """pairs = []
for _ in range(REPEATS):
    b = base()
    o = ours()
    pairs.append((o, b))
print(statistics.median(o / b for o, b in pairs), statistics.median(o for o, _ in pairs), statistics.median(b for _, b in pairs))""",
]


def measure_kernel_ingest(events: int, repeats: int) -> dict:
    """``StreamView.run()`` in a real kernel whose views render in JupyterLab, against raw httpx-sse +
    json.loads in the same kernel: the median of back-to-back pair ratios."""
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
                ratio, ours, base = map(float, notebook.run_cell(1, timeout=600).split()[-3:])
                views = page.locator(".lgw-root[data-status='done']").count()
                browser.close()
        finally:
            lab.stop()
    return {"events": events, "ratio": ratio, "ours_ms": ours * 1000, "base_ms": base * 1000, "views_done": views}


def print_kernel_ingest(events: int, repeats: int) -> None:
    r = measure_kernel_ingest(events, repeats)
    print(f"| widget ingest with a page attached: {events:,} canned events through StreamView.run() in a "
          f"kernel whose views render in JupyterLab | raw httpx-sse + json.loads, same kernel | "
          f"{r['ratio']:.2f}× ({r['ours_ms']:.0f} vs {r['base_ms']:.0f} ms; {r['views_done']} views rendered) | ≤ 1.15× |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tokens", type=int, default=None)
    parser.add_argument("--scale", action="store_true", help="the big run beside the SDK print loop")
    parser.add_argument("--state-mb", type=float, default=5.0)
    parser.add_argument("--kernel-ingest", action="store_true",
                        help="StreamView.run() in a kernel with its page attached vs raw httpx-sse")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    if args.kernel_ingest:
        print_kernel_ingest(args.tokens or 10_000, args.repeats)
        return 0
    if args.scale:
        print_scale(args.tokens or 50_000, args.state_mb)
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
