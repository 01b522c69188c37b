"""How an answer to interrupts is checked, whatever the protocol that carries it."""

from __future__ import annotations

from typing import Any

from ..errors import InvalidArgument
from ..types import Interrupt


def answers(waiting: list[Interrupt], value: Any) -> dict[str, Any]:
    """Interrupt id → its answer. One interrupt waiting takes ``value``; several take a dict that
    maps some or all of their ids to their answers (a plain value would be refused by the server,
    after it had failed the run). Those left unanswered stay waiting: the server asks them again."""
    if not waiting:
        raise InvalidArgument("Nothing to resume: no interrupt is waiting for an answer.")
    if len(waiting) == 1:
        return {waiting[0]["id"]: value}
    ids = {i["id"] for i in waiting}
    if not (isinstance(value, dict) and value and set(value) <= ids):
        raise InvalidArgument(f"{len(waiting)} interrupts wait for an answer: pass a dict mapping their ids "
                              f"({', '.join(sorted(ids))}), all or some, to their answers.")
    return {i["id"]: value[i["id"]] for i in waiting if i["id"] in value}
