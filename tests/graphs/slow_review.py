"""`slow_review`: streams a draft slowly, stops on ``interrupt``, then streams the final text.

For tests of the page *while* it streams, across a resume: ``{"words": n}`` sets the length of
each reply (default 40 words); each character is a token, ``{"pause": s}`` seconds apart
(default 0.01). Run it on a thread; resume with any answer.
"""

from typing import TypedDict

from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langgraph.graph import END, START, StateGraph
from langgraph.types import interrupt

WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]


class State(TypedDict, total=False):
    words: int
    pause: float
    draft: str
    answer: str
    final: str


def _reply(state: State, prefix: str) -> str:
    words = [f"{WORDS[i % len(WORDS)]}{i}" for i in range(int(state.get("words") or 40))]
    model = FakeListChatModel(responses=[prefix + " ".join(words) + ". "], sleep=float(state.get("pause") or 0.01))
    return str(model.invoke("go").content)


def draft(state: State) -> dict:
    return {"draft": _reply(state, "Draft: ")}


def review(state: State) -> dict:
    return {"answer": str(interrupt({"question": "Publish this draft?", "chars": len(state["draft"])}))}


def publish(state: State) -> dict:
    return {"final": _reply(state, f"Published ({state['answer']}): ")}


graph = (
    StateGraph(State)
    .add_node(draft)
    .add_node(review)
    .add_node(publish)
    .add_edge(START, "draft")
    .add_edge("draft", "review")
    .add_edge("review", "publish")
    .add_edge("publish", END)
    .compile()
)
