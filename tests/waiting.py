"""Wait on a condition (never a fixed sleep)."""

from __future__ import annotations

import asyncio
import time
from typing import Awaitable, Callable, TypeVar

T = TypeVar("T")


def wait_until(condition: Callable[[], object], timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.01)


async def poll_until(fetch: Callable[[], Awaitable[T]], done: Callable[[T], object], timeout: float = 30.0,
                     what: str = "condition", every: float = 0.05) -> T:
    """Await ``fetch()`` until ``done`` holds for what it returns; that value."""
    deadline = time.monotonic() + timeout
    while not done(value := await fetch()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}; last: {value!r}")
        await asyncio.sleep(every)
    return value
