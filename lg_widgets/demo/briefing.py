"""`briefing`: the functional API, with models called inside a tool and inside a task.

Input ``{"city": "Lisbon"}``. The ``briefing`` entrypoint (its node is named ``briefing``) calls the ``almanac`` tool, whose
own model (tag ``almanac``) answers, then the ``summarise`` task, whose model (tag
``summary``) streams its answer as content blocks (a list of ``{"type": "text", ...}``
dicts, the way Anthropic's and OpenAI's Responses models do) after a reasoning block. The
messages modes stream both models' tokens: a model streams wherever the graph runs it, in a
node, a tool or a task.
"""

from typing import Any, Iterator

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk
from langchain_core.tools import tool
from langgraph.func import entrypoint, task


class ContentBlocksModel(GenericFakeChatModel):
    """Streams its reply as content blocks: one reasoning block, then text word by word."""

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        message = next(self.messages)
        assert isinstance(message, AIMessage) and isinstance(message.content, str)
        pieces = [AIMessageChunk(content=[{"type": "reasoning", "reasoning": "Keep it to one line.", "index": 0}],
                                 id=message.id)]
        words = message.content.split(" ")
        pieces += [AIMessageChunk(content=[{"type": "text", "text": word + (" " if i < len(words) - 1 else ""),
                                            "index": 1}], id=message.id) for i, word in enumerate(words)]
        for piece in pieces:
            chunk = ChatGenerationChunk(message=piece)
            if run_manager:
                run_manager.on_llm_new_token("", chunk=chunk)
            yield chunk


@tool
def almanac(city: str) -> str:
    """What the almanac says about a city (asks a model of its own)."""
    model = GenericFakeChatModel(messages=iter([AIMessage(f"{city} has mild winters.")])).with_config(tags=["almanac"])
    return str(model.invoke(f"Describe {city}").content)


@task
def summarise(notes: str) -> str:
    model = ContentBlocksModel(messages=iter([AIMessage("Pack a light coat.")])).with_config(tags=["summary"])
    reply = model.invoke(f"Summarise: {notes}")
    return "".join(block["text"] for block in reply.content if isinstance(block, dict) and block.get("type") == "text")


@entrypoint()
def briefing(inputs: dict) -> dict:
    notes = almanac.invoke({"city": inputs.get("city", "Lisbon")})
    summary = summarise(notes).result()
    return {"notes": notes, "summary": summary}


graph = briefing
