"""``RunState``: the pure fold of a run's events into what the view shows.

``apply(event)`` is the only way data gets in. No I/O, no widget, no clock: the
times come from the events, so recorded streams replay to the same result.

The fold also keeps a change log (``take_changes``) so the widget can send
only what changed since its last frame: new text, new or changed steps, new
diffs. See ``docs/architecture.md`` for the shape of every field.
"""

from __future__ import annotations

import copy
from typing import Any, Iterable

from .diff import state_ops
from .protocol import StreamEvent, message_text, parent_task_id
from .redact import redact

#: Sources of streamed model tokens; each is deduplicated against the others.
_MESSAGES_TUPLE, _MESSAGES_PARTIAL, _EVENTS = "messages-tuple", "messages/partial", "events"

_NO_META = {"node": "", "tags": [], "namespace": []}

#: What ``to_dict()`` hands out that the fold changes in place as a run goes on.
_SHARED_AFTER_A_RUN = ("segments", "_messages", "steps", "checkpoints", "diffs", "custom", "interrupts",
                       "counts", "event_kinds")


def _is_ai_chunk(message: dict) -> bool:
    kind = str(message.get("type") or "")
    return kind == "ai" or kind.startswith("AIMessage")


def _strip_ns(namespace: Iterable[str]) -> tuple[str, ...]:
    """``("child:1f2e", "inner:77")`` → ``("child", "inner")``."""
    return tuple(part.split(":", 1)[0] for part in namespace)


def _namespace_from_metadata(metadata: dict) -> tuple[str, ...]:
    # checkpoint_ns of a token's node is "parent:task|node:task": the namespace is all but the last.
    ns = metadata.get("langgraph_checkpoint_ns") or metadata.get("checkpoint_ns") or ""
    parts = [p for p in str(ns).split("|") if p]
    return tuple(parts[:-1])


def _result_dict(result: Any) -> Any:
    """Older servers send a task result as ``[[channel, value], ...]``."""
    if isinstance(result, list) and all(isinstance(p, (list, tuple)) and len(p) == 2 and isinstance(p[0], str) for p in result):
        return dict(result)
    return result


