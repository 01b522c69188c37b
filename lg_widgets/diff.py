"""RFC 6902 diffs between consecutive graph states.

The ``jsonpatch`` library computes the patch; this module only shapes it for
the view (each op as a plain dict) and offers ``replay`` for tests and for
anyone who wants the state at a given diff.
"""

from __future__ import annotations

from typing import Any

import jsonpatch


def state_ops(before: Any, after: Any) -> list[dict[str, Any]]:
    """The JSON Patch ops that turn ``before`` into ``after``."""
    if before is after:
        return []
    # make_patch on a non-container root is unsupported: replace the whole document.
    if not isinstance(before, (dict, list)) or not isinstance(after, (dict, list)) or type(before) is not type(after):
        return [] if before == after else [{"op": "replace", "path": "", "value": after}]
    return list(jsonpatch.make_patch(before, after).patch)


def replay(diffs: list[dict[str, Any]], start: Any = None) -> Any:
    """Apply every diff's ops in order to ``start`` (``{}`` by default)."""
    document: Any = {} if start is None else start
    for diff in diffs:
        document = jsonpatch.apply_patch(document, diff["ops"], in_place=False)
    return document
