"""`whole_reply`: a node returns an AI message whole, with content blocks, no model streaming.

Its text must reach the view's ``text`` once, as langgraph_sdk's stream shows it.
"""

from langchain_core.messages import AIMessage
from langgraph.graph import END, START, MessagesState, StateGraph

BLOCKS = [{"type": "text", "text": "Whole answer, "}, {"type": "text", "text": "in two blocks."}]


def answer(state: MessagesState) -> dict:
    return {"messages": [AIMessage(content=BLOCKS, id="whole-1")]}


graph = StateGraph(MessagesState).add_node(answer).add_edge(START, "answer").add_edge("answer", END).compile()
