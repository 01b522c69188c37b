"""Browser figures: a 10,000-token run rendered by StreamView in JupyterLab (Debian's Chromium).

    python -m benchmarks.browser [--tokens N]

Prints the longest main-thread task while the page renders the run
(PerformanceObserver long tasks) and the time from the run's last event
(arrival in the kernel, wall clock) to the page's last DOM change.
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

# Installed before the page loads: long tasks and the last change inside the views.
_OBSERVE_JS = """
window.__lgw = {longest: 0, tasks: 0, lastMutation: 0, armed: false};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (!window.__lgw.armed) continue;
    window.__lgw.tasks += 1;
    window.__lgw.longest = Math.max(window.__lgw.longest, e.duration);
  }
}).observe({type: "longtask", buffered: true});
new MutationObserver((records) => {
  if (records.some((r) => r.target.closest && r.target.closest(".lgw-root") ||
                          r.target.parentElement && r.target.parentElement.closest(".lgw-root"))) {
    window.__lgw.lastMutation = Date.now();
  }
}).observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
"""


def measure(tokens: int) -> dict:
    from playwright.sync_api import sync_playwright

    server = lg_widgets.local_server()
    with tempfile.TemporaryDirectory(prefix="lgw-bench-") as home:
        lab = JupyterServer("lab", pathlib.Path(home), env={"LANGGRAPH_API_URL": server.url}).start()
        try:
            lab.write_notebook("bench.ipynb", [
                "from lg_widgets import StreamView\nimport time",
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
                page.evaluate("() => { window.__lgw.armed = true; window.__lgw.longest = 0; }")
                notebook.run_cell(1)
                notebook.wait_status(1, "done", timeout=300)
                last_event_ms = int(notebook.run_cell(2).strip().splitlines()[-1])
                # The DOM has settled when nothing inside the views changed for a second.
                page.wait_for_function("() => Date.now() - window.__lgw.lastMutation > 1000", timeout=60_000)
                figures = page.evaluate("() => window.__lgw")
                text_length = page.evaluate("() => document.querySelector('.lgw-text').textContent.length")
                # Prove the observer sees long tasks here: an 80 ms busy loop must show up as one.
                page.evaluate("() => setTimeout(() => { const t = performance.now(); while (performance.now() - t < 80) {} }, 0)")
                page.wait_for_function("(n) => window.__lgw.tasks > n", arg=figures["tasks"], timeout=10_000)
                browser.close()
        finally:
            lab.stop()
    return {
        "tokens": tokens,
        "longest_task_ms": figures["longest"],
        "long_tasks": figures["tasks"],
        "last_event_to_final_dom_ms": figures["lastMutation"] - last_event_ms,
        "text_chars_in_page": text_length,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tokens", type=int, default=10_000)
    args = parser.parse_args(argv)
    result = measure(args.tokens)
    print(f"| browser: longest main-thread task while rendering a {args.tokens:,}-token run | "
          f"{result['longest_task_ms']:.0f} ms ({result['long_tasks']} long tasks) | ≤ 50 ms |")
    print(f"| browser: last event (kernel) to final DOM | {result['last_event_to_final_dom_ms']:.0f} ms | ≤ 200 ms |")
    print(f"(page shows {result['text_chars_in_page']:,} characters; Chromium {os.environ.get('CHROMIUM', '/usr/bin/chromium')})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
