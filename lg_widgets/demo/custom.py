"""`custom`: a node that reports progress through ``get_stream_writer``.

Input ``{"items": 3}``. Each item emits one ``custom`` event
``{"progress": i, "of": n, "item": ...}``.
"""

from typing import TypedDict

from langgraph.config import get_stream_writer
from langgraph.graph import END, START, StateGraph


class State(TypedDict, total=False):
    items: int
    processed: list[str]


def process(state: State) -> dict:
    writer = get_stream_writer()
    count = int(state.get("items", 3))
    done = []
    for i in range(1, count + 1):
        item = f"item-{i}"
        done.append(item)
        writer({"progress": i, "of": count, "item": item})
    return {"processed": done}


graph = StateGraph(State).add_node(process).add_edge(START, "process").add_edge("process", END).compile()
