"""Independent readings of raw ``langgraph_sdk`` stream parts, to check the fold against.

Deliberately simple and separate from ``lg_widgets.state``: each function reads
one thing straight off the raw events the way a user of the SDK would.
"""

from __future__ import annotations

from typing import Any


def mode_of(event: str) -> str:
    return event.split("|", 1)[0]


def is_root(event: str) -> bool:
    return "|" not in event


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "".join(b.get("text", "") for b in content or [] if isinstance(b, dict) and b.get("type") == "text")


def token_text(parts: list[tuple[str, Any]]) -> str:
    """AI token text in arrival order, from the first token-carrying mode present.

    A whole AI message (a model that does not stream, a node that returns one) shows as one
    event in the SDK's stream too: it counts once, less what its own tokens already gave.
    """
    modes = {mode_of(e) for e, _ in parts}
    out = []
    seen: dict[str, int] = {}  # message id -> characters of its text already out

    def whole(message: dict) -> None:
        text = _text(message.get("content"))
        out.append(text[seen.get(message["id"], 0):])
        seen[message["id"]] = max(seen.get(message["id"], 0), len(text))

    if "messages" in modes:
        for event, data in parts:
            if mode_of(event) != "messages":
                continue
            message = data[0]
            if message.get("type") == "AIMessageChunk":
                text = _text(message.get("content"))
                out.append(text)
                seen[message["id"]] = seen.get(message["id"], 0) + len(text)
            elif message.get("type") == "ai":
                whole(message)
    elif "messages/partial" in modes or "messages/complete" in modes:
        for event, data in parts:
            if mode_of(event) in ("messages/partial", "messages/complete"):
                for message in data:
                    if message.get("type") in ("ai", "AIMessageChunk"):
                        whole(message)
    elif "events" in modes:
        for event, data in parts:
            if mode_of(event) == "events" and data.get("event") == "on_chat_model_stream":
                out.append(_text(data["data"]["chunk"].get("content")))
    return "".join(out)


def final_state(parts: list[tuple[str, Any]]) -> Any:
    """The last root ``values`` event, without the ``__interrupt__`` marker."""
    state = None
    for event, data in parts:
        if mode_of(event) == "values" and is_root(event):
            state = {k: v for k, v in data.items() if k != "__interrupt__"} if isinstance(data, dict) else data
    return state


def step_names(parts: list[tuple[str, Any]]) -> list[str]:
    """Names of the graph's steps in the order they started, from debug/tasks, else updates."""
    modes = {mode_of(e) for e, _ in parts}
    names = []
    seen = set()
    if modes & {"debug", "tasks"}:
        for event, data in parts:
            mode = mode_of(event)
            payload = data.get("payload") if mode == "debug" and data.get("type") == "task" else (
                data if mode == "tasks" and "input" in data else None)
            key = (event.partition("|")[2], payload["id"]) if payload is not None else None
            if payload is not None and key not in seen:  # debug and tasks report the same task
                seen.add(key)
                names.append(payload["name"])
    else:
        for event, data in parts:
            if mode_of(event) == "updates":
                names.extend(k for k in data if k != "__interrupt__")
    return names


def checkpoint_ids(parts: list[tuple[str, Any]]) -> list[str]:
    ids = []
    for event, data in parts:
        mode = mode_of(event)
        payload = data.get("payload") if mode == "debug" and data.get("type") == "checkpoint" else (
            data if mode == "checkpoints" else None)
        if payload is not None:
            cid = payload["config"]["configurable"]["checkpoint_id"]
            if cid not in ids:
                ids.append(cid)
    return ids


def custom_data(parts: list[tuple[str, Any]]) -> list[Any]:
    return [data for event, data in parts if mode_of(event) == "custom"]


def error(parts: list[tuple[str, Any]]) -> Any:
    errors = [data for event, data in parts if event == "error"]
    return errors[-1] if errors else None


def without_ids(value: Any) -> Any:
    """``value`` without ``id`` keys: message ids differ between two runs of the same graph."""
    if isinstance(value, dict):
        return {k: without_ids(v) for k, v in value.items() if k != "id"}
    if isinstance(value, list):
        return [without_ids(v) for v in value]
    return value
