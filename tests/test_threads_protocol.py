"""lg_widgets.threads against a real `langgraph dev`: the same events as langgraph_sdk, commands, typed errors.

Resuming after cuts, attaching and a server without the protocol: test_threads_reliability.py.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest

from lg_widgets.errors import CommandError, InvalidArgument, ThreadNotFound
from lg_widgets.threads import ThreadClient, event_from_frame, run_end_status, run_start_id
from quick_poll_server import START_AFTER_KEY
from sdk_runs import sdk_client
from waiting import poll_until

pytestmark = pytest.mark.server
TRANSPORTS = ["sse", "websocket"]
WEATHER = {"messages": [{"role": "user", "content": "weather in sf?"}]}
#: graph → (input, served by the demo server or the test graphs' server)
GRAPHS = {
    "joke": ({"topic": "ice cream"}, "demo"),
    "agent": (WEATHER, "demo"),
    "subgraph": ({"topic": "parsers"}, "demo"),
    "parallel": ({"topic": "tea"}, "demo"),
    "failing": ({"topic": "x"}, "demo"),
    "toolloop": (WEATHER, "test"),
    "nested": ({"topic": "owls"}, "test"),
}


@pytest.fixture
def urls(server, test_graphs_server):
    return {"demo": server.url, "test": test_graphs_server.url}


def comparable(frame: dict) -> tuple:
    """An event without what differs between two reads of one run: the events the server makes
    itself as it reads the thread (lifecycle, input.requested, a tool's result as a message)
    carry the time of each read. The graph's own events keep theirs: ``values`` checks it."""
    params = frame["params"]
    stamped = frame["method"] == "values"
    return (frame["seq"], frame["event_id"], frame["method"], params["namespace"], params["data"],
            params.get("node"), params["timestamp"] if stamped else None)


async def sdk_events(url: str, thread_id: str, assistant_id: str, transport: str,
                     listening: asyncio.Event) -> list[dict]:
    """What langgraph_sdk's thread stream yields for the thread, live, to the end of its first run."""
    frames = []
    async with sdk_client(url).threads.stream(thread_id=thread_id, assistant_id=assistant_id,
                                              transport=transport) as thread:
        events = thread.events
        listening.set()
        async for frame in events:
            if frame.get("type") == "event":  # over a WebSocket the subscribe reply comes here too
                frames.append(frame)
                if run_end_status(event_from_frame(frame)):
                    break
    return frames


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("graph", list(GRAPHS))
async def test_a_runs_events_equal_what_langgraph_sdk_yields(urls, graph, transport):
    # Both read the whole run live. ThreadRun subscribes after its start command: a reader that found
    # the run only once it had published would lose its first events, or read its failure from
    # storage, without the error (docs/threads-protocol.md). The test server starts a run 0.5 s after
    # the command; on a saturated machine that was twice too short, so this run waits 2 s.
    input, which = GRAPHS[graph]
    url = urls[which]
    async with ThreadClient(url, transport=transport) as client:
        thread = await client.create_thread()
        listening = asyncio.Event()
        reference = asyncio.create_task(sdk_events(url, thread.thread_id, graph, transport, listening))
        await asyncio.wait_for(listening.wait(), 30)
        run = thread.run(graph, input, metadata={START_AFTER_KEY: 2.0})
        events = [event async for event in run]
        reference = await asyncio.wait_for(reference, 30)
        # The run's end reaches the stream before the worker writes the thread (its status, its error).
        record = await poll_until(thread.get, lambda record: record["status"] != "busy",
                                  what="the worker to write the thread")

    assert [comparable(e.frame()) for e in events] == [comparable(frame) for frame in reference]
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert run_start_id(events[0]) == run.run_id and run_end_status(events[-1]) == run.status
    assert run.status == ("failed" if graph == "failing" else "completed")
    if graph == "failing":  # the error's type is the thread's to say
        assert events[-1].data["error"] == "boom: the failing demo node always raises"
        assert record["error"] == {"error": "ValueError", "message": events[-1].data["error"]}


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_answering_an_interrupt_finishes_the_run(server, transport):
    async with ThreadClient(server.url, transport=transport) as client:
        thread = await client.create_thread()
        run = thread.run("human", {"draft": "hello"})
        first = [event async for event in run]
        asks = [e for e in first if e.mode == "input.requested"]
        assert run.status == "interrupted" and len(asks) == 1
        assert asks[0].data["payload"] == {"question": "Publish this draft?", "draft": "Hello, world"}

        resumed = thread.resume("yes", asks[0].data["interrupt_id"], since=run.last_seq)
        rest = [event async for event in resumed]
        state = await thread.get_state()
    assert resumed.status == "completed" and resumed.run_id not in (None, run.run_id)
    assert [e.seq for e in first + rest] == list(range(1, len(first) + len(rest) + 1))
    assert state["values"]["published"] == "Hello, world" and state["next"] == []


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_runs_checkpoints_and_a_fork_from_one(server, transport):
    async with ThreadClient(server.url, transport=transport) as client:
        thread = await client.create_thread()
        first = thread.run("joke", {"topic": "owls"})
        [event async for event in first]
        runs = await thread.runs()
        checkpoints = await thread.list_checkpoints()
        before_joke = next(c for c in checkpoints if c["next"] == ["generate_joke"])
        fork = thread.run("joke", None, checkpoint_id=before_joke["checkpoint"]["checkpoint_id"])
        forked = [event async for event in fork]
        state = await thread.get_state()
    assert [r["run_id"] for r in runs] == [first.run_id]
    assert len(checkpoints) == 4  # input, refine_topic, generate_joke, end
    # refine_topic ran once: the fork started after it, from the state it left.
    values = [e.data for e in forked if e.mode == "values"]
    assert values[0] == {"topic": "owls and cats"} and fork.status == "completed"
    assert state["values"]["topic"] == "owls and cats" and "owls and cats" in str(state["values"]["joke"])


async def test_the_agent_tree_answers_over_a_websocket_only(server):
    async with ThreadClient(server.url, transport="websocket") as client:
        thread = await client.create_thread()
        [event async for event in thread.run("subgraph", {"topic": "parsers"})]
        tree = await thread.get_tree()
    assert tree["namespace"] == [] and tree["status"] == "completed" and tree["graph_name"] == "subgraph"
    [child] = tree["children"]
    assert child["namespace"][0].startswith("child:") and child["status"] == "completed"
    async with ThreadClient(server.url, transport="sse") as client:
        thread = await client.create_thread()
        with pytest.raises(InvalidArgument, match="only over a WebSocket"):
            await thread.get_tree()


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_refused_commands_are_typed_errors(server, transport):
    async with ThreadClient(server.url, transport=transport) as client:
        thread = await client.create_thread()
        with pytest.raises(CommandError, match=r"refused state\.get \(unknown_command\)") as unknown:
            await thread.command("state.get", {"namespace": []})
        with pytest.raises(CommandError, match="no_such_interrupt") as stale:
            await thread.respond("yes", "no-such-interrupt")
        with pytest.raises(CommandError, match="Invalid assistant: 'nope'") as bad_graph:
            await thread.start_run("nope", {})
        with pytest.raises(CommandError, match="invalid_argument.*checkpoint_id") as bad_checkpoint:
            await thread.start_run("joke", {}, checkpoint_id="not-a-uuid")
    assert (unknown.value.code, unknown.value.method) == ("unknown_command", "state.get")
    assert stale.value.code in ("no_such_interrupt", "no_such_run")
    assert bad_graph.value.code == "unknown_error" and bad_checkpoint.value.code == "invalid_argument"


async def test_an_unknown_thread_is_a_typed_error(server):
    async with ThreadClient(server.url) as client:
        with pytest.raises(ThreadNotFound, match="has no thread") as caught:
            await client.thread(str(uuid.uuid4()))
    assert caught.value.status_code == 404


async def test_websocket_subscriptions_each_read_on_a_socket_of_their_own(server):
    async with ThreadClient(server.url, transport="websocket") as client:
        thread = await client.create_thread()
        # Started first, so both sockets replay the run from storage (a live socket can miss a short run).
        run_id = await thread.start_run("custom", {"items": 1})
        async with thread.events(["values", "lifecycle"]) as first, thread.events(["values"]) as second:
            started, values = await first.__anext__(), await second.__anext__()
            assert first.socket is not second.socket and thread.socket not in (first.socket, second.socket)
    assert run_start_id(started) == run_id and values.mode == "values"


async def test_a_run_resumed_over_a_websocket_reads_to_its_end_every_time(server):
    """A socket follows its thread live, and the server's live reader can miss a run that starts and
    ends between two of its 20 ms polls. Read on the thread's command socket, a resumed run was missed
    whole, and the read waited forever: 4 times in 40 on a busy machine, never in 40 on a quiet one.
    Each read now opens its socket after the run starts, and the server replays the run from storage."""
    async with ThreadClient(server.url, transport="websocket") as client:
        for _ in range(12):
            thread = await client.create_thread()
            run = thread.run("human", {"draft": "hello"})
            asks = [event async for event in run if event.mode == "input.requested"]
            resumed = thread.resume("yes", asks[0].data["interrupt_id"], since=run.last_seq)
            async with asyncio.timeout(60):  # a missed run never ends: fail instead of waiting forever
                rest = [event async for event in resumed]
            assert resumed.status == "completed" and run_end_status(rest[-1]) == "completed"
            await thread.aclose()