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


# How a cursor follows a field, by the field's rule (fields.py): a ``mark`` of where the page is,
# and a ``take`` that puts what the fold holds beyond the mark in the delta and returns the new
# mark. Made once per field (a frame runs every one of them).

Mark = Callable[[RunState], Any]
Take = Callable[[RunState, Any, dict[str, Any]], Any]


def _appended(name: str, tags: dict[str, Any]) -> tuple[Mark, Take]:
    """``append``: the new text, or the new items. (Segments only grow at the end: they tile the
    text, so one that only grew needs no resending.)"""
    def mark(fold: RunState) -> int:
        return len(getattr(fold, name))

    def take(fold: RunState, sent: int, delta: dict[str, Any]) -> int:
        value = getattr(fold, name)
        if len(value) > sent:
            delta[name] = value[sent:]
        return len(value)
    return mark, take


def _upserted(name: str, tags: dict[str, Any]) -> tuple[Mark, Take]:
    """``upsert``: the items whose keys the reducer logged since, each once, as they are now; then
    the keys taken away, if any, under the row's ``removed`` name."""
    removed_name = tags.get("removed")

    def mark(fold: RunState) -> tuple[int, int]:
        log = fold.keyed_log(name)
        return len(log.log), len(log.removed)

    def take(fold: RunState, sent: tuple[int, int], delta: dict[str, Any]) -> tuple[int, int]:
        log = fold.keyed_log(name)
        now = len(log.log), len(log.removed)
        if now[0] > sent[0]:
            delta[name] = [item for key in dict.fromkeys(log.log[sent[0]:]) if (item := log.get(key)) is not None]
        if now[1] > sent[1] and removed_name:
            delta[removed_name] = list(dict.fromkeys(log.removed[sent[1]:]))
        return now
    return mark, take


def _merged(name: str, tags: dict[str, Any]) -> tuple[Mark, Take]:
    """``merge``: only the entries that changed (the page merges them by key)."""
    def mark(fold: RunState) -> dict[str, Any]:
        return dict(getattr(fold, name))

    def take(fold: RunState, sent: dict[str, Any], delta: dict[str, Any]) -> dict[str, Any]:
        changed = {key: value for key, value in getattr(fold, name).items() if sent.get(key) != value}
        if changed:
            delta[name] = changed
            sent.update(changed)
        return sent
    return mark, take


def _replaced(name: str, tags: dict[str, Any]) -> tuple[Mark, Take]:
    """``replace``: the value, when it changed; with ``end_with_final``, only a live one (a run's
    end comes with the final traits, after what they bring)."""
    live_only = bool(tags.get("end_with_final"))

    def mark(fold: RunState) -> Any:
        return getattr(fold, name)

    def take(fold: RunState, sent: Any, delta: dict[str, Any]) -> Any:
        value = getattr(fold, name)
        if live_only and value not in LIVE_STATUSES:
            return sent
        if value != sent:
            delta[name] = value
        return value
    return mark, take


_RULES = {"append": _appended, "upsert": _upserted, "merge": _merged, "replace": _replaced}
#: Each delta field, with how its rule follows it.
_FOLLOW = [(name, *_RULES[ROWS[name].metadata["live"]](name, ROWS[name].metadata)) for name in DELTA_FIELDS]


class _Cursor:
    """How much of a fold the page already has: a mark per delta field."""

    def __init__(self, fold: RunState):
        self.marks = [mark(fold) for _, mark, _ in _FOLLOW]

    def advance(self, fold: RunState) -> dict[str, Any]:
        """What ``fold`` holds beyond the cursor, as delta fields; the cursor moves to the end."""
        delta: dict[str, Any] = {}
        marks = self.marks
        for i, (_, _, take) in enumerate(_FOLLOW):
            marks[i] = take(fold, marks[i], delta)
        return delta


def live_shape(fields: dict[str, Any], run: RunState) -> dict[str, Any]:
    """Run data as it travels live (deltas, snapshots): each field in its row's ``preview`` shape
    (big payloads previewed, streamed messages without their text)."""
    return {name: PREVIEWS[name](value, run) if name in PREVIEWS else value for name, value in fields.items()}


def _nowhere(message: dict[str, Any], buffers: Any = None) -> None:
    """A closed view's sends: its comm is gone."""


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

    def detach(self) -> None:
        """Send nothing more (the view closed): let go of its ``send`` and of the fold."""
        self._send = _nowhere
        self._fold = self._cursor = None

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
