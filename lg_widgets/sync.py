"""What travels to the page: payload previews and the wire shape of the final traits.

Deltas carry new text and new items; big payloads inside them (a step's input
or result, a diff op's value, a checkpoint's values) travel as a short preview,
and the full value arrives once, with the final traits. Which field uses which
shape is said once, by its row in ``fields.py``. The final traits keep
full values in Python; their ``to_json`` only shapes what travels (and what a
saved notebook stores), so that no content goes over the comm twice.

The wire markers below are the only ones; ``js/src/wire.js`` reads them.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterable, Mapping, Sequence

import orjson
from jsonpointer import JsonPointerException, resolve_pointer

from .reducers.tokens import message_texts

#: A JSON object: an item of a list field (a step, a diff, a message, ...).
JSONDict = dict[str, Any]

#: A value too big for a delta: ``{PREVIEW: <start of its JSON>, "bytes": n}``.
PREVIEW = "__lg_preview__"
#: A diff op value equal to the final state at the op's path: ``{STATE_REF: path}``.
STATE_REF = "__lg_state_ref__"
#: A message whose text is its segments of ``text`` (sent without ``text`` and ``content``).
TEXT_IN_SEGMENTS = "text_in_segments"

#: Values whose JSON is longer than this travel as a preview while streaming.
PREVIEW_LIMIT = 2048
PREVIEW_CHARS = 240


def preview(value: Any, limit: int = PREVIEW_LIMIT) -> Any:
    """``value`` itself when small, else ``{"__lg_preview__": <start of its JSON>, "bytes": n}``."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str) and len(value) <= limit // 4:
        return value
    encoded = json_bytes(value)
    if len(encoded) <= limit:
        return value
    # A cut inside a multi-byte character drops that character's bytes.
    return {PREVIEW: encoded[:PREVIEW_CHARS].decode(errors="ignore"), "bytes": len(encoded)}


def json_bytes(value: Any) -> bytes:
    """``value`` as JSON: orjson (it sizes every step's input and result in every delta), or
    json for what orjson refuses (integers beyond 64 bits)."""
    try:
        return orjson.dumps(value, default=str, option=orjson.OPT_NON_STR_KEYS)
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False, default=str).encode()


# Live shapes: each field's ``preview`` in lg_widgets/fields.py, what deltas and snapshots carry of
# it. ``run``: the run as the page will have it (its ``text`` and ``segments``).

def each(shape_item: Callable[[JSONDict], JSONDict]) -> Callable[[list[JSONDict], Any], list[JSONDict]]:
    """A list field's live shape: every item shaped by ``shape_item``."""
    def shape(items: list[JSONDict], run: Any) -> list[JSONDict]:
        return [shape_item(item) for item in items]
    return shape


def preview_step(step: JSONDict) -> JSONDict:
    return {**step, "input": preview(step["input"]), "result": preview(step["result"])}


def preview_diff(diff: JSONDict) -> JSONDict:
    return {**diff, "ops": [{**op, "value": preview(op["value"])} if "value" in op else op for op in diff["ops"]]}


def preview_checkpoint(checkpoint: JSONDict) -> JSONDict:
    return {**checkpoint, "values": preview(checkpoint["values"]), "metadata": preview(checkpoint["metadata"])}


def preview_custom(item: JSONDict) -> JSONDict:
    return {**item, "data": preview(item["data"])}


def preview_interrupt(item: JSONDict) -> JSONDict:
    return {**item, "value": preview(item["value"])}


def preview_tool_call(item: JSONDict) -> JSONDict:
    return {**item, "input": preview(item["input"]), "output": preview(item["output"])}


def live_messages(messages: list[JSONDict], run: Any) -> list[JSONDict]:
    """Streamed messages without their text (``shape_messages``)."""
    return shape_messages(messages, run.text, run.segments)


def live_state(state: Any, run: Any) -> Any:
    """The whole state (a snapshot's: a delta never carries it) with a larger preview limit."""
    return preview(state, limit=PREVIEW_LIMIT * 16)


def live_duration(duration: float, run: Any) -> float:
    """The status line's clock: milliseconds are plenty."""
    return round(duration, 3)


def shape_messages(messages: Iterable[JSONDict], text: str, segments: Sequence[Mapping[str, Any]]) -> list[JSONDict]:
    """A streamed message's text is already in ``text`` (its ``segments`` say where): it travels
    as ``"text_in_segments": true`` instead of twice more (``text`` and ``content``). Its content
    blocks, which grow with every token, wait for the final traits (the page shows the text)."""
    messages = list(messages)
    streamed = message_texts(text, segments, [m["id"] for m in messages if m.get("text")])
    shaped = []
    for message in messages:
        if message.get("text") and streamed.get(message["id"]) == message["text"] \
                and (message.get("content") in (message["text"], None) or isinstance(message.get("content"), list)):
            message = {k: v for k, v in message.items() if k not in ("text", "content")}
            message[TEXT_IN_SEGMENTS] = True
        elif message.get("content") == message.get("text"):
            message = {k: v for k, v in message.items() if k != "content"}
        shaped.append(message)
    return shaped


# Final traits on the wire (traitlets ``to_json``) ---------------------------------------
# Steps (a node's update, a task's input), checkpoints (every state so far) and diffs repeat
# the state. What equals the final state somewhere travels as ``{"__lg_state_ref__": path}``,
# so a 5 MB state crosses the comm once, not once per step and checkpoint.

#: Strings shorter than this travel as themselves: a reference would not be shorter.
REF_MIN_CHARS = 64


