"""Browser tests: one real JupyterLab (and, for one test, Notebook 7) per session, driven in Chromium.

Run: ``PYTHONPATH=.:tests python -m pytest tests/browser`` (``make test`` runs them too).
The kernel streams from the session's ``langgraph dev`` (``demo_server_process`` in
tests/conftest.py) through ``$LANGGRAPH_API_URL``, so notebook code is exactly what a
user types: ``StreamView("joke", {...}).start()``. Every test that opens a notebook is in the
``server`` tier too, and the runs its kernel left are stopped after it (``drain``).

Chromium is Debian's ``/usr/bin/chromium`` (Playwright cannot download its own here);
without it every browser test fails with a message saying how to install it: never a skip.
Screenshots go to ``test-artifacts/`` (also one per failing test).
"""

from __future__ import annotations

import os
import pathlib
import re

import pytest

from drain import drain
from jupyter_harness import REPO, JupyterServer, NotebookDriver

CHROMIUM = pathlib.Path("/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"
VIEWPORT = {"width": 1400, "height": 1000}

# Errors of Jupyter itself that say nothing about the widget: (kind, message, where).
BENIGN_ERRORS = [
    # Notebook 7.6's shortcuts plugin, while the page loads, even for an empty notebook.
    ("pageerror", re.compile(r"^Cannot read properties of undefined \(reading 'schema'\)$"),
     re.compile(r"/static/notebook/notebook_core\.")),
]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


# ------------------------------------------------------------------ browser


@pytest.fixture(scope="session")
def chromium_executable() -> pathlib.Path:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"The browser tests need Debian's Chromium at {CHROMIUM}, which is missing. "
            "Install it with `make browser-deps` (sh scripts/install_chromium.sh) or "
            "`apt-get install chromium`. Browser tests never skip.",
            pytrace=False,
        )
    return CHROMIUM


class SharedChromium:
    """One headless Chromium per pytest process, launched by the first browser test and kept for the
    next ones, in every module: a launch and the first JupyterLab load cost about 4 s of CPU, and the
    browser tier is bound by the CPU. A pytest plugin (registered in ``pytest_configure``) so that it
    sees every test, not only those of this folder: while Playwright's sync API is started it keeps
    its event loop set as the running loop, which breaks asyncio tests, so it is stopped before any
    test that does not use the browser (and relaunched by the next one that does)."""

    def __init__(self):
        self._playwright = None
        self.browser = None

    def launch(self, executable: pathlib.Path):
        if self.browser is None:
            from playwright.sync_api import sync_playwright

            self._playwright = sync_playwright().start()
            self.browser = self._playwright.chromium.launch(
                executable_path=str(executable),
                headless=True,
                args=["--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check"],
            )
        return self.browser

    def stop(self) -> None:
        if self._playwright is not None:
            try:
                self.browser.close()
            finally:
                self._playwright.stop()
                self._playwright = self.browser = None

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item):
        if "browser" not in item.fixturenames:
            self.stop()

    def pytest_sessionfinish(self):
        self.stop()


def pytest_configure(config):
    config.pluginmanager.register(SharedChromium(), "lgw-shared-chromium")


@pytest.fixture
def browser(chromium_executable, request):
    """Headless Chromium (``SharedChromium``): each test makes its own context or takes the shared
    JupyterLab page (``lab_page``)."""
    return request.config.pluginmanager.get_plugin("lgw-shared-chromium").launch(chromium_executable)


@pytest.fixture(scope="session")
def artifacts() -> pathlib.Path:
    ARTIFACTS.mkdir(exist_ok=True)
    for stale in ARTIFACTS.glob("failure-*.png"):  # what is left describes this session
        stale.unlink()
    return ARTIFACTS


class ConsoleWatch:
    """Console errors and uncaught page errors seen by one page (minus Jupyter's own known ones)."""

    def __init__(self, page):
        self.errors: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)

    def _add(self, kind: str, message: str, where: str) -> None:
        for benign_kind, text, place in BENIGN_ERRORS:
            if kind == benign_kind and text.search(message) and place.search(where):
                return
        self.errors.append(f"{kind}: {message}\n  at {where}")

    def _on_console(self, message) -> None:
        if message.type == "error":
            location = message.location or {}
            self._add("console.error", message.text, f"{location.get('url', '')}:{location.get('lineNumber', '')}")

    def _on_page_error(self, error) -> None:
        self._add("pageerror", error.message, error.stack or "")

    def unexpected(self) -> list[str]:
        return list(self.errors)


def _safe_name(node_name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", node_name).strip("-")[:80]


def _close_page(page, request) -> None:
    """Screenshot the page if the test failed, then close it (once)."""
    if page.is_closed():
        return
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        try:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"failure-{_safe_name(request.node.name)}.png"), full_page=True)
        except Exception:  # the page may be gone; the failure itself is what matters
            pass
    page.close()


