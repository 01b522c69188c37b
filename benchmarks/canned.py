"""A canned LangGraph-shaped SSE stream, and a loopback server that serves it.

The stream is fixed (seeded), so every run of the benchmark folds the same
bytes: token chunks with messages-tuple metadata, one ``updates``, ``values``
and pair of ``debug`` task events per super-step, like a real agent run.
"""

from __future__ import annotations

import json
import random
import socket
import threading
import time

import uvicorn
from starlette.applications import Starlette
from starlette.responses import StreamingResponse
from starlette.routing import Route

TOKENS_PER_STEP = 40


def canned_events(count: int, seed: int = 7) -> list[tuple[str, str]]:
    """``count`` (event name, JSON data) pairs of about 1 KB each on average."""
    rng = random.Random(seed)
    words = ["alpha", "beta", "gamma", "delta", "graph", "node", "token", "state", "stream", "edge"]
    events: list[tuple[str, str]] = [("metadata", json.dumps({"run_id": "run-canned", "attempt": 1}))]
    step = 0
    text: list[str] = []
    while len(events) < count:
        step += 1
        node = f"node_{step % 7}"
        message_id = f"msg-{step}"
        task = {"id": f"task-{step}", "name": node, "input": {"notes": "n" * 600, "step": step}, "triggers": [f"branch:to:{node}"]}
        events.append(("debug", json.dumps({"type": "task", "step": step, "timestamp": "2026-01-01T00:00:00Z", "payload": task})))
        metadata = {"langgraph_node": node, "langgraph_step": step, "langgraph_checkpoint_ns": f"{node}:task-{step}",
                    "tags": ["bench"], "ls_model_name": "fake", "padding": "p" * 720}
        chunk_text = []
        for _ in range(TOKENS_PER_STEP):
            if len(events) >= count - 3:
                break
            token = rng.choice(words) + " "
            chunk_text.append(token)
            chunk = {"type": "AIMessageChunk", "id": message_id, "content": token, "additional_kwargs": {},
                     "response_metadata": {}, "tool_call_chunks": [], "usage_metadata": None}
            events.append(("messages", json.dumps([chunk, metadata])))
        text.extend(chunk_text)
        update = {"messages": [{"type": "ai", "id": message_id, "content": "".join(chunk_text)}], "step": step}
        events.append(("updates", json.dumps({node: update})))
        events.append(("debug", json.dumps({"type": "task_result", "step": step, "timestamp": "2026-01-01T00:00:01Z",
                                            "payload": {"id": f"task-{step}", "name": node, "result": update,
                                                        "error": None, "interrupts": []}})))
        events.append(("values", json.dumps({"step": step, "last": "".join(chunk_text), "notes": "v" * 400})))
    return events[:count]


def encode(events: list[tuple[str, str]]) -> bytes:
    return "".join(f"event: {name}\ndata: {data}\n\n" for name, data in events).encode()


class CannedServer:
    """Serves ``POST /runs/stream`` with the canned bytes on a free loopback port."""

    def __init__(self, payload: bytes, chunk_size: int = 64 * 1024):
        self.payload = payload
        self.chunk_size = chunk_size

        async def stream(request):
            async def body():
                for start in range(0, len(self.payload), self.chunk_size):
                    yield self.payload[start:start + self.chunk_size]
            return StreamingResponse(body(), media_type="text/event-stream",
                                     headers={"content-location": "/runs/run-canned"})

        app = Starlette(routes=[Route("/runs/stream", stream, methods=["POST"])])
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="error"))
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def __enter__(self) -> "CannedServer":
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("canned server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc) -> None:
        self._server.should_exit = True
        self._thread.join(5)
