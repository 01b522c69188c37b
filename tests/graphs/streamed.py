"""Graphs for the fold's edge cases (tests/test_fold_edges.py), each as a user's graph would be.

- ``three_tools``: a model streams three tool calls' arguments chunk by chunk (``index``,
  the call's ``id`` and ``name`` on its first chunk only, the arguments as JSON text pieces),
  a ``ToolNode`` runs them, and the model answers in content blocks. Each reply ends with an
  empty ``chunk_position="last"`` chunk: the answer's from the model, with the message's id;
  the first one's from langchain-core, which gives it an id of its own (``lc_run--...``).
- ``two_interrupts``: two parallel nodes each stop on ``interrupt()``; answering one of them
  leaves the other waiting.
- ``nested_interrupt``: a subgraph's node stops on ``interrupt()``: the interrupt reaches the
  client from the subgraph and from the parent graph.
- ``loop``: a node that routes back to itself for ever: stopped by ``recursion_limit``.
- ``countdown``: one node run ``to`` times (a long run of many steps).
- ``broken``: a node that raises.
"""

from __future__ import annotations

import operator
from typing import Annotated, TypedDict

from langchain_core.messages import AIMessageChunk
from langchain_core.tools import tool
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode
from langgraph.types import interrupt
from scripted_model import ScriptedChatModel


# ------------------------------------------------------------------------------ three_tools


@tool
def weather(city: str) -> str:
    """The weather in a city."""
    return f"Sunny in {city}."


@tool
def population(city: str, year: int) -> str:
    """A city's population in a year."""
    return f"{city} had many people in {year}."


@tool
def distance(origin: str, to: str) -> str:
    """How far apart two cities are."""
    return f"{origin} to {to}: far."


#: (index, id, name, the argument text in the pieces the model streams it)
CALLS = [
    (0, "call_weather", "weather", ['{"ci', 'ty": "P', 'aris"}']),
    (1, "call_population", "population", ['{"city": ', '"Lyon", "ye', 'ar": 2020}']),
    (2, "call_distance", "distance", ['{"origin": "Paris",', ' "to": "Ni', 'ce"}']),
]
ANSWER = [(0, "Paris is "), (0, "sunny; "), (1, "Lyon is "), (1, "busy.")]


def _tool_chunks() -> list[AIMessageChunk]:
    chunks = [AIMessageChunk(content="Checking three things.", id="plan")]
    for index, call_id, name, pieces in CALLS:
        for i, piece in enumerate(pieces):
            first = i == 0
            chunks.append(AIMessageChunk(content="", id="plan", tool_call_chunks=[{
                "index": index, "id": call_id if first else None, "name": name if first else None,
                "args": piece, "type": "tool_call_chunk"}]))
    return chunks  # no last chunk of its own: langchain-core adds an empty one, with an id of its own


def _answer_chunks() -> list[AIMessageChunk]:
    chunks = [AIMessageChunk(content=[{"type": "text", "text": text, "index": index}], id="answer")
              for index, text in ANSWER]
    chunks.append(AIMessageChunk(content=[], id="answer", chunk_position="last"))
    return chunks


def call_model(state: MessagesState) -> dict:
    answered = any(m.type == "tool" for m in state["messages"])
    chunks = _answer_chunks() if answered else _tool_chunks()
    return {"messages": [ScriptedChatModel(chunks=chunks).invoke(state["messages"])]}


def route(state: MessagesState) -> str:
    return "tools" if state["messages"][-1].tool_calls else END


three_tools = (
    StateGraph(MessagesState)
    .add_node("model", call_model)
    .add_node("tools", ToolNode([weather, population, distance]))
    .add_edge(START, "model")
    .add_conditional_edges("model", route, ["tools", END])
    .add_edge("tools", "model")
    .compile()
)


# ------------------------------------------------------------------------------ two_interrupts


class Answers(TypedDict, total=False):
    answers: Annotated[list[str], operator.add]


def ask(name: str):
    def node(state: Answers) -> dict:
        return {"answers": [f"{name}={interrupt({'question': f'{name}?'})}"]}
    return node


two_interrupts = (
    StateGraph(Answers)
    .add_node("ask_left", ask("left"))
    .add_node("ask_right", ask("right"))
    .add_edge(START, "ask_left")
    .add_edge(START, "ask_right")
    .add_edge("ask_left", END)
    .add_edge("ask_right", END)
    .compile()
)


# ------------------------------------------------------------------------------ nested_interrupt

inner = StateGraph(Answers).add_node("ask_inner", ask("inner")).add_edge(START, "ask_inner").compile()
nested_interrupt = (
    StateGraph(Answers)
    .add_node("before", lambda state: {"answers": ["before"]})
    .add_node("inner", inner)
    .add_edge(START, "before")
    .add_edge("before", "inner")
    .add_edge("inner", END)
    .compile()
)


# ------------------------------------------------------------------------------ loop


class Count(TypedDict, total=False):
    n: int


loop = (
    StateGraph(Count)
    .add_node("again", lambda state: {"n": state.get("n", 0) + 1})
    .add_edge(START, "again")
    .add_conditional_edges("again", lambda state: "again", ["again"])
    .compile()
)


class Countdown(TypedDict, total=False):
    n: int
    to: int


#: ``{"to": k}``: ``k`` steps of one node, then the end (run it with a recursion_limit above k).
countdown = (
    StateGraph(Countdown)
    .add_node("tick", lambda state: {"n": state.get("n", 0) + 1})
    .add_edge(START, "tick")
    .add_conditional_edges("tick", lambda state: END if state["n"] >= state["to"] else "tick", ["tick", END])
    .compile()
)


# ------------------------------------------------------------------------------ broken


def fail(state: Count) -> dict:
    raise ValueError("the broken node always raises")


broken = (
    StateGraph(Count)
    .add_node("start", lambda state: {"n": 1})
    .add_node("fail", fail)
    .add_edge(START, "start")
    .add_edge("start", "fail")
    .add_edge("fail", END)
    .compile()
)
