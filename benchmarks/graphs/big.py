"""`big`: a run at scale. ``gather`` puts ``{"state_mb": S}`` megabytes of documents in the state,
``answer`` streams ``{"tokens": N}`` tokens (words and spaces) into ``messages``.

For the scale figures (``python -m benchmarks.browser --scale``): 50,000 tokens and a 5 MB state.
"""

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langgraph.graph import END, START, MessagesState, StateGraph

WORDS = ["stream", "graph", "token", "state", "node", "edge", "step", "event"]
DOCUMENT_BYTES = 1000


class State(MessagesState, total=False):
    tokens: int
    state_mb: float
    documents: list[dict]


def gather(state: State) -> dict:
    count = int(float(state.get("state_mb") or 5) * 1_000_000 / DOCUMENT_BYTES)
    filler = "lorem ipsum dolor sit amet " * (DOCUMENT_BYTES // 27)
    return {"documents": [{"id": f"doc-{i}", "title": f"Document {i}", "text": filler[: DOCUMENT_BYTES - 60]}
                          for i in range(count)]}


def answer(state: State) -> dict:
    count = int(state.get("tokens") or 50_000)
    words = [f"{WORDS[i % len(WORDS)]}{i}" for i in range((count + 1) // 2)]
    reply = GenericFakeChatModel(messages=iter([AIMessage(" ".join(words))])).invoke("go")
    return {"messages": [reply]}


graph = (
    StateGraph(State)
    .add_node(gather)
    .add_node(answer)
    .add_edge(START, "gather")
    .add_edge("gather", "answer")
    .add_edge("answer", END)
    .compile()
)
