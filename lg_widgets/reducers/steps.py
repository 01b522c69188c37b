"""Step cards: one per graph task, from ``debug`` / ``tasks`` events, else from ``updates``.

``debug`` and ``tasks`` report the same tasks (started, then finished with a result,
an error or interrupts) and upsert the same card. Without them, each ``updates``
entry is a finished card of its own. A subgraph's steps name the task that ran the
subgraph in their namespace (``node:task_id``): that is their ``parent``.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from ..protocol import parent_task_id
from ..types import Step


_EXCEPTION_REPR = re.compile(r"^([A-Za-z_][\w.]*)\((.*)\)$", re.DOTALL)


def error_text(error: Any) -> str:
    """A failed task's error as one text, ``Type: message``, whichever protocol told it: the runs
    stream sends ``{"error": type, "message": ...}``, the thread's history the exception's repr
    (``ValueError('boom')``)."""
    if isinstance(error, dict) and ("error" in error or "message" in error):
        kind, message = str(error.get("error") or ""), str(error.get("message") or "")
        return f"{kind}: {message}" if kind and message else kind or message
    text = str(error)
    match = _EXCEPTION_REPR.match(text)
    if match:
        try:
            args = ast.literal_eval(match[2]) if match[2] else ""
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return text
        if isinstance(args, str):
            return f"{match[1]}: {args}" if args else match[1]
    return text


def _result_dict(result: Any) -> Any:
    """Older servers send a task result as ``[[channel, value], ...]``."""
    if isinstance(result, list) and all(isinstance(p, (list, tuple)) and len(p) == 2 and isinstance(p[0], str) for p in result):
        return dict(result)
    return result


class StepReducer:
    def __init__(self, from_tasks: bool):
        #: debug/tasks events are the source of the cards (else updates, until one arrives)
        self.from_tasks = from_tasks
        self.steps: list[Step] = []
        self._index: dict[str, int] = {}
        #: keys of cards that were added or changed, in order (may repeat)
        self.step_log: list[str] = []
        #: keys of cards that were taken away (updates cards, once debug/tasks take over)
        self.removed_log: list[str] = []
        # step numbers: the latest checkpoint step per namespace, and a super-step
        # counter for `tasks`-only runs (which carry no step numbers)
        self._checkpoint_step: dict[tuple[str, ...], int] = {}
        self._latest_checkpoint: dict[tuple[str, ...], str] = {}
        self._superstep: dict[tuple[str, ...], int] = {}
        self._last_was_result: dict[tuple[str, ...], bool] = {}
        self._updates_seq = 0
        # the task ids subgraph namespaces named that no `updates` card has taken yet
        self._unclaimed_tasks: dict[tuple[tuple[str, ...], str], list[str]] = {}
        # keys of the cards this run's end closed without the server reporting back on them
        self._unreported: list[str] = []
        # keys of cards dropped because their task never ran (a stop before it): the thread's
        # history still lists it, without a result, once a later checkpoint supersedes it
        self._never_ran: set[str] = set()

    def step(self, key: str) -> Step:
        return self.steps[self._index[key]]

    def has(self, key: str) -> bool:
        return key in self._index

    def new_namespace(self, ns: tuple[str, ...]) -> None:
        name, _, task_id = ns[-1].partition(":")
        if task_id:
            self._unclaimed_tasks.setdefault((ns[:-1], name), []).append(task_id)

    def checkpoint(self, ns: tuple[str, ...], step: Any, checkpoint_id: str) -> None:
        """A checkpoint was saved: later tasks of ``ns`` run from it, as step ``step + 1``."""
        if isinstance(step, int):
            self._checkpoint_step[ns] = step
        if checkpoint_id:
            self._latest_checkpoint[ns] = checkpoint_id

    def task_started(self, payload: dict[str, Any], ns: tuple[str, ...], source: str, step: int | None, t: float) -> Step:
        self._use_tasks()
        number = self._step_number(ns, step, starting=True)
        self._last_was_result[ns] = False
        card = self._upsert(str(payload.get("id") or ""), payload.get("name"), ns, source)
        if card["step"] is None:
            card["step"] = number
        if "input" in payload:
            card["input"] = payload.get("input")
        if payload.get("triggers") is not None:
            card["triggers"] = list(payload.get("triggers") or [])
        if card["started"] is None:
            card["started"] = t
        if card["checkpoint_id"] is None:  # the checkpoint the task ran from: fork there to re-run it
            card["checkpoint_id"] = self._latest_checkpoint.get(ns)
        return card

    def task_finished(self, payload: dict[str, Any], ns: tuple[str, ...], source: str, step: int | None, t: float) -> Step:
        """The task's card, with its result, error and interrupts (the caller records those interrupts)."""
        self._use_tasks()
        self._last_was_result[ns] = True
        card = self._upsert(str(payload.get("id") or ""), payload.get("name"), ns, source)
        if card["step"] is None:
            card["step"] = self._step_number(ns, step, starting=False)
        if "result" in payload:
            card["result"] = _result_dict(payload.get("result"))
        error = payload.get("error")
        card["error"] = None if error is None else error_text(error)
        card["interrupts"] = [i for i in payload.get("interrupts") or [] if isinstance(i, dict)]
        card["status"] = "error" if error else ("interrupted" if card["interrupts"] else "done")
        if card["ended"] is None:
            card["ended"] = t
        return card

    def update(self, node: str, update: Any, ns: tuple[str, ...], t: float) -> Step | None:
        """One node's ``updates`` entry: a finished card, unless debug/tasks make the cards."""
        if self.from_tasks:
            return None
        # A node that ran a subgraph takes the task id its subgraph's namespace named,
        # so the subgraph's cards can hang under it.
        waiting = self._unclaimed_tasks.get((ns, node))
        if waiting:
            step_id = waiting.pop(0)
        else:
            self._updates_seq += 1
            step_id = f"update-{self._updates_seq}"
        card = self._upsert(step_id, node, ns, "updates")
        card["result"], card["status"], card["started"], card["ended"] = update, "done", t, t
        return card

    def set_status(self, card: Step, status: str) -> None:
        card["status"] = status  # type: ignore[typeddict-item]
        self.step_log.append(card["key"])

    def end(self, status: str) -> None:
        """The run ended: a step the server never reported back on ends with it."""
        for card in self.steps:
            if card["status"] == "running":
                card["status"] = status  # type: ignore[typeddict-item]
                self.step_log.append(card["key"])
                self._unreported.append(card["key"])

    def new_run(self) -> None:
        """The next run on the thread goes on in these cards."""
        self._unreported = []

    def drop_unreported(self) -> None:
        """The run stopped before the steps it never reported back on ran (its recursion limit: the
        thread's history lists the next step's tasks, which never start): they are no steps."""
        dropped = set(self._unreported) | {s["key"] for s in self.steps if s["status"] == "running"}
        self._unreported = []
        self._never_ran |= dropped
        if dropped:
            self._remove(dropped)

    def reported(self) -> list[Step]:
        """The cards of tasks the server reported on (not those the run's end closed unreported)."""
        unreported = set(self._unreported)
        return [s for s in self.steps if s["key"] not in unreported and s["status"] != "running"]

    def never_ran(self, payload: dict[str, Any], ns: tuple[str, ...]) -> bool:
        """A task read again from the history that never ran (dropped at a stop); one that now has
        a result, an error or interrupts ran after all (a resume ran it under the same id)."""
        key = "|".join(ns) + "/" + str(payload.get("id") or "")
        if key not in self._never_ran:
            return False
        if payload.get("result") is not None or payload.get("error") or payload.get("interrupts"):
            self._never_ran.discard(key)
            return False
        return True

    # internals -------------------------------------------------------------

    def _use_tasks(self) -> None:
        """A debug/tasks event arrived: from now on they are the source of step cards."""
        if self.from_tasks:
            return
        self.from_tasks = True
        self._remove({s["key"] for s in self.steps if s["source"] == "updates"})

    def _remove(self, keys: set[str]) -> None:
        removed = [s["key"] for s in self.steps if s["key"] in keys]
        if removed:
            self.steps = [s for s in self.steps if s["key"] not in keys]
            self._index = {s["key"]: i for i, s in enumerate(self.steps)}
            self.removed_log.extend(removed)

    def _step_number(self, ns: tuple[str, ...], given: int | None, starting: bool) -> int | None:
        if given is not None:
            return given
        if ns in self._checkpoint_step:
            return self._checkpoint_step[ns] + 1
        if starting and self._last_was_result.get(ns, True):
            self._superstep[ns] = self._superstep.get(ns, 0) + 1
        return self._superstep.get(ns)

    def _upsert(self, task_id: str, name: Any, ns: tuple[str, ...], source: str) -> Step:
        key = "|".join(ns) + "/" + task_id
        index = self._index.get(key)
        if index is None:
            card: Step = {
                "key": key, "id": task_id, "name": str(name or ""), "namespace": list(ns),
                "parent": parent_task_id(ns), "step": None, "status": "running",
                "input": None, "result": None, "error": None, "interrupts": [], "triggers": [],
                "started": None, "ended": None, "checkpoint_id": None,
                "source": source,  # type: ignore[typeddict-item]
            }
            self._index[key] = len(self.steps)
            self.steps.append(card)
        else:
            card = self.steps[index]
            if name and not card["name"]:
                card["name"] = str(name)
        self.step_log.append(key)
        return card
