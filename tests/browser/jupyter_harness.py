"""A real Jupyter server (JupyterLab 4 or Notebook 7) and a driver for one notebook in Chromium.

The server runs ``python -m jupyter lab|notebook`` on a free loopback port with a random
token, an isolated root/settings/runtime directory, and ``expose_app_in_browser`` so the
page has ``window.jupyterapp``. Settings written before it starts:

- ``@jupyter-widgets/jupyterlab-manager:plugin`` ``saveState: true`` (widget state saved
  into the notebook, so a reloaded page shows finished views without a kernel);
- ``@jupyterlab/notebook-extension:tracker`` ``windowingMode: "none"`` (every cell stays
  in the DOM, so ``.jp-Cell`` n is cell n);
- no news, no update checks, no extension manager (no network).

``NotebookDriver`` runs cells through JupyterLab's own commands (``notebook:run-cell``
on the cell made active), waits for the kernel's ``execute_reply`` on a promise kept in
the page, and reads outputs from the cell models. Every wait is on a condition.
"""

from __future__ import annotations

import itertools
import json
import os
import pathlib
import secrets
import subprocess
import sys
import time
from typing import Any

import httpx
import nbformat

from lg_widgets.server import free_port, stop_process_group
from lg_widgets.transport.settings import tls_context

REPO = pathlib.Path(__file__).resolve().parents[2]
START_TIMEOUT = 90.0
LOG_TAIL_LINES = 60

#: User settings written before the server starts: {plugin id: settings}.
SETTINGS = {
    "@jupyter-widgets/jupyterlab-manager:plugin": {"saveState": True},
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}
#: JupyterLab only (Notebook 7 fails on settings of plugins it does not load).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/extensionmanager-extension:plugin": {"enabled": False},
}


def write_settings(settings_dir: pathlib.Path, settings: dict[str, dict]) -> None:
    for plugin_id, values in settings.items():
        package, plugin = plugin_id.rsplit(":", 1)
        path = settings_dir / package / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2))


