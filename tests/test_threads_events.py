"""The thread protocol's pure parts, on recorded streams: frames → ThreadEvent, run boundaries, windows, errors."""

from __future__ import annotations

import pytest

from lg_widgets import StreamEvent, parse_event
from lg_widgets.errors import CommandError, InvalidArgument, MalformedStream
from lg_widgets.threads import (
    CHANNELS,
    RunWindow,
    ThreadEvent,
    event_from_frame,
    run_end_status,
    run_start_id,
)
from lg_widgets.threads.client import channel_filter
from lg_widgets.threads.events import check_reply, loads
from thread_recordings import THREAD_RECORDINGS, load_thread_recording, thread_frames

#: How each recorded run ends (the root lifecycle statuses, in order).
ENDINGS = {
    "human_interrupt_resume": ["interrupted", "completed"],
    "failing_error_after_tokens": ["failed"],
    "hostile_error_markup": ["failed"],
}


def without_time(frame: dict) -> dict:
    return {k: v for k, v in frame.items() if k != "time"}


@pytest.mark.parametrize("name", THREAD_RECORDINGS)
def test_a_recording_round_trips_and_is_one_numbered_stream(name):
    frames = thread_frames(name)
    events = load_thread_recording(name)
    assert [event.frame() for event in events] == [without_time(frame) for frame in frames]
    assert [event.seq for event in events] == list(range(1, len(events) + 1))
    assert all(event.id == str(event.seq) and event.event == event.mode == frame["method"]
               for event, frame in zip(events, frames))
    assert [run_end_status(e) for e in events if run_end_status(e)] == ENDINGS.get(name, ["completed"])
    assert run_end_status(events[-1]) is not None and run_start_id(events[0]) is not None


def test_a_thread_event_is_a_stream_event_with_a_seq():
    event = load_thread_recording("subgraph_one_level")[5]
    assert isinstance(event, StreamEvent) and isinstance(event, ThreadEvent)
    assert event.namespace == ("child:" + event.namespace[0].split(":")[1],)
    assert parse_event("values", "{}").seq is None  # the runs stream has no seq


def test_run_boundaries_come_from_root_lifecycle_events():
    events = load_thread_recording("human_interrupt_resume")
    starts = [run_start_id(e) for e in events if run_start_id(e)]
    assert len(starts) == 2 and len(set(starts)) == 2
    # A subgraph's lifecycle is not its run's end: only the root namespace's is.
    nested = load_thread_recording("nested_two_levels")
    sub_ends = [e for e in nested if e.mode == "lifecycle" and e.namespace and e.data["event"] == "completed"]
    assert len(sub_ends) == 2 and not any(run_end_status(e) for e in sub_ends)


def window_over(window: RunWindow, events: list[ThreadEvent]) -> list[int]:
    taken = []
    for event in events:
        if window.take(event):
            taken.append(event.seq)
            if window.done:
                break
    return taken


def test_a_run_window_reads_one_run_from_its_start_to_its_end():
    events = load_thread_recording("human_interrupt_resume")
    first, second = [run_start_id(e) for e in events if run_start_id(e)]
    window = RunWindow(first)
    assert window_over(window, events) == [1, 2, 3, 4, 5]
    assert (window.run_id, window.status, window.done) == (first, "interrupted", True)
    window = RunWindow(second)
    assert window_over(window, events) == [7, 8, 9, 10, 11] and window.status == "completed"


def test_a_resumed_window_takes_the_interrupted_runs_last_events_then_the_new_run():
    events = load_thread_recording("human_interrupt_resume")
    window = RunWindow()
    assert window_over(window, [e for e in events if e.seq > 5]) == [6, 7, 8, 9, 10, 11]
    assert window.status == "completed" and window.run_id == run_start_id(events[6])
    # Read on from the interrupt itself: the old run's end is no end of the window.
    window = RunWindow()
    assert window_over(window, [e for e in events if e.seq > 4]) == [5, 6, 7, 8, 9, 10, 11]
    assert window.status == "completed"


