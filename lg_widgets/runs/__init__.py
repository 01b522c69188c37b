"""The runs stream: ``POST /runs/stream`` (or ``/threads/{id}/runs/stream``), rejoined by event id."""

from .request import RunRequest, normalize_stream_mode
from .stream import JoinedRunStream, RunStream

__all__ = ["JoinedRunStream", "RunRequest", "RunStream", "normalize_stream_mode"]
