"""The view's debugger half: breakpoints, stepping, state edits at a stop, and the next message.

``Debugger`` is a mixin of ``StreamView`` (the widget keeps its traits and public API thin). Each
request is a next run of the view on the same thread, made by the view's source (it carries its
own protocol) and run by ``LiveRun._launch``: the view grows, as it does for a resume.
"""

from __future__ import annotations

from typing import Any, TypeVar

from .errors import InvalidArgument
from .live_run import LiveRun
from .sources.base import Breakpoints
from .sources.update import StateUpdateSource, check_removals
from .stops import last_step
from .types import Interrupt

#: step(): the next run stops again before whatever comes next
STEP: Breakpoints = (["*"], [])
D = TypeVar("D", bound="Debugger")


class Debugger(LiveRun):
    """``step()``, ``update_state()`` and ``submit()`` (``resume()`` is the view's own; the
    ``breakpoints`` trait is a row of fields.py)."""

    # the view's traits this half reads (declared by the widget)
    status: str
    state: Any
    thread_id: str
    interrupts: list[Interrupt]

    def _at_stop(self, what: str) -> None:
        if self._live():
            raise InvalidArgument(f"The run is still live: {what} once it has stopped.")
        if not self.thread_id:
            raise InvalidArgument(f"Only a threaded run can {what}: create the view with thread_id='new'.")
        if self.status != "interrupted":
            raise InvalidArgument(f"Nothing to {what}: the run is {self.status!r}, not stopped ('interrupted').")

    def step(self: D, *, wait: bool = False) -> D:
        """From a stop, run exactly one more super-step (however many tasks run in it) and stop
        again before the next (``interrupt_before=["*"]`` for that run). At an ``interrupt()``
        value, answer it with ``resume(value)`` instead."""
        self._at_stop("step")
        if [i for i in self.interrupts if not i["resolved"]]:
            raise InvalidArgument("An interrupt() waits for an answer: resume(value) answers it.")
        self._launch(self._source.resumed(None, []), continue_view=True, breakpoints=STEP)
        return self._finish_blocking() if wait else self

    def update_state(self: D, values: dict[str, Any], as_node: str | None = None, *, wait: bool = True) -> D:
        """At a stop, write ``values`` into the thread's state (``POST /threads/{id}/state``, as if
        ``as_node`` had returned them; the graph's reducers apply). The view shows it as a step card
        of its own (``update_state``) and a diff; the next ``step()`` / ``resume()`` goes on from it.
        After parallel branches the server needs to know which node wrote: ``as_node`` None then
        writes as the first of them."""
        self._at_stop("update its state")
        if not isinstance(values, dict):
            raise InvalidArgument(f"update_state takes a dict of state keys, got {type(values).__name__}.")
        if as_node is not None and not isinstance(as_node, str):
            raise InvalidArgument(f"as_node must be a node name or None, got {as_node!r}.")
        check_removals(values, self.state)
        source = StateUpdateSource(self._source, values, as_node, last_step(self._fold.step_cards.reported()))
        self._launch(source, continue_view=True, breakpoints=STEP)
        return self._finish_blocking() if wait else self

    def submit(self: D, message: Any = None, *, input: Any = None, wait: bool = False) -> D:
        """The next turn: a new run on the same thread with a human ``message`` (a string, or a
        message dict like ``{"role": "user", "content": ...}``) added to the graph's ``messages``;
        ``input=...`` for a graph whose input has another shape. The transcript and panes grow."""
        if self._live():
            raise InvalidArgument("The run is still live: submit the next message once it has ended.")
        if not self.thread_id:
            raise InvalidArgument("Only a threaded run takes a next message: create the view with thread_id='new'.")
        if self.status == "interrupted":
            raise InvalidArgument("The run is stopped: resume() or step() it first (a message would answer it).")
        if (message is None) == (input is None):
            raise InvalidArgument("submit takes a message, or input=... (not both).")
        if input is None:
            if not (isinstance(self.state, dict) and "messages" in self.state):
                raise InvalidArgument("This graph's state has no `messages`: pass the next run's input as "
                                      "submit(input=...).")
            input = {"messages": [human_message(message)]}
        check_removals(input, self.state)
        self._launch(self._source.continued(input), continue_view=True)
        return self._finish_blocking() if wait else self


def human_message(message: Any) -> dict[str, Any]:
    """A string → a human message; a message dict as it is (it needs its ``content``)."""
    if isinstance(message, str):
        if not message.strip():
            raise InvalidArgument("The message is empty.")
        return {"role": "user", "content": message}
    if isinstance(message, dict) and "content" in message:
        return {"role": "user", **message}
    raise InvalidArgument(f"A message is a string or a dict with 'content', got {message!r:.80}.")