class JupyterServer:
    """``jupyter lab`` or ``jupyter notebook`` (Notebook 7) on a free port, stopped with its kernels."""

    def __init__(self, app: str, home: pathlib.Path, env: dict[str, str] | None = None,
                 args: list[str] | None = None):
        if app not in ("lab", "notebook"):
            raise ValueError(app)
        self.app = app
        self.home = home
        self.root = home / "root"
        self.port = free_port()
        self.token = secrets.token_hex(24)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = home / f"jupyter-{app}.log"
        self.extra_env = env or {}
        self.extra_args = list(args or [])
        self.process: subprocess.Popen | None = None

    # ------------------------------------------------------------ lifecycle

    def _prepare_home(self) -> None:
        for sub in ("root", "settings", "workspaces", "config", "data", "runtime", "ipython"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)

    def environment(self) -> dict[str, str]:
        """The environment of the server and its kernels (and of `jupyter` commands about them)."""
        home = self.home
        env = dict(os.environ)
        # The kernel imports lg_widgets from this checkout (an installed copy works the same).
        python_path = [str(REPO)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
        env.update(
            PYTHONPATH=os.pathsep.join(dict.fromkeys(python_path)),
            PATH=os.pathsep.join([str(pathlib.Path(sys.executable).parent), env.get("PATH", "")]),
            JUPYTER_CONFIG_DIR=str(home / "config"),
            JUPYTER_DATA_DIR=str(home / "data"),
            JUPYTER_RUNTIME_DIR=str(home / "runtime"),
            IPYTHONDIR=str(home / "ipython"),
            JUPYTER_PLATFORM_DIRS="1",
            PYTHONUNBUFFERED="1",
            LANGSMITH_TRACING="false",
            LANGCHAIN_TRACING_V2="false",
        )
        env.pop("ANYWIDGET_HMR", None)
        env.pop("LANGGRAPH_API_KEY", None)
        env.update(self.extra_env)
        return env

    def trust(self, *names: str) -> None:
        """`jupyter trust` notebooks of the root, as a user does for a notebook they didn't run
        (JupyterLab renders widget views only in trusted outputs). Before ``start()``: the
        server reads its signing key when it starts."""
        if self.process is not None:
            raise RuntimeError("trust notebooks before the server starts")
        self._prepare_home()
        subprocess.run([sys.executable, "-m", "jupyter", "trust", *(str(self.root / n) for n in names)],
                       env=self.environment(), check=True, capture_output=True)

    def start(self) -> "JupyterServer":
        home = self.home
        self._prepare_home()
        write_settings(home / "settings", {**SETTINGS, **(LAB_SETTINGS if self.app == "lab" else {})})
        app_class = "LabApp" if self.app == "lab" else "JupyterNotebookApp"
        command = [
            sys.executable, "-m", "jupyter", self.app,
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            "--allow-root",
            f"--ServerApp.root_dir={self.root}",
            "--ServerApp.terminals_enabled=False",
            f"--{app_class}.expose_app_in_browser=True",
            f"--{app_class}.user_settings_dir={home / 'settings'}",
            f"--{app_class}.workspaces_dir={home / 'workspaces'}",
        ]
        if self.app == "lab":
            command += ["--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                        "--LabApp.extension_manager=readonly"]
        command += self.extra_args
        log = open(self.log_path, "wb")
        self.process = subprocess.Popen(command, cwd=self.root, env=self.environment(), stdin=subprocess.DEVNULL,
                                        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self._wait_until_ready()
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"`jupyter {self.app}` exited with code {self.process.returncode} while "
                                   f"starting. Its log:\n{self.log_tail()}")
            try:
                response = httpx.get(f"{self.url}/api/status", params={"token": self.token}, timeout=2.0,
                                     verify=tls_context())  # shared: no CA bundle loaded per poll
                if response.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"`jupyter {self.app}` did not answer /api/status within {START_TIMEOUT:.0f} s. "
                           f"Its log:\n{self.log_tail()}")

    def stop(self, timeout: float = 15.0) -> None:
        if self.process is not None:
            stop_process_group(self.process, timeout)  # SIGTERM: the server shuts its kernels down

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    # ------------------------------------------------------------- REST API

    def api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"token {self.token}"}
        response = httpx.request(method, f"{self.url}{path}", headers=headers, timeout=30.0, **kwargs)
        response.raise_for_status()
        return response

    def shutdown_kernels(self) -> None:
        """End every session (and its kernel): each test starts from a quiet server."""
        for session in self.api("GET", "/api/sessions").json():
            try:
                self.api("DELETE", f"/api/sessions/{session['id']}")
            except httpx.HTTPStatusError:
                pass

    # ----------------------------------------------------------- notebooks

    def write_notebook(self, name: str, cells: list[str]) -> pathlib.Path:
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
        nb.metadata["language_info"] = {"name": "python"}
        nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
        path = self.root / name
        nbformat.write(nb, path)
        return path

    def notebook_url(self, name: str) -> str:
        prefix = "/lab/tree" if self.app == "lab" else "/notebooks"
        # `reset`: JupyterLab opens only this notebook, not the tabs of earlier tests' workspace.
        reset = "reset&" if self.app == "lab" else ""
        return f"{self.url}{prefix}/{name}?{reset}token={self.token}"


# Finds the notebook panel of a path among the main-area widgets (JupyterLab and Notebook 7).
_PANEL_JS = """
const lgwPanel = (path) => {
  const app = window.jupyterapp;
  if (!app || !app.shell) return null;
  for (const w of app.shell.widgets("main")) {
    if (w && w.context && w.context.path === path && w.content && w.sessionContext) return w;
  }
  return null;
};
"""

_run_ids = itertools.count(1)


