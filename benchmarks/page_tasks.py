"""Long main-thread tasks of a JupyterLab page, measured around what a user does.

``LongTasks`` installs (before the page loads) a ``PerformanceObserver`` of long tasks and
a ``MutationObserver`` that remembers the last DOM change. ``during(action)`` runs an
action (a cell, a click, opening a notebook), waits until the page has settled (nothing
in it changed for ``quiet`` seconds) and returns the long tasks that started meanwhile.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

_OBSERVE_JS = """
window.__lgwTasks = {tasks: [], lastMutation: 0};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__lgwTasks.tasks.push([e.startTime, e.duration]);
}).observe({type: "longtask", buffered: true});
new MutationObserver(() => { window.__lgwTasks.lastMutation = performance.now(); })
  .observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
"""


@dataclasses.dataclass
class Window:
    """The long tasks (start, duration in ms) of one measured window, and how long it lasted."""

    tasks: list[tuple[float, float]]
    wall_s: float
    start_ms: float = 0.0  # the page's clock when the window opened

    @property
    def longest_ms(self) -> float:
        return max((d for _, d in self.tasks), default=0.0)

    @property
    def count(self) -> int:
        return len(self.tasks)

    @property
    def blocked_ms(self) -> float:
        return sum(d for _, d in self.tasks)

    def describe(self) -> str:
        if not self.tasks:
            return "0 ms (0 long tasks, 0 ms blocked)"
        # when the longest began tells whose it is: the cell's start (JupyterLab), the stream, the end
        at = (max(self.tasks, key=lambda t: t[1])[0] - self.start_ms) / 1000
        return (f"{self.longest_ms:.0f} ms at {at:.1f} s ({self.count} long tasks, "
                f"{self.blocked_ms:.0f} ms blocked)")


class LongTasks:
    """The long-task record of one page (install before its first navigation)."""

    def __init__(self, page):
        self.page = page
        page.add_init_script(_OBSERVE_JS)

    def now(self) -> float:
        return self.page.evaluate("() => performance.now()")

    def settle(self, quiet: float = 1.0, timeout: float = 600.0) -> float:
        """Wait until nothing in the page changed for ``quiet`` seconds; returns when it last changed."""
        self.page.wait_for_function(f"() => performance.now() - window.__lgwTasks.lastMutation > {quiet * 1000}",
                                    timeout=timeout * 1000, polling=100)
        return self.page.evaluate("() => window.__lgwTasks.lastMutation")

    def since(self, start: float, until: float = float("inf")) -> list[tuple[float, float]]:
        tasks = self.page.evaluate("() => window.__lgwTasks.tasks")
        return [(s, d) for s, d in tasks if start <= s < until]

    def during(self, action: Callable[[], Any], quiet: float = 1.0, timeout: float = 600.0) -> Window:
        """Run ``action``, wait until the page settles; the long tasks that started in between."""
        start = self.now()
        action()
        last = self.settle(quiet, timeout)
        return Window(self.since(start), max(0.0, last - start) / 1000, start)
