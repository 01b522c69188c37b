"""The runs stream's join endpoints (a run by id, a thread's runs), extra headers, and the SSE heartbeat."""

from __future__ import annotations

import asyncio

import pytest

from lg_widgets import HTTPStatusError
from lg_widgets.client import LangGraphClient, RunRequest
from lg_widgets.transport import EventStreamReader
from replay_server import ReplayServer

MODES = ["messages-tuple", "values", "updates"]


def seen(events) -> list[tuple]:
    return [(e.event, e.id, repr(e.data)) for e in events]


def test_the_servers_heartbeat_is_no_event():
    # langgraph_api sends ": heartbeat" every 5 s; after an event with an id, httpx-sse made it an
    # empty "message" event carrying that id again.
    reader = EventStreamReader("test")
    found = reader.feed('event: values\r\ndata: {"a": 1}\r\nid: 17-0\r\n\r\n: heartbeat\r\n\r\n'
                        'event: values\r\ndata: {"a": 2}\r\nid: 18-0\r\n\r\n')
    assert [(sse.event, sse.data, sse.id) for sse in found] == [("values", '{"a": 1}', "17-0"),
                                                                ("values", '{"a": 2}', "18-0")]


@pytest.mark.server
async def test_joining_a_finished_run_gives_its_events_from_the_start(server):
    async with LangGraphClient(server.url) as client:
        run = client.stream(RunRequest("joke", {"topic": "owls"}, stream_mode=MODES, thread_id="new"))
        original = [event async for event in run]
        joined = [event async for event in client.join(run.thread_id, run.run_id)]
        only_values = [event async for event in client.join(run.thread_id, run.run_id, stream_mode=["values"])]
    assert seen(joined) == seen(original) and len(joined) > 20
    assert {e.mode for e in only_values} == {"values"} and len(only_values) == 3


@pytest.mark.server
async def test_joining_a_live_run_misses_nothing(server):
    async with LangGraphClient(server.url) as client:
        run = client.stream(RunRequest("long", {"tokens": 1500}, stream_mode=["messages-tuple"], thread_id="new"))
        original, joined = [], []

        async def join_when_started() -> None:
            async with asyncio.timeout(30):
                while run.run_id is None or len(original) < 100:
                    await asyncio.sleep(0.005)
            joined.extend([event async for event in client.join(run.thread_id, run.run_id)])

        joiner = asyncio.create_task(join_when_started())
        original.extend([event async for event in run])
        await joiner
    assert seen(joined) == seen(original) and len(original) == 1500


@pytest.mark.server
async def test_joining_an_unknown_run_ends_with_the_servers_error_event(server):
    # The server answers 200 and, once it finds no such run, sends an `error` event.
    async with LangGraphClient(server.url) as client:
        thread_id = await client.create_thread()
        events = [event async for event in client.join(thread_id, "1f000000-0000-7000-8000-000000000000")]
        with pytest.raises(HTTPStatusError, match="HTTP 422.*must be a UUID"):
            async for _ in client.join(thread_id, "not-a-run-id"):
                pass
    assert [(e.mode, e.data) for e in events] == [("error", {"error": "HTTPException",
                                                             "message": "404: Run not found"})]


@pytest.mark.server
async def test_a_threads_stream_replays_each_run_then_goes_on(server):
    async with LangGraphClient(server.url) as client:
        run = client.stream(RunRequest("custom", {"items": 2}, stream_mode=["values"], thread_id="new"))
        original = [event async for event in run]
        second = client.stream(RunRequest("custom", {"items": 1}, stream_mode=["values"], thread_id=run.thread_id))
        original += [event async for event in second]
        thread_events = []
        async for event in client.join_thread(run.thread_id):
            thread_events.append(event)
            if len(thread_events) == len(original) + 2:
                break
    # After each run the thread's stream says so: a `metadata` event {"status": "run_done", "run_id"}.
    done = [e for e in thread_events if e.mode == "metadata" and e.data.get("status") == "run_done"]
    assert [e.data["run_id"] for e in done] == [run.run_id, second.run_id]
    assert seen([e for e in thread_events if e not in done]) == seen(original)


async def test_extra_headers_go_with_every_request_and_stay_out_of_errors():
    with ReplayServer(50) as replay:
        async with LangGraphClient(replay.url, api_key="sk-key",
                                   headers={"authorization": "Bearer tok-123"}) as client:
            events = [e async for e in client.stream(RunRequest("replay", {}, stream_mode=MODES, thread_id="new"))]
            with pytest.raises(HTTPStatusError) as caught:
                await client.request_json("GET", "/no/such/route?key=sk-key&auth=tok-123")
    assert events and replay.requests and all(headers.get("authorization") == "Bearer tok-123" and
                                              headers.get("x-api-key") == "sk-key" for _, _, headers in replay.requests)
    assert "tok-123" not in str(caught.value) and "sk-key" not in str(caught.value)


@pytest.mark.server
def test_a_joined_run_resumed_with_wait_returns_once_the_resumed_run_has_ended(server, comms):
    """The runs stream's counterpart of an attachment (test_threads_view has the thread protocol's):
    a run another client started, joined at its interrupt, then ``resume(value, wait=True)``."""
    from langgraph_sdk import get_sync_client

    from lg_widgets import StreamView

    sdk = get_sync_client(url=server.url)
    thread_id = sdk.threads.create()["thread_id"]
    run = sdk.runs.create(thread_id, "human", input={"draft": "joined"}, stream_resumable=True,
                          stream_mode=["values", "updates"])
    view = StreamView.join(thread_id, run["run_id"], url=server.url).run()
    assert view.status == "interrupted"
    view.resume("yes", wait=True)
    assert view.status == "done" and view.state["published"] == "Joined, world" and not view.running
    view.close()
