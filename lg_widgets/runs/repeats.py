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
    """One connection's latest events that share an id, and the ones held back as a possible repeat.

    A repeat may begin with the event the replay ended with (``" "``, then ``" ", "token", " "``
    again): a whole short repeat is kept in mind while a longer one may still come, and the longest
    whole one is dropped once none can grow (``settle``).
    """

    def __init__(self) -> None:
        self._id: object = None
        self._keys: list[Hashable] = []  # the latest id's events on this connection, in order
        self._held: list[T] = []
        self._starts: list[int] = []  # where in _keys the events the held ones repeat may start
        self._whole = 0  # how many of the held events make a whole repeat already
        #: a repeat was found (and dropped)
        self.found = False

    def seen(self, event_id: object, key: Hashable) -> None:
        """An event the stream drops anyway (it had it before the cut): still one a repeat repeats."""
        if event_id != self._id:
            self._id, self._keys = event_id, []
        self._keys.append(key)

    def offer(self, event_id: object, key: Hashable, item: T) -> list[T]:
        """``item`` arrived: the items to pass on now (none while they may be a repeat)."""
        if event_id != self._id:
            passed = self.settle()
            self.seen(event_id, key)
            return [*passed, item]
        if not self._held:
            return self._begin(key, item)
        self._starts = [i for i in self._starts if self._keys[i + len(self._held)] == key]
        if not self._starts:  # no repeat grows with it: settle, and it may begin one of its own
            passed = self.settle()
            return [*passed, item] if self.found else [*passed, *self._begin(key, item)]
        self._keys.append(key)
        self._held.append(item)
        return self._grown()

    def settle(self) -> list[T]:
        """End the held run: the longest whole repeat in it is dropped, the rest passed on."""
        held, whole = self._held, self._whole
        self._held, self._starts, self._whole = [], [], 0
        self.found = self.found or whole > 0
        return held[whole:]

    def _begin(self, key: Hashable, item: T) -> list[T]:
        starts = [i for i, earlier in enumerate(self._keys) if earlier == key]
        self._keys.append(key)
        if not starts:
            return [item]
        self._held, self._starts = [item], starts
        return self._grown()

    def _grown(self) -> list[T]:
        """The held events grew by one: note a repeat that is now whole; settle once none can grow."""
        first_held = len(self._keys) - len(self._held)
        if any(first_held - start == len(self._held) for start in self._starts):
            self._whole = len(self._held)
            self._starts = [start for start in self._starts if first_held - start > len(self._held)]
        return [] if self._starts else self.settle()
