"""The SSE transport: ``POST /threads/{id}/stream/events`` with the filter as its body.

Each connection is one subscription; ``since`` in the body resumes it. The
server keeps it open between runs (and sends a heartbeat comment every 5 s), so
any close or error is a drop to resume from.
"""

from __future__ import annotations

import time
from typing import AsyncGenerator

import httpx

from ..client import _describe, _Dropped, _SSEReader
from ..errors import MalformedStream, StreamStalled
from .events import ThreadEvent, command_error, event_from_frame, loads
from .subscription import Subscription


class SseSubscription(Subscription):
    _answered = False  # has any connection been answered (else a failure means "unreachable")
    _response: httpx.Response | None = None  # the open connection's, for _drop

    async def _connection(self, since: int | None) -> AsyncGenerator[ThreadEvent, None]:
        http = self.thread.client.http
        path = f"/threads/{self.thread.thread_id}/stream/events"
        body = self.filter if since is None else {**self.filter, "since": since}
        what = f"POST {http.display_url}{path}"
        try:
            async with http._http.stream("POST", path, json=body, headers={"accept": "text/event-stream"}) as response:
                await self._check(response, path)
                self._answered = True
                self._response = response
                reader = _SSEReader(what)
                try:
                    async for text in response.aiter_text():
                        for sse in reader.feed(text):
                            if sse.event == "error":  # the server's stream failed (langgraph_api/sse.py)
                                raise command_error({"error": "unknown_error", "message": sse.data}, None)
                            yield event_from_frame(loads(sse.data, what), time.monotonic(), len(sse.data))
                finally:
                    self._response = None
                reader.finish()
        except httpx.ReadTimeout:
            raise StreamStalled(
                f"{http.display_url} sent nothing for {http.read_timeout:g} s (read_timeout), not even its "
                "heartbeat; the connection is stuck or a proxy holds it. Events received so far are kept.") from None
        except httpx.TransportError as exc:
            if not self._answered:
                raise http.unreachable(exc) from None
            raise _Dropped(_describe(exc)) from None

    async def _drop(self, cause: str) -> None:
        if self._response is not None:
            await self._response.aclose()  # the pending read raises httpx.ReadError: a drop

    async def _check(self, response: httpx.Response, path: str) -> None:
        if response.status_code >= 400:
            await response.aread()
            if self._answered and response.status_code >= 500:
                raise _Dropped(f"reconnecting answered HTTP {response.status_code}")
            raise self.thread.client.route_error("POST", path, response)
        content_type = response.headers.get("content-type", "")
        if "text/event-stream" not in content_type:
            await response.aread()
            http = self.thread.client.http
            raise MalformedStream(http.redact(
                f"POST {http.display_url}{path} answered {content_type or 'no content type'!r}, not an event "
                f"stream: {response.text[:200]!r}. Is the URL a LangGraph API server?"))
