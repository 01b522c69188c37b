"""A thread's events in order, resumed exactly after a dropped connection.

The server numbers a thread's events (``seq``) the same way on every connection:
each one replays the thread's stored events from its first run, and a
subscription that passes ``since`` gets only those after it. So a reconnect with
``since`` = the last ``seq`` received loses nothing and repeats nothing; events
at or below it are dropped here too, should a server send them again (a
WebSocket's live events after a replay are not filtered by the server).

The reconnect loop is the runs stream's (``lg_widgets/transport/resuming.py``): a
bounded number of fruitless attempts in a row, doubling backoff, reset once
events flow again. A thread's stream never ends by itself: a clean close is a
drop too.
"""

from __future__ import annotations

from typing import Any, AsyncGenerator

from ..errors import StreamDisconnected
from ..transport import ApiClient, Resumable
from .events import ThreadEvent


class Subscription(Resumable[ThreadEvent]):
    """``async for event in subscription`` yields ``ThreadEvent``s in ``seq`` order, forever:
    a thread's stream doesn't end with a run. Close it (``aclose()`` or ``async with``)."""

    def __init__(self, api: ApiClient, thread_id: str, filter: dict[str, Any], since: int | None = None):
        super().__init__(api.retry)
        self.api = api
        self.thread_id = thread_id
        #: the subscription filter: ``channels``, and optionally ``namespaces`` and ``depth``
        self.filter = filter
        #: the last ``seq`` received (where a reconnect resumes)
        self.last_seq = since
        self._reading: AsyncGenerator[ThreadEvent, None] | None = None

    def __aiter__(self) -> "Subscription":
        return self

    async def __anext__(self) -> ThreadEvent:
        if self._reading is None:
            self._reading = self.read()
        return await self._reading.__anext__()

    async def __aenter__(self) -> "Subscription":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def reconnect(self, cause: str) -> None:
        """Drop the current connection (from another task): the reader goes on after ``last_seq``
        on a new one, whose server side replays the thread from storage."""
        await self._drop(cause)

    async def aclose(self) -> None:
        if self._reading is not None:
            await self._reading.aclose()
        await self._disconnect()

    # the cursor ------------------------------------------------------------------------------

    def connect(self, resuming: bool) -> AsyncGenerator[ThreadEvent, None]:
        return self._connection(self.last_seq)

    def already_received(self, event: ThreadEvent) -> bool:
        return self.last_seq is not None and event.seq is not None and event.seq <= self.last_seq

    def received(self, event: ThreadEvent) -> None:
        self.last_seq = event.seq

    async def after_close(self) -> str | None:
        return "the server closed the stream"

    def gave_up(self, cause: str, attempts: int) -> StreamDisconnected:
        return StreamDisconnected(self.api.redact(
            f"The connection to {self.api.display_url} for thread {self.thread_id} was lost ({cause}); "
            f"{attempts} attempt(s) in a row to resume after seq {self.last_seq} failed. Is the server "
            "still up? Events received so far are kept."))

    # what each transport does ----------------------------------------------------------------

    def _connection(self, since: int | None) -> AsyncGenerator[ThreadEvent, None]:
        """One connection's events, resuming after ``since``; raises ``Dropped`` when it breaks."""
        raise NotImplementedError

    async def _drop(self, cause: str) -> None:
        """Make the pending read of the current connection end as ``Dropped(cause)``."""
        raise NotImplementedError

    async def _disconnect(self) -> None:
        """Let go of the connection (a no-op where closing the iterator did it)."""
