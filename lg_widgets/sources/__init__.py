"""Where a view's events come from, behind one boundary (``RunSource``, ``base.py``): a run on the
runs stream or the thread protocol, an attachment, a join, a recording, a local graph, an SDK stream.
``factory.py`` picks one from a view's arguments."""

from .base import Capability, RunSource, Serverless
from .connection import Server
from .factory import (DEFAULT_STREAM_MODE, attach_source, graph_source, join_source, replay_source, run_source,
                      sdk_source)
from .local import graph_drawing, graph_events
from .recording import RECORDING_FORMAT, Recording, read_recording, write_recording
from .sdk import sdk_events

__all__ = ["Capability", "DEFAULT_STREAM_MODE", "RECORDING_FORMAT", "Recording", "RunSource", "Server", "Serverless",
           "attach_source", "graph_drawing", "graph_events", "graph_source", "join_source", "read_recording",
           "replay_source", "run_source", "sdk_events", "sdk_source", "write_recording"]