def test_attaching_starts_at_the_latest_run_and_says_whether_it_saw_its_start():
    joke, human = load_thread_recording("joke_run"), load_thread_recording("human_interrupt_resume")
    joke_run, human_run = run_start_id(joke[0]), run_start_id(human[0])
    thread = joke + human  # a thread whose older run is the joke

    window = RunWindow(human_run, skip_runs={joke_run}, until_end=False)
    assert window_over(window, thread) == [e.seq for e in human] and window.from_start is True
    assert not window.done and window.status == "completed"

    # The server no longer holds the latest run's events: the next run starts the window.
    window = RunWindow(human_run, skip_runs={joke_run}, until_end=False)
    later = [e for e in human if e.seq >= 7]
    assert window_over(window, joke + later) == [e.seq for e in later] and window.from_start is False

    # A thread with no runs yet: from the first run that comes.
    window = RunWindow(None, skip_runs=set(), until_end=False)
    assert window_over(window, human)[0] == 1 and window.from_start is False


@pytest.mark.parametrize("frame", [
    {"type": "event", "method": "values", "params": {}},                     # no seq
    {"type": "event", "seq": 1, "params": {"data": 1}},                      # no method
    {"type": "event", "seq": True, "method": "values", "params": {}},        # a bool is no seq
    {"type": "event", "seq": 1, "method": "values", "params": "x"},          # params not an object
    ["not", "an", "object"],
])
def test_a_frame_that_is_not_an_event_is_a_malformed_stream(frame):
    with pytest.raises(MalformedStream, match="without a method, a seq or params.*Events received before"):
        event_from_frame(frame)


def test_a_frame_that_is_not_json_says_so_with_a_preview():
    with pytest.raises(MalformedStream, match=r"not JSON.*'<html>hello"):
        loads("<html>hello" + "x" * 500, "The WebSocket to http://h")


def test_a_refusal_becomes_a_typed_error_with_the_servers_code():
    reply = {"type": "error", "id": 3, "error": "no_such_interrupt", "message": "Unknown interrupt: x"}
    with pytest.raises(CommandError) as caught:
        check_reply(reply, "input.respond", "http://h")
    error = caught.value
    assert (error.code, error.method, error.server_message) == ("no_such_interrupt", "input.respond",
                                                                "Unknown interrupt: x")
    assert "refused input.respond (no_such_interrupt): Unknown interrupt: x." in str(error)
    assert error.to_dict()["kind"] == "command"
    assert check_reply({"type": "success", "id": 3, "result": {"run_id": "r"}}, "run.start", "h") == {"run_id": "r"}
    with pytest.raises(MalformedStream, match="not a protocol reply"):
        check_reply({"detail": "Not Found"}, "run.start", "http://h")


@pytest.mark.parametrize("channels, namespaces, depth, message", [
    ("values", None, None, "non-empty list"),
    ([], None, None, "non-empty list"),
    (["debug"], None, None, "Unknown channel"),
    (["custom:"], None, None, "Unknown channel"),
    (["values"], [["a", 1]], None, "namespaces"),
    (["values"], None, -1, "depth"),
    (["values"], None, True, "depth"),
])
def test_a_bad_filter_is_refused_before_anything_is_sent(channels, namespaces, depth, message):
    with pytest.raises(InvalidArgument, match=message):
        channel_filter(channels, namespaces, depth)


def test_a_filter_keeps_the_channels_the_server_knows():
    assert channel_filter(["values", "custom:progress", "values"], [["child"]], 1) == {
        "channels": ["values", "custom:progress"], "namespaces": [["child"]], "depth": 1}
    assert set(CHANNELS) == {"values", "updates", "messages", "tools", "lifecycle", "input", "checkpoints",
                             "tasks", "custom"}


