"""lg_widgets.teaching: the course prints real events with only per-run values made stable."""

from __future__ import annotations

import json
import pathlib
import re

import pytest

from lg_widgets import parse_event
from lg_widgets.teaching import Wire, sequence
from recordings import RECORDINGS, load_events

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
PER_RUN = [UUID, ISO_TIME, re.compile(r"127\.0\.0\.1|localhost:"), re.compile(r"\d{13}")]


@pytest.mark.parametrize("name", RECORDINGS)
def test_nothing_that_changes_between_runs_is_printed(name, capsys):
    events = load_events(name)
    assert any(pattern.search(json.dumps([e.event, e.data, e.id])) for e in events for pattern in PER_RUN)
    wire = Wire()
    for event in events:
        wire.show(event)
    printed = capsys.readouterr().out
    for pattern in PER_RUN:
        assert not pattern.search(printed), (pattern.pattern, pattern.search(printed))


def test_the_same_run_prints_the_same_twice(capsys):
    """Two recordings of a run differ in every id; printed, they must not (what strict nbval compares)."""
    events = load_events("subgraph_debug_subgraphs")
    Wire().show(events[1])
    first = capsys.readouterr().out
    again = json.loads(json.dumps(events[1].data).replace("01a228c4", "0abcdef1").replace("1795980", "1800000"))
    Wire().show(parse_event(events[1].event, json.dumps(again), id="1800000000000-0"))
    assert capsys.readouterr().out == first


def test_an_id_keeps_its_placeholder_from_event_to_event():
    events = load_events("subgraph_debug_subgraphs")
    wire = Wire()
    stable = [wire.stable(e.data) for e in events]
    metadata, first_checkpoint = stable[0], stable[1]
    assert metadata == {"run_id": "<run 1>", "attempt": 1}
    configurable = first_checkpoint["payload"]["config"]["configurable"]
    assert configurable["run_id"] == "<run 1>" and configurable["thread_id"] == "<thread 1>"
    assert configurable["checkpoint_id"] == first_checkpoint["payload"]["checkpoint"]["checkpoint_id"] == "<checkpoint 1>"
    assert first_checkpoint["payload"]["tasks"][0]["id"] == "<task 1>"


def test_a_subgraph_namespace_names_the_task_that_runs_it():
    events = load_events("subgraph_debug_subgraphs")
    wire = Wire()
    child_task = next(wire.stable(e.data)["payload"]["id"] for e in events
                      if e.mode == "debug" and not e.namespace and e.data["type"] == "task"
                      and e.data["payload"]["name"] == "child")
    nested = next(e for e in events if e.namespace)
    assert wire.stable(nested.event) == f"{nested.mode}|child:{child_task}"
    assert re.fullmatch(r"<task \d+>", child_task)


def test_message_ids_interrupt_ids_and_event_ids(capsys):
    wire = Wire()
    chunk = {"type": "AIMessageChunk", "content": "hi", "id": "lc_run--01a22923-acf7-7571-9d7a-57dab44e576f"}
    assert wire.stable(chunk)["id"] == "lc_run--<message 1>"
    assert wire.stable({"lc_run--01a22923-acf7-7571-9d7a-57dab44e576f": {}}) == {"lc_run--<message 1>": {}}
    interrupt = {"value": {"question": "ok?"}, "id": "2fcc52b584fff8425155aa9c15a710d9"}
    assert wire.stable({"__interrupt__": [interrupt]}) == {"__interrupt__": [{"value": {"question": "ok?"},
                                                                             "id": "<interrupt 1>"}]}
    wire.show(parse_event("values", '{"a": 1}', id="1795986601564-0"))
    assert capsys.readouterr().out.splitlines()[0] == "StreamEvent(event='values', id='<ms>-0')"
    assert wire.stable("1795986601564-0") == "<ms>-0"
    # the thread protocol's: whether two events share a millisecond (<ms>-0 or <ms>-0.1) is timing
    assert wire.stable({"event_id": "1795979796899-0.1"}) == wire.stable({"event_id": "1795979796899-0"}) \
        == {"event_id": "<ms>-<n>"}
    assert wire.stable("synth:01a22923-aa96-704f-ab0d-b59c7f8ba235:lc||running") == "synth:<run 1>:lc||running"
    # an input.requested event's id names its interrupt: the same placeholder as its interrupt_id
    assert wire.stable("synth:01a22923-aa96-704f-ab0d-b59c7f8ba235:input||2fcc52b584fff8425155aa9c15a710d9") \
        == "synth:<run 1>:input||<interrupt 1>"
    assert wire.stable("/threads/01a22924-b2af-74ef-b507-244df328c9c0/runs/01a22924-b2d9-7652-8a2d-7863d64fa828/stream") \
        == "/threads/<thread 1>/runs/<run 2>/stream"
    assert wire.stable(["1f1ec392-ba74-6695-bfff-a0b591549252"], "parent_checkpoint_id") == ["<checkpoint 1>"]
    assert wire.stable("http://127.0.0.1:55435/ok at 0x7f3a2b1c4d50") == "<server>/ok at <address>"
    assert wire.stable({"__request_start_time_ms__": 1795986570540, "step": 3}) == {
        "__request_start_time_ms__": "<time>", "step": 3}


