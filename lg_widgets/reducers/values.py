"""The graph's state, the diffs between its versions, and its checkpoints.

The state comes from root ``values`` events, or from checkpoints when the run
streams no ``values``. Each change of the state is one diff (RFC 6902 ops, see
``diff.py``), labelled with the nodes that ran since the previous one.
"""

from __future__ import annotations

from typing import Any

from ..diff import state_ops
from ..redact import redact
from ..types import Checkpoint, Diff


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


class ValuesReducer:
    def __init__(self, from_values: bool):
        #: root `values` events are the source of the state (else checkpoints, until one arrives)
        self.from_values = from_values
        self.state: Any = {}
        self.diffs: list[Diff] = []
        self.checkpoints: list[Checkpoint] = []
        self._checkpoint_keys: set[tuple[str, str]] = set()
        self._seen = False
        self._nodes_since_state: list[str] = []
        self._last_root_step: int | None = None

    def node_finished(self, name: str, step: int | None = None, numbered: bool = False) -> None:
        """A root node finished: the next diff names it (and, from tasks, its step number)."""
        self._nodes_since_state.append(name)
        if numbered:
            self._last_root_step = step

    def checkpoint(self, payload: dict[str, Any], ns: tuple[str, ...]) -> tuple[Any, str, str]:
        """Record a checkpoint; returns its step, its id and its thread id ("" when unknown)."""
        config = _dict(_dict(payload.get("config")).get("configurable"))
        parent = _dict(_dict(payload.get("parent_config")).get("configurable"))
        metadata = _dict(payload.get("metadata"))
        checkpoint_id = str(config.get("checkpoint_id") or "")
        step = metadata.get("step")
        key = ("|".join(ns), checkpoint_id)
        if checkpoint_id and key in self._checkpoint_keys:
            return step, checkpoint_id, str(config.get("thread_id") or "")
        self._checkpoint_keys.add(key)
        values = payload.get("values")
        self.checkpoints.append({
            "checkpoint_id": checkpoint_id,
            "parent_checkpoint_id": parent.get("checkpoint_id"),
            "namespace": list(ns),
            "step": step,
            "source": metadata.get("source"),
            "next": list(payload.get("next") or []),
            "values": values,
            "metadata": redact(metadata),
        })
        if not ns and not self.from_values and values is not None:
            self._set(values, step)
        return step, checkpoint_id, str(config.get("thread_id") or "")

    def values(self, values: Any) -> list[dict[str, Any]]:
        """A root ``values`` event; returns the interrupts it carries (``__interrupt__``, not state)."""
        interrupts: list[dict[str, Any]] = []
        if isinstance(values, dict) and "__interrupt__" in values:
            interrupts = [i for i in values.get("__interrupt__") or [] if isinstance(i, dict)]
            values = {k: v for k, v in values.items() if k != "__interrupt__"}
        self.from_values = True
        self._set(values, self._last_root_step)
        return interrupts

    def _set(self, values: Any, step: int | None) -> None:
        ops = state_ops(self.state if self._seen else {}, values)
        self._seen = True
        nodes, self._nodes_since_state = self._nodes_since_state, []
        if not ops:
            return
        self.state = values
        self.diffs.append({
            "index": len(self.diffs),
            "step": step,
            "node": ", ".join(dict.fromkeys(nodes)) or None,
            "ops": ops,
        })
