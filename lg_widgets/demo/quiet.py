"""`quiet`: which model calls stream, and how to keep one out of the stream.

Input ``{"question": "why is the sky blue?"}``. ``answer`` calls three models with
``.invoke()``: a plain one (its tokens stream all the same: LangGraph's messages
handler makes ``invoke`` stream), one tagged ``nostream`` (LangGraph never sends its
tokens), and one built with ``disable_streaming=True`` (it never streams: its message
is sent once, whole). ``recap`` calls a ``nostream`` model too, but returns its message
into the ``messages`` channel: the messages mode still sends that message once, whole,
when the node ends.
"""

from typing import TypedDict

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langgraph.graph import END, START, MessagesState, StateGraph


class State(MessagesState, total=False):
    question: str
    notes: str
    answer: str
    summary: str


def fake(text: str, **options) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter([AIMessage(text)]), **options)


def answer(state: State) -> dict:
    notes = fake("scattering, short wavelengths").with_config(tags=["nostream"]).invoke(state["question"])
    reply = fake("Blue light scatters most.").invoke(state["question"])
    summary = fake("Rayleigh scattering.", disable_streaming=True).invoke(reply.content)
    return {"notes": notes.content, "answer": reply.content, "summary": summary.content}


def recap(state: State) -> dict:
    recap = fake("Recap: blue scatters.").with_config(tags=["nostream"]).invoke(state["answer"])
    return {"messages": [recap]}


graph = (
    StateGraph(State)
    .add_node(answer)
    .add_node(recap)
    .add_edge(START, "answer")
    .add_edge("answer", "recap")
    .add_edge("recap", END)
    .compile()
)
