"""Streamed messages in the fold: tool-call chunks and content blocks add up as langchain-core adds
them (what a langgraph_sdk user gets from the same chunks), and an empty last chunk is no message.

Recorded from ``tests/graphs/streamed.py``'s ``three_tools`` (a model that streams three tool
calls' arguments in pieces, then answers in content blocks), on every token mode of the runs
stream and on the thread protocol; and on made-up chunk sequences.
"""

from __future__ import annotations

import json
import random

import pytest
from langchain_core.messages import AIMessageChunk
from langchain_core.utils.json import parse_partial_json as langchain_parse_partial_json

from recordings import load_events, load_recording
from lg_widgets import RunState, parse_event
from lg_widgets.reducers.chunks import parse_partial_json

CALLS = [("weather", {"city": "Paris"}, "call_weather"),
         ("population", {"city": "Lyon", "year": 2020}, "call_population"),
         ("distance", {"origin": "Paris", "to": "Nice"}, "call_distance")]
ANSWER_BLOCKS = [{"type": "text", "text": "Paris is sunny; ", "index": 0}, {"type": "text", "text": "Lyon is busy.", "index": 1}]


def streamed_chunk(event) -> dict | None:
    """The model chunk an event carries (messages-tuple or events mode), else None."""
    if event.mode == "messages" and event.data[0].get("type") == "AIMessageChunk":
        return event.data[0]
    if event.mode == "events" and event.data.get("event") == "on_chat_model_stream":
        return event.data["data"]["chunk"]
    return None


def sdk_sums(chunks: list[dict]) -> dict[str, AIMessageChunk]:
    """What a langgraph_sdk user builds: each message's chunks added up with langchain-core."""
    sums: dict[str, AIMessageChunk] = {}
    for chunk in chunks:
        message = AIMessageChunk(**{k: v for k, v in chunk.items() if k != "type"})
        sums[chunk["id"]] = sums[chunk["id"]] + message if chunk["id"] in sums else message
    return sums


def only(events, mode):
    return [e for e in events if e.mode not in ("messages", "events") or e.mode == mode]


@pytest.mark.parametrize("mode", ["messages", "events", "both"])
def test_streamed_tool_calls_and_blocks_equal_the_sdks_chunks_added_up(mode):
    events = load_events("three_tools_tuple_events")
    if mode != "both":
        events = only(events, mode)
    state = RunState().apply_all(events).finish()
    sums = sdk_sums([c for c in map(streamed_chunk, only(events, "events" if mode == "events" else "messages")) if c])
    ai = {m["id"]: m for m in state.messages if m["type"] == "AIMessageChunk"}
    assert list(ai) == ["plan", "answer"]
    for msg_id, message in ai.items():
        assert message["tool_calls"] == sums[msg_id].tool_calls
        assert message["content"] == sums[msg_id].content
    assert [(c["name"], c["args"], c["id"]) for c in ai["plan"]["tool_calls"]] == CALLS
    assert ai["answer"]["content"] == ANSWER_BLOCKS, "content blocks stay blocks, joined per block index"
    assert ai["answer"]["text"] == "Paris is sunny; Lyon is busy."
    assert state.text == "Checking three things.Paris is sunny; Lyon is busy.", "each token once"


def test_tool_call_arguments_are_parsed_as_they_grow():
    """After every chunk, the message's tool calls are those of the chunks so far added up."""
    events = only(load_events("three_tools_tuple_events"), "messages")
    state, chunks = RunState(), []
    for event in events:
        state.apply(event)
        chunk = streamed_chunk(event)
        if chunk and chunk["id"] == "plan":
            chunks.append(chunk)
            assert state.tokens.message("plan")["tool_calls"] == sdk_sums(chunks)["plan"].tool_calls
    assert len(chunks) == 10


def test_messages_mode_keeps_the_servers_blocks_and_calls():
    state = RunState().apply_all(load_events("three_tools_messages")).finish()
    ai = {m["id"]: m for m in state.messages if m["type"] == "ai"}
    assert list(ai) == ["plan", "answer"]
    assert [(c["name"], c["args"], c["id"]) for c in ai["plan"]["tool_calls"]] == CALLS
    assert ai["answer"]["content"] == ANSWER_BLOCKS and ai["answer"]["text"] == "Paris is sunny; Lyon is busy."


def test_the_thread_protocol_gives_the_same_tool_calls():
    state = RunState(protocol="threads").apply_all(load_recording("three_tools_threads")).finish()
    [plan, answer] = [m for m in state.messages if m["type"] == "ai"]
    assert [(c["name"], c["args"], c["id"], c["type"]) for c in plan["tool_calls"]] == [
        (*call, "tool_call") for call in CALLS]
    assert answer["tool_calls"] == [] and answer["text"] == "Paris is sunny; Lyon is busy."


def test_the_thread_protocols_tool_call_arguments_parse_as_they_grow():
    events = load_recording("three_tools_threads")
    cut = next(i for i, e in enumerate(events) if getattr(e, "mode", None) == "messages"
               and e.data.get("delta", {}).get("args") == 'ty": "P') + 1
    state = RunState(protocol="threads").apply_all(events[:cut])
    [plan] = state.messages
    assert plan["tool_calls"] == [{"name": "weather", "args": {"city": "P"}, "id": "call_weather", "type": "tool_call"}]


