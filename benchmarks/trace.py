"""What the long tasks of a page are made of, from a Chromium trace.

    python -m benchmarks.browser --scale --trace scale.json       # writes the trace, prints this
    python -m benchmarks.trace scale.json [--over 50] [--tasks 6]  # again, from a saved trace

For each main-thread task over ``--over`` ms: the trace events inside it that took longest
(Layout, Paint, GC, a script's function call, ...) and, from the V8 sampler, the functions
it spent its samples in, with the script each came from. The view's own code is the one
from a ``blob:`` URL (anywidget loads the bundle as a blob). The sampler makes tasks
about twice as long as without it: read the shares, not the milliseconds.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from typing import Any, Iterable

#: Trace categories: the page's timeline and the JavaScript sampler.
CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute",
              "blink.user_timing", "disabled-by-default-v8.cpu_profiler", "v8"]

_TASKS = ("RunTask", "ThreadControllerImpl::RunTask")


def load(path: str) -> list[dict]:
    with open(path) as f:
        data = json.load(f)
    return data["traceEvents"] if isinstance(data, dict) else data


def _main_threads(events: list[dict]) -> set[tuple[int, int]]:
    """The main threads of the page's renderers: not of a renderer of the browser's own chrome://
    pages (headless Chromium has one), unless the trace says no renderer parsed a page."""
    mains = {(e["pid"], e["tid"]) for e in events
             if e.get("name") == "thread_name" and e["args"].get("name") == "CrRendererMain"}
    pages = {e["pid"] for e in events if e.get("name") == "ParseHTML"
             and str(((e.get("args") or {}).get("beginData") or {}).get("url", "")).startswith(("file:", "http:", "https:"))}
    return {(pid, tid) for pid, tid in mains if pid in pages} or mains


class _Samples:
    """The V8 sampler's samples: (time, frames from the leaf up) per sample."""

    def __init__(self, events: list[dict]):
        self.nodes: dict[tuple, dict] = {}
        self.samples: list[tuple[float, tuple, int]] = []
        clock = {(e["pid"], e["id"]): e["args"]["data"]["startTime"] for e in events if e.get("name") == "Profile"}
        for e in events:
            if e.get("name") != "ProfileChunk":
                continue
            key = (e["pid"], e["id"])
            data = e["args"]["data"]
            profile = data.get("cpuProfile", {})
            for node in profile.get("nodes", []):
                self.nodes[(*key, node["id"])] = node
            t = clock.get(key, 0)
            for node_id, delta in zip(profile.get("samples", []), data.get("timeDeltas", [])):
                t += delta
                self.samples.append((t, key, node_id))
            clock[key] = t

    def frame(self, key: tuple, node_id: int) -> tuple[str, str]:
        """(function, script) of a sample's leaf; the script is "" for the browser's own work."""
        node = self.nodes.get((*key, node_id))
        if node is None:
            return "?", ""
        call = node["callFrame"]
        url = call.get("url", "")
        script = "the view (blob:)" if url.startswith("blob:") else url.rsplit("/", 1)[-1].split("?")[0]
        return call.get("functionName") or "(anonymous)", script

    def leaves(self, start: float, end: float) -> Iterable[tuple[str, str]]:
        for t, key, node_id in self.samples:
            if start <= t < end:
                yield self.frame(key, node_id)


def summarize(events: list[dict], over_ms: float = 50.0, tasks: int = 6) -> list[str]:
    """Lines that say what the longest main-thread tasks over ``over_ms`` are made of."""
    main = _main_threads(events)
    slices = [e for e in events if e.get("ph") == "X" and (e["pid"], e.get("tid")) in main]
    sampler_starts = [e for e in slices if e.get("name") == "CpuProfiler::StartProfiling"]
    long = sorted((e for e in slices if e.get("name") in _TASKS and e.get("dur", 0) > over_ms * 1000
                   and not _starts_the_sampler(e, sampler_starts)), key=lambda e: -e["dur"])
    lines = [f"{len(long)} main-thread tasks over {over_ms:g} ms: "
             + ", ".join(f"{e['dur'] / 1000:.0f}" for e in long) + " ms"]
    samples = _Samples(events)
    for task in long[:tasks]:
        start, end = task["ts"], task["ts"] + task["dur"]
        inside: collections.Counter[str] = collections.Counter()
        for e in slices:
            if e is not task and (e["pid"], e["tid"]) == (task["pid"], task["tid"]) and start <= e["ts"] < end:
                data: Any = e.get("args", {}).get("data") or {}
                name = e["name"]
                if isinstance(data, dict) and data.get("functionName"):
                    name += f" {data['functionName']}"
                inside[name] += e.get("dur", 0)
        lines.append(f"task of {task['dur'] / 1000:.0f} ms:")
        lines += [f"  {us / 1000:7.1f} ms  {name[:100]}" for name, us in inside.most_common(6)]
        leaves = list(samples.leaves(start, end))
        if leaves:
            scripts = collections.Counter(script or function for function, script in leaves)
            lines.append("  samples by script: " + ", ".join(f"{name} {n}" for name, n in scripts.most_common(6)))
            functions = collections.Counter(f"{function} [{script}]" if script else function for function, script in leaves)
            lines.append("  samples by function: " + ", ".join(f"{name} {n}" for name, n in functions.most_common(6)))
    return lines


def _starts_the_sampler(task: dict, sampler_starts: list[dict]) -> bool:
    """The task in which the sampler starts is the tracer's own cost, not the page's."""
    start, end = task["ts"], task["ts"] + task["dur"]
    return any(start <= e["ts"] < end and e.get("dur", 0) > task["dur"] / 2 for e in sampler_starts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trace")
    parser.add_argument("--over", type=float, default=50.0, help="long-task threshold in ms")
    parser.add_argument("--tasks", type=int, default=6, help="how many tasks to break down")
    args = parser.parse_args(argv)
    print("\n".join(summarize(load(args.trace), args.over, args.tasks)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
