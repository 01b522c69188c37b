"""Requests from the page (``{"type": ..., "request_id"}``) and the kernel's one answer to each.

``hello`` (a page appeared: send it a snapshot while a run is live; no answer), ``cancel``,
``resume`` (``value``), ``fork`` (``checkpoint_id``: a fork in the view), ``events`` (a page of raw
events); at a breakpoint stop ``step``, ``continue`` and ``update_state`` (``values``, ``as_node``);
``submit`` (``message``: the next turn). Every other request gets ``{"type": "reply", "request_id", "ok", "error"?, ...}``: an error
is shown where the page asked, never raised in the kernel.
"""

from __future__ import annotations

from typing import Any, Protocol

from . import _background
from .errors import InvalidArgument
from .eventlog import EventLog
from .publisher import Publisher
from .redact import redact_event_data
from .sync import preview

#: Largest page of raw events the page may ask for at once.
MAX_EVENTS_PAGE = 500


class PageView(Protocol):
    """What the page's requests reach of a view."""

    events: EventLog
    _page_follows: bool
    _publisher: Publisher

    @property
    def running(self) -> bool: ...

    def send(self, content: dict[str, Any], buffers: Any = None) -> None: ...

    def cancel(self, timeout: float = ...) -> Any: ...

    def resume(self, value: Any = ..., *, wait: bool = ..., timeout: float = ...) -> Any: ...

    def fork(self, checkpoint_id: str, input: Any = ..., *, update: Any = ..., wait: bool = ...,
             in_place: bool = ..., timeout: float = ...) -> Any: ...

    def step(self, *, wait: bool = ...) -> Any: ...

    def update_state(self, values: dict[str, Any], as_node: str | None = ..., *, wait: bool = ...) -> Any: ...

    def submit(self, message: Any = ..., *, input: Any = ..., wait: bool = ...) -> Any: ...


def answer(view: PageView, content: Any) -> None:
    """Do what the page asked and answer it."""
    if not isinstance(content, dict):
        return
    kind = content.get("type")
    request_id = content.get("request_id")
    try:
        if kind == "hello":
            view._page_follows = True
            if view.running:
                _background.loop().call_soon_threadsafe(view._publisher.snapshot)
            return
        reply: dict[str, Any] = {}
        if kind == "cancel":
            view.cancel()
        elif kind == "events":
            reply = events_page(view.events, content)
        elif kind == "resume":
            view.resume(content.get("value"))
        elif kind == "fork":
            view.fork(str(content.get("checkpoint_id") or ""), in_place=True)
        elif kind == "step":
            view.step()
        elif kind == "continue":
            view.resume(None)
        elif kind == "update_state":
            view.update_state(content.get("values"), content.get("as_node") or None, wait=False)  # type: ignore[arg-type]
        elif kind == "submit":
            view.submit(content.get("message"))
        else:
            raise InvalidArgument(f"unknown request {kind!r}")
    except Exception as exc:
        view.send({"type": "reply", "request_id": request_id, "ok": False, "error": str(exc)})
        return
    view.send({"type": "reply", "request_id": request_id, "ok": True, **reply})


def events_page(events: EventLog, content: dict[str, Any]) -> dict[str, Any]:
    """``limit`` raw events from ``offset`` (of one ``mode``, one ``events``-mode ``kind``), redacted
    and with big payloads previewed."""
    mode, kind = content.get("mode"), content.get("kind")
    chosen = [i for i, m in enumerate(events.modes()) if not mode or m == mode]
    if kind:  # only these events need their data parsed
        chosen = [i for i in chosen if isinstance(data := events[i].data, dict) and data.get("event") == kind]
    offset = max(0, int(content.get("offset") or 0))
    limit = min(MAX_EVENTS_PAGE, max(1, int(content.get("limit") or 100)))
    page = []
    for i in chosen[offset:offset + limit]:
        e = events[i]
        page.append({"index": i, "event": e.event, "mode": e.mode, "namespace": list(e.namespace), "id": e.id,
                     "data": preview(redact_event_data(e.data, e.mode), limit=64 * 1024)})
    return {"events": page, "total": len(chosen), "offset": offset}
