"""A streamed message's chunks added up as langchain-core's ``AIMessageChunk.__add__`` does.

The runs stream's ``messages-tuple`` and ``events`` modes send each model chunk as it is: a
delta of the content (a string, or content blocks that carry an ``index``) and of the tool
calls (``tool_call_chunks``: an ``index``, the call's ``id`` and ``name`` on its first chunk
only, the arguments as pieces of JSON text). ``MessageChunks`` merges them the same way
(blocks and tool-call chunks with the same ``index`` become one, their strings joined) and
parses the arguments as they grow, as langchain-core's partial JSON parser does.

Strings that grow chunk by chunk are kept as their pieces (``_Pieces``) and joined when read:
adding a chunk costs the same at the 10,000th token as at the first.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from itertools import accumulate
from typing import Any


class _Pieces(list[Any]):
    """A string that grows: its pieces, joined when read."""


def plain(value: Any) -> Any:
    """``value`` with every grown string joined (a copy: the fold's own values are never handed out)."""
    if isinstance(value, _Pieces):
        return "".join(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _own(value: Any) -> Any:
    """A copy of an event's dict or list, so merging into it never changes the event."""
    if isinstance(value, dict):
        return {k: _own(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_own(v) for v in value]
    return value


def _merge_dict_into(left: dict[str, Any], right: dict[str, Any], skip: str | None = None) -> None:
    """langchain-core's ``merge_dicts``, in place (less ``right``'s ``skip`` key). Where it raises on
    two values it can't merge (different types), the later value wins: a view keeps what arrived."""
    for key in right:
        if key == skip:
            continue
        value: Any = right[key]
        current: Any = left.get(key)
        if key not in left or (value is not None and current is None):
            left[key] = _own(value)
        elif value is None:
            continue
        elif isinstance(current, (str, _Pieces)) and isinstance(value, str):
            if (key == "index" and plain(current).startswith("lc_")) or (
                    key in ("id", "output_version", "model_provider") and plain(current) == value):
                continue
            if isinstance(current, _Pieces):
                current.append(value)
            else:
                left[key] = _Pieces([current, value])
        elif type(current) is not type(value):
            left[key] = _own(value)
        elif isinstance(current, dict):
            _merge_dict_into(current, value)
        elif isinstance(current, list):
            _merge_list_into(current, value)
        elif current == value:
            continue
        elif isinstance(current, int) and not isinstance(current, bool) and key not in ("index", "created", "timestamp"):
            left[key] = current + value
        else:
            left[key] = value


def _merge_list_into(merged: list[Any], other: list[Any]) -> None:
    """langchain-core's ``merge_lists``, in place: an item with the same ``index`` as one already
    there (and no other ``id``) is merged into it, without its ``type``; any other is appended."""
    for item in other:
        index = item.get("index") if isinstance(item, dict) else None
        if isinstance(index, int) or (isinstance(index, str) and index.startswith("lc_")):
            for known in merged:
                if (isinstance(known, dict) and "index" in known and known["index"] == index
                        and (known.get("id") in (None, "") or item.get("id") in (None, "")
                             or plain(known.get("id")) == item.get("id"))):
                    _merge_dict_into(known, item, skip="type")
                    break
            else:
                merged.append(_own(item))
        else:
            merged.append(_own(item))


def tool_call_chunks(chunk: dict[str, Any]) -> list[dict[str, Any]]:
    """A chunk's tool-call deltas; a chunk that gives whole calls instead counts them as chunks
    without an index, as ``AIMessageChunk`` does."""
    chunks = chunk.get("tool_call_chunks")
    if isinstance(chunks, list) and chunks:
        return [c for c in chunks if isinstance(c, dict)]
    made = []
    for call in chunk.get("tool_calls") or []:
        if isinstance(call, dict):
            made.append({"name": call.get("name"), "args": json.dumps(call.get("args")), "id": call.get("id"),
                         "index": None})
    for call in chunk.get("invalid_tool_calls") or []:
        if isinstance(call, dict):
            made.append({"name": call.get("name"), "args": call.get("args"), "id": call.get("id"), "index": None})
    return made


class MessageChunks:
    """One message's chunks so far. ``prefix``: the string content its earlier chunks gave (they
    needed no merging of their own), or None when this is its first chunk."""

    def __init__(self, prefix: str | None):
        self._content: Any = None if prefix is None else _Pieces([prefix])
        self._calls: list[dict[str, Any]] = []
        # the common chunk, one text block of an index already there: (its index, the block it grows)
        self._growing: tuple[int, dict[str, Any]] | None = None

    def add(self, content: Any, calls: list[dict[str, Any]]) -> bool:
        """Add a chunk; whether the message changed more than its text grew (a block or a call)."""
        blocks = len(self._content) if isinstance(self._content, list) else 0
        self._add_content(content)
        if calls:
            _merge_list_into(self._calls, calls)
        return bool(calls) or (isinstance(self._content, list) and len(self._content) != blocks)

    def _add_content(self, content: Any) -> None:
        """langchain-core's ``merge_content``."""
        merged = self._content
        if type(content) is list and len(content) == 1 and self._growing is not None:
            block = content[0]
            index, growing = self._growing
            if (type(block) is dict and len(block) == 3 and block.get("index") == index
                    and block.get("type") == growing.get("type") and type(block.get("text")) is str
                    and type(growing.get("text")) is _Pieces):
                growing["text"].append(block["text"])  # what the general merge below would do, at once
                return
        self._add_content_merged(content)
        if type(content) is list and len(content) == 1 and type(content[0]) is dict:
            first = content[0]
            if len(first) == 3 and type(first.get("index")) is int and type(first.get("text")) is str:
                into = next(b for b in self._content if isinstance(b, dict) and b.get("index") == first["index"])
                if isinstance(into.get("text"), _Pieces):
                    self._growing = (first["index"], into)

    def _add_content_merged(self, content: Any) -> None:
        merged = self._content
        if merged is None:
            self._content = _own(content) if isinstance(content, list) else _Pieces([str(content or "")])
        elif isinstance(merged, _Pieces):
            if isinstance(content, list):
                self._content = ["".join(merged), *_own(content)]
            else:
                merged.append(str(content or ""))
        elif isinstance(content, list):
            _merge_list_into(merged, content)
        elif merged and isinstance(merged[-1], (str, _Pieces)):
            if isinstance(merged[-1], _Pieces):
                merged[-1].append(str(content or ""))
            else:
                merged[-1] = _Pieces([merged[-1], str(content or "")])
        elif content and merged:
            merged.append(str(content))

    @property
    def blocks(self) -> list[Any] | None:
        """The content when it is a list (content blocks), else None: plain text, the fold has it."""
        return plain(self._content) if isinstance(self._content, list) else None

    @property
    def has_calls(self) -> bool:
        return bool(self._calls)

    def tool_calls(self) -> list[dict[str, Any]]:
        """The calls whose arguments parse (so far) to an object, as ``AIMessageChunk.tool_calls``."""
        calls = []
        for chunk in self._calls:
            args_text = plain(chunk.get("args"))
            try:
                args = parse_partial_json(args_text) if args_text else {}
            except ValueError:
                continue
            if isinstance(args, dict):
                calls.append({"name": plain(chunk.get("name")) or "", "args": args, "id": plain(chunk.get("id")),
                              "type": "tool_call"})
        return calls


def parse_partial_json(text: str) -> Any:
    """JSON text that may be cut short, parsed as far as it goes: open strings, objects and arrays
    are closed, and what can't be completed (a key without its value) is dropped. langchain-core's
    ``parse_partial_json``, which builds the tool calls of the chunks a client adds up."""
    try:
        return json.loads(text, strict=False)
    except json.JSONDecodeError:
        pass
    chars: list[str] = []
    closers: list[str] = []
    in_string = escaped = False
    for char in text:
        new = char
        if in_string:
            if char == '"' and not escaped:
                in_string = False
            elif char == "\n" and not escaped:
                new = "\\n"
            elif char == "\\":
                escaped = not escaped
            else:
                escaped = False
        elif char == '"':
            in_string, escaped = True, False
        elif char == "{":
            closers.append("}")
        elif char == "[":
            closers.append("]")
        elif char in "}]":
            if closers and closers[-1] == char:
                closers.pop()
            else:
                return None  # a closer that closes nothing: not JSON
        chars.append(new)
    if in_string:
        if escaped:
            chars.pop()
        chars.append('"')
    closing = "".join(reversed(closers))
    ends = list(accumulate(map(len, chars)))  # where each piece ends (a newline became two characters)
    while chars:
        try:
            return json.loads("".join(chars) + closing, strict=False)
        except json.JSONDecodeError as error:
            # Every longer candidate still holds the piece the parser stopped at: cut there at once.
            cut = bisect_right(ends, error.pos)
            if cut >= len(chars):
                cut = len(chars) - 1
            del chars[cut:], ends[cut:]
    return json.loads(text, strict=False)  # nothing parses: the original error
