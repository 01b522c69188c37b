"""`failing`: prepare → explode, which streams a few tokens and then raises.

Input ``{"topic": "x"}``. Shows what an error looks like: the partial text and
the finished first step stay, the run ends with an ``error`` event.
"""

from typing import TypedDict

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langgraph.graph import END, START, StateGraph


class State(TypedDict, total=False):
    topic: str
    prepared: bool


def prepare(state: State) -> dict:
    return {"prepared": True}


def explode(state: State) -> dict:
    GenericFakeChatModel(messages=iter([AIMessage("Starting to answer, but")])).invoke("go")
    raise ValueError("boom: the failing demo node always raises")


graph = (
    StateGraph(State)
    .add_node(prepare)
    .add_node(explode)
    .add_edge(START, "prepare")
    .add_edge("prepare", "explode")
    .add_edge("explode", END)
    .compile()
)