def test_a_raw_frame_keeps_its_lines_and_its_compact_json(capsys):
    frame = ["event: metadata", 'data: {"run_id":"01a22924-b2d9-7652-8a2d-7863d64fa828","attempt":1}',
             "id: 1795986601564-0", "", "event: updates|child:7151fceb-bb72-c6a6-58b9-ff9d7502fa73",
             'data: {"research":{"finding":"x"}}', "id: 1795986601572-0", ""]
    Wire().show_frame(frame)
    assert capsys.readouterr().out.splitlines() == [
        "event: metadata", 'data: {"run_id":"<run 1>","attempt":1}', "id: <ms>-0", "",
        "event: updates|child:<task 1>", 'data: {"research":{"finding":"x"}}', "id: <ms>-0", ""]


def test_the_servers_key_order_does_not_change_what_is_printed(capsys):
    """The server orders its metadata differently from run to run (run_id before or after graph_id)."""
    metadata = {"graph_id": "newsroom", "run_id": "01a22923-aa96-704f-ab0d-b59c7f8ba235", "tags": ["draft"]}
    reordered = {"run_id": metadata["run_id"], "tags": ["draft"], "graph_id": "newsroom"}
    Wire().show(("messages", [{"content": "Rain"}, metadata]))
    first = capsys.readouterr().out
    Wire().show(("messages", [{"content": "Rain"}, reordered]))
    assert capsys.readouterr().out == first
    Wire().show_frame(['data: {"b":1,"a":2}'])
    assert capsys.readouterr().out == 'data: {"b":1,"a":2}\n'  # a raw frame keeps the order it was sent in


def test_user_data_that_is_not_per_run_stays_as_it_is():
    wire = Wire()
    state = {"topic": "ice cream", "count": 1795986570540, "when": "Monday", "ids": ["call_paris"]}
    assert wire.stable(state) == state


def test_sequence_counts_repeats():
    assert sequence(["metadata", "values", "messages", "messages", "messages", "values"]) == \
        "metadata, values, messages ×3, values"
    assert sequence([]) == ""


def test_the_saved_course_shows_no_server_address_or_memory_address():
    # outputs and saved widget state alike (scripts/execute_notebooks.py takes the address out)
    for notebook in sorted((pathlib.Path(__file__).parents[1] / "notebooks").glob("*.ipynb")):
        text = notebook.read_text(encoding="utf-8")
        assert not re.search(r"(127\.0\.0\.1|localhost|\[::1\]):\d+", text), notebook.name
        assert not re.search(r"\b0x[0-9a-f]{8,}\b", text), notebook.name


def test_an_exercise_check_names_both_answers_when_the_prediction_is_wrong(capsys):
    from lg_widgets.teaching import check

    check(35, 35)
    assert capsys.readouterr().out == "Right: 35\n"
    with pytest.raises(AssertionError, match="you predicted 34, the run says 35"):
        check(34, 35)
    with pytest.raises(AssertionError, match="prediction"):
        check(..., 35)
