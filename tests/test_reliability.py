"""Dropped, stalled and early-closed connections: the client rejoins without losing or repeating events.

Exactness is proved against ``ReplayServer`` (real HTTP, unique event ids) through
``FaultProxy`` (real TCP, cut at chosen byte offsets); the dev server gives a figure.
"""

from __future__ import annotations

import asyncio
import difflib
import json
import time
from collections import Counter

import pytest

import lg_widgets.transport.resuming as resuming_module
from fault_proxy import Cut, FaultProxy, Garbage, Pass, Stall
from lg_widgets import RunState, StreamDisconnected, StreamStalled
from lg_widgets.client import LangGraphClient, RunRequest
from lg_widgets.transport.settings import same_origin_path
from replay_server import ReplayServer, canned, recording, serve, sse_bytes

MODES = ["messages-tuple", "updates", "values", "debug"]
#: Fractions of an uncut stream's bytes at which the ten successive connections are cut:
#: mid-headers of a rejoin, mid-event, mid-chunk; together about 3/4 of the run.
CUT_FRACTIONS = [0.04, 0.0004, 0.11, 0.07, 0.093, 0.13, 0.021, 0.1, 0.0817, 0.061]


async def collect(url: str, events: list, *, thread_id: str | None = "new", **client_options):
    """Stream a run into ``events`` (kept when it raises); returns the RunStream."""
    client_options.setdefault("resume_backoff", 0.01)
    async with LangGraphClient(url, **client_options) as client:
        stream = client.stream(RunRequest("replay", {}, stream_mode=MODES, thread_id=thread_id))
        async for event in stream:
            events.append(event)
        return stream


def fold(events) -> RunState:
    return RunState(MODES).apply_all(events)


def lost_and_duplicated(expected_ids: list, got_ids: list) -> tuple[int, int]:
    want, got = Counter(expected_ids), Counter(got_ids)
    return sum((want - got).values()), sum((got - want).values())


@pytest.fixture(scope="module")
def reference():
    """An uncut run: its events, its fold, and its size in bytes on the wire."""
    with ReplayServer(2000) as server, FaultProxy(server.url) as proxy:
        events: list = []
        asyncio.run(collect(proxy.url, events))
        return events, fold(events), proxy.log[-1].response_bytes


def cut_offsets(total_bytes: int) -> list[Cut]:
    return [Cut(max(200, int(total_bytes * f))) if i else Cut(int(total_bytes * f))
            for i, f in enumerate(CUT_FRACTIONS)]


@pytest.mark.parametrize("ids_per_event", [1, 7], ids=["unique-ids", "7-events-per-id"])
async def test_ten_cuts_lose_nothing_and_repeat_nothing(reference, ids_per_event):
    ref_events, ref_state, total = reference
    with ReplayServer(2000, ids_per_event=ids_per_event) as server, FaultProxy(server.url) as proxy:
        proxy.set_actions(cut_offsets(total))
        events: list = []
        stream = await collect(proxy.url, events)
        expected = server.expected_events(stream.run_id, stream.thread_id)

    cuts = sum(isinstance(entry.action, Cut) and entry.response_bytes == entry.action.after for entry in proxy.log)
    lost, duplicated = lost_and_duplicated([(e[0], e[2], repr(e[1])) for e in expected],
                                           [(e.event, e.id, repr(e.data)) for e in events])
    print(f"\nreplay server ({ids_per_event} event(s)/id): {cuts} disconnects survived, "
          f"{stream.resumes} rejoins, {lost} events lost, {duplicated} duplicated")
    assert cuts == 10 and stream.resumes == 10
    assert [e.id for e in events] == [e[2] for e in expected]
    assert (lost, duplicated) == (0, 0)
    state = fold(events)
    assert state.text == ref_state.text and len(state.text) > 1000
    assert state.state == ref_state.state
    assert [s["id"] for s in state.steps] == [s["id"] for s in ref_state.steps]
    assert state.counts == ref_state.counts
    # Every rejoin named the id before the last one it had seen.
    rejoins = [r for r in server.requests if r[0] == "GET" and r[1].endswith("/stream")]
    assert len(rejoins) == 10 and all(r[2].get("last-event-id") for r in rejoins)


