"""Every stream mode, alone and combined, stateless and threaded, with and without
subgraphs: the fold of a real run equals what langgraph_sdk's raw events say."""

from __future__ import annotations

import pytest

import reference as ref
from lg_widgets import RunState
from lg_widgets.diff import replay
from sdk_runs import as_events, sdk_parts

pytestmark = pytest.mark.server

SINGLE_MODES = ["values", "updates", "messages-tuple", "messages", "debug", "custom", "events", "tasks", "checkpoints"]
COMBINED = [
    ["messages-tuple", "updates", "debug"],
    ["values", "updates", "messages-tuple", "messages", "debug", "custom", "events"],
    ["tasks", "checkpoints", "values", "messages-tuple"],
]
GRAPHS = {
    "joke": {"topic": "ice cream"},
    "agent": {"messages": [{"role": "user", "content": "what is the weather in sf"}]},
    "subgraph": {"topic": "parsers"},
    "custom": {"items": 3},
    "parallel": {"topic": "tea"},
    "failing": {"topic": "x"},
    "human": {"draft": "hello"},
}


def check_fold(parts, modes):
    state = RunState(modes).apply_all(as_events(parts))
    state.finish()
    assert state.text == ref.token_text(parts)
    if "values" in modes:
        assert state.state == ref.final_state(parts)
    assert replay(state.diffs) == state.state
    assert [s["name"] for s in state.steps] == ref.step_names(parts)
    assert [c["checkpoint_id"] for c in state.checkpoints] == ref.checkpoint_ids(parts)
    assert [c["data"] for c in state.custom] == ref.custom_data(parts)
    error = ref.error(parts)
    if error is not None:
        assert state.status == "error"
        assert state.error == {"type": error["error"], "message": error["message"], "kind": "run"}
    else:
        assert state.status in ("done", "interrupted")
        assert (state.status == "interrupted") == bool(state.interrupts)
    assert state.counts == {m: sum(1 for e, _ in parts if ref.mode_of(e) == m) for m in state.counts}
    assert sum(state.counts.values()) == len(parts)
    return state


@pytest.mark.parametrize("threaded", [False, True], ids=["stateless", "threaded"])
@pytest.mark.parametrize("modes", [[m] for m in SINGLE_MODES] + COMBINED, ids=lambda m: "+".join(m))
@pytest.mark.parametrize("graph", list(GRAPHS))
async def test_every_mode(server, graph, modes, threaded):
    parts = await sdk_parts(server.url, graph, GRAPHS[graph], modes, threaded=threaded)
    state = check_fold(parts, modes)
    if graph == "failing":
        assert state.status == "error"
    if threaded and {"debug", "checkpoints"} & set(modes):
        assert state.checkpoints, "threaded runs checkpoint every step"


@pytest.mark.parametrize("modes", [["updates"], ["debug"], ["messages-tuple", "values", "tasks"], COMBINED[1]],
                         ids=lambda m: "+".join(m))
@pytest.mark.parametrize("graph", ["subgraph", "parallel", "joke"])
async def test_with_subgraphs(server, graph, modes):
    parts = await sdk_parts(server.url, graph, GRAPHS[graph], modes, stream_subgraphs=True, threaded=True)
    state = check_fold(parts, modes)
    for step in state.steps:
        if step["namespace"]:
            parents = {s["id"] for s in state.steps}
            assert step["parent"] in parents, "a subgraph step hangs under the step that ran the subgraph"


@pytest.mark.parametrize("modes", [["messages-tuple", "values"], ["messages", "values"]], ids=lambda m: "+".join(m))
async def test_a_whole_ai_message_reaches_the_text_once(test_graphs_server, modes):
    """A node that returns an AI message (content blocks, no model streaming): the SDK's stream
    shows it as one message event, and the view's text holds its text once."""
    parts = await sdk_parts(test_graphs_server.url, "whole_reply", {"messages": []}, modes)
    state = check_fold(parts, modes)
    assert state.text == "Whole answer, in two blocks."
    assert [m["text"] for m in state.messages if m["type"] == "ai"] == [state.text]
