"""Which of a thread's events belong to the runs a reader wants (pure: fed events in order).

A subscription to a thread replays every run the server still holds, then goes
live, and never ends by itself. ``RunWindow`` picks a stretch of it:

- one run by id (``ThreadRun``): from its root ``lifecycle: running`` to the
  root lifecycle that ends it;
- everything after a ``seq`` (a resumed run): from there to the end of the
  next run that starts;
- an attachment: from the start of the thread's latest run, or, when the server
  no longer holds it, from the first run it hasn't seen end, on and on.
"""

from __future__ import annotations

from collections.abc import Collection

from .events import RunStatus, ThreadEvent, run_end_status, run_start_id


class RunWindow:
    """``take(event)`` says whether a reader gets ``event``; ``done`` turns true after the last one."""

    def __init__(self, run_id: str | None = None, *, skip_runs: Collection[str] | None = None,
                 until_end: bool = True):
        #: the run to start at (``None``: start at the first event)
        self.target = run_id
        #: attach: runs that ended before attaching; a run not among them starts the window too
        self.skip_runs = skip_runs
        self.until_end = until_end
        self.open = run_id is None and skip_runs is None
        #: True when the window opened at the target run's own start; False when it opened at a later run
        self.from_start: bool | None = None
        #: the run being read (known from its root ``running`` event)
        self.run_id: str | None = None
        #: how the current run ended (``None`` while it goes on)
        self.status: RunStatus | None = None
        self.done = False

    def take(self, event: ThreadEvent) -> bool:
        started = run_start_id(event)
        if not self.open:
            if started is None:
                return False
            if started == self.target:
                self.open, self.from_start = True, True
            elif self.skip_runs is not None and started not in self.skip_runs:
                self.open, self.from_start = True, False
            else:
                return False
        if started is not None:
            self.run_id, self.status = started, None
        status = run_end_status(event)
        # Only a run read from its start ends the window: after a resume's `since`, the
        # interrupted run's last events come first, and its end was read before.
        if status is not None and self.run_id is not None:
            self.status = status
            self.done = self.until_end
        return True
