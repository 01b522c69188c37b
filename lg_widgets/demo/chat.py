"""`chat`: a chat agent on ``messages`` state, one reply a turn (a fake chat model that streams).

Input ``{"messages": [{"role": "user", "content": "hi"}]}``; on a thread, each next turn adds a
human message (``view.submit("...")``) and the model answers it, counting the turns it has seen.
"""

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langgraph.graph import END, START, MessagesState, StateGraph


def reply(state: MessagesState) -> dict:
    humans = [m for m in state["messages"] if m.type == "human"]
    said = humans[-1].text if humans else ""
    answer = f"Turn {len(humans)}: you said {said!r}."
    model = GenericFakeChatModel(messages=iter([AIMessage(answer)]))
    return {"messages": [model.invoke(state["messages"])]}


graph = StateGraph(MessagesState).add_node(reply).add_edge(START, "reply").add_edge("reply", END).compile()
