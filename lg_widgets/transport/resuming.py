"""The reconnect loop both protocols share: a stream that is cut goes on from its cursor.

``Resumable`` reads one connection after another. A connection ends by closing (the stream may be
over, or the server says the run goes on: ``after_close`` tells) or by ``Dropped``; then, while
``can_resume()`` and fewer than ``max_attempts`` reconnects in a row brought nothing new, it waits
(a backoff that doubles per fruitless attempt, reset once events flow again) and reconnects.
What each protocol brings is its connection and its cursor:

- the runs stream: ``Last-Event-ID`` (resumed from the id *before* the last one, skipping what it
  holds of the last: the embedded server gives several events one id; ``lg_widgets/runs``);
- the thread protocol: ``seq`` (``since``: exact; ``lg_widgets/threads/subscription.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import AsyncGenerator, AsyncIterator, Generic, TypeVar

from ..errors import InvalidArgument, LGWidgetsError
from .errors import Dropped
from .settings import positive_seconds

#: Reconnects in a row that bring no new event before giving up, and the first backoff (doubles per
#: fruitless attempt, resets once events flow again) and its cap. Read when a client is made, not at
#: import, so a test (or a user) can change them module-wide.
MAX_RESUME_ATTEMPTS = 5
FIRST_BACKOFF = 0.2
MAX_BACKOFF = 5.0

E = TypeVar("E")


@dataclass(frozen=True)
class RetryPolicy:
    """How often, and how patiently, a dropped stream is resumed."""

    max_attempts: int = MAX_RESUME_ATTEMPTS
    first_backoff: float = FIRST_BACKOFF

    @classmethod
    def of(cls, max_attempts: int | None, first_backoff: float | None) -> "RetryPolicy":
        attempts = MAX_RESUME_ATTEMPTS if max_attempts is None else max_attempts
        if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 0:
            raise InvalidArgument(f"max_resume_attempts must be an int >= 0, got {max_attempts!r}.")
        backoff = positive_seconds("resume_backoff", FIRST_BACKOFF if first_backoff is None else first_backoff,
                                   zero_ok=True)
        return cls(attempts, backoff)

    def delay(self, failures: int) -> float:
        """Seconds to wait before the next reconnect after ``failures`` fruitless ones."""
        return min(MAX_BACKOFF, self.first_backoff * 2.0 ** failures)


class Resumable(Generic[E]):
    """``async for event in stream``: every connection's new events, until the stream ends or
    resuming gives up (``gave_up``'s error). Subclasses say how to connect and what is new."""

    def __init__(self, retry: RetryPolicy):
        self.retry = retry
        #: events yielded so far, over every connection
        self.events_received = 0
        #: reconnects so far
        self.resumes = 0

    def __aiter__(self) -> AsyncIterator[E]:
        return self.read()

    async def read(self) -> AsyncGenerator[E, None]:
        """Every connection's new events, one connection after another."""
        failures = 0  # reconnects in a row that brought nothing new
        while True:
            before = self.events_received
            try:
                async with contextlib.aclosing(self.connect(resuming=self.resumes > 0)) as events:
                    async for event in events:
                        for new in self.admit(event):
                            yield self._taken(new)
                for new in self.closed_cleanly():
                    yield self._taken(new)
                cause = await self.after_close()
                if cause is None:
                    return
            except Dropped as dropped:
                cause = dropped.cause
            if self.events_received > before:
                failures = 0
            if not self.can_resume() or failures >= self.retry.max_attempts:
                raise self.gave_up(cause, failures)
            await asyncio.sleep(self.retry.delay(failures))
            failures += 1
            self.resumes += 1

    def _taken(self, event: E) -> E:
        """An event the stream yields: the cursor moves past it first."""
        self.received(event)
        self.events_received += 1
        return event

    # what each protocol says ----------------------------------------------------------------

    def connect(self, resuming: bool) -> AsyncGenerator[E, None]:
        """One connection's events, from the cursor when ``resuming``; raises ``Dropped`` when it breaks."""
        raise NotImplementedError

    def admit(self, event: E) -> list[E]:
        """What to yield for an event that arrived: nothing (yielded before), the event, or events a
        subclass held back until a later one told whether they were repeats."""
        return [] if self.already_received(event) else [event]

    def already_received(self, event: E) -> bool:
        """A replayed event the stream has yielded before (skipped)."""
        return False

    def closed_cleanly(self) -> list[E]:
        """The events still held back when a connection closed cleanly (a dropped one's come again)."""
        return []

    def received(self, event: E) -> None:
        """Move the cursor past ``event``."""

    async def after_close(self) -> str | None:
        """After a connection closed cleanly: why to reconnect, or ``None`` when the stream is over."""
        return None

    def can_resume(self) -> bool:
        return True

    def gave_up(self, cause: str, attempts: int) -> LGWidgetsError:
        """The error that ends the stream after ``attempts`` fruitless reconnects (``cause``: the last cut)."""
        raise NotImplementedError
