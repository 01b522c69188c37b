"""A deployment-shaped LangGraph API server for the tests (``make test-deploy``).

Stock ``langgraph-api`` on Postgres and Redis through the MIT ``langgraph-runtime-pg``
runtime (its ``langhost serve`` CLI), two API processes behind one nginx on loopback:

    with Deployment(".venv-deploy") as deployment:
        deployment.url                  # nginx: round robin over both replicas
        deployment.kill("a")            # SIGKILL one replica (a crash); deployment.start_replica("a")

- replica ``a`` serves HTTP only (``N_JOBS_PER_WORKER=0``); replica ``b`` serves HTTP
  and runs the queue, so every run executes on ``b`` whichever replica streams it.
- nginx streams without buffering and fails over to the other replica when one is
  down; a request header ``X-LGW-Replica: a`` (or ``b``) pins it to that replica
  while it is up (the replica-kill tests choose which process streams a run).
- Postgres (``initdb``/``postgres``), Redis and nginx are Debian's (see
  scripts/install_deploy_deps.sh); the API runs from its own virtual environment
  (it pins its own ``langgraph-api``). Everything lives in one temporary directory,
  on free loopback ports; as root, Postgres, Redis and nginx run as ``nobody``
  (Postgres refuses to run as root).
"""

from __future__ import annotations

import glob
import json
import os
import pathlib
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass

import httpx

from lg_widgets.server import DEMO_CONFIG, _config_with_absolute_paths, free_port
from lg_widgets.transport.settings import tls_context

START_TIMEOUT = 120.0
#: Seconds between a running run's heartbeats: a crashed replica's run is reclaimed after ~2x this.
HEARTBEAT = 2

NGINX_CONF = """
daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log notice;
events {{ worker_connections 512; }}
http {{
    access_log {dir}/nginx-access.log;
    client_body_temp_path {dir}/nginx-body;
    proxy_temp_path {dir}/nginx-proxy;
    fastcgi_temp_path {dir}/nginx-fastcgi;
    uwsgi_temp_path {dir}/nginx-uwsgi;
    scgi_temp_path {dir}/nginx-scgi;
    # A replica that refuses a connection is out for a second; the request goes to the other.
    upstream replicas {{ server 127.0.0.1:{a} max_fails=1 fail_timeout=1s; server 127.0.0.1:{b} max_fails=1 fail_timeout=1s; }}
    upstream replica_a {{ server 127.0.0.1:{a} max_fails=1 fail_timeout=1s; server 127.0.0.1:{b} backup; }}
    upstream replica_b {{ server 127.0.0.1:{b} max_fails=1 fail_timeout=1s; server 127.0.0.1:{a} backup; }}
    map $http_x_lgw_replica $pool {{ a replica_a; b replica_b; default replicas; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://$pool;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_buffering off;          # server-sent events go out as they come
            proxy_request_buffering off;
            proxy_read_timeout 1h;
            proxy_next_upstream error timeout;
            add_header X-LGW-Upstream $upstream_addr always;
        }}
    }}
}}
"""