class RunState:
    """Everything a run has shown so far, folded from its events.

    ``stream_mode`` (optional) is what the run requested: it decides up front
    whether step cards come from ``debug``/``tasks`` or from ``updates`` and
    whether the state comes from ``values`` or from checkpoints. Without it
    (a recorded stream), the fold switches to the better source when it sees one.
    """

    def __init__(self, stream_mode: str | Iterable[str] | None = None):
        modes = {stream_mode} if isinstance(stream_mode, str) else set(stream_mode or ())
        self.requested_modes = frozenset(modes)
        self._steps_from_tasks = bool(modes & {"debug", "tasks"})
        self._state_from_values = "values" in modes

        self.status = "idle"
        self.run_id = ""
        self.thread_id = ""
        self._text_parts: list[str] = []
        self._text_len = 0
        self._text_cache: str | None = ""
        self.segments: list[dict[str, Any]] = []
        self._last_segment_meta: dict | None = None
        self._messages: list[dict[str, Any]] = []
        self._stale_messages: set[str] = set()
        self._message_index: dict[str, int] = {}
        self.steps: list[dict[str, Any]] = []
        self._step_index: dict[str, int] = {}
        self.checkpoints: list[dict[str, Any]] = []
        self._checkpoint_keys: set[tuple[str, str]] = set()
        self.state: Any = {}
        self.diffs: list[dict[str, Any]] = []
        self.custom: list[dict[str, Any]] = []
        self.interrupts: list[dict[str, Any]] = []
        self._interrupt_ids: set[str] = set()
        self.error: dict[str, Any] | None = None
        self.counts: dict[str, int] = {}
        self.event_kinds: dict[str, int] = {}
        self.current_node = ""
        self.event_count = 0
        self.duration = 0.0

        self._first_time: float | None = None
        # token dedup: text each source has delivered per message id, and what reached `text`
        self._source_len: dict[str, dict[str, int]] = {_MESSAGES_TUPLE: {}, _MESSAGES_PARTIAL: {}, _EVENTS: {}}
        self._emitted: dict[str, int] = {}
        self._token_meta: dict[str, dict[str, Any]] = {}
        # step numbers: the latest checkpoint step per namespace, and a super-step
        # counter for `tasks`-only runs (which carry no step numbers)
        self._checkpoint_step: dict[tuple[str, ...], int] = {}
        self._latest_checkpoint: dict[tuple[str, ...], str] = {}
        self._superstep: dict[tuple[str, ...], int] = {}
        self._last_was_result: dict[tuple[str, ...], bool] = {}
        self._updates_seq = 0
        self._nodes_since_state: list[str] = []
        self._last_root_step: int | None = None
        self._state_seen = False
        self._static_interrupt = False
        # subgraph namespaces seen, and the task ids they name that no `updates` card has taken yet
        self._namespaces: set[tuple[str, ...]] = set()
        self._unclaimed_tasks: dict[tuple[tuple[str, ...], str], list[str]] = {}
        self._changes = _ChangeLog()
        # how many items of each list the change log has already handed out
        self._marks = {"segments": 0, "diffs": 0, "custom": 0, "checkpoints": 0, "interrupts": 0}
        self._counts_sent: dict[str, int] = {}

    # ------------------------------------------------------------------ reading

    @property
    def text(self) -> str:
        if self._text_cache is None:
            self._text_cache = "".join(self._text_parts)
            self._text_parts = [self._text_cache] if self._text_cache else []
        return self._text_cache

    def text_for(self, node: str | Iterable[str] | None = None, tag: str | Iterable[str] | None = None,
                 namespace: str | Iterable[str] | None = None) -> str:
        """The token text of the segments that match every given filter.

        ``node``: node name(s) (``langgraph_node``); ``tag``: LLM call tag(s);
        ``namespace``: ``""``/``()`` for the root graph, else a subgraph path as
        ``"child"``, ``"child|inner"`` or a tuple, with or without task ids.
        """
        nodes = {node} if isinstance(node, str) else (set(node) if node is not None else None)
        tags = {tag} if isinstance(tag, str) else (set(tag) if tag is not None else None)
        text = self.text
        return "".join(
            text[seg["start"]:seg["end"]]
            for seg in self.segments
            if (nodes is None or seg["node"] in nodes)
            and (tags is None or tags & set(seg["tags"]))
            and (namespace is None or _namespace_matches(seg["namespace"], namespace))
        )

    def to_dict(self) -> dict[str, Any]:
        """Every field, as the widget's traits hold them."""
        return {
            "status": self.status,
            "run_id": self.run_id,
            "thread_id": self.thread_id,
            "text": self.text,
            "segments": self.segments,
            "messages": self.messages,
            "steps": self.steps,
            "checkpoints": self.checkpoints,
            "state": self.state,
            "diffs": self.diffs,
            "custom": self.custom,
            "interrupts": self.interrupts,
            "error": self.error,
            "counts": self.counts,
            "event_kinds": self.event_kinds,
            "current_node": self.current_node,
            "event_count": self.event_count,
            "duration": self.duration,
        }

    # ------------------------------------------------------------- status

    def set_status(self, status: str) -> None:
        if status != self.status:
            self.status = status
            self._changes.scalars.add("status")

    def set_ids(self, run_id: str | None = None, thread_id: str | None = None) -> None:
        if run_id and run_id != self.run_id:
            self.run_id = run_id
            self._changes.scalars.add("run_id")
        if thread_id and thread_id != self.thread_id:
            self.thread_id = thread_id
            self._changes.scalars.add("thread_id")

    def finish(self) -> None:
        """The stream ended without an error: ``done``, or ``interrupted``."""
        if self.status in ("error", "cancelled"):
            return
        interrupted = self._static_interrupt or any(not i["resolved"] for i in self.interrupts)
        self.set_status("interrupted" if interrupted else "done")
        for step in self.steps:  # a step the server never reported back on ended with the run
            if step["status"] == "running":
                step["status"] = "interrupted" if interrupted else "done"
                self._changes.steps.add(step["key"])

    def continue_run(self) -> None:
        """A new run continues this one on the same thread (resume, or another input).

        Everything shown so far stays; the interrupts it answers count as resolved.
        The fold goes on with copies of its data: what it had may be held elsewhere
        (a widget's final traits) and must not change under its holder.
        """
        for name in _SHARED_AFTER_A_RUN:
            setattr(self, name, copy.deepcopy(getattr(self, name)))
        for interrupt in self.interrupts:
            interrupt["resolved"] = True
        self._changes.interrupts_changed = True
        self._static_interrupt = False
        self.error = None
        self._changes.scalars.add("error")
        self.set_status("connecting")

    def fail(self, error: dict[str, Any], status: str = "error") -> None:
        """Record an error (or a cancellation) that ends the run; partial output stays."""
        self.error = error
        self._changes.scalars.add("error")
        self.set_status(status)
        for step in self.steps:
            if step["status"] == "running":
                step["status"] = "cancelled" if status == "cancelled" else "error"
                self._changes.steps.add(step["key"])

    # ----------------------------------------------------------------- the fold

    def apply(self, event: StreamEvent) -> None:
        """Fold one event in."""
        # This runs once per event (often per token): keep it lean.
        mode = event.mode
        if self._first_time is None:
            self._first_time = event.time
        self.event_count += 1
        elapsed = event.time - self._first_time
        if elapsed > self.duration:
            self.duration = elapsed
        counts = self.counts
        counts[mode] = counts.get(mode, 0) + 1
        self._changes.counted = True
        if self.status in ("idle", "connecting"):
            self.set_status("running")
        if event.namespace and event.namespace not in self._namespaces:
            self._new_namespace(event.namespace)
        handler = _HANDLERS.get(mode)
        if handler is not None:
            handler(self, event)

    def _new_namespace(self, ns: tuple[str, ...]) -> None:
        self._namespaces.add(ns)
        name, _, task_id = ns[-1].partition(":")
        if task_id:
            self._unclaimed_tasks.setdefault((ns[:-1], name), []).append(task_id)

    def apply_all(self, events: Iterable[StreamEvent]) -> "RunState":
        for event in events:
            self.apply(event)
        return self

    def _t(self, event: StreamEvent) -> float:
        return round(event.time - (self._first_time or 0.0), 6)

    # metadata / error / end ------------------------------------------------

    def _on_metadata(self, event: StreamEvent) -> None:
        data = event.data if isinstance(event.data, dict) else {}
        self.set_ids(run_id=data.get("run_id"), thread_id=data.get("thread_id"))

    def _on_error(self, event: StreamEvent) -> None:
        data = event.data
        if isinstance(data, dict):
            error_type = str(data.get("error") or "Error")
            message = data.get("message")
            message = "" if message is None else str(message)
        else:
            error_type, message = "Error", "" if data is None else str(data)
        self.fail({"type": error_type, "message": message, "kind": "run"})

    # tokens and messages -------------------------------------------------

    def _on_messages_tuple(self, event: StreamEvent) -> None:
        data = event.data
        if not (isinstance(data, list) and data and isinstance(data[0], dict)):
            return
        chunk = data[0]
        msg_id = chunk.get("id")
        msg_id = str(msg_id) if msg_id else f"#event{self.event_count}"
        known = self._token_meta.get(msg_id)
        if known is None or not known["node"]:
            metadata = data[1] if len(data) > 1 and isinstance(data[1], dict) else {}
            self._remember_token_meta(msg_id, metadata, event.namespace)
        kind = chunk.get("type")
        streamed = kind == "AIMessageChunk" or (str(kind or "").endswith("Chunk") and _is_ai_chunk(chunk))
        if streamed:
            content = chunk.get("content")
            self._tokens(_MESSAGES_TUPLE, msg_id, delta=content if type(content) is str else message_text(content))
            if msg_id in self._message_index and not chunk.get("tool_calls"):
                self._stale_messages.add(msg_id)  # the common case, one more token of a known message
                return
        self._merge_message(msg_id, chunk, streamed)

    def _on_messages_metadata(self, event: StreamEvent) -> None:
        if isinstance(event.data, dict):
            for msg_id, entry in event.data.items():
                meta = entry.get("metadata") if isinstance(entry, dict) else None
                self._remember_token_meta(str(msg_id), meta if isinstance(meta, dict) else {}, event.namespace)

    def _on_messages_partial(self, event: StreamEvent) -> None:
        for message in event.data if isinstance(event.data, list) else ():
            if not isinstance(message, dict):
                continue
            msg_id = str(message.get("id") or f"#event{self.event_count}")
            streamed = _is_ai_chunk(message)
            if streamed:  # a partial is the whole message so far, not a delta
                self._tokens(_MESSAGES_PARTIAL, msg_id, whole=message_text(message.get("content")))
            self._merge_message(msg_id, message, streamed)

    def _on_messages_complete(self, event: StreamEvent) -> None:
        for message in event.data if isinstance(event.data, list) else ():
            if isinstance(message, dict):
                self._merge_message(str(message.get("id") or f"#event{self.event_count}"), message, streamed=False)

    def _on_events(self, event: StreamEvent) -> None:
        data = event.data if isinstance(event.data, dict) else {}
        kind = str(data.get("event") or "?")
        self.event_kinds[kind] = self.event_kinds.get(kind, 0) + 1
        self._changes.scalars.add("event_kinds")
        if kind != "on_chat_model_stream":
            return
        chunk = (data.get("data") or {}).get("chunk")
        if not isinstance(chunk, dict):
            return
        msg_id = str(chunk.get("id") or data.get("run_id") or f"#event{self.event_count}")
        metadata = dict(data.get("metadata") or {})
        metadata.setdefault("tags", data.get("tags") or [])
        self._remember_token_meta(msg_id, metadata, event.namespace)
        self._tokens(_EVENTS, msg_id, delta=message_text(chunk.get("content")))
        self._merge_message(msg_id, {**chunk, "type": chunk.get("type") or "AIMessageChunk"}, streamed=True)

    def _remember_token_meta(self, msg_id: str, metadata: dict, namespace: tuple[str, ...]) -> None:
        known = self._token_meta.get(msg_id)
        if known is not None and (known["node"] or not metadata):
            return  # the first metadata that names a node wins; later chunks repeat it
        node = metadata.get("langgraph_node") or ""
        # LangGraph's own `seq:step:N` bookkeeping tags (events mode has them, messages-tuple
        # doesn't): dropped, so a message's tags don't depend on which mode arrived first.
        tags = [t for t in metadata.get("tags") or [] if not str(t).startswith("seq:step")]
        ns = tuple(namespace) or _namespace_from_metadata(metadata)
        self._token_meta[msg_id] = {"node": str(node), "tags": [str(t) for t in tags], "namespace": list(ns),
                                    "message": msg_id}

    def _tokens(self, source: str, msg_id: str, delta: str | None = None, whole: str | None = None) -> None:
        """One source's new text for a message: append to ``text`` only what no source delivered yet.

        Sources that send deltas (messages-tuple, events) are tracked by length,
        so a 10,000-token message costs no more per token than a short one.
        This runs once per token: it is kept flat on purpose.
        """
        lengths = self._source_len[source]
        before = lengths.get(msg_id, 0)
        total = before + len(delta) if delta is not None else len(whole or "")
        lengths[msg_id] = total
        emitted = self._emitted.get(msg_id, 0)
        if total <= emitted:
            return
        new = delta[emitted - before:] if delta is not None else (whole or "")[emitted:]
        self._emitted[msg_id] = total
        meta = self._token_meta.get(msg_id)
        if meta is None:  # e.g. messages/partial without a messages/metadata event first
            meta = self._token_meta[msg_id] = {**_NO_META, "message": msg_id}
        self._append_text(new, meta)

    def _append_text(self, new: str, meta: dict) -> None:
        start = self._text_len
        end = self._text_len = start + len(new)
        self._text_parts.append(new)
        self._text_cache = None
        changes = self._changes
        changes.text_parts.append(new)
        segments = self.segments
        if meta is self._last_segment_meta and segments[-1]["end"] == start:
            segments[-1]["end"] = end  # the same node, tags and message: the segment grows
        else:
            segments.append({"start": start, "end": end, **meta})
            self._last_segment_meta = meta
            node = meta["node"]
            if node and node != self.current_node and not meta["namespace"]:
                self.current_node = node
                changes.scalars.add("current_node")

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Messages merged by id; a streamed message's text (its segments of ``text``) is joined when read."""
        if self._stale_messages:
            text, pieces = self.text, {}
            for segment in self.segments:
                if segment.get("message") in self._stale_messages:
                    pieces.setdefault(segment["message"], []).append(text[segment["start"]:segment["end"]])
            for msg_id, parts in pieces.items():
                entry = self._messages[self._message_index[msg_id]]
                entry["text"] = entry["content"] = "".join(parts)
            self._stale_messages.clear()
        return self._messages

    def _merge_message(self, msg_id: str, message: dict, streamed: bool) -> None:
        index = self._message_index.get(msg_id)
        if streamed and index is not None and not message.get("tool_calls"):
            self._stale_messages.add(msg_id)  # the common case: one more token of a known message
            return
        if index is None:
            meta = self._token_meta.get(msg_id) or _NO_META
            entry = {
                "id": msg_id, "type": message.get("type"), "content": "", "text": "",
                "name": message.get("name"), "tool_calls": [], "node": meta["node"],
                "namespace": meta["namespace"],
            }
            self._message_index[msg_id] = len(self._messages)
            self._messages.append(entry)
        else:
            entry = self._messages[index]
        if streamed:
            self._stale_messages.add(msg_id)
            entry["type"] = entry["type"] or message.get("type")
        else:
            entry["type"] = message.get("type") or entry["type"]
            if "content" in message:
                entry["content"] = message["content"]
                entry["text"] = message_text(entry["content"]) or entry["text"]
                self._stale_messages.discard(msg_id)
        if message.get("name"):
            entry["name"] = message["name"]
        if message.get("tool_calls"):
            entry["tool_calls"] = message["tool_calls"]
        if message.get("tool_call_id"):
            entry["tool_call_id"] = message["tool_call_id"]

    # steps -------------------------------------------------------------------

    def _on_debug(self, event: StreamEvent) -> None:
        data = event.data if isinstance(event.data, dict) else {}
        payload = data.get("payload") if isinstance(data.get("payload"), dict) else {}
        kind = data.get("type")
        step = data.get("step") if isinstance(data.get("step"), int) else None
        if kind == "checkpoint":
            self._add_checkpoint(payload, event)
        elif kind == "task":
            self._task_started(payload, event, "debug", step)
        elif kind == "task_result":
            self._task_finished(payload, event, "debug", step)

    def _on_tasks(self, event: StreamEvent) -> None:
        payload = event.data if isinstance(event.data, dict) else {}
        if "result" in payload or "error" in payload or "interrupts" in payload:
            self._task_finished(payload, event, "tasks", None)
        elif "id" in payload:
            self._task_started(payload, event, "tasks", None)

    def _on_checkpoints(self, event: StreamEvent) -> None:
        if isinstance(event.data, dict):
            self._add_checkpoint(event.data, event)

    def _use_task_steps(self) -> None:
        """A debug/tasks event arrived: from now on they are the source of step cards."""
        if self._steps_from_tasks:
            return
        self._steps_from_tasks = True
        if any(s["source"] == "updates" for s in self.steps):
            self.steps = [s for s in self.steps if s["source"] != "updates"]
            self._step_index = {s["key"]: i for i, s in enumerate(self.steps)}
            self._changes.steps_reset = True

    def _step_number(self, ns: tuple[str, ...], given: int | None, starting: bool) -> int | None:
        if given is not None:
            return given
        if ns in self._checkpoint_step:
            return self._checkpoint_step[ns] + 1
        if starting and self._last_was_result.get(ns, True):
            self._superstep[ns] = self._superstep.get(ns, 0) + 1
        return self._superstep.get(ns)

    def _task_started(self, payload: dict, event: StreamEvent, source: str, step: int | None) -> None:
        self._use_task_steps()
        task_id = str(payload.get("id") or "")
        ns = event.namespace
        number = self._step_number(ns, step, starting=True)
        self._last_was_result[ns] = False
        card = self._upsert_step(task_id, payload.get("name"), ns, source)
        if card["step"] is None:
            card["step"] = number
        if "input" in payload:
            card["input"] = payload.get("input")
        if payload.get("triggers") is not None:
            card["triggers"] = list(payload.get("triggers") or [])
        if card["started"] is None:
            card["started"] = self._t(event)
        if card["checkpoint_id"] is None:  # the checkpoint the task ran from: fork there to re-run it
            card["checkpoint_id"] = self._latest_checkpoint.get(ns)
        if not ns and card["name"]:
            self.current_node = card["name"]
            self._changes.scalars.add("current_node")

    def _task_finished(self, payload: dict, event: StreamEvent, source: str, step: int | None) -> None:
        self._use_task_steps()
        task_id = str(payload.get("id") or "")
        ns = event.namespace
        self._last_was_result[ns] = True
        card = self._upsert_step(task_id, payload.get("name"), ns, source)
        if card["step"] is None:
            card["step"] = self._step_number(ns, step, starting=False)
        if "result" in payload:
            card["result"] = _result_dict(payload.get("result"))
        error = payload.get("error")
        card["error"] = None if error is None else str(error)
        interrupts = [i for i in payload.get("interrupts") or [] if isinstance(i, dict)]
        card["interrupts"] = interrupts
        card["status"] = "error" if error else ("interrupted" if interrupts else "done")
        if card["ended"] is None:
            card["ended"] = self._t(event)
        for interrupt in interrupts:
            self._add_interrupt(interrupt, ns, card["name"])
        if not ns and card["name"]:
            self._nodes_since_state.append(card["name"])
            self._last_root_step = card["step"]

    def _upsert_step(self, task_id: str, name: Any, ns: tuple[str, ...], source: str) -> dict:
        key = "|".join(ns) + "/" + task_id
        index = self._step_index.get(key)
        if index is None:
            card = {
                "key": key, "id": task_id, "name": str(name or ""), "namespace": list(ns),
                "parent": parent_task_id(ns), "step": None, "status": "running",
                "input": None, "result": None, "error": None, "interrupts": [], "triggers": [],
                "started": None, "ended": None, "checkpoint_id": None, "source": source,
            }
            self._step_index[key] = len(self.steps)
            self.steps.append(card)
        else:
            card = self.steps[index]
            if name and not card["name"]:
                card["name"] = str(name)
        self._changes.steps.add(key)
        return card

    def _on_updates(self, event: StreamEvent) -> None:
        data = event.data if isinstance(event.data, dict) else {}
        ns = event.namespace
        for node, update in data.items():
            if node == "__interrupt__":
                if not update and not ns:  # interrupt_before/after: the run stops with no interrupt value
                    self._static_interrupt = True
                for interrupt in update if isinstance(update, list) else [update]:
                    if isinstance(interrupt, dict):
                        self._add_interrupt(interrupt, ns, None)
                continue
            if not ns:
                self._nodes_since_state.append(str(node))
                self.current_node = str(node)
                self._changes.scalars.add("current_node")
            if self._steps_from_tasks:
                continue
            # A node that ran a subgraph takes the task id its subgraph's namespace named,
            # so the subgraph's cards can hang under it.
            waiting = self._unclaimed_tasks.get((ns, str(node)))
            if waiting:
                step_id = waiting.pop(0)
            else:
                self._updates_seq += 1
                step_id = f"update-{self._updates_seq}"
            card = self._upsert_step(step_id, node, ns, "updates")
            card.update(result=update, status="done", started=self._t(event), ended=self._t(event))

    # interrupts, custom, checkpoints, state -----------------------------

    def _add_interrupt(self, interrupt: dict, ns: tuple[str, ...], node: str | None) -> None:
        interrupt_id = str(interrupt.get("id") or interrupt.get("interrupt_id") or "")
        dedup_key = interrupt_id or repr(interrupt.get("value"))
        if dedup_key in self._interrupt_ids:
            if node:  # a later source may name the node that an earlier one did not
                for known in self.interrupts:
                    if (known["id"] or repr(known["value"])) == dedup_key and not known["node"]:
                        known["node"] = node
                        self._changes.interrupts_changed = True
            return
        self._interrupt_ids.add(dedup_key)
        self.interrupts.append({"id": interrupt_id, "value": interrupt.get("value"), "namespace": list(ns),
                                "node": node, "resolved": False})

    def _on_custom(self, event: StreamEvent) -> None:
        self.custom.append({"namespace": list(event.namespace), "data": event.data, "t": self._t(event)})

    def _add_checkpoint(self, payload: dict, event: StreamEvent) -> None:
        config = (payload.get("config") or {}).get("configurable") or {}
        parent = (payload.get("parent_config") or {}).get("configurable") or {}
        metadata = payload.get("metadata") if isinstance(payload.get("metadata"), dict) else {}
        checkpoint_id = str(config.get("checkpoint_id") or "")
        ns = event.namespace
        key = ("|".join(ns), checkpoint_id)
        step = metadata.get("step")
        if isinstance(step, int):
            self._checkpoint_step[ns] = step
        if checkpoint_id:
            self._latest_checkpoint[ns] = checkpoint_id
        if config.get("thread_id"):
            self.set_ids(thread_id=str(config["thread_id"]))
        if checkpoint_id and key in self._checkpoint_keys:
            return
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
        if not ns and not self._state_from_values and values is not None:
            self._set_state(values, step)

    def _on_values(self, event: StreamEvent) -> None:
        if event.namespace:
            return  # subgraph values are the subgraph's own state, not the run's
        values = event.data
        if isinstance(values, dict) and "__interrupt__" in values:
            for interrupt in values.get("__interrupt__") or []:
                if isinstance(interrupt, dict):
                    self._add_interrupt(interrupt, (), None)
            values = {k: v for k, v in values.items() if k != "__interrupt__"}
        if not self._state_from_values:
            self._state_from_values = True
        self._set_state(values, self._last_root_step)

    def _set_state(self, values: Any, step: int | None) -> None:
        ops = state_ops(self.state if self._state_seen else {}, values)
        self._state_seen = True
        nodes = self._nodes_since_state
        self._nodes_since_state = []
        if not ops:
            return
        self.state = values
        self._changes.scalars.add("state")
        self.diffs.append({
            "index": len(self.diffs),
            "step": step,
            "node": ", ".join(dict.fromkeys(nodes)) or None,
            "ops": ops,
        })

    # --------------------------------------------------------------- change log

    def take_changes(self) -> dict[str, Any]:
        """What changed since the last call, as a ``delta`` (see docs/architecture.md)."""
        changes, self._changes = self._changes, _ChangeLog()
        delta: dict[str, Any] = {}
        if changes.text_parts:
            delta["text"] = "".join(changes.text_parts)
        marks = self._marks
        # Only new segments: each one ends where the next starts and the last at the end
        # of the text, so a segment that only grew needs no resending (the front end knows).
        if len(self.segments) > marks["segments"]:
            delta["segments"] = self.segments[marks["segments"]:]
            marks["segments"] = len(self.segments)
        if changes.steps_reset:
            delta["steps_reset"] = True
            delta["steps"] = list(self.steps)
        elif changes.steps:
            delta["steps"] = [self.steps[self._step_index[k]] for k in changes.steps if k in self._step_index]
        for name in ("diffs", "custom", "checkpoints"):
            items = getattr(self, name)
            if len(items) > marks[name]:
                delta[name] = items[marks[name]:]
                marks[name] = len(items)
        if len(self.interrupts) > marks["interrupts"] or changes.interrupts_changed:
            delta["interrupts"] = list(self.interrupts)
            marks["interrupts"] = len(self.interrupts)
        if changes.counted:
            changes.scalars.update(("event_count", "duration"))
            sent = self._counts_sent
            delta["counts"] = {mode: n for mode, n in self.counts.items() if sent.get(mode) != n}  # merged
            sent.update(delta["counts"])
        for name in changes.scalars:
            if name != "state":
                delta[name] = getattr(self, name)
        return delta


class _ChangeLog:
    __slots__ = ("text_parts", "steps", "steps_reset", "scalars", "interrupts_changed", "counted")

    def __init__(self) -> None:
        self.text_parts: list[str] = []
        self.steps: dict[str, None] = _OrderedSet()
        self.steps_reset = False
        self.scalars: set[str] = set()
        self.interrupts_changed = False
        self.counted = False  # counts, event_count and duration changed


class _OrderedSet(dict):
    def add(self, key: str) -> None:
        self[key] = None


def _namespace_matches(segment_ns: list[str], wanted: str | Iterable[str]) -> bool:
    if isinstance(wanted, str):
        wanted = tuple(p for p in wanted.split("|") if p)
    wanted = tuple(wanted)
    if not wanted:
        return not segment_ns
    if tuple(segment_ns) == wanted:
        return True
    return _strip_ns(segment_ns) == _strip_ns(wanted)


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
}
