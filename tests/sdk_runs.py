"""Run a graph through ``langgraph_sdk`` (the reference client) and keep its raw parts."""

from __future__ import annotations

import json
from typing import Any

import httpx
from langgraph_sdk.client import LangGraphClient

from lg_widgets import StreamEvent, parse_event
from lg_widgets.transport.settings import tls_context


def sdk_client(url: str) -> LangGraphClient:
    """The SDK's client as ``get_client(url=...)`` builds it (same transport retries and timeouts), on
    lg_widgets' shared TLS context: get_client loads the CA bundle for every client (~22 ms of CPU),
    and the tests make hundreds."""
    transport = httpx.AsyncHTTPTransport(retries=5, verify=tls_context())
    timeout = httpx.Timeout(connect=5, read=300, write=300, pool=5)
    return LangGraphClient(httpx.AsyncClient(base_url=url, transport=transport, timeout=timeout))


async def sdk_parts(url: str, assistant_id: str, input: Any, stream_mode: list[str], *,
                    threaded: bool = False, stream_subgraphs: bool = False, **kwargs: Any) -> list[tuple[str, Any]]:
    client = sdk_client(url)
    thread_id = (await client.threads.create())["thread_id"] if threaded else None
    parts = []
    async for part in client.runs.stream(thread_id, assistant_id, input=input, stream_mode=stream_mode,
                                         stream_subgraphs=stream_subgraphs, **kwargs):
        parts.append((part.event, part.data))
    return parts


def as_events(parts: list[tuple[str, Any]]) -> list[StreamEvent]:
    """The SDK's parts as lg_widgets events (arrival times 0.01 s apart)."""
    return [parse_event(event, json.dumps(data), None, i * 0.01) for i, (event, data) in enumerate(parts)]