class NotebookDriver:
    """One notebook opened in a page. Cells are addressed by index."""

    def __init__(self, page, server: JupyterServer, name: str):
        self.page = page
        self.server = server
        self.name = name

    # ------------------------------------------------------------- helpers

    def js(self, body: str, arg: Any = None, timeout: float | None = None) -> Any:
        """Evaluate ``body`` (statements using ``panel`` and ``arg``, ending in ``return``) in the page."""
        script = f"async (arg) => {{ {_PANEL_JS} const panel = lgwPanel({json.dumps(self.name)}); {body} }}"
        return self.page.evaluate(script, arg)

    def wait_js(self, condition: str, arg: Any = None, timeout: float = 30.0, polling: Any = 50) -> Any:
        """Wait until the JS expression ``condition`` (may use ``panel`` and ``arg``) is truthy."""
        script = f"(arg) => {{ {_PANEL_JS} const panel = lgwPanel({json.dumps(self.name)}); return ({condition}); }}"
        return self.page.wait_for_function(script, arg=arg, timeout=timeout * 1000, polling=polling).json_value()

    # --------------------------------------------------------------- open

    def open(self, timeout: float = 60.0, in_open_app: bool = False) -> "NotebookDriver":
        """Load the notebook's page; ``in_open_app``: open it in the JupyterLab this page already
        shows (``docmanager:open``), if it shows one of this server."""
        if in_open_app and self._app_is_open():
            self.page.evaluate("(path) => window.jupyterapp.commands.execute('docmanager:open', {path})", self.name)
        else:
            self.page.goto(self.server.notebook_url(self.name))
        self.wait_ready(timeout)
        return self

    def _app_is_open(self) -> bool:
        return self.page.url.startswith(f"{self.server.url}/lab") and self.page.evaluate(
            "() => !!(window.jupyterapp && window.jupyterapp.commands.hasCommand('docmanager:open'))")

    def wait_ready(self, timeout: float = 60.0) -> None:
        """No splash screen; the panel exists, its kernel is connected and idle, its cells are in the DOM."""
        self.wait_js(
            "!document.getElementById('jupyterlab-splash')"
            " && panel && panel.context.isReady && panel.sessionContext.session"
            " && panel.sessionContext.session.kernel"
            " && panel.sessionContext.session.kernel.connectionStatus === 'connected'"
            " && panel.sessionContext.session.kernel.status === 'idle'"
            " && panel.content.widgets.length === panel.content.model.cells.length"
            " && panel.content.widgets.every((c) => c.isAttached)",
            timeout=timeout, polling=100)

    # ---------------------------------------------------------- locators

    @property
    def panel(self):
        """The notebook panel's element (other notebooks may be open in other tabs)."""
        panel_id = self.js("return panel.node.id;")
        return self.page.locator(f'[id="{panel_id}"]')

    def cell(self, index: int):
        return self.panel.locator(".jp-Notebook .jp-Cell").nth(index)

    def view(self, index: int):
        """The StreamView rendered in cell ``index``'s output."""
        return self.cell(index).locator(".lgw-root")

    def view_handle(self, index: int, timeout: float = 30.0):
        locator = self.view(index)
        locator.wait_for(state="attached", timeout=timeout * 1000)
        return locator.element_handle()

    def wait_status(self, index: int, statuses: str | tuple[str, ...], timeout: float = 60.0) -> str:
        """Wait until cell ``index``'s view has one of ``statuses``; returns it."""
        statuses = (statuses,) if isinstance(statuses, str) else tuple(statuses)
        root = self.view_handle(index, timeout)
        return self.page.wait_for_function(
            "([root, statuses]) => statuses.includes(root.getAttribute('data-status')) && root.getAttribute('data-status')",
            arg=[root, list(statuses)], timeout=timeout * 1000, polling=50).json_value()

    # ----------------------------------------------------------- running

    def start_cell(self, index: int) -> int:
        """Make cell ``index`` active and start ``notebook:run-cell``; returns a handle for ``wait_run``."""
        run_id = next(_run_ids)
        self.js("""
            const [index, id] = arg;
            panel.content.activeCellIndex = index;
            panel.content.deselectAll();
            window.__lgwRuns = window.__lgwRuns || {};
            const run = {done: false, ok: null, error: null};
            window.__lgwRuns[id] = run;
            window.jupyterapp.commands.execute("notebook:run-cell")
              .then((ok) => { run.ok = ok; }, (e) => { run.error = String(e); })
              .finally(() => { run.done = true; });
            return true;
        """, [index, run_id])
        return run_id

    def wait_run(self, run_id: int, timeout: float = 120.0) -> None:
        """Wait for the kernel's reply to a cell started by ``start_cell``."""
        self.page.wait_for_function("(id) => window.__lgwRuns[id] && window.__lgwRuns[id].done",
                                    arg=run_id, timeout=timeout * 1000, polling=50)
        run = self.page.evaluate("(id) => window.__lgwRuns[id]", run_id)
        if run["error"]:
            raise AssertionError(f"notebook:run-cell failed: {run['error']}")

    def run_cell(self, index: int, timeout: float = 120.0) -> str:
        """Run cell ``index`` to its ``execute_reply``; returns its output text (raises on a Python error)."""
        self.wait_run(self.start_cell(index), timeout)
        return self.output_text(index)

    def run_cell_with_keyboard(self, index: int, timeout: float = 120.0) -> str:
        """Run a never-run cell ``index`` the way a user does: click its editor, press Shift+Enter."""
        self.wait_js("panel.content.widgets[arg].model.executionCount === null", index)
        self.cell(index).locator(".jp-InputArea-editor").click()
        self.wait_js("panel.content.activeCellIndex === arg", index)
        self.page.keyboard.press("Shift+Enter")
        # execution_count is set from the kernel's execute_reply.
        self.wait_js("panel.content.widgets[arg].model.executionCount !== null"
                     " && panel.sessionContext.session.kernel.status === 'idle'", index, timeout=timeout)
        return self.output_text(index)

    def run_all(self, timeout: float = 180.0) -> None:
        for index in range(self.cell_count()):
            self.run_cell(index, timeout)

    def cell_count(self) -> int:
        return self.js("return panel.content.model.cells.length;")

    def append_cell(self, source: str) -> int:
        """Add a code cell at the end of the notebook (through the shared model); returns its index."""
        index = self.js("""
            const nb = panel.content;
            const index = nb.model.cells.length;
            nb.model.sharedModel.insertCell(index, {cell_type: "code", source: arg});
            return index;
        """, source)
        self.wait_js("panel.content.widgets.length > arg && panel.content.widgets[arg].isAttached", index)
        return index

    def exec_cell(self, source: str, timeout: float = 60.0) -> str:
        """Append a cell with ``source``, run it, return its output text."""
        return self.run_cell(self.append_cell(source), timeout)

    def kernel_json(self, expression: str, timeout: float = 60.0) -> Any:
        """A Python value from the kernel: a new cell prints ``json.dumps(expression)``; parsed back here."""
        out = self.exec_cell(f"import json as _lgw_json\nprint(_lgw_json.dumps({expression}))", timeout)
        return json.loads(out)

    def outputs(self, index: int) -> list[dict]:
        return self.js("return panel.content.widgets[arg].model.outputs.toJSON();", index)

    def output_text(self, index: int) -> str:
        """The text a cell printed (stdout streams); a Python error in the cell fails the test."""
        parts = []
        for output in self.outputs(index):
            kind = output.get("output_type")
            if kind == "error":
                raise AssertionError(f"cell {index} raised {output.get('ename')}: {output.get('evalue')}\n"
                                     + "\n".join(output.get("traceback", [])))
            if kind == "stream" and output.get("name") == "stdout":
                text = output.get("text", "")
                parts.append("".join(text) if isinstance(text, list) else text)
        return "".join(parts)

    # --------------------------------------------------------- app commands

    def command(self, command_id: str, args: dict | None = None) -> Any:
        return self.page.evaluate(
            "async ([id, args]) => { const r = await window.jupyterapp.commands.execute(id, args); "
            "return r === undefined || r === null || typeof r !== 'object' ? r ?? null : true; }",
            [command_id, args or {}])

    def is_dirty(self) -> bool:
        return self.js("return panel.context.model.dirty;")
