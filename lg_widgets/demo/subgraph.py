"""`subgraph`: prepare → child (a compiled subgraph: research → write) → finish.

Input ``{"topic": "parsers"}``. Run with ``stream_subgraphs=True`` to see the
child's events under namespaces like ``child:<task id>``.

``narrated`` (served as ``subgraph_narrated``) is the same graph whose root ``finish`` node
calls a model too: its tokens stream beside the child's ``write`` tokens, so a filter by
namespace (root vs ``child``) has something to separate.
"""

from operator import add
from typing import Annotated, TypedDict

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langgraph.graph import END, START, StateGraph


class State(TypedDict, total=False):
    topic: str
    notes: Annotated[list[str], add]
    summary: str


class ChildState(TypedDict, total=False):
    topic: str
    finding: str  # the child's own key: the parent never sees it
    summary: str  # shared with the parent, which receives the child's final value


def research(state: ChildState) -> dict:
    return {"finding": f"{state['topic']} turn text into trees"}


def write(state: ChildState) -> dict:
    text = f"In short: {state['finding']}."
    reply = GenericFakeChatModel(messages=iter([AIMessage(text)])).invoke("summarise")
    return {"summary": reply.content}


child = (
    StateGraph(ChildState)
    .add_node(research)
    .add_node(write)
    .add_edge(START, "research")
    .add_edge("research", "write")
    .add_edge("write", END)
    .compile()
)


def prepare(state: State) -> dict:
    return {"topic": state.get("topic", "parsers").strip().lower(), "notes": ["prepared"]}


def finish(state: State) -> dict:
    return {"notes": ["finished"]}


graph = (
    StateGraph(State)
    .add_node(prepare)
    .add_node("child", child)
    .add_node(finish)
    .add_edge(START, "prepare")
    .add_edge("prepare", "child")
    .add_edge("child", "finish")
    .add_edge("finish", END)
    .compile()
)


def finish_aloud(state: State) -> dict:
    reply = GenericFakeChatModel(messages=iter([AIMessage("Filed.")])).invoke(state.get("summary", ""))
    return {"notes": [reply.content]}


narrated = (
    StateGraph(State)
    .add_node(prepare)
    .add_node("child", child)
    .add_node("finish", finish_aloud)
    .add_edge(START, "prepare")
    .add_edge("prepare", "child")
    .add_edge("child", "finish")
    .add_edge("finish", END)
    .compile()
)
