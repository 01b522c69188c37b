"""A loopback TCP proxy that breaks connections on purpose.

    with FaultProxy(upstream_url, [Cut(5_000), Stall(0, seconds=30), Garbage()]) as proxy:
        ... client talks to proxy.url ...

Each new client connection takes the next action from the list (``Pass()``
once the list is used up):

- ``Pass()``: forward both ways.
- ``Cut(after)``: forward, then close both sides once ``after`` bytes of the
  response have gone to the client (the cut lands wherever that byte is:
  mid-header, mid-chunk, mid-event).
- ``Stall(after, seconds)``: forward ``after`` response bytes, then forward
  nothing more for ``seconds`` (or until the client gives up), then close.
- ``Hold(seconds)``: forward the request, hold the response back for ``seconds``, then forward it.
- ``Garbage(data)``: answer with ``data`` instead of the server's answer, and close.

``FaultProxy(url, plan, only=b"/stream/events")``: a ``Cut`` or ``Stall`` goes to a connection
only once a request holding ``only`` (a stream's) goes through it, and counts the response
bytes from there; other connections and requests (REST calls, commands, history reads, whose
number depends on timing) pass without taking an action.

``proxy.log`` records, per connection, the action and the response bytes sent.
The proxy runs its own asyncio loop in a daemon thread. ``FaultProxy(url,
tls=server_context)`` terminates TLS (a real handshake) in front of a plain
HTTP upstream, and its ``url`` is ``https://``.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class Pass:
    pass


@dataclass
class Cut:
    after: int


@dataclass
class Stall:
    after: int = 0
    seconds: float = 30.0


@dataclass
class Hold:
    seconds: float


@dataclass
class Garbage:
    data: bytes = b"\x00\xff\xfeNOT HTTP AT ALL\r\n\r\n"


Action = Pass | Cut | Stall | Hold | Garbage


@dataclass
class ConnectionLog:
    action: Action
    response_bytes: int = 0
    closed: bool = False


class FaultProxy:
    def __init__(self, upstream_url: str, actions: list[Action] | None = None, tls: ssl.SSLContext | None = None,
                 host: str = "127.0.0.1", only: bytes | None = None):
        parts = urlsplit(upstream_url)
        self.only = only
        self.tls = tls
        self.host = host  # the name in url (a certificate names a host)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.actions: list[Action] = list(actions or [])
        self.log: list[ConnectionLog] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fault-proxy", daemon=True)
        self._server: asyncio.AbstractServer | None = None
        self._tasks: set[asyncio.Task] = set()
        self.port = 0

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}"

    def start(self) -> "FaultProxy":
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._handle, "127.0.0.1", 0, ssl=self.tls), self._loop).result(5)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        async def shutdown() -> None:
            self._server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def __enter__(self) -> "FaultProxy":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def set_actions(self, actions: list[Action]) -> None:
        """Replace the queue of actions for the next connections (thread-safe)."""
        self._loop.call_soon_threadsafe(self._replace, list(actions))

    def _replace(self, actions: list[Action]) -> None:
        self.actions = actions

    # ------------------------------------------------------------------ one connection

    async def _handle(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self._tasks.add(task)
        entry = ConnectionLog(self.actions.pop(0) if self.actions and self.only is None else Pass())
        self.log.append(entry)
        upstream_writer = None
        try:
            if isinstance(entry.action, Garbage):
                await client_reader.read(65536)  # let the request arrive, then answer nonsense
                client_writer.write(entry.action.data)
                await client_writer.drain()
                entry.response_bytes = len(entry.action.data)
                return
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.upstream)
            upload = asyncio.ensure_future(self._pipe(client_reader, upstream_writer, entry))
            try:
                await self._download(upstream_reader, client_writer, entry, upload)
            finally:
                upload.cancel()
        except (ConnectionError, OSError, asyncio.CancelledError):
            pass
        finally:
            entry.closed = True
            for writer in (client_writer, upstream_writer):
                if writer is not None:
                    writer.close()
            self._tasks.discard(task)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, entry: ConnectionLog) -> None:
        try:
            while data := await reader.read(65536):
                if self.only is not None and self.only in data and isinstance(entry.action, Pass) and self.actions:
                    entry.action, entry.response_bytes = self.actions.pop(0), 0  # a stream's request
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            try:
                writer.write_eof()
            except (OSError, RuntimeError):
                pass

    async def _download(self, upstream: asyncio.StreamReader, client: asyncio.StreamWriter,
                        entry: ConnectionLog, upload: asyncio.Future) -> None:
        while True:
            action = entry.action
            limit = action.after if isinstance(action, (Cut, Stall)) else None
            size = 65536 if limit is None else max(0, min(65536, limit - entry.response_bytes))
            if size == 0:
                break
            data = await upstream.read(size)
            if not data:
                return
            # The action may have changed while this read waited (``only``: a request went up
            # meanwhile, and its response is this data): the limit counts from that request on.
            action = entry.action
            if isinstance(action, (Cut, Stall)):
                data = data[:max(0, action.after - entry.response_bytes)]
            elif isinstance(action, Hold) and entry.response_bytes == 0:
                await asyncio.sleep(action.seconds)
            client.write(data)
            await client.drain()
            entry.response_bytes += len(data)
        if isinstance(action, Stall):
            # Forward nothing for a while; stop early when the client hangs up (upload ends).
            try:
                await asyncio.wait_for(asyncio.shield(upload), action.seconds)
            except asyncio.TimeoutError:
                pass
