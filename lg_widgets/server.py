"""The embedded server: the real LangGraph API (``langgraph dev``, in memory) on a free port.

``local_server()`` serves the demo graphs shipped in ``lg_widgets/demo``;
``local_server("path/to/langgraph.json")`` serves your own. One server per
config file is started and reused; all stop when the interpreter exits.
"""

from __future__ import annotations

import atexit
import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import httpx

from .errors import InvalidArgument, ServerStartError
from .transport.settings import tls_context

DEMO_CONFIG = pathlib.Path(__file__).parent / "demo" / "langgraph.json"
#: Seconds to wait for ``GET /ok`` before giving up.
START_TIMEOUT = 120.0
LOG_LINES_IN_ERRORS = 40

_lock = threading.Lock()
_start_lock = threading.Lock()
_servers: dict[pathlib.Path, "LocalServer"] = {}


def free_port() -> int:
    """A free loopback port (never the usual 2024, which is taken on some machines)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_process_group(process: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGTERM the group a ``start_new_session`` process leads; SIGKILL it if it lingers."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout)
    except ProcessLookupError:
        pass


class LocalServer:
    """A running `langgraph dev` process (what `local_server` returns).

    Attributes:
        url: `http://127.0.0.1:<port>`.
        port: the port it listens on.
        config: the langgraph.json it serves.
        log_path: its log file (in a temporary working directory of its own).

    Example:
        ```python
        with LocalServer(pathlib.Path("langgraph.json"), free_port()).start() as server:
            view = StreamView("agent", {...}, url=server.url).run()
        ```
    """

    #: The command that runs the LangGraph CLI (``dev ...`` follows it). A subclass may run the
    #: same CLI another way: the project's tests run it with a faster queue poll.
    cli: tuple[str, ...] = (sys.executable, "-m", "langgraph_cli")

    def __init__(self, config: pathlib.Path, port: int):
        self.config = config
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        # The server keeps its files (.langgraph_api) in its working directory: a temporary one,
        # never the user's project or the installed package. Its log goes there too.
        self._workdir = pathlib.Path(tempfile.mkdtemp(prefix="lg_widgets-server-"))
        self.log_path = self._workdir / "server.log"
        self._process: subprocess.Popen[bytes] | None = None

    def __repr__(self) -> str:
        state = "running" if self.is_running() else "stopped"
        return f"LocalServer(config={self.config.name!r}, {state})"

    def __enter__(self) -> "LocalServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self, timeout: float = START_TIMEOUT) -> "LocalServer":
        """Start the server and wait until it answers.

        Args:
            timeout: seconds to wait for it to be ready.

        Returns:
            The server itself.

        Raises:
            ServerStartError: it exited or did not answer in time (the message quotes its log's tail).
        """
        workdir = self._workdir
        config = _config_with_absolute_paths(self.config, workdir)
        command = [
            # The guard stops the server when this process dies, even without atexit (a killed kernel).
            sys.executable, "-m", "lg_widgets._guard", str(workdir),
            *self.cli, "dev",
            "--no-browser", "--no-reload", "--host", "127.0.0.1", "--port", str(self.port),
            "--config", str(config),
        ]
        env = {k: v for k, v in os.environ.items() if k not in ("LANGGRAPH_API_URL", "LANGGRAPH_API_KEY")}
        # Graph files may import their neighbours, as they would from the project's directory.
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(self.config.parent), env.get("PYTHONPATH")) if p)
        # Nothing to the network: no tracing, no usage analytics from the CLI, no PyPI version check
        # (the names the CLI reads; tests/test_server.py records the host names the server looks up).
        # Unbuffered logs, so that errors reach the log file.
        env.update(LANGSMITH_TRACING="false", LANGCHAIN_TRACING_V2="false", LANGGRAPH_CLI_NO_ANALYTICS="1",
                   LANGGRAPH_NO_VERSION_CHECK="true", PYTHONUNBUFFERED="1")
        # lg_widgets must be importable by the guard even when it runs from a source tree.
        package_root = str(pathlib.Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join((env["PYTHONPATH"], package_root))
        with open(self.log_path, "wb") as log:
            self._process = subprocess.Popen(
                command, cwd=workdir, env=env, stdin=subprocess.PIPE,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        self._wait_until_ready(timeout)
        return self

    def _wait_until_ready(self, timeout: float) -> None:
        process = self._process
        assert process is not None, "start() runs the process first"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                error = ServerStartError(
                    f"`langgraph dev` exited with code {process.returncode} while starting "
                    f"{self.config}. Its log:\n{self.log_tail()}"
                )
                self.stop()
                raise error
            try:
                # The shared TLS context: httpx would load the CA bundle again for each poll (~20 ms of CPU).
                if httpx.get(f"{self.url}/ok", timeout=2.0, verify=tls_context()).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        error = ServerStartError(
            f"`langgraph dev` did not answer GET /ok within {timeout:.0f} s for {self.config}. Its log:\n{self.log_tail()}"
        )
        self.stop()
        raise error

    def log_tail(self, lines: int = LOG_LINES_IN_ERRORS) -> str:
        """The last lines of the server's log.

        Args:
            lines: how many.

        Returns:
            Those lines, or `"(no log)"`.
        """
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def is_running(self) -> bool:
        """Whether the server process is alive.

        Returns:
            True until it stopped or died.
        """
        return self._process is not None and self._process.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server and everything it started (its whole process group), and remove its files.

        Args:
            timeout: seconds to wait before it is killed.
        """
        process = self._process
        if process is not None:
            stop_process_group(process, timeout)
        if process is not None and process.stdin is not None:
            process.stdin.close()
        shutil.rmtree(self._workdir, ignore_errors=True)
        with _lock:
            if _servers.get(self.config) is self:
                del _servers[self.config]


def _config_with_absolute_paths(config: pathlib.Path, workdir: pathlib.Path) -> pathlib.Path:
    """A copy of ``config`` in ``workdir`` whose relative paths point back at the project.

    ``langgraph dev`` resolves graph files and dependencies against its working directory.
    """
    try:
        data = json.loads(config.read_text())
    except (OSError, ValueError) as exc:
        raise InvalidArgument(f"{config} is not a readable langgraph.json: {exc}") from None
    base = config.parent

    def absolute(spec: str) -> str:
        path, sep, attr = spec.rpartition(":") if ".py:" in spec else (spec, "", "")
        if path.startswith((".", "/")) or path.endswith(".py"):
            return str((base / path).resolve()) + sep + attr
        return spec

    graphs = data.get("graphs") or {}
    data["graphs"] = {name: absolute(spec) if isinstance(spec, str) else
                      {**spec, "path": absolute(spec["path"])} if isinstance(spec, dict) and "path" in spec else spec
                      for name, spec in graphs.items()}
    data["dependencies"] = [absolute(d) if isinstance(d, str) and d.startswith(".") else d
                            for d in data.get("dependencies") or ["."]]
    if isinstance(data.get("env"), str):
        data["env"] = str((base / data["env"]).resolve())
    if isinstance(data.get("auth"), dict) and isinstance(data["auth"].get("path"), str):  # custom auth
        data["auth"] = {**data["auth"], "path": absolute(data["auth"]["path"])}
    target = workdir / "langgraph.json"
    target.write_text(json.dumps(data, indent=2))
    return target


def local_server(config: str | os.PathLike[str] | None = None, port: int | None = None) -> LocalServer:
    """The embedded LangGraph API server for `config`, started if needed (one per config, shared).

    It is the real in-memory `langgraph dev` (the `lg_widgets[server]` extra) on a free loopback
    port, in a temporary working directory, with tracing and telemetry off. It stops when the
    kernel exits. A `StreamView` with no `url` and no `$LANGGRAPH_API_URL` uses the demo one.

    Args:
        config: a langgraph.json path; None: the demo graphs in `lg_widgets/demo` (fake chat
            models: no key, no network).
        port: a port to listen on (default: a free one).

    Returns:
        A `LocalServer`: `.url` to connect to, `.stop()` to end it.

    Raises:
        InvalidArgument: no langgraph.json at `config`.
        ServerStartError: the server did not start (its log's tail in the message).

    Example:
        ```python
        server = lg_widgets.local_server("my_project/langgraph.json")
        view = StreamView("agent", {"messages": [...]}, url=server.url).run()
        ```
    """
    path = pathlib.Path(config).expanduser().resolve() if config is not None else DEMO_CONFIG
    if not path.is_file():
        raise InvalidArgument(f"No langgraph.json at {path}. Pass the path of your project's langgraph.json.")
    with _start_lock:  # two views asking at once share one server
        with _lock:
            server = _servers.get(path)
        if server is not None and server.is_running() and (port is None or port == server.port):
            return server
        server = LocalServer(path, port or free_port()).start()
        with _lock:
            _servers[path] = server
        return server


@atexit.register
def _stop_all() -> None:
    for server in list(_servers.values()):
        server.stop(timeout=5.0)


def server_url(url: str | None = None) -> str:
    """The server a view talks to: ``url``, else ``$LANGGRAPH_API_URL``, else the embedded
    server's (started on first use: this can take seconds, so call it off the event loop)."""
    return url or os.environ.get("LANGGRAPH_API_URL") or local_server().url
