"""An existing ``langgraph_sdk`` stream (``client.runs.stream(...)``), read once, as a view's source."""

from __future__ import annotations

import time
from typing import Any, AsyncIterable, AsyncIterator

from ..errors import InvalidArgument
from ..lifecycle import Lifecycle
from ..protocol import StreamEvent, event_of
from .base import ProtocolName, Serverless


async def sdk_events(stream: AsyncIterable[Any]) -> AsyncIterator[StreamEvent]:
    """Wrap ``client.runs.stream(...)`` of langgraph_sdk (parts with ``.event`` and ``.data``)."""
    async for part in stream:
        yield event_of(part.event, part.data, getattr(part, "id", None), time.monotonic())


class SdkStreamSource(Serverless):
    """A ``langgraph_sdk`` stream's parts as server events (``RunSource``). A stream reads once."""

    protocol: ProtocolName = "runs"
    offline = 'A view of an SDK stream (resume or fork it with the SDK)'

    def __init__(self, stream: AsyncIterable[Any], assistant_id: str, modes: list[str]):
        self.stream = stream
        self.assistant_id = assistant_id
        self.modes = list(modes)
        self.fold_modes: list[str] | None = self.modes
        self._taken = False

    def again(self) -> "SdkStreamSource":
        if self._taken:
            raise InvalidArgument("This view's langgraph_sdk stream was read already (a stream can be read "
                                  "once): make a new client.runs.stream(...) and a new StreamView.from_sdk().")
        self._taken = True
        return SdkStreamSource(self.stream, self.assistant_id, self.modes)

    def events(self) -> AsyncIterator[StreamEvent | Lifecycle]:
        return sdk_events(self.stream)
