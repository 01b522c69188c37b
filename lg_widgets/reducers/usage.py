"""Token usage: the ``usage_metadata`` of every AI message of the run, each message counted once.

A streamed message reports usage on its chunks (most models on the last one; some split input and
output over the first and last): its usage is the sum of the chunks of the one mode that first
streamed it. A whole message (``values``, ``updates``, a task's result, ``messages/partial``, an
``events`` model end) carries its total, which replaces the chunks' sum. Each message adds to the
total and to its node, model and namespace; when a later sighting tells more (a node, a whole
message), its share moves.
"""

from __future__ import annotations

from typing import Any, Iterable

from ..types import Usage, UsageCounts

_KEYS = ("input_tokens", "output_tokens", "total_tokens")
UNKNOWN = "(unknown)"


def zero() -> UsageCounts:
    return {"input_tokens": 0, "output_tokens": 0, "total_tokens": 0, "calls": 0}


def empty_usage() -> Usage:
    return {"total": zero(), "by_node": {}, "by_model": {}, "by_namespace": {}}


def _copy(counts: UsageCounts) -> UsageCounts:
    return {"input_tokens": counts["input_tokens"], "output_tokens": counts["output_tokens"],
            "total_tokens": counts["total_tokens"], "calls": counts["calls"]}


def _copies(table: dict[str, UsageCounts]) -> dict[str, UsageCounts]:
    return {key: _copy(entry) for key, entry in table.items()}


def _counts(usage: Any) -> tuple[int, int, int] | None:
    if not isinstance(usage, dict):
        return None
    values = [usage.get(k) for k in _KEYS]
    if not any(isinstance(v, int) for v in values):
        return None
    i, o, tot = (v if isinstance(v, int) else 0 for v in values)
    return i, o, tot or i + o


def _is_ai(message: Any) -> bool:
    if not isinstance(message, dict):
        return False
    kind = str(message.get("type") or "")
    return kind == "ai" or kind.startswith("AIMessage")


def ai_messages(value: Any) -> Iterable[dict[str, Any]]:
    """The AI messages in a state, an update or a task's result: a message, or a list of them, at
    the top or one key down (``{"messages": [...]}``; a result as ``[[channel, value], ...]``)."""
    if _is_ai(value):
        yield value
        return
    if isinstance(value, dict):
        items: Iterable[Any] = value.values()
    elif isinstance(value, list):
        items = value
    else:
        return
    for item in items:
        if _is_ai(item):
            yield item
        elif isinstance(item, list):
            for inner in item:
                if _is_ai(inner):
                    yield inner
                elif isinstance(inner, list) and len(inner) == 2 and isinstance(inner[0], str):  # [channel, value]
                    yield from (m for m in (inner[1] if isinstance(inner[1], list) else [inner[1]]) if _is_ai(m))


def model_name(message: dict[str, Any], metadata: dict[str, Any] | None = None) -> str:
    meta = message.get("response_metadata")
    name = meta.get("model_name") or meta.get("model") if isinstance(meta, dict) else None
    if not name and metadata:
        name = metadata.get("ls_model_name") or metadata.get("ls_provider")
    return str(name) if name else ""


class _Share:
    """One message's share: its counts and where they count."""

    __slots__ = ("counts", "node", "model", "namespace", "whole", "mode")

    def __init__(self) -> None:
        self.counts: tuple[int, int, int] | None = None
        self.node = self.model = ""
        self.namespace: str | None = None  # "" is the root graph
        self.whole = False
        self.mode = ""


class UsageReducer:
    def __init__(self) -> None:
        self.usage: Usage = empty_usage()
        self._shares: dict[str, _Share] = {}
        #: AI messages the run found in its input (an earlier run's): not this run's usage
        self._before: set[str] = set()

    def input_state(self, state: Any) -> None:
        """The run's first root state: the AI messages in it are earlier runs'."""
        for message in ai_messages(state):
            ident = message.get("id")
            if isinstance(ident, str) and ident not in self._shares:
                self._before.add(ident)

    def chunk(self, chunk: dict[str, Any], mode: str, node: str, ns: tuple[str, ...],
              metadata: dict[str, Any] | None = None) -> None:
        """A streamed chunk that carries ``usage_metadata``."""
        counts = _counts(chunk.get("usage_metadata"))
        ident = chunk.get("id")
        if counts is None or not isinstance(ident, str) or ident in self._before:
            return
        share = self._shares.get(ident)
        if share is None:
            share = self._shares[ident] = _Share()
            share.mode = mode
        if share.whole or share.mode != mode:  # another mode's copy of the same chunks
            return
        old = share.counts or (0, 0, 0)
        self._move(share, tuple(a + b for a, b in zip(old, counts)),  # type: ignore[arg-type]
                   node, model_name(chunk, metadata), ns)

    def whole(self, message: dict[str, Any], node: str, ns: tuple[str, ...],
              metadata: dict[str, Any] | None = None) -> None:
        """A whole AI message (its usage is the message's total)."""
        ident = message.get("id")
        if not isinstance(ident, str) or ident in self._before:
            return
        counts = _counts(message.get("usage_metadata"))
        share = self._shares.get(ident)
        if counts is None:
            if share is not None and node and not share.node:  # a sighting that names its node
                self._move(share, share.counts, node, share.model, ns)
            return
        if share is None:
            share = self._shares[ident] = _Share()
        share.whole = True
        self._move(share, counts, node, model_name(message, metadata), ns)

    def all_whole(self, value: Any, node: str, ns: tuple[str, ...]) -> None:
        for message in ai_messages(value):
            self.whole(message, node, ns)

    def _move(self, share: _Share, counts: tuple[int, int, int] | None, node: str, model: str,
              ns: tuple[str, ...]) -> None:
        """Take the message's old share out of the sums and put its new one in."""
        if share.counts is not None:
            self._add(share, share.counts, -1)
        share.node = share.node or node
        share.model = share.model or model
        if share.namespace is None:
            share.namespace = "|".join(part.split(":", 1)[0] for part in ns)
        share.counts = counts
        if counts is not None:
            self._add(share, counts, 1)
        # a fresh value each change: the publisher sends a replaced field when it differs from the last one
        usage = self.usage
        self.usage = {"total": _copy(usage["total"]), "by_node": _copies(usage["by_node"]),
                      "by_model": _copies(usage["by_model"]), "by_namespace": _copies(usage["by_namespace"])}

    def _add(self, share: _Share, counts: tuple[int, int, int], sign: int) -> None:
        usage = self.usage
        for table, key in ((None, ""), (usage["by_node"], share.node or UNKNOWN),
                           (usage["by_model"], share.model or UNKNOWN), (usage["by_namespace"], share.namespace or "")):
            entry = usage["total"] if table is None else table.setdefault(key, zero())
            for name, n in zip(_KEYS, counts):
                entry[name] += sign * n  # type: ignore[literal-required]
            entry["calls"] += sign
            if table is not None and entry["calls"] == 0:
                del table[key]
