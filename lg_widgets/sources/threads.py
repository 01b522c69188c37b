"""The thread-centric protocol as a view's source: a run, a resume, a fork or an attachment.

Over SSE or a WebSocket (``lg_widgets/threads``). The step cards come from the thread's
checkpoint history, read beside the run (``threads/history.py``). An attachment reads every
run of the thread until it is closed, and answers interrupts on it.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any, AsyncIterator

from ..errors import InvalidArgument
from ..lifecycle import Lifecycle
from ..protocol import StreamEvent
from ..request import check_run_arguments
from ..threads.client import Thread, ThreadClient, ThreadRun, Transport, channel_filter, with_lifecycle
from ..threads.events import CHANNELS
from ..threads.history import HistoryReader, thread_as_it_stands, view_events
from ..threads.window import RunWindow
from ..transport import wait_for_name
from ..types import Interrupt
from .answers import answers
from .base import Breakpoints, Capability, ProtocolName, on_the_wire
from .connection import Server, assistant_graph, graph_of, thread_stop


@dataclasses.dataclass
class ThreadRequest:
    """What a view runs on the thread protocol: ``channels`` instead of stream modes, and how the
    run begins: a new run, an answer to interrupts (``respond``: interrupt id → (namespace,
    response), read on after ``since``), a fork from ``checkpoint_id``, or an attachment."""

    assistant_id: str
    input: Any = None
    stream_mode: list[str] = dataclasses.field(default_factory=lambda: list(CHANNELS))
    config: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None
    #: None or "new": a new thread; else an existing thread's id
    thread_id: str | None = None
    transport: str = "sse"
    checkpoint_id: str | None = None
    respond: dict[str, tuple[list[str], Any]] | None = None
    since: int | None = None
    attach: bool = False
    #: breakpoints: run.start can't carry them, so such a run starts through the REST API (see _start)
    interrupt_before: str | list[str] | None = None
    interrupt_after: str | list[str] | None = None

    def __post_init__(self) -> None:
        check_run_arguments(self.assistant_id, self.input, self.thread_id, assistant_optional=self.attach,
                            config=self.config, metadata=self.metadata)
        if self.transport not in ("sse", "websocket"):
            raise InvalidArgument(f"transport must be 'sse' or 'websocket', got {self.transport!r}.")
        self.stream_mode = channel_filter(self.stream_mode, None, None)["channels"]

    @property
    def modes(self) -> list[str]:
        return list(self.stream_mode)


#: Seconds an attachment's stream may stay quiet before it asks whether the thread's latest run
#: streams at all over the thread protocol.
STANDING_CHECK = 2.0


class ThreadSource:
    """A view's run on the thread protocol (``RunSource``)."""

    protocol: ProtocolName = "threads"
    capabilities: frozenset[Capability] = frozenset({"resume", "fork", "cancel", "thread", "continue",
                                                     "breakpoints"})

    def __init__(self, request: ThreadRequest, server: Server):
        self.request = request
        self.server: Server | None = server
        self.assistant_id = request.assistant_id
        self.modes = request.modes
        self.fold_modes: list[str] | None = request.modes
        self.follows_thread = request.attach
        self.client: ThreadClient | None = None
        self.thread: Thread | None = None
        self.run: ThreadRun | None = None
        self._note = ""

    @property
    def thread_id(self) -> str | None:
        return self.thread.thread_id if self.thread else None

    @property
    def run_id(self) -> str | None:
        return self.run.run_id if self.run else None

    @property
    def note(self) -> str:
        """An attachment says, once it knows, whether it shows the thread's current run from its start."""
        if self._note or not self.request.attach or self.run is None or self.run.from_start is None:
            return self._note
        where = ("its current run from its start (the server kept its events), then every later run"
                 if self.run.from_start else
                 "from the moment of attaching (the server no longer holds the current run's start), "
                 "then every later run")
        self._note = f"attached to thread {self.thread_id}: {where}"
        return self._note

    def again(self) -> "ThreadSource":
        return ThreadSource(self.request, self.server or Server())

    async def open(self) -> None:
        server = self.server or Server()
        self.client = ThreadClient(await server.resolved_url(), server.api_key, transport=self._transport,
                                   headers=server.headers, verify=server.verify)
        wanted = self.request.thread_id
        self.thread = (await self.client.thread(wanted) if wanted and wanted != "new"
                       else await self.client.create_thread())
        if self.request.attach and not self.assistant_id:
            self.assistant_id = graph_of(await self.thread.get(), None) or ""

    @property
    def _transport(self) -> Transport:
        return "websocket" if self.request.transport == "websocket" else "sse"

    async def events(self) -> AsyncIterator[StreamEvent | Lifecycle]:
        assert self.thread is not None, "open() first"
        history = HistoryReader(self.thread, self.graph)
        stream = view_events(self.thread, self._start, self._started, history)
        if not self.request.attach:
            async for event in stream:
                yield event
            return
        async for event in self._attached(stream, history):
            yield event

    async def _attached(self, stream: AsyncIterator[StreamEvent], history: HistoryReader
                        ) -> AsyncIterator[StreamEvent]:
        """An attachment whose stream stays quiet while the thread's latest run has ended is looking
        at a run the protocol does not stream (the runs API's): it shows the thread as it stands,
        and says so, then reads every later run."""
        assert self.thread is not None
        upcoming = asyncio.ensure_future(anext(stream))
        try:
            while not (await asyncio.wait({upcoming}, timeout=STANDING_CHECK))[0]:
                standing = await thread_as_it_stands(self.thread, history)
                if standing is not None:
                    self._note = (f"attached to thread {self.thread_id}: its runs so far did not stream over the "
                                  "thread protocol (they were started with the runs API): shown is the thread as "
                                  "it stands (its state, and its steps from the history), then every later run")
                    for made in standing:
                        yield made
                    break
            while True:
                try:
                    event = await upcoming
                except StopAsyncIteration:
                    return
                yield event
                upcoming = asyncio.ensure_future(anext(stream))
        finally:
            upcoming.cancel()

    def _started(self, run: ThreadRun) -> None:
        self.run = run

    def _start(self, thread: Thread) -> ThreadRun:
        request = self.request
        channels = request.stream_mode
        if request.attach:
            return thread.attach(channels)
        if request.respond:
            respond = request.respond

            async def answer() -> RunWindow:
                await answer_interrupts(thread, respond)
                return RunWindow()
            return ThreadRun(thread.events(with_lifecycle(channels), since=request.since), answer)
        options: dict[str, Any] = {"config": request.config, "metadata": request.metadata, "checkpoint_id": request.checkpoint_id}
        if request.interrupt_before or request.interrupt_after:
            return thread.run(request.assistant_id, request.input, channels=channels, rest=True,
                              interrupt_before=request.interrupt_before, interrupt_after=request.interrupt_after,
                              **options)
        return thread.run(request.assistant_id, request.input, channels=channels, **options)

    async def cancel(self) -> bool:
        run = self.run
        if run is not None and run.window is None:  # asked to start: wait for the run's id
            await wait_for_name(run.started)
        # Before its first event the run is known by the id run.start answered.
        run_id = self.run_id or (run.window.target if run is not None and run.window is not None else None)
        if not (self.thread_id and run_id and self.client):
            return False
        await self.client.http.cancel_run(self.thread_id, run_id)
        return True

    async def aclose(self) -> None:
        if self.client is not None:
            await self.client.aclose()

    async def graph(self) -> dict[str, Any] | None:
        if self.client is None or not self.assistant_id or self.server is None:
            return None
        return await assistant_graph(self.client.http, self.server, self.assistant_id)

    async def thread_stop(self, breakpoints: bool = False) -> dict[str, Any] | None:
        if self.client is None or self.thread is None:
            return None
        return await thread_stop(self.client.http, self.thread.thread_id, breakpoints)

    # the next run of the view ----------------------------------------------------------------

    def resumed(self, value: Any, waiting: list[Interrupt]) -> "ThreadSource":
        """``input.respond``: each waiting interrupt with its answer, read on after the last ``seq``
        this run read. A breakpoint stop waits for no answer: the next run goes on from it."""
        if not waiting:
            return self._next(input=None, respond=None, since=None, checkpoint_id=None)
        respond = {i["id"]: (list(i["namespace"]), answer) for i, answer in _paired(waiting, value)}
        return self._next(input=None, respond=respond, since=self._last_seq, checkpoint_id=None)

    def forked(self, checkpoint_id: str, input: Any = None) -> "ThreadSource":
        """``run.start`` from that checkpoint of the thread."""
        return self._next(input=input, respond=None, since=None, checkpoint_id=checkpoint_id)

    def continued(self, input: Any) -> "ThreadSource":
        """The next run on the thread (a next turn): ``run.start`` with ``input``."""
        return self._next(input=input, respond=None, since=None, checkpoint_id=None)

    def with_breakpoints(self, breakpoints: Breakpoints) -> "ThreadSource":
        """The same run with ``interrupt_before``/``after`` (an attachment reads others' runs: itself)."""
        if self.request.attach:
            return self
        before, after = breakpoints
        request = dataclasses.replace(self.request, interrupt_before=on_the_wire(before),
                                      interrupt_after=on_the_wire(after))
        return ThreadSource(request, self.server or Server())

    async def answer(self, value: Any, waiting: list[Interrupt]) -> None:
        """An attachment answers on the thread; the resumed run comes on the attachment."""
        if self.thread is None:
            raise InvalidArgument("The attachment has not started: call start() first.")
        await answer_interrupts(self.thread, {i["id"]: (list(i["namespace"]), a) for i, a in _paired(waiting, value)})

    @property
    def _last_seq(self) -> int | None:
        return self.run.last_seq if self.run else None

    def _next(self, **changes: Any) -> "ThreadSource":
        """The next run on this thread, with what an attachment learned of it."""
        request = dataclasses.replace(self.request, assistant_id=self.assistant_id or self.request.assistant_id,
                                      thread_id=self.thread_id, attach=False, **changes)
        return ThreadSource(request, self.server or Server())


def _paired(waiting: list[Interrupt], value: Any) -> list[tuple[Interrupt, Any]]:
    given = answers(waiting, value)
    return [(i, given[i["id"]]) for i in waiting if i["id"] in given]


async def answer_interrupts(thread: Thread, respond: dict[str, tuple[list[str], Any]]) -> None:
    """``input.respond``: one interrupt, or several in one command."""
    if len(respond) == 1:
        [(interrupt_id, (namespace, response))] = respond.items()
        await thread.respond(response, interrupt_id, namespace=namespace)
        return
    await thread.command("input.respond", {"responses": [
        {"interrupt_id": interrupt_id, "namespace": namespace, "response": response}
        for interrupt_id, (namespace, response) in respond.items()]})
