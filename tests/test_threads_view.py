"""StreamView on the thread-centric protocol: the same traits as the runs stream, over SSE and WebSocket.

Against the real dev server: each graph runs once on the runs stream (with subgraph
events, so that its text holds the tokens of every namespace) and once per transport
on the thread protocol; interrupts, errors, cuts of the connection, an attachment to a
thread another client runs, and the runs stream's join of one run.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time

import pytest
from langgraph_sdk import get_sync_client

from fault_proxy import Cut, FaultProxy, Pass
from lg_widgets import InvalidArgument, ProtocolUnsupported, StreamView, ThreadNotFound
from lg_widgets.demo import long as long_graph
from lg_widgets.protocol import message_text
from sdk_runs import sdk_client
from waiting import wait_until

pytestmark = pytest.mark.server
TRANSPORTS = ["sse", "websocket"]

#: (server fixture, graph, input)
GRAPHS = [
    ("server", "joke", {"topic": "ice cream"}),
    ("server", "agent", {"messages": [{"role": "user", "content": "what is the weather in sf"}]}),
    ("server", "subgraph", {"topic": "parsers"}),
    ("test_graphs_server", "nested", {"topic": "owls"}),
    ("server", "long", {"tokens": 800}),
    ("test_graphs_server", "toolloop", {"messages": [{"role": "user", "content": "weather in sf?"}]}),
]


def plain(value):
    """``value`` with each message content's list of blocks as its text. On the thread protocol the
    server runs chat models with content-block output, so the graph's own state holds blocks where
    the runs stream's holds strings (docs/threads-protocol.md): the one difference to set aside."""
    if isinstance(value, dict):
        return {k: plain(message_text(v) if k in ("content", "joke", "summary", "poem") and isinstance(v, list) else v)
                for k, v in value.items() if k not in ("id", "additional_kwargs", "response_metadata", "usage_metadata",
                                                       "invalid_tool_calls", "tool_call_chunks", "name", "status",
                                                       "artifact", "tool_calls")}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def root_steps(view: StreamView) -> list[str]:
    return [s["name"] for s in view.steps if not s["namespace"]]


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("where, graph, input", GRAPHS, ids=[g for _, g, _ in GRAPHS])
def test_the_thread_protocol_gives_the_runs_streams_traits(request, comms, where, graph, input, transport):
    url = request.getfixturevalue(where).url
    runs = StreamView(graph, input, url=url, thread_id="new", stream_subgraphs=True).run()
    threads = StreamView(graph, input, url=url, protocol="threads", transport=transport).run()
    assert (threads.status, threads.protocol) == (runs.status, "threads") == ("done", "threads")
    assert threads.text == runs.text and threads.text
    assert root_steps(threads) == root_steps(runs)
    assert plain(threads.state) == plain(runs.state)
    assert threads.thread_id and threads.run_id and threads.thread_id != runs.thread_id
    assert all(s["status"] == "done" for s in threads.steps)
    assert threads.counts["lifecycle"] >= 2 and "values" in threads.counts


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_parallel_branches_and_what_the_server_keeps_of_them(server, comms, transport):
    """Both branches stream into one view; the node that waits for both (a barrier) has a card on
    both protocols, although the server's checkpoint history, where the thread protocol's step
    cards come from, does not list it (nor does it for a runs-stream run on a thread): the thread
    protocol's view names it from the drawing (threads/history.py)."""
    runs = StreamView("parallel", {"topic": "tea"}, url=server.url, thread_id="new").run()
    threads = StreamView("parallel", {"topic": "tea"}, url=server.url, protocol="threads", transport=transport).run()
    assert threads.text == runs.text
    assert plain(threads.state) == plain(runs.state) or threads.state["joined"]
    assert root_steps(runs) == ["left", "right", "join"] and root_steps(threads) == ["left", "right", "join"]
    join = threads.steps[-1]
    assert join["result"] == {"joined": threads.state["joined"]} and join["checkpoint_id"]
    history = get_sync_client(url=server.url).threads.get_history(runs.thread_id)
    assert "join" not in [t["name"] for h in history for t in h["tasks"]], "the history names no join task"


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_reasoning_and_tool_calls_are_shown_apart_from_the_answer(test_graphs_server, comms, transport):
    view = StreamView("toolloop", {"messages": [{"role": "user", "content": "weather in sf?"}]},
                      url=test_graphs_server.url, protocol="threads", transport=transport).run()
    assert view.text == "Let me check.It is sunny.", "the answer only: no reasoning, no tool-call arguments"
    first = next(m for m in view.messages if m["type"] == "ai")
    assert first["reasoning"] == "The user asks about sf."
    assert [(c["name"], c["args"]) for c in first["tool_calls"]] == [("get_weather", {"city": "sf"})]
    [call] = view.tool_calls
    assert (call["name"], call["input"], call["status"]) == ("get_weather", {"city": "sf"}, "done")
    assert "sunny" in json.dumps(call["output"])
    tools_card = next(s for s in view.steps if s["name"] == "tools")
    assert call["step"] == tools_card["key"], "the tool call hangs on the card of the step that ran it"
    assert [c["data"] for c in view.custom][:2] == [{"name": "progress", "payload": {"step": 1, "of": 2}},
                                                    {"progress": 1, "of": 2}]


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_an_interrupt_then_resume_over_the_protocol(server, comms, transport):
    view = StreamView("human", {"draft": "hello"}, url=server.url, protocol="threads", transport=transport).run()
    assert view.status == "interrupted"
    [interrupt] = view.interrupts
    assert interrupt["value"] == {"question": "Publish this draft?", "draft": "Hello, world"}
    assert interrupt["node"] == "review", "the history names the node that asked"
    steps_before = len(view.steps)
    view.resume("yes", wait=True)
    assert view.status == "done" and view.state["published"] == "Hello, world"
    assert [i["resolved"] for i in view.interrupts] == [True]
    assert len(view.steps) > steps_before and len(view.run_starts) == 2
    # The resumed run ends the task that asked: its card is done, with its result (as on the runs stream).
    assert [(s["name"], s["status"]) for s in view.steps] == [("write_draft", "done"), ("review", "done"),
                                                               ("publish", "done")]
    assert next(s for s in view.steps if s["name"] == "review")["result"] is not None
    with pytest.raises(InvalidArgument, match="Nothing to resume"):
        view.resume("again")


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_node_that_raises_after_tokens(server, comms, transport):
    view = StreamView("failing", {"topic": "x"}, url=server.url, protocol="threads", transport=transport)
    with pytest.raises(Exception, match="boom"):
        view.run()
    runs = StreamView("failing", {"topic": "x"}, url=server.url)
    with pytest.raises(Exception):
        runs.run()
    assert view.status == "error" and view.error["kind"] == "run"
    assert (view.error["type"], view.error["message"]) == (runs.error["type"], runs.error["message"])
    assert view.text == runs.text and view.text, "the tokens before the error stay"


