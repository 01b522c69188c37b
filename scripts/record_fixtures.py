"""Re-record the event streams under tests/fixtures from a real `langgraph dev`.

    python scripts/record_fixtures.py

Each fixture is one JSON object per line: {"event", "data", "id", "time"} with
`time` in seconds since the first event. The unit tests fold these files.
"""

from __future__ import annotations

import asyncio
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lg_widgets import local_server  # noqa: E402
from lg_widgets.client import LangGraphClient, RunRequest  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
ALL_MODES = ["values", "updates", "messages-tuple", "debug", "custom", "events", "tasks", "checkpoints"]

#: name → (assistant, input, stream_mode, thread_id, stream_subgraphs)
RECORDINGS = {
    "joke_all_modes_threaded": ("joke", {"topic": "ice cream"}, ALL_MODES, "new", False),
    "joke_messages_partial": ("joke", {"topic": "ice cream"}, ["messages", "updates"], None, False),
    "agent_tuple_events_values": ("agent", {"messages": [{"role": "user", "content": "weather in sf?"}]},
                                  ["messages-tuple", "events", "values", "updates"], None, False),
    "subgraph_debug_subgraphs": ("subgraph", {"topic": "parsers"},
                                 ["debug", "messages-tuple", "values"], "new", True),
    "parallel_tasks_checkpoints": ("parallel", {"topic": "tea"},
                                   ["tasks", "checkpoints", "values", "messages-tuple"], "new", False),
    "custom_custom_updates": ("custom", {"items": 3}, ["custom", "updates", "values"], None, False),
    "human_interrupt": ("human", {"draft": "hello"}, ["updates", "values", "debug"], "new", False),
    "failing_error": ("failing", {"topic": "x"}, ["messages-tuple", "debug", "values"], None, False),
}


async def record(url: str, name: str, spec: tuple) -> int:
    assistant, input, modes, thread_id, subgraphs = spec
    request = RunRequest(assistant, input, stream_mode=modes, thread_id=thread_id, stream_subgraphs=subgraphs)
    lines = []
    first = None
    async with LangGraphClient(url) as client:
        async for event in client.stream(request):
            first = event.time if first is None else first
            lines.append(json.dumps({**event.to_dict(), "time": round(event.time - first, 4)}))
    (FIXTURES / f"{name}.jsonl").write_text("\n".join(lines) + "\n")
    return len(lines)


async def main() -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    server = local_server()
    for name, spec in RECORDINGS.items():
        count = await record(server.url, name, spec)
        print(f"{name}: {count} events")


if __name__ == "__main__":
    asyncio.run(main())
