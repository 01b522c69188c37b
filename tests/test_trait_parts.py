"""Big final traits in parts (sync.py): a page that follows a view takes a 5 MB state in pieces
of at most 256 kB, each a message (a task) of its own, instead of one update it needs 25-50 ms
just to take in. A kernel with no page (nbclient saving a notebook's widget state) gets them in
the trait update as before."""

from __future__ import annotations

import json
import random

import pytest

from lg_widgets import StreamView
from lg_widgets.sources import read_recording
from lg_widgets.sync import PART_BYTES, json_parts
from recordings import FIXTURES


def build(parts) -> object:
    """Apply parts the way js/src/trait-parts.js does."""
    root = None
    for path, op, raw in parts:
        value = json.loads(raw)
        if not path:
            root = value if op == "set" else root + value if op == "append" else root
            target = root
        else:
            parent = root
            for key in path[:-1]:
                parent = parent[key]
            if op in ("set", "append"):
                parent[path[-1]] = value if op == "set" else parent[path[-1]] + value
                continue
            target = parent[path[-1]]
        if op == "extend":
            target.extend(value)
        elif op == "update":
            target.update(value)
    return root


def random_value(rng: random.Random, depth: int = 0):
    roll = rng.random()
    if depth > 3 or roll < 0.3:
        return rng.choice([1, 2.5, None, True, "x" * rng.randint(0, 1200), "é😀\n\"" * rng.randint(0, 200)])
    if roll < 0.65:
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 12))]
    return {f"k{i}": random_value(rng, depth + 1) for i in range(rng.randint(0, 12))}


def test_parts_build_the_value_again_and_stay_near_their_size():
    rng = random.Random(3)
    for round_ in range(300):
        value = random_value(rng)
        limit = rng.choice([64, 256, 1024, 4096])
        parts = list(json_parts(value, limit))
        assert build(parts) == json.loads(json.dumps(value)), round_
        assert parts[0][:2] == ([], "set")
        for path, op, raw in parts:
            # A part holds more than the limit only when a single element (or four bytes a character) does.
            assert len(raw) <= 4 * limit + 16 or not isinstance(json.loads(raw), (list, dict)), (round_, op, len(raw))


def test_a_five_megabyte_state_goes_in_pieces_of_a_quarter_megabyte():
    filler = ("lorem ipsum dolor sit amet " * 37)[:940]
    state = {"documents": [{"id": f"doc-{i}", "text": filler} for i in range(5000)], "reply": "word " * 100_000}
    parts = list(json_parts(state))
    assert build(parts) == state
    sizes = [len(raw) for _, _, raw in parts]
    assert max(sizes) <= PART_BYTES and sum(sizes) >= len(json.dumps(state)) * 0.95
    assert len(parts) >= 20


def replayed_view(comms, hello: bool) -> tuple[StreamView, list[dict]]:
    """A real view plays a recording (a page said hello first, or none did); parts as small as 300 bytes."""
    view = StreamView.replay(FIXTURES / "joke_all_modes_threaded.jsonl", speed=0)
    comm = comms.instances[-1]
    if hello:
        comm.receive({"type": "hello"})
    view._publisher.part_bytes = 300
    view.run()
    return view, comm.messages


def test_a_page_that_follows_the_view_gets_big_final_traits_in_parts_and_an_update_without_them(comms):
    view, messages = replayed_view(comms, hello=True)
    parts = [m for m in messages if m["data"].get("method") == "custom" and m["data"]["content"]["type"] == "part"]
    by_name: dict[str, list] = {}
    for m in parts:
        content = m["data"]["content"]
        by_name.setdefault(content["name"], []).append((content["path"], content["op"], m["buffers"][0]))
        assert len(m["buffers"]) == 1
    wire = view.get_state()
    big = {name for name, value in wire.items() if not name.startswith("_") and isinstance(value, (list, dict, str))
           and len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()) > 300}
    content = {"state", "text", "segments", "messages", "steps", "checkpoints", "diffs", "custom", "interrupts",
               "tool_calls", "branches"}
    changed = {name for name, value in wire.items() if name in content and value not in ("", [], {})}
    assert {"steps", "checkpoints"} <= big, "the recording has big traits"
    assert set(by_name) == big | changed, "the big traits, and with them every trait of the run's content that changed"
    assert parts[0]["data"]["content"]["name"] == "state", "the state the others refer to goes first"
    assert [bool(m["data"]["content"].get("end")) for m in parts] == [False] * (len(parts) - 1) + [True], \
        "the batch's last part, and only it, says the batch ends"
    for name, pieces in by_name.items():
        assert build(pieces) == json.loads(json.dumps(wire[name])), name
    update = [m for m in messages if m["data"].get("method") == "update"][-1]["data"]["state"]
    assert not set(by_name) & set(update) and {"status", "counts"} <= set(update) and view.status == "done"


def test_with_no_page_the_trait_update_carries_everything(comms):
    view, messages = replayed_view(comms, hello=False)
    assert not [m for m in messages if m["data"].get("method") == "custom" and m["data"]["content"]["type"] == "part"]
    update = [m for m in messages if m["data"].get("method") == "update"][-1]["data"]["state"]
    assert {"text", "steps", "checkpoints", "state"} <= set(update) and update["text"] == view.text


@pytest.mark.parametrize("hello", [True, False])
def test_a_trait_that_did_not_change_is_sent_neither_way(comms, hello):
    view, messages = replayed_view(comms, hello)
    comm = comms.instances[-1]
    sent = len(comm.messages)
    view._set_final_traits(view.run_state.to_dict())  # the same values again
    assert len(comm.messages) == sent
