"""`branches`: where the time and the tokens go. plan → (quick ‖ slow) → join → polish ×3 → report.

Input ``{"topic": "tea"}``. Every node calls a fake chat model that streams its reply word by
word and reports its usage (prompt and completion tokens) on its last chunk, as real models do.
``quick`` (0.3 s) and ``slow`` (0.9 s) run in parallel; ``join`` waits for both (a fan-in);
``polish`` runs three times (a loop); ``report`` is a subgraph (``outline`` → ``write``).
Stream it with ``debug`` for the server's task timestamps.
"""

from __future__ import annotations

import time
from operator import add
from typing import Annotated, Any, Iterator, TypedDict

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, AnyMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages


class UsageFakeChatModel(BaseChatModel):
    """Replies ``reply`` word by word; the last chunk reports the call's usage: the prompt's words
    as input tokens, the reply's words as output tokens (``usage_metadata``)."""

    reply: str
    model_name: str = "fake-small"

    @property
    def _llm_type(self) -> str:
        return "usage-fake"

    def _usage(self, messages: list[BaseMessage]) -> dict[str, int]:
        prompt = sum(len(str(m.content).split()) for m in messages)
        output = len(self.reply.split())
        return {"input_tokens": prompt, "output_tokens": output, "total_tokens": prompt + output}

    def _stream(self, messages: list[BaseMessage], stop: Any = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        words = self.reply.split(" ")
        for i, word in enumerate(words):
            last = i == len(words) - 1
            chunk = AIMessageChunk(content=word if last else word + " ")
            if last:  # usage and the model's name once, on the last chunk (chunks add up)
                chunk.usage_metadata = self._usage(messages)  # type: ignore[assignment]
                chunk.response_metadata = {"model_name": self.model_name}
            generation = ChatGenerationChunk(message=chunk)
            if run_manager:
                run_manager.on_llm_new_token(str(chunk.content), chunk=generation)
            yield generation

    def _generate(self, messages: list[BaseMessage], stop: Any = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        message = AIMessage(self.reply, usage_metadata=self._usage(messages),  # type: ignore[arg-type]
                            response_metadata={"model_name": self.model_name})
        return ChatResult(generations=[ChatGeneration(message=message)])


def ask(reply: str, prompt: str, model: str = "fake-small") -> AIMessage:
    return UsageFakeChatModel(reply=reply, model_name=model).invoke(prompt)


class State(TypedDict, total=False):
    topic: str
    messages: Annotated[list[AnyMessage], add_messages]
    notes: Annotated[list[str], add]
    rounds: int


def plan(state: State) -> dict:
    return {"messages": [ask(f"Two angles on {state['topic']}: quick facts and a slow history.",
                             f"Plan a note about {state['topic']}")]}


def quick(state: State) -> dict:
    time.sleep(0.3)
    return {"messages": [ask(f"{state['topic']} is brewed from leaves.", "quick facts")], "notes": ["quick"]}


def slow(state: State) -> dict:
    time.sleep(0.9)
    return {"messages": [ask(f"{state['topic']} came along the silk road, slowly, over centuries.",
                             "a slow history", model="fake-large")], "notes": ["slow"]}


def join(state: State) -> dict:
    return {"messages": [ask("Facts and history, together.", "join " + " ".join(state.get("notes", [])))]}


def polish(state: State) -> dict:
    rounds = state.get("rounds", 0) + 1
    return {"messages": [ask(f"Polish round {rounds}.", "polish it")], "rounds": rounds}


def again(state: State) -> str:
    return "polish" if state.get("rounds", 0) < 3 else "report"


class ReportState(TypedDict, total=False):
    topic: str
    messages: Annotated[list[AnyMessage], add_messages]


def outline(state: ReportState) -> dict:
    return {"messages": [ask("Outline: leaves, roads, cups.", "outline")]}


def write(state: ReportState) -> dict:
    return {"messages": [ask(f"A report on {state['topic']}, in three short parts.", "write", model="fake-large")]}


report = (
    StateGraph(ReportState)
    .add_node(outline)
    .add_node(write)
    .add_edge(START, "outline")
    .add_edge("outline", "write")
    .add_edge("write", END)
    .compile()
)

graph = (
    StateGraph(State)
    .add_node(plan)
    .add_node(quick)
    .add_node(slow)
    .add_node(join)
    .add_node(polish)
    .add_node("report", report)
    .add_edge(START, "plan")
    .add_edge("plan", "quick")
    .add_edge("plan", "slow")
    .add_edge(["quick", "slow"], "join")
    .add_edge("join", "polish")
    .add_conditional_edges("polish", again, ["polish", "report"])
    .add_edge("report", END)
    .compile()
)
