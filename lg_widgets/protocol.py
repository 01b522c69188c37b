"""The LangGraph streaming protocol: one SSE event in, one ``StreamEvent`` out.

The SSE event name is the stream mode, with the subgraph namespace appended
when ``stream_subgraphs`` is on: ``updates|parent:task-id|child:task-id``.
Modes we don't know are kept as they are: a new server mode must never be
dropped or crash the view.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import orjson

from .errors import MalformedStream

#: Modes a client may request (``stream_mode``), as the server accepts them.
REQUEST_MODES = frozenset(
    {
        "values",
        "updates",
        "messages",
        "messages-tuple",
        "debug",
        "custom",
        "events",
        "tasks",
        "checkpoints",
    }
)


@dataclass(slots=True)
class StreamEvent:
    """One parsed server-sent event of a run: what `langgraph_sdk`'s `StreamPart` holds, name split.

    `event` is the SSE name as sent; `mode` and `namespace` are its parts (as the SDK's
    `version="v2"` stream splits them: `type` and `ns`); `data` is the parsed JSON. The fields
    are listed below with what each holds.

    Example:
        ```python
        event = lg_widgets.parse_event("updates|child:1f2e", '{"write": {"summary": "..."}}')
        event.mode, event.namespace      # ('updates', ('child:1f2e',))
        ```
    """

    #: the SSE event name exactly as sent, e.g. ``"updates|child:1f2e"``
    event: str
    #: the stream mode part of the name, e.g. ``"updates"``, ``"messages/partial"``
    mode: str
    #: subgraph path, ``()`` for the root graph, e.g. ``("child:1f2e",)``
    namespace: tuple[str, ...]
    #: the parsed JSON payload (``None`` for an empty ``data:``)
    data: Any
    #: the SSE ``id:`` (only resumable streams have one)
    id: str | None = None
    #: arrival time in seconds (the client's clock; the fold has none of its own)
    time: float = 0.0
    #: size of the raw data in characters, for traffic statistics
    size: int = field(default=0, compare=False)
    #: the data's JSON text as it arrived (``None`` for events made from Python objects)
    raw: str | None = field(default=None, compare=False, repr=False)
    #: the thread protocol's per-thread sequence number (``None`` on the runs stream)
    seq: int | None = None


@dataclass(slots=True)
class DerivedEvent(StreamEvent):
    """An event a source made from something other than the server's stream (the thread
    protocol's checkpoint history, an error type read after the fact): folded like the
    server's events of that mode, but not counted and not logged in ``view.events``."""


def split_event_name(name: str) -> tuple[str, tuple[str, ...]]:
    """``"updates|a:1|b:2"`` → ``("updates", ("a:1", "b:2"))``."""
    if "|" not in name:
        return name, ()
    mode, *namespace = name.split("|")
    return mode, tuple(namespace)


def event_of(name: str, data: Any, event_id: str | None, at: float) -> StreamEvent:
    """A server-shaped event from a name and Python data (a recording's, a local graph's, an SDK stream's)."""
    mode, namespace = split_event_name(name or "message")
    return StreamEvent(name, mode, namespace, data, event_id, at, 0)


def parse_event(name: str | None, data: str, id: str | None = None, time: float = 0.0) -> StreamEvent:
    """Parse one server-sent event into a `StreamEvent`.

    Args:
        name: the SSE `event:` name (None: the SSE default, `"message"`).
        data: the `data:` text (JSON; empty for no payload).
        id: the SSE `id:`, if any.
        time: its arrival time in seconds (any clock; the fold only takes differences).

    Returns:
        The event, its name split into mode and namespace.

    Raises:
        MalformedStream: the data is not JSON (the message quotes its start).
    """
    name = name or "message"  # the SSE default event name
    mode, namespace = split_event_name(name)
    if data == "" or data is None:
        payload = None
    else:
        try:
            payload = _loads(data)
        except ValueError as exc:
            preview = data if len(data) <= 120 else data[:120] + "…"
            raise MalformedStream(
                f"The server sent an {name!r} event whose data is not JSON ({exc}): {preview!r}. "
                "Is the URL a LangGraph API server? Events received before this one are kept."
            ) from None
    return StreamEvent(name, mode, namespace, payload, id or None, time, len(data or ""), data or None)


def _loads(data: str) -> Any:
    # orjson (already a dependency of langgraph) parses 2-3x faster than json, which is
    # most of the cost of a token event; json covers what orjson refuses (NaN, huge ints).
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


def lifecycle_run_id(event_id: str | None) -> str | None:
    """The run a thread-protocol lifecycle event belongs to: the server names the lifecycle events it
    makes ``synth:<run id>:lc|<namespace>|<status>`` (no other event says which run it belongs to)."""
    return event_id.split(":", 2)[1] if event_id and event_id.startswith("synth:") else None


def parent_task_id(namespace: tuple[str, ...] | list[str]) -> str | None:
    """The task id of the step that runs a subgraph: ``("node:abc",)`` → ``"abc"``."""
    if not namespace:
        return None
    _, _, task_id = namespace[-1].partition(":")
    return task_id or None


def message_text(content: Any) -> str:
    """Plain text of a message's content: a string, or a list of content blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for block in content:
            if isinstance(block, str):
                parts.append(block)
            elif isinstance(block, dict) and block.get("type") in ("text", "text_delta"):
                text = block.get("text")
                if isinstance(text, str):
                    parts.append(text)
        return "".join(parts)
    return ""
