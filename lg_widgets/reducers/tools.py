"""Tool calls and their results, from the thread protocol's ``tools`` channel.

``tool-started`` names the tool and its input, ``tool-output-delta`` grows its output
text, ``tool-finished`` gives the output, ``tool-error`` the error. A step card that
ran the tool (its result holds a message with that ``tool_call_id``) lists the call.
"""

from __future__ import annotations

from typing import Any

from ..types import Step, ToolCall


def _tool_call_ids(value: Any) -> list[str]:
    """The ``tool_call_id``s of the messages in a node's result (a ToolNode answers with them)."""
    found: list[str] = []
    for item in value.values() if isinstance(value, dict) else ():
        for message in item if isinstance(item, list) else [item]:
            if isinstance(message, dict) and message.get("tool_call_id"):
                found.append(str(message["tool_call_id"]))
    return found


class ToolCallReducer:
    def __init__(self) -> None:
        self.tool_calls: list[ToolCall] = []
        self._index: dict[str, int] = {}
        #: ids of tool calls that were added or changed, in order (may repeat)
        self.tool_log: list[str] = []
        # tool_call_id -> the card that ran it; the history may tell before the tools channel does
        self._owner: dict[str, Step] = {}

    def get(self, call_id: str) -> ToolCall:
        return self.tool_calls[self._index[call_id]]

    def event(self, data: Any, namespace: tuple[str, ...], node: str | None, t: float) -> None:
        if not isinstance(data, dict) or not data.get("tool_call_id"):
            return
        call_id = str(data["tool_call_id"])
        index = self._index.get(call_id)
        if index is None:
            call: ToolCall = {"id": call_id, "name": str(data.get("tool_name") or ""), "input": None,
                              "output": None, "error": None, "status": "running", "namespace": list(namespace),
                              "node": node, "step": None, "started": t, "ended": None}
            self._index[call_id] = len(self.tool_calls)
            self.tool_calls.append(call)
            if call_id in self._owner:
                self._attach(call, self._owner[call_id])
        else:
            call = self.tool_calls[index]
        kind = data.get("event")
        if kind == "tool-started":
            call["name"] = str(data.get("tool_name") or call["name"])
            call["input"] = data.get("input")
        elif kind == "tool-output-delta":
            call["output"] = str(call["output"] or "") + str(data.get("delta") or "")
        elif kind == "tool-finished":
            call["output"], call["status"], call["ended"] = data.get("output"), "done", t
        elif kind == "tool-error":
            call["error"], call["status"], call["ended"] = str(data.get("message") or "error"), "error", t
        self.tool_log.append(call_id)

    def link(self, card: Step) -> None:
        """The card's result holds the messages of tool calls it ran: they belong to it."""
        for call_id in _tool_call_ids(card["result"]):
            self._owner[call_id] = card
            index = self._index.get(call_id)
            if index is not None and self.tool_calls[index]["step"] != card["key"]:
                self._attach(self.tool_calls[index], card)
                self.tool_log.append(call_id)

    @staticmethod
    def _attach(call: ToolCall, card: Step) -> None:
        call["step"] = card["key"]
        call["node"] = call["node"] or card["name"]
