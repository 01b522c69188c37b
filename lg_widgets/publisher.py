"""The kernel's side of the live contract: ``reset``, ``delta`` and ``snapshot`` messages.

The publisher owns the sequence number and the run *epoch*. A new view run
starts a new epoch with a ``reset`` (the page clears); a run that continues the
view (resume, fork in place) stays in its epoch, and the page keeps all it
shows. Between, every frame sends what the fold added since the last one: the
publisher reads the fold's growing lists and change logs with a cursor of its
own (the fold knows nothing of it), each field by its rule in ``fields.py`` (which appends,
which upserts by key, which replaces). ``docs/architecture.md`` has the contract.
"""

from __future__ import annotations

from typing import Any, Callable

from .fields import CONTENT, DELTA_FIELDS, PREVIEWS, ROWS
from .state import RunState
from .sync import PART_BYTES, json_bytes, json_parts
from .types import LIVE_STATUSES

__all__ = ["CONTENT", "LIVE_STATUSES", "Publisher"]


# How a cursor follows a field, by the field's rule (fields.py): ``mark`` says where the page
# is now, ``take`` puts what the fold holds beyond the mark in the delta and returns the new mark.

def _mark_length(fold: RunState, name: str) -> int:
    return len(getattr(fold, name))


def _take_appended(fold: RunState, name: str, sent: int, delta: dict[str, Any]) -> int:
    """``append``: the new text, or the new items. (Segments only grow at the end: they tile
    the text, so one that only grew needs no resending.)"""
    value = getattr(fold, name)
    if len(value) > sent:
        delta[name] = value[sent:]
    return len(value)


def _mark_logs(fold: RunState, name: str) -> tuple[int, int]:
    log = fold.keyed_log(name)
    return len(log.log), len(log.removed)


def _take_upserted(fold: RunState, name: str, sent: tuple[int, int], delta: dict[str, Any]) -> tuple[int, int]:
    """``upsert``: the items whose keys the reducer logged since, each once, as they are now;
    then the keys taken away, if any, under the row's ``removed`` name."""
    log = fold.keyed_log(name)
    keys = _new_keys(log.log, sent[0])
    if keys:
        delta[name] = [item for key in keys if (item := log.get(key)) is not None]
    removed = _new_keys(log.removed, sent[1])
    if removed:
        delta[ROWS[name].metadata["removed"]] = removed
    return len(log.log), len(log.removed)


def _mark_entries(fold: RunState, name: str) -> dict:
    return dict(getattr(fold, name))


def _take_merged(fold: RunState, name: str, sent: dict, delta: dict[str, Any]) -> dict:
    """``merge``: only the entries that changed (the page merges them by key)."""
    changed = {key: value for key, value in getattr(fold, name).items() if sent.get(key) != value}
    if changed:
        delta[name] = changed
        sent.update(changed)
    return sent


def _mark_value(fold: RunState, name: str) -> Any:
    return getattr(fold, name)


def _take_replaced(fold: RunState, name: str, sent: Any, delta: dict[str, Any]) -> Any:
    """``replace``: the value, when it changed."""
    value = getattr(fold, name)
    if ROWS[name].metadata.get("end_with_final") and value not in LIVE_STATUSES:
        return sent  # a run's end comes with the final traits, after what they bring
    if value != sent:
        delta[name] = value
    return value


def _new_keys(log: list[str] | Any, sent: int) -> list[str]:
    return list(dict.fromkeys(log[sent:]))


_RULES: dict[str, tuple[Callable[..., Any], Callable[..., Any]]] = {
    "append": (_mark_length, _take_appended),
    "upsert": (_mark_logs, _take_upserted),
    "merge": (_mark_entries, _take_merged),
    "replace": (_mark_value, _take_replaced),
}
_FOLLOW = [(name, *_RULES[ROWS[name].metadata["live"]]) for name in DELTA_FIELDS]


class _Cursor:
    """How much of a fold the page already has: a mark per delta field."""

    def __init__(self, fold: RunState):
        self.marks = {name: mark(fold, name) for name, mark, _ in _FOLLOW}

    def advance(self, fold: RunState) -> dict[str, Any]:
        """What ``fold`` holds beyond the cursor, as delta fields; the cursor moves to the end."""
        delta: dict[str, Any] = {}
        marks = self.marks
        for name, _, take in _FOLLOW:
            marks[name] = take(fold, name, marks[name], delta)
        return delta


def live_shape(fields: dict[str, Any], run: RunState) -> dict[str, Any]:
    """Run data as it travels live (deltas, snapshots): each field in its row's ``preview`` shape
    (big payloads previewed, streamed messages without their text)."""
    return {name: PREVIEWS[name](value, run) if name in PREVIEWS else value for name, value in fields.items()}


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
                        **live_shape(fields, self._fold)})

    def snapshot(self) -> None:
        """Everything so far, for a page that appears mid-run. The pending changes go out first
        as a delta of their own: pages that had the last delta need them, and the snapshot, with
        that delta's seq, already holds them."""
        if self._fold is None:
            return
        self.flush()
        self._send({"type": "snapshot", "epoch": self.epoch, "seq": self.seq,
                    "data": live_shape(self._fold.to_dict(), self._fold)})

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
