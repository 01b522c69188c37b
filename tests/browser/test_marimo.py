"""notebooks/marimo_quickstart.py, as shipped, in ``marimo run`` (headless, loopback, no token), in Chromium.

marimo shows a StreamView as a cell's output (its anywidget formatter) and carries the
comm messages the run sends from lg_widgets' background thread. With no url, the views
start the embedded server. Both views must reach ``done`` with their text; the long
run's text must be seen growing while it runs (sampled every 50 ms in the page); a
request from the page (the raw-events pager) must get the kernel's reply.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import pytest
from playwright.sync_api import expect

from jupyter_harness import REPO
from page_checks import ROOTS_JS
from lg_widgets.demo.long import WORDS
from lg_widgets.server import free_port, stop_process_group
from lg_widgets.transport.settings import tls_context

pytestmark = [pytest.mark.browser, pytest.mark.server]

NOTEBOOK = REPO / "notebooks" / "marimo_quickstart.py"
LONG_TOKENS = 4000  # what the notebook asks the `long` graph for
START_TIMEOUT = 90.0

# Every 50 ms: (status, text length) of each view, looking inside marimo's (open) shadow roots.
_SAMPLE_JS = """
() => {
""" + ROOTS_JS + """  window.__lgwSamples = [];
  setInterval(() => {
    window.__lgwSamples.push(roots(document).map((root) => {
      const text = root.querySelector(".lgw-text");
      return [root.getAttribute("data-status"), text ? text.textContent.length : -1];
    }));
  }, 50);
}
"""


@pytest.fixture(scope="module")
def marimo_app(tmp_path_factory):
    """``marimo run`` of the shipped notebook; the views start their own embedded server."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("LANGGRAPH_API_URL", "LANGGRAPH_API_KEY")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    log_path = tmp_path_factory.mktemp("marimo") / "marimo.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "marimo", "run", str(NOTEBOOK), "--headless", "--host", "127.0.0.1",
             "--port", str(port), "--no-token", "--no-sandbox"],
            cwd=log_path.parent, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None or time.monotonic() > deadline:
            stop_process_group(process, 15)
            pytest.fail(f"marimo run did not start:\n{log_path.read_text(errors='replace')[-3000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=1.0, verify=tls_context()).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    yield url
    stop_process_group(process, 15)


def _long_text() -> str:
    return " ".join(f"{WORDS[i % len(WORDS)]}{i}" for i in range((LONG_TOKENS + 1) // 2))


def test_marimo_quickstart_streams_live_and_finishes(marimo_app, page):
    page.add_init_script(f"({_SAMPLE_JS})()")
    page.goto(marimo_app)
    views = page.locator(".lgw-root")  # Playwright's CSS locators pierce open shadow roots
    expect(views).to_have_count(2, timeout=60_000)
    joke, long_run = views.nth(0), views.nth(1)
    for view in (joke, long_run):
        expect(view).to_have_attribute("data-status", "done", timeout=90_000)
    expect(joke.locator(".lgw-text")).to_contain_text("marimo")
    expect(joke.locator(".lgw-step")).to_have_count(2)
    expect(long_run.locator(".lgw-text")).to_have_text(_long_text())
    expect(long_run.locator(".lgw-text")).to_be_visible()

    # The long run's text grew while it was running: several different lengths, in order. The
    # page says `done` only with the final traits, so the last delta's whole text may show while
    # it still says `running` (as in JupyterLab, tests/browser/test_lab.py).
    samples = page.evaluate("() => window.__lgwSamples")
    running = [s[1][1] for s in samples if len(s) == 2 and s[1][0] == "running" and s[1][1] > 0]
    assert len(set(running)) >= 3, running
    assert running == sorted(running) and running[0] < running[-1] <= len(_long_text())

    # A request from the page reaches the kernel and its reply comes back (raw events, paged on demand).
    joke.locator(".lgw-raw > .lgw-section-header").click()
    expect(joke.locator(".lgw-raw-event").first).to_be_visible()
    expect(joke.locator(".lgw-raw-event-name").first).to_contain_text("event: metadata")