def test_the_history_is_read_again_until_it_shows_how_the_run_ended():
    from lg_widgets.threads.history import _settled
    asked = {"next": ["review"], "tasks": [{"id": "t", "name": "review", "interrupts": []}]}
    stored = {"next": ["review"], "tasks": [{"id": "t", "name": "review", "interrupts": [{"id": "i", "value": 1}]}]}
    assert not _settled([asked], "interrupted") and _settled([stored, asked], "interrupted")
    assert not _settled([{"next": ["publish"], "tasks": []}], "completed") and _settled([{"next": []}], "completed")
    assert _settled([asked], "failed") and _settled([asked], None) and _settled([], "completed")


def test_a_pending_task_of_the_newest_checkpoint_is_not_taken_for_finished():
    """The history shows a task that has not run yet with ``"result": null`` (read off the server);
    the node that interrupts must reach its card when the interrupt is stored, not before."""
    import asyncio

    from lg_widgets.threads.history import HistoryReader

    def snapshot(checkpoint_id: str, task: dict) -> dict:
        return {"checkpoint": {"checkpoint_id": checkpoint_id}, "next": [task["name"]], "tasks": [task]}

    draft = {"id": "t1", "name": "write_draft", "error": None, "interrupts": [], "result": None}
    review = {"id": "t2", "name": "review", "error": None, "interrupts": [], "result": None}
    asked = {**review, "interrupts": [{"id": "i1", "value": {"question": "Publish?"}}]}
    history: list[dict] = []

    class Thread:
        async def list_checkpoints(self, limit: int, before: str | None = None) -> list[dict]:
            return history

    reader = HistoryReader(Thread())  # type: ignore[arg-type]
    history[:] = [snapshot("c2", review), snapshot("c1", draft)]  # newest first; draft ran (c2 follows)
    finished = [e.data for e in asyncio.run(reader.read()) if e.mode == "tasks" and "result" in e.data]
    assert [t["name"] for t in finished] == ["write_draft"], "review is pending, not finished"
    history[0] = snapshot("c2", asked)
    finished = [e.data for e in asyncio.run(reader.read()) if e.mode == "tasks" and "result" in e.data]
    assert [(t["name"], t["interrupts"]) for t in finished] == [("review", asked["interrupts"])]


def test_the_history_is_read_back_to_the_last_checkpoint_seen_however_many_came_since():
    """A fast run makes more than a page (100) of checkpoints between two reads: reading only the
    newest page lost the cards of the rest (a 600-step run showed 584 and 479 steps)."""
    import asyncio

    from lg_widgets.threads.history import HistoryReader

    def snapshot(n: int) -> dict:
        return {"checkpoint": {"checkpoint_id": f"c{n:04d}"}, "next": ["tick"] if n < 249 else [],
                "tasks": [{"id": f"t{n}", "name": "tick", "error": None, "interrupts": [], "result": {"n": n}}]}

    stored = [snapshot(n) for n in range(250)][::-1]  # newest first
    pages: list[tuple[int, str | None]] = []

    class Thread:
        async def list_checkpoints(self, limit: int, before: str | None = None) -> list[dict]:
            pages.append((limit, before))
            start = 0 if before is None else next(i for i, c in enumerate(stored) if c["checkpoint"]["checkpoint_id"] == before) + 1
            return stored[start:start + limit]

    reader = HistoryReader(Thread())  # type: ignore[arg-type]
    cards = [e.data["name"] for e in asyncio.run(reader.read()) if e.mode == "tasks" and "result" in e.data]
    assert len(cards) == 250 and len(pages) == 3
    stored[:0] = [snapshot(n) for n in range(250, 260)][::-1]  # ten more since: one page, stopped at a seen one
    pages.clear()
    cards = [e.data["name"] for e in asyncio.run(reader.read()) if e.mode == "tasks" and "result" in e.data]
    assert len(cards) == 10 and pages == [(100, None)]
