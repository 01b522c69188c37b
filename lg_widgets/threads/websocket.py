"""The WebSocket transport: a socket to ``/threads/{id}/stream/events`` carries
commands, their replies and one subscription's events.

Every frame is JSON. A command ``{"id": n, "method", "params"}`` is answered by
``{"type": "success"|"error", "id": n, ...}``; events (``"type": "event"``) come
in between, in order, and carry no subscription id, so a socket serves one
subscription. A reader task sorts the frames: replies to the command waiting
for them, events to the subscription's queue.

A thread's commands go over one socket; each subscription opens its own when it
is first read, after the command that starts its run. A socket's server side
replays the thread's stored events as soon as it opens, then follows the thread
live, and that live reader can miss a run that starts and publishes between two
of its 20 ms polls (langgraph-runtime-inmem 0.36): a socket opened after the run
started replays it from storage instead. (Measured: a resume read on the
thread's command socket missed the whole resumed run in 4 of 40 tries.)

The server side binds the socket to each run in turn as it replays, and sends a
subscription only what arrives after it: a subscription it gets before binding
the socket to a run is held, then fed every event of every run; one it gets later
is replayed the bound run's buffer first, at most that run's last 10,000 events
(``LSD_PROTOCOL_V2_BUFFER_SIZE``). So:

- a subscription's first connection is a plain ``subscription.subscribe``: the
  whole thread, or the bound run from its start; events at or below ``since``
  are dropped here. Without ``since``, a replay that doesn't begin with the run's
  start (its head fell out of the buffer) is a ``resume_gap`` error;
- a reconnect after a drop is ``subscription.reconnect`` with ``since``: exact,
  or the server's ``resume_gap`` error; ``no_such_run`` means the socket isn't
  bound yet, and it asks again. Live events are not filtered by ``since``: those
  at or below it are dropped here.
"""

from __future__ import annotations

import asyncio
import ssl
import contextlib
import itertools
import time
from typing import Any, AsyncGenerator
from urllib.parse import urlsplit, urlunsplit

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, InvalidURI, WebSocketException

from ..errors import (CommandError, HTTPStatusError, InvalidArgument, LGWidgetsError, ServerUnreachable,
                      StreamDisconnected)
from ..transport import ApiClient, Dropped
from ..transport.errors import connection_hint, describe
from .errors import websocket_refused
from .events import ThreadEvent, check_reply, command_error, event_from_frame, loads
from .subscription import Subscription

#: Seconds between the client's pings (and to wait for each pong) on an idle socket.
PING_INTERVAL = 20.0
#: Pauses between asking again while the server side of a new socket has no run bound yet
#: (its replay of the thread binds one within milliseconds; some 5 s in all before giving up).
BIND_RETRY_DELAYS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.4, 0.8, 1.0, 1.0, 1.0)


