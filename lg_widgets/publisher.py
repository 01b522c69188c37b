"""The kernel's side of the live contract: ``reset``, ``delta`` and ``snapshot`` messages.

The publisher owns the sequence number and the run *epoch*. A new view run
starts a new epoch with a ``reset`` (the page clears); a run that continues the
view (resume, fork in place) stays in its epoch, and the page keeps all it
shows. Between, every frame sends what the fold added since the last one: the
publisher reads the fold's growing lists and change logs with a cursor of its
own (the fold knows nothing of it). ``docs/architecture.md`` has the contract:
which field appends, which upserts by key, which replaces.
"""

from __future__ import annotations

from typing import Any, Callable

from .state import RunState
from .sync import PART_BYTES, json_bytes, json_parts, shape_live, shape_snapshot

#: A run that is still going; the others (its end) reach the page with the final traits.
LIVE_STATUSES = ("connecting", "running")
#: Fields a delta carries whole when they changed.
SCALARS = ("status", "run_id", "thread_id", "error", "current_node", "event_count", "duration")
#: The run's content: final traits that go as parts together once any final trait is big.
CONTENT = ("state", "text", "segments", "messages", "steps", "checkpoints", "diffs", "custom", "interrupts",
           "tool_calls", "branches")


class _Cursor:
    """How much of a fold the page already has."""

    def __init__(self, fold: RunState):
        self.text = fold.tokens.length
        self.segments = len(fold.segments)
        self.messages = len(fold.tokens.message_log)
        self.steps = len(fold.step_cards.step_log)
        self.removed = len(fold.step_cards.removed_log)
        self.interrupts = len(fold.interrupt_list.interrupt_log)
        self.tool_calls = len(fold.tools.tool_log)
        self.diffs = len(fold.diffs)
        self.custom = len(fold.custom)
        self.checkpoints = len(fold.checkpoints)
        self.branches = len(fold.branches)
        self.counts = dict(fold.counts)
        self.event_kinds = dict(fold.event_kinds)
        self.scalars = {name: getattr(fold, name) for name in SCALARS}

    def advance(self, fold: RunState) -> dict[str, Any]:
        """What ``fold`` holds beyond the cursor, as delta fields; the cursor moves to the end."""
        delta: dict[str, Any] = {}
        tokens = fold.tokens
        if tokens.length > self.text:
            delta["text"] = tokens.text_since(self.text)
            self.text = tokens.length
        # Only new segments: they tile the text, so one that only grew needs no resending.
        self.segments = _take_new(fold.segments, self.segments, delta, "segments")
        self.diffs = _take_new(fold.diffs, self.diffs, delta, "diffs")
        self.custom = _take_new(fold.custom, self.custom, delta, "custom")
        self.checkpoints = _take_new(fold.checkpoints, self.checkpoints, delta, "checkpoints")
        self.branches = _take_new(fold.branches, self.branches, delta, "branches")
        cards = fold.step_cards
        keys, self.steps = _new_keys(cards.step_log, self.steps)
        if keys:
            delta["steps"] = [cards.step(k) for k in keys if cards.has(k)]
        removed, self.removed = _new_keys(cards.removed_log, self.removed)
        if removed:
            delta["steps_removed"] = removed
        keys, self.interrupts = _new_keys(fold.interrupt_list.interrupt_log, self.interrupts)
        if keys:
            delta["interrupts"] = [fold.interrupt_list.get(k) for k in keys]
        keys, self.tool_calls = _new_keys(fold.tools.tool_log, self.tool_calls)
        if keys:
            delta["tool_calls"] = [fold.tools.get(k) for k in keys]
        keys, self.messages = _new_keys(tokens.message_log, self.messages)
        if keys:
            delta["messages"] = [tokens.message(k) for k in keys]
        for name in ("counts", "event_kinds"):  # merged by key on the page: only what changed
            sent, now = getattr(self, name), getattr(fold, name)
            changed = {key: n for key, n in now.items() if sent.get(key) != n}
            if changed:
                delta[name] = changed
                sent.update(changed)
        for name, sent in self.scalars.items():
            value = getattr(fold, name)
            if name == "status" and value not in LIVE_STATUSES:
                continue  # a run's end comes with the final traits, after what they bring
            if value != sent:
                delta[name] = self.scalars[name] = value
        return delta