@pytest.mark.parametrize("ids_per_event", [1, 7], ids=["unique-ids", "7-events-per-id"])
@pytest.mark.parametrize("requeue", [1, 2, 3, 6, 9])
async def test_a_replay_sent_again_in_part_is_taken_once(reference, ids_per_event, requeue):
    """The embedded server's rejoin sends its stored events, then again the last few of them (its
    live queue held them too): within the last id or reaching back before it. Ten cuts, exact."""
    _, ref_state, total = reference
    with ReplayServer(2000, ids_per_event=ids_per_event, requeue=requeue) as server, \
            FaultProxy(server.url) as proxy:
        proxy.set_actions(cut_offsets(total))
        events: list = []
        stream = await collect(proxy.url, events)
        expected = server.expected_events(stream.run_id, stream.thread_id)
    assert stream.resumes == 10
    assert [(e.event, e.id, e.raw) for e in events] == [
        (name, id, json.dumps(data, separators=(",", ":"))) for name, data, id in expected]
    assert fold(events).text == ref_state.text


def test_stream_view_survives_cuts(reference, comms, monkeypatch):
    from lg_widgets.widget import StreamView

    ref_events, ref_state, total = reference
    monkeypatch.setattr(resuming_module, "FIRST_BACKOFF", 0.01)
    with ReplayServer(2000) as server, FaultProxy(server.url) as proxy:
        proxy.set_actions(cut_offsets(total))
        view = StreamView("replay", {}, url=proxy.url, thread_id="new", stream_mode=MODES).run()
    assert view.status == "done", view.error
    assert view._source.stream.resumes == 10
    assert [e.id for e in view.events] == [e.id for e in ref_events]
    assert view.text == ref_state.text
    assert view.state == ref_state.state
    assert view.counts == ref_state.counts


async def test_stateless_cut_raises_disconnected_and_keeps_events(reference):
    with ReplayServer(2000) as server, FaultProxy(server.url, [Cut(30_000)]) as proxy:
        events: list = []
        with pytest.raises(StreamDisconnected) as caught:
            await collect(proxy.url, events, thread_id=None)
    message = str(caught.value)
    assert "thread_id='new'" in message and "kept" in message
    assert 100 < len(events) < 2000
    assert all(e.id is None for e in events)
    assert fold(events).text  # the partial output folds like any other
    assert not [r for r in server.requests if r[0] == "GET"]  # nothing to rejoin: no attempt


async def test_stall_longer_than_read_timeout_raises_stalled(reference):
    with ReplayServer(2000) as server, FaultProxy(server.url, [Stall(after=40_000, seconds=30)]) as proxy:
        events: list = []
        started = time.monotonic()
        with pytest.raises(StreamStalled) as caught:
            await collect(proxy.url, events, read_timeout=1.0)
        elapsed = time.monotonic() - started
    assert 1.0 <= elapsed < 10
    assert "1 s" in str(caught.value) and "read_timeout" in str(caught.value)
    assert 100 < len(events) < 2000
    assert [e.id for e in events] == [e[2] for e in server.expected_events()[:len(events)]]


async def test_clean_close_while_running_rejoins():
    # The server ends the response cleanly twice while the run goes on: the client asks
    # the run's status, sees it running, and rejoins.
    with ReplayServer(2000, close_after=[300, 500], pause=0.02) as server:
        events: list = []
        stream = await collect(server.url, events)
        expected = server.expected_events()
    assert [e.id for e in events] == [e[2] for e in expected]
    assert stream.resumes == 2
    status_checks = [r for r in server.requests if r[0] == "GET" and not r[1].endswith("/stream")]
    assert len(status_checks) == 3  # two closes while running, one after the end


