"""One run on the runs stream: ``async for event in RunStream(client, request)``.

When the connection drops mid-run (or closes while the server says the run is still going) on a
resumable threaded run, the stream rejoins it (``GET {location}`` with ``Last-Event-ID``) and goes
on where it was (``transport/resuming.py`` has the loop). The cursor: event ids may be shared by
several events (the embedded server's per-millisecond ids), so a rejoin asks for the events after
the id *before* the last one seen and skips as many of the last id's events as it already has; an
id below the last one is a replay (the embedded server's live queue repeats the events stored while
it replayed: those, and the last id's events once more). See docs/architecture.md, "Resuming a
dropped stream".
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any, AsyncGenerator
from urllib.parse import urlencode

import httpx

from ..errors import LGWidgetsError, StreamDisconnected
from ..protocol import StreamEvent, parse_event
from ..transport import LIVE_RUN_STATUSES, ApiClient, EventStreamReader, Resumable, wait_for_name
from ..transport.settings import same_origin_path
from .repeats import RepeatedTail
from .request import RunRequest

#: Seconds from a rejoin's first event in which the replay's last events sent again are taken for
#: the server's repeat (the replay is sent at once; its repeat follows it at once).
REQUEUE_WINDOW = 2.0


class RunStream(Resumable[StreamEvent]):
    """One run's event stream. ``async for event in run_stream`` yields ``StreamEvent``s;
    ``thread_id`` / ``run_id`` once known; ``cancel()``; ``resumes`` counts the rejoins."""

    def __init__(self, client: ApiClient, request: RunRequest):
        super().__init__(client.retry)
        self.client = client
        self.request = request
        self.thread_id: str | None = None
        self.run_id: str | None = None
        self.location: str | None = None
        self._last_id: str | None = None
        self._previous_id: str | None = None
        self._seen_with_last_id = 0
        self._skip_id: str | None = None
        self._skip = 0
        self._rejoined = False  # this connection is a rejoin (GET): it may repeat what it replayed
        self._requeued = False  # this connection went back to events already received
        self._first_event_at: float | None = None  # when this connection's first event came
        self._tail: RepeatedTail[StreamEvent] = RepeatedTail()
        self._ended = False
        self._asked = False  # the request that starts the run went out
        self._named = asyncio.Event()  # the run's id is known, or never will be

    async def start_thread(self) -> str | None:
        """Resolve ``thread_id`` (creating a thread for ``"new"``) before the run starts."""
        wanted = self.request.thread_id
        if wanted and self.thread_id is None:
            self.thread_id = await self.client.create_thread() if wanted == "new" else wanted
        return self.thread_id

    # one connection --------------------------------------------------------------------------

    async def _request(self, resuming: bool) -> tuple[str, str, dict[str, Any] | None, dict[str, str]]:
        """The run's start (``POST``), or a rejoin from the cursor (``GET`` its location)."""
        if resuming:
            return "GET", self._rejoin_path(), None, self._resume_headers()
        await self.start_thread()
        path = f"/threads/{self.thread_id}/runs/stream" if self.thread_id else "/runs/stream"
        return "POST", path, self.request.body(threaded=bool(self.thread_id)), {}

    async def connect(self, resuming: bool) -> AsyncGenerator[StreamEvent, None]:
        method, path, body, headers = await self._request(resuming)
        self._asked = True
        self._rejoined, self._requeued, self._first_event_at = method == "GET", False, None
        self._tail = RepeatedTail()
        try:
            async with self.client.event_stream(method, path, body=body, headers=headers, resuming=resuming,
                                                refused=lambda response: self._refused(response, method, path,
                                                                                       resuming)) as response:
                self._read_headers(response, rejoin=method == "GET")
                reader = EventStreamReader(f"{method} {self.client.display_url}{path}")
                async for chunk in response.aiter_bytes():
                    for sse in reader.feed(chunk):
                        yield parse_event(sse.event, sse.data, sse.id, time.monotonic())
                reader.finish()
        finally:
            self._named.set()  # a request that failed names no run: a cancel waits no longer

    def _refused(self, response: httpx.Response, method: str, path: str, resuming: bool) -> Exception:
        error = self.client.status_error(method, path, response.status_code, response.text)
        if resuming:
            return StreamDisconnected(self.client.redact(
                f"The connection was lost mid-run and the server refused to rejoin it ({error}). "
                "Events received so far are kept."))
        return error

    def _read_headers(self, response: httpx.Response, rejoin: bool) -> None:
        location = response.headers.get("location")
        if location and not rejoin:
            self.location = same_origin_path(self.client.url, location)
        parts = [p for p in (response.headers.get("content-location") or "").split("/") if p]
        if "runs" in parts and parts.index("runs") + 1 < len(parts):
            self.run_id = self.run_id or parts[parts.index("runs") + 1]
        self._named.set()  # from here on the run id is known, or the stream's events say it

    # the cursor ------------------------------------------------------------------------------

    def admit(self, event: StreamEvent) -> list[StreamEvent]:
        """On a rejoin: drop what the stream has yielded before; hold back what may be a repeat."""
        if not self._rejoined:
            return [event]
        if self._first_event_at is None:
            self._first_event_at = time.monotonic()
        key = (event.event, event.raw)
        if self._skip and event.id == self._skip_id:  # the last id's events, which the replay starts with
            self._skip -= 1
            self._tail.seen(event.id, key)
            return []
        # The embedded server sends its stored events, then its live queue, which holds again those
        # stored after the rejoin subscribed (repeats.py). Ids only grow, so one below the last id
        # seen is that repeat's start, and the last id's events all come again after it.
        order, last = _id_order(event.id), _id_order(self._last_id)
        if order is not None and last is not None and order < last:
            held = self._tail.settle()  # they came before the repeat: new, and repeated in it too
            if not self._requeued:
                self._requeued = True
                self._skip_id = self._last_id
                self._skip = self._seen_with_last_id + sum(e.id == self._last_id for e in held)
            return held
        # A repeat within the last id: only once, early in the connection (a run seldom sends the
        # same events twice in a row in one millisecond; only this window takes them for a repeat).
        if self._requeued or time.monotonic() - self._first_event_at > REQUEUE_WINDOW:
            passed = [*self._tail.settle(), event]
        else:
            passed = self._tail.offer(event.id, key, event)
        self._requeued = self._requeued or self._tail.found
        return passed

    def closed_cleanly(self) -> list[StreamEvent]:
        return self._tail.settle()

    def received(self, event: StreamEvent) -> None:
        if event.mode == "metadata" and isinstance(event.data, dict) and event.data.get("run_id"):
            self.run_id = str(event.data["run_id"])
            self._named.set()
        if event.mode in ("end", "error"):
            self._ended = True
        if event.id is None:
            return
        if event.id == self._last_id:
            self._seen_with_last_id += 1
        else:
            self._previous_id, self._last_id, self._seen_with_last_id = self._last_id, event.id, 1

    def _rejoin_path(self) -> str:
        # A `location` from another origin is never followed; the standard path does the same job.
        return self.location or f"/threads/{self.thread_id}/runs/{self.run_id}/stream"

    def _resume_headers(self) -> dict[str, str]:
        # Resume from the id *before* the last one: the last id's events all come again, and the
        # ones already received are skipped.
        self._skip_id, self._skip = self._last_id, self._seen_with_last_id
        return {"last-event-id": self._previous_id or "0"}

    # when to rejoin --------------------------------------------------------------------------

    def can_resume(self) -> bool:
        # Events without ids can't be told apart from a replay: only numbered streams are
        # rejoined (or one that was cut before its first event: then nothing can repeat).
        numbered = self._last_id is not None or self.events_received == 0
        return bool(self.thread_id and self.run_id and self.request.stream_resumable and numbered)

    async def after_close(self) -> str | None:
        """After a clean close: why to rejoin when the server says the run goes on, else None."""
        if self._ended or not self.can_resume() or not (self.thread_id and self.run_id):
            return None
        try:
            run = await self.client.get_run(self.thread_id, self.run_id)
        except LGWidgetsError:
            return None  # no way to tell: a close is how the current server ends a run
        status = run.get("status")
        if status in LIVE_RUN_STATUSES:
            return f"the stream closed while the run was still {status}"
        return None

    def gave_up(self, cause: str, attempts: int) -> StreamDisconnected:
        url = self.client.display_url
        if self.retry.max_attempts == 0 and self.can_resume():
            advice = "Rejoining is switched off (max_resume_attempts=0)."
        elif not self.can_resume():
            advice = ("It can't be rejoined: only threaded runs (thread_id='new') with stream_resumable=True "
                      "whose events carry ids can.")
        else:
            advice = (f"Rejoining the run failed {attempts} time(s) in a row; is the server still up? "
                      "The run may still finish on the server (see its thread's history).")
        return StreamDisconnected(self.client.redact(
            f"The connection to {url} was lost mid-run ({cause}). {advice} Events received so far are kept."))

    async def cancel(self) -> bool:
        """Ask the server to cancel the run (threaded runs). True when a request was sent.

        A cancel right after the start, before the server has named the run, waits for its name:
        a threaded run goes on without its client (``on_disconnect="continue"``)."""
        if self.thread_id and not self.run_id and self._asked:
            await wait_for_name(self._named)
        if not (self.thread_id and self.run_id):
            return False
        await self.client.cancel_run(self.thread_id, self.run_id)
        return True


