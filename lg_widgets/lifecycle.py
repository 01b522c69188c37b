"""What happens to a run outside its event stream, folded like a server event.

The widget does not set the fold's status or ids from outside: it applies
these, in order with the server's events, through ``RunState.apply``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .types import ErrorInfo

LifecycleKind = Literal["start", "continue", "ids", "end", "fail", "cancel"]


@dataclass(frozen=True, slots=True)
class Lifecycle:
    """``start``: a run was requested. ``continue``: the next run (a resume, or a fork in place
    from ``checkpoint_id``) goes on in the same view. ``ids``: the client learned the run or
    thread id. ``end``: the stream closed normally. ``fail`` / ``cancel``: the run ended with ``error``."""

    kind: LifecycleKind
    run_id: str | None = None
    thread_id: str | None = None
    error: ErrorInfo | None = None
    checkpoint_id: str | None = None


START = Lifecycle("start")
END = Lifecycle("end")


def continued(fork_from: str | None = None) -> Lifecycle:
    """The view's next run: a resume, or (``fork_from`` a checkpoint id) a fork in place."""
    return Lifecycle("continue", checkpoint_id=fork_from)


def ids(run_id: str | None = None, thread_id: str | None = None) -> Lifecycle:
    return Lifecycle("ids", run_id=run_id, thread_id=thread_id)


def failed(error: ErrorInfo) -> Lifecycle:
    return Lifecycle("fail", error=error)


def cancelled(error: ErrorInfo) -> Lifecycle:
    return Lifecycle("cancel", error=error)
