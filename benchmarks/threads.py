"""Events/s of lg_widgets.threads' SSE and WebSocket clients, against raw httpx-sse + json.loads.

    python -m benchmarks.threads            # a 10,000-token run
    python -m benchmarks.threads --quick    # 1,000 tokens, so the harness keeps working

One run of the `long` demo graph on the real dev server is read again and again:

- from the dev server, over SSE (the server replays the stored run for each reader,
  the same work for both: its pace bounds both, so client CPU time is shown too);
- from a canned server in another process that sends the same frames as fast as it
  can, over SSE and over a WebSocket (the client's own cost; the dev server's
  WebSocket can't replay a run of more than 10,000 events, see docs/threads-protocol.md).

Each figure alternates the measured path and its baseline and reports the median of the
pairs' ratios (shared, noisy machines), absolute times beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import pathlib
import socket
import tempfile
import time

import httpx
import orjson
from httpx_sse import aconnect_sse
from websockets.asyncio.client import connect

from lg_widgets import local_server
from lg_widgets.transport.settings import tls_context
from lg_widgets.threads import CHANNELS, Thread, ThreadClient, run_end_status

from .__main__ import alternate
from .canned import serve_in_process

BODY = {"channels": list(CHANNELS)}


def ends_run(frame: dict) -> bool:
    params = frame["params"]
    return (frame["method"] == "lifecycle" and not params["namespace"]
            and params["data"].get("event") in ("completed", "failed", "interrupted"))


async def raw_sse(url: str, thread_id: str) -> int:
    """The floor: httpx-sse + json.loads, to the run's last event."""
    count = 0
    async with httpx.AsyncClient(timeout=None, verify=tls_context()) as http:
        async with aconnect_sse(http, "POST", f"{url}/threads/{thread_id}/stream/events", json=BODY) as source:
            async for sse in source.aiter_sse():
                if not sse.data:
                    continue
                count += 1
                if ends_run(json.loads(sse.data)):
                    return count
    raise RuntimeError("the stream ended before the run")


async def raw_websocket(url: str, thread_id: str) -> int:
    """The WebSocket floor: websockets + json.loads, subscribe and read to the run's last event."""
    count = 0
    async with connect(f"{url.replace('http', 'ws', 1)}/threads/{thread_id}/stream/events", max_size=None) as ws:
        await ws.send(json.dumps({"id": 1, "method": "subscription.subscribe", "params": BODY}))
        async for raw in ws:
            frame = json.loads(raw)
            if frame.get("type") == "event":
                count += 1
                if ends_run(frame):
                    return count
    raise RuntimeError("the socket closed before the run ended")


async def ours(url: str, thread_id: str, transport: str) -> int:
    count = 0
    async with ThreadClient(url, transport=transport) as client:
        async with Thread(client, thread_id).events() as events:
            async for event in events:
                count += 1
                if run_end_status(event):
                    return count
    raise RuntimeError("the stream ended before the run")


def timed(coroutine_factory):
    """A runner for ``alternate`` that also keeps this process's CPU time (the client's share)."""
    cpu: list[float] = []

    def run() -> None:
        start = time.process_time()
        asyncio.run(coroutine_factory())
        cpu.append(time.process_time() - start)

    return run, cpu


