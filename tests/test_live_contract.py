"""The golden wire test: the kernel's real messages, through the real front end, never contradict the run.

Every recording under tests/fixtures is played through a real ``StreamView`` (its publisher,
its traits, a recording comm) with a frame every 1, 3 or 50 events; a resumed or forked
recording continues the view the way ``resume()`` / ``fork(in_place=True)`` do. What the comm
carried (comm open, trait updates, custom messages, in order) is then replayed into the real
``js/src/view.js`` under node (js/tools/check-wire.mjs), which samples the page after every
message: text only grows and stays a prefix of the run's; cards, interrupts and messages are
never shown twice, never lost, never ones the run does not have; and at the end the page is
what a view of the final traits shows.
"""

from __future__ import annotations

import json

import pytest

import lg_widgets.live_run as live_run_module
from lg_widgets import StreamView
from lg_widgets.lifecycle import Lifecycle
from lg_widgets.publisher import CONTENT
from lg_widgets.sources import read_recording
from recordings import FIXTURES, RECORDINGS
from scripted_source import ScriptedSource
from waiting import wait_until
from wire_check import check_pages, page_messages

FRAMES = (1, 3, 50)
CASES = [(name, every) for name in RECORDINGS for every in FRAMES]
#: Parts as small as this, so every recording's final traits go as parts to a page that said hello.
TINY_PARTS = 300


def runs_of(name: str) -> list[tuple[str | None, list]]:
    """A recording's runs: (checkpoint a fork in place ran from, or None; its events)."""
    runs: list[tuple[str | None, list]] = [(None, [])]  # events, derived ones included
    for item in read_recording(FIXTURES / f"{name}.jsonl").events():
        if isinstance(item, Lifecycle):
            runs.append((item.checkpoint_id, []))
        else:
            runs[-1][1].append(item)
    return runs


async def in_frames(view: StreamView, events: list, every: int):
    """The events, with a frame (what the widget's timer does) every ``every`` events."""
    for i, event in enumerate(events):
        if i and i % every == 0:
            view._frame()
        yield event


def kernel_messages(name: str, every: int, comms, parts: bool = False) -> tuple[list[dict], dict]:
    """What the comm carried, and the final traits as a page that asks for them gets them.
    ``parts``: a page said hello first (big final traits then go as parts; here, every one)."""
    recording = read_recording(FIXTURES / f"{name}.jsonl")
    view = StreamView._create(ScriptedSource(None, assistant_id=recording.assistant_id,
                                             modes=recording.stream_mode, protocol=recording.protocol))
    comm = comms.instances[-1]
    if parts:
        comm.receive({"type": "hello"})
        view._publisher.part_bytes = TINY_PARTS
    for index, (fork_from, events) in enumerate(runs_of(name)):
        script = ScriptedSource(lambda: in_frames(view, events, every), assistant_id=recording.assistant_id,
                                modes=recording.stream_mode, protocol=recording.protocol)
        view._launch(script, continue_view=index > 0, fork_from=fork_from)
        view._future.result(30)
    final = {k: v for k, v in view.get_state().items() if not k.startswith("_")}
    return page_messages(comm), final


@pytest.fixture(scope="module")
def reports():
    """Every case through node at once (one process)."""
    import recording_comm

    undo = recording_comm.install()
    old_frame, live_run_module.FRAME = live_run_module.FRAME, 3600.0  # frames only where in_frames puts them
    try:
        cases = []
        for name, every in CASES:
            recording_comm.RecordingComm.instances.clear()
            messages, _ = kernel_messages(name, every, recording_comm.RecordingComm)
            cases.append({"name": f"{name}@{every}", "messages": messages})
        for name in RECORDINGS:
            recording_comm.RecordingComm.instances.clear()
            messages, final = kernel_messages(name, 3, recording_comm.RecordingComm, parts=True)
            cases.append({"name": f"{name}@parts", "messages": messages, "final": final})
    finally:
        live_run_module.FRAME = old_frame
        undo()
    return check_pages(cases), {c["name"]: c for c in cases}


