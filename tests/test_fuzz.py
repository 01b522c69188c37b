"""Property-based fuzzing (hypothesis): the SSE decoder, the thread protocol's frame reader and the
fold behind ``StreamView.replay()``.

A few hundred examples each here (the unit tier); ``make soak`` runs this file again with 10,000
(``LGW_HYPOTHESIS_PROFILE=soak``; the profiles are in tests/conftest.py). What must hold:

- the decoder gives the same events however the bytes are cut into chunks (split UTF-8 sequences,
  a ``\\r`` and its ``\\n`` in two chunks, a BOM), with any line ends, comments and ``retry:``;
  any bytes at all raise nothing but lg_widgets errors;
- a frame of the thread protocol is a ``ThreadEvent`` or a ``MalformedStream``, nothing else;
- the fold, fed well-formed and malformed events alike: the run ends with no internal error (only
  lg_widgets errors), the traits are the fold's whole values, and the text is exactly the
  concatenation of the tokens that arrived before a bad line.
"""

from __future__ import annotations

import json
import tempfile

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lg_widgets import StreamView
from lg_widgets.errors import LGWidgetsError, MalformedStream
from lg_widgets.threads.events import event_from_frame, loads
from lg_widgets.transport.sse import EventStreamReader, ServerSentEvent, SSEDecoder

# ------------------------------------------------------------------ the SSE decoder

#: field values: any text without line ends (U+2028 and NUL included: neither ends a line)
values = st.text(st.characters(exclude_characters="\r\n", exclude_categories=("Cs",)), max_size=20)
names = values.filter(lambda v: v not in ("", "message"))
line_ends = st.sampled_from(["\n", "\r", "\r\n"])


@st.composite
def event_streams(draw):
    """(stream bytes, the events a decoder must give)."""
    parts, expected, last_id = [], [], None
    if draw(st.booleans()):
        parts.append("\ufeff")
    for _ in range(draw(st.integers(0, 6))):
        end = draw(line_ends)
        if draw(st.booleans()):
            parts.append(f":{draw(values)}{end}")  # a comment (a keepalive)
        name = draw(st.one_of(st.none(), names))
        data = draw(st.lists(values, min_size=1, max_size=3))
        event_id = draw(st.one_of(st.none(), values.filter(lambda v: "\0" not in v and v[:1] != " ")))
        retry = draw(st.one_of(st.none(), st.integers(0, 10**6)))
        if name is not None:
            parts.append(f"event: {name}{draw(line_ends)}")
        for line in data:
            parts.append(f"data: {line}{draw(line_ends)}")
        if event_id is not None:
            parts.append(f"id:{event_id}{draw(line_ends)}")
            last_id = event_id or None
        if retry is not None:
            parts.append(f"retry: {retry}{draw(line_ends)}")
        # the blank line: after a lone "\r", a "\n" would be that line's end, not a blank line
        parts.append(draw(st.sampled_from(["\r", "\r\n"]) if parts[-1].endswith("\r") else line_ends))
        expected.append((name or "message", "\n".join(data), last_id))
    return "".join(parts).encode("utf-8"), expected


def decode(stream: bytes, cuts: list[int]) -> list[tuple[str, str, str | None]]:
    decoder, found, start = SSEDecoder(), [], 0
    for cut in sorted(set(cuts)) + [len(stream)]:
        found += decoder.feed(stream[start:cut])
        start = cut
    found += decoder.finish()
    return [(e.event, e.data, e.id) for e in found]


@given(event_streams(), st.lists(st.integers(0, 400), max_size=12))
def test_the_sse_decoder_reads_any_chunking_of_a_stream(stream_and_events, cuts):
    stream, expected = stream_and_events
    whole = decode(stream, [])
    assert decode(stream, [c % (len(stream) + 1) for c in cuts]) == whole
    assert decode(stream, list(range(len(stream)))) == whole  # one byte at a time
    assert [e for e in whole] == [e for e in expected if e[1] or e[0] != "message"]


