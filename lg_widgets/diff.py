"""RFC 6902 diffs between consecutive graph states.

The ``jsonpatch`` library computes the patch of each changed top-level key;
keys whose value is unchanged are skipped without walking them, so a step
that changes one key of a large state costs that key, not the whole state.
``replay`` applies diffs back, for tests and for anyone who wants the state
at a given diff.
"""

from __future__ import annotations

from typing import Any

import jsonpatch


def state_ops(before: Any, after: Any) -> list[dict[str, Any]]:
    """The JSON Patch ops that turn ``before`` into ``after``."""
    if before is after:
        return []
    if isinstance(before, dict) and isinstance(after, dict):
        return _dict_ops(before, after)
    # make_patch on a non-container root is unsupported: replace the whole document.
    if not isinstance(before, (dict, list)) or not isinstance(after, (dict, list)) or type(before) is not type(after):
        return [] if before == after else [{"op": "replace", "path": "", "value": after}]
    return list(jsonpatch.make_patch(before, after).patch)


def _dict_ops(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    ops: list[dict[str, Any]] = []
    for key in before.keys() - after.keys():
        ops.append({"op": "remove", "path": _pointer(key)})
    for key, value in after.items():
        path = _pointer(key)
        if key not in before:
            ops.append({"op": "add", "path": path, "value": value})
            continue
        old = before[key]
        if old is value or (type(old) is type(value) and old == value):
            continue
        if isinstance(old, (dict, list)) and type(old) is type(value):
            ops.extend(_under(path, op) for op in jsonpatch.make_patch(old, value).patch)
        else:
            ops.append({"op": "replace", "path": path, "value": value})
    return ops


def _under(prefix: str, op: dict[str, Any]) -> dict[str, Any]:
    """An op of a sub-document's patch, moved under ``prefix`` (``from`` too, for move/copy)."""
    moved = {**op, "path": prefix + op["path"]}
    if "from" in op:
        moved["from"] = prefix + op["from"]
    return moved


def _pointer(key: Any) -> str:
    return "/" + str(key).replace("~", "~0").replace("/", "~1")


def replay(diffs: list[dict[str, Any]], start: Any = None) -> Any:
    """Apply every diff's ops in order to ``start`` (``{}`` by default)."""
    document: Any = {} if start is None else start
    for diff in diffs:
        document = jsonpatch.apply_patch(document, diff["ops"], in_place=False)
    return document
