"""Re-record the event streams under tests/fixtures from a real `langgraph dev`.

    python scripts/record_fixtures.py [name ...]

Each fixture is what `StreamView.save()` writes (see lg_widgets/sources.py): a header line,
then one line per event, and a lifecycle line where a resumed or forked run goes on in the
same view. The unit tests fold these files; `StreamView.replay()` plays them.
"""

from __future__ import annotations

import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lg_widgets import StreamView, local_server  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
#: Recordings whose graph is one of the test graphs (tests/graphs), not a demo graph.
TEST_GRAPHS = ROOT / "tests" / "graphs" / "langgraph.json"
ALL_MODES = ["values", "updates", "messages-tuple", "debug", "custom", "events", "tasks", "checkpoints"]
TOKENS_STEPS_STATE = ["messages-tuple", "updates", "debug", "values"]
ASKED = {"messages": [{"role": "user", "content": "weather, people, distance?"}]}
RECURSION_LIMIT = {"config": {"recursion_limit": 4}}

#: name → (assistant, input, stream_mode, thread_id, stream_subgraphs, then[, protocol[, options]]): `then`
#: continues the view with ("resume", value), ("resume_first", value) (answers only the first of the
#: interrupts waiting), ("resume_all", value) (answers each of them) or ("fork", name of the step whose
#: checkpoint to fork from); `protocol` "threads" records the thread-centric protocol (stream_mode: its
#: channels); `options`: more StreamView arguments.
RECORDINGS = {
    "joke_all_modes_threaded": ("joke", {"topic": "ice cream"}, ALL_MODES, "new", False, None),
    "joke_messages_partial": ("joke", {"topic": "ice cream"}, ["messages", "updates"], None, False, None),
    "agent_tuple_events_values": ("agent", {"messages": [{"role": "user", "content": "weather in sf?"}]},
                                  ["messages-tuple", "events", "values", "updates"], None, False, None),
    "subgraph_debug_subgraphs": ("subgraph", {"topic": "parsers"},
                                 ["debug", "messages-tuple", "values"], "new", True, None),
    "parallel_tasks_checkpoints": ("parallel", {"topic": "tea"},
                                   ["tasks", "checkpoints", "values", "messages-tuple"], "new", False, None),
    "custom_custom_updates": ("custom", {"items": 3}, ["custom", "updates", "values"], None, False, None),
    "human_interrupt": ("human", {"draft": "hello"}, ["updates", "values", "debug"], "new", False, None),
    "failing_error": ("failing", {"topic": "x"}, ["messages-tuple", "debug", "values"], None, False, None),
    "human_resume": ("human", {"draft": "hello"}, ["messages-tuple", "updates", "values", "debug"], "new", False,
                     ("resume", "yes")),
    "joke_fork_in_place": ("joke", {"topic": "tea"}, TOKENS_STEPS_STATE, "new", False, ("fork", "generate_joke")),
    "slow_review_resume": ("slow_review", {"words": 12, "pause": 0.002}, TOKENS_STEPS_STATE, "new", False,
                           ("resume", "yes")),
    "joke_threads": ("joke", {"topic": "ice cream"}, None, None, False, None, "threads"),
    "toolloop_threads": ("toolloop", {"messages": [{"role": "user", "content": "weather in sf?"}]}, None, None, False,
                         None, "threads"),
    "human_threads_resume": ("human", {"draft": "hello"}, None, None, False, ("resume", "yes"), "threads"),
    "three_tools_tuple_events": ("three_tools", ASKED, ["messages-tuple", "events", "updates", "values"], None, False,
                                 None),
    "three_tools_messages": ("three_tools", ASKED, ["messages", "updates", "values"], None, False, None),
    "three_tools_threads": ("three_tools", ASKED, None, None, False, None, "threads"),
    "two_interrupts_resume_one": ("two_interrupts", {}, ["updates", "values", "debug"], "new", False,
                                  ("resume_first", "L")),
    "two_interrupts_threads_resume_all": ("two_interrupts", {}, None, None, False, ("resume_all", "A"), "threads"),
    "nested_interrupt_subgraphs": ("nested_interrupt", {}, ["updates", "values", "debug"], "new", True, None),
    "nested_interrupt_threads": ("nested_interrupt", {}, None, None, False, None, "threads"),
    "loop_recursion_debug": ("loop", {}, ["debug", "values"], "new", False, None, "runs", RECURSION_LIMIT),
    "loop_recursion_threads": ("loop", {}, None, None, False, None, "threads", RECURSION_LIMIT),
    "broken_debug": ("broken", {}, ["debug", "values"], "new", False, None),
    "broken_threads": ("broken", {}, None, None, False, None, "threads"),
    "branches_debug_subgraphs": ("branches", {"topic": "tea"}, ["debug", "messages-tuple", "values", "updates"],
                                 "new", True, None),
    "branches_threads": ("branches", {"topic": "tea"}, None, None, False, None, "threads"),
}


def record(url: str, name: str) -> int:
    assistant, input, modes, thread_id, subgraphs, then, *rest = RECORDINGS[name]
    protocol, options = (rest + ["runs", {}][len(rest):])[:2]
    view = StreamView(assistant, input, url=url, stream_mode=modes, thread_id=thread_id,
                      stream_subgraphs=subgraphs, protocol=protocol, **options)
    try:
        view.run()
    except Exception:  # a failing graph is recorded as it fails
        pass
    if then and then[0] == "resume":
        view.resume(then[1], wait=True)
    elif then and then[0] == "resume_first":
        view.resume({view.interrupts[0]["id"]: then[1]}, wait=True)
    elif then and then[0] == "resume_all":
        view.resume({i["id"]: then[1] for i in view.interrupts}, wait=True)
    elif then and then[0] == "fork":
        step = next(s for s in view.steps if s["name"] == then[1])
        view.fork(step["checkpoint_id"], in_place=True, wait=True)
    return view.save(FIXTURES / f"{name}.jsonl")


def main(names: list[str]) -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    demo, tests = local_server(), local_server(TEST_GRAPHS)
    test_graphs = json.loads(TEST_GRAPHS.read_text())["graphs"]
    for name in names or RECORDINGS:
        server = tests if RECORDINGS[name][0] in test_graphs else demo
        print(f"{name}: {record(server.url, name)} events")


if __name__ == "__main__":
    main(sys.argv[1:])
