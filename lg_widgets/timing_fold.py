"""``RunState``'s timeline and usage: where its events go for ``timeline`` and ``usage``.

A mix-in of ``RunState`` (state.py calls these hooks from its handlers), so the fold stays one
object and every source (runs stream, thread protocol, recording, local graph) fills both fields.
The reducers themselves are ``reducers/timeline.py`` and ``reducers/usage.py``.
"""

from __future__ import annotations

from typing import Any

from .protocol import StreamEvent
from .reducers.steps import StepReducer
from .reducers.timeline import TimelineReducer, span_key
from .reducers.tokens import namespace_from_metadata
from .reducers.usage import UsageReducer
from .types import Span, Step, Usage


class TimingFold:
    step_cards: StepReducer

    def _init_timing(self) -> None:
        self.spans = TimelineReducer()
        self.usage_sums = UsageReducer()
        #: the view's clock at the latest event (seconds, pauses between runs left out)
        self._now = 0.0
        self._removed_seen = 0
        self._tuple_tokens = False  # messages-tuple counts the tokens (else the events mode)
        self._input_seen = False
        self._task_of: dict[str, tuple[str | None, tuple[str, ...]]] = {}

    @property
    def timeline(self) -> list[Span]:
        return self.spans.spans

    @property
    def usage(self) -> Usage:
        return self.usage_sums.usage

    def _timing_new_run(self) -> None:
        self.spans.new_run()
        self._input_seen = False

    def _timing_end(self, status: str) -> None:
        self._sync_removed()
        self.spans.end(status, self._now)

    def _sync_removed(self) -> None:
        removed = self.step_cards.removed_log
        if len(removed) != self._removed_seen:
            self.spans.remove(set(removed[self._removed_seen:]))
            self._removed_seen = len(removed)

    # tasks -------------------------------------------------------------------

    def _at(self, data: Any) -> tuple[float, str]:
        """When a task event happened: the debug event's server timestamp, else its arrival."""
        at = self.spans.server_time(data.get("timestamp"), self._now) if isinstance(data, dict) else None
        return (self._now, "arrival") if at is None else (at, "server")

    def _span_started(self, card: Step, data: Any, derived: bool = False) -> None:
        self._sync_removed()
        at, clock = self._at(data)
        if derived:  # read from the thread's history: its task started at the last super-step's end
            at = self.spans.boundaries((), self._now)[1]
        self.spans.started(card, at, clock, self._now)

    def _span_finished(self, card: Step, data: Any, guessed_start: bool = False, derived: bool = False) -> None:
        self._sync_removed()
        at, clock = self._at(data)
        if derived:  # it ended by the last super-step's end, and began by the one before
            before, at = self.spans.boundaries((), self._now)
            self.spans.finished(card, at, clock, before)
            return
        self.spans.finished(card, at, clock, guessed_start)

    # tokens and usage -----------------------------------------------------------

    def _timing_tuple(self, data: Any) -> None:
        """A messages-tuple event: a token of its task, and the usage its chunk carries."""
        if not (isinstance(data, list) and len(data) > 1 and isinstance(data[0], dict) and isinstance(data[1], dict)):
            return
        chunk, metadata = data[0], data[1]
        self._tuple_tokens = True
        self._chunk(chunk, metadata, "messages-tuple")

    def _timing_events(self, data: dict[str, Any], kind: str) -> None:
        """An events-mode model event: its stream's tokens (when messages-tuple is not there), its end's usage."""
        if kind == "on_chat_model_stream" and not self._tuple_tokens:
            chunk = (data.get("data") or {}).get("chunk")
            if isinstance(chunk, dict):
                self._chunk({**chunk, "usage_metadata": None}, data.get("metadata") or {}, "events")
        elif kind == "on_chat_model_end":
            output = (data.get("data") or {}).get("output")
            metadata = data.get("metadata") or {}
            if isinstance(output, dict):
                self.usage_sums.whole(output, str(metadata.get("langgraph_node") or ""),
                                      namespace_from_metadata(metadata), metadata)

    def _chunk(self, chunk: dict[str, Any], metadata: dict[str, Any], mode: str) -> None:
        node = str(metadata.get("langgraph_node") or "")
        kind = str(chunk.get("type") or "")
        if chunk.get("usage_metadata"):
            ns = namespace_from_metadata(metadata)
            if kind.endswith("Chunk"):
                self.usage_sums.chunk(chunk, mode, node, ns, metadata)
            else:
                self.usage_sums.whole(chunk, node, ns, metadata)
        if chunk.get("content") and kind.endswith("Chunk"):
            # once per token: a task's span and namespace are read from its checkpoint_ns once
            checkpoint_ns = str(metadata.get("langgraph_checkpoint_ns") or metadata.get("checkpoint_ns") or "")
            where = self._task_of.get(checkpoint_ns)
            if where is None:
                where = self._task_of[checkpoint_ns] = (span_key(checkpoint_ns), namespace_from_metadata(metadata))
            self.spans.token(where[0], where[1], node, self._now, 1)

    def _timing_whole(self, value: Any, node: str, ns: tuple[str, ...]) -> None:
        """A state, an update or a task's result: the AI messages it holds, whole."""
        self.usage_sums.all_whole(value, node, ns)

    def _timing_values(self, event: StreamEvent) -> None:
        """A root values event: a super-step ended; the run's first one is its input. A subgraph's
        state says which subgraph its new messages came from."""
        if event.namespace:
            self.usage_sums.all_whole(event.data, "", event.namespace)
            return
        self.spans.boundary((), self._now)
        if not self._input_seen:
            self._input_seen = True
            self.usage_sums.input_state(event.data)
        else:
            self.usage_sums.all_whole(event.data, "", ())
