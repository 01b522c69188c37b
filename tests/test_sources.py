"""Other sources feed the same fold: a recording, a local compiled graph, a langgraph_sdk stream."""

from __future__ import annotations

import importlib.util
import json

import pytest

import reference as ref
from sdk_runs import sdk_client
from lg_widgets import InvalidArgument, MalformedStream, StreamView
from lg_widgets.server import DEMO_CONFIG

pytestmark = pytest.mark.server
MODES = ["debug", "messages-tuple", "values", "custom"]


def demo_graph(name: str):
    spec = importlib.util.spec_from_file_location(f"demo_{name}", DEMO_CONFIG.parent / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.graph


def comparable(view: StreamView) -> dict:
    data = view.run_state.to_dict()
    data.pop("duration")  # arrival times are rounded to microseconds in a recording
    for span in data["timeline"]:  # so are the spans' times on the arrival clock: compare them to the ms
        for key in ("start", "end", "first_token"):
            if isinstance(span[key], float):
                span[key] = round(span[key], 3)
    return json.loads(json.dumps(data))


def test_replay_gives_the_same_traits(server, comms, tmp_path):
    live = StreamView("subgraph", {"topic": "parsers"}, url=server.url, thread_id="new",
                      stream_subgraphs=True, stream_mode=MODES).run()
    path = tmp_path / "run.jsonl"
    assert live.save(path) == len(live.events)
    replayed = StreamView.replay(path, speed=0).run()
    assert comparable(replayed) == comparable(live)
    assert replayed.duration == pytest.approx(live.duration, abs=1e-5)
    assert [e.event for e in replayed.events] == [e.event for e in live.events]


def test_replay_keeps_its_pace(server, comms, tmp_path):
    live = StreamView("joke", {"topic": "x"}, url=server.url, stream_mode="messages-tuple").run()
    path = tmp_path / "run.jsonl"
    live.save(path)
    replayed = StreamView.replay(path, speed=1.0).run()
    assert replayed.duration == pytest.approx(live.duration, abs=0.05)


@pytest.mark.parametrize("modes", [["debug", "checkpoints"], ["messages-tuple", "updates"], ["events"]])
def test_a_recording_and_the_raw_events_pane_without_secrets(server, comms, tmp_path, modes):
    """Neither the key nor the run's secret metadata (echoed in checkpoints, in each token's
    metadata, in events) reaches a recording or the page's raw events."""
    key, secret = "lgw-planted-key-1234", "md-planted-secret-5678"
    view = StreamView("joke", {"topic": "x"}, url=server.url, api_key=key, thread_id="new", stream_mode=modes,
                      metadata={"my_api_key": secret, "session_token": secret}).run()
    assert any(secret in json.dumps(e.data) for e in view.events), "the server echoed the metadata"
    path = tmp_path / "run.jsonl"
    view.save(path)
    assert key not in path.read_text() and secret not in path.read_text()
    comm = comms.instances[-1]
    comm.receive({"type": "events", "request_id": "r1", "offset": 0, "limit": 500})
    [reply] = [m for m in comm.custom_messages() if m.get("request_id") == "r1"]
    assert reply["ok"] and reply["events"] and secret not in json.dumps(reply)


def test_not_a_recording(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"hello": 1}\n')
    with pytest.raises(MalformedStream, match="not an lg_widgets recording"):
        StreamView.replay(path)


@pytest.mark.parametrize("graph, input", [("subgraph", {"topic": "parsers"}), ("custom", {"items": 2}),
                                          ("parallel", {"topic": "tea"}), ("agent", {"messages": [
                                              {"role": "user", "content": "weather?"}]})])
def test_local_graph_matches_the_server(server, comms, graph, input):
    remote = StreamView(graph, input, url=server.url, stream_mode=MODES, stream_subgraphs=True).run()
    local = StreamView.from_graph(demo_graph(graph), input, stream_mode=MODES, stream_subgraphs=True).run()
    assert local.status == remote.status == "done"
    assert local.text == remote.text
    assert [s["name"] for s in local.steps] == [s["name"] for s in remote.steps]
    assert [c["data"] for c in local.custom] == [c["data"] for c in remote.custom]
    assert ref.without_ids(local.state) == ref.without_ids(remote.state)


async def test_sdk_stream_feeds_the_view(server, comms):
    client = sdk_client(server.url)
    stream = client.runs.stream(None, "joke", input={"topic": "ice cream"}, stream_mode=MODES)
    view = await StreamView.from_sdk(stream, assistant_id="joke", stream_mode=MODES).start().wait()
    direct = StreamView("joke", {"topic": "ice cream"}, url=server.url, stream_mode=MODES).run()
    assert view.text == direct.text
    assert [s["name"] for s in view.steps] == [s["name"] for s in direct.steps]
    assert view.state == direct.state
    with pytest.raises(InvalidArgument, match="read already"):
        view.start()
    assert view.status == "done" and view.text == direct.text, "the refused start changed nothing"


def test_a_resumed_view_replays_with_its_runs(server, comms, tmp_path):
    live = StreamView("human", {"draft": "hello"}, url=server.url, thread_id="new", stream_mode=MODES).run()
    live.resume("yes", wait=True)
    path = tmp_path / "resumed.jsonl"
    live.save(path)
    replayed = StreamView.replay(path, speed=0).run()
    assert comparable(replayed) == comparable(live)
    assert replayed.status == "done" and [i["resolved"] for i in replayed.interrupts] == [True]
    assert replayed.run_starts == live.run_starts and len(live.run_starts) == 2


def test_the_project_fixtures_replay_like_a_save(comms):
    """One recording format: StreamView.replay reads tests/fixtures as it reads save() output."""
    from recordings import FIXTURES

    fork = StreamView.replay(FIXTURES / "joke_fork_in_place.jsonl", speed=0).run()
    assert fork.status == "done" and len(fork.branches) == 1
    assert [s["name"] for s in fork.steps] == ["refine_topic", "generate_joke", "generate_joke"]


def test_compare_modes_runs_each_mode_separately(server, comms):
    from lg_widgets import compare_modes

    comparison = compare_modes("joke", {"topic": "ice cream"}, modes=["values", "updates", "messages-tuple"],
                               url=server.url)
    table = {row["mode"]: row for row in comparison.table}
    assert set(table) == {"values", "updates", "messages-tuple"}
    assert table["messages-tuple"]["text_chars"] > 0 and table["values"]["text_chars"] == 0
    assert table["updates"]["steps"] == 2 and table["values"]["state_keys"] == ["joke", "topic"]
    for mode, view in comparison.views.items():
        assert all(e.mode in (mode.replace("messages-tuple", "messages"), "metadata") for e in view.events)
    text = repr(comparison)
    assert text.splitlines()[0].split() == ["mode", "events", "bytes", "token", "chars", "steps", "state", "keys", "status"]


def test_integers_beyond_64_bits_stream_and_publish(tmp_path, comms):
    """Integers beyond 64 bits (json parses them, orjson refuses): previews and traits still work."""
    huge = 2 ** 70
    records = [
        {"event": "metadata", "data": {"run_id": "r"}, "id": None, "t": 0.0},
        {"event": "debug", "data": {"type": "task", "step": 1, "payload": {
            "id": "t1", "name": "n", "input": {"big": huge, "notes": "x" * 5000}, "triggers": []}}, "id": None, "t": 0.01},
        {"event": "values", "data": {"big": huge}, "id": None, "t": 0.02},
    ]
    path = tmp_path / "huge.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [{"format": "lg_widgets.recording/1", "assistant_id": "x",
                                                        "stream_mode": ["debug", "values"]}, *records]))
    view = StreamView.replay(path, speed=0.05)
    view.run()
    assert view.status == "done" and view.state == {"big": huge}
    assert view.steps[0]["input"]["big"] == huge
    steps_sent = [s for m in comms.instances[-1].custom_messages() if m["type"] == "delta" for s in m.get("steps", [])]
    assert steps_sent and steps_sent[0]["input"]["bytes"] > 5000, "the big input travelled as a preview"


