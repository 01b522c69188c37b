"""The thread protocol when connections break, when another client runs the thread, and on a server without it.

Cuts go through ``FaultProxy`` (real TCP between the client and the real dev server),
over SSE and over a WebSocket alike.
"""

from __future__ import annotations

import asyncio
import json
import pathlib

import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from fault_proxy import Cut, FaultProxy
from replay_server import serve
from sdk_runs import sdk_client
from lg_widgets.demo import long as long_graph
from lg_widgets.errors import CommandError, ProtocolUnsupported
from lg_widgets.server import LocalServer, free_port
from lg_widgets.threads import Thread, ThreadClient, run_end_status, run_start_id
from lg_widgets.threads import client as thread_client
from lg_widgets.threads.subscription import Subscription
from lg_widgets.threads.websocket import ThreadSocket

TRANSPORTS = ["sse", "websocket"]
#: Where each of five successive connections is cut, as a fraction of the bytes an uncut read
#: of the run takes (some 800 kB over SSE; far fewer over a WebSocket, which compresses).
CUT_FRACTIONS = [0.05, 0.09, 0.03, 0.11, 0.07]
TOKENS = 3000


def text_of(events) -> str:
    return "".join(e.data["delta"]["text"] for e in events
                   if e.mode == "messages" and e.data.get("event") == "content-block-delta"
                   and e.data["delta"].get("type") == "text-delta")


async def read_run(thread: Thread, subscription: Subscription | None = None) -> tuple[list, int]:
    """The thread's events up to the end of its first run, and how often the reader reconnected."""
    events = []
    async with subscription or thread.events() as subscription:
        async for event in subscription:
            events.append(event)
            if run_end_status(event):
                return events, subscription.resumes
    raise AssertionError("the stream ended before the run did")


async def bytes_of_a_read(url: str, transport: str, thread: Thread) -> int:
    """How many response bytes reading the thread's first run takes over ``transport``."""
    with FaultProxy(url) as proxy:
        async with ThreadClient(proxy.url, transport=transport) as through_proxy:
            await read_run(Thread(through_proxy, thread.thread_id))
    return sum(entry.response_bytes for entry in proxy.log)