async def test_close_before_the_first_event_rejoins_from_the_start():
    with ReplayServer(500, close_after=[0], pause=0.02) as server:
        events: list = []
        stream = await collect(server.url, events)
        expected = server.expected_events()
    assert [e.id for e in events] == [e[2] for e in expected]
    assert stream.resumes == 1
    rejoin = [r for r in server.requests if r[0] == "GET" and r[1].endswith("/stream")]
    assert [r[2].get("last-event-id") for r in rejoin] == ["0"]


async def test_clean_close_after_the_run_ended_does_not_rejoin():
    with ReplayServer(300) as server:
        events: list = []
        stream = await collect(server.url, events)
    assert len(events) == 300 and stream.resumes == 0
    assert [r[0] for r in server.requests if "/runs/" in r[1]] == ["POST", "GET"]


async def test_foreign_location_is_never_followed(reference):
    _, _, total = reference
    foreign_hits: list = []
    with serve(recording(canned(200, b"{}"), foreign_hits)) as foreign:
        with ReplayServer(2000, location_base=foreign.url) as server, FaultProxy(server.url) as proxy:
            proxy.set_actions([Cut(int(total * 0.3))])
            events: list = []
            stream = await collect(proxy.url, events)
            expected = server.expected_events()
    assert stream.location is None and stream.resumes == 1
    # it rejoined on its own server by the standard path, and got everything
    assert [e.id for e in events] == [e[2] for e in expected]
    rejoin = [r for r in server.requests if r[0] == "GET" and r[1].endswith("/stream")]
    assert rejoin and rejoin[0][1] == f"/threads/{stream.thread_id}/runs/{stream.run_id}/stream"
    assert not foreign_hits


@pytest.mark.parametrize("base, location, expected", [
    ("http://127.0.0.1:8000", "/threads/t/runs/r/stream", "/threads/t/runs/r/stream"),
    ("http://127.0.0.1:8000", "http://127.0.0.1:8000/threads/t/runs/r/stream", "/threads/t/runs/r/stream"),
    ("http://h:1/api", "/api/threads/t/runs/r/stream", "/threads/t/runs/r/stream"),
    ("http://127.0.0.1:8000", "http://evil.example/threads/t/runs/r/stream", None),
    ("http://127.0.0.1:8000", "https://127.0.0.1:8000/threads/t/runs/r/stream", None),
    ("http://127.0.0.1:8000", "http://127.0.0.1:9/threads/t/runs/r/stream", None),
    ("http://127.0.0.1:8000", "//evil.example/x", None),
])
def test_same_origin_location(base, location, expected):
    assert same_origin_path(base, location) == expected


async def test_rejoins_are_bounded_with_backoff(reference):
    _, _, total = reference
    # One cut, then every rejoin gets garbage: three attempts, each after a longer wait.
    with ReplayServer(2000) as server, FaultProxy(server.url, [Cut(int(total * 0.2))] + [Garbage()] * 10) as proxy:
        events: list = []
        started = time.monotonic()
        with pytest.raises(StreamDisconnected) as caught:
            await collect(proxy.url, events, max_resume_attempts=3, resume_backoff=0.05)
        elapsed = time.monotonic() - started
    assert "3 time(s)" in str(caught.value) and "kept" in str(caught.value)
    assert len(proxy.log) == 1 + 3
    assert elapsed >= 0.05 + 0.1 + 0.2
    assert events and len(events) < 2000


