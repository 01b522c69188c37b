"""`async_progress`: an async node that writes custom events and streams a model, on any Python.

Input ``{"topic": "tea"}``. Before Python 3.11, asyncio can't hand a task the caller's
context, so in async code ``get_stream_writer()`` finds no writer and a model called
without ``config`` reports its tokens to no one. This node takes the two things it needs
as parameters instead (LangGraph injects ``config`` and ``writer``), which works on
every Python version.
"""

from typing import TypedDict

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langchain_core.runnables import RunnableConfig
from langgraph.graph import END, START, StateGraph
from langgraph.types import StreamWriter


class State(TypedDict, total=False):
    topic: str
    summary: str


async def summarize(state: State, config: RunnableConfig, writer: StreamWriter) -> dict:
    writer({"status": f"summarizing {state['topic']}"})
    model = GenericFakeChatModel(messages=iter([AIMessage(f"{state['topic'].capitalize()} is a calm drink.")]))
    reply = await model.ainvoke(f"Summarize {state['topic']}", config)  # config: the run's callbacks go along
    writer({"status": "done"})
    return {"summary": reply.content}


graph = StateGraph(State).add_node(summarize).add_edge(START, "summarize").add_edge("summarize", END).compile()
