"""StreamView without a kernel: a real run fills every trait like langgraph_sdk's raw events say."""

from __future__ import annotations

import asyncio
import json
import re
from collections import Counter

import pytest
from jsonpointer import resolve_pointer

import reference as ref
from lg_widgets import HTTPStatusError, InvalidArgument, RunError, ServerUnreachable, StreamView
from lg_widgets.diff import replay
from sdk_runs import sdk_parts
from slow_run import SLOW_GRAPH, SLOW_INPUT
from waiting import wait_until

pytestmark = pytest.mark.server

SYNCED = ["status", "run_id", "thread_id", "text", "segments", "messages", "steps", "checkpoints", "state",
          "diffs", "custom", "interrupts", "error", "counts", "event_kinds", "current_node", "event_count",
          "duration", "assistant_id", "stream_mode"]
MODES = ["messages-tuple", "updates", "debug", "values", "custom"]


def from_wire(state: dict) -> dict:
    """Undo the final traits' wire shaping (sync.py) the way the front end does."""
    pieces = {}
    for seg in state["segments"]:
        pieces.setdefault(seg["message"], []).append(state["text"][seg["start"]:seg["end"]])
    messages = []
    for m in state["messages"]:
        if m.pop("text_in_segments", False):
            m["text"] = "".join(pieces[m["id"]])
        messages.append({**m, "content": m["text"]} if "content" not in m else m)
    def refs(value):
        if isinstance(value, dict) and "__lg_state_ref__" in value:
            return resolve_pointer(state["state"], value["__lg_state_ref__"])
        if isinstance(value, dict):
            return {k: refs(v) for k, v in value.items()}
        return [refs(v) for v in value] if isinstance(value, list) else value

    diffs = [{**d, "ops": [{**op, "value": refs(op["value"])} if "value" in op else op for op in d["ops"]]}
             for d in state["diffs"]]
    steps = [{**s, "input": refs(s["input"]), "result": refs(s["result"])} for s in state["steps"]]
    checkpoints = [{**c, "values": refs(c["values"])} for c in state["checkpoints"]]
    return {**state, "messages": messages, "diffs": diffs, "steps": steps, "checkpoints": checkpoints}


def synced_state(view: StreamView) -> dict:
    return view.get_state()


@pytest.mark.parametrize("graph, input", [
    ("joke", {"topic": "ice cream"}),
    ("agent", {"messages": [{"role": "user", "content": "what is the weather in sf"}]}),
    ("subgraph", {"topic": "parsers"}),
    ("custom", {"items": 3}),
    ("parallel", {"topic": "tea"}),
])
def test_traits_match_the_sdk_stream(server, comms, graph, input):
    view = StreamView(graph, input, url=server.url, stream_mode=MODES, thread_id="new").run()
    parts = asyncio.run(sdk_parts(server.url, graph, input, MODES, threaded=True))
    assert view.status == "done"
    assert view.text == ref.token_text(parts)
    assert ref.without_ids(view.state) == ref.without_ids(ref.final_state(parts))
    assert replay(view.diffs) == view.state
    assert [s["name"] for s in view.steps] == ref.step_names(parts)
    assert [c["data"] for c in view.custom] == ref.custom_data(parts)
    assert len(view.checkpoints) == len(ref.checkpoint_ids(parts))
    assert sum(view.counts.values()) == len(view.events)
    kinds, sdk_kinds = [e.event.split("|")[0] for e in view.events], [e.split("|")[0] for e, _ in parts]
    if graph == "parallel":  # two branches in one super-step: each run interleaves their events its own way
        assert Counter(kinds) == Counter(sdk_kinds)
    else:
        assert kinds == sdk_kinds
    assert view.run_id and view.thread_id
    # What reached the front end (every comm update, in order) is the same data as the traits.
    received = {}
    for message in comms.instances[-1].messages:
        data = message["data"] or {}
        if data.get("method") in ("update", "echo_update") or message["msg_type"] == "comm_open":
            received.update((data.get("state") or {}))
    received = from_wire(received)
    for name in SYNCED:
        assert received[name] == json.loads(json.dumps(getattr(view, name))), name


