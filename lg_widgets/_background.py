"""One asyncio event loop in a daemon thread, shared by every running view.

Runs stream there so that ``start()`` returns at once and a blocking ``run()``
works the same in a notebook cell (whose own loop is busy running the cell)
and in a plain script (which has no loop at all).

At interpreter exit (a script's end, a kernel's shutdown) ``shutdown()`` takes it down in order:
the runs still live are cancelled, on the server too where they can be (each closes its
connections as it ends), async generators and
the default executor are closed, the loop stops, its thread is joined and the loop closed. A daemon
thread still running a loop with open sockets while the interpreter tears down can crash it.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import logging
import threading
import weakref
from typing import Any, Awaitable, Coroutine, Protocol

_log = logging.getLogger(__name__)
_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_thread: threading.Thread | None = None
_registered = False
#: Seconds the runs still live at exit get to end and close their connections.
EXIT_TIMEOUT = 5.0


class Stoppable(Protocol):
    def stop_at_exit(self) -> Awaitable[None]: ...


#: what runs on the loop and should stop first at exit (a view cancels its run on the server too)
_running: "weakref.WeakSet[Stoppable]" = weakref.WeakSet()


def track(run: Stoppable) -> None:
    """Stop ``run`` first at exit (``run.stop_at_exit()`` on the loop), before its task is cancelled."""
    _running.add(run)


def loop() -> asyncio.AbstractEventLoop:
    """The shared background loop, started on first use."""
    global _loop, _thread, _registered
    with _lock:
        if _loop is None or _loop.is_closed():
            _loop = asyncio.new_event_loop()
            _thread = threading.Thread(target=_loop.run_forever, name="lg_widgets-runs", daemon=True)
            _thread.start()
            if not _registered:  # after the embedded server's hook: atexit runs this one first
                atexit.register(shutdown)
                _registered = True
        return _loop


def submit(coroutine: Coroutine[Any, Any, Any]) -> concurrent.futures.Future[Any]:
    """Schedule ``coroutine`` on the background loop; returns a thread-safe future."""
    return asyncio.run_coroutine_threadsafe(coroutine, loop())


def in_background_thread() -> bool:
    return _loop is not None and threading.current_thread().name == "lg_widgets-runs"


def shutdown(timeout: float = EXIT_TIMEOUT) -> None:
    """Cancel what runs on the loop, let it end, stop the loop and join its thread (at exit; safe
    to call twice; a later view starts a new loop)."""
    global _loop, _thread
    with _lock:
        running, thread = _loop, _thread
        _loop = _thread = None
    if running is None or thread is None or running.is_closed():
        return
    if threading.current_thread() is thread:
        raise RuntimeError("lg_widgets: the background loop can't shut itself down.")
    if thread.is_alive():
        try:
            asyncio.run_coroutine_threadsafe(_wind_down(timeout), running).result(timeout + 2.0)
        except Exception:  # whatever is left is cut off with the loop
            _log.debug("lg_widgets: winding the background loop down failed", exc_info=True)
        running.call_soon_threadsafe(running.stop)
        thread.join(timeout)
    if not thread.is_alive():
        running.close()


async def _wind_down(timeout: float) -> None:
    await asyncio.sleep(0)  # a run submitted just before takes its first step: it can end as cancelled
    stops = [asyncio.ensure_future(run.stop_at_exit()) for run in list(_running)]
    if stops:
        await asyncio.wait(stops, timeout=timeout)
    tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.wait(tasks, timeout=timeout)
    loop = asyncio.get_running_loop()
    await loop.shutdown_asyncgens()
    await loop.shutdown_default_executor()
