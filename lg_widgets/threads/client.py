"""``ThreadClient``: the thread-centric protocol's commands and event subscriptions.

    async with ThreadClient(url, transport="sse") as client:     # or "websocket"
        thread = await client.create_thread()
        async for event in thread.run("joke", {"topic": "cats"}):  # start it, read it to its end
            ...
        await thread.respond("yes", interrupt_id)                   # answer an interrupt

Over SSE, commands are ``POST /threads/{id}/commands`` and each subscription is
its own ``POST /threads/{id}/stream/events``; over a WebSocket, one socket per
thread carries the commands and each subscription opens its own. HTTP goes
through the runs stream's ``ApiClient`` (same timeouts, retry settings, API key
and error messages).
"""

from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator, Awaitable, Callable, Literal

import orjson

from ..errors import CommandError, HTTPStatusError, InvalidArgument, LGWidgetsError, ThreadNotFound
from ..transport import LIVE_RUN_STATUSES, ApiClient
from ..transport.settings import Verify
from .errors import route_error
from .events import CHANNELS, RunStatus, ThreadEvent, check_reply
from .sse import SseSubscription
from .subscription import Subscription
from .websocket import BIND_RETRY_DELAYS, ThreadSocket, WebSocketSubscription
from .window import RunWindow

Transport = Literal["sse", "websocket"]
#: How many of a thread's runs ``attach`` looks up to know which ended before it attached.
ATTACH_RUNS_LIMIT = 10_000
#: Seconds without an event after which a reader asks the REST API whether it missed a run's end;
#: the pause doubles while nothing changes (an attachment to an idle thread), up to the second.
STALL_CHECK = 2.0
STALL_CHECK_MAX = 30.0
#: The stream modes of a run the protocol streams (the server's run.start sets these, with its own
#: ``tools`` and ``lifecycle``, which the REST route refuses and the protocol adds by itself).
REST_RUN_MODES = ("values", "updates", "messages-tuple", "custom", "tasks", "checkpoints")


class ThreadClient:
    """A client for one LangGraph API server's thread protocol (``transport``: ``"sse"`` or ``"websocket"``).

    ``url`` / ``api_key`` default like the runs stream's client (``$LANGGRAPH_API_URL``;
    ``$LANGGRAPH_API_KEY``); ``headers`` go with every request and handshake; ``verify`` says
    which TLS certificates to trust. ``read_timeout``, ``max_resume_attempts`` and
    ``resume_backoff`` work as in ``LangGraphClient``: both speak HTTP through one ``ApiClient``
    (``http``).
    """

    def __init__(self, url: str | None = None, api_key: str | None = None, *, transport: Transport = "sse",
                 headers: dict[str, str] | None = None, verify: Verify = None, read_timeout: float | None = None,
                 connect_timeout: float = 10.0, max_resume_attempts: int | None = None,
                 resume_backoff: float | None = None, http: ApiClient | None = None):
        if transport not in ("sse", "websocket"):
            raise InvalidArgument(f"transport must be 'sse' or 'websocket', got {transport!r}.")
        self.transport: Transport = transport
        #: the HTTP layer (the same settings, checks and errors as the runs stream's)
        self.http = http or ApiClient(url, api_key, read_timeout=read_timeout, connect_timeout=connect_timeout,
                                      max_resume_attempts=max_resume_attempts, resume_backoff=resume_backoff,
                                      headers=headers, verify=verify)
        self._threads: list[Thread] = []

    def __repr__(self) -> str:
        return f"ThreadClient(url={self.http.display_url!r}, transport={self.transport!r})"

    async def __aenter__(self) -> "ThreadClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for thread in self._threads:
            await thread.aclose()
        await self.http.aclose()

    async def create_thread(self, metadata: dict[str, Any] | None = None) -> "Thread":
        return self._thread(await self.http.create_thread(metadata))

    async def thread(self, thread_id: str) -> "Thread":
        """An existing thread; ``ThreadNotFound`` when the server doesn't know it (its event
        stream would otherwise wait for a run that never comes)."""
        if not isinstance(thread_id, str) or not thread_id.strip():
            raise InvalidArgument(f"thread_id must be a non-empty string, got {thread_id!r}.")
        try:
            await self.http.get_thread(thread_id)
        except HTTPStatusError as error:
            if error.status_code != 404:
                raise
            raise ThreadNotFound(self.http.redact(
                f"{self.http.display_url} has no thread {thread_id!r} (HTTP 404): check the id, or create "
                "one with create_thread()."), status_code=404, detail=error.detail) from None
        return self._thread(thread_id)

    def _thread(self, thread_id: str) -> "Thread":
        thread = Thread(self, thread_id)
        self._threads.append(thread)
        return thread


