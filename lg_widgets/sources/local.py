"""A compiled graph run in this kernel with its own ``astream``: server-shaped events, no server."""

from __future__ import annotations

import dataclasses
import json
import time
from typing import Any, AsyncIterator

import orjson

from ..errors import InvalidArgument
from ..lifecycle import Lifecycle
from ..protocol import StreamEvent, event_of
from .base import ProtocolName, Serverless

#: What the server calls a mode → what ``graph.astream`` calls it.
_LOCAL_MODES = {"messages-tuple": "messages"}


async def graph_events(graph: Any, input: Any, stream_mode: list[str], config: dict[str, Any] | None = None,
                       context: Any = None, subgraphs: bool = False) -> AsyncIterator[StreamEvent]:
    """Run a compiled graph in this process with ``astream`` and yield server-shaped events."""
    check_local_modes(stream_mode)
    modes = [_LOCAL_MODES.get(m, m) for m in stream_mode]
    kwargs: dict[str, Any] = {"stream_mode": modes, "subgraphs": subgraphs}
    if context is not None:
        kwargs["context"] = context
    try:
        async for item in graph.astream(input, config, **kwargs):
            namespace, mode, chunk = item if subgraphs else ((), *item)
            name = "|".join((mode, *namespace))
            yield event_of(name, json.loads(orjson.dumps(chunk, default=_jsonable)), None, time.monotonic())
    except Exception as exc:  # the graph failed: an `error` event, as the server sends it
        yield event_of("error", {"error": type(exc).__name__, "message": str(exc)}, None, time.monotonic())


def check_local_modes(stream_mode: list[str]) -> None:
    unsupported = [m for m in stream_mode if m in ("events", "messages")]
    if unsupported:
        raise InvalidArgument(
            f"A local graph can't stream {unsupported} (server-only formats); use 'messages-tuple' for tokens."
        )


def graph_drawing(graph: Any) -> dict[str, Any]:
    """A compiled graph's nodes and edges, shaped like the server's ``/assistants/{id}/graph``."""
    try:
        drawing = graph.get_graph(xray=True).to_json()
    except Exception:  # a graph that can't draw itself still streams
        return {}
    return {
        "nodes": [{"id": str(n["id"]), "data": {"name": str((n.get("data") or {}).get("name", n["id"]))
                                                if isinstance(n.get("data"), dict) else str(n["id"])}}
                  for n in drawing.get("nodes", [])],
        "edges": [{"source": str(e["source"]), "target": str(e["target"]), "conditional": bool(e.get("conditional"))}
                  for e in drawing.get("edges", [])],
    }


def _jsonable(value: Any) -> Any:
    """How the server serialises what graphs put in their streams (messages, interrupts, ...)."""
    if hasattr(value, "model_dump"):
        return value.model_dump()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, (set, frozenset)):
        return list(value)
    if hasattr(value, "_asdict"):
        return value._asdict()
    return repr(value)


class LocalGraphSource(Serverless):
    """A compiled graph's run in this kernel (``RunSource``)."""

    protocol: ProtocolName = "runs"
    offline = "A local graph's run is on no server thread"

    def __init__(self, graph: Any, input: Any, modes: list[str], *, config: dict[str, Any] | None = None,
                 context: Any = None, subgraphs: bool = False):
        check_local_modes(modes)
        self.graph_object = graph
        self.input, self.config, self.context, self.subgraphs = input, config, context, subgraphs
        self.assistant_id = str(getattr(graph, "name", None) or "graph")
        self.modes = list(modes)
        self.fold_modes: list[str] | None = self.modes

    def again(self) -> "LocalGraphSource":
        return LocalGraphSource(self.graph_object, self.input, self.modes, config=self.config, context=self.context,
                                subgraphs=self.subgraphs)

    def events(self) -> AsyncIterator[StreamEvent | Lifecycle]:
        return graph_events(self.graph_object, self.input, self.modes, config=self.config, context=self.context,
                            subgraphs=self.subgraphs)

    async def graph(self) -> dict[str, Any] | None:
        return graph_drawing(self.graph_object) or None
