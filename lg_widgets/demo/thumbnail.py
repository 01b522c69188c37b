"""`thumbnail`: a node that puts bytes into the state.

Input ``{"name": "dot"}``. ``render`` returns the first bytes of a PNG file as ``bytes``. Run
in Python, the graph's state keeps them as bytes; the API server sends the state as JSON,
where bytes become a base64 string, and a client gets that string back, not bytes.
"""

from typing import TypedDict

from langgraph.graph import END, START, StateGraph

#: The eight bytes every PNG file starts with.
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class State(TypedDict, total=False):
    name: str
    png: bytes


def render(state: State) -> dict:
    return {"png": PNG_SIGNATURE}


graph = StateGraph(State).add_node(render).add_edge(START, "render").add_edge("render", END).compile()
