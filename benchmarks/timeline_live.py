"""The Timeline pane live in JupyterLab: a 2,000-task run streaming, against a 20-task run.

    python -m benchmarks.timeline --live [--tasks N --rounds R] [--baseline DIR]

The same map step as the saved pages' (``plan`` fans out to N ``work`` tasks with ``Send``, then
``join``), run in the notebook's kernel with ``StreamView.from_graph(...).start()``; each task
sleeps a few milliseconds, so the spans start and end over a few seconds and reach the page as
deltas, frame after frame. Each run has the page to itself (the outputs of the runs before are
cleared first: a notebook holding earlier 2,000-task views costs every later change more). Measured from the cell's start until the page is still: the long tasks
the page's observer saw (wall clock) and, from a Chromium trace of that window, the longest task of
the page's main thread by thread time (JupyterLab's own work included, as a reader's page has it).
With ``--baseline DIR`` (another build's ``lg_widgets/static``), runs alternate between views made
with that build's front end (``StreamView._esm``) and this one's, in the same JupyterLab.
"""

from __future__ import annotations

import pathlib
import statistics
import sys
import tempfile

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "browser"))

from jupyter_harness import JupyterServer, NotebookDriver  # noqa: E402

from benchmarks.page_tasks import LongTasks  # noqa: E402

_GRAPH = """import operator, time
from typing import Annotated, TypedDict
from langgraph.graph import END, START, StateGraph
from langgraph.types import Send
from lg_widgets import StreamView

class State(TypedDict, total=False):
    n: int
    done: Annotated[list[int], operator.add]

def fanout(n):
    def plan(state): return {}
    def spread(state): return [Send("work", {"n": i}) for i in range(state["n"])]
    def work(state):
        time.sleep(0.002 + (state["n"] % 7) / 1000)
        return {"done": [state["n"]]}
    def join(state): return {}
    return (StateGraph(State).add_node(plan).add_node(work).add_node(join)
            .add_edge(START, "plan").add_conditional_edges("plan", spread, ["work"])
            .add_edge("work", "join").add_edge("join", END).compile())"""


def _setup_cell(baseline: pathlib.Path | None) -> str:
    esms = "{'this build': StreamView._esm"
    if baseline is not None:
        esms += f", 'baseline': open({str(baseline / 'widget.js')!r}, encoding='utf-8').read()"
    return f"{_GRAPH}\n\n_ESMS = {esms}}}"


def _run_cell(build: str, tasks: int) -> str:
    return (f"StreamView._esm = _ESMS[{build!r}]\n"
            f"StreamView.from_graph(fanout({tasks}), {{'n': {tasks}}}, stream_mode=['tasks']).start()")


def measure_live(tasks: int, small: int, rounds: int, longest_tasks, baseline: pathlib.Path | None = None,
                 trace: str | None = None) -> dict[str, dict[int, list[dict]]]:
    """{build: {size: [one dict per run]}}; ``longest_tasks(trace path)`` gives (wall ms, thread ms) of its tasks.
    ``trace``: where the last run's trace goes, with the sampler (what its long tasks are made of)."""
    from playwright.sync_api import sync_playwright

    from benchmarks.timeline import _TASK_CATEGORIES
    from benchmarks.trace import CATEGORIES

    builds = ["baseline", "this build"] if baseline is not None else ["this build"]
    runs = [(build, n) for _ in range(rounds) for build in builds for n in (small, tasks)]
    results: dict[str, dict[int, list[dict]]] = {build: {small: [], tasks: []} for build in builds}
    with tempfile.TemporaryDirectory(prefix="lgw-bench-") as home:
        lab = JupyterServer("lab", pathlib.Path(home)).start()
        try:
            lab.write_notebook("timeline.ipynb", [_setup_cell(baseline), *[_run_cell(b, n) for b, n in runs]])
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                                     args=["--disable-gpu", "--disable-dev-shm-usage"])
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                watch = LongTasks(page)
                notebook = NotebookDriver(page, lab, "timeline.ipynb").open()
                notebook.run_cell(0)
                for cell, (build, n) in enumerate(runs, 1):
                    # each run alone on the page: the views of the runs before leave it first
                    notebook.command("notebook:clear-all-cell-outputs")
                    watch.settle(quiet=1.0, timeout=120)
                    sampled = trace is not None and cell == len(runs)
                    path = trace if sampled else str(pathlib.Path(home) / f"trace-{cell}.json")
                    browser.start_tracing(page=page, path=path, categories=CATEGORIES if sampled else _TASK_CATEGORIES)
                    start = watch.now()
                    notebook.run_cell(cell)
                    notebook.wait_status(cell, "done", timeout=300)
                    notebook.wait_js("(n) => { const axes = document.querySelectorAll('.lgw-timeline-axis'); "
                                     "return axes[axes.length - 1].textContent.startsWith(`${n} tasks`); }", n + 2, timeout=120)
                    last = watch.settle(quiet=1.0, timeout=300)
                    browser.stop_tracing()
                    seen = watch.since(start)
                    _, thread_ms = longest_tasks(path)
                    results[build][n].append({"longest_ms": max((d for _, d in seen), default=0.0), "long_tasks": len(seen),
                                       "thread_ms": thread_ms, "wall_s": (last - start) / 1000})
                browser.close()
        finally:
            lab.stop()
    return results


def print_live(tasks: int, small: int, results: dict[str, dict[int, list[dict]]], verdict) -> None:
    print(f"live in JupyterLab: {tasks} tasks against {small} (StreamView.from_graph(...).start(), "
          f"from the cell's start until the page is still):")
    medians = {}
    for build, by_size in results.items():
        print(f"{build}:")
        for n in (small, tasks):
            for r in by_size[n]:
                print(f"  {n:>5} tasks: {r['long_tasks']} long tasks, longest {r['longest_ms']:.0f} ms (page's observer), "
                      f"longest by thread time {r['thread_ms']:.0f} ms (trace), still after {r['wall_s']:.1f} s")
        for key, what in (("longest_ms", "wall clock, the page's observer (0: none over 50 ms)"), ("thread_ms", "thread time")):
            s = statistics.median(r[key] for r in by_size[small])
            b = statistics.median(r[key] for r in by_size[tasks])
            medians[build, key] = (s, b)
            ratio = f"{b / s:.2f}x" if s else "n/a"
            print(f"  longest task by {what} (median): {small} tasks {s:.0f} ms, {tasks} tasks {b:.0f} ms = {ratio}; "
                  f"<= 50 ms at {tasks} tasks: {verdict(b)}")
    if len(results) > 1:
        (bs, bb), (ns, nb) = medians["baseline", "thread_ms"], medians["this build", "thread_ms"]
        print(f"this build against the baseline, longest task by thread time: {small} tasks {ns / bs:.2f}x, "
              f"{tasks} tasks {nb / bb:.2f}x")
