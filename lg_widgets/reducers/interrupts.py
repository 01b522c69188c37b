"""Interrupts, each once, from whichever events report them.

One interrupt reaches the client up to three times (``updates`` and ``values``
``__interrupt__``, a debug/tasks result); the first names no node when it comes
from ``values``, a later one may. They are told apart by the server's id, or by
their value when the server gives none.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ..types import Interrupt


def interrupt_id(interrupt: dict) -> str:
    """The server's id, else ``value-<hash>`` of the value (stable, whichever event carried it)."""
    given = interrupt.get("id") or interrupt.get("interrupt_id")
    if given:
        return str(given)
    value = json.dumps(interrupt.get("value"), sort_keys=True, default=str)
    return "value-" + hashlib.sha1(value.encode()).hexdigest()[:12]


class InterruptReducer:
    def __init__(self) -> None:
        self.interrupts: list[Interrupt] = []
        self._index: dict[str, int] = {}
        #: ids of interrupts that were added or changed, in order (may repeat)
        self.interrupt_log: list[str] = []

    @property
    def pending(self) -> bool:
        return any(not i["resolved"] for i in self.interrupts)

    def add(self, interrupt: dict, ns: tuple[str, ...] | list[str], node: str | None) -> None:
        key = interrupt_id(interrupt)
        index = self._index.get(key)
        if index is not None:
            known = self.interrupts[index]
            if node and not known["node"]:  # a later source names the node an earlier one did not
                known["node"] = node
                self.interrupt_log.append(key)
            return
        self._index[key] = len(self.interrupts)
        self.interrupts.append({"id": key, "value": interrupt.get("value"), "namespace": list(ns),
                                "node": node, "resolved": False})
        self.interrupt_log.append(key)

    def resolve_all(self) -> None:
        """A new run answers every interrupt shown so far."""
        for interrupt in self.interrupts:
            if not interrupt["resolved"]:
                interrupt["resolved"] = True
                self.interrupt_log.append(interrupt["id"])

    def get(self, key: str) -> Interrupt:
        return self.interrupts[self._index[key]]

    def __iter__(self) -> Any:
        return iter(self.interrupts)
