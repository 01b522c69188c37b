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
        self._floor = 0.0
        # a task an interrupt stopped runs again, under its id, in the run that answers it: a
        # second span (``<card key>#<run>``); each card key's latest span, and the run of each span
        self._run = 0
        self._latest: dict[str, str] = {}
        self._span_run: dict[str, int] = {}
        self._boundary: dict[tuple[str, ...], float] = {}
        self._previous_boundary: dict[tuple[str, ...], float] = {}
        # a server-clock span's delivery lag (arrival of its start less its server time): its
        # tokens' arrival times, less that, are on the server's clock too
        self._lag: dict[str, float] = {}
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
        self._run += 1
        # the server's clock may have run ahead of the kernel's: the next run starts after the last span
        self._floor = max((s["start"] if s["end"] is None else s["end"] for s in self.spans), default=0.0)

    def server_time(self, timestamp: Any, now: float) -> float | None:
        """A debug timestamp on the view's clock."""
        seconds = server_seconds(timestamp)
        if seconds is None:
            return None
        if self._anchor is None:
            self._anchor = (seconds, max(now, self._floor))
        return round(self._anchor[1] + seconds - self._anchor[0], 6)

    def boundary(self, ns: tuple[str, ...], now: float) -> None:
        """A super-step of ``ns`` ended (a root values event, a checkpoint): the next tasks start here."""
        if ns in self._boundary:
            self._previous_boundary[ns] = self._boundary[ns]
        self._boundary[ns] = now

    def boundaries(self, ns: tuple[str, ...], now: float) -> tuple[float, float]:
        """The last two super-step boundaries of ``ns`` (``now`` when there are none)."""
        last = self._boundary.get(ns, now)
        return self._previous_boundary.get(ns, last), last

    def started(self, card: Step, at: float, clock: str, now: float) -> None:
        span = self._span(card, at, clock, again=True)
        if clock == "server" and span["clock"] != "server":  # debug's time wins over tasks' arrival
            span["start"], span["clock"] = at, "server"
        if clock == "server":
            self._lag[span["id"]] = now - at
        self.span_log.append(span["id"])

    def finished(self, card: Step, at: float, clock: str, guessed_start: bool | float = False) -> None:
        """``guessed_start``: the events said only when the task ended; a number: when it began at the latest."""
        ns = tuple(card["namespace"])
        start = at
        if guessed_start is not False and card["key"] not in self._index:
            start = min(at, self._guess_start(ns, at))
        span = self._span(card, start, clock)
        if guessed_start is not True and guessed_start is not False and span["start"] >= at:
            span["start"] = min(span["start"], guessed_start)
        end = span["end"] = max(at, span["start"]) if span["end"] is None or (
            clock == "server" and span["clock"] == "server") else span["end"]
        if span["first_token"] is not None and span["first_token"] > end:  # tokens the server held back
            span["first_token"] = end
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
        span = self._index.get(self._latest.get(key, key)) if key else None
        if span is not None:
            found = self.spans[span]
            if found["first_token"] is None:
                at = now - self._lag.get(found["id"], 0.0)
                end = found["end"]
                found["first_token"] = round(max(found["start"], at if end is None else min(at, end)), 6)
            found["tokens"] += count
            self.span_log.append(found["id"])
            return
        if key is not None:
            first, tokens = self._early.get(key, (now, 0))
            self._early[key] = (first, tokens + count)
        first, tokens = self._early_by_node.get((ns, node), (now, 0))
        self._early_by_node[(ns, node)] = (first, tokens + count)

    def status(self, card: Step) -> None:
        span = self.get(self._latest.get(card["key"], card["key"]))
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

    def _span(self, card: Step, start: float, clock: str, again: bool = False) -> Span:
        key = card["key"]
        ident = self._latest.get(key, key)
        index = self._index.get(ident)
        if index is not None:
            found = self.spans[index]
            if not (again and found["end"] is not None and self._span_run[ident] != self._run):
                found["node"] = found["node"] or card["name"]
                if found["step"] is None:
                    found["step"] = card["step"]
                return found
            ident = self._latest[key] = f"{key}#{self._run}"  # the task runs again
        ns = card["namespace"]
        early = self._early.pop(key, None) or self._early_by_node.pop((tuple(ns), card["name"]), None)
        if early is not None:
            start = min(start, early[0])
        parent = card["parent"]
        span: Span = {
            "id": ident, "node": card["name"], "namespace": list(ns),
            "parent": f"{'|'.join(ns[:-1])}/{parent}" if parent else None,
            "step": card["step"], "start": start, "end": None,
            "first_token": early[0] if early else None, "tokens": early[1] if early else 0,
            "status": card["status"], "clock": "server" if clock == "server" else "arrival",
        }
        self._index[ident] = len(self.spans)
        self._span_run[ident] = self._run
        self.spans.append(span)
        return span
