"""Re-record the thread-protocol event streams under tests/fixtures/threads from a real `langgraph dev`.

    python scripts/record_thread_fixtures.py

Each fixture is a recording (``lg_widgets.recording/1``, what ``StreamView.save``
writes and ``StreamView.replay`` plays): every event as the client read it, with
its ``seq``, ``event_id``, namespace, server timestamp and arrival offset. Each
run is read over SSE with all channels (``lg_widgets.threads``); an interrupted
run is answered "yes" and read on to the end of the resumed run.
``tests/thread_recordings.py`` loads them as ``ThreadEvent``s.
"""

from __future__ import annotations

import asyncio
import pathlib
import sys
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lg_widgets import local_server  # noqa: E402
from lg_widgets.sources import write_recording  # noqa: E402
from lg_widgets.threads import CHANNELS, ThreadClient, ThreadEvent  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "threads"
TEST_GRAPHS = ROOT / "tests" / "graphs" / "langgraph.json"
WEATHER = {"messages": [{"role": "user", "content": "weather in sf?"}]}

#: name → (server: "demo" | "test", assistant, input)
RECORDINGS: dict[str, tuple[str, str, Any]] = {
    "joke_run": ("demo", "joke", {"topic": "ice cream"}),
    "agent_tool_loop": ("demo", "agent", WEATHER),
    "subgraph_one_level": ("demo", "subgraph", {"topic": "parsers"}),
    "parallel_branches": ("demo", "parallel", {"topic": "tea"}),
    "custom_writer": ("demo", "custom", {"items": 3}),
    "human_interrupt_resume": ("demo", "human", {"draft": "hello"}),
    "failing_error_after_tokens": ("demo", "failing", {"topic": "x"}),
    "long_400_tokens": ("demo", "long", {"tokens": 400}),
    "toolloop_all_channels": ("test", "toolloop", WEATHER),
    "nested_two_levels": ("test", "nested", {"topic": "owls"}),
    "hostile_markup": ("test", "hostile", {"topic": "x"}),
    "hostile_error_markup": ("test", "hostile_error", {"topic": "x"}),
}


async def record_run(url: str, assistant: str, input: Any) -> list[ThreadEvent]:
    """Every event of a run (and of its resumption, answered "yes", when it stops on an interrupt)."""
    async with ThreadClient(url) as client:
        thread = await client.create_thread()
        run = thread.run(assistant, input)
        events = [event async for event in run]
        while run.status == "interrupted":
            ask = next(e for e in reversed(events) if e.mode == "input.requested")
            run = thread.resume("yes", ask.data["interrupt_id"], namespace=list(ask.namespace), since=run.last_seq)
            events += [event async for event in run]
        return events


def write(name: str, assistant: str, events: list[ThreadEvent]) -> None:
    write_recording(FIXTURES / f"{name}.jsonl", events, assistant, list(CHANNELS), protocol="threads")


async def main() -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    servers = {"demo": local_server(), "test": local_server(TEST_GRAPHS)}
    for name, (server, assistant, input) in RECORDINGS.items():
        events = await record_run(servers[server].url, assistant, input)
        write(name, assistant, events)
        print(f"{name}: {len(events)} events")


if __name__ == "__main__":
    asyncio.run(main())