@dataclass
class Replica:
    name: str
    port: int
    jobs: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class Deployment:
    def __init__(self, venv: str | os.PathLike, config: str | os.PathLike = DEMO_CONFIG):
        self.venv = pathlib.Path(venv).resolve()
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="lgw-deployment-"))
        self.config = _config_with_absolute_paths(pathlib.Path(config).resolve(), self.dir)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.pg_port, self.redis_port = free_port(), free_port()
        self.replicas = {"a": Replica("a", free_port(), jobs=0), "b": Replica("b", free_port(), jobs=10)}
        self._services: list[subprocess.Popen] = []
        self._user = _unprivileged_user()
        if self._user:
            os.chown(self.dir, self._user.pw_uid, self._user.pw_gid)

    # ------------------------------------------------------------------ lifecycle

    def __enter__(self) -> "Deployment":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> "Deployment":
        self._start_postgres()
        self._start_redis()
        self._migrate()
        # One at a time: on an empty database each replica creates the checkpointer's tables
        # (langgraph-checkpoint-postgres' setup), and a second one doing it at the same moment
        # dies on checkpoint_migrations_pkey.
        for replica in self.replicas.values():
            self.start_replica(replica.name)
        self._start_nginx()
        return self

    def stop(self) -> None:
        for replica in self.replicas.values():
            if replica.process is not None:
                _stop(replica.process, signal.SIGTERM)
        for process in reversed(self._services):
            _stop(process, signal.SIGINT)  # Postgres: fast shutdown; Redis and nginx quit on it too
        shutil.rmtree(self.dir, ignore_errors=True)

    def kill(self, name: str) -> None:
        """SIGKILL a replica: a crash, with no chance to close its streams cleanly."""
        process = self.replicas[name].process
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def start_replica(self, name: str) -> Replica:
        replica = self.replicas[name]
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("LANGGRAPH_API_", "LGW_"))},
            "DATABASE_URI": f"postgresql://postgres@127.0.0.1:{self.pg_port}/postgres",
            "REDIS_URI": f"redis://127.0.0.1:{self.redis_port}/0",
            "N_JOBS_PER_WORKER": str(replica.jobs),
            "LG_RUNTIME_PG_AUTO_MIGRATE": "false",  # migrated once, before both replicas start
            "LG_BG_JOB_HEARTBEAT": str(HEARTBEAT),
            "LANGSMITH_TRACING": "false", "LANGCHAIN_TRACING_V2": "false",
            "LANGGRAPH_NO_VERSION_CHECK": "true", "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": str(DEMO_CONFIG.parent),
        }
        command = [str(self.venv / "bin" / "langhost"), "serve", "--host", "127.0.0.1", "--port", str(replica.port),
                   "--config", str(self.config), "--server-log-level", "WARNING"]
        if replica.jobs:
            command += ["--n-jobs-per-worker", str(replica.jobs)]
        replica.process = self._spawn(command, f"replica-{name}", env=env, as_user=False)
        self._wait_ok(replica.url, f"replica {name}", replica.process)
        return replica

    def log(self, name: str) -> str:
        path = self.dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # ------------------------------------------------------------------ the services

    def _start_postgres(self) -> None:
        bindir = _postgres_bindir()
        data = self.dir / "pg"
        self._run([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                   "--locale=C", "--no-sync"], "initdb")
        self._services.append(self._spawn(
            [str(bindir / "postgres"), "-D", str(data), "-p", str(self.pg_port), "-k", str(self.dir),
             "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
             "-c", "full_page_writes=off", "-c", "max_connections=200"], "postgres"))
        ready = ["pg_isready", "-q", "-U", "postgres", "-h", "127.0.0.1", "-p", str(self.pg_port)]
        self._wait(lambda: subprocess.run(ready).returncode == 0, "postgres", self._services[-1])

    def _start_redis(self) -> None:
        self._services.append(self._spawn(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.dir)], "redis"))

        def pong() -> bool:
            try:
                with socket.create_connection(("127.0.0.1", self.redis_port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    return sock.recv(16).startswith(b"+PONG")
            except OSError:
                return False
        self._wait(pong, "redis", self._services[-1])

    def _migrate(self) -> None:
        env = {**os.environ, "DATABASE_URI": f"postgresql://postgres@127.0.0.1:{self.pg_port}/postgres"}
        self._run([str(self.venv / "bin" / "langgraph-runtime-pg-migrate"), "upgrade"], "migrate", env=env,
                  as_user=False)

    def _start_nginx(self) -> None:
        conf = self.dir / "nginx.conf"
        conf.write_text(NGINX_CONF.format(dir=self.dir, port=self.port, a=self.replicas["a"].port,
                                          b=self.replicas["b"].port))
        if self._user:
            os.chown(conf, self._user.pw_uid, self._user.pw_gid)
        self._services.append(self._spawn([shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(conf),
                                           "-p", str(self.dir), "-e", str(self.dir / "nginx-error.log")], "nginx"))
        self._wait_ok(self.url, "nginx", self._services[-1])

    # ------------------------------------------------------------------ processes

    def _command(self, command: list[str], as_user: bool) -> list[str]:
        return ["runuser", "-u", self._user.pw_name, "--", *command] if as_user and self._user else command

    def _spawn(self, command: list[str], name: str, env: dict | None = None, as_user: bool = True) -> subprocess.Popen:
        with open(self.dir / f"{name}.log", "ab") as log:
            return subprocess.Popen(self._command(command, as_user), cwd=self.dir, env=env, stdin=subprocess.DEVNULL,
                                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def _run(self, command: list[str], name: str, env: dict | None = None, as_user: bool = True) -> None:
        with open(self.dir / f"{name}.log", "ab") as log:
            done = subprocess.run(self._command(command, as_user), cwd=self.dir, env=env, stdin=subprocess.DEVNULL,
                                  stdout=log, stderr=subprocess.STDOUT, timeout=START_TIMEOUT)
        if done.returncode:
            raise RuntimeError(f"{name} failed ({done.returncode}):\n{self.log(name)[-3000:]}")

    def _wait_ok(self, url: str, what: str, process: subprocess.Popen) -> None:
        def ok() -> bool:
            try:
                return httpx.get(f"{url}/ok", timeout=2, verify=tls_context()).status_code == 200  # shared context
            except httpx.HTTPError:
                return False
        self._wait(ok, what, process)

    def _wait(self, ready, what: str, process: subprocess.Popen) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while not ready():
            if process.poll() is not None or time.monotonic() > deadline:
                logs = {p.name: p.read_text(errors="replace")[-3000:] for p in self.dir.glob("*.log")}
                raise RuntimeError(f"{what} did not start (exit code {process.poll()}). Logs:\n"
                                   + json.dumps(logs, indent=1))
            time.sleep(0.1)


def _postgres_bindir() -> pathlib.Path:
    """Debian keeps initdb and postgres out of PATH, under /usr/lib/postgresql/<version>/bin."""
    on_path = shutil.which("initdb")
    if on_path:
        return pathlib.Path(os.path.realpath(on_path)).parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not found:
        raise RuntimeError("No PostgreSQL server found: run scripts/install_deploy_deps.sh (make test-deploy does).")
    return pathlib.Path(found[-1]).parent


def _unprivileged_user() -> pwd.struct_passwd | None:
    """As root, the user the services run as (Postgres will not run as root); else None: run as we are."""
    return pwd.getpwnam("nobody") if os.geteuid() == 0 else None


def _stop(process: subprocess.Popen, sig: int, timeout: float = 10.0) -> None:
    """Signal the process group, wait, then SIGKILL whatever is left of it."""
    for signum in (sig, signal.SIGKILL):
        try:
            os.killpg(process.pid, signum)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            continue
