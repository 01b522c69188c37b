"""The source boundary: ``RunSource``, what every way of getting a view's events implements.

A view knows nothing of protocols. It asks its source to ``open()``, reads ``events()`` (the
server's ``StreamEvent``s, ``DerivedEvent``s the source made from other reads, ``Lifecycle``
marks of a recording), and asks what the source can do (``capabilities``) before it offers a
resume, a fork or a cancel. The next run of the same view (a resume, a fork, a next turn) is a new
source that the finished one makes (``resumed``, ``forked``, ``continued``): it carries its own
protocol.

The implementations: ``runs.py`` (the runs stream: a run, a join), ``threads.py`` (the thread
protocol over SSE or a WebSocket: a run, a resume, a fork, an attachment), ``recording.py``
(replay), ``local.py`` (a compiled graph's ``astream``), ``sdk.py`` (a ``langgraph_sdk`` stream).
``factory.py`` picks one from ``StreamView``'s arguments.
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Literal, Protocol, runtime_checkable

from ..errors import InvalidArgument
from ..lifecycle import Lifecycle
from ..protocol import StreamEvent
from ..types import Interrupt
from .connection import Server

ProtocolName = Literal["runs", "threads"]
#: What a source can do besides streaming its events:
#: ``resume`` an interrupted run, ``fork`` from a checkpoint, ``cancel`` on the server, read the thread
#: (``thread``: its status, ``history``, state updates), start the next run on the same thread (``continue``),
#: stop its runs on ``interrupt_before``/``after`` (``breakpoints``).
Capability = Literal["resume", "fork", "cancel", "thread", "continue", "breakpoints"]
#: ``interrupt_before`` and ``interrupt_after`` of a run (``"*"``: every node)
Breakpoints = tuple[list[str], list[str]]


def on_the_wire(nodes: list[str]) -> str | list[str] | None:
    """Breakpoints as the server takes them: every node is the string ``"*"`` (a list holding
    ``"*"`` names a node called ``*``), none is no field at all."""
    return "*" if "*" in nodes else (list(nodes) or None)


@runtime_checkable
class RunSource(Protocol):
    """One run's events (an attachment: a thread's runs) from somewhere."""

    #: which events it yields: the runs stream's (by stream mode) or the thread protocol's (by channel)
    protocol: ProtocolName
    #: the graph or assistant it runs (an attachment or a join learns it in ``open``)
    assistant_id: str
    #: the stream modes (or channels) it asked for
    modes: list[str]
    #: what the fold should expect (``None``: learn it from the events, e.g. a joined run's)
    fold_modes: list[str] | None
    capabilities: frozenset[Capability]
    #: the server it talks to (``None``: no server, e.g. a recording)
    server: Server | None
    #: an attachment: it reads the thread's runs, one after another, until it is closed
    follows_thread: bool

    @property
    def thread_id(self) -> str | None: ...

    @property
    def run_id(self) -> str | None: ...

    @property
    def note(self) -> str:
        """Where its events start, when it did not start the run ('' until it knows)."""

    def again(self) -> "RunSource":
        """A fresh source of the same run (``start()`` again: a new run)."""

    async def open(self) -> None:
        """Get ready to stream: make the thread (``"new"``), learn what an attachment shows."""

    def events(self) -> AsyncIterator[StreamEvent | Lifecycle]:
        """The run's events, in order, to its end (an attachment: until closed)."""

    async def cancel(self) -> bool:
        """Stop the run on the server too where it can; True when a request was sent."""

    async def aclose(self) -> None:
        """Let go of every connection."""

    async def graph(self) -> dict[str, Any] | None:
        """The graph's drawing ``{nodes, edges}``, or None when unknown."""

    async def thread_stop(self, breakpoints: bool = False) -> dict[str, Any] | None:
        """What the run's thread waits for now the stream has ended: ``{status, interrupts, next}``
        (no interrupts: a breakpoint), or None when it waits for nothing (or there is no thread);
        ``breakpoints``: the run had some (connection.thread_stop)."""

    def with_breakpoints(self, breakpoints: Breakpoints) -> "RunSource":
        """The same run, stopping on these breakpoints (a source without ``breakpoints``: itself)."""

    def continued(self, input: Any) -> "RunSource":
        """The next run on the thread with ``input`` (a next turn)."""

    def resumed(self, value: Any, waiting: list[Interrupt]) -> "RunSource":
        """The run that answers ``waiting`` with ``value`` (one value, or interrupt id → value)."""

    def forked(self, checkpoint_id: str, input: Any = None) -> "RunSource":
        """The run from ``checkpoint_id`` of the thread (time travel)."""

    async def answer(self, value: Any, waiting: list[Interrupt]) -> None:
        """An attachment answers on the thread and reads the resumed run itself."""


class Serverless:
    """What a source with no server behind it does besides its events: nothing to cancel, close,
    draw or read, and no next run (``offline`` says why, in the errors)."""

    follows_thread = False
    note = ""
    thread_id: str | None = None
    run_id: str | None = None
    server: Server | None = None
    capabilities: frozenset[Capability] = frozenset()
    #: what the view says when asked to resume, fork or answer
    offline = "This view has no server behind it"

    async def open(self) -> None:
        return None

    async def cancel(self) -> bool:
        return False

    async def aclose(self) -> None:
        return None

    async def graph(self) -> dict[str, Any] | None:
        return None

    async def thread_stop(self, breakpoints: bool = False) -> dict[str, Any] | None:
        return None

    def with_breakpoints(self, breakpoints: Breakpoints) -> "RunSource":
        return self  # type: ignore[return-value]

    def continued(self, input: Any) -> "RunSource":
        raise InvalidArgument(f"{self.offline}: it takes no next message.")

    def resumed(self, value: Any, waiting: list[Interrupt]) -> "RunSource":
        raise InvalidArgument(f"{self.offline}: it can't be resumed from the view.")

    def forked(self, checkpoint_id: str, input: Any = None) -> "RunSource":
        raise InvalidArgument(f"{self.offline}: it can't be forked from the view.")

    async def answer(self, value: Any, waiting: list[Interrupt]) -> None:
        raise InvalidArgument(f"{self.offline}: it has no thread to answer on.")