@pytest.mark.parametrize("name, every", CASES)
def test_the_live_page_never_contradicts_the_run(reports, name, every):
    results, cases = reports
    report = results[f"{name}@{every}"]
    assert report["violations"] == []
    deltas = [m["custom"] for m in cases[f"{name}@{every}"]["messages"] if m.get("custom", {}).get("type") == "delta"]
    frames = sum((len(events) - 1) // every for _, events in runs_of(name))
    assert len(deltas) >= frames, "each frame that followed events sent the page a delta"
    assert report["final"]["text"] or report["final"]["steps"]


def test_a_resumed_run_grows_the_same_page(reports):
    """One epoch across the resume: no reset, the first run's text and cards stay."""
    results, cases = reports
    custom = [m["custom"] for m in cases["slow_review_resume@3"]["messages"] if "custom" in m]
    assert [m["type"] for m in custom].count("reset") == 1, "a new epoch only for the view's first run"
    assert len({m["epoch"] for m in custom if "epoch" in m}) == 1
    final = results["slow_review_resume@3"]["final"]
    assert final["text"].startswith("Draft: ") and "Published (yes): " in final["text"]
    # the resumed run runs `review` again as the same task: its card goes from interrupted to done
    assert [(s["name"], s["status"]) for s in final["steps"]] == [("draft", "done"), ("review", "done"), ("publish", "done")]
    assert len(final["interrupts"]) == 1


@pytest.mark.parametrize("name", RECORDINGS)
def test_big_final_traits_go_as_parts_to_a_page_that_follows_the_view(reports, name):
    """A page said hello: every final trait bigger than a part went as parts before the trait
    update, which left it out, and with them the rest of the run's content; the page built each
    from its parts, drew them as one (no message's text blanked meanwhile) and ends as the final
    traits say."""
    results, cases = reports
    assert results[f"{name}@parts"]["violations"] == []
    messages = cases[f"{name}@parts"]["messages"]
    parted = {m["custom"]["name"] for m in messages if m.get("custom", {}).get("type") == "part"}
    final = cases[f"{name}@parts"]["final"]
    big = {k for k, v in final.items() if isinstance(v, (list, dict, str))
           and len(json.dumps(v, separators=(",", ":"), ensure_ascii=False).encode()) > TINY_PARTS}
    assert big <= parted, "every big final trait went as parts"
    assert parted - big <= set(CONTENT), "besides the big ones, only the run's content"
    parts = [i for i, m in enumerate(messages) if m.get("custom", {}).get("type") == "part"]
    batch: list[str] = []  # each run's end sends its own batch of parts, the last one marked `end`
    for i in parts:
        batch.append(messages[i]["custom"]["name"])
        if messages[i]["custom"].get("end"):
            assert "state" not in batch or batch[0] == "state", "the state the others refer to goes first"
            batch = []
    last_update = max(i for i, m in enumerate(messages) if "state" in m)
    assert not parts or max(parts) < last_update, "the parts come before the trait update"
    assert not parted & set(messages[last_update]["state"]), "the update leaves the parted traits out"
    assert all(messages[i].get("buffers") for i in parts)


def test_the_checker_catches_a_page_that_contradicts_the_run():
    """Deltas that the final traits contradict (other text, a card the run never had) are reported."""
    ghost = {"key": "/ghost", "id": "ghost", "name": "ghost", "namespace": [], "parent": None, "status": "running"}
    messages = [
        {"state": {"status": "idle"}},
        {"custom": {"type": "reset", "epoch": 1, "seq": 1}},
        {"custom": {"type": "delta", "epoch": 1, "seq": 2, "status": "running", "text": "abc", "steps": [ghost]}},
        {"state": {"status": "done", "text": "xyz", "steps": []}},
    ]
    violations = "\n".join(check_pages([{"name": "bad", "messages": messages}])["bad"]["violations"])
    assert "text is not a prefix of the run's" in violations
    assert "text shrank or changed" in violations
    assert "steps the run does not have: /ghost" in violations


@pytest.mark.server
def test_a_page_that_appears_mid_run_shows_what_the_others_show(server, comms):
    """A second page (a reload, another view of the widget) appears while tokens stream: it waits
    for its snapshot, then follows; it never contradicts the run and ends where the first ends."""
    view = StreamView("long", {"tokens": 3000}, url=server.url, stream_mode=["messages-tuple", "updates", "debug"])
    comm = comms.instances[-1]
    view.start()
    deltas = lambda: [m for m in comm.custom_messages() if m["type"] == "delta"]  # noqa: E731
    wait_until(lambda: len(deltas()) >= 6 or not view.running, what="tokens flowing")
    join_at = len(page_messages(comm))
    comm.receive({"type": "hello"})  # the new page says hello
    view._future.result(60)
    messages = page_messages(comm)
    snapshot = next(i for i, m in enumerate(messages) if m.get("custom", {}).get("type") == "snapshot")
    assert join_at <= snapshot < len(messages) - 3, "the snapshot came mid-run"
    report = check_pages([{"name": "late", "messages": messages, "join_at": join_at}])["late"]
    assert report["violations"] == []
    assert len(report["final"]["text"]) == len(view.text) > 1000


def test_a_runs_end_reaches_the_page_with_the_final_traits_not_before(reports):
    """No delta says a run is over: a page that showed `done` before the final traits came
    showed previews under it (the full values arrive with those traits)."""
    _, cases = reports
    for name, case in cases.items():
        statuses = {m["custom"]["status"] for m in case["messages"]
                    if m.get("custom", {}).get("type") == "delta" and "status" in m["custom"]}
        assert statuses <= {"connecting", "running"}, (name, statuses)
