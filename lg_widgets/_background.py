"""One asyncio event loop in a daemon thread, shared by every running view.

Runs stream there so that ``start()`` returns at once and a blocking ``run()``
works the same in a notebook cell (whose own loop is busy running the cell)
and in a plain script (which has no loop at all).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from typing import Any, Coroutine

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None


def loop() -> asyncio.AbstractEventLoop:
    """The shared background loop, started on first use."""
    global _loop
    with _lock:
        if _loop is None or _loop.is_closed():
            _loop = asyncio.new_event_loop()
            thread = threading.Thread(target=_loop.run_forever, name="lg_widgets-runs", daemon=True)
            thread.start()
        return _loop


def submit(coroutine: Coroutine[Any, Any, Any]) -> concurrent.futures.Future[Any]:
    """Schedule ``coroutine`` on the background loop; returns a thread-safe future."""
    return asyncio.run_coroutine_threadsafe(coroutine, loop())


def in_background_thread() -> bool:
    return _loop is not None and threading.current_thread().name == "lg_widgets-runs"
