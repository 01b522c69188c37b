"""The thread protocol's known limits (docs/threads-protocol.md, "Known limits"), as the server has them:
message ids that are not the graph's, and parallel interrupts that outlast their run's end. Each test
goes red when the server's behaviour, or what lg_widgets says about it, changes."""

from __future__ import annotations

import pytest

from lg_widgets import RunError, StreamView
from lg_widgets.errors import HTTPStatusError, InvalidArgument
from lg_widgets.sources.update import check_removals
from lg_widgets.threads import ThreadClient, run_end_status
from lg_widgets.transport import ApiClient

WEATHER = {"messages": [{"role": "user", "content": "weather in sf?"}]}


def remove(message_id: str) -> dict:
    return {"messages": [{"type": "remove", "id": message_id, "content": ""}]}


def ids(messages: list[dict], kind: str) -> list[str]:
    return [m["id"] for m in messages if m["type"] in kind]


@pytest.mark.server
async def test_thread_protocol_message_ids_are_not_the_graphs_and_a_removal_needs_the_stored_one(test_graphs_server):
    url = test_graphs_server.url
    runs = StreamView("toolloop", WEATHER, url=url, thread_id="new").run()
    # The runs stream keeps the ids the graph's model gave its chunks.
    assert ids(runs.state["messages"], "ai") == ["ask", "answer"]
    runs.close()

    view = StreamView("toolloop", WEATHER, url=url, protocol="threads", thread_id="new",
                      interrupt_after=["tools"]).run()
    assert view.status == "interrupted"
    stored = view.state["messages"]
    # A streamed reply is stored under the model call's run id; the view shows that same id.
    [reply] = ids(stored, "ai")
    assert reply.startswith("lc_run--") and ids(view.messages, "ai") == [reply]
    # A tool's result streams as tool-<call id>; the state keeps the ToolMessage's own id.
    [tool] = ids(stored, "tool")
    assert ids(view.messages, "tool") == ["tool-call_sf"] != [tool]

    # The view refuses the streamed id before sending it, and stays stopped.
    with pytest.raises(InvalidArgument, match=r"'tool-call_sf'.*view\.state.*tool-<tool call id>"):
        view.update_state(remove("tool-call_sf"))
    assert view.status == "interrupted"
    # The server refuses it too (and the graph's own id "ask"), naming the limit.
    async with ApiClient(url) as api:
        for unknown in ("tool-call_sf", "ask"):
            with pytest.raises(HTTPStatusError, match=rf"HTTP 400: .*'{unknown}'.*view\.state.*lc_run--"):
                await api.update_state(view.thread_id, remove(unknown), as_node="tools")
    # The stored id works.
    view.update_state(remove(tool))
    assert ids(view.state["messages"], "tool") == []

    # A run whose input removes an id the state doesn't hold fails, and its error says why.
    again = StreamView("toolloop", remove("tool-call_sf"), url=url, protocol="threads", thread_id=view.thread_id)
    with pytest.raises(RunError, match=r"ValueError: .*doesn't exist \('tool-call_sf'\).*tool-<tool call id>"):
        again.run()
    for shown in (view, again):
        shown.close()


@pytest.mark.server
@pytest.mark.parametrize("transport", ["sse", "websocket"])
async def test_two_parallel_interrupts_on_the_thread_protocol_one_before_the_runs_end(test_graphs_server,
                                                                                      transport):
    async with ThreadClient(test_graphs_server.url, transport=transport) as client:
        thread = await client.create_thread()
        run = thread.run("two_interrupts", {})
        asked = [event.data["payload"]["question"] async for event in run if event.mode == "input.requested"]
        assert run.status == "interrupted" and len(asked) == 1
        # Both are stored: the thread's tasks hold one interrupt each.
        tasks = (await thread.get_state())["tasks"]
        assert sorted(i["value"]["question"] for t in tasks for i in t["interrupts"]) == ["left?", "right?"]
        # The thread's events have the other one after the root `interrupted` that ended the run.
        order = []
        async with thread.events(["input", "lifecycle"]) as events:
            async for event in events:
                order.append(run_end_status(event) or event.data.get("payload", {}).get("question"))
                if len(order) == 4:
                    break
        assert order[1:] == [asked[0], "interrupted", *({"left?", "right?"} - set(asked))]
    # The view shows both: it reads them from the thread's history.
    view = StreamView("two_interrupts", {}, url=test_graphs_server.url, protocol="threads",
                      transport=transport).run()
    assert sorted(i["value"]["question"] for i in view.interrupts if not i["resolved"]) == ["left?", "right?"]
    view.close()


def test_a_removal_is_checked_against_the_views_state():
    state = {"messages": [{"type": "ai", "id": "lc_run--1"}, {"type": "tool", "id": "t-1"}], "topic": "x"}
    check_removals(remove("t-1"), state)
    check_removals(remove("__remove_all__"), state)  # langgraph's REMOVE_ALL_MESSAGES
    check_removals({"messages": [{"role": "user", "content": "hi"}], "topic": "y"}, state)
    check_removals(remove("x"), {"topic": "x"})  # no messages known: the server decides
    with pytest.raises(InvalidArgument, match="'tool-call_1'"):
        check_removals(remove("tool-call_1"), state)

    class Removal:  # a RemoveMessage, by its fields
        type, id = "remove", "gone"
    with pytest.raises(InvalidArgument, match="'gone'"):
        check_removals({"messages": [Removal()]}, state)
