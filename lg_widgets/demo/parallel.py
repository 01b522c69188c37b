"""`parallel`: two branches in the same super-step (left streams tokens, right doesn't), then join.

Input ``{"topic": "tea"}``.
"""

from typing import TypedDict

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langgraph.graph import END, START, StateGraph


class State(TypedDict, total=False):
    topic: str
    poem: str
    facts: str
    joined: str


def left(state: State) -> dict:
    text = f"A short poem about {state['topic']}: warm cup, slow morning."
    return {"poem": GenericFakeChatModel(messages=iter([AIMessage(text)])).invoke("poem").content}


def right(state: State) -> dict:
    return {"facts": f"{state['topic']} is a drink"}


def join(state: State) -> dict:
    return {"joined": f"{state['poem']} / {state['facts']}"}


graph = (
    StateGraph(State)
    .add_node(left)
    .add_node(right)
    .add_node(join)
    .add_edge(START, "left")
    .add_edge(START, "right")
    .add_edge(["left", "right"], "join")
    .add_edge("join", END)
    .compile()
)