@given(st.binary(max_size=300), st.lists(st.integers(0, 300), max_size=8))
@example(b"\xef\xbb", [1])
@example(b"data: x\r", [])
def test_the_sse_decoder_takes_any_bytes(stream, cuts):
    reader, start = EventStreamReader("GET /fuzz"), 0
    for cut in sorted({c % (len(stream) + 1) for c in cuts}) + [len(stream)]:
        for event in reader.feed(stream[start:cut]):
            assert isinstance(event, ServerSentEvent) and isinstance(event.data, str)
        start = cut
    try:
        reader.finish()
    except MalformedStream:
        assert reader.events == 0


# ------------------------------------------------------------------ the thread protocol's frames

json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                           max_leaves=10)
frames = st.one_of(json_values, st.fixed_dictionaries(
    {"type": st.just("event"), "method": st.one_of(st.sampled_from(["messages", "values", "lifecycle"]), json_values),
     "seq": st.one_of(st.integers(0, 10**6), json_values), "params": st.one_of(st.fixed_dictionaries(
         {"namespace": json_values, "data": json_values, "timestamp": json_values, "node": json_values}), json_values)},
    optional={"event_id": json_values}))


@given(frames)
@example({"type": "event", "method": "values", "seq": 1, "params": {"namespace": 5, "data": {}}})
def test_a_frame_is_an_event_or_a_malformed_stream(frame):
    try:
        event = event_from_frame(loads(json.dumps(frame), "fuzz"))
    except MalformedStream:
        return
    assert isinstance(event.seq, int) and all(isinstance(part, str) for part in event.namespace)


@given(st.binary(max_size=200))
def test_frame_text_is_json_or_a_malformed_stream(text):
    try:
        loads(text, "fuzz")
    except MalformedStream:
        pass


# ------------------------------------------------------------------ the fold, through StreamView.replay

HEADER = {"format": "lg_widgets.recording/1", "assistant_id": "fuzz", "protocol": "runs",
          "stream_mode": ["messages-tuple", "values", "updates", "custom"]}
tokens = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=6)


def token_line(text: str, message: int) -> str:
    return json.dumps({"event": "messages", "id": None, "t": 0.0, "data": [
        {"type": "AIMessageChunk", "content": text, "id": f"run-m{message}"},
        {"langgraph_node": "talk", "langgraph_step": 1, "langgraph_checkpoint_ns": ""}]})


not_a_token = st.one_of(st.none(), st.integers(), st.text(max_size=5), st.lists(st.integers(), max_size=3),
                        st.just([{"type": "AIMessageChunk"}]), st.just([]))
lines = st.one_of(
    st.tuples(st.just("token"), tokens, st.integers(0, 2)),
    st.tuples(st.just("event"), st.sampled_from(["values", "updates", "custom", "metadata", "events", "tasks",
                                                 "updates|sub:1", "error", "end", "nonsense"]), json_values),
    st.tuples(st.just("event"), st.just("messages"), not_a_token),
    st.tuples(st.just("bad"), st.sampled_from(["{", "[]", '{"event": 5, "t": 0}', '{"event": "values", "t": "x"}',
                                               "\xff\xfe"]), st.none()),
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None)
@given(st.lists(lines, max_size=25))
def test_the_fold_takes_any_events(comms, script):
    body, accepted = [json.dumps(HEADER)], []
    ended = False
    for kind, a, b in script:
        if kind == "token":
            body.append(token_line(a, b))
            if not ended:
                accepted.append(a)
        elif kind == "event":
            body.append(json.dumps({"event": a, "data": b, "id": None, "t": 0.0}))
            ended = ended or a == "error"  # the run raised: what follows is not the run's
        else:
            body.append(a)
            ended = True
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8", errors="surrogateescape") as file:
        file.write("\n".join(body) + "\n")
        file.flush()
        view = StreamView.replay(file.name, speed=0)
        try:
            view.run()
        except LGWidgetsError:
            pass
    assert view.error is None or view.error["kind"] != "internal", view.error
    assert view.status in ("done", "error", "interrupted"), view.status
    final = view.run_state.to_dict()
    assert view.text == final["text"] and view.status == final["status"] and view.steps == final["steps"]
    assert view.text.startswith("".join(accepted)) if ended else view.text == "".join(accepted)
    view.close()
