"""What the thread protocol's routes answer when they fail, as lg_widgets errors."""

from __future__ import annotations

import httpx
import orjson

from ..errors import LGWidgetsError, ProtocolUnsupported
from ..transport import ApiClient
from ..transport.errors import route_missing


def route_error(api: ApiClient, method: str, path: str, response: httpx.Response) -> Exception:
    """An error status from a protocol route → ``ProtocolUnsupported`` when the route doesn't exist
    (Starlette's 404 "Not Found", or 405), else ``HTTPStatusError``."""
    if route_missing(response):
        return unsupported(api, f"{method} {path}", response.status_code)
    return api.status_error(method, path, response.status_code, response.text)


def unsupported(api: ApiClient, what: str, status: int) -> ProtocolUnsupported:
    return ProtocolUnsupported(api.redact(
        f"{api.display_url} doesn't speak the thread-centric streaming protocol ({what} answered "
        f"HTTP {status}): it needs langgraph-api 0.16 or later with the protocol switched on "
        "(FF_V2_EVENT_STREAMING). Use protocol=\"runs\" (the runs stream) with this server."))


async def websocket_refused(api: ApiClient, thread_id: str, status: int) -> Exception:
    """A refused WebSocket handshake: without the protocol's routes Starlette answers 403 (no such
    WebSocket route), so ask the HTTP commands route to tell that from a real 403."""
    probe = orjson.dumps({"id": 0, "method": "agent.getTree", "params": {}})
    try:
        response = await api.send("POST", f"/threads/{thread_id}/commands", content=probe)
    except LGWidgetsError as exc:  # unreachable now: say so
        return exc
    if route_missing(response):
        return unsupported(api, f"the WebSocket to /threads/{thread_id}/stream/events", status)
    return api.status_error("GET", f"/threads/{thread_id}/stream/events (WebSocket)", status, "")
