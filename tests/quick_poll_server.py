"""``langgraph dev`` whose idle run queue starts each run 0.5 s after it was created, not 0.5-1 s.

    python tests/quick_poll_server.py dev --port ... --config ...   (what ``QuickPollServer`` runs)

The in-memory runtime's queue sleeps 0.5 s between looks while it is idle, and a run created
during that sleep waits for the next look: a run starts 0.5 to 1 s after it was asked for
(0.75 s on average; the server tier waited on that more than on anything else). Here a new run
wakes the queue, which takes it once it is 0.5 s old: the unchanged server's shortest wait,
which the thread protocol's readers rely on (a reader opened after ``run.start`` finds the run
before it publishes; with no wait at all, 7 server tests failed on reads that lost events of a
run already publishing: docs/threads-protocol.md). A run that waited behind another of its
thread is taken within 0.1 s of the queue's next look. Everything else is the real server. The
notebooks run on the unchanged server (each kernel starts its own), and the deployment tier on
Postgres; ``test_server.py`` checks that this patch still applies.

A run whose metadata has ``START_AFTER_KEY`` waits that many seconds instead: more time for readers
that subscribe after the run's start command to find it before it publishes, on a saturated
machine (``test_threads_protocol.py`` compares such a reader with one that subscribed before).

An idle server of this kind uses about as much CPU as an unchanged one (0.04 s per 10 s, where
a look every 20 ms took 0.17 s: the server tier keeps fifteen servers, mostly idle).
"""

from __future__ import annotations

import asyncio
import inspect
import sys
from datetime import UTC, datetime

#: Seconds between two looks at the queue while it is idle and no run was created.
IDLE_LOOK_SECONDS = 0.1
#: A run starts once it is this old, never sooner: the unchanged server's shortest wait.
MIN_AGE_SECONDS = 0.5
#: A run's metadata key: the seconds it waits after its creation, instead of MIN_AGE_SECONDS.
START_AFTER_KEY = "lgw_test_start_after"
#: Printed to the server's log once the patch is in (``test_server.py`` looks for it).
APPLIED = "quick poll: a new run wakes the run queue, which starts it at 0.5 s"


def patch_the_queue() -> None:
    from langgraph_runtime_inmem import ops
    from langgraph_runtime_inmem.database import connect

    takes_runs, creates_run = ops.Runs.next, ops.Runs.put
    if list(inspect.signature(takes_runs).parameters) != ["wait", "limit"]:
        print(f"quick poll NOT applied: Runs.next{inspect.signature(takes_runs)} is not (wait, limit)",
              file=sys.stderr, flush=True)
        return
    # The API and the queue share the server's event loop (BG_JOB_ISOLATED_LOOPS is off in dev).
    run_created = asyncio.Event()

    async def create_and_wake(*args, **kwargs):
        created = await creates_run(*args, **kwargs)
        run_created.set()
        return created

    def start_after(run) -> float:
        wait = (run.get("metadata") or {}).get(START_AFTER_KEY)
        return float(wait) if isinstance(wait, (int, float)) else MIN_AGE_SECONDS

    async def wait_left() -> float:
        """Seconds until every pending run is old enough to start."""
        now = datetime.now(UTC)
        async with connect() as conn:
            return max((start_after(run) - (now - run["created_at"]).total_seconds()
                        for run in conn.store["runs"] if run["status"] == "pending"), default=0.0)

    async def next_runs(wait: bool, limit: int = 1):
        if wait:
            try:
                await asyncio.wait_for(run_created.wait(), IDLE_LOOK_SECONDS)
            except TimeoutError:
                pass
        run_created.clear()
        for _ in range(5):  # bounded: runs that keep coming must not hold the older ones forever
            left = await wait_left()
            if left <= 0:
                break
            await asyncio.sleep(left)
        # wait=False: no sleep of its own; it takes the runs created until now.
        async for run_and_attempt in takes_runs(False, limit):
            yield run_and_attempt

    ops.Runs.next = staticmethod(next_runs)
    ops.Runs.put = staticmethod(create_and_wake)
    print(APPLIED, file=sys.stderr, flush=True)


if __name__ == "__main__":
    patch_the_queue()
    from langgraph_cli.cli import cli

    sys.exit(cli())