def test_a_recording_keeps_line_and_paragraph_separators_in_its_text(comms, tmp_path):
    """JSON keeps U+2028, U+2029 and U+0085 raw; they are not line ends of the recording."""
    from typing import TypedDict

    from langgraph.graph import START, StateGraph

    class State(TypedDict):
        s: str

    text = "line\u2028separator\u2029paragraph\x85next"
    graph = StateGraph(State).add_node("write", lambda state: {"s": text}).add_edge(START, "write").compile()
    live = StreamView.from_graph(graph, {"s": ""}, stream_mode=["values", "updates"]).run()
    live.save(tmp_path / "separators.jsonl")
    replayed = StreamView.replay(tmp_path / "separators.jsonl", speed=0).run()
    assert live.state == replayed.state == {"s": text}
    assert comparable(replayed) == comparable(live)
    assert {n["id"] for n in live.graph["nodes"]} == {"__start__", "write", "__end__"}  # drawn from the graph itself


def test_a_local_graph_that_raises_fails_like_a_run_on_the_server(comms):
    """The graph's exception is the run's error (kind "run", a RunError), as the server reports
    it; what the run streamed before it is kept."""
    from typing import TypedDict

    from langgraph.config import get_stream_writer
    from langgraph.graph import START, StateGraph

    from lg_widgets import RunError

    class State(TypedDict, total=False):
        x: int

    class BoomError(RuntimeError):
        pass

    def explode(state):
        get_stream_writer()({"progress": "half way"})
        raise BoomError("kaput")

    graph = StateGraph(State).add_node("explode", explode).add_edge(START, "explode").compile()
    view = StreamView.from_graph(graph, {"x": 1}, stream_mode=["custom", "updates"])
    with pytest.raises(RunError, match="BoomError: kaput"):
        view.run()
    assert view.status == "error"
    assert view.error == {"type": "BoomError", "message": "kaput", "kind": "run"}
    assert [c["data"] for c in view.custom] == [{"progress": "half way"}]