def test_a_thread_protocol_view_saves_and_replays(server, comms, tmp_path):
    """save() keeps each event's namespace and seq, and the step cards read from the history:
    a replay with no server shows what the live view showed."""
    live = StreamView("human", {"draft": "hello"}, url=server.url, protocol="threads").run()
    live.resume("yes", wait=True)
    path = tmp_path / "threads.jsonl"
    live.save(path)
    replayed = StreamView.replay(path, speed=0).run()
    keep = ("status", "text", "steps", "state", "interrupts", "counts", "thread_id", "run_id", "messages")
    assert replayed.protocol == "threads"
    assert {k: replayed.get_state()[k] for k in keep if k != "steps"} == {k: live.get_state()[k] for k in keep
                                                                          if k != "steps"}
    assert [(s["name"], s["status"]) for s in replayed.steps] == [(s["name"], s["status"]) for s in live.steps]


def test_a_fork_in_place_over_the_protocol(server, comms):
    view = StreamView("joke", {"topic": "tea"}, url=server.url, protocol="threads").run()
    generate = next(s for s in view.steps if s["name"] == "generate_joke")
    assert generate["checkpoint_id"]
    view.fork(generate["checkpoint_id"], in_place=True, wait=True)
    assert view.status == "done" and root_steps(view) == ["refine_topic", "generate_joke", "generate_joke"]
    assert len(view.branches) == 1 and view.text.count("Why did") == 2


WORDS = 3000


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_five_cuts_of_the_connection_lose_and_repeat_nothing(server, comms, transport):
    """A 3,000-word run through a proxy that cuts five stream connections once 100 kB (SSE) or
    12 kB (WebSocket) have gone through each (REST calls, commands, history reads pass): the
    text is exact."""
    words = [f"{long_graph.WORDS[i % len(long_graph.WORDS)]}{i}" for i in range(WORDS)]
    plan = [Cut(100_000 if transport == "sse" else 12_000)] * 5
    if transport == "websocket":
        plan = [Pass(), *plan]  # the thread's command socket, which carries no events
    with FaultProxy(server.url, plan, only=b"/stream/events") as proxy:
        view = StreamView("long", {"tokens": 2 * WORDS}, url=proxy.url, protocol="threads", transport=transport)
        view.run()
    cuts = sum(isinstance(e.action, Cut) and e.response_bytes >= e.action.after for e in proxy.log)
    print(f"\n{transport}: {cuts} cuts, {len(view.events)} events")
    assert view.status == "done" and cuts == 5
    assert view.text == " ".join(words)
    seqs = [e.seq for e in view.events]
    assert seqs == sorted(set(seqs)), "no event twice"


