"""The SSE transport: ``POST /threads/{id}/stream/events`` with the filter as its body.

Each connection is one subscription; ``since`` in the body resumes it. The
server keeps it open between runs (and sends a heartbeat comment every 5 s), so
any close or error is a drop to resume from.
"""

from __future__ import annotations

import time
from typing import AsyncGenerator

import httpx

from ..transport import EventStreamReader
from .errors import route_error
from .events import ThreadEvent, command_error, event_from_frame, loads
from .subscription import Subscription


class SseSubscription(Subscription):
    _response: httpx.Response | None = None  # the open connection's, for _drop

    async def _connection(self, since: int | None) -> AsyncGenerator[ThreadEvent, None]:
        api = self.api
        path = f"/threads/{self.thread_id}/stream/events"
        body = self.filter if since is None else {**self.filter, "since": since}
        what = f"POST {api.display_url}{path}"
        async with api.event_stream("POST", path, body=body, resuming=self.resumes > 0,
                                    refused=lambda response: route_error(api, "POST", path, response)) as response:
            self._response = response
            reader = EventStreamReader(what)
            try:
                async for chunk in response.aiter_bytes():
                    for sse in reader.feed(chunk):
                        if sse.event == "error":  # the server's stream failed (langgraph_api/sse.py)
                            raise command_error({"error": "unknown_error", "message": sse.data}, None)
                        yield event_from_frame(loads(sse.data, what), time.monotonic(), len(sse.data))
            finally:
                self._response = None
            reader.finish()

    async def _drop(self, cause: str) -> None:
        if self._response is not None:
            await self._response.aclose()  # the pending read raises httpx.ReadError: a drop
