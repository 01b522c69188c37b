"""The fold, on recorded streams (tests/fixtures) and on hand-made edge cases."""

from __future__ import annotations

import json

import pytest

import reference as ref
from recordings import RECORDINGS, load_recording
from wire_view import WireView
from lg_widgets import MalformedStream, RunState, parse_event
from lg_widgets.diff import replay



def ev(event: str, data, t: float = 0.0, id: str | None = None):
    return parse_event(event, json.dumps(data), id, t)


def fold(events, modes=None) -> RunState:
    state = RunState(modes).apply_all(events)
    state.finish()
    return state


def test_recordings_exist():
    assert len(RECORDINGS) >= 8, "run scripts/record_fixtures.py"


@pytest.mark.parametrize("name", RECORDINGS)
def test_recorded_stream(name):
    events = load_recording(name)
    parts = [(e.event, e.data) for e in events]
    state = fold(events)
    assert state.text == ref.token_text(parts)
    if ref.final_state(parts) is not None:
        assert state.state == ref.final_state(parts)
    assert replay(state.diffs) == state.state
    assert [s["name"] for s in state.steps] == ref.step_names(parts)
    assert [c["checkpoint_id"] for c in state.checkpoints] == ref.checkpoint_ids(parts)
    assert [c["data"] for c in state.custom] == ref.custom_data(parts)
    assert state.event_count == len(events)
    assert state.duration == pytest.approx(events[-1].time - events[0].time)
    # Folding in two halves with a change log taken in between gives the same result.
    halves = RunState()
    for event in events[: len(events) // 2]:
        halves.apply(event)
    halves.take_changes()
    halves.apply_all(events[len(events) // 2:]).finish()
    assert halves.to_dict() == state.to_dict()


def test_recorded_error_keeps_partial_output():
    state = fold(load_recording("failing_error"))
    assert state.status == "error" and state.error["kind"] == "run"
    assert state.text
    assert [s["status"] for s in state.steps][-1] == "error"


def test_recorded_interrupt():
    state = fold(load_recording("human_interrupt"))
    assert state.status == "interrupted"
    assert len(state.interrupts) == 1, "the same interrupt from updates, values and debug counts once"
    assert "__interrupt__" not in state.state


def test_recorded_subgraph_steps_hang_under_their_parent():
    state = fold(load_recording("subgraph_debug_subgraphs"))
    ids = {s["id"]: s for s in state.steps}
    children = [s for s in state.steps if s["namespace"]]
    assert children
    for child in children:
        assert child["parent"] in ids


def test_tokens_from_three_modes_count_once():
    chunk = {"type": "AIMessageChunk", "id": "m1"}
    events = [
        ev("messages", [{**chunk, "content": "Hel"}, {"langgraph_node": "n"}]),
        ev("messages/partial", [{**chunk, "type": "ai", "content": "Hel"}]),
        ev("events", {"event": "on_chat_model_stream", "data": {"chunk": {**chunk, "content": "Hel"}}}),
        ev("events", {"event": "on_chat_model_stream", "data": {"chunk": {**chunk, "content": "lo"}}}),
        ev("messages", [{**chunk, "content": "lo"}, {"langgraph_node": "n"}]),
        ev("messages/partial", [{**chunk, "type": "ai", "content": "Hello"}]),
    ]
    state = fold(events)
    assert state.text == "Hello"
    assert [m["text"] for m in state.messages] == ["Hello"]


def test_content_blocks_and_interleaved_messages():
    def tok(mid, content, node):
        return ev("messages", [{"type": "AIMessageChunk", "id": mid, "content": content},
                               {"langgraph_node": node, "tags": [node + "-tag"]}])
    state = fold([
        tok("a", [{"type": "text", "text": "A1 "}], "left"),
        tok("b", "B1 ", "right"),
        tok("a", [{"type": "text", "text": "A2"}, {"type": "tool_use", "id": "x"}], "left"),
        tok("b", "B2", "right"),
    ])
    assert state.text == "A1 B1 A2B2"
    assert state.text_for(node="left") == "A1 A2"
    assert state.text_for(tag="right-tag") == "B1 B2"
    assert state.text_for(namespace="") == state.text
    assert len(state.segments) == 4


def test_whole_messages_are_not_tokens():
    state = fold([
        ev("messages", [{"type": "tool", "id": "t1", "content": "sunny", "tool_call_id": "c"}, {}]),
        ev("messages", [{"type": "ai", "id": "a1", "content": "not streamed"}, {}]),
    ])
    assert state.text == ""
    assert [m["type"] for m in state.messages] == ["tool", "ai"]
    assert state.messages[0]["text"] == "sunny"


def test_older_servers_send_results_as_pairs_and_an_end_event():
    state = fold([
        ev("debug", {"type": "task", "step": 1, "payload": {"id": "t", "name": "n", "input": {}, "triggers": []}}),
        ev("debug", {"type": "task_result", "step": 1,
                     "payload": {"id": "t", "name": "n", "result": [["a", 1], ["b", 2]], "error": None, "interrupts": []}}),
        ev("end", None),
    ])
    assert state.steps[0]["result"] == {"a": 1, "b": 2}
    assert state.status == "done"
    assert state.counts == {"debug": 2, "end": 1}


def test_updates_fall_back_until_debug_arrives():
    events = [
        ev("updates", {"a": {"x": 1}}),
        ev("debug", {"type": "task", "step": 1, "payload": {"id": "t1", "name": "a", "input": {}}}),
    ]
    state = fold(events)
    assert [(s["name"], s["source"]) for s in state.steps] == [("a", "debug")]
    only_updates = fold([events[0], ev("updates", {"b": {"y": 2}, "c": {"z": 3}})])
    assert [s["name"] for s in only_updates.steps] == ["a", "b", "c"]


def test_unknown_modes_are_counted_and_kept():
    state = fold([ev("metadata", {"run_id": "r1"}), ev("brand_new_mode|sub:1", {"x": 1})])
    assert state.run_id == "r1"
    assert state.counts == {"metadata": 1, "brand_new_mode": 1}
    assert state.status == "done"


def test_malformed_data_is_a_typed_error():
    with pytest.raises(MalformedStream, match="not JSON"):
        parse_event("values", "{not json")


def test_values_diffs_replay_and_name_their_node():
    state = fold([
        ev("updates", {"first": {"a": 1}}), ev("values", {"a": 1}),
        ev("updates", {"second": {"b": [1]}}), ev("values", {"a": 1, "b": [1]}),
        ev("values", {"b": [1, 2], "__interrupt__": [{"value": "ok?", "id": "i1"}]}),
    ], modes=["values", "updates"])
    assert state.state == {"b": [1, 2]}
    assert [d["node"] for d in state.diffs] == ["first", "second", None]
    assert replay(state.diffs) == state.state
    assert state.status == "interrupted" and state.interrupts[0]["value"] == "ok?"


def test_change_log_hands_out_each_item_once():
    state = RunState(["messages-tuple", "custom"])
    state.apply(ev("messages", [{"type": "AIMessageChunk", "id": "m", "content": "ab"}, {}]))
    state.apply(ev("custom", {"p": 1}))
    first = state.take_changes()
    assert first["text"] == "ab" and first["custom"] == [{"namespace": [], "data": {"p": 1}, "t": 0.0}]
    state.apply(ev("messages", [{"type": "AIMessageChunk", "id": "m", "content": "c"}, {}]))
    second = state.take_changes()
    assert second["text"] == "c" and "custom" not in second
    # The segment only grew (its end follows the text on the front end), and only one count changed.
    assert first["segments"] == [{"start": 0, "end": 3, "node": "", "tags": [], "namespace": [], "message": "m"}]
    assert "segments" not in second
    assert first["counts"] == {"messages": 1, "custom": 1} and second["counts"] == {"messages": 2}
    assert state.take_changes() == {}


@pytest.mark.parametrize("name", RECORDINGS)
@pytest.mark.parametrize("every", [1, 3, 50])
def test_deltas_rebuild_text_segments_and_counts(name, every):
    """What the front end rebuilds from deltas taken every few events is the fold's own data."""
    state, view = RunState(), WireView()
    for i, event in enumerate(load_recording(name)):
        state.apply(event)
        if i % every == 0:
            view.delta(state.take_changes())
    view.delta(state.take_changes())
    assert (view.text, view.segments, view.counts) == (state.text, state.segments, state.counts)


def test_error_event_then_close():
    state = RunState()
    state.apply(ev("messages", [{"type": "AIMessageChunk", "id": "m", "content": "part"}, {}]))
    state.apply(ev("error", {"error": "ValueError", "message": "boom"}))
    state.finish()
    assert state.status == "error"
    assert state.error == {"type": "ValueError", "message": "boom", "kind": "run"}
    assert state.text == "part"


def test_tags_do_not_depend_on_which_mode_came_first():
    tuple_event = ev("messages", [{"type": "AIMessageChunk", "id": "m", "content": "b"}, {"langgraph_node": "n", "tags": ["mine"]}])
    events_event = ev("events", {"event": "on_chat_model_stream", "tags": ["seq:step:1", "mine"],
                                 "metadata": {"langgraph_node": "n"},
                                 "data": {"chunk": {"type": "AIMessageChunk", "id": "m", "content": "b"}}})
    one, two = fold([tuple_event, events_event]), fold([events_event, tuple_event])
    assert one.segments == two.segments
    assert one.segments[0]["tags"] == ["mine"]


def test_state_diffs_replay_on_random_documents():
    """Top-level keys are diffed one by one; replaying must still give the new state exactly."""
    import random

    from lg_widgets.diff import state_ops

    rnd = random.Random(7)

    def value(depth=0):
        r = rnd.random()
        if depth > 2 or r < 0.4:
            return rnd.choice([1, True, 1.0, None, "a", "x/y~z", ""])
        if r < 0.7:
            return {rnd.choice("ab/~"): value(depth + 1) for _ in range(rnd.randint(0, 3))}
        return [value(depth + 1) for _ in range(rnd.randint(0, 3))]

    for _ in range(2000):
        before = {rnd.choice(["k", "a/b", "t~x", ""]): value() for _ in range(rnd.randint(0, 4))}
        after = {rnd.choice(["k", "a/b", "t~x", ""]): value() for _ in range(rnd.randint(0, 4))}
        assert replay([{"ops": state_ops(before, after)}], json.loads(json.dumps(before))) == after
