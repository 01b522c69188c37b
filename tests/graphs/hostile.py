"""Graphs whose every output is hostile markup, for the browser XSS tests (tests/browser).

Each payload would run ``window.__xss = 1`` (or inject an element) if the front end
ever turned run data into markup. The view must show them literally, as text.

- ``hostile``: a node named with markup streams the payloads as tokens, writes them
  as custom events, as state keys and values, as a message name; a second node's
  update has nested hostile keys.
- ``hostile_error``: streams a few hostile tokens, then raises an exception whose
  class name and message are markup.
- ``hostile_interrupt``: stops on ``interrupt()`` with a hostile value (run it on a thread).
"""

from operator import add
from typing import Annotated, TypedDict

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langgraph.config import get_stream_writer
from langgraph.graph import END, START, StateGraph
from langgraph.types import interrupt

IMG = '<img src=x onerror="window.__xss=1">'
SCRIPT = "<script>window.__xss=1</script>"
LINK = "javascript:window.__xss=1"
SVG = '<svg onload="window.__xss=1">'
TEXTAREA = "</textarea><b>x</b>"
ENTITIES = "&lt;&amp;"
EMOJI = "😀"
RTL = "שלום עולם"
ZERO_WIDTH = "zero\u200bwidth"
COMBINING = "e\u0301 a\u0308 n\u0303"  # é ä ñ as base letter + combining mark

#: Every payload, in the order the ``hostile`` node streams them.
PAYLOADS = [IMG, SCRIPT, LINK, SVG, TEXTAREA, ENTITIES, EMOJI, RTL, ZERO_WIDTH, COMBINING]
#: The token text of ``hostile`` (the fake model streams words and spaces as tokens).
TEXT = " ".join(PAYLOADS)
#: A node name: LangGraph forbids only ':' and '|' (namespace separators) in names.
NODE = IMG
#: State keys are channel names: the functional TypedDict syntax allows any string.
STATE_KEY = SCRIPT

State = TypedDict(
    "State",
    {
        "topic": str,
        STATE_KEY: str,
        "payloads": Annotated[list[str], add],
        "nested": dict,
    },
    total=False,
)


def speak(state: State) -> dict:
    writer = get_stream_writer()
    writer({IMG: SCRIPT, "link": LINK, "svg": SVG, "list": PAYLOADS})
    writer(TEXTAREA)
    reply = GenericFakeChatModel(messages=iter([AIMessage(TEXT)])).invoke(SCRIPT)
    return {STATE_KEY: reply.content, "payloads": PAYLOADS}


def nest(state: State) -> dict:
    get_stream_writer()({"nested": {SVG: {TEXTAREA: [IMG, {ENTITIES: LINK}]}}})
    return {"nested": {IMG: {SVG: [SCRIPT, LINK, RTL]}, TEXTAREA: ENTITIES}}


graph = (
    StateGraph(State)
    .add_node(NODE, speak)
    .add_node("nest", nest)
    .add_edge(START, NODE)
    .add_edge(NODE, "nest")
    .add_edge("nest", END)
    .compile()
)


# A class whose __name__ is markup: the run's error event carries it as the error type.
HostileError = type(SVG, (ValueError,), {})

ERROR_TEXT = f"{IMG} then"
ERROR_MESSAGE = f"{SCRIPT} {IMG} {LINK} {TEXTAREA} {RTL}"


def fail(state: State) -> dict:
    GenericFakeChatModel(messages=iter([AIMessage(ERROR_TEXT)])).invoke("go")
    raise HostileError(ERROR_MESSAGE)


error_graph = StateGraph(State).add_node("fail", fail).add_edge(START, "fail").add_edge("fail", END).compile()


def ask(state: State) -> dict:
    answer = interrupt({IMG: SCRIPT, "question": TEXTAREA, "options": [LINK, SVG]})
    return {"topic": str(answer)}


interrupt_graph = StateGraph(State).add_node("ask", ask).add_edge(START, "ask").add_edge("ask", END).compile()
