"""One frame of the thread-centric protocol in, one ``ThreadEvent`` out.

Every event the server sends (an SSE ``data:`` or a WebSocket text frame) is

    {"type": "event", "event_id": "...", "seq": 12, "method": "messages",
     "params": {"namespace": [...], "timestamp": 1795979796899, "data": {...}, "node"?: "..."}}

``seq`` counts the events of a thread in the order the server sends them;
``since`` (the last ``seq`` a client has) is how a subscription resumes.
The shapes are ``langchain_protocol``'s ``Event`` (see docs/threads-protocol.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import orjson
from langchain_protocol import Channel, Event

from ..errors import CommandError, MalformedStream
from ..protocol import StreamEvent, lifecycle_run_id
from ..transport.errors import detail_hint

#: Every channel a subscription can name (besides ``custom:<name>``), in the server's spelling.
CHANNELS: tuple[Channel, ...] = (
    "values", "updates", "messages", "tools", "lifecycle", "input", "checkpoints", "tasks", "custom",
)
#: Root ``lifecycle`` statuses that end a run: ``completed``, ``failed`` (the run raised, or
#: its stream failed), ``interrupted`` (stopped on ``interrupt()``: answer it with
#: ``input.respond``; or cancelled). ``running`` starts each run.
TERMINAL_STATUSES = frozenset({"completed", "failed", "interrupted"})
RunStatus = Literal["completed", "failed", "interrupted"]


@dataclass(slots=True)
class ThreadEvent(StreamEvent):
    """A ``StreamEvent`` of the thread protocol: ``event`` and ``mode`` are the method
    (``"messages"``, ``"lifecycle"``, ``"input.requested"``, ...), ``id`` is ``str(seq)``."""

    #: the server's id of the event (stable when a thread is replayed; not unique across threads)
    event_id: str | None = None
    #: the server's clock when it made the event, in milliseconds since the epoch
    timestamp: int | None = None
    #: the graph node that made an ``updates`` / ``tools`` event (``params.node``)
    node: str | None = None

    def frame(self) -> Event:
        """The event as the server sent it (for recordings)."""
        params: dict[str, Any] = {"namespace": list(self.namespace), "timestamp": self.timestamp, "data": self.data}
        if self.node is not None:
            params["node"] = self.node
        return {"type": "event", "event_id": self.event_id, "seq": self.seq, "method": self.event,  # type: ignore[return-value,misc]
                "params": params}


def loads(text: str | bytes, what: str) -> Any:
    """Parse one frame's JSON, or say clearly that it isn't JSON."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        preview = text if len(text) <= 120 else f"{text[:120]!r}…"
        raise MalformedStream(
            f"{what} sent a frame that is not JSON ({exc}): {preview!r}. Is the URL a LangGraph API server? "
            "Events received before this one are kept.") from None


def event_from_frame(frame: Any, time: float = 0.0, size: int = 0) -> ThreadEvent:
    """A parsed event frame → ``ThreadEvent``; ``MalformedStream`` when it isn't one."""
    params = frame.get("params") if isinstance(frame, dict) else None
    method = frame.get("method") if isinstance(frame, dict) else None
    seq = frame.get("seq") if isinstance(frame, dict) else None
    namespace = (params.get("namespace") or []) if isinstance(params, dict) else None
    if (not isinstance(params, dict) or not isinstance(method, str) or not isinstance(seq, int)
            or isinstance(seq, bool) or not isinstance(namespace, list)
            or not all(isinstance(part, str) for part in namespace)):
        raise MalformedStream(
            f"The server sent an event without a method, a seq or params (or a namespace that is no list of "
            f"names): {orjson.dumps(frame)[:200]!r}. "
            "Is the URL a LangGraph API server of the thread protocol? Events received before this one are kept.")
    return ThreadEvent(method, method, tuple(namespace), params.get("data"), str(seq), time, size, None, seq,
                       frame.get("event_id"), params.get("timestamp"), params.get("node"))


def run_end_status(event: StreamEvent) -> RunStatus | None:
    """The status when ``event`` is the root ``lifecycle`` event that ends a run, else ``None``."""
    if event.mode != "lifecycle" or event.namespace or not isinstance(event.data, dict):
        return None
    status = event.data.get("event")
    return status if status in TERMINAL_STATUSES else None


def run_start_id(event: ThreadEvent) -> str | None:
    """The run id when ``event`` is a run's root ``lifecycle: running`` event, else ``None``.

    """
    if event.mode != "lifecycle" or event.namespace or not isinstance(event.data, dict):
        return None
    if event.data.get("event") != "running":
        return None
    return lifecycle_run_id(event.event_id)


def check_reply(reply: Any, method: str, what: str) -> dict[str, Any]:
    """A command's reply → its ``result``; ``CommandError`` for an error envelope."""
    if not isinstance(reply, dict) or reply.get("type") not in ("success", "error"):
        raise MalformedStream(f"{what} answered {method} with something that is not a protocol reply: "
                              f"{orjson.dumps(reply)[:200]!r}. Is the URL a LangGraph API server?")
    if reply["type"] == "error":
        raise command_error(reply, method)
    result = reply.get("result")
    return result if isinstance(result, dict) else {}


#: What to do about each refusal, beside the server's own words.
_HINTS = {
    "unknown_command": "This server doesn't implement that command.",
    "no_such_interrupt": "Answer an interrupt the thread is waiting on (its input.requested event's interrupt_id).",
    "invalid_argument": "Check the command's parameters.",
    "resume_gap": ("Over a WebSocket the server replays at most the last 10,000 events of a run "
                   "(LSD_PROTOCOL_V2_BUFFER_SIZE): read this run with transport='sse', which replays it whole."),
}


def command_error(reply: dict[str, Any], method: str | None) -> CommandError:
    code = str(reply.get("error") or "unknown_error")
    message = " ".join(str(reply.get("message") or "").split())  # the server's may span lines
    what = f"The server refused {method}" if method else "The event stream reported an error"
    hint = detail_hint(message) or _HINTS.get(code, "")
    text = f"{what} ({code}): {message.rstrip('.')}." + (f" {hint}" if hint else "")
    return CommandError(text, code=code, method=method, server_message=message)
