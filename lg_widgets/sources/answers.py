"""How an answer to interrupts is checked, whatever the protocol that carries it."""

from __future__ import annotations

from typing import Any

from ..errors import InvalidArgument
from ..types import Interrupt


def answers(waiting: list[Interrupt], value: Any) -> dict[str, Any]:
    """Interrupt id → its answer. One interrupt waiting takes ``value``; several take a dict that
    maps each of their ids to its answer (a plain value would be refused by the server, after it
    had failed the run)."""
    if not waiting:
        raise InvalidArgument("Nothing to resume: no interrupt is waiting for an answer.")
    if len(waiting) == 1:
        return {waiting[0]["id"]: value}
    ids = {i["id"] for i in waiting}
    if not (isinstance(value, dict) and set(value) == ids):
        raise InvalidArgument(f"{len(waiting)} interrupts wait for an answer: pass a dict mapping each of "
                              f"their ids ({', '.join(sorted(ids))}) to its answer.")
    return {i["id"]: value[i["id"]] for i in waiting}
