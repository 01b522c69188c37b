"""`fanin`: plan → (left ‖ right) → merge → finish: parallel branches and a fan-in, for breakpoints.

Input ``{"topic": "owls"}``. Each branch appends one finding (``findings`` adds lists up);
``merge`` joins them in sorted order, ``finish`` makes the report from what ``merge`` left.
"""

import operator
from typing import Annotated, TypedDict

from langgraph.graph import END, START, StateGraph


class State(TypedDict, total=False):
    topic: str
    findings: Annotated[list[str], operator.add]
    merged: str
    report: str


def plan(state: State) -> dict:
    return {"topic": state.get("topic", "owls").strip()}


def left(state: State) -> dict:
    return {"findings": [f"left:{state['topic']}"]}


def right(state: State) -> dict:
    return {"findings": [f"right:{state['topic']}"]}


def merge(state: State) -> dict:
    return {"merged": " + ".join(sorted(state["findings"]))}


def finish(state: State) -> dict:
    return {"report": f"report({state['merged']})"}


graph = (
    StateGraph(State)
    .add_node(plan).add_node(left).add_node(right).add_node(merge).add_node(finish)
    .add_edge(START, "plan")
    .add_edge("plan", "left").add_edge("plan", "right")
    .add_edge(["left", "right"], "merge")
    .add_edge("merge", "finish").add_edge("finish", END)
    .compile()
)