async def test_events_held_as_a_possible_repeat_pass_when_the_run_ends_cleanly():
    """A rejoin's last event repeats an earlier one of its id (it could begin the embedded server's
    repeat of the two) and then the stream closes on the run's end: the held event is the run's."""
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse, StreamingResponse
    from starlette.routing import Route

    def token(text: str) -> tuple[str, list, str]:
        return "messages", [{"content": text, "type": "AIMessageChunk", "id": "m"}, {"langgraph_node": "n"}], "2-0"

    first = [("metadata", {"run_id": "r"}, "1-0"), token("a"), token("b")]
    statuses = iter(["running"])

    def sse(events) -> StreamingResponse:
        body = b"".join(sse_bytes(*event) for event in events)
        return StreamingResponse(iter([body]), media_type="text/event-stream", headers={
            "location": "/threads/t/runs/r/stream", "content-location": "/threads/t/runs/r"})

    async def run_status(request):
        return JSONResponse({"run_id": "r", "thread_id": "t", "status": next(statuses, "success")})

    app = Starlette(routes=[
        Route("/threads", lambda request: JSONResponse({"thread_id": "t"}), methods=["POST"]),
        Route("/threads/t/runs/stream", lambda request: sse(first), methods=["POST"]),  # closes mid-run
        Route("/threads/t/runs/r", run_status),
        Route("/threads/t/runs/r/stream", lambda request: sse([token("a"), token("b"), token("a")])),
    ])
    with serve(app) as served:
        events: list = []
        stream = await collect(served.url, events)
    assert stream.resumes == 1
    assert [(e.event, e.data[0]["content"] if e.event == "messages" else "") for e in events] == [
        ("metadata", ""), ("messages", "a"), ("messages", "b"), ("messages", "a")]


async def test_garbage_and_refused_rejoins_are_retried(reference):
    _, _, total = reference
    with ReplayServer(2000) as server, FaultProxy(server.url) as proxy:
        proxy.set_actions([Cut(int(total * 0.2)), Garbage(), Cut(100), Pass()])
        events: list = []
        stream = await collect(proxy.url, events)
        expected = server.expected_events()
    assert stream.resumes == 3
    assert [e.id for e in events] == [e[2] for e in expected]


# ------------------------------------------------------------------ the real dev server

LONG_TOKENS = 3000


def long_text(count: int) -> str:
    words = ["stream", "graph", "token", "state", "node", "edge", "step", "event"]
    return " ".join(f"{words[i % len(words)]}{i}" for i in range((count + 1) // 2))


@pytest.mark.server
async def test_dev_server_run_survives_cuts(server):
    modes = ["messages-tuple", "updates", "values"]
    request = lambda: RunRequest("long", {"tokens": LONG_TOKENS}, stream_mode=modes, thread_id="new")  # noqa: E731

    async def run(url: str):
        events = []
        async with LangGraphClient(url, resume_backoff=0.01) as client:
            stream = client.stream(request())
            async for event in stream:
                events.append(event)
        return events, stream

    reference_events, _ = await run(server.url)
    tokens_ref = [e.data[0]["content"] for e in reference_events if e.mode == "messages"]
    total = sum(len(e.event) + e.size + 40 for e in reference_events)
    with FaultProxy(server.url) as proxy:
        proxy.set_actions([Cut(int(total * f)) for f in (0.05, 0.08, 0.1, 0.12, 0.15)])
        events, stream = await run(proxy.url)
    cuts = sum(isinstance(entry.action, Cut) and entry.response_bytes == entry.action.after for entry in proxy.log)
    tokens = [e.data[0]["content"] for e in events if e.mode == "messages"]
    lost = duplicated = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, tokens_ref, tokens, autojunk=False).get_opcodes():
        lost += (i2 - i1) if tag in ("delete", "replace") else 0
        duplicated += (j2 - j1) if tag in ("insert", "replace") else 0
    by_mode_ref = Counter(e.mode for e in reference_events)
    by_mode = Counter(e.mode for e in events)
    print(f"\ndev server: {cuts} disconnects survived, {stream.resumes} rejoins, "
          f"{len(events)} events vs {len(reference_events)} uncut; tokens lost {lost}, duplicated {duplicated}; "
          f"per mode got-uncut {dict(by_mode - by_mode_ref)} / uncut-got {dict(by_mode_ref - by_mode)}")
    assert cuts >= 3 and stream.resumes >= cuts
    assert "".join(tokens_ref) == long_text(LONG_TOKENS)
    assert lost == 0 and duplicated == 0
    assert fold_text(events, modes) == long_text(LONG_TOKENS)


def fold_text(events, modes) -> str:
    return RunState(modes).apply_all(events).text


def _is_supersequence(longer: list, shorter: list) -> bool:
    it = iter(longer)
    return all(any(x == y for y in it) for x in shorter)
