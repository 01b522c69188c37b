"""``EventLog``: every event of a run, kept compactly (``view.events``).

Held as parsed JSON, a 10,000-event run keeps some 80,000 dicts and lists
alive, and Python's cyclic garbage collector walks them all again and again
while later runs stream (a view's ingest fell from 1.85x to 1.5x of the raw
SSE parse when it stopped holding them). The log
keeps what the server sent instead, the JSON text of each event, and parses
it again when an event is read. Events made from Python objects (a local
graph, a langgraph_sdk stream) have no text and are kept as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Iterator, overload

from .protocol import StreamEvent, parse_event, split_event_name


class EventLog(Sequence[Any]):
    """A read-only sequence of `StreamEvent` (`view.events`); `append` is for the view that owns it.

    It keeps each event's JSON text as it arrived and parses it again when an event is read,
    so a long run holds little more than its bytes. Index, slice and iterate it like a list.

    Args:
        events: events to start with.
    """

    __slots__ = ("_items",)

    def __init__(self, events: Any = ()):
        # (name, raw JSON, id, time) tuples, or StreamEvents that have no raw JSON
        self._items: list[tuple[Any, ...] | StreamEvent] = []
        for event in events:
            self.append(event)

    def append(self, event: StreamEvent) -> None:
        raw = event.raw
        self._items.append(event if raw is None else (event.event, raw, event.id, event.time))

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> StreamEvent: ...
    @overload
    def __getitem__(self, index: slice) -> list[StreamEvent]: ...

    def __getitem__(self, index: int | slice) -> StreamEvent | list[StreamEvent]:
        if isinstance(index, slice):
            return [_load(item) for item in self._items[index]]
        return _load(self._items[index])

    def __iter__(self) -> Iterator[StreamEvent]:
        return map(_load, self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (EventLog, list)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __repr__(self) -> str:
        return f"<EventLog of {len(self)} events>"

    def modes(self) -> list[str]:
        """Each event's stream mode, without parsing any data."""
        return [split_event_name(item[0])[0] if isinstance(item, tuple) else item.mode for item in self._items]


def _load(item: tuple[Any, ...] | StreamEvent) -> StreamEvent:
    return parse_event(*item) if isinstance(item, tuple) else item