async def started_elsewhere(url: str) -> str:
    """A thread on which another client (the SDK) started a ``slow_interrupt`` run."""
    sdk = sdk_client(url)
    thread_id = (await sdk.threads.create())["thread_id"]
    async with sdk.threads.stream(thread_id=thread_id, assistant_id="slow_interrupt") as other:
        await other.run.start(input={"topic": "owls"})
    return thread_id


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_attach_to_a_thread_another_client_runs(test_graphs_server, comms, transport):
    thread_id = asyncio.run(started_elsewhere(test_graphs_server.url))
    view = StreamView.attach(thread_id, url=test_graphs_server.url, transport=transport).start()
    try:
        wait_until(lambda: view.status == "interrupted", timeout=60, what="the attached run reaches its interrupt")
        assert view.text == " ".join(f"w{i}" for i in range(20)), "its tokens from its start"
        assert view.assistant_id == "slow_interrupt" and "from its start" in view.note
        assert len(view.interrupts) == 1
        view.resume("yes")  # from the attached view: the attachment reads the resumed run
        wait_until(lambda: view.status == "done", timeout=60, what="the resumed run, in the same view")
        assert view.state["published"] == view.text
        assert len({s["key"] for s in view.steps}) == len(view.steps)
    finally:
        view.cancel()
    assert view.status == "cancelled"


def test_a_resume_with_wait_as_soon_as_the_interrupt_shows_waits_for_the_resumed_run(test_graphs_server, comms):
    """The status said ``interrupted`` a moment before the run's end was counted: a resume(wait=True)
    in that moment counted the interrupted run's end as the resumed run's and returned at once (seen
    under load). An observer that holds the moment open makes it certain."""
    view = StreamView.attach(asyncio.run(started_elsewhere(test_graphs_server.url)), url=test_graphs_server.url)
    interrupted = threading.Event()

    def hold_the_moment(change):
        if change["new"] == "interrupted" and not interrupted.is_set():
            interrupted.set()
            time.sleep(0.5)

    view.observe(hold_the_moment, "status")
    view.start()
    try:
        assert interrupted.wait(60), "the attached run reaches its interrupt"
        view.resume("yes", wait=True)
        assert view.status == "done" and view.state["published"] == view.text
    finally:
        view.cancel()


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_an_attached_resume_with_wait_returns_once_the_resumed_run_has_ended(test_graphs_server, comms, transport):
    """resume(value, wait=True) on an attachment returned at once (0.01 s, still 'interrupted');
    the resumed run only starts 0.5 to 1 s after the answer."""
    view = StreamView.attach(asyncio.run(started_elsewhere(test_graphs_server.url)), url=test_graphs_server.url,
                             transport=transport).start()
    try:
        wait_until(lambda: view.status == "interrupted", timeout=60, what="the attached run reaches its interrupt")
        view.resume("yes", wait=True)
        assert view.status == "done" and view.state["published"] == view.text
        assert view.running, "the attachment reads on after the resumed run"
    finally:
        view.cancel()


def test_join_one_run_of_the_runs_stream(server, comms):
    sdk = get_sync_client(url=server.url)
    thread_id = sdk.threads.create()["thread_id"]
    run = sdk.runs.create(thread_id, "joke", input={"topic": "tea"}, stream_mode=["messages-tuple", "values", "debug"],
                          stream_resumable=True)
    joined = StreamView.join(thread_id, run["run_id"], url=server.url).run()
    direct = StreamView("joke", {"topic": "tea"}, url=server.url, thread_id="new",
                        stream_mode=["messages-tuple", "values", "debug"]).run()
    assert joined.status == "done" and joined.assistant_id == "joke"
    assert (joined.text, root_steps(joined), joined.state) == (direct.text, root_steps(direct), direct.state)
    assert joined.run_id == run["run_id"] and joined.thread_id == thread_id


def test_typed_errors(server, comms):
    with pytest.raises(ThreadNotFound, match="no thread"):
        StreamView.attach("7c7b8a2e-0000-4000-8000-000000000000", url=server.url).run()
    with pytest.raises(ThreadNotFound):
        StreamView("joke", {"topic": "x"}, url=server.url, protocol="threads",
                   thread_id="7c7b8a2e-0000-4000-8000-000000000000").run()
    with pytest.raises(InvalidArgument, match="protocol must be"):
        StreamView("joke", protocol="graphql")
    with pytest.raises(InvalidArgument, match="Unknown channel"):
        StreamView("joke", protocol="threads", stream_mode=["debug"])
    with pytest.raises(InvalidArgument, match="run.start takes no context"):
        StreamView("joke", protocol="threads", context={"x": 1})
    with pytest.raises(InvalidArgument, match="transport='websocket' needs protocol='threads'"):
        StreamView("joke", transport="websocket")


def test_a_server_without_the_protocol_says_so(comms, tmp_path):
    from lg_widgets.server import LocalServer, free_port

    demo = __import__("pathlib").Path(long_graph.__file__).parent
    config = tmp_path / "langgraph.json"
    config.write_text(json.dumps({"dependencies": [str(demo)], "graphs": {"joke": f"{demo / 'joke.py'}:graph"},
                                  "env": {"FF_V2_EVENT_STREAMING": "false"}}))
    with LocalServer(config, free_port()).start() as server:
        view = StreamView("joke", {"topic": "x"}, url=server.url, protocol="threads")
        with pytest.raises(ProtocolUnsupported, match='protocol="runs"'):
            view.run()
        assert view.status == "error" and view.error["kind"] == "protocol"
