"""A comm that records what a widget sends to the front end (no kernel needed).

ipywidgets creates comms through ``comm.create_comm``; swapping it for this
class lets a test count the exact JSON bytes a real front end would receive,
and play the front end's side by calling ``receive``.
"""

from __future__ import annotations

import json
import threading
from typing import Any

import comm
from comm.base_comm import BaseComm


class RecordingComm(BaseComm):
    instances: list["RecordingComm"] = []

    def __init__(self, *args: Any, **kwargs: Any):
        self.messages: list[dict[str, Any]] = []
        self.bytes_sent = 0
        self._lock = threading.Lock()
        super().__init__(*args, **kwargs)
        RecordingComm.instances.append(self)

    def publish_msg(self, msg_type: str, data: Any = None, metadata: Any = None, buffers: Any = None, **keys: Any) -> None:
        # What the wire carries: the JSON as of now (a kernel serialises each message as it is sent;
        # the objects in it, e.g. the fold's own lists, may change afterwards).
        encoded = json.dumps(data, ensure_ascii=False, default=str)
        size = len(encoded.encode()) + sum(len(b) for b in buffers or [])
        with self._lock:
            self.messages.append({"msg_type": msg_type, "data": json.loads(encoded), "bytes": size,
                                  "buffers": [bytes(b) for b in buffers or []]})
            self.bytes_sent += size

    def custom_messages(self) -> list[dict[str, Any]]:
        """The ``content`` of every custom message sent so far."""
        with self._lock:
            return [m["data"]["content"] for m in self.messages
                    if m["msg_type"] == "comm_msg" and (m["data"] or {}).get("method") == "custom"]

    def receive(self, content: dict[str, Any]) -> None:
        """Deliver a custom message from the 'front end' to the widget."""
        self.handle_msg({"content": {"data": {"method": "custom", "content": content}}, "buffers": []})


def install() -> Any:
    """Make every widget created from now on use a RecordingComm; returns an undo function."""
    original = comm.create_comm
    comm.create_comm = lambda *a, **k: RecordingComm(*a, **k)

    def undo() -> None:
        comm.create_comm = original

    return undo