def _pointer(path: str, key: Any) -> str:
    return f"{path}/" + str(key).replace("~", "~0").replace("/", "~1")


def state_refs(value: Any, state: Any, path: str = "") -> Any:
    """``value`` with each part equal to ``state`` at the same path replaced by a reference to it.

    Dicts are matched key by key; lists element by element, and elements with an ``id`` (messages)
    also by id, since an update that appends (``add_messages``, ``operator.add``) holds the new
    elements only. Parts that match nothing are kept as they are.
    """
    if isinstance(value, str):
        return {STATE_REF: path} if len(value) >= REF_MIN_CHARS and value == state else value
    if not isinstance(value, (dict, list)) or not value:
        return value
    if type(value) is type(state) and value == state:
        return {STATE_REF: path}
    if isinstance(value, dict) and isinstance(state, dict):
        return {k: state_refs(v, state[k], _pointer(path, k)) if k in state else v for k, v in value.items()}
    if isinstance(value, list) and isinstance(state, list):
        by_id: dict[Any, int] | None = None
        shaped = []
        for index, item in enumerate(value):
            match = index if index < len(state) else None
            if isinstance(item, dict) and item.get("id") is not None and (match is None or state[match] != item):
                if by_id is None:
                    by_id = {e.get("id"): i for i, e in enumerate(state) if isinstance(e, dict) and e.get("id") is not None}
                match = by_id.get(item["id"], match)
            shaped.append(item if match is None else state_refs(item, state[match], _pointer(path, match)))
        return shaped
    return value


def diffs_to_json(diffs: list[JSONDict], widget: Any) -> list[JSONDict]:
    state = widget.state
    shaped = []
    for diff in diffs:
        ops = []
        for op in diff["ops"]:
            if "value" in op and op.get("path"):
                try:
                    op = {**op, "value": state_refs(op["value"], resolve_pointer(state, op["path"]), op["path"])}
                except JsonPointerException:
                    pass  # the path is gone from the final state: the value travels itself
            ops.append(op)
        shaped.append({**diff, "ops": ops})
    return shaped


def messages_to_json(messages: list[JSONDict], widget: Any) -> list[JSONDict]:
    return shape_messages(messages, widget.text, widget.segments)


def steps_to_json(steps: list[JSONDict], widget: Any) -> list[JSONDict]:
    state = widget.state
    return [{**s, "input": state_refs(s["input"], state), "result": state_refs(s["result"], state)} for s in steps]


def checkpoints_to_json(checkpoints: list[JSONDict], widget: Any) -> list[JSONDict]:
    state = widget.state
    return [{**c, "values": state_refs(c["values"], state)} for c in checkpoints]


# Big final traits in parts ---------------------------------------------------------------
# A trait update is one comm message, and a page receives each message in one task: 5 MB of
# state cost JupyterLab 25-50 ms just to take in, before anyone draws anything. To a page that
# follows the view, a big final trait travels instead as parts of at most PART_BYTES, each a
# custom message with its JSON in a binary buffer, and with it the rest of the run's content; the
# page builds each value as its parts come (js/src/trait-parts.js) and sets them all on its model
# when the batch ends. ``Publisher.send_parts`` sends them.

#: Largest JSON of one part (a part holds more only when one string or number is bigger).
PART_BYTES = 256 * 1024

# How a part changes the value being built: ``set`` it at ``path`` (``[]``: the whole value),
# ``extend`` the list at ``path`` with its elements, ``update`` the dict at ``path`` with its keys,
# ``append`` its text to the string at ``path``.


def json_parts(value: Any, limit: int = PART_BYTES, path: tuple[Any, ...] = (),
               encoded: bytes | None = None) -> Iterable[tuple[list[Any], str, bytes]]:
    """``value`` as ``(path, op, json)`` parts, each ``json`` at most ``limit`` bytes (give or take one
    element's), which build ``value`` again when applied in order from nothing. ``encoded``: the
    JSON of ``value``, when the caller has it."""
    if encoded is None:
        encoded = json_bytes(value)
    if len(encoded) <= limit or not isinstance(value, (list, dict, str)) or not value:
        yield list(path), "set", encoded
        return
    if isinstance(value, str):
        yield list(path), "set", b'""'
        step = max(1, limit // 4)  # a character takes up to four bytes of UTF-8 (a few escapes take six)
        for start in range(0, len(value), step):
            yield list(path), "append", json_bytes(value[start:start + step])
        return
    is_list = isinstance(value, list)
    yield list(path), "set", b"[]" if is_list else b"{}"
    items: list[tuple[Any, Any]] = list(enumerate(value)) if isinstance(value, list) else list(value.items())
    batch: list[bytes] = []
    size = 0

    def flush() -> Iterable[tuple[list[Any], str, bytes]]:
        nonlocal batch, size
        if batch:
            body = b",".join(batch)
            yield list(path), "extend" if is_list else "update", (b"[" + body + b"]") if is_list else (b"{" + body + b"}")
        batch, size = [], 0

    for key, item in items:
        item_json = json_bytes(item)
        entry = item_json if is_list else json_bytes(str(key)) + b":" + item_json
        if len(entry) > limit and isinstance(item, (list, dict, str)):
            # Too big for one part: a placeholder now, then its own parts at its own path.
            yield from flush()
            yield list(path), "extend" if is_list else "update", b"[null]" if is_list else b"{" + json_bytes(str(key)) + b":null}"
            yield from json_parts(item, limit, (*path, key), item_json)
            continue
        if batch and size + len(entry) > limit:
            yield from flush()
        batch.append(entry)
        size += len(entry) + 1
    yield from flush()
