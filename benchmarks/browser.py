"""Browser figures: a 10,000-token run rendered by StreamView in JupyterLab (Debian's Chromium).

    python -m benchmarks.browser [--tokens N]

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tokens", type=int, default=10_000)
    args = parser.parse_args(argv)
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
