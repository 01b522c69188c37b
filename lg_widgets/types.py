"""The shapes of the data a view holds: what its synced traits contain, as ``TypedDict``s.

Every value is JSON-compatible. ``docs/architecture.md`` shows the same shapes
beside the live contract that carries them to the page.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict, get_args

#: What a run goes through (the ``status`` trait, ``RunState.status``).
RunStatus = Literal["idle", "connecting", "running", "interrupted", "done", "error", "cancelled"]
#: Every status a run can be in, in the order a run goes through them.
STATUSES: tuple[str, ...] = get_args(RunStatus)
#: A run that is still going; the others are its end.
LIVE_STATUSES: tuple[str, ...] = ("connecting", "running")
#: Every status the page can show: a run's, or ``disconnected``, which the page alone says
#: (JupyterLab cut it from its kernel while a run was live; the run may go on on the server).
Status = Literal[RunStatus, "disconnected"]

StepStatus = Literal["running", "done", "error", "interrupted", "cancelled"]

ErrorKind = Literal["run", "http", "connection", "stream", "cancelled", "argument", "server", "internal",
                    "protocol", "command", "kernel"]


class ErrorInfo(TypedDict):
    """Why a run ended badly (``error`` trait)."""

    #: the exception's class name (``RunError``'s is the graph's own, e.g. ``"ValueError"``)
    type: str
    message: str
    #: ``run``: the graph raised; ``http``: a 4xx/5xx; ``connection``: no server or the stream was cut
    #: and could not be rejoined; ``stream``: malformed or stalled stream; ``cancelled``: ``cancel()``;
    #: ``argument``: a bad argument found late; ``server``: the embedded server did not start;
    #: ``protocol``: the server does not speak the thread protocol; ``command``: it refused a
    #: thread-protocol command; ``internal``: a bug in lg_widgets (the message says what);
    #: ``kernel``: the page alone says it, with ``disconnected`` (see ``Status``).
    kind: ErrorKind


class Segment(TypedDict):
    """A run of ``text`` from one model call: ``text[start:end]``."""

    start: int
    end: int
    node: str
    tags: list[str]
    namespace: list[str]
    #: the id of the message these tokens belong to
    message: str


class Message(TypedDict, total=False):
    """A message merged by id from the token modes (``messages`` trait)."""

    id: str
    type: str | None
    content: Any
    #: the plain text of ``content``
    text: str
    name: str | None
    tool_calls: list[dict[str, Any]]
    tool_call_id: str
    node: str
    namespace: list[str]
    #: the model's reasoning, apart from its answer (the thread protocol's reasoning deltas)
    reasoning: str


class Step(TypedDict):
    """One task of the graph (``steps`` trait): a card on the page."""

    #: unique in the run: ``"<namespace>/<task id>"``
    key: str
    id: str
    name: str
    namespace: list[str]
    #: the task id of the step that ran this step's subgraph, else None
    parent: str | None
    step: int | None
    status: StepStatus
    input: Any
    result: Any
    error: str | None
    interrupts: list[dict[str, Any]]
    triggers: list[str]
    #: seconds since the run's first event (arrival times)
    started: float | None
    ended: float | None
    #: the checkpoint the task ran from (fork there to run it again)
    checkpoint_id: str | None
    #: which events made the card (``lifecycle``: a subgraph's start and end, on the thread protocol)
    source: Literal["debug", "tasks", "updates", "lifecycle"]


class Checkpoint(TypedDict):
    checkpoint_id: str
    parent_checkpoint_id: str | None
    namespace: list[str]
    step: int | None
    source: str | None
    next: list[str]
    values: Any
    metadata: dict[str, Any]


class Diff(TypedDict):
    """The RFC 6902 ops from one state to the next; replaying them all from ``{}`` gives ``state``."""

    index: int
    step: int | None
    node: str | None
    ops: list[dict[str, Any]]


class CustomEvent(TypedDict):
    namespace: list[str]
    data: Any
    #: seconds since the run's first event
    t: float


class Interrupt(TypedDict):
    #: the server's interrupt id; when it gave none, ``"value-<hash of the value's JSON>"``
    id: str
    value: Any
    namespace: list[str]
    node: str | None
    #: True once a later run of the view answered it
    resolved: bool


class ToolCall(TypedDict):
    """A tool the graph ran (the thread protocol's ``tools`` channel)."""

    #: the model's tool call id
    id: str
    name: str
    input: Any
    #: what the tool returned (its output text while it streams one)
    output: Any
    error: str | None
    status: Literal["running", "done", "error"]
    namespace: list[str]
    #: the node that ran it, when known
    node: str | None
    #: the key of the step card that ran it (its result holds the tool's message), when known
    step: str | None
    started: float | None
    ended: float | None


class Branch(TypedDict):
    """A fork run inside a view: where it starts in the view's steps and events."""

    checkpoint_id: str
    steps_before: int
    events_before: int
    #: where its text starts in ``text`` (code points)
    text_before: int



class Span(TypedDict):
    """One task execution on the run's timeline (``timeline`` trait), in the order tasks started."""

    #: the key of the task's step card (``"<namespace>/<task id>"``): clicking the span opens it
    id: str
    node: str
    namespace: list[str]
    #: the span of the task that runs this span's subgraph, else None
    parent: str | None
    step: int | None
    #: seconds from the view's first run's start (pauses between its runs left out); ``end`` is
    #: None while the task runs, ``first_token`` while it has streamed none
    start: float
    end: float | None
    first_token: float | None
    #: the task's streamed tokens (messages-tuple chunks with content)
    tokens: int
    status: StepStatus
    #: ``server``: ``start``/``end`` are the server's debug timestamps; ``arrival``: the kernel's
    #: clock when the events arrived (the run's modes carry no timestamps)
    clock: Literal["server", "arrival"]


class UsageCounts(TypedDict):
    input_tokens: int
    output_tokens: int
    total_tokens: int
    #: the AI messages that reported usage
    calls: int


class Usage(TypedDict):
    """Token usage summed from the AI messages' ``usage_metadata`` (``usage`` trait), each once."""

    total: UsageCounts
    by_node: dict[str, UsageCounts]
    by_model: dict[str, UsageCounts]
    #: ``""`` is the root graph; a subgraph is its path of node names, ``"child|inner"``
    by_namespace: dict[str, UsageCounts]
