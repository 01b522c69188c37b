"""``RunState``: the pure fold of a run's events into what the view shows.

``apply(event)`` is the only way anything gets in: the server's events
(``StreamEvent``) and what happens to the run around them (``Lifecycle``:
started, continued, ids learned, ended, failed, cancelled). No I/O, no widget,
no clock: the times come from the events, so recorded streams replay to the
same result.

The work is split among reducers that talk through return values:
``TokenReducer`` (text, segments, messages), ``StepReducer`` (step cards),
``ValuesReducer`` (state, diffs, checkpoints) and ``InterruptReducer``. Their
lists only grow, and each keeps a log of the keys it changed, so a reader (the
widget's publisher) can follow a run with its own cursor. See
``docs/architecture.md`` for the shape of every field.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Literal, NamedTuple, Sequence

from .fields import RUN_FIELDS
from .lifecycle import Lifecycle
from .protocol import DerivedEvent, StreamEvent
from .reducers.interrupts import InterruptReducer
from .reducers.steps import StepReducer
from .reducers.tokens import TokenReducer
from .reducers.tools import ToolCallReducer
from .reducers.values import ValuesReducer
from .namespaces import namespace_matches
from .thread_fold import ThreadChannels
from .types import (Branch, Checkpoint, CustomEvent, Diff, ErrorInfo, Interrupt, Message, RunStatus, Segment, Step,
                    ToolCall)

Protocol = Literal["runs", "threads"]


class KeyedLog(NamedTuple):
    """What a reducer logs of a field it upserts: the keys of the items that changed, in order
    (a key may repeat), the item of a key (None once taken away), the keys taken away."""

    log: list[str]
    get: Callable[[str], Any]
    removed: Sequence[str] = ()


class RunState(ThreadChannels):
    """Everything a run has shown so far, folded from its events: no I/O, no widget, no clock.

    Feed it events with `apply` (or `apply_all`), end it with `finish`, and read the same fields
    a `StreamView` syncs (`text`, `segments`, `messages`, `steps`, `state`, `diffs`, `checkpoints`,
    `interrupts`, `custom`, `status`, `error`, ...; `to_dict()` gives them all).

    Args:
        stream_mode: what the run requested: it decides up front whether step cards come from
            `debug`/`tasks` or from `updates`, and the state from `values` or from checkpoints.
            Without it (a recorded stream), the fold switches to the better source when it sees one.
        protocol: `"runs"` (the runs stream's events, by stream mode) or `"threads"` (the
            thread-centric protocol's events, by channel: step cards then come from the thread's
            checkpoints, which the source folds in as `DerivedEvent`s).

    Example:
        ```python
        from lg_widgets import RunState, parse_event

        state = RunState(["updates"]).apply_all(events).finish()
        state.status, [step["node"] for step in state.steps]
        ```
    """

    def __init__(self, stream_mode: str | Iterable[str] | None = None, protocol: Protocol = "runs"):
        modes = {stream_mode} if isinstance(stream_mode, str) else set(stream_mode or ())
        self.protocol = protocol
        self._handlers = _THREAD_HANDLERS if protocol == "threads" else _HANDLERS
        self.tokens = TokenReducer()
        self.step_cards = StepReducer(from_tasks=protocol == "threads" or bool(modes & {"debug", "tasks"}))
        self.values = ValuesReducer(from_values=protocol == "threads" or "values" in modes)
        self.interrupt_list = InterruptReducer()
        self.tools = ToolCallReducer()
        self._init_timing()  # timeline, usage (timing_fold.py)

        self.status: RunStatus = "idle"
        self.run_id = ""
        self.thread_id = ""
        self.custom: list[CustomEvent] = []
        #: forks run in place: where each starts in the steps and events
        self.branches: list[Branch] = []
        self.error: ErrorInfo | None = None
        self.counts: dict[str, int] = {}
        self.event_kinds: dict[str, int] = {}
        self.current_node = ""
        self.event_count = 0
        self.duration = 0.0
        self._first_time: float | None = None
        #: the first event of the view's current run, and how long its earlier runs ran
        self._run_first_time: float | None = None
        self._ran_before = 0.0
        self._static_interrupt = False  # interrupt_before/after: stopped with no interrupt value
        #: a breakpoint stop: ``{when: "before"|"after", nodes, next}`` (the thread's next nodes), else None
        self.stop: dict[str, Any] | None = None
        # The run's own events are arriving: an interrupt they report waits now. A resumed run on the
        # thread protocol is preceded by the thread's replay of where it stood (an interrupt answered
        # in the same command among it), until the run's root `running`.
        self._run_live = True
        self._namespaces: set[tuple[str, ...]] = set()

    # ------------------------------------------------------------------ reading

    @property
    def text(self) -> str:
        return self.tokens.text

    @property
    def segments(self) -> list[Segment]:
        return self.tokens.segments

    @property
    def messages(self) -> list[Message]:
        return self.tokens.messages

    @property
    def steps(self) -> list[Step]:
        return self.step_cards.steps

    @property
    def state(self) -> Any:
        return self.values.state

    @property
    def diffs(self) -> list[Diff]:
        return self.values.diffs

    @property
    def checkpoints(self) -> list[Checkpoint]:
        return self.values.checkpoints

    @property
    def interrupts(self) -> list[Interrupt]:
        return self.interrupt_list.interrupts

    @property
    def tool_calls(self) -> list[ToolCall]:
        return self.tools.tool_calls

    def text_for(self, node: str | Iterable[str] | None = None, tag: str | Iterable[str] | None = None,
                 namespace: str | Iterable[str] | None = None) -> str:
        """The token text of the segments that match every given filter.

        Args:
            node: node name(s) (the event's `langgraph_node`).
            tag: tag(s) of the model call.
            namespace: `""`/`()` for the root graph, else a subgraph path as `"child"`,
                `"child|inner"` or a tuple, with or without task ids.

        Returns:
            The matching text, in the order it arrived.
        """
        nodes = {node} if isinstance(node, str) else (set(node) if node is not None else None)
        tags = {tag} if isinstance(tag, str) else (set(tag) if tag is not None else None)
        text = self.text
        return "".join(
            text[seg["start"]:seg["end"]]
            for seg in self.segments
            if (nodes is None or seg["node"] in nodes)
            and (tags is None or tags & set(seg["tags"]))
            and (namespace is None or namespace_matches(seg["namespace"], namespace))
        )

    def to_dict(self) -> dict[str, Any]:
        """Every field, as the widget's traits hold them (in the order of fields.py's table)."""
        return {name: getattr(self, name) for name in RUN_FIELDS}

    def keyed_log(self, name: str) -> KeyedLog:
        """The change log of an ``upsert`` field (fields.py), for a reader with a cursor of its own."""
        if name == "steps":
            cards = self.step_cards
            return KeyedLog(cards.step_log, lambda key: cards.step(key) if cards.has(key) else None, cards.removed_log)
        if name == "messages":
            return KeyedLog(self.tokens.message_log, self.tokens.message)
        if name == "interrupts":
            return KeyedLog(self.interrupt_list.interrupt_log, self.interrupt_list.get)
        if name == "tool_calls":
            return KeyedLog(self.tools.tool_log, self.tools.get)
        if name == "timeline":
            return KeyedLog(self.spans.span_log, self.spans.get, self.spans.removed_log)
        raise KeyError(f"{name!r} is not an upserted field of the fold")

    # ----------------------------------------------------------------- the fold

    def apply(self, event: StreamEvent | Lifecycle) -> None:
        """Fold one event in: a server event (`StreamEvent`), or a lifecycle event of the run (`Lifecycle`).

        Args:
            event: the event.
        """
        # This runs once per event (often per token): keep it lean.
        kind = type(event)
        if kind is Lifecycle:
            self._lifecycle(event)  # type: ignore[arg-type]
            return
        if kind is DerivedEvent:  # not the server's: folded, not counted
            handler = self._handlers.get(event.mode)  # type: ignore[union-attr]
            if handler is not None:
                handler(self, event)  # type: ignore[arg-type]
            return
        mode = event.mode  # type: ignore[union-attr]
        if self._first_time is None:
            self._first_time = event.time  # type: ignore[union-attr]
        if self._run_first_time is None:
            self._run_first_time = event.time  # type: ignore[union-attr]
        self.event_count += 1
        # Running time: the pauses between a run and the next one of the view are left out.
        elapsed = self._ran_before + event.time - self._run_first_time  # type: ignore[union-attr]
        self._now = round(elapsed, 6)
        if elapsed > self.duration:
            self.duration = elapsed
        counts = self.counts
        counts[mode] = counts.get(mode, 0) + 1
        if self.status in ("idle", "connecting"):
            self.status = "running"
        ns = event.namespace  # type: ignore[union-attr]
        if ns and ns not in self._namespaces:
            self._namespaces.add(ns)
            self.step_cards.new_namespace(ns)
        handler = self._handlers.get(mode)
        if handler is not None:
            handler(self, event)  # type: ignore[arg-type]

    def apply_all(self, events: Iterable[StreamEvent | Lifecycle]) -> "RunState":
        """Fold every event in, in order.

        Args:
            events: any iterable of events (a recording, `view.events`, a client's stream collected).

        Returns:
            The state itself.
        """
        for event in events:
            self.apply(event)
        return self

    @property
    def stopped_on_interrupt(self) -> bool:
        """The events so far say the run stops on an interrupt (one waits for an answer, or
        ``interrupt_before``/``after`` stopped it)."""
        return self._static_interrupt or self.interrupt_list.pending

    def finish(self) -> "RunState":
        """Shorthand for `apply(Lifecycle("end"))`: the stream closed without an error.

        Returns:
            The state itself (status `done`, or `interrupted` when the run stopped on an interrupt).
        """
        self.apply(Lifecycle("end"))
        return self

    def _t(self, event: StreamEvent) -> float:
        return round(event.time - (self._first_time or 0.0), 6)

    def _fallback_id(self) -> str:
        return f"#event{self.event_count}"

    # lifecycle -------------------------------------------------------------

    def _lifecycle(self, event: Lifecycle) -> None:
        kind = event.kind
        if kind == "start":
            self.status = "connecting"
            self.step_cards.new_run()
            self._timing_new_run()
        elif kind == "continue":
            # The next run on the thread goes on in this view: what it shows stays; the
            # interrupts it answers count as resolved.
            self.interrupt_list.resolve_all()
            if event.checkpoint_id is not None:
                self.branches.append({"checkpoint_id": event.checkpoint_id, "steps_before": len(self.steps),
                                      "events_before": self.event_count, "text_before": self.tokens.length})
            self._ran_before, self._run_first_time = self.duration, None
            self._static_interrupt = False
            self.stop = None
            self._run_live = self.protocol != "threads"
            self.error = None
            self.status = "connecting"
            self.step_cards.new_run()
            self._timing_new_run()
        elif kind == "ids":
            self.run_id = event.run_id or self.run_id
            self.thread_id = event.thread_id or self.thread_id
        elif kind == "end":
            if self.status in ("error", "cancelled"):
                return
            self.status = "interrupted" if self.stopped_on_interrupt else "done"
            self.step_cards.end(self.status)
            self._timing_end(self.status)
        elif kind in ("fail", "cancel"):
            self.error = event.error
            self.status = "cancelled" if kind == "cancel" else "error"
            self.step_cards.end(self.status)
            if event.error and event.error.get("type") == "GraphRecursionError":
                self.step_cards.drop_unreported()
            self._timing_end(self.status)

    # server events -----------------------------------------------------------

    def _on_metadata(self, event: StreamEvent) -> None:
        data = event.data if isinstance(event.data, dict) else {}
        self._lifecycle(Lifecycle("ids", run_id=data.get("run_id"), thread_id=data.get("thread_id")))

    def _on_error(self, event: StreamEvent) -> None:
        data = event.data
        if isinstance(data, dict):
            error_type = str(data.get("error") or "Error")
            message = data.get("message")
            message = "" if message is None else str(message)
        else:
            error_type, message = "Error", "" if data is None else str(data)
        self._lifecycle(Lifecycle("fail", error={"type": error_type, "message": message, "kind": "run"}))

    def _speaking(self, node: str | None) -> None:
        if node and node != self.current_node:
            self.current_node = node

    def _on_messages_tuple(self, event: StreamEvent) -> None:
        self._timing_tuple(event.data)
        node = self.tokens.messages_tuple(event.data, event.namespace, self._fallback_id())
        if node:
            self._speaking(node)

    def _on_messages_metadata(self, event: StreamEvent) -> None:
        self.tokens.messages_metadata(event.data, event.namespace)

    def _on_messages_partial(self, event: StreamEvent) -> None:
        self._timing_whole(event.data, "", event.namespace)
        self._speaking(self.tokens.messages_partial(event.data, self._fallback_id()))

    def _on_messages_complete(self, event: StreamEvent) -> None:
        self._timing_whole(event.data, "", event.namespace)
        self._speaking(self.tokens.messages_partial(event.data, self._fallback_id(), complete=True))

    def _on_events(self, event: StreamEvent) -> None:
        data = event.data if isinstance(event.data, dict) else {}
        kind = str(data.get("event") or "?")
        self.event_kinds[kind] = self.event_kinds.get(kind, 0) + 1
        self._timing_events(data, kind)
        if kind == "on_chat_model_stream":
            self._speaking(self.tokens.chat_model_stream(data, event.namespace, self._fallback_id()))

    def _on_debug(self, event: StreamEvent) -> None:
        data = event.data if isinstance(event.data, dict) else {}
        payload = data["payload"] if isinstance(data.get("payload"), dict) else {}
        kind = data.get("type")
        step = data.get("step") if isinstance(data.get("step"), int) else None
        if kind == "checkpoint":
            self._checkpoint(payload, event.namespace)
        elif kind == "task":
            self._task_started(payload, event, "debug", step, data)
        elif kind == "task_result":
            self._task_finished(payload, event, "debug", step, data)

    def _on_tasks(self, event: StreamEvent) -> None:
        payload = event.data if isinstance(event.data, dict) else {}
        if "result" in payload or "error" in payload or "interrupts" in payload:
            self._task_finished(payload, event, "tasks", None)
        elif "id" in payload:
            self._task_started(payload, event, "tasks", None)

    def _on_checkpoints(self, event: StreamEvent) -> None:
        if isinstance(event.data, dict):
            self._checkpoint(event.data, event.namespace)

    def _checkpoint(self, payload: dict[str, Any], ns: tuple[str, ...]) -> None:
        self.spans.boundary(ns, self._now)
        step, checkpoint_id, thread_id = self.values.checkpoint(payload, ns)
        self.step_cards.checkpoint(ns, step, checkpoint_id)
        if thread_id and not self.thread_id:
            self.thread_id = thread_id

    def _task_started(self, payload: dict[str, Any], event: StreamEvent, source: str, step: int | None,
                      debug: Any = None) -> None:
        if type(event) is DerivedEvent and self.step_cards.never_ran(payload, event.namespace):
            return
        card = self.step_cards.task_started(payload, event.namespace, source, step, self._t(event))
        self._span_started(card, debug, derived=type(event) is DerivedEvent)
        if not event.namespace and card["name"]:
            self.current_node = card["name"]

    def _task_finished(self, payload: dict[str, Any], event: StreamEvent, source: str, step: int | None,
                       debug: Any = None) -> None:
        ns = event.namespace
        if type(event) is DerivedEvent and self.step_cards.never_ran(payload, ns):
            return
        card = self.step_cards.task_finished(payload, ns, source, step, self._t(event))
        self._span_finished(card, debug, derived=type(event) is DerivedEvent)
        self._timing_whole(payload.get("result"), card["name"], ns)
        live = type(event) is not DerivedEvent  # the thread's history also lists interrupts already answered
        for interrupt in card["interrupts"]:
            self.interrupt_list.add(interrupt, ns, card["name"], reopen=live and self._run_live)
        self.tools.link(card)
        # A task read from the thread's history after its state arrived names no diff.
        if not ns and card["name"] and live:
            self.values.node_finished(card["name"], card["step"], numbered=True)

    def _on_updates(self, event: StreamEvent) -> None:
        data = event.data if isinstance(event.data, dict) else {}
        ns = event.namespace
        for node, update in data.items():
            if node == "__interrupt__":
                if not update and not ns:  # interrupt_before/after: the run stops with no interrupt value
                    self._static_interrupt = True
                for interrupt in update if isinstance(update, list) else [update]:
                    if isinstance(interrupt, dict):
                        self.interrupt_list.add(interrupt, ns, None, reopen=self._run_live)
                continue
            if not ns:
                self.values.node_finished(str(node))
                self.current_node = str(node)
            self._timing_whole(update, str(node), ns)
            card = self.step_cards.update(str(node), update, ns, self._t(event))
            if card is not None:
                self._span_finished(card, None, guessed_start=True)

    def _on_stop(self, event: StreamEvent) -> None:
        """A breakpoint stop the view read off the thread (a derived event: a recording keeps it)."""
        self.stop = event.data if isinstance(event.data, dict) else None
        self._static_interrupt = self.stop is not None
        self.step_cards.drop_unreported()  # the thread's history lists the next tasks: they never ran

    def _on_custom(self, event: StreamEvent) -> None:
        self.custom.append({"namespace": list(event.namespace), "data": event.data, "t": self._t(event)})

    def _on_values(self, event: StreamEvent) -> None:
        self._timing_values(event)
        if event.namespace:
            return  # subgraph values are the subgraph's own state, not the run's
        for interrupt in self.values.values(event.data):
            self.interrupt_list.add(interrupt, (), None, reopen=self._run_live)


_HANDLERS = {
    "metadata": RunState._on_metadata,
    "error": RunState._on_error,
    "messages": RunState._on_messages_tuple,
    "messages/metadata": RunState._on_messages_metadata,
    "messages/partial": RunState._on_messages_partial,
    "messages/complete": RunState._on_messages_complete,
    "events": RunState._on_events,
    "debug": RunState._on_debug,
    "tasks": RunState._on_tasks,
    "checkpoints": RunState._on_checkpoints,
    "updates": RunState._on_updates,
    "values": RunState._on_values,
    "custom": RunState._on_custom,
    "stop": RunState._on_stop,
}

#: The thread protocol's channels. ``tasks`` and ``checkpoints`` are what the source reads from
#: the thread's checkpoint history (the server streams no task events), in the runs stream's shapes.
_THREAD_HANDLERS = {
    "lifecycle": RunState._on_lifecycle,
    "values": RunState._on_thread_values,
    "updates": RunState._on_thread_updates,
    "messages": RunState._on_thread_messages,
    "tools": RunState._on_tools,
    "input.requested": RunState._on_input_requested,
    "custom": RunState._on_custom,
    "tasks": RunState._on_tasks,
    "checkpoints": RunState._on_checkpoints,
    "error": RunState._on_error,
    "stop": RunState._on_stop,
}
