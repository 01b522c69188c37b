"""Shaping what the kernel sends to the front end while a run streams.

Deltas carry new text and new items; big payloads inside them (a step's
input or result, a diff op's value, a checkpoint's values) travel as a short
preview, and the full value arrives once, with the final traits. That keeps
the traffic linear in the content (see docs/architecture.md).
"""

from __future__ import annotations

import json
from typing import Any

import orjson

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
    return {"__lg_preview__": encoded[:PREVIEW_CHARS].decode(errors="ignore"), "bytes": len(encoded)}


def json_bytes(value: Any) -> bytes:
    """``value`` as JSON: orjson (it sizes every step's input and result in every delta), or
    json for what orjson refuses (integers beyond 64 bits)."""
    try:
        return orjson.dumps(value, default=str, option=orjson.OPT_NON_STR_KEYS)
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False, default=str).encode()


def preview_step(step: dict) -> dict:
    return {**step, "input": preview(step["input"]), "result": preview(step["result"])}


def preview_diff(diff: dict) -> dict:
    return {**diff, "ops": [{**op, "value": preview(op["value"])} if "value" in op else op for op in diff["ops"]]}


def preview_checkpoint(checkpoint: dict) -> dict:
    return {**checkpoint, "values": preview(checkpoint["values"]), "metadata": preview(checkpoint["metadata"])}


def preview_custom(item: dict) -> dict:
    return {**item, "data": preview(item["data"])}


_SHAPERS = {
    "steps": preview_step,
    "diffs": preview_diff,
    "checkpoints": preview_checkpoint,
    "custom": preview_custom,
}


def shape_delta(delta: dict[str, Any]) -> dict[str, Any]:
    """A fold change log entry as the wire ``delta`` (big payloads previewed)."""
    shaped = dict(delta)
    for name, shaper in _SHAPERS.items():
        if name in shaped:
            shaped[name] = [shaper(item) for item in shaped[name]]
    if "duration" in shaped:  # the status line's clock: milliseconds are plenty
        shaped["duration"] = round(shaped["duration"], 3)
    return shaped


def shape_snapshot(data: dict[str, Any]) -> dict[str, Any]:
    """A whole RunState (``to_dict()``) for a view that attaches mid-run."""
    shaped = shape_delta(data)
    shaped["state"] = preview(data.get("state"), limit=PREVIEW_LIMIT * 16)
    shaped.pop("messages", None)
    return shaped


# Final traits on the wire -------------------------------------------------------
# The traits keep full values in Python; these only shape what travels (and what a
# saved notebook stores), so that no content goes over the comm twice.

STATE_REF = "__lg_state_ref__"


def diffs_to_json(diffs: list[dict], widget: Any) -> list[dict]:
    """An op value equal to the final state at the op's path travels as ``{"__lg_state_ref__": path}``."""
    state = widget.state
    shaped = []
    for diff in diffs:
        ops = []
        for op in diff["ops"]:
            if "value" in op and isinstance(op["value"], (dict, list, str)) and len(op.get("path", "")) > 0:
                found, current = _pointer_get(state, op["path"])
                if found and current == op["value"]:
                    op = {**op, "value": {STATE_REF: op["path"]}}
            ops.append(op)
        shaped.append({**diff, "ops": ops})
    return shaped


def messages_to_json(messages: list[dict], widget: Any) -> list[dict]:
    """A streamed message's text is already in ``text`` (its ``segments`` say where): it travels
    as ``"text_in_segments": true`` instead of twice more (``text`` and ``content``)."""
    text, pieces = widget.text, {}
    for segment in widget.segments:
        pieces.setdefault(segment.get("message"), []).append(text[segment["start"]:segment["end"]])
    shaped = []
    for message in messages:
        streamed = message.get("text") and "".join(pieces.get(message["id"], ())) == message["text"]
        if streamed and message.get("content") in (message["text"], None):
            message = {k: v for k, v in message.items() if k not in ("text", "content")}
            message["text_in_segments"] = True
        elif message.get("content") == message.get("text"):
            message = {k: v for k, v in message.items() if k != "content"}
        shaped.append(message)
    return shaped


def _pointer_get(document: Any, pointer: str) -> tuple[bool, Any]:
    current = document
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(current, dict) and token in current:
            current = current[token]
        elif isinstance(current, list) and token.isdigit() and int(token) < len(current):
            current = current[int(token)]
        else:
            return False, None
    return True, current
