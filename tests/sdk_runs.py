"""Run a graph through ``langgraph_sdk`` (the reference client) and keep its raw parts."""

from __future__ import annotations

import json
from typing import Any

from langgraph_sdk import get_client

from lg_widgets import StreamEvent, parse_event


async def sdk_parts(url: str, assistant_id: str, input: Any, stream_mode: list[str], *,
                    threaded: bool = False, stream_subgraphs: bool = False, **kwargs: Any) -> list[tuple[str, Any]]:
    client = get_client(url=url)
    thread_id = (await client.threads.create())["thread_id"] if threaded else None
    parts = []
    async for part in client.runs.stream(thread_id, assistant_id, input=input, stream_mode=stream_mode,
                                         stream_subgraphs=stream_subgraphs, **kwargs):
        parts.append((part.event, part.data))
    return parts


def as_events(parts: list[tuple[str, Any]]) -> list[StreamEvent]:
    """The SDK's parts as lg_widgets events (arrival times 0.01 s apart)."""
    return [parse_event(event, json.dumps(data), None, i * 0.01) for i, (event, data) in enumerate(parts)]
