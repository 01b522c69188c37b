"""The synced fields: one row each, read by the kernel and (exported) by the page.

Each trait of ``Fields`` is a row: its type, default and help are the trait's, and its tags say
how the field travels (docs/architecture.md, "The live contract"):

- ``live``, how a delta carries it while a run streams:
  ``replace`` (its new value), ``append`` (new text, or new items), ``upsert`` (new and changed
  items, by ``key``; ``removed`` names the delta field of the keys taken away), ``merge`` (the
  entries that changed), ``final`` (never: the page keeps it current from other fields; a
  snapshot and the final traits carry it), ``trait`` (not the run's: the view sets the trait
  itself, and the trait update carries it whenever it changes).
- ``preview``: its shape in deltas and snapshots, big payloads previewed (sync.py).
- ``to_json``: the final trait's shape on the wire (ipywidgets calls it; sync.py).
- ``each_frame``: Python readers see it on the view every frame while a run streams.
- ``end_with_final``: a delta carries it only while the run is live: its end comes with the
  final traits, after the full values they bring.
- ``status_line``: the page shows it in its status line.

Every field but the ``trait`` ones is a ``RunState`` attribute (``RunState.to_dict``); the
run's *content* (``append``, ``upsert`` and ``final`` fields) is what the page draws from, and
goes as one batch when final traits travel in parts. The page never writes a field: they are
``read_only`` here (the view sets them with ``set_trait``) except those Python code may point a
view at (``thread_id``) and those the view sets as plain attributes.

``export_json()`` is the table as the page reads it: ``js/src/fields.json``, written by
``scripts/export_fields.py`` (``make js``), committed, and checked by tests/test_fields.py.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Literal, get_args

import traitlets as t

from .stops import WHEN, breakpoints_of, split_breakpoints
from .sync import (PREVIEW, STATE_REF, TEXT_IN_SEGMENTS, checkpoints_to_json, diffs_to_json, each, live_duration,
                   live_messages, live_state, messages_to_json, preview_checkpoint, preview_custom, preview_diff,
                   preview_interrupt, preview_step, preview_tool_call, steps_to_json)
from .types import (LIVE_STATUSES, STATUSES, Branch, Checkpoint, CustomEvent, Diff, ErrorKind, Interrupt, Message,
                    Segment, Span, Status, Step, ToolCall)
from .reducers.usage import empty_usage

#: The live rules (the ``live`` tag).
Live = Literal["replace", "append", "upsert", "merge", "final", "trait"]


class Fields(t.HasTraits):
    """StreamView's synced traits, one row per field (the table itself: see the module's docstring).

    A widget lists it before ``anywidget.AnyWidget`` in its bases, so that a page's update of
    a field is refused here (``set_state``)."""

    status = t.Enum(STATUSES, "idle", read_only=True,
                    help="idle → connecting → running → done | interrupted | error | cancelled."
                    ).tag(sync=True, live="replace", each_frame=True, end_with_final=True)
    run_id = t.Unicode("", read_only=True, help="The server's id of the latest run ('' until known).").tag(
        sync=True, live="replace", each_frame=True, status_line=True)
    thread_id = t.Unicode("", help="The thread the run is on ('' for a stateless run).").tag(
        sync=True, live="replace", each_frame=True, status_line=True)
    text = t.Unicode("", read_only=True, help="Every streamed AI token, once, in arrival order.").tag(
        sync=True, live="append")
    segments: t.List[Segment] = t.List(read_only=True, help="Segment dicts tiling `text`: which node, tags, "
                                       "namespace and message each stretch of text came from.").tag(
        sync=True, live="append")
    messages: t.List[Message] = t.List(read_only=True, help="Message dicts merged by id.").tag(
        sync=True, live="upsert", key="id", preview=live_messages, to_json=messages_to_json)
    steps: t.List[Step] = t.List(read_only=True, help="Step dicts, one per graph task, in the order they started.").tag(
        sync=True, live="upsert", key="key", removed="steps_removed", preview=each(preview_step), to_json=steps_to_json)
    checkpoints: t.List[Checkpoint] = t.List(read_only=True, help="Checkpoint dicts (threaded runs).").tag(
        sync=True, live="append", preview=each(preview_checkpoint), to_json=checkpoints_to_json)
    state = t.Any({}, read_only=True, help="The latest root-graph state (without `__interrupt__`).").tag(
        sync=True, live="final", preview=live_state)
    diffs: t.List[Diff] = t.List(read_only=True, help="Diff dicts: the RFC 6902 ops between consecutive states.").tag(
        sync=True, live="append", preview=each(preview_diff), to_json=diffs_to_json)
    custom: t.List[CustomEvent] = t.List(read_only=True, help="CustomEvent dicts: what the graph's stream writers "
                                         "sent.").tag(sync=True, live="append", preview=each(preview_custom))
    interrupts: t.List[Interrupt] = t.List(read_only=True, help="Interrupt dicts, each once.").tag(
        sync=True, live="upsert", key="id", preview=each(preview_interrupt))
    error = t.Dict(allow_none=True, default_value=None, read_only=True,
                   help="ErrorInfo {type, message, kind} of a run that failed or was cancelled, else None."
                   ).tag(sync=True, live="replace")
    counts = t.Dict(read_only=True, help="Events received per stream mode.").tag(sync=True, live="merge")
    event_kinds = t.Dict(read_only=True, help="`events`-mode events per kind (on_chain_start, ...).").tag(
        sync=True, live="merge")
    current_node = t.Unicode("", read_only=True, help="The root-graph node that ran or spoke last.").tag(
        sync=True, live="replace", status_line=True)
    event_count = t.Int(0, read_only=True, help="Events received.").tag(sync=True, live="replace", status_line=True)
    duration = t.Float(0.0, read_only=True, help="Seconds the view's runs ran: each run's first event to its last, "
                                                 "summed (the pauses between one run and the next left out).").tag(
        sync=True, live="replace", status_line=True, preview=live_duration)
    branches: t.List[Branch] = t.List(read_only=True, help="Branch dicts: forks run inside this view.").tag(
        sync=True, live="append")
    tool_calls: t.List[ToolCall] = t.List(read_only=True, help="ToolCall dicts: the tools the graph ran "
                                          "(thread protocol).").tag(
        sync=True, live="upsert", key="id", preview=each(preview_tool_call))
    timeline: t.List[Span] = t.List(read_only=True, help="Span dicts: one per task execution, in the order tasks "
                                    "started (start, end, first token in seconds; clock 'server' or 'arrival').").tag(
        sync=True, live="upsert", key="id", removed="timeline_removed")
    usage = t.Dict(default_value=dict(empty_usage()), read_only=True, help="Usage: token usage_metadata summed "
                   "once per AI message: total, by_node, by_model, by_namespace.").tag(
        sync=True, live="replace", status_line=True)
    stop = t.Dict(allow_none=True, default_value=None, read_only=True,
                  help="A breakpoint stop (interrupt_before/after) {when: 'before'|'after', nodes, next}, else None: "
                  "apart from an interrupt() value, which is in `interrupts`.").tag(sync=True, live="replace")

    # The view's own: set by the view, not folded from the run.
    assistant_id = t.Unicode("", help="The graph id (from langgraph.json) or assistant id the view runs.").tag(
        sync=True, live="trait", status_line=True)
    stream_mode = t.List(t.Unicode(), help="The stream modes the run requested.").tag(sync=True, live="trait")
    graph = t.Dict(help="The assistant's graph {nodes, edges} (GET /assistants/{id}/graph?xray=true); "
                        "{} if unknown.").tag(sync=True, live="trait")
    protocol = t.Enum(("runs", "threads"), "runs", help="The streaming protocol the view speaks.").tag(
        sync=True, live="trait")
    note = t.Unicode("", help="Where the view's events start, when it did not start the run "
                              "(an attachment to a thread).").tag(sync=True, live="trait", status_line=True)
    breakpoints = t.Dict(value_trait=t.Enum(WHEN), key_trait=t.Unicode(),
                         help="Where the view's next run, step or resume stops: node → 'before' | 'after' "
                              "('*': every node). The page's drawing sets it too.").tag(
        sync=True, live="trait", page_sets=True)

    @t.validate("breakpoints")
    def _checked_breakpoints(self, proposal: Any) -> dict[str, str]:
        return breakpoints_of(*split_breakpoints(dict(proposal["value"])))

    def set_state(self, sync_data: dict[str, Any]) -> None:
        """A page's update of traits (ipywidgets): the fields are the kernel's (but ``page_sets`` ones,
        the breakpoints), so a page's value for one is dropped (traitlets' ``read_only`` does not stop it: ipywidgets sets with ``set_trait``)."""
        super().set_state({name: value for name, value in sync_data.items()  # type: ignore[misc]
                           if name not in ROWS or ROWS[name].metadata.get("page_sets")})


#: Every row, in the table's order: field name → its trait.
ROWS: dict[str, t.TraitType[Any, Any]] = {name: trait for name, trait in vars(Fields).items() if isinstance(trait, t.TraitType)}


def names(test: Callable[[dict[str, Any]], bool]) -> tuple[str, ...]:
    """The fields whose tags pass ``test``, in the table's order."""
    return tuple(name for name, trait in ROWS.items() if test(trait.metadata))