@pytest.mark.server
@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_five_cuts_during_a_run_lose_nothing_and_repeat_nothing(server, transport):
    async with ThreadClient(server.url) as direct:
        calibration = await direct.create_thread()
        await calibration.start_run("long", {"tokens": TOKENS})
        total = await bytes_of_a_read(server.url, transport, calibration)
        plan = [Cut(int(total * fraction)) for fraction in CUT_FRACTIONS]

        thread = await direct.create_thread()
        with FaultProxy(server.url, plan, only=b"/stream/events") as proxy:
            async with ThreadClient(proxy.url, transport=transport, resume_backoff=0.01) as through_proxy:
                await thread.start_run("long", {"tokens": TOKENS})
                got, resumes = await read_run(Thread(through_proxy, thread.thread_id))
        reference, _ = await read_run(thread)  # the same run, read again without cuts

    cuts = sum(isinstance(entry.action, Cut) and entry.response_bytes == entry.action.after for entry in proxy.log)
    words = [f"{long_graph.WORDS[i % len(long_graph.WORDS)]}{i}" for i in range(TOKENS // 2)]
    print(f"\n{transport}: {total} bytes uncut, {cuts} cuts, {resumes} resumes, {len(got)} events, "
          f"{len(reference) - len(set(e.seq for e in got))} lost, {len(got) - len(set(e.seq for e in got))} repeated")
    assert cuts == len(CUT_FRACTIONS) and resumes == len(CUT_FRACTIONS)
    assert [e.seq for e in got] == [e.seq for e in reference] == list(range(1, len(reference) + 1))
    assert [e.event_id for e in got] == [e.event_id for e in reference]
    assert [(e.mode, e.data) for e in got] == [(e.mode, e.data) for e in reference]
    assert text_of(got) == text_of(reference) == " ".join(words)


@pytest.mark.server
async def test_a_websocket_never_silently_misses_the_start_of_a_long_run(server):
    # A new socket's server side replays the thread at once. A subscription it gets first is fed
    # every event; one it gets after binding the socket to the run is replayed only the run's
    # last 10,000 events: that must be an error, not a late start.
    async with ThreadClient(server.url) as direct:
        thread = await direct.create_thread()
        run = thread.run("long", {"tokens": 10_000})
        total = len([event async for event in run])
    outcomes = []
    for bind_first in (False, False, True):
        async with ThreadClient(server.url, transport="websocket") as client:
            watched = Thread(client, thread.thread_id)
            subscription = watched.events()
            if bind_first:
                await bound(subscription.socket)
            try:
                events, _ = await read_run(watched, subscription)
                outcomes.append("whole" if [e.seq for e in events] == list(range(1, total + 1)) else "late start")
            except CommandError as error:
                assert "transport='sse'" in str(error)
                outcomes.append(error.code)
    print(f"\nwebsocket reads of a {total:,}-event run: {outcomes}")
    assert total > 10_000 and set(outcomes) <= {"whole", "resume_gap"} and outcomes[-1] == "resume_gap"


async def bound(socket: ThreadSocket) -> None:
    """Wait until the server side of ``socket`` follows a run (its replay of the thread reached one)."""
    for _ in range(200):
        try:
            await socket.command("agent.getTree", {})
            return
        except CommandError as error:
            if error.code != "no_such_run":
                raise
        await asyncio.sleep(0.05)
    raise AssertionError("the socket never followed a run")


async def start_slow_run_elsewhere(url: str, gate: pathlib.Path) -> tuple[str, str]:
    """Another client (langgraph_sdk) creates a thread, starts a slow interrupting run on it, and
    leaves once ten of its 40 tokens are out: the run holds there, under way, until ``gate`` exists."""
    sdk = sdk_client(url)
    thread_id = (await sdk.threads.create())["thread_id"]
    async with sdk.threads.stream(thread_id=thread_id, assistant_id="slow_interrupt") as other:
        run_id = (await other.run.start(input={"topic": "owls", "gate": str(gate)}))["run_id"]
        tokens = 0
        async with asyncio.timeout(30):
            async for frame in other.events:
                data = frame.get("params", {}).get("data") or {}
                if frame.get("method") == "messages" and data.get("event") == "content-block-delta":
                    tokens += 1
                    if tokens == 10:
                        break
    return thread_id, run_id


@pytest.mark.server
@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_attaching_mid_run_sees_it_from_its_start_and_answers_its_interrupt(test_graphs_server, transport,
                                                                                  tmp_path):
    gate = tmp_path / "gate"
    thread_id, run_id = await start_slow_run_elsewhere(test_graphs_server.url, gate)
    try:
        async with ThreadClient(test_graphs_server.url, transport=transport) as client:
            thread = await client.thread(thread_id)
            assert (await thread.runs())[0]["status"] == "running"
            watch = thread.attach()
            gate.touch()  # the rest of the run, to the attached reader
            events, answered = [], None
            async for event in watch:
                events.append(event)
                if event.mode == "input.requested" and answered is None:
                    answered = watch.run_id
                    await thread.respond("yes", event.data["interrupt_id"])  # from the attached view
                if run_end_status(event) == "completed":
                    break
            state = await thread.get_state()
    finally:
        gate.touch()

    starts = [run_start_id(e) for e in events if run_start_id(e)]
    endings = [run_end_status(e) for e in events if run_end_status(e)]
    first_run = events[:events.index(next(e for e in events if run_end_status(e)))]
    assert watch.from_start is True and starts[0] == run_id == answered and len(starts) == 2
    assert endings == ["interrupted", "completed"] and watch.run_id == starts[1]
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert text_of(first_run) == " ".join(f"w{i}" for i in range(20))
    assert state["values"]["published"] == state["values"]["draft"] == text_of(first_run)


@pytest.fixture(scope="module")
def server_without_protocol(tmp_path_factory):
    """`langgraph dev` with the thread protocol switched off (FF_V2_EVENT_STREAMING=false, its kill switch)."""
    demo = pathlib.Path(long_graph.__file__).parent
    config = tmp_path_factory.mktemp("no-protocol") / "langgraph.json"
    config.write_text(json.dumps({"dependencies": [str(demo)], "graphs": {"joke": f"{demo / 'joke.py'}:graph"},
                                  "env": {"FF_V2_EVENT_STREAMING": "false"}}))
    server = LocalServer(config, free_port()).start()
    yield server
    server.stop()


@pytest.mark.server
@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_server_without_the_protocol_says_so_and_suggests_the_runs_stream(server_without_protocol, transport):
    async with ThreadClient(server_without_protocol.url, transport=transport) as client:
        thread = await client.create_thread()  # the REST routes are there
        with pytest.raises(ProtocolUnsupported, match='doesn\'t speak the thread-centric.*protocol="runs"') as command:
            await thread.start_run("joke", {"topic": "x"})
        with pytest.raises(ProtocolUnsupported, match="HTTP (404|403)") as subscription:
            async for _ in thread.events():
                pass
    assert command.value.kind == subscription.value.kind == "protocol"


def forgetful_server(connections: list) -> Starlette:
    """A thread-protocol server whose first event connection misses run r1 whole, as a real one's
    live reader does when a run starts and ends between two of its polls; later connections replay
    it from storage. ``connections`` gets each event connection's transport."""
    frames = [
        {"type": "event", "event_id": f"synth:r1:lc||{status}", "seq": seq, "method": "lifecycle",
         "params": {"namespace": [], "timestamp": seq, "data": {"event": status, "graph_name": "g"}}}
        for seq, status in ((1, "running"), (3, "completed"))]
    frames.insert(1, {"type": "event", "event_id": "e2", "seq": 2, "method": "values",
                      "params": {"namespace": [], "timestamp": 2, "data": {"answer": 42}}})
    started = {"type": "success", "result": {"run_id": "r1"}}

    def replay(since: int | None) -> list[dict]:
        return [f for f in frames if since is None or f["seq"] > since] if len(connections) > 1 else []

    async def sse(request) -> StreamingResponse:
        since = (await request.json()).get("since")
        connections.append("sse")

        async def body():
            for f in replay(since):
                yield f"event: {f['method']}\nid: {f['seq']}\ndata: {json.dumps(f)}\n\n"
            while True:  # the server keeps a thread's stream open between runs
                yield ": heartbeat\n\n"
                await asyncio.sleep(0.5)
        return StreamingResponse(body(), media_type="text/event-stream")

    async def socket(websocket: WebSocket) -> None:
        await websocket.accept()
        try:
            while True:
                command = json.loads(await websocket.receive_text())
                if command["method"].startswith("subscription."):
                    connections.append("websocket")
                    for f in replay(command["params"].get("since")):
                        await websocket.send_text(json.dumps(f))
                await websocket.send_text(json.dumps({**started, "id": command["id"]}))
        except WebSocketDisconnect:
            pass

    async def command(request) -> JSONResponse:
        return JSONResponse({**started, "id": (await request.json())["id"]})

    async def runs(request) -> JSONResponse:
        return JSONResponse([{"run_id": "r1", "status": "success"}])

    return Starlette(routes=[Route("/threads/{tid}/stream/events", sse, methods=["POST"]),
                             WebSocketRoute("/threads/{tid}/stream/events", socket),
                             Route("/threads/{tid}/commands", command, methods=["POST"]),
                             Route("/threads/{tid}/runs", runs)])


@pytest.mark.parametrize("transport", ["sse", "websocket"])
async def test_a_run_the_connection_missed_whole_is_read_again_from_storage(monkeypatch, transport):
    monkeypatch.setattr(thread_client, "STALL_CHECK", 0.2)
    connections: list = []
    with serve(forgetful_server(connections)) as served:
        async with ThreadClient(served.url, transport=transport) as client:
            run = Thread(client, "t1").run("g", {})
            async with asyncio.timeout(20):  # before, the read waited for the run's end forever
                events = [event async for event in run]
    assert [(e.seq, e.mode) for e in events] == [(1, "lifecycle"), (2, "values"), (3, "lifecycle")]
    # One stall check is enough; on a loaded machine a second may fire before the replay arrives.
    resumes = run.subscription.resumes
    assert run.status == "completed" and resumes >= 1 and connections == [transport] * (resumes + 1)


def backlog_server(connections: list) -> Starlette:
    """A WebSocket whose every reconnect sends three events of the run's backlog and closes before
    it answers the command, as a socket cut mid-replay does: the server replays what followed
    ``since`` before its answer. Only the last reconnect, with the run's end, is answered."""
    last = 20

    def frame(seq: int) -> dict:
        if seq in (1, last):
            data = {"event": "running" if seq == 1 else "completed", "graph_name": "g"}
            return {"type": "event", "event_id": f"lc{seq}", "seq": seq, "method": "lifecycle",
                    "params": {"namespace": [], "timestamp": seq, "data": data}}
        return {"type": "event", "event_id": f"e{seq}", "seq": seq, "method": "values",
                "params": {"namespace": [], "timestamp": seq, "data": {"n": seq}}}

    async def socket(websocket: WebSocket) -> None:
        await websocket.accept()
        command = json.loads(await websocket.receive_text())
        since = command["params"].get("since") or 0
        connections.append((command["method"], since))
        if command["method"] == "subscription.subscribe":
            await websocket.send_text(json.dumps({"type": "success", "id": command["id"], "result": {}}))
            upto = 5
        else:
            upto = min(since + 3, last)
        for seq in range(since + 1, upto + 1):
            await websocket.send_text(json.dumps(frame(seq)))
        if upto == last and command["method"] == "subscription.reconnect":
            await websocket.send_text(json.dumps({"type": "success", "id": command["id"], "result": {}}))
            await websocket.receive_text()  # held open until the client is done
        await websocket.close()

    return Starlette(routes=[WebSocketRoute("/threads/{tid}/stream/events", socket)])


async def test_a_reconnect_cut_before_its_answer_keeps_the_events_it_brought():
    """Each reconnect brings three events and is cut before the server answers it; before, the
    client threw them away and began each reconnect at the same seq: five in a row, and it gave up."""
    connections: list = []
    with serve(backlog_server(connections)) as served:
        async with ThreadClient(served.url, transport="websocket", resume_backoff=0.01) as client:
            async with asyncio.timeout(20):
                events, resumes = await read_run(Thread(client, "t1"))
    assert [e.seq for e in events] == list(range(1, 21))
    assert connections[0] == ("subscription.subscribe", 0)
    assert [since for _, since in connections[1:]] == [5, 8, 11, 14, 17], connections
