"""`weather`: a tool-calling agent whose tool call streams, and whose tool reports progress.

Input ``{"messages": [{"role": "user", "content": "weather in Paris?"}]}``. The model
streams a tool call: its arguments arrive in pieces (``tool_call_chunks``), so the
``messages`` mode shows them growing in ``messages/partial``. The tool runs in
LangGraph's ``ToolNode`` and writes ``custom`` events from inside the tool
(``get_stream_writer``). The model then streams its answer.
"""

import json
import re
from typing import Any, Iterator

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk
from langchain_core.tools import tool
from langgraph.config import get_stream_writer
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import ToolCallTransformer, ToolNode, tools_condition
from langgraph.stream.transformers import CustomTransformer, UpdatesTransformer


class StreamingToolCallsModel(GenericFakeChatModel):
    """GenericFakeChatModel streams text only and drops tool calls; this one streams both.

    Text goes word by word; each tool call's arguments go as a JSON string cut into small
    pieces, the way real providers send them (the first piece names the tool and its id).
    """

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        message = next(self.messages)
        assert isinstance(message, AIMessage), "the script holds AIMessages"
        pieces: list[AIMessageChunk] = [
            AIMessageChunk(content=word, id=message.id) for word in re.split(r"(\s)", message.text) if word
        ]
        for index, call in enumerate(message.tool_calls):
            args = json.dumps(call["args"])
            pieces.append(AIMessageChunk(content="", id=message.id, tool_call_chunks=[
                {"name": call["name"], "args": "", "id": call["id"], "index": index, "type": "tool_call_chunk"}]))
            pieces.extend(AIMessageChunk(content="", id=message.id, tool_call_chunks=[
                {"name": None, "args": part, "id": None, "index": index, "type": "tool_call_chunk"}])
                for part in re.findall(r".{1,6}", args))
        for piece in pieces:
            chunk = ChatGenerationChunk(message=piece)
            if run_manager:
                run_manager.on_llm_new_token(piece.text, chunk=chunk)
            yield chunk


@tool
def get_weather(city: str, unit: str = "celsius") -> str:
    """The weather in a city."""
    write = get_stream_writer()  # works inside a tool too: the tool runs within the graph's node
    write({"tool": "get_weather", "status": f"looking up {city}"})
    report = f"18 degrees {unit} and sunny in {city}"
    write({"tool": "get_weather", "status": "done"})
    return report


def agent(state: MessagesState) -> dict:
    last = state["messages"][-1]
    if last.type == "tool":
        reply = AIMessage(f"It is {last.content}.")
    else:
        call = {"name": "get_weather", "args": {"city": "Paris", "unit": "celsius"}, "id": "call_paris",
                "type": "tool_call"}
        reply = AIMessage("", tool_calls=[call])
    model = StreamingToolCallsModel(messages=iter([reply])).with_config(tags=["agent-model"])
    return {"messages": [model.invoke(state["messages"])]}


builder = (
    StateGraph(MessagesState)
    .add_node(agent)
    .add_node("tools", ToolNode([get_weather]))
    .add_edge(START, "agent")
    .add_conditional_edges("agent", tools_condition, ["tools", END])
    .add_edge("tools", "agent")
)
graph = builder.compile()
# `weather_channels`: the same graph opting in to the thread protocol's `updates`, `custom` and
# `tools` channels (without transformers that protocol carries lifecycle, values, messages only).
graph_with_channels = builder.compile(transformers=[UpdatesTransformer, CustomTransformer, ToolCallTransformer])