def _new_page(browser):
    """A page in a browser context of its own, its console errors watched."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(30_000)
    from playwright.sync_api import expect

    # Assertions wait as long as actions: a first JupyterLab load on a busy CI machine takes more
    # than expect's default 5 s (the kernel dialog once came later than that).
    expect.set_options(timeout=30_000)
    page = context.new_page()
    page.console_watch = ConsoleWatch(page)
    return page


@pytest.fixture
def page(browser, artifacts, request):
    """A fresh page (own browser context); its console errors fail the test; a screenshot on failure."""
    page = _new_page(browser)
    context = page.context
    yield page
    _close_page(page, request)
    context.close()
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.passed:
        errors = page.console_watch.unexpected()
        assert not errors, "the page logged errors:\n" + "\n".join(errors)


# ------------------------------------------------------------------ servers


def _jupyter(app: str, server, tmp_path_factory):
    """A Jupyter server whose kernels reach the demo graphs' ``langgraph dev`` through $LANGGRAPH_API_URL."""
    jupyter = JupyterServer(app, tmp_path_factory.mktemp(app), env={"LANGGRAPH_API_URL": server.url})
    jupyter.start()
    yield jupyter
    jupyter.stop()


@pytest.fixture(scope="session")
def lab_server(demo_server_process, tmp_path_factory):
    """JupyterLab 4."""
    yield from _jupyter("lab", demo_server_process, tmp_path_factory)


@pytest.fixture(scope="session")
def notebook7_server(demo_server_process, tmp_path_factory):
    """Jupyter Notebook 7 (started only when a test asks for it)."""
    yield from _jupyter("notebook", demo_server_process, tmp_path_factory)


def _notebook_opener(jupyter: JupyterServer, page, request, in_open_app: bool = False):
    def open_notebook(cells: list[str], name: str | None = None) -> NotebookDriver:
        name = name or f"{_safe_name(request.node.name)}.ipynb"
        jupyter.write_notebook(name, cells)
        return NotebookDriver(page, jupyter, name).open(in_open_app=in_open_app)

    return open_notebook


class LabPage:
    """One JupyterLab page that the tests take in turn (in every module), each opening its own notebook
    (on its own kernel) in the JupyterLab already loaded: 3.9 s of CPU where loading JupyterLab
    again takes 5.2 s, and the browser tier is bound by the CPU. A test gets the page back as a
    user would leave it after closing a notebook: no notebook open, the viewport and the page's
    test globals (``window.__lgw*``) reset, and only its own console errors count. After a failure
    the page is closed, so the next test starts on a new one."""

    def __init__(self):
        self._browser = None
        self.page = None
        self._errors_before = 0

    def begin(self, browser):
        if browser is not self._browser or self.page is None or self.page.is_closed():
            self._browser = browser
            self.page = _new_page(browser)
        else:
            self.page.set_viewport_size(VIEWPORT)
            # The last test's samplers stop (observers, timers), then every test global goes.
            self.page.evaluate("""() => { for (const key of Object.keys(window)) if (key.startsWith('__lgw')) {
                const value = window[key];
                if (value && typeof value.disconnect === 'function') value.disconnect();
                if (/(Timer|Sampler)$/.test(key)) clearInterval(value);
                delete window[key]; } }""")
        self._errors_before = len(self.page.console_watch.errors)
        return self.page

    def errors(self) -> list[str]:
        return self.page.console_watch.errors[self._errors_before:]

    def close_notebooks(self) -> None:
        """Close every document as a user does once it is saved or discarded (no dialog)."""
        if self.page is None or self.page.is_closed():
            return
        self.page.evaluate("""() => {
            const app = window.jupyterapp;
            if (!app || !app.shell) return;
            for (const widget of [...app.shell.widgets("main")]) {
              if (widget.context) widget.context.model.dirty = false;
              widget.close();
            }
        }""")
        self.page.wait_for_function("() => !window.jupyterapp || ![...window.jupyterapp.shell.widgets('main')]"
                                    ".some((w) => w.context)", polling=50)


@pytest.fixture(scope="session")
def lab_page():
    """Closed with the browser (``SharedChromium.stop``)."""
    return LabPage()


@pytest.fixture
def lab(lab_server, demo_server_process, lab_page, browser, artifacts, request):
    """``lab(cells, name=None)`` writes a notebook, opens it in JupyterLab, waits for an idle kernel.

    The tests share one JupyterLab page (``LabPage``); a test that leaves it (``goto``) comes back
    through a new load."""
    page = lab_page.begin(browser)
    open_notebook = _notebook_opener(lab_server, page, request, in_open_app=True)
    yield open_notebook
    report = getattr(request.node, "rep_call", None)
    passed = report is not None and report.passed
    # The test's errors are those it saw: closing a notebook cancels the kernel requests still
    # pending (a kernel just restarted asks for its debugger state), as closing the page did.
    errors = lab_page.errors()
    if passed:
        lab_page.close_notebooks()  # first: a page watching its kernel die would log errors
    else:
        _close_page(page, request)
        page.context.close()
    lab_server.shutdown_kernels()
    drain(demo_server_process)
    if passed:
        assert not errors, "the page logged errors:\n" + "\n".join(errors)


@pytest.fixture
def notebook7(notebook7_server, demo_server_process, page, request):
    """The same in Jupyter Notebook 7."""
    open_notebook = _notebook_opener(notebook7_server, page, request)
    yield open_notebook
    _close_page(page, request)
    notebook7_server.shutdown_kernels()
    drain(demo_server_process)
