"""`joke`: refine_topic → generate_joke, the shape of LangGraph's streaming tutorials.

Input ``{"topic": "ice cream"}``. The second node calls a (fake) chat model,
so ``messages-tuple`` streams its tokens, word by word.
"""

from typing import TypedDict

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langgraph.graph import END, START, StateGraph


class JokeState(TypedDict, total=False):
    topic: str
    joke: str


def refine_topic(state: JokeState) -> dict:
    return {"topic": state.get("topic", "ice cream") + " and cats"}


def generate_joke(state: JokeState) -> dict:
    topic = state["topic"]
    joke = f"Why did the {topic} sit on the computer? To keep an eye on the mouse!"
    model = GenericFakeChatModel(messages=iter([AIMessage(joke)]))
    reply = model.with_config(tags=["joke-model"]).invoke(f"Tell me a joke about {topic}")
    return {"joke": reply.content}


graph = (
    StateGraph(JokeState)
    .add_node(refine_topic)
    .add_node(generate_joke)
    .add_edge(START, "refine_topic")
    .add_edge("refine_topic", "generate_joke")
    .add_edge("generate_joke", END)
    .compile()
)
