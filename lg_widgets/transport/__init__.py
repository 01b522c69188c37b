"""The HTTP layer under both protocols: connection settings, the server's answers and errors,
server-sent events, the reconnect loop, and ``ApiClient`` (one client of a LangGraph API server)."""

from .api import LIVE_RUN_STATUSES, ApiClient, wait_for_name
from .errors import Dropped
from .resuming import Resumable, RetryPolicy
from .sse import EventStreamReader, SSEDecoder, ServerSentEvent

__all__ = ["LIVE_RUN_STATUSES", "ApiClient", "Dropped", "EventStreamReader", "Resumable", "RetryPolicy",
           "SSEDecoder", "ServerSentEvent", "wait_for_name"]
