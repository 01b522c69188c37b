"""The embedded server's repeat on a rejoin: the last few events of its replay, sent again at once.

A rejoin subscribes to the run's live queue, then replays the stored events; what the run stores
while the replay goes out is in both, so it comes twice in a row: the replay's last ``j`` events,
then the same ``j`` again (``j`` unknown, often 1, more on a loaded machine). When the repeat
reaches back to an earlier id, the id order tells (``RunStream``); when all of it shares the last
id, only the events themselves can: ``RepeatedTail`` holds back events that repeat the latest ones
until the repeat is whole (dropped) or breaks off (passed on, nothing lost).
"""

from __future__ import annotations

from typing import Generic, Hashable, TypeVar

T = TypeVar("T")


class RepeatedTail(Generic[T]):
    """One connection's latest events that share an id, and the ones held back as a possible repeat."""

    def __init__(self) -> None:
        self._id: object = None
        self._keys: list[Hashable] = []  # the latest id's events on this connection, in order
        self._held: list[T] = []
        self._starts: list[int] = []  # where in _keys the events the held ones repeat may start

    def seen(self, event_id: object, key: Hashable) -> None:
        """An event the stream drops anyway (it had it before the cut): still one a repeat repeats."""
        if event_id != self._id:
            self._id, self._keys = event_id, []
        self._keys.append(key)

    def offer(self, event_id: object, key: Hashable, item: T) -> tuple[list[T], bool]:
        """``item`` arrived: the items to pass on now, and whether a whole repeat was just dropped."""
        if event_id != self._id:
            before = self.release()
            self.seen(event_id, key)
            return [*before, item], False
        passed: list[T] = []
        held = len(self._held)
        starts = [i for i in self._starts if self._keys[i + held] == key]
        if held and not starts:  # the held events were no repeat; this one may begin one
            passed, held = self.release(), 0
        if not held:
            starts = [i for i, earlier in enumerate(self._keys) if earlier == key]
        self._keys.append(key)
        if not starts:
            return [*passed, item], False
        self._held.append(item)
        self._starts = starts
        first_held = len(self._keys) - len(self._held)
        if any(first_held - start == len(self._held) for start in starts):  # start..first_held came again
            self._held, self._starts = [], []
            return passed, True
        return passed, False

    def release(self) -> list[T]:
        """The events held back, to pass on (they were no repeat)."""
        held, self._held, self._starts = self._held, [], []
        return held
