"""The drawings cache (sources/connection.py) is bounded: a kernel that sees many servers or
proxies keeps the most recent drawings only (the soak grew by one drawing per proxy URL)."""

from __future__ import annotations

import asyncio

from lg_widgets.sources import connection
from lg_widgets.sources.connection import Server, assistant_graph


class DrawingServer:
    """Answers ``assistant_graph`` like ``ApiClient`` does, counting the fetches."""

    def __init__(self, url: str):
        self.url, self.fetches = url, 0

    async def assistant_graph(self, assistant_id: str) -> dict:
        self.fetches += 1
        return {"nodes": [{"id": assistant_id}], "edges": []}


def test_the_drawings_cache_keeps_the_most_recent_only():
    server = Server.checked(None, None, None, None)
    apis = [DrawingServer(f"http://127.0.0.1:{9000 + n}") for n in range(connection._GRAPHS_KEPT * 3)]

    async def fetch_all() -> None:
        for api in apis:
            assert await assistant_graph(api, server, "g") == {"nodes": [{"id": "g"}], "edges": []}
        assert await assistant_graph(apis[-1], server, "g")  # the latest is still held: no new fetch

    asyncio.run(fetch_all())
    assert len(connection._GRAPHS) <= connection._GRAPHS_KEPT
    assert apis[-1].fetches == 1
