"""`ticker`: one model call that streams slowly, for watching, cutting and joining a run mid-stream.

Input ``{"words": 30, "pause": 0.02}``: the reply has that many words and streams one
character per token, ``pause`` seconds apart (about 6 s with these values).
"""

from typing import TypedDict

from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langgraph.graph import END, START, StateGraph

WORDS = ["tick", "tock"]


class State(TypedDict, total=False):
    words: int
    pause: float
    text: str


def speak(state: State) -> dict:
    text = " ".join(WORDS[i % 2] for i in range(int(state.get("words") or 30))) + "."
    model = FakeListChatModel(responses=[text], sleep=float(state.get("pause", 0.02)))  # 0: no pause
    return {"text": model.invoke("go").content}


graph = StateGraph(State).add_node(speak).add_edge(START, "speak").add_edge("speak", END).compile()