def test_a_big_state_crosses_the_comm_once_at_the_end(test_graphs_server, comms):
    """Steps (a node's update, a task's input) and checkpoints repeat the state: the final traits
    send what equals the state as references to it, so it travels once."""
    view = StreamView("whole_reply", {"messages": [{"role": "user", "content": "x" * 200_000}]},
                      url=test_graphs_server.url, stream_mode=["updates", "debug", "values"], thread_id="new").run()
    updates = [m for m in comms.instances[-1].messages if m["msg_type"] == "comm_open"
               or (m["data"] or {}).get("method") == "update"]
    assert 200_000 < updates[-1]["bytes"] < 2 * 200_000, "the 200 kB message travels once, not once per step and checkpoint"
    assert json.dumps(updates[-1]["data"]["state"]["checkpoints"]).count("__lg_state_ref__") >= 2
    received = {}
    for message in updates:
        received.update(message["data"]["state"])
    received = from_wire(received)
    assert received["steps"] == json.loads(json.dumps(view.steps))
    assert received["checkpoints"] == json.loads(json.dumps(view.checkpoints))


def test_comm_bytes_grow_linearly_on_a_10k_token_run(server, comms):
    view = StreamView("long", {"tokens": 10_000}, url=server.url,
                      stream_mode=["messages-tuple", "updates", "debug", "values"])
    comm = comms.instances[-1]
    opened = comm.bytes_sent  # the comm_open carries the JS bundle once per widget, whatever the run
    view.run()
    sent = comm.bytes_sent - opened
    content = sum(len(json.dumps(v, ensure_ascii=False).encode()) for v in (view.text, view.state, view.steps))
    assert len(view.text) > 40_000
    deltas = [m for m in comm.custom_messages() if m["type"] == "delta"]
    # Each frame's delta repeats a few counters (~0.5 kB): a machine that runs the same tokens slower
    # sends more frames. What must not happen is content sent over and over (bytes ~ content x events).
    frames = 1024 * len(deltas)
    assert sent <= 2 * content + frames, f"comm sent {sent} bytes for {content} bytes of content, {len(deltas)} frames"
    assert len(deltas) > 3, "text streams to the front end while the run is live"
    streamed = "".join(d.get("text", "") for d in deltas)
    # Deltas carry the text as it arrives; the last frame's worth comes with the final traits.
    assert streamed and view.text.startswith(streamed)


def test_repr_is_deterministic_and_secret_free(server, comms):
    key = "lgw-test-key-5f3a9c"
    view = StreamView("joke", {"topic": "ice cream"}, url=server.url, api_key=key).run()
    assert repr(view) == f"StreamView('joke', status='done', events={view.event_count}, steps={len(view.steps)})"
    bundle, _ = view._repr_mimebundle_()
    assert not re.search(r"0x[0-9a-f]{6,}", bundle["text/plain"] + bundle["text/html"])
    assert view.text in bundle["text/plain"]
    everything = json.dumps(synced_state(view)) + repr(view) + json.dumps(bundle) + \
        json.dumps([m["data"] for m in comms.instances[-1].messages], default=str)
    assert key not in everything
    assert "api_key" not in view.keys


def test_api_key_from_environment_is_sent_but_never_synced(server, comms, monkeypatch):
    key = "lgw-env-key-77e1"
    monkeypatch.setenv("LANGGRAPH_API_KEY", key)
    view = StreamView("joke", {"topic": "x"}, url=server.url, thread_id="new",
                      stream_mode=["debug", "values"]).run()
    assert view.status == "done"
    assert key not in json.dumps(synced_state(view))
    assert key not in json.dumps([m["data"] for m in comms.instances[-1].messages], default=str)