def figure(name: str, baseline_name: str, measured, baseline, events: int, repeats: int) -> dict:
    measured_run, measured_cpu = timed(measured)
    baseline_run, baseline_cpu = timed(baseline)
    measured_run(), baseline_run()  # warm up both
    ours_s, base_s, ratio = alternate(measured_run, baseline_run, repeats)
    cpu_ratio = sorted(m / b for m, b in zip(measured_cpu[1:], baseline_cpu[1:]))[len(measured_cpu[1:]) // 2]
    return {"figure": name, "baseline": baseline_name, "ratio": ratio, "cpu_ratio": cpu_ratio,
            "detail": f"{events / ours_s:,.0f} vs {events / base_s:,.0f} events/s "
                      f"({ours_s * 1000:.0f} vs {base_s * 1000:.0f} ms)"}


async def record_run(url: str, tokens: int) -> tuple[str, list[dict]]:
    """A `long` run on a new thread, read to its end: the thread id and the frames."""
    async with ThreadClient(url) as client:
        thread = await client.create_thread()
        frames = [event.frame() async for event in thread.run("long", {"tokens": tokens})]
    return thread.thread_id, frames


class CannedThreadServer:
    """Serves recorded frames on POST and WebSocket /threads/{id}/stream/events, from another process."""

    def __init__(self, frames: list[dict]):
        self._file = tempfile.NamedTemporaryFile("wb", suffix=".jsonl", delete=False)
        self._file.write(b"\n".join(orjson.dumps(frame) for frame in frames))
        self._file.close()
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "CannedThreadServer":
        try:
            self._process = serve_in_process(["benchmarks.threads", "--serve", str(self.port), self._file.name],
                                             self.port, "the canned thread server")
        except RuntimeError:
            pathlib.Path(self._file.name).unlink(missing_ok=True)
            raise
        return self

    def __exit__(self, *exc) -> None:
        self._process.terminate()
        self._process.wait(10)
        pathlib.Path(self._file.name).unlink(missing_ok=True)


def serve(port: int, path: str) -> None:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import StreamingResponse
    from starlette.routing import Route, WebSocketRoute
    from starlette.websockets import WebSocketDisconnect

    lines = pathlib.Path(path).read_bytes().split(b"\n")
    sse = b"".join(b"event: %s\ndata: %s\nid: %d\n\n" % (orjson.loads(line)["method"].encode(), line, i + 1)
                   for i, line in enumerate(lines))

    async def stream(request):
        async def body():
            for start in range(0, len(sse), 64 * 1024):
                yield sse[start:start + 64 * 1024]
        return StreamingResponse(body(), media_type="text/event-stream")

    async def socket_(websocket):
        await websocket.accept()
        while True:
            try:
                command = orjson.loads(await websocket.receive_text())
            except WebSocketDisconnect:
                return
            if command["method"] in ("subscription.subscribe", "subscription.reconnect"):
                for line in lines:  # like the server: the replay, then the reply
                    await websocket.send_text(line.decode())
            await websocket.send_text(orjson.dumps({"type": "success", "id": command["id"],
                                                    "result": {"subscription_id": "s", "replayed_events": 0}}).decode())

    app = Starlette(routes=[Route("/threads/{tid}/stream/events", stream, methods=["POST"]),
                            WebSocketRoute("/threads/{tid}/stream/events", socket_)])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="error")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--serve", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(int(args.serve[0]), args.serve[1])
        return
    tokens, repeats = (1000, 3) if args.quick else (10_000, args.repeats or 7)

    server = local_server()
    thread_id, frames = asyncio.run(record_run(server.url, tokens))
    events = len(frames)
    rows = [figure(f"dev server, {tokens:,}-token run ({events:,} events) replayed over SSE: ThreadClient",
                   "httpx-sse + json.loads", lambda: ours(server.url, thread_id, "sse"),
                   lambda: raw_sse(server.url, thread_id), events, repeats)]
    with CannedThreadServer(frames) as canned:
        rows.append(figure("canned server, the same frames over SSE: ThreadClient", "httpx-sse + json.loads",
                           lambda: ours(canned.url, "t", "sse"), lambda: raw_sse(canned.url, "t"), events, repeats))
        rows.append(figure("canned server, the same frames over a WebSocket: ThreadClient", "httpx-sse + json.loads",
                           lambda: ours(canned.url, "t", "websocket"), lambda: raw_sse(canned.url, "t"),
                           events, repeats))
        rows.append(figure("canned server, the same frames over a WebSocket: ThreadClient",
                           "websockets + json.loads", lambda: ours(canned.url, "t", "websocket"),
                           lambda: raw_websocket(canned.url, "t"), events, repeats))
    print("| figure | baseline | wall-clock ratio | client CPU ratio | events/s (ours vs baseline) |")
    print("|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['figure']} | {row['baseline']} | {row['ratio']:.2f}x | {row['cpu_ratio']:.2f}x | {row['detail']} |")


if __name__ == "__main__":
    main()
