"""Graphs that exercise every channel of the thread-centric protocol (tests/test_threads_*.py).

- ``toolloop``: a model that streams reasoning, text and a tool call's arguments
  chunk by chunk → a ``ToolNode`` → the model's answer. Compiled with every
  native stream transformer, so besides ``values``/``messages``/``lifecycle`` the
  thread protocol also carries ``updates``, ``tasks``, ``checkpoints``, ``tools``,
  ``custom`` (a node's stream writer) and ``custom:progress`` (a user transformer's
  named channel). By default a graph streams only values, messages and lifecycle.
- ``nested``: a parent graph → a child subgraph → a grandchild subgraph, each level
  streaming a short reply: lifecycle events per namespace, tokens at every depth.
- ``slow_interrupt``: streams 40 tokens 50 ms apart, then stops on ``interrupt()``;
  answered "yes" it publishes the draft. For attaching to a run that is under way: with a
  ``gate`` (a file's path) in its input it holds after ten tokens until that file exists, so a
  test meets it under way however slow the machine is.
"""

from __future__ import annotations

import os
import time
from typing import Any, Iterator, TypedDict

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.outputs import ChatGenerationChunk
from langchain_core.tools import tool
from langgraph.config import get_stream_writer
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import ToolCallTransformer, ToolNode
from langgraph.stream._types import StreamTransformer
from langgraph.stream.stream_channel import StreamChannel
from langgraph.stream.transformers import (
    CheckpointsTransformer,
    CustomTransformer,
    TasksTransformer,
    UpdatesTransformer,
)
from langgraph.types import interrupt
from scripted_model import ScriptedChatModel


# ------------------------------------------------------------------------------ toolloop


@tool
def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"It's always sunny in {city}!"


THINKING = [{"type": "reasoning", "reasoning": part, "index": 0} for part in ("The user ", "asks about ", "sf.")]
ASKING = [{"type": "text", "text": part, "index": 1} for part in ("Let me ", "check.")]
CALL_ARGS = ['{"ci', 'ty": "', 'sf"}']


def call_model(state: MessagesState) -> dict:
    writer = get_stream_writer()
    answered = any(m.type == "tool" for m in state["messages"])
    writer({"progress": 2 if answered else 1, "of": 2})
    if answered:
        chunks = [AIMessageChunk(content=[{"type": "text", "text": word, "index": 0}], id="answer")
                  for word in ("It ", "is ", "sunny.")]
    else:
        chunks = [AIMessageChunk(content=[block], id="ask") for block in THINKING + ASKING]
        chunks += [AIMessageChunk(content=[], id="ask", tool_call_chunks=[
            {"name": "get_weather" if i == 0 else None, "args": args, "id": "call_sf" if i == 0 else None,
             "index": 2}]) for i, args in enumerate(CALL_ARGS)]
    reply = ScriptedChatModel(chunks=chunks).invoke(state["messages"])
    return {"messages": [reply]}


def route(state: MessagesState) -> str:
    return "tools" if state["messages"][-1].tool_calls else END


class ProgressTransformer(StreamTransformer):
    """Re-publishes the ``custom`` events that carry ``progress`` on a named channel (``custom:progress``)."""

    def init(self) -> dict[str, Any]:
        self._channel: StreamChannel[Any] = StreamChannel("progress")
        return {"progress": self._channel}

    def process(self, event: Any) -> bool:
        data = event["params"]["data"]
        if event["method"] == "custom" and isinstance(data, dict) and "progress" in data:
            self._channel.push({"step": data["progress"], "of": data["of"]})
        return True


toolloop = (
    StateGraph(MessagesState)
    .add_node("model", call_model)
    .add_node("tools", ToolNode([get_weather]))
    .add_edge(START, "model")
    .add_conditional_edges("model", route, ["tools", END])
    .add_edge("tools", "model")
    .compile(transformers=[UpdatesTransformer, CustomTransformer, TasksTransformer, CheckpointsTransformer,
                           ToolCallTransformer, ProgressTransformer])
)


# ------------------------------------------------------------------------------ nested


class Nest(TypedDict, total=False):
    topic: str
    said: list[str]


def speaker(level: str):
    def speak(state: Nest) -> dict:
        reply = GenericFakeChatModel(messages=iter([AIMessage(f"{level} speaks about {state['topic']}")])).invoke("go")
        return {"said": [*state.get("said", []), reply.text]}
    return speak


grandchild = StateGraph(Nest).add_node("deepest", speaker("grandchild")).add_edge(START, "deepest").compile()
child = (
    StateGraph(Nest)
    .add_node("middle", speaker("child"))
    .add_node("grandchild", grandchild)
    .add_edge(START, "middle")
    .add_edge("middle", "grandchild")
    .compile()
)
nested = (
    StateGraph(Nest)
    .add_node("top", speaker("parent"))
    .add_node("child", child)
    .add_edge(START, "top")
    .add_edge("top", "child")
    .add_edge("child", END)
    .compile()
)


# ------------------------------------------------------------------------------ slow_interrupt

SLOW_TOKENS = 40
#: Tokens out before a gated run holds, and how long it holds at most (a test that failed before
#: opening its gate must not keep the server's worker for long).
HOLD_AFTER, HOLD_AT_MOST = 10, 30.0


class SlowChatModel(GenericFakeChatModel):
    """A fake model that waits ``delay`` seconds before each token, and after ``HOLD_AFTER`` tokens
    until the file ``gate`` exists, if it names one."""

    delay: float = 0.05
    gate: str | None = None

    def _stream(self, *args: Any, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        for count, chunk in enumerate(super()._stream(*args, **kwargs)):
            if self.gate and count == HOLD_AFTER:
                deadline = time.monotonic() + HOLD_AT_MOST
                while not os.path.exists(self.gate) and time.monotonic() < deadline:
                    time.sleep(0.02)
            time.sleep(self.delay)
            yield chunk


class Draft(TypedDict, total=False):
    topic: str
    gate: str
    draft: str
    published: str


def write_slowly(state: Draft) -> dict:
    words = " ".join(f"w{i}" for i in range((SLOW_TOKENS + 1) // 2))
    model = SlowChatModel(messages=iter([AIMessage(words)]), gate=state.get("gate"))
    return {"draft": model.invoke("draft").text}


def review(state: Draft) -> dict:
    answer = interrupt({"question": "Publish?", "words": len(state["draft"].split())})
    return {"published": state["draft"] if answer == "yes" else ""}


slow_interrupt = (
    StateGraph(Draft)
    .add_node("write", write_slowly)
    .add_node("review", review)
    .add_edge(START, "write")
    .add_edge("write", "review")
    .add_edge("review", END)
    .compile()
)