def test_error_inside_a_node_keeps_partial_output(server, comms):
    view = StreamView("failing", {"topic": "x"}, url=server.url,
                      stream_mode=["messages-tuple", "debug", "values"])
    with pytest.raises(RunError) as info:
        view.run()
    assert view.status == "error"
    assert view.error["kind"] == "run" and view.error["type"] == info.value.error_type
    assert view.text, "tokens streamed before the error are kept"
    assert any(s["status"] == "done" for s in view.steps)
    assert any(s["status"] == "error" for s in view.steps)


def test_unknown_assistant_is_a_typed_error(server, comms):
    view = StreamView("no-such-graph", url=server.url)
    with pytest.raises(HTTPStatusError) as info:
        view.run()
    assert info.value.status_code in (404, 422)
    assert "no-such-graph" in str(info.value)
    assert view.status == "error" and view.error["kind"] == "http"


def test_server_down_is_a_typed_error(comms, unused_port):
    view = StreamView("joke", url=f"http://127.0.0.1:{unused_port}")
    with pytest.raises(ServerUnreachable, match="Is it running"):
        view.run()
    assert view.status == "error"


def test_bad_arguments_fail_before_anything_is_sent(comms):
    with pytest.raises(InvalidArgument):
        StreamView("")
    with pytest.raises(InvalidArgument):
        StreamView("joke", stream_mode=3)
    with pytest.raises(InvalidArgument, match="Known modes"):
        StreamView("joke", stream_mode="tokens")
    with pytest.raises(InvalidArgument, match="JSON"):
        StreamView("joke", input={"x": object()})


def test_start_returns_at_once_and_wait_returns_the_view(server, comms):
    async def scenario():
        view = StreamView("long", {"tokens": 3000}, url=server.url, stream_mode="messages-tuple")
        assert view.start() is view
        assert view.status in ("connecting", "running")
        assert await view.wait() is view
        return view

    view = asyncio.run(scenario())
    assert view.status == "done" and len(view.text) > 10_000


@pytest.mark.parametrize("protocol", ["runs", "threads"])
def test_when_status_says_the_run_ended_its_final_traits_are_already_set(server, comms, protocol):
    """Code that waits for ``status`` (in another thread, or observing it) then reads the run's
    text and state must find them final: the end is never shown before the traits that go with it."""
    seen = []
    view = StreamView("joke", {"topic": "owls"}, url=server.url, protocol=protocol)
    view.observe(lambda change: seen.append((change["new"], view.text, view.state)), names="status")
    view.run()
    [ended] = [s for s in seen if s[0] not in ("idle", "connecting", "running")]
    assert ended == ("done", view.text, view.state) and view.text


def test_cancel_stops_a_threaded_run_on_the_server(server, comms):
    from langgraph_sdk import get_sync_client

    view = StreamView(SLOW_GRAPH, SLOW_INPUT, url=server.url, thread_id="new",
                      stream_mode="messages-tuple").start()
    wait_until(lambda: len(view.run_state.text) > 100, what="the first tokens")
    view.cancel()
    assert view.status == "cancelled"
    assert not view.running
    partial = view.text
    assert partial, "output before the cancel is kept"
    run = get_sync_client(url=server.url).runs.get(view.thread_id, view.run_id)
    assert run["status"] in ("interrupted", "cancelled", "error")
    view.cancel()  # cancelling a finished run is a no-op
    assert view.status == "cancelled" and view.text == partial
    # The run stopped on the server too: the next run goes through (the server has one worker,
    # and the cancelled run had half a minute to go).
    after = StreamView("joke", {"topic": "owls"}, url=server.url).start()
    wait_until(lambda: after.status == "done", timeout=20, what="a run after the cancel")


