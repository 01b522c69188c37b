"""A thread's events in order, resumed exactly after a dropped connection.

The server numbers a thread's events (``seq``) the same way on every connection:
each one replays the thread's stored events from its first run, and a
subscription that passes ``since`` gets only those after it. So a reconnect with
``since`` = the last ``seq`` received loses nothing and repeats nothing; events
at or below it are dropped here too, should a server send them again (a
WebSocket's live events after a replay are not filtered by the server).

Retries follow ``RunStream``'s rules (lg_widgets/client.py): a bounded number of
fruitless attempts in a row, doubling backoff, reset once events flow again.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any, AsyncGenerator, AsyncIterator

from ..client import _Dropped, resume_delay
from ..errors import StreamDisconnected
from .events import ThreadEvent

if TYPE_CHECKING:
    from .client import Thread


class Subscription:
    """``async for event in subscription`` yields ``ThreadEvent``s in ``seq`` order, forever:
    a thread's stream doesn't end with a run. Close it (``aclose()`` or ``async with``)."""

    def __init__(self, thread: "Thread", filter: dict[str, Any], since: int | None = None):
        self.thread = thread
        #: the subscription filter: ``channels``, and optionally ``namespaces`` and ``depth``
        self.filter = filter
        #: the last ``seq`` received (where a reconnect resumes)
        self.last_seq = since
        self.events_received = 0
        #: reconnects so far
        self.resumes = 0
        self._events: AsyncGenerator[ThreadEvent, None] | None = None

    def __aiter__(self) -> "Subscription":
        return self

    async def __anext__(self) -> ThreadEvent:
        if self._events is None:
            self._events = self._resuming()
        return await self._events.__anext__()

    async def __aenter__(self) -> "Subscription":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()

    async def reconnect(self, cause: str) -> None:
        """Drop the current connection (from another task): the reader goes on after ``last_seq``
        on a new one, whose server side replays the thread from storage."""
        await self._drop(cause)

    async def aclose(self) -> None:
        if self._events is not None:
            await self._events.aclose()
        await self._disconnect()

    async def _resuming(self) -> AsyncGenerator[ThreadEvent, None]:
        http = self.thread.client.http
        failures = 0  # reconnects in a row that brought nothing new
        while True:
            before = self.events_received
            try:
                async with contextlib.aclosing(self._connection(self.last_seq)) as events:
                    async for event in events:
                        if self.last_seq is not None and event.seq is not None and event.seq <= self.last_seq:
                            continue
                        self.last_seq = event.seq
                        self.events_received += 1
                        yield event
                cause = "the server closed the stream"
            except _Dropped as dropped:
                cause = dropped.cause
            if self.events_received > before:
                failures = 0
            if failures >= http.max_resume_attempts:
                raise StreamDisconnected(http.redact(
                    f"The connection to {http.display_url} for thread {self.thread.thread_id} was lost ({cause}); "
                    f"{failures} attempt(s) in a row to resume after seq {self.last_seq} failed. Is the server "
                    "still up? Events received so far are kept."))
            await asyncio.sleep(resume_delay(http.resume_backoff, failures))
            failures += 1
            self.resumes += 1

    # what each transport does --------------------------------------------------

    def _connection(self, since: int | None) -> AsyncGenerator[ThreadEvent, None]:
        """One connection's events, resuming after ``since``; raises ``_Dropped`` when it breaks."""
        raise NotImplementedError

    async def _drop(self, cause: str) -> None:
        """Make the pending read of the current connection end as ``_Dropped(cause)``."""
        raise NotImplementedError

    async def _disconnect(self) -> None:
        """Let go of the connection (a no-op where closing the iterator did it)."""