def tagged(tag: str, value: Any = True) -> tuple[str, ...]:
    """The fields whose ``tag`` is ``value`` (one of ``value`` when it is a tuple), in the table's order."""
    wanted = value if isinstance(value, tuple) else (value,)
    return names(lambda tags: tags.get(tag) in wanted)


#: ``RunState``'s fields, in ``to_dict``'s order.
RUN_FIELDS = names(lambda tags: tags["live"] != "trait")
#: The fields a delta carries, each by its rule.
DELTA_FIELDS = tagged("live", ("replace", "append", "upsert", "merge"))
#: The run's content: final traits that go as parts together once any final trait is big.
CONTENT = tagged("live", ("append", "upsert", "final"))
#: Kept current on the view every frame, for Python readers (the page has the deltas).
EACH_FRAME = tagged("each_frame")
#: field → its live shape (deltas, snapshots), where it has one.
PREVIEWS: dict[str, Callable[[Any, Any], Any]] = {name: trait.metadata["preview"] for name, trait in ROWS.items()
                                                  if "preview" in trait.metadata}


def export() -> dict[str, Any]:
    """The table as the page reads it (js/src/fields.json): each field's rule, key and default,
    the statuses and error kinds the page may show, and the wire markers."""
    fields = []
    for name, trait in ROWS.items():
        tags = trait.metadata
        row: dict[str, Any] = {"name": name, "live": tags["live"], "default": trait.default()}
        for tag in ("key", "removed"):
            if tag in tags:
                row[tag] = tags[tag]
        for tag in ("status_line", "end_with_final"):
            if tags.get(tag):
                row[tag] = True
        fields.append(row)
    return {
        "fields": fields,
        "statuses": list(get_args(Status)),
        "live_statuses": list(LIVE_STATUSES),
        "error_kinds": list(get_args(ErrorKind)),
        "markers": {"preview": PREVIEW, "state_ref": STATE_REF, "text_in_segments": TEXT_IN_SEGMENTS},
    }


def export_json() -> str:
    """``export()`` as JSON, a field a line."""
    table = export()
    rows = ",\n".join(f"    {json.dumps(row)}" for row in table.pop("fields"))
    rest = "".join(f',\n  {json.dumps(key)}: {json.dumps(value)}' for key, value in table.items())
    return f'{{\n  "fields": [\n{rows}\n  ]{rest}\n}}\n'
