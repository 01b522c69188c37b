"""Interrupts, each once, from whichever events report them.

One interrupt reaches the client up to three times (``updates`` and ``values``
``__interrupt__``, a debug/tasks result); the first names no node when it comes
from ``values``, a later one may. They are told apart by the server's id, or by
their value when the server gives none.

An interrupt raised in a subgraph is reported in the subgraph's namespace and again by
the parent graph (the parent's task stopped on it). Its ``namespace`` is the deepest one
any report gives (where ``interrupt()`` was called, task ids and all: the thread
protocol's ``input.respond`` must name it exactly), its ``node`` the node the deepest
report that names one gives: the same whichever report arrives first.

A resumed run that answers some of the interrupts raises the others again: an answered
(resolved) interrupt that a later run reports again waits again.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ..types import Interrupt


def interrupt_id(interrupt: dict[str, Any]) -> str:
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
        # per interrupt: the namespace depth of the report its node comes from
        self._node_depth: dict[str, int] = {}

    @property
    def pending(self) -> bool:
        return any(not i["resolved"] for i in self.interrupts)

    def add(self, interrupt: dict[str, Any], ns: tuple[str, ...] | list[str], node: str | None, reopen: bool = True) -> None:
        """An event reports ``interrupt``. ``reopen``: the report says it waits now (a report
        read from the thread's history may be of one already answered)."""
        key = interrupt_id(interrupt)
        index = self._index.get(key)
        if index is not None:
            known = self.interrupts[index]
            changed = False
            if reopen and known["resolved"]:
                known["resolved"], changed = False, True
            if len(ns) > len(known["namespace"]):
                known["namespace"], changed = list(ns), True
            if node and len(ns) > self._node_depth.get(key, -1):
                self._node_depth[key] = len(ns)
                changed = changed or node != known["node"]
                known["node"] = node
            if changed:
                self.interrupt_log.append(key)
            return
        self._index[key] = len(self.interrupts)
        if node:
            self._node_depth[key] = len(ns)
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
