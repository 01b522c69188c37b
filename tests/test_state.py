"""The fold, on recorded streams (tests/fixtures) and on hand-made edge cases."""

from __future__ import annotations

import json

import pytest

import reference as ref
from recordings import RECORDINGS, SINGLE_RUN, load_events, load_recording
from lg_widgets import MalformedStream, RunState, StreamEvent, parse_event
from lg_widgets.diff import replay
from lg_widgets.lifecycle import Lifecycle
from lg_widgets.publisher import Publisher



def ev(event: str, data, t: float = 0.0, id: str | None = None):
    return parse_event(event, json.dumps(data), id, t)


def fold(events, modes=None) -> RunState:
    state = RunState(modes).apply_all(events)
    state.finish()
    return state


def test_recordings_exist():
    assert len(SINGLE_RUN) >= 8 and len(RECORDINGS) > len(SINGLE_RUN), "run scripts/record_fixtures.py"


@pytest.mark.parametrize("name", SINGLE_RUN)
def test_recorded_stream(name):
    events = load_events(name)
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
    # A publisher reading the fold halfway changes nothing in it.
    halves, sent = RunState(), []
    publisher = Publisher(sent.append)
    publisher.new_epoch(halves)
    halves.apply_all(events[: len(events) // 2])
    publisher.flush()
    halves.apply_all(events[len(events) // 2:]).finish()
    assert halves.to_dict() == state.to_dict()
    assert [m["type"] for m in sent] == ["reset", "delta"]


def test_recorded_resume_goes_on_in_the_same_fold():
    events = load_recording("slow_review_resume")
    cut = next(i for i, e in enumerate(events) if isinstance(e, Lifecycle))
    first = RunState().apply_all(events[:cut]).finish()
    assert first.status == "interrupted" and first.text.startswith("Draft: ")
    text, steps = first.text, len(first.steps)
    both = first.apply_all(events[cut:]).finish()
    assert both.status == "done"
    assert both.text.startswith(text) and "Published (yes): " in both.text[len(text):]
    assert [i["resolved"] for i in both.interrupts] == [True], "the resumed run answered the interrupt"
    assert len(both.steps) > steps and both.state["final"].startswith("Published")


def test_recorded_fork_in_place_is_a_branch():
    events = load_recording("joke_fork_in_place")
    cut = next(i for i, e in enumerate(events) if isinstance(e, Lifecycle))
    state = fold(events)
    text_before = len(fold(events[:cut]).text)  # where the fork's text starts: the page sets it apart
    assert 0 < text_before < len(state.text)
    assert state.branches == [{"checkpoint_id": events[cut].checkpoint_id, "steps_before": 2, "events_before": cut,
                               "text_before": text_before}]
    assert [s["name"] for s in state.steps] == ["refine_topic", "generate_joke", "generate_joke"]
    assert state.status == "done"


def test_recorded_error_keeps_partial_output():
    state = fold(load_events("failing_error"))
    assert state.status == "error" and state.error["kind"] == "run"
    assert state.text
    assert [s["status"] for s in state.steps][-1] == "error"


def test_recorded_interrupt():
    state = fold(load_events("human_interrupt"))
    assert state.status == "interrupted"
    assert len(state.interrupts) == 1, "the same interrupt from updates, values and debug counts once"
    assert "__interrupt__" not in state.state


def test_recorded_subgraph_steps_hang_under_their_parent():
    state = fold(load_events("subgraph_debug_subgraphs"))
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


def test_a_whole_ai_message_counts_in_text_once():
    state = fold([
        ev("messages", [{"type": "tool", "id": "t1", "content": "sunny", "tool_call_id": "c"}, {}]),
        ev("messages", [{"type": "ai", "id": "a1", "content": "not streamed"}, {"langgraph_node": "n"}]),
        ev("messages", [{"type": "AIMessageChunk", "id": "a2", "content": "stre"}, {}]),
        ev("messages", [{"type": "AIMessageChunk", "id": "a2", "content": "amed"}, {}]),
        ev("messages", [{"type": "ai", "id": "a2", "content": "streamed"}, {}]),  # the same reply, whole
        ev("messages/complete", [{"type": "ai", "id": "a3", "content": [{"type": "text", "text": " blocks"}]}]),
    ])
    assert state.text == "not streamedstreamed blocks", "tool messages are not model text"
    assert [m["type"] for m in state.messages] == ["tool", "ai", "ai", "ai"]
    assert state.messages[0]["text"] == "sunny"
    assert state.text_for(node="n") == "not streamed"


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


def test_deltas_hand_out_each_item_once():
    state, sent = RunState(["messages-tuple", "custom"]), []
    publisher = Publisher(lambda message: sent.append(json.loads(json.dumps(message))))  # as a comm sends it
    publisher.new_epoch(state)
    state.apply(ev("messages", [{"type": "AIMessageChunk", "id": "m", "content": "ab"}, {}]))
    state.apply(ev("custom", {"p": 1}))
    publisher.flush()
    state.apply(ev("messages", [{"type": "AIMessageChunk", "id": "m", "content": "c"}, {}]))
    publisher.flush()
    publisher.flush()
    reset, first, second = sent
    assert (reset["type"], reset["epoch"], first["seq"], second["seq"]) == ("reset", 1, 2, 3)
    assert first["text"] == "ab" and first["custom"] == [{"namespace": [], "data": {"p": 1}, "t": 0.0}]
    assert second["text"] == "c" and "custom" not in second
    # The segment only grew (its end follows the text on the page), and only one count changed.
    assert first["segments"] == [{"start": 0, "end": 2, "node": "", "tags": [], "namespace": [], "message": "m"}]
    assert "segments" not in second
    assert first["counts"] == {"messages": 1, "custom": 1} and second["counts"] == {"messages": 2}
    # The message entry travels once, its text through the segments.
    assert first["messages"] == [{"id": "m", "type": "AIMessageChunk", "name": None, "tool_calls": [], "node": "",
                                  "namespace": [], "text_in_segments": True}]
    assert "messages" not in second


def test_an_interrupt_named_later_is_upserted_not_repeated():
    state, sent = RunState(["updates", "debug"]), []
    publisher = Publisher(sent.append)
    publisher.follow(state)
    interrupt = {"value": "ok?", "id": "i1"}
    state.apply(ev("updates", {"__interrupt__": [interrupt]}))
    publisher.flush()
    state.apply(ev("debug", {"type": "task_result", "step": 1, "payload": {
        "id": "t", "name": "review", "error": None, "result": {}, "interrupts": [interrupt]}}))
    publisher.flush()
    assert [d["interrupts"] for d in sent] == [
        [{"id": "i1", "value": "ok?", "namespace": [], "node": None, "resolved": False}],
        [{"id": "i1", "value": "ok?", "namespace": [], "node": "review", "resolved": False}],
    ]


def test_lifecycle_events_drive_the_status():
    state = RunState(["values"])
    state.apply(Lifecycle("start"))
    assert state.status == "connecting"
    state.apply(ev("values", {"a": 1}))
    state.apply(Lifecycle("ids", run_id="r1", thread_id="t1"))
    assert (state.status, state.run_id, state.thread_id) == ("running", "r1", "t1")
    state.apply(Lifecycle("cancel", error={"type": "RunCancelled", "message": "stop", "kind": "cancelled"}))
    assert state.status == "cancelled"
    state.apply(Lifecycle("end"))
    assert state.status == "cancelled", "the end of the stream does not undo a cancel"
    state.apply(Lifecycle("continue"))
    assert (state.status, state.error, state.state) == ("connecting", None, {"a": 1})


def test_error_event_then_close():
    state = RunState()
    state.apply(ev("messages", [{"type": "AIMessageChunk", "id": "m", "content": "part"}, {}]))
    state.apply(ev("error", {"error": "ValueError", "message": "boom"}))
    state.apply(Lifecycle("end"))
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


@pytest.mark.parametrize("history_first", [True, False])
def test_a_tool_call_hangs_on_its_card_whichever_tells_first(history_first):
    # The history may report the tools task finished before the tools channel reports the call
    # (the recording caught that order); the call must hang on that card either way.
    events = load_recording("toolloop_threads")
    tool_events = [e for e in events if getattr(e, "mode", None) == "tools"]
    rest = [e for e in events if e not in tool_events]
    card_at = next(i for i, e in enumerate(rest) if e.mode == "tasks" and e.data.get("name") == "tools")
    cut = len(rest) if history_first else card_at
    state = RunState(protocol="threads").apply_all(rest[:cut] + tool_events + rest[cut:])
    state.finish()
    tools_card = next(s for s in state.steps if s["name"] == "tools")
    [call] = state.tool_calls
    assert call["step"] == tools_card["key"] and call["status"] == "done"


def test_two_messages_streaming_at_once_in_one_namespace_over_the_thread_protocol():
    """Parallel nodes stream into the root namespace together, and only message-start names its
    message: a delta after one of them finished must not make up a message the fold can't find."""
    from lg_widgets.threads import event_from_frame

    def frame(seq, data):
        return event_from_frame({"method": "messages", "seq": seq, "params": {"namespace": [], "data": data}})

    def delta(text):
        return {"event": "content-block-delta", "index": 0, "delta": {"type": "text-delta", "text": text}}

    events = [frame(1, {"event": "message-start", "role": "ai", "id": "left"}),
              frame(2, {"event": "message-start", "role": "ai", "id": "right"}),
              frame(3, delta("L0 ")), frame(4, delta("R0 ")),
              frame(5, {"event": "message-finish"}),
              frame(6, delta("L1 ")), frame(7, delta("L2 ")),
              frame(8, {"event": "message-finish"}),
              frame(9, delta("late "))]
    state = RunState(protocol="threads").apply_all(events)
    state.finish()
    data = state.to_dict()
    assert data["text"] == "L0 R0 L1 L2 late ", "every token once, in arrival order"
    assert [m["id"] for m in data["messages"]] == ["left", "right"], "no message made up for a delta"
    # Which of the two a delta belongs to, the protocol does not say; each goes to one of them.
    assert sorted("".join(m["text"] for m in data["messages"]).split()) == sorted(data["text"].split())


def test_the_current_node_is_the_one_speaking_again_after_a_parallel_branch_ran():
    """`left` streams, `right` (a parallel branch) finishes, `left` goes on streaming: the node
    that ran or spoke last is `left` again, not the finished `right`."""
    def token(text):
        return parse_event("messages", json.dumps([{"type": "AIMessageChunk", "id": "m1", "content": text},
                                                   {"langgraph_node": "left", "langgraph_checkpoint_ns": "left:1"}]))

    state = RunState(["messages-tuple", "updates"])
    state.apply(token("a"))
    assert state.current_node == "left"
    state.apply(parse_event("updates", json.dumps({"right": {"x": 1}})))
    assert state.current_node == "right"
    state.apply(token("b"))
    assert state.current_node == "left" and state.text == "ab" and len(state.segments) == 1


def test_duration_is_running_time_the_pause_before_a_resume_left_out():
    """A 4 s resume after a pause of minutes showed '2 m 35 s': the pause is no running time."""
    from lg_widgets import lifecycle

    state = RunState(["values"])
    state.apply(lifecycle.START)
    for t in (10.0, 11.0, 12.5):
        state.apply(StreamEvent("values", "values", (), {"n": t}, None, t))
    state.apply(lifecycle.END)
    state.apply(lifecycle.continued(None))
    for t in (160.0, 164.0):
        state.apply(StreamEvent("values", "values", (), {"n": t}, None, t))
    assert state.duration == 2.5 + 4.0

