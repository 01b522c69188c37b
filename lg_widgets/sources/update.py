"""A state update as a run of the view: ``POST /threads/{id}/state`` at a stop, then the thread's
new state, folded as a step card of its own and a diff (derived events: a recording keeps them).

It speaks no protocol of its own: the next run (a step, a resume, a next turn) is the one the
run before it would have made, so it hands those to that run's source.
"""

from __future__ import annotations

import time
from typing import Any, AsyncIterator

from ..errors import HTTPStatusError, InvalidArgument
from ..lifecycle import Lifecycle
from ..protocol import DerivedEvent, StreamEvent
from ..transport import ApiClient
from ..types import Interrupt
from .base import Breakpoints, Capability, RunSource
from .connection import Server, thread_stop


#: A ``RemoveMessage`` with this id empties the list (langgraph's ``REMOVE_ALL_MESSAGES``).
REMOVE_ALL = "__remove_all__"


def check_removals(values: Any, state: Any) -> None:
    """Refuse, before anything is sent, a ``RemoveMessage`` whose id the view's state does not hold:
    the server would answer 400 and the view end in error. It happens on the thread protocol, whose
    streamed ids are not all the stored ones (docs/threads-protocol.md, "Known limits")."""
    if not isinstance(values, dict) or not isinstance(state, dict):
        return
    for key, update in values.items():
        held = state.get(key)
        if not isinstance(update, list) or not isinstance(held, list):
            continue
        ids = {_field(m, "id") for m in held} | {REMOVE_ALL}
        removed = [_field(m, "id") for m in update if _field(m, "type") == "remove"]
        unknown = [str(i) for i in removed if i not in ids]
        if unknown:
            raise InvalidArgument(
                f"No message with the id {', '.join(map(repr, unknown))} in the state's {key!r} (view.state"
                f"[{key!r}] holds the ids a RemoveMessage can name); the server would refuse it. "
                "On the thread protocol a tool's result streams as 'tool-<tool call id>' while the state keeps "
                "the ToolMessage's own id, and a streamed model reply is stored as 'lc_run--<uuid>', not under "
                "the model's or the graph's id: take the id from view.state, or use protocol='runs'.")


def _field(message: Any, name: str) -> Any:
    return message.get(name) if isinstance(message, dict) else getattr(message, name, None)


class StateUpdateSource:
    """``values`` written into the thread of ``previous`` (as if ``as_node`` had returned them)."""

    follows_thread = False
    note = ""
    run_id: str | None = None

    def __init__(self, previous: RunSource, values: Any, as_node: str | None, ran: list[str] | None = None):
        if previous.server is None or not previous.thread_id:
            raise InvalidArgument("Only a threaded run's state can be updated: create the view with thread_id='new'.")
        self.previous, self.values, self.as_node = previous, values, as_node
        #: the nodes of the last super-step: with several, the server wants to know which one wrote
        self.ran = list(ran or [])
        self.protocol = previous.protocol
        self.assistant_id = previous.assistant_id
        self.modes, self.fold_modes = previous.modes, previous.fold_modes
        self.capabilities: frozenset[Capability] = previous.capabilities - {"cancel", "breakpoints"}
        self.server: Server | None = previous.server
        self._thread_id: str = previous.thread_id
        self.api: ApiClient | None = None

    @property
    def thread_id(self) -> str | None:
        return self._thread_id

    def again(self) -> "StateUpdateSource":
        return StateUpdateSource(self.previous, self.values, self.as_node, self.ran)

    async def open(self) -> None:
        self.api = await (self.server or Server()).api()

    async def events(self) -> AsyncIterator[StreamEvent | Lifecycle]:
        assert self.api is not None, "open() first"
        try:
            checkpoint_id = await self.api.update_state(self._thread_id, self.values, None, self.as_node)
        except HTTPStatusError as error:
            # Several nodes ran in the last super-step (parallel branches): the update is the first's.
            if self.as_node is not None or "Ambiguous update" not in str(error) or not self.ran:
                raise
            self.as_node = self.ran[0]
            checkpoint_id = await self.api.update_state(self._thread_id, self.values, None, self.as_node)
        state = await self.api.thread_state(self._thread_id)
        now = time.monotonic()
        task = {"id": f"update_state:{checkpoint_id}", "name": "update_state", "triggers": [],
                "input": {"values": self.values, "as_node": self.as_node}}
        yield DerivedEvent("tasks", "tasks", (), task, None, now)
        yield DerivedEvent("tasks", "tasks", (), {"id": task["id"], "name": "update_state", "result": self.values,
                                                  "error": None, "interrupts": []}, None, now)
        # as the updates mode would say it: the diff that follows is the update's
        yield DerivedEvent("updates", "updates", (), {"update_state": self.values}, None, now)
        yield DerivedEvent("values", "values", (), state.get("values") or {}, None, now)

    async def cancel(self) -> bool:
        return False

    async def aclose(self) -> None:
        if self.api is not None:
            await self.api.aclose()

    async def graph(self) -> dict[str, Any] | None:
        return None  # the view drew it with the run before

    async def thread_stop(self, breakpoints: bool = False) -> dict[str, Any] | None:
        return None if self.api is None else await thread_stop(self.api, self._thread_id, breakpoints)

    # the next run is the one the run before would have made ---------------------------------

    def with_breakpoints(self, breakpoints: Breakpoints) -> RunSource:
        return self

    def resumed(self, value: Any, waiting: list[Interrupt]) -> RunSource:
        return self.previous.resumed(value, waiting)

    def forked(self, checkpoint_id: str, input: Any = None) -> RunSource:
        return self.previous.forked(checkpoint_id, input)

    def continued(self, input: Any) -> RunSource:
        return self.previous.continued(input)

    async def answer(self, value: Any, waiting: list[Interrupt]) -> None:
        await self.previous.answer(value, waiting)
