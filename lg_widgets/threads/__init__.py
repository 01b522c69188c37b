"""The thread-centric streaming protocol of the LangGraph API (langgraph-api 0.16+).

``ThreadClient`` speaks it over SSE or a WebSocket; its events are
``ThreadEvent``s (``StreamEvent``s with the protocol's ``seq``, ``event_id``,
``timestamp`` and ``node``). docs/threads-protocol.md describes the protocol as
the server speaks it.
"""

from .client import Thread, ThreadClient, ThreadRun
from .events import CHANNELS, TERMINAL_STATUSES, ThreadEvent, event_from_frame, run_end_status, run_start_id
from .subscription import Subscription
from .window import RunWindow

__all__ = [
    "CHANNELS",
    "RunWindow",
    "Subscription",
    "TERMINAL_STATUSES",
    "Thread",
    "ThreadClient",
    "ThreadEvent",
    "ThreadRun",
    "event_from_frame",
    "run_end_status",
    "run_start_id",
]
