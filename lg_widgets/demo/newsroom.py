"""`newsroom`: reporter → editor, two nodes whose models stream, each call with its own tag.

Input ``{"topic": "Paris"}``. The reporter's model (tag ``draft``) writes a forecast, then
the editor makes two calls: one model (tag ``review``) judges it, another (tag
``headline``) titles it. Filters by node (``langgraph_node``) and by tag (``tags``) both
have text to separate, and the tag filter splits what the node filter can't: the editor's
two replies.
"""

from typing import TypedDict

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langgraph.graph import END, START, StateGraph


class State(TypedDict, total=False):
    topic: str
    draft: str
    verdict: str
    headline: str


def reporter(state: State) -> dict:
    forecast = f"Rain over {state.get('topic', 'Paris')} on Monday, sun by Wednesday."
    model = GenericFakeChatModel(messages=iter([AIMessage(forecast)])).with_config(tags=["draft"])
    return {"draft": model.invoke(f"Write a forecast for {state.get('topic', 'Paris')}").content}


def editor(state: State) -> dict:
    judge = GenericFakeChatModel(messages=iter([AIMessage("Clear and short: approved.")])).with_config(tags=["review"])
    verdict = judge.invoke(f"Review: {state['draft']}").content
    titler = GenericFakeChatModel(messages=iter([AIMessage("Wet start, bright finish")])).with_config(tags=["headline"])
    return {"verdict": verdict, "headline": titler.invoke(f"A headline for: {state['draft']}").content}


graph = (
    StateGraph(State)
    .add_node(reporter)
    .add_node(editor)
    .add_edge(START, "reporter")
    .add_edge("reporter", "editor")
    .add_edge("editor", END)
    .compile()
)