@pytest.mark.parametrize("protocol, start_request", [("runs", b"/runs/stream"), ("threads", b'"run.start"')])
def test_a_cancel_before_the_server_names_the_run_stops_it_there(server, comms, protocol, start_request):
    """A threaded run goes on without its client: a cancel that comes while the answer naming the
    run is on its way waits for the name, then cancels the run on the server."""
    from langgraph_sdk import get_sync_client

    from fault_proxy import FaultProxy, Hold

    sdk = get_sync_client(url=server.url)
    with FaultProxy(server.url, [Hold(2.0)], only=start_request) as proxy:
        view = StreamView(SLOW_GRAPH, SLOW_INPUT, url=proxy.url, thread_id="new", protocol=protocol).start()
        wait_until(lambda: view.run_state.thread_id and sdk.runs.list(view.run_state.thread_id),
                   what="the server to start the run")
        assert not view.run_state.run_id, "the answer naming the run is still held back"
        view.cancel()
    assert view.status == "cancelled" and not view.running
    [run] = sdk.runs.list(view.thread_id)
    # A cancelled run is "interrupted"; one that went on would be "pending", "running", "success".
    wait_until(lambda: sdk.runs.get(view.thread_id, run["run_id"])["status"] == "interrupted", timeout=10,
               what="the server to cancel the run")


def test_cancel_while_a_run_winds_down_keeps_its_end(server, comms):
    """A cancel that comes after the stream ended, while the run still waits for its drawing, must
    not cut the run's cleanup short: the view ends with its final traits, not stuck 'running'."""
    from fault_proxy import FaultProxy, Stall

    with FaultProxy(server.url, [Stall(0, seconds=30)], only=b"/graph") as proxy:
        view = StreamView("joke", {"topic": "owls"}, url=proxy.url).start()
        wait_until(lambda: view.run_state.status == "done", what="the stream's end")
        assert view.running, "the run still waits for its drawing"
        view.cancel()
    assert not view.running
    assert view.status == "done" and view.text == view.run_state.text != ""


def test_front_end_pages_through_raw_events(server, comms):
    view = StreamView("joke", {"topic": "ice cream"}, url=server.url).run()
    comm = comms.instances[-1]
    comm.receive({"type": "events", "request_id": "r1", "offset": 2, "limit": 5})
    reply = comm.custom_messages()[-1]
    assert reply["type"] == "reply" and reply["request_id"] == "r1" and reply["ok"]
    assert reply["total"] == len(view.events)
    assert [e["index"] for e in reply["events"]] == list(range(2, 7))
    assert reply["events"][0]["event"] == view.events[2].event
    comm.receive({"type": "bogus", "request_id": "r2"})
    assert comm.custom_messages()[-1] == {"type": "reply", "request_id": "r2", "ok": False,
                                          "error": "unknown request 'bogus'"}


def test_interrupting_the_kernel_during_run_cancels_the_run(server, comms):
    """Interrupt the kernel while `run()` blocks (SIGINT: a KeyboardInterrupt in the main thread):
    the run stops with the cell, on the server too; what arrived before is kept."""
    import os
    import signal
    import threading

    from langgraph_sdk import get_sync_client

    view = StreamView(SLOW_GRAPH, SLOW_INPUT, url=server.url, thread_id="new", stream_mode="messages-tuple")
    in_run = threading.Event()

    def on_sigint(signum, frame):  # Python's own handler, but only while run() blocks below
        if in_run.is_set():
            raise KeyboardInterrupt

    def interrupt_once_tokens_flow():
        # The dev server has one worker: an earlier test's run may go first.
        wait_until(lambda: len(view.run_state.text) > 100, timeout=120, what="the first tokens")
        os.kill(os.getpid(), signal.SIGINT)  # what Jupyter's "interrupt the kernel" sends

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        threading.Thread(target=interrupt_once_tokens_flow, daemon=True).start()
        in_run.set()
        with pytest.raises(KeyboardInterrupt):
            view.run()
    finally:
        in_run.clear()
        signal.signal(signal.SIGINT, previous)
    assert view.status == "cancelled" and not view.running and view.text
    sdk = get_sync_client(url=server.url)
    wait_until(lambda: sdk.runs.get(view.thread_id, view.run_id)["status"] == "interrupted", timeout=10,
               what="the server to cancel the run")
