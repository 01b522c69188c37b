"""`human`: draft → review (stops on ``interrupt``) → publish.

Input ``{"draft": "hello"}`` on a thread (``thread_id="new"``). The run stops
with status ``interrupted``; resume it with ``view.resume("yes")`` (approve)
or any other answer (which replaces the draft).
"""

from typing import TypedDict

from langgraph.graph import END, START, StateGraph
from langgraph.types import interrupt


class State(TypedDict, total=False):
    draft: str
    answer: str
    published: str


def write_draft(state: State) -> dict:
    return {"draft": state.get("draft", "hello").capitalize() + ", world"}


def review(state: State) -> dict:
    answer = interrupt({"question": "Publish this draft?", "draft": state["draft"]})
    return {"answer": str(answer)}


def publish(state: State) -> dict:
    text = state["draft"] if state["answer"].lower() in ("yes", "y", "ok") else state["answer"]
    return {"published": text}


graph = (
    StateGraph(State)
    .add_node(write_draft)
    .add_node(review)
    .add_node(publish)
    .add_edge(START, "write_draft")
    .add_edge("write_draft", "review")
    .add_edge("review", "publish")
    .add_edge("publish", END)
    .compile()
)
