"""`agent`: a model → tool → model loop, like the tutorials' ReAct agent.

Input ``{"messages": [{"role": "user", "content": "what is the weather in sf"}]}``.
The model first says "begin" and calls ``get_weather``; the tool answers with
a whole ToolMessage (not streamed); the model then says "end". The fake model
streams one character per token, so the ``events`` mode shows the tutorial's
"b", "be", "beg", ... accumulation.
"""

from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import AIMessage, ToolMessage
from langgraph.graph import END, START, MessagesState, StateGraph


def get_weather(city: str) -> str:
    return f"It's always sunny in {city}!"


def call_model(state: MessagesState) -> dict:
    answered = any(m.type == "tool" for m in state["messages"])
    model = FakeListChatModel(responses=["end" if answered else "begin"])
    reply = model.with_config(tags=["agent-model"]).invoke(state["messages"])
    if answered:
        return {"messages": [AIMessage(reply.content, id=reply.id)]}
    call = {"name": "get_weather", "args": {"city": "sf"}, "id": "call_weather_sf", "type": "tool_call"}
    return {"messages": [AIMessage(reply.content, id=reply.id, tool_calls=[call])]}


def call_tools(state: MessagesState) -> dict:
    last = state["messages"][-1]
    assert isinstance(last, AIMessage), "the model spoke last"
    return {"messages": [ToolMessage(get_weather(**call["args"]), tool_call_id=call["id"], name=call["name"])
                         for call in last.tool_calls]}


def route(state: MessagesState) -> str:
    last = state["messages"][-1]
    return "tools" if isinstance(last, AIMessage) and last.tool_calls else END


graph = (
    StateGraph(MessagesState)
    .add_node("agent", call_model)
    .add_node("tools", call_tools)
    .add_edge(START, "agent")
    .add_conditional_edges("agent", route, ["tools", END])
    .add_edge("tools", "agent")
    .compile()
)
