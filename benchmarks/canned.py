"""A canned LangGraph-shaped SSE stream, and a loopback server that serves it.

The stream is fixed (seeded), so every run of the benchmark folds the same
bytes: token chunks with messages-tuple metadata, one ``updates``, ``values``
and pair of ``debug`` task events per super-step, like a real agent run.
"""

from __future__ import annotations

import json
import pathlib
import random
import socket
import subprocess
import sys
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


def app(payload: bytes, chunk_size: int = 64 * 1024) -> Starlette:
    """``POST /runs/stream`` answers the canned bytes, in chunks like a real server's writes."""

    async def stream(request):
        async def body():
            for start in range(0, len(payload), chunk_size):
                yield payload[start:start + chunk_size]
        return StreamingResponse(body(), media_type="text/event-stream",
                                 headers={"content-location": "/runs/run-canned"})

    return Starlette(routes=[Route("/runs/stream", stream, methods=["POST"])])


def serve_in_process(module_args: list[str], port: int, what: str) -> subprocess.Popen:
    """``python -m <module_args>`` from the repository's root, once it accepts connections on ``port``
    (a server of its own process: in a thread it would share the GIL with the client measured)."""
    process = subprocess.Popen([sys.executable, "-m", *module_args], cwd=pathlib.Path(__file__).resolve().parent.parent)
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.terminate()
                process.wait(10)
                raise RuntimeError(f"{what} did not start") from None
            time.sleep(0.05)


class CannedServer:
    """Serves the canned stream of ``count`` events on a free loopback port, from another process.

    Another process, like a real LangGraph server: in a thread of the measuring
    process it would share the GIL with the client it serves, and the figures
    would measure the interpreter's thread switching as much as the client.
    """

    def __init__(self, count: int):
        self.count = count
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen | None = None

    def __enter__(self) -> "CannedServer":
        self._process = serve_in_process(["benchmarks.canned", str(self.port), str(self.count)], self.port,
                                         "the canned server")
        return self

    def __exit__(self, *exc) -> None:
        self._process.terminate()
        self._process.wait(10)


if __name__ == "__main__":
    port, count = int(sys.argv[1]), int(sys.argv[2])
    uvicorn.run(app(encode(canned_events(count))), host="127.0.0.1", port=port, log_level="error")
