"""Stop the runs a test left on a server, and wait until the server is idle again."""

from __future__ import annotations

import httpx

from lg_widgets.transport.settings import tls_context
from waiting import wait_until

#: Seconds the end of a test waits for the runs it left to stop.
DRAIN_TIMEOUT = 60.0


def drain(server, tokens: tuple[str | None, ...] = (None,), timeout: float = DRAIN_TIMEOUT) -> None:
    """Cancel every run still queued or running on ``server``, then wait until its worker is idle.

    The dev server has one worker: a run left behind (cancelled, interrupted while streaming, never
    read to its end) would hold it, and the next test's runs would queue behind it. A cancelled run's
    record says ``interrupted`` at once while the worker may still be busy with it, so idleness is
    read from the server's own gauges (``GET /metrics?format=json``: queue and workers).
    """
    if getattr(server, "external", False):
        return
    # The shared TLS context: a client of its own would load the CA bundle at every test's end (~20 ms of CPU).
    with httpx.Client(base_url=server.url, timeout=10.0, verify=tls_context()) as http:

        def idle() -> bool:
            answer = http.get("/metrics", params={"format": "json"})
            if answer.status_code == 200:
                metrics = answer.json()
                queue, workers = metrics.get("queue") or {}, metrics.get("workers") or {}
                return not (queue.get("n_pending") or queue.get("n_running") or workers.get("active"))
            # The deployment (Postgres runtime) answers 500 there. It has workers to spare, so no run
            # left queued or running on a busy thread will do (a cancelled run's thread may stay busy).
            busy = http.post("/threads/search", json={"status": "busy", "limit": 100}).json()
            return not any(http.get(f"/threads/{thread['thread_id']}/runs", params={"status": status}).json()
                           for thread in busy for status in ("pending", "running"))

        if idle():
            return
        for token in tokens:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            answer = http.post("/runs/cancel", json={"status": "all"}, headers=headers)
            if answer.status_code not in (204, 404):  # 404: none of this user's runs is left
                answer.raise_for_status()
        wait_until(idle, timeout, what=f"the runs this test left on {server.url} to stop (cancelled)")