def _take_new(items: list, sent: int, delta: dict, name: str) -> int:
    if len(items) > sent:
        delta[name] = items[sent:]
    return len(items)


def _new_keys(log: list[str], sent: int) -> tuple[list[str], int]:
    return list(dict.fromkeys(log[sent:])), len(log)


class Publisher:
    """Sends the live contract's messages through ``send`` (the widget's ``send``)."""

    def __init__(self, send: Callable[..., None]):
        self._send = send
        self.epoch = 0
        self.seq = 0
        self._parts_id = 0
        #: Final traits whose JSON is bigger than this go as parts (to pages that follow the view).
        self.part_bytes = PART_BYTES
        self._fold: RunState | None = None
        self._cursor: _Cursor | None = None

    def new_epoch(self, fold: RunState) -> None:
        """A new run of the view: the page clears what it shows, then follows ``fold``."""
        self.epoch += 1
        self.seq += 1
        self._send({"type": "reset", "epoch": self.epoch, "seq": self.seq})
        self.follow(fold)

    def follow(self, fold: RunState) -> None:
        """From now on send what ``fold`` adds to what it holds now (which the page has, from
        the traits or from earlier deltas)."""
        self._fold, self._cursor = fold, _Cursor(fold)

    def flush(self) -> None:
        """Send what changed since the last delta, if anything did (between two events)."""
        if self._fold is None or self._cursor is None:
            return
        fields = self._cursor.advance(self._fold)
        if fields:
            self.seq += 1
            self._send({"type": "delta", "epoch": self.epoch, "seq": self.seq,
                        **shape_live(fields, self._fold.text, self._fold.segments)})

    def snapshot(self) -> None:
        """Everything so far, for a page that appears mid-run. The pending changes go out first
        as a delta of their own: pages that had the last delta need them, and the snapshot, with
        that delta's seq, already holds them."""
        if self._fold is None:
            return
        self.flush()
        self._send({"type": "snapshot", "epoch": self.epoch, "seq": self.seq,
                    "data": shape_snapshot(self._fold.to_dict())})

    def send_parts(self, wire: dict[str, Any]) -> set[str]:
        """Send final traits (``wire``: as they travel) as parts when any of them is bigger than
        ``part_bytes``: ``{"type": "part", name, id, index, last, path, op, end}`` custom messages, each
        with its piece's JSON as a binary buffer (sync.py, "Big final traits in parts"). Returns the
        names sent: the trait update that follows need not carry them.

        Then the run's content goes as parts too, every trait of it that changed, not only the big
        ones: the page sets every value of the batch at once when the part marked ``end`` comes, so
        that nothing it draws mixes final traits with stale ones (the messages read their text from
        ``text`` and ``segments``; steps, checkpoints and diffs refer to ``state``). ``state`` goes first."""
        encoded = {name: json_bytes(value) for name, value in wire.items() if isinstance(value, (list, dict, str))}
        big = {name for name, data in encoded.items() if len(data) > self.part_bytes}
        if not big:
            return set()
        names = sorted((name for name in encoded if name in big or name in CONTENT), key=lambda name: name != "state")
        for name in names:
            self._parts_id += 1
            parts = list(json_parts(wire[name], self.part_bytes, encoded=encoded[name]))
            for index, (path, op, data) in enumerate(parts):
                last = index == len(parts) - 1
                message = {"type": "part", "name": name, "id": self._parts_id, "index": index, "last": last,
                           "path": path, "op": op}
                if last and name == names[-1]:
                    message["end"] = True
                self._send(message, [data])
        return set(names)
