"""The runs stream as a view's source: a run it starts, or one started elsewhere that it joins."""

from __future__ import annotations

import dataclasses
from typing import Any, AsyncIterator

from ..errors import InvalidArgument
from ..lifecycle import Lifecycle
from ..protocol import StreamEvent
from ..runs import JoinedRunStream, RunRequest, RunStream
from ..transport import ApiClient
from ..types import Interrupt
from .answers import answers
from .base import Breakpoints, Capability, ProtocolName, on_the_wire
from .connection import Server, assistant_graph, graph_of, thread_stop


class RunsSource:
    """A run on the runs stream (``RunSource``); ``join``: the id of a run of ``request.thread_id``
    to join from its start (``GET /threads/{tid}/runs/{rid}/stream``) instead of starting one."""

    protocol: ProtocolName = "runs"
    follows_thread = False
    note = ""
    capabilities: frozenset[Capability] = frozenset({"resume", "fork", "cancel", "thread", "continue",
                                                     "breakpoints"})

    def __init__(self, request: RunRequest, server: Server, *, join: str | None = None,
                 join_modes: list[str] | None = None):
        self.request = request
        self.server: Server | None = server
        self.assistant_id = request.assistant_id
        self.modes = request.modes
        self._join, self._join_modes = join, join_modes
        #: a joined run's events are whatever it streams (unless filtered): the fold learns from them
        self.fold_modes: list[str] | None = join_modes if join else request.modes
        self.api: ApiClient | None = None
        self.stream: RunStream | None = None

    @property
    def thread_id(self) -> str | None:
        return self.stream.thread_id if self.stream else None

    @property
    def run_id(self) -> str | None:
        return self.stream.run_id if self.stream else None

    def again(self) -> "RunsSource":
        return RunsSource(self.request, self.server or Server(), join=self._join, join_modes=self._join_modes)

    async def open(self) -> None:
        self.api = api = await (self.server or Server()).api()
        if self._join:
            thread_id = str(self.request.thread_id)
            run = await api.get_run(thread_id, self._join)
            self.assistant_id = graph_of(await api.get_thread(thread_id), run) or self.assistant_id
            self.stream = JoinedRunStream(api, thread_id, self._join, self._join_modes)
        else:
            self.stream = RunStream(api, self.request)
        await self.stream.start_thread()

    async def events(self) -> AsyncIterator[StreamEvent | Lifecycle]:
        assert self.stream is not None, "open() first"
        async for event in self.stream:
            yield event

    async def cancel(self) -> bool:
        return await self.stream.cancel() if self.stream is not None else False

    async def aclose(self) -> None:
        if self.api is not None:
            await self.api.aclose()

    async def graph(self) -> dict[str, Any] | None:
        if self.api is None or self.server is None:
            return None
        return await assistant_graph(self.api, self.server, self.assistant_id)

    async def thread_stop(self, breakpoints: bool = False) -> dict[str, Any] | None:
        if self.api is None or not self.thread_id:
            return None
        return await thread_stop(self.api, self.thread_id, breakpoints)

    # the next run of the view ----------------------------------------------------------------

    def resumed(self, value: Any, waiting: list[Interrupt]) -> "RunsSource":
        """A run on the thread with ``command={"resume": ...}``: the value, or with several interrupts
        waiting, interrupt id → answer. A stop on ``interrupt_before``/``after`` waits for no value."""
        if not waiting:
            return self._next(input=None, command=None, checkpoint_id=None)
        given = answers(waiting, value)
        resume = value if len(waiting) == 1 else given
        return self._next(input=None, command={"resume": resume}, checkpoint_id=None)

    def forked(self, checkpoint_id: str, input: Any = None) -> "RunsSource":
        """A run on the thread from ``checkpoint_id``."""
        return self._next(input=input, command=None, checkpoint_id=checkpoint_id)

    def continued(self, input: Any) -> "RunsSource":
        """The next run on the thread (a next turn)."""
        return self._next(input=input, command=None, checkpoint_id=None)

    async def answer(self, value: Any, waiting: list[Interrupt]) -> None:
        raise InvalidArgument("Only an attachment answers on its thread: resume() starts a new run here.")

    def with_breakpoints(self, breakpoints: Breakpoints) -> "RunsSource":
        """The same run with ``interrupt_before``/``after`` (a joined run is another client's: itself)."""
        if self._join:
            return self
        before, after = breakpoints
        request = dataclasses.replace(self.request, interrupt_before=on_the_wire(before),
                                      interrupt_after=on_the_wire(after))
        return RunsSource(request, self.server or Server())

    def _next(self, **changes: Any) -> "RunsSource":
        request = dataclasses.replace(self.request, assistant_id=self.assistant_id, thread_id=self.thread_id, **changes)
        return RunsSource(request, self.server or Server())
