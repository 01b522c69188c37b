"""``RunRequest``: what to run on the runs stream, with langgraph_sdk's parameter names."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import InvalidArgument
from ..protocol import REQUEST_MODES
from ..request import check_run_arguments


@dataclass
class RunRequest:
    """What to run, with `langgraph_sdk`'s parameter names (the arguments are checked at once).

    Args:
        assistant_id: a graph id of langgraph.json, or an assistant's id.
        input: the run's input.
        stream_mode: one mode or a list.
        config: the run's config, e.g. `{"configurable": {...}}`.
        context: the run's context.
        stream_subgraphs: also stream subgraphs' events.
        interrupt_before: stop before these nodes.
        interrupt_after: stop after these nodes.
        command: e.g. `{"resume": value}` to answer an interrupt.
        checkpoint_id: run from this checkpoint of the thread (a fork).
        metadata: the run's metadata.
        thread_id: None (stateless), `"new"` (create a thread first), or a thread's id.
        stream_resumable: ask the server to keep events so a dropped stream can be rejoined.
        on_disconnect: what the server does when the client goes away.
        extra: any other field of the request body.

    Raises:
        InvalidArgument: an argument the server can't use.
    """

    assistant_id: str
    input: Any = None
    stream_mode: str | list[str] = "values"
    config: dict[str, Any] | None = None
    context: dict[str, Any] | None = None
    stream_subgraphs: bool = False
    interrupt_before: list[str] | str | None = None
    interrupt_after: list[str] | str | None = None
    command: dict[str, Any] | None = None
    checkpoint_id: str | None = None
    metadata: dict[str, Any] | None = None
    #: None: stateless run; "new": create a thread first; else an existing thread id
    thread_id: str | None = None
    #: ask the server to keep events so a dropped stream can be rejoined (threaded runs)
    stream_resumable: bool = True
    #: what the server does when the client goes away; "cancel" for stateless runs by default
    on_disconnect: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_run_arguments(self.assistant_id, self.input, self.thread_id, config=self.config,
                            context=self.context, command=self.command, metadata=self.metadata)
        self.stream_mode = normalize_stream_mode(self.stream_mode)

    @property
    def modes(self) -> list[str]:
        return list(self.stream_mode)

    def body(self, threaded: bool) -> dict[str, Any]:
        body: dict[str, Any] = {
            "assistant_id": self.assistant_id,
            "stream_mode": self.modes,
        }
        optional = {
            "input": self.input,
            "config": self.config,
            "context": self.context,
            "interrupt_before": self.interrupt_before,
            "interrupt_after": self.interrupt_after,
            "command": self.command,
            "checkpoint_id": self.checkpoint_id,
            "metadata": self.metadata,
        }
        body.update({k: v for k, v in optional.items() if v is not None})
        if self.stream_subgraphs:
            body["stream_subgraphs"] = True
        if threaded and self.stream_resumable:
            body["stream_resumable"] = True
        body["on_disconnect"] = self.on_disconnect or ("continue" if threaded else "cancel")
        body.update(self.extra)
        return body


def normalize_stream_mode(stream_mode: Any) -> list[str]:
    """``"updates"`` or a list of modes → a list of known, unique modes."""
    if isinstance(stream_mode, str):
        modes = [stream_mode]
    elif isinstance(stream_mode, (list, tuple)) and all(isinstance(m, str) for m in stream_mode):
        modes = list(dict.fromkeys(stream_mode))
    else:
        raise InvalidArgument(
            f"stream_mode must be a mode name or a list of them, got {stream_mode!r}. "
            f"Known modes: {', '.join(sorted(REQUEST_MODES))}."
        )
    known = ", ".join(sorted(REQUEST_MODES))
    if not modes:
        raise InvalidArgument(f"stream_mode is empty: name at least one mode. Known modes: {known}.")
    unknown = [m for m in modes if m not in REQUEST_MODES]
    if unknown:
        raise InvalidArgument(f"Unknown stream mode(s) {unknown!r}. Known modes: {known}.")
    return modes
