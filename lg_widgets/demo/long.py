"""`long`: one model call that streams many tokens (``{"tokens": 10000}``; default 2000).

For benchmarks and for watching text keep up. The reply lands in ``messages``.
"""

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langgraph.graph import END, START, MessagesState, StateGraph

WORDS = ["stream", "graph", "token", "state", "node", "edge", "step", "event"]


class State(MessagesState, total=False):
    tokens: int


def generate(state: State) -> dict:
    count = int(state.get("tokens") or 2000)
    # GenericFakeChatModel streams words and the spaces between them as separate tokens.
    words = [f"{WORDS[i % len(WORDS)]}{i}" for i in range((count + 1) // 2)]
    reply = GenericFakeChatModel(messages=iter([AIMessage(" ".join(words))])).invoke("go")
    return {"messages": [reply]}


graph = StateGraph(State).add_node(generate).add_edge(START, "generate").add_edge("generate", END).compile()