class ThreadSocket:
    """The thread's WebSocket: ``command()`` from any task; ``events`` for its one subscription."""

    def __init__(self, api: ApiClient, thread_id: str):
        self.api = api
        self.thread_id = thread_id
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task[Any] | None = None
        self._ids = itertools.count(1)
        self._replies: dict[int, asyncio.Future[Any]] = {}
        #: what the reader found for the subscription: events, then a Dropped or an error
        self.events: asyncio.Queue[Any] = asyncio.Queue()
        self._connecting = asyncio.Lock()

    @property
    def url(self) -> str:
        parts = urlsplit(self.api.url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        path = f"{parts.path.rstrip('/')}/threads/{self.thread_id}/stream/events"
        return urlunsplit((scheme, parts.netloc, path, "", ""))

    # commands --------------------------------------------------------------------

    async def command(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        ws = await self._connected()
        command_id = next(self._ids)
        reply = asyncio.get_running_loop().create_future()
        self._replies[command_id] = reply
        try:
            await ws.send(orjson.dumps({"id": command_id, "method": method, "params": params}).decode())
            answer = await reply
        except ConnectionClosed as exc:
            raise self._lost(method, describe(exc)) from None
        finally:
            self._replies.pop(command_id, None)
        return check_reply(answer, method, self.api.display_url)

    def _lost(self, method: str, cause: str) -> StreamDisconnected:
        http = self.api
        return StreamDisconnected(http.redact(
            f"The WebSocket to {http.display_url} closed before the server answered {method} ({cause}); "
            "the command may or may not have been applied: check the thread's runs and state."))

    # the subscription ------------------------------------------------------------

    async def subscribe(self, filter: dict[str, Any], since: int | None, *, reconnect: bool) -> tuple[asyncio.Queue[Any], int]:
        """Subscribe on the current socket (a new one after a drop): the queue of its events, and
        how many of them the server replayed from the run's buffer (0: it gets them all live).
        ``reconnect``: resume exactly after ``since`` (after a drop)."""
        await self._connected()
        result = await self._reconnect(filter, since) if reconnect and since is not None else None
        if result is None:
            result = await self.command("subscription.subscribe", filter)
        return self.events, int(result.get("replayed_events") or 0)

    async def _reconnect(self, filter: dict[str, Any], since: int) -> dict[str, Any] | None:
        """``subscription.reconnect``: exact, or the server's resume_gap error when it no longer
        holds what follows ``since``. ``None`` when the server holds no run of the thread at all."""
        for delay in BIND_RETRY_DELAYS:
            try:
                return await self.command("subscription.reconnect", {**filter, "since": since})
            except CommandError as error:
                if error.code != "no_such_run":
                    raise
            await asyncio.sleep(delay)  # the server side hasn't bound this new socket to the run yet
        return None

    # the connection --------------------------------------------------------------

    async def _connected(self) -> ClientConnection:
        async with self._connecting:
            if self._ws is None or self._reader is None or self._reader.done():
                await self._close()
                self._ws = await self._open()
                self.events = asyncio.Queue()
                self._reader = asyncio.create_task(self._read(self._ws))
            return self._ws

    async def _open(self) -> ClientConnection:
        http = self.api
        try:
            return await connect(
                self.url, additional_headers=http.auth_headers, open_timeout=http.connect_timeout,
                ping_interval=PING_INTERVAL, ping_timeout=PING_INTERVAL, max_size=None,
                ssl=_websocket_tls(http.tls) if self.url.startswith("wss:") else None)
        except InvalidStatus as exc:
            raise await websocket_refused(http, self.thread_id, exc.response.status_code) from None
        except InvalidURI:
            raise InvalidArgument(f"{http.display_url} can't be turned into a WebSocket URL.") from None
        except (OSError, asyncio.TimeoutError, WebSocketException) as exc:
            raise ServerUnreachable(http.redact(
                f"Could not open a WebSocket to {http.display_url} ({describe(exc)}). "
                + connection_hint(exc))) from None

    async def _read(self, ws: ClientConnection) -> None:
        what = f"The WebSocket to {self.api.display_url}"
        try:
            async for raw in ws:
                frame = loads(raw, what)
                kind = frame.get("type") if isinstance(frame, dict) else None
                if kind == "event":
                    self.events.put_nowait(event_from_frame(frame, time.monotonic(), len(raw)))
                elif isinstance(frame, dict) and frame.get("id") in self._replies:
                    reply = self._replies[frame["id"]]
                    if not reply.done():  # its command may have been cancelled meanwhile
                        reply.set_result(frame)
                elif kind == "error":  # not an answer to a command: the stream itself failed
                    self.events.put_nowait(command_error(frame, None))
            cause = f"the server closed the socket ({ws.close_code} {ws.close_reason})".rstrip()
        except ConnectionClosed as exc:
            cause = describe(exc)
        except LGWidgetsError as error:  # a frame that isn't JSON, or not an event: no server to resume
            self.events.put_nowait(error)
            self._fail_replies(error)
            await ws.close()
            return
        self.events.put_nowait(Dropped(cause))
        self._fail_replies(ConnectionClosed(None, None))

    def _fail_replies(self, error: Exception) -> None:
        for reply in self._replies.values():
            if not reply.done():
                reply.set_exception(error)

    async def _close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
            self._reader = None
            self._fail_replies(ConnectionClosed(None, None))
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()
            self._ws = None

    async def aclose(self) -> None:
        async with self._connecting:
            await self._close()


class WebSocketSubscription(Subscription):
    """A subscription on a WebSocket of its own, opened when it is first read."""

    _subscribed_once = False  # has a subscribe succeeded (else a failure is no drop to retry)
    _dropped_on_purpose = False  # the next connection subscribes afresh (see _drop)

    def __init__(self, api: ApiClient, thread_id: str, filter: dict[str, Any], since: int | None = None):
        super().__init__(api, thread_id, filter, since)
        self.socket = ThreadSocket(api, thread_id)

    async def _connection(self, since: int | None) -> AsyncGenerator[ThreadEvent, None]:
        try:
            # After _drop, `since` may lie in a run the new socket has already replayed past, which
            # subscription.reconnect refuses (resume_gap): subscribe, and drop what was read here.
            exact = self._subscribed_once and not self._dropped_on_purpose
            self._dropped_on_purpose = False
            events, replayed = await self.socket.subscribe(self.filter, since, reconnect=exact)
        except ServerUnreachable as exc:  # StreamDisconnected too
            if not self._subscribed_once:
                raise
            if exact:
                # The server replays what followed `since` before it answers the reconnect: a cut
                # between the two threw that away, so each reconnect began at the same `since`
                # and a backlog longer than one connection carries never drained.
                for item in self._read_before_the_answer():
                    yield item
            raise Dropped(str(exc)) from None
        except HTTPStatusError as exc:
            if not (self._subscribed_once and exc.status_code >= 500):
                raise
            raise Dropped(f"reconnecting answered HTTP {exc.status_code}") from None
        self._subscribed_once = True
        # Replayed from the run's buffer (the server had bound the socket to the run already): the
        # replay must begin with the run's start, unless the buffer lost it (a run of over 10,000 events).
        check_start = replayed > 0 and since is None and "lifecycle" in self.filter["channels"]
        while True:
            item = await events.get()
            if isinstance(item, BaseException):
                raise item
            if check_start:
                check_start = False
                if not (item.mode == "lifecycle" and not item.namespace and item.data.get("event") == "running"):
                    raise self._late_start(item)
            yield item

    def _read_before_the_answer(self) -> list[ThreadEvent]:
        """The events the closed socket read before the subscribe's answer came."""
        queue, arrived = self.socket.events, []
        while not queue.empty():
            item = queue.get_nowait()
            if isinstance(item, BaseException):
                break
            arrived.append(item)
        return arrived

    def _late_start(self, first: ThreadEvent) -> CommandError:
        message = f"the replay began at seq {first.seq}, past the start of the run"
        return command_error({"error": "resume_gap", "message": message}, "subscription.subscribe")

    async def _drop(self, cause: str) -> None:
        if not self._subscribed_once:  # still subscribing: a failure there would be final
            return
        events = self.socket.events
        await self.socket.aclose()
        self._dropped_on_purpose = True
        events.put_nowait(Dropped(cause))

    async def _disconnect(self) -> None:
        await self.socket.aclose()


def _websocket_tls(tls: ssl.SSLContext | bool) -> ssl.SSLContext:
    """The HTTP client's trust for the WebSocket too: its context, or (verify=False) none at all."""
    if isinstance(tls, ssl.SSLContext):
        return tls
    unverified = ssl.create_default_context()
    unverified.check_hostname = False
    unverified.verify_mode = ssl.CERT_NONE
    return unverified
