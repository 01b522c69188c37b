"""``RunState``'s handlers of the thread protocol's own channels (``lifecycle``, ``input.requested``,
``messages`` as content-block deltas, ``tools``; ``values`` and ``updates`` as they come there).

A mix-in of ``RunState`` (state.py maps each channel to its handler); the channels both protocols
share (``custom``, ``tasks``, ``checkpoints``, ``error``, ``stop``) have one handler there.
"""

from __future__ import annotations

from typing import Any, Callable

from .lifecycle import Lifecycle
from .protocol import StreamEvent, lifecycle_run_id
from .reducers.interrupts import InterruptReducer
from .reducers.tokens import TokenReducer
from .reducers.tools import ToolCallReducer
from .timing_fold import TimingFold
from .types import RunStatus


class ThreadChannels(TimingFold):
    # what RunState holds and does, that these handlers use
    status: RunStatus
    run_id: str
    current_node: str
    tokens: TokenReducer
    interrupt_list: InterruptReducer
    tools: ToolCallReducer
    _run_live: bool
    _static_interrupt: bool
    _lifecycle: Callable[[Lifecycle], None]
    _t: Callable[[StreamEvent], float]
    _speaking: Callable[[str | None], None]
    _fallback_id: Callable[[], str]
    _on_values: Callable[[StreamEvent], None]
    _on_updates: Callable[[StreamEvent], None]

    def _on_lifecycle(self, event: StreamEvent) -> None:
        """Runs and subgraphs start and end. A root ``running`` starts a run (in an attached view,
        the next run of the thread goes on in the same view); its end sets the status. A subgraph's
        start and end are those of the parent's task that runs it (``node:task_id``)."""
        data = event.data if isinstance(event.data, dict) else {}
        status, ns = data.get("event"), event.namespace
        if ns:
            name, _, task_id = ns[-1].partition(":")  # the parent's node, and its task that runs the subgraph
            payload: dict[str, Any] = {"id": task_id, "name": name}
            if status == "started":
                self._span_started(self.step_cards.task_started(payload, ns[:-1], "lifecycle", None, self._t(event)), None)
            elif status in ("completed", "failed", "interrupted"):
                payload["error"] = (data.get("error") or "the subgraph failed") if status == "failed" else None
                card = self.step_cards.task_finished(payload, ns[:-1], "lifecycle", None, self._t(event))
                if status == "interrupted":
                    self.step_cards.set_status(card, "interrupted")
                self._span_finished(card, None)
            return
        if status == "running":
            if self.status in ("done", "interrupted", "error", "cancelled"):
                self._lifecycle(Lifecycle("continue"))
            self.status = "running"
            self._run_live = True
            run_id = lifecycle_run_id(getattr(event, "event_id", None))
            if run_id:
                self.run_id = run_id
        elif status == "completed":
            self._lifecycle(Lifecycle("end"))
        elif status == "interrupted":
            self._static_interrupt = not self.interrupt_list.pending  # a cancel says interrupted too
            self._lifecycle(Lifecycle("end"))
        elif status == "failed":
            message = str(data.get("error") or "the run failed")
            self._lifecycle(Lifecycle("fail", error={"type": "RunError", "message": message, "kind": "run"}))

    def _on_input_requested(self, event: StreamEvent) -> None:
        data = event.data if isinstance(event.data, dict) else {}
        interrupt = {"id": data.get("interrupt_id"), "value": data.get("payload")}
        self.interrupt_list.add(interrupt, event.namespace, None, reopen=self._run_live)

    def _on_thread_messages(self, event: StreamEvent) -> None:
        self._speaking(self.tokens.block_event(event.data, event.namespace, self._fallback_id()))

    def _on_thread_values(self, event: StreamEvent) -> None:
        self._speaking(self.tokens.values_messages(event.data, event.namespace))
        self._on_values(event)

    def _on_thread_updates(self, event: StreamEvent) -> None:
        node = getattr(event, "node", None)
        self._on_updates(event)
        if node and not event.namespace:
            self.current_node = str(node)

    def _on_tools(self, event: StreamEvent) -> None:
        self.tools.event(event.data, event.namespace, getattr(event, "node", None), self._t(event))