@pytest.mark.parametrize("recording, mode", [("three_tools_tuple_events", "messages"),
                                             ("three_tools_tuple_events", "events"),
                                             ("three_tools_messages", None)])
def test_an_empty_last_chunk_with_an_id_of_its_own_makes_no_message(recording, mode):
    """langchain-core ends a model's stream with an empty ``chunk_position="last"`` chunk; a model
    that names its messages gets it under langchain-core's id (``lc_run--...``)."""
    events = load_events(recording)
    assert any("lc_run--" in json.dumps(e.data) for e in events), "the recording holds such a chunk"
    state = RunState().apply_all(only(events, mode) if mode else events).finish()
    assert [m["id"] for m in state.messages if m["type"] != "tool"] == ["plan", "answer"]


def test_an_empty_first_chunk_still_starts_its_message_once_it_carries_something():
    def chunk(content, **more):
        return parse_event("messages", json.dumps([{"type": "AIMessageChunk", "id": "m", "content": content, **more}, {}]))

    state = RunState().apply_all([chunk(""), chunk("Hi"), chunk("", chunk_position="last")]).finish()
    assert [(m["id"], m["content"]) for m in state.messages] == [("m", "Hi")]


def random_chunks(rnd: random.Random) -> list[dict]:
    """A message's chunks as models send them: text, content blocks by index, tool-call pieces."""
    chunks = []
    for _ in range(rnd.randint(1, 12)):
        kind = rnd.random()
        chunk: dict = {"type": "AIMessageChunk", "id": "m", "content": ""}
        if kind < 0.3:
            chunk["content"] = rnd.choice(["a", "b c", "", "\n"])
        elif kind < 0.6:
            chunk["content"] = [{"type": rnd.choice(["text", "text", "reasoning"]), "index": rnd.randint(0, 2),
                                 rnd.choice(["text", "reasoning"]): rnd.choice(["x", "yz", ""])}]
        elif kind < 0.9:
            index = rnd.randint(0, 2)
            chunk["tool_call_chunks"] = [{"index": index, "id": rnd.choice([None, f"call{index}"]),
                                          "name": rnd.choice([None, f"tool{index}"]), "args": rnd.choice(
                                              ['{"a', '": 1', ', "b": [', '"x"]}', "", None]), "type": "tool_call_chunk"}]
        else:
            chunk["tool_calls"] = [{"name": "whole", "args": {"k": rnd.randint(0, 9)}, "id": "w", "type": "tool_call"}]
        chunks.append(chunk)
    return chunks


def test_any_chunk_sequence_adds_up_as_langchain_core_adds_it():
    rnd = random.Random(11)
    for _ in range(400):
        chunks = random_chunks(rnd)
        events = [parse_event("messages", json.dumps([c, {}])) for c in chunks]
        state = RunState().apply_all(events).finish()
        expected = sdk_sums(chunks)["m"]
        if not state.messages:
            assert not expected.content and not expected.tool_calls, "only a chunk that carries nothing is left out"
            continue
        [message] = state.messages
        assert message["tool_calls"] == expected.tool_calls, chunks
        leading_nothing = next(i for i, c in enumerate(chunks) if c["content"] or "tool_call_chunks" in c
                               or "tool_calls" in c)
        if leading_nothing == 0:  # (an empty first chunk makes no message, so it adds nothing either)
            assert message["content"] == expected.content, chunks


def test_partial_json_is_parsed_as_langchain_core_parses_it():
    def outcome(parse, text):
        try:
            return parse(text)
        except json.JSONDecodeError:
            return "not JSON"

    documents = ['{"city": "Paris"}', '{"a": [1, 2, {"b": "x\\"y\\n"}], "c": true, "d": null, "e": 1.5e3}',
                 '{"t": "line\nbreak"}', '[1, "a", {"x": []}]', '{"k": "\\u00e9", "l": "\\\\"}']
    rnd = random.Random(3)
    texts = [d[:end] for d in documents for end in range(len(d) + 1)]
    texts += ["".join(rnd.choice('{}[]":,ab1 \\\n') for _ in range(rnd.randint(0, 14))) for _ in range(2000)]
    for text in texts:
        assert outcome(parse_partial_json, text) == outcome(langchain_parse_partial_json, text), text


def test_a_page_gets_a_block_messages_text_from_the_segments_and_its_blocks_at_the_end():
    """Live, a message streamed in content blocks travels when it starts and when a block starts (its
    text is in ``text``; its blocks grow with every token and come with the final traits), not again
    with every token."""
    from lg_widgets.publisher import Publisher

    events = only(load_events("three_tools_tuple_events"), "messages")
    state, sent = RunState(), []
    publisher = Publisher(lambda message: sent.append(json.loads(json.dumps(message))))
    publisher.new_epoch(state)
    for event in events:
        state.apply(event)
        publisher.flush()  # a flush per event: the most a page could be sent
    answers = [m for d in sent for m in d.get("messages", []) if m["id"] == "answer"]
    assert answers == [{"id": "answer", "type": "AIMessageChunk", "name": None, "tool_calls": [], "node": "model",
                        "namespace": [], "text_in_segments": True}] * 2, "at its start and at its second block's"
    assert state.finish().tokens.message("answer")["content"] == ANSWER_BLOCKS