class JoinedRunStream(RunStream):
    """A threaded run started elsewhere, joined by id (``LangGraphClient.join``).

    It starts where a rejoin would, from the first stored event (``Last-Event-ID: 0``),
    and rejoins a dropped connection the same way as ``RunStream``.
    """

    def __init__(self, client: ApiClient, thread_id: str, run_id: str, stream_mode: list[str] | None = None):
        super().__init__(client, RunRequest("joined run", thread_id=thread_id))
        self.thread_id, self.run_id = thread_id, run_id
        self._query = f"?{urlencode({'stream_mode': json.dumps(stream_mode)})}" if stream_mode else ""

    async def start_thread(self) -> str | None:
        return self.thread_id

    async def _request(self, resuming: bool) -> tuple[str, str, dict[str, Any] | None, dict[str, str]]:
        # Every request is a rejoin; the first one from the start ("0", nothing to skip).
        return "GET", self._rejoin_path(), None, self._resume_headers()

    def _rejoin_path(self) -> str:
        return f"/threads/{self.thread_id}/runs/{self.run_id}/stream{self._query}"

    def can_resume(self) -> bool:
        # The server numbers a run's events only when it keeps them (resumable runs).
        return self._last_id is not None or self.events_received == 0


def _id_order(event_id: str | None) -> tuple[int, ...] | None:
    """``"1712-0"`` → ``(1712, 0)``: the order of ``<ms>-<seq>`` / integer ids, else None."""
    if not event_id:
        return None
    try:
        return tuple(int(part) for part in event_id.split("-"))
    except ValueError:
        return None
