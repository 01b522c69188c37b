"""Kill an API replica of the deployment while it streams a run: the view rejoins through the other.

``make test-deploy`` only (the ``deployment`` fixture: tests/deployment.py). Replica
``a`` serves HTTP only, ``b`` serves HTTP and runs the queue; a request header
pins a view's requests to one replica while it is up (nginx fails over to the
other). What a run sent is read back from the deployment afterwards: a rejoin
with ``Last-Event-ID: 0`` replays the run's whole Redis stream.
"""

from __future__ import annotations

import time

import httpx
import httpx_sse
import pytest

from lg_widgets import StreamView
from waiting import wait_until

pytestmark = [pytest.mark.deploy, pytest.mark.server]

MODES = ["messages-tuple", "values"]
TOKENS = 3000
KILL_AFTER = 300  # events: the run is well under way, far from its end


def run_on(deployment, replica: str) -> StreamView:
    return StreamView("long", {"tokens": TOKENS}, url=deployment.url, thread_id="new", stream_mode=MODES,
                      headers={"X-LGW-Replica": replica})


def everything_the_run_sent(deployment, view: StreamView) -> list[str]:
    """The ids of every event of the run, replayed from the deployment's Redis stream."""
    path = f"/threads/{view.thread_id}/runs/{view.run_id}/stream"
    with httpx.Client(base_url=deployment.url, timeout=30) as http:
        with httpx_sse.connect_sse(http, "GET", path, headers={"Last-Event-ID": "0"}) as source:
            return [sse.id for sse in source.iter_sse()]


def replies(view: StreamView) -> list[tuple[str, str]]:
    """The run's messages without their ids (each run has its own)."""
    return [(message["type"], message["content"]) for message in view.state["messages"]]


def longest_silence(view: StreamView) -> float:
    times = [event.time for event in view.events]
    return max(later - earlier for earlier, later in zip(times, times[1:]))


def kill_while_streaming(deployment, view: StreamView, replica: str) -> int:
    view.start()
    wait_until(lambda: len(view.events) >= KILL_AFTER or not view.running, what="the run under way")
    assert view.running, "the run ended before the kill: make it longer"
    received = len(view.events)
    deployment.kill(replica)
    return received


def test_the_view_rejoins_through_the_other_replica_and_loses_nothing(deployment, comms):
    baseline = run_on(deployment, "a").run()
    view = run_on(deployment, "a")
    at_kill = kill_while_streaming(deployment, view, "a")  # a streams the run; b runs it and lives on
    try:
        view._future.result(120)
        sent = everything_the_run_sent(deployment, view)
    finally:
        deployment.start_replica("a")
    received = [event.id for event in view.events]
    lost = len(set(sent) - set(received))
    duplicated = len(received) - len(set(received))
    print(f"\nreplica that streamed the run killed after {at_kill} of {len(sent)} events: {view._source.stream.resumes} "
          f"rejoin(s), {lost} events lost, {duplicated} duplicated, longest silence {longest_silence(view) * 1000:.0f} ms "
          f"(the same run without a kill: {longest_silence(baseline) * 1000:.0f} ms)")
    assert view.status == "done" and view._source.stream.resumes >= 1
    assert received == sent, "every event once, in order"
    assert view.text == baseline.text and replies(view) == replies(baseline)


def test_a_crashed_replica_that_ran_the_run_is_retried_and_the_view_sees_it_through(deployment, comms):
    """b streams *and* runs the run. Killed, the run stays 'running' until b is back and the run's heartbeat
    has expired; then the queue runs it again from its last checkpoint (attempt 2) while the view, rejoined
    through a, receives the new attempt's events. Events b had made but not yet published are gone with it:
    if the node had finished, its saved writes are applied without running it again (its later tokens
    never stream, its message arrives whole); if not, it runs again and its tokens stream a second time."""
    baseline = run_on(deployment, "b").run()
    view = run_on(deployment, "b")
    killed = time.monotonic()
    at_kill = kill_while_streaming(deployment, view, "b")
    deployment.start_replica("b")  # what an orchestrator does; a replica without a queue cannot retry the run
    restarted = time.monotonic() - killed
    view._future.result(180)
    sent = everything_the_run_sent(deployment, view)
    received = [event.id for event in view.events]
    attempts = [e.data.get("attempt") for e in view.events if e.mode == "metadata"]
    rerun = len(view.text) > len(baseline.text)
    print(f"\nreplica that ran the run killed after {at_kill} events, back after {restarted:.1f} s: "
          f"{view._source.stream.resumes} rejoin(s), attempts {attempts}, "
          f"{len(set(sent) - set(received))} events lost, {len(received) - len(set(received))} duplicated, "
          f"longest silence {longest_silence(view):.1f} s; "
          + (f"the node ran again: {len(view.text) - len(baseline.text)} characters of tokens streamed twice"
             if rerun else f"the node's saved writes were applied: {len(baseline.text) - len(view.text)} "
                           f"characters of tokens never streamed"))
    assert view.status == "done" and attempts == [1, 2]
    assert received == sent, "every event the deployment published, once, in order"
    assert replies(view) == replies(baseline), "the retried run ends where a run without a crash ends"
    assert view.text.endswith(baseline.text) if rerun else baseline.text.startswith(view.text)