class Thread:
    """One thread: its commands, and subscriptions to its events."""

    def __init__(self, client: ThreadClient, thread_id: str):
        self.client = client
        self.thread_id = thread_id
        self._socket: ThreadSocket | None = None

    def __repr__(self) -> str:
        return f"Thread({self.thread_id!r}, transport={self.client.transport!r})"

    @property
    def socket(self) -> ThreadSocket:
        """The thread's WebSocket (``transport="websocket"``), opened on first use."""
        if self._socket is None:
            self._socket = ThreadSocket(self.client.http, self.thread_id)
        return self._socket

    async def aclose(self) -> None:
        if self._socket is not None:
            await self._socket.aclose()

    # commands --------------------------------------------------------------------------

    async def command(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Send one protocol command; its ``result``, or ``CommandError`` with the server's code."""
        params = {} if params is None else params
        try:
            body = orjson.dumps({"id": 1, "method": method, "params": params})
        except TypeError as exc:
            raise InvalidArgument(f"{method}'s parameters must be JSON-serialisable: {exc}.") from None
        if self.client.transport == "websocket":
            return await self.socket.command(method, params)
        http = self.client.http
        path = f"/threads/{self.thread_id}/commands"
        response = await http.send("POST", path, content=body)
        # A refused command is a 200 with an error envelope; a malformed one is a 400 with one.
        if response.status_code > 400:
            raise route_error(http, "POST", path, response)
        try:
            reply = response.json()
        except ValueError:
            raise http.not_json("POST", path, response.text) from None
        return check_reply(reply, method, f"POST {http.display_url}{path}")

    async def start_run(self, assistant_id: str, input: Any = None, *, config: dict[str, Any] | None = None,
                        metadata: dict[str, Any] | None = None, multitask_strategy: str | None = None,
                        checkpoint_id: str | None = None) -> str:
        """``run.start``: the new run's id. ``checkpoint_id`` forks from that checkpoint (the
        protocol's way: ``config.configurable.checkpoint_id``)."""
        if not isinstance(assistant_id, str) or not assistant_id.strip():
            raise InvalidArgument(f"assistant_id must be a non-empty string, got {assistant_id!r}.")
        params: dict[str, Any] = {"assistant_id": assistant_id, "input": input}
        if checkpoint_id is not None:
            config = {**(config or {})}
            config["configurable"] = {**config.get("configurable", {}), "checkpoint_id": checkpoint_id}
        optional = {"config": config, "metadata": metadata, "multitaskStrategy": multitask_strategy}
        params.update({k: v for k, v in optional.items() if v is not None})
        result = await self.command("run.start", params)
        return str(result.get("run_id") or "")

    async def respond(self, response: Any, interrupt_id: str, *, namespace: list[str] | tuple[Any, ...] = (),
                      update: dict[str, Any] | None = None, goto: Any = None) -> None:
        """``input.respond``: answer an interrupt (its ``input.requested`` event's ``interrupt_id``
        and namespace); the server resumes the run as a new run on the thread."""
        params: dict[str, Any] = {"interrupt_id": interrupt_id, "namespace": list(namespace), "response": response}
        params.update({k: v for k, v in {"update": update, "goto": goto}.items() if v is not None})
        await self.command("input.respond", params)

    async def get_tree(self) -> dict[str, Any]:
        """``agent.getTree``: the latest run's namespaces (subgraphs) and their statuses.

        Only a WebSocket can ask: the server answers from the run its connection follows, and
        an HTTP command has none. A new socket follows one once the server's replay of the
        thread reaches a run, so ``no_such_run`` is retried for a moment, and so is a tree still
        running when the REST API says the run has ended (the socket is a poll behind).
        """
        if self.client.transport != "websocket":
            raise InvalidArgument("agent.getTree answers only over a WebSocket (the server answers from the run "
                                  "the connection follows): use ThreadClient(transport='websocket').")
        for delay in (*BIND_RETRY_DELAYS, None):
            try:
                tree = (await self.command("agent.getTree"))["tree"]
            except CommandError as error:
                if error.code != "no_such_run" or delay is None:
                    raise
            else:
                if delay is None or not await self._tree_lags(tree):
                    return tree if isinstance(tree, dict) else {}
            await asyncio.sleep(delay)
        raise AssertionError("unreachable: the last try returns or raises")

    async def _tree_lags(self, tree: dict[str, Any]) -> bool:
        """The socket follows the thread live, a poll behind: a tree still running after the
        latest run ended (REST) is asked again."""
        if tree.get("status") not in LIVE_RUN_STATUSES:
            return False
        runs = await self.runs(limit=1)
        return bool(runs) and runs[0].get("status") not in LIVE_RUN_STATUSES

    async def fork(self, assistant_id: str, checkpoint_id: str, input: Any = None, **options: Any) -> str:
        """Run again from a checkpoint (time travel): ``run.start`` with that checkpoint."""
        return await self.start_run(assistant_id, input, checkpoint_id=checkpoint_id, **options)

    # the protocol's state.* commands are not served by langgraph-api 0.16 (unknown_command):
    # these read the same facts from the REST routes.

    async def get(self) -> dict[str, Any]:
        """The thread as the server keeps it (``GET /threads/{id}``): status, values, interrupts,
        and a failed run's ``error`` as ``{"error": type, "message"}`` (the ``failed`` lifecycle
        event carries the message only, and only to a reader that was there when it failed)."""
        return await self.client.http.get_thread(self.thread_id)

    async def get_state(self) -> dict[str, Any]:
        """The thread's current state (``GET /threads/{id}/state``): values, next, tasks, checkpoint."""
        return await self.client.http.thread_state(self.thread_id)

    async def list_checkpoints(self, limit: int | None = 10, before: str | None = None) -> list[dict[str, Any]]:
        """The thread's checkpoints, newest first (``POST /threads/{id}/history``; ``limit=None``: all),
        older than checkpoint ``before`` when given."""
        return await self.client.http.history(self.thread_id, limit, before)

    async def runs(self, limit: int = 10) -> list[dict[str, Any]]:
        """The thread's runs, newest first (``GET /threads/{id}/runs``)."""
        return await self.client.http.list_runs(self.thread_id, limit)

    # events ----------------------------------------------------------------------------

    def events(self, channels: list[str] | tuple[str, ...] = CHANNELS, *, namespaces: list[list[str]] | None = None,
               depth: int | None = None, since: int | None = None) -> Subscription:
        """Subscribe to the thread's events: the stored ones after ``since`` (all when ``None``,
        from the thread's first run), then live ones. ``namespaces`` keeps events under those
        prefixes, ``depth`` levels deep at most."""
        filter = channel_filter(channels, namespaces, depth)
        if since is not None and (not isinstance(since, int) or isinstance(since, bool) or since < 0):
            raise InvalidArgument(f"since must be a seq (an int >= 0) or None, got {since!r}.")
        kind = WebSocketSubscription if self.client.transport == "websocket" else SseSubscription
        return kind(self.client.http, self.thread_id, filter, since)

    async def start_rest_run(self, assistant_id: str, input: Any = None, *, config: dict[str, Any] | None = None,
                             metadata: dict[str, Any] | None = None, checkpoint_id: str | None = None,
                             interrupt_before: str | list[str] | None = None,
                             interrupt_after: str | list[str] | None = None) -> str:
        """A run the protocol streams, started through the REST API (``POST /threads/{id}/runs``):
        ``run.start`` takes no ``interrupt_before``/``after``, the REST route does. The config key
        the server's ``run.start`` sets marks the run as the protocol's (its events stream here)."""
        config = {**(config or {})}
        config["configurable"] = {**config.get("configurable", {}), "__event_streaming_v2": True}
        body = {"assistant_id": assistant_id, "input": input, "config": config, "metadata": metadata,
                "checkpoint_id": checkpoint_id, "interrupt_before": interrupt_before,
                "interrupt_after": interrupt_after, "stream_mode": list(REST_RUN_MODES),
                "stream_subgraphs": True, "stream_resumable": True, "multitask_strategy": "enqueue"}
        run = await self.client.http.request_json("POST", f"/threads/{self.thread_id}/runs",
                                                  {k: v for k, v in body.items() if v is not None})
        return str(run.get("run_id") or "") if isinstance(run, dict) else ""

    def run(self, assistant_id: str, input: Any = None, *, channels: list[str] | tuple[str, ...] = CHANNELS,
            rest: bool = False, **options: Any) -> "ThreadRun":
        """Start a run and read its events, from its start to the root lifecycle that ends it
        (``rest``: started through the REST API, for what ``run.start`` can't carry).

        Parallel ``interrupt()`` calls in one step: the server ends the run (``interrupted``) right
        after the first one's ``input.requested``, and sends the others after it, so this read
        yields only the first. ``get_state()``'s tasks list them all; a ``resume`` reads the rest
        first (they follow ``since``)."""
        async def start() -> RunWindow:
            if rest:
                return RunWindow(await self.start_rest_run(assistant_id, input, **options))
            return RunWindow(await self.start_run(assistant_id, input, **options))
        return ThreadRun(self.events(with_lifecycle(channels)), start)

    def resume(self, response: Any, interrupt_id: str, *, since: int, namespace: list[str] | tuple[Any, ...] = (),
               channels: list[str] | tuple[str, ...] = CHANNELS, **options: Any) -> "ThreadRun":
        """Answer an interrupt and read on from ``since`` (the last ``seq`` read of the interrupted
        run) to the end of the resumed run."""
        async def start() -> RunWindow:
            await self.respond(response, interrupt_id, namespace=namespace, **options)
            return RunWindow()
        return ThreadRun(self.events(with_lifecycle(channels), since=since), start)

    def attach(self, channels: list[str] | tuple[str, ...] = CHANNELS) -> "ThreadRun":
        """Watch the thread: its latest run from its start when the server still holds that run's
        events (``from_start`` True), else from the first run it hasn't seen end (``from_start``
        False), and every run after it. Never ends by itself."""
        async def start() -> RunWindow:
            runs = await self.runs(limit=ATTACH_RUNS_LIMIT)
            latest = str(runs[0]["run_id"]) if runs else None
            return RunWindow(latest, skip_runs={str(run["run_id"]) for run in runs[1:]}, until_end=False)
        return ThreadRun(self.events(with_lifecycle(channels)), start)


class ThreadRun:
    """A run's events (attached: a thread's runs): ``async for event in thread_run``.

    ``run_id`` is the run being read, ``status`` how it ended (``completed`` / ``failed`` /
    ``interrupted``; ``None`` while it goes on), ``last_seq`` where a later read resumes.
    """

    def __init__(self, subscription: Subscription, start: Callable[[], Awaitable[RunWindow]]):
        self.subscription = subscription
        self.window: RunWindow | None = None
        self.started = asyncio.Event()  # the start command was answered (or failed, or never went)
        self._start = start

    @property
    def run_id(self) -> str | None:
        return self.window.run_id if self.window else None

    @property
    def status(self) -> RunStatus | None:
        return self.window.status if self.window else None

    @property
    def from_start(self) -> bool | None:
        """Attached: did the server still hold the latest run's events from its start."""
        return self.window.from_start if self.window else None

    @property
    def last_seq(self) -> int | None:
        return self.subscription.last_seq

    async def __aiter__(self) -> AsyncIterator[ThreadEvent]:
        async with self.subscription:
            try:
                self.window = window = await self._start()
            finally:
                self.started.set()
            watchdog = asyncio.ensure_future(self._watch(window))
            try:
                async for event in self.subscription:
                    if window.take(event):
                        yield event
                        if window.done:
                            return
            finally:
                watchdog.cancel()

    async def _watch(self, window: RunWindow) -> None:
        """Reconnect when the server ended a run this connection never saw end.

        A connection's server side follows the thread live, and misses a run that starts and ends
        between two of its polls (docs/threads-protocol.md); the read would wait forever. After
        ``STALL_CHECK`` s without an event, the thread's latest run (REST) tells: ended, and not
        the run this reader is done with, means missed. A new connection replays it from storage.
        """
        subscription = self.subscription
        seen = subscription.events_received
        pause = STALL_CHECK
        while True:
            await asyncio.sleep(pause)
            if subscription.events_received != seen:
                seen, pause = subscription.events_received, STALL_CHECK
                continue
            pause = min(2 * pause, STALL_CHECK_MAX)
            try:
                runs = await subscription.api.list_runs(subscription.thread_id, limit=1)
            except LGWidgetsError:
                continue  # the reader's own errors say what is wrong with the server
            latest = runs[0] if runs else None
            if latest is None or latest.get("status") in LIVE_RUN_STATUSES:
                continue
            if window.run_id == str(latest.get("run_id")) and window.status is not None:
                continue
            await subscription.reconnect(f"run {latest.get('run_id')} ended ({latest.get('status')}) and this "
                                         "connection never got there")


def channel_filter(channels: Any, namespaces: Any, depth: Any) -> dict[str, Any]:
    if isinstance(channels, str) or not isinstance(channels, (list, tuple)) or not channels:
        raise InvalidArgument(f"channels must be a non-empty list of channel names, got {channels!r}. "
                              f"Channels: {', '.join(CHANNELS)}, or custom:<name>.")
    unknown = [c for c in channels if c not in CHANNELS and not (isinstance(c, str) and c.startswith("custom:")
                                                                  and len(c) > len("custom:"))]
    if unknown:
        raise InvalidArgument(f"Unknown channel(s) {unknown!r}. Channels: {', '.join(CHANNELS)}, or custom:<name>.")
    filter: dict[str, Any] = {"channels": list(dict.fromkeys(channels))}
    if namespaces is not None:
        if not (isinstance(namespaces, list) and all(isinstance(ns, (list, tuple)) and all(
                isinstance(s, str) for s in ns) for ns in namespaces)):
            raise InvalidArgument(f"namespaces must be a list of namespace paths (lists of strings), got {namespaces!r}.")
        filter["namespaces"] = [list(ns) for ns in namespaces]
    if depth is not None:
        if not isinstance(depth, int) or isinstance(depth, bool) or depth < 0:
            raise InvalidArgument(f"depth must be an int >= 0 or None, got {depth!r}.")
        filter["depth"] = depth
    return filter


def with_lifecycle(channels: Any) -> Any:
    # Runs begin and end with root lifecycle events: a run's reader needs them whatever else it reads.
    if isinstance(channels, (list, tuple)) and "lifecycle" not in channels:
        return [*channels, "lifecycle"]
    return channels
