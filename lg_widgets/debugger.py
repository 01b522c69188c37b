"""The view's debugger half: answers, breakpoints, stepping, state edits at a stop, the next
message, and the thread's history and forks.

``Debugger`` is a mixin of ``StreamView`` (the widget keeps its traits and public API thin). Each
request is a next run of the view on the same thread, made by the view's source (it carries its
own protocol) and run by ``LiveRun._launch``: the view grows, as it does for a resume.
"""

from __future__ import annotations

from typing import Any, TypeVar

from .errors import InvalidArgument
from .live_run import REQUEST_TIMEOUT, LiveRun
from .sources.base import Breakpoints
from .sources.update import StateUpdateSource, check_removals
from .stops import last_step
from .types import Interrupt

#: step(): the next run stops again before whatever comes next
STEP: Breakpoints = (["*"], [])
D = TypeVar("D", bound="Debugger")


class Debugger(LiveRun):
    """``resume()``, ``step()``, ``update_state()``, ``submit()``, ``history()`` and ``fork()`` (the
    ``breakpoints`` trait is a row of fields.py)."""

    # the view's traits this half reads (declared by the widget)
    status: str
    state: Any
    thread_id: str
    interrupts: list[Interrupt]
    forked_from: str | None

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
        value, answer it with ``resume(value)`` instead.

        Args:
            wait: block until the step's run stops or ends.

        Returns:
            The view itself.

        Raises:
            InvalidArgument: the run is live, has no thread, is not stopped, or an interrupt waits.

        Example:
            ```python
            view = StreamView("parallel", {"topic": "tea"}, thread_id="new", interrupt_before=["left"]).run()
            view.step(wait=True)
            ```
        """
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
        writes as the first of them.

        Args:
            values: state keys and their new values (a ``RemoveMessage`` names an id ``view.state`` holds).
            as_node: the node that writes them (None: the server's choice, see above).
            wait: block until the update is in the view (the default).

        Returns:
            The view itself.

        Raises:
            InvalidArgument: the run is not stopped, ``values`` is not a dict, or it removes a message
                the state does not hold.
        """
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
        ``input=...`` for a graph whose input has another shape. The transcript and panes grow.

        Args:
            message: the human message (a string or a message dict).
            input: the next run's whole input, instead of ``message``.
            wait: block until the run ends.

        Returns:
            The view itself.

        Raises:
            InvalidArgument: the run is live or stopped, has no thread, both or neither of
                ``message`` and ``input`` were given, or the state has no ``messages``.

        Example:
            ```python
            chat = StreamView("chat", {"messages": [{"role": "user", "content": "hi"}]}, thread_id="new").run()
            chat.submit("and then?", wait=True)
            ```
        """
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

    def resume(self: D, value: Any = None, *, wait: bool = False, timeout: float = REQUEST_TIMEOUT) -> D:
        """Answer the interrupt the run stopped on: a new run on the same thread, shown in this view.

        The runs stream sends `command={"resume": value}`; the thread protocol `input.respond`. The
        text grows and the steps go on in this view. An attached view answers on the thread and reads
        the resumed run on its attachment.

        Args:
            value: the answer (what `interrupt(...)` returns in the node). With several interrupts
                waiting, a dict of interrupt id → answer (those not named stay waiting). A stop on
                `interrupt_before`/`interrupt_after` takes None.
            wait: block until the resumed run ends.
            timeout: seconds to wait for the server's answer (an attachment's).

        Returns:
            The view itself.

        Raises:
            InvalidArgument: the run is still live, has no thread (a stateless run), or is not `interrupted`.
            LGWidgetsError: with `wait=True`, the resumed run's error.

        Example:
            ```python
            view = StreamView("human", {"draft": "hello"}, thread_id="new").run()   # 'interrupted'
            view.resume("yes", wait=True)
            ```
        """
        source = self._source
        if self._live() and not source.follows_thread:
            raise InvalidArgument("The run is still live: resume it once it stops on its interrupt.")
        if not self.thread_id:
            raise InvalidArgument("Only a threaded run can be resumed: create the view with thread_id='new'.")
        if self.status != "interrupted":
            raise InvalidArgument(f"Nothing to resume: the run is {self.status!r}, not 'interrupted'.")
        waiting = [i for i in self.interrupts if not i["resolved"]]
        if source.follows_thread:  # the attachment reads the resumed run: answer, and go on watching
            ended = self._runs_ended_so_far()
            self._wait_for(source.answer(value, waiting), timeout)
            if wait and self._live():
                self._wait_for_run_end(after=ended)
            return self
        self._launch(source.resumed(value, waiting), continue_view=True)
        return self._finish_blocking() if wait else self

    def history(self, limit: int = 100, timeout: float = REQUEST_TIMEOUT) -> list[dict[str, Any]]:
        """The thread's checkpoints, newest first (`POST /threads/{thread_id}/history`).

        Args:
            limit: at most this many checkpoints.
            timeout: seconds to wait for the server.

        Returns:
            The server's checkpoint states (dicts with `values`, `next`, `checkpoint`, `metadata`, ...).

        Raises:
            InvalidArgument: a stateless run (no thread), or a view with no server behind it.
            HTTPStatusError: the server refused (e.g. 404: not this user's thread).
        """
        if not self.thread_id:
            raise InvalidArgument("A stateless run has no history: create the view with thread_id='new'.")
        return self._call(lambda api: api.history(self.thread_id, limit), timeout)

    def fork(self: D, checkpoint_id: str, input: Any = None, *, update: dict[str, Any] | None = None,
             wait: bool = False, in_place: bool = False, timeout: float = REQUEST_TIMEOUT) -> D:
        """Run the thread again from one of its checkpoints (time travel).

        Args:
            checkpoint_id: where to start: a step's `checkpoint_id` (`view.steps[i]["checkpoint_id"]`)
                or one from `history()`.
            input: input for the forked run (None: go on from the checkpoint's state).
            update: values written into the state at that checkpoint first (`POST /threads/{id}/state`);
                the fork starts from the checkpoint that write creates.
            wait: block until the forked run ends.
            in_place: run the fork in this view, as a new branch after what it shows (what a step
                card's Fork button does), instead of in a new view.
            timeout: seconds to wait for the state update.

        Returns:
            The new view (or this one with `in_place=True`).

        Raises:
            InvalidArgument: the run is still live, has no thread, or its source can't fork (a replay).

        Example:
            ```python
            fork = view.fork(view.steps[1]["checkpoint_id"], update={"draft": "hi"}, wait=True)
            ```
        """
        if self._live():
            raise InvalidArgument("The run is still live: fork once it has stopped.")
        if not self.thread_id:
            raise InvalidArgument("Only a threaded run can be forked: create the view with thread_id='new'.")
        source = self._source.forked(checkpoint_id, input)  # a source that can't fork says so here
        if update is not None:
            checkpoint_id = self._call(lambda api: api.update_state(self.thread_id, update, checkpoint_id), timeout)
            source = self._source.forked(checkpoint_id, input)
        if in_place:
            self._launch(source, continue_view=True, fork_from=checkpoint_id)
            return self._finish_blocking() if wait else self
        view = type(self)._create(source)
        view.forked_from = checkpoint_id
        view._launch(source)
        return view._finish_blocking() if wait else view


def human_message(message: Any) -> dict[str, Any]:
    """A string → a human message; a message dict as it is (it needs its ``content``)."""
    if isinstance(message, str):
        if not message.strip():
            raise InvalidArgument("The message is empty.")
        return {"role": "user", "content": message}
    if isinstance(message, dict) and "content" in message:
        return {"role": "user", **message}
    raise InvalidArgument(f"A message is a string or a dict with 'content', got {message!r:.80}.")
