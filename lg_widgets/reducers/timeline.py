"""The run's timeline: one span per task execution, from the step cards' starts and ends.

Times are seconds on the view's clock (its first run's start, pauses between runs left out), so
resumes and forks in the same view continue the timeline. ``debug`` events carry the server's
timestamp: a span they start or end is on the ``server`` clock, mapped onto the view's clock at
the run's first debug event, so its duration is exactly the server's. Other modes give the
``arrival`` clock (when the kernel read the event). ``updates`` alone says when a task ended, not
when it started: such a span starts at the last super-step boundary the run showed (a root
``values`` or a checkpoint), else where the namespace's previous span ended, or at its first token.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..types import Span, Step


def server_seconds(timestamp: Any) -> float | None:
    """A debug event's ``timestamp`` (ISO 8601) as seconds since the epoch."""
    if not isinstance(timestamp, str):
        return None
    try:
        return datetime.fromisoformat(timestamp).timestamp()
    except ValueError:
        return None


def span_key(checkpoint_ns: str) -> str | None:
    """The span (step card key) of a token's task from its ``langgraph_checkpoint_ns``:
    ``"parent:1|node:2"`` → ``"parent:1/2"``."""
    head, _, last = checkpoint_ns.rpartition("|")
    _, _, task_id = last.partition(":")
    return f"{head}/{task_id}" if task_id else None


class TimelineReducer:
    def __init__(self) -> None:
        self.spans: list[Span] = []
        self._index: dict[str, int] = {}
        #: keys of spans that were added or changed, in order (may repeat); keys taken away
        self.span_log: list[str] = []
        self.removed_log: list[str] = []
        # the run's first debug timestamp, and the view's time then
        self._anchor: tuple[float, float] | None = None
        self._boundary: dict[tuple[str, ...], float] = {}
        self._last_end: dict[tuple[str, ...], float] = {}
        # tokens of a task whose span is not there yet (updates-only runs make it when the task ends)
        self._early: dict[str, tuple[float, int]] = {}
        self._early_by_node: dict[tuple[tuple[str, ...], str], tuple[float, int]] = {}

    def get(self, key: str) -> Span | None:
        index = self._index.get(key)
        return None if index is None else self.spans[index]

    def new_run(self) -> None:
        """The next run of the view: its server timestamps are anchored anew."""
        self._anchor = None

    def server_time(self, timestamp: Any, now: float) -> float | None:
        """A debug timestamp on the view's clock."""
        seconds = server_seconds(timestamp)
        if seconds is None:
            return None
        if self._anchor is None:
            self._anchor = (seconds, now)
        return round(self._anchor[1] + seconds - self._anchor[0], 6)

    def boundary(self, ns: tuple[str, ...], now: float) -> None:
        """A super-step of ``ns`` ended (a root values event, a checkpoint): the next tasks start here."""
        self._boundary[ns] = now

    def started(self, card: Step, at: float, clock: str) -> None:
        span = self._span(card, at, clock)
        if clock == "server" and span["clock"] != "server":  # debug's time wins over tasks' arrival
            span["start"], span["clock"] = at, "server"
        self.span_log.append(span["id"])

    def finished(self, card: Step, at: float, clock: str, guessed_start: bool = False) -> None:
        ns = tuple(card["namespace"])
        start = at
        if guessed_start and card["key"] not in self._index:
            start = min(at, self._guess_start(ns, at))
        span = self._span(card, start, clock)
        if span["end"] is None or (clock == "server" and span["clock"] == "server"):
            span["end"] = max(at, span["start"])
        span["status"] = card["status"]
        self._last_end[ns] = at
        self.span_log.append(span["id"])

    def _guess_start(self, ns: tuple[str, ...], at: float) -> float:
        """Where a task of ``ns`` reported only at its end began: the namespace's last super-step
        boundary, else its previous task's end, else the same of the namespace that runs it."""
        for depth in range(len(ns), -1, -1):
            prefix = ns[:depth]
            if prefix in self._boundary or prefix in self._last_end:
                return self._boundary.get(prefix, self._last_end.get(prefix, at))
        return at

    def token(self, key: str | None, ns: tuple[str, ...], node: str, now: float, count: int) -> None:
        """A task streamed ``count`` tokens."""
        span = self._index.get(key) if key else None
        if span is not None:
            found = self.spans[span]
            if found["first_token"] is None:
                found["first_token"] = max(now, found["start"])
            found["tokens"] += count
            self.span_log.append(found["id"])
            return
        for table, at in ((self._early, key), (self._early_by_node, (ns, node))):
            if at is not None:
                first, tokens = table.get(at, (now, 0))  # type: ignore[arg-type]
                table[at] = (first, tokens + count)  # type: ignore[index]

    def status(self, card: Step) -> None:
        span = self.get(card["key"])
        if span is not None and span["status"] != card["status"]:
            span["status"] = card["status"]
            self.span_log.append(span["id"])

    def end(self, status: str, now: float) -> None:
        """The run ended: a span still running ends with it."""
        for span in self.spans:
            if span["end"] is None:
                span["end"] = max(now, span["start"])
                span["status"] = status  # type: ignore[typeddict-item]
                self.span_log.append(span["id"])

    def remove(self, keys: set[str]) -> None:
        removed = [s["id"] for s in self.spans if s["id"] in keys]
        if removed:
            self.spans = [s for s in self.spans if s["id"] not in keys]
            self._index = {s["id"]: i for i, s in enumerate(self.spans)}
            self.removed_log.extend(removed)

    def _span(self, card: Step, start: float, clock: str) -> Span:
        key = card["key"]
        index = self._index.get(key)
        if index is not None:
            span = self.spans[index]
            span["node"] = span["node"] or card["name"]
            if span["step"] is None:
                span["step"] = card["step"]
            return span
        ns = card["namespace"]
        early = self._early.pop(key, None) or self._early_by_node.pop((tuple(ns), card["name"]), None)
        if early is not None:
            start = min(start, early[0])
        parent = card["parent"]
        span: Span = {
            "id": key, "node": card["name"], "namespace": list(ns),
            "parent": f"{'|'.join(ns[:-1])}/{parent}" if parent else None,
            "step": card["step"], "start": start, "end": None,
            "first_token": early[0] if early else None, "tokens": early[1] if early else 0,
            "status": card["status"], "clock": clock,  # type: ignore[typeddict-item]
        }
        self._index[key] = len(self.spans)
        self.spans.append(span)
        return span
