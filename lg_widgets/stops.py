"""Breakpoints (``interrupt_before``/``after``) as the view holds them, and what a stop on one says.

The view keeps its breakpoints as one dict, node → ``"before"`` | ``"after"`` (``"*"``: every
node), the shape the page's drawing cycles through; a run gets them as the server's two lists.
"""

from __future__ import annotations

from typing import Any, Iterable

from .errors import InvalidArgument
from .sources.base import Breakpoints
from .types import Checkpoint, Step

WHEN = ("before", "after")


def breakpoints_of(before: Any, after: Any) -> dict[str, str]:
    """``interrupt_before``/``after`` as given (a node, a list of nodes, ``"*"``, or None) → the dict."""
    found: dict[str, str] = {}
    for when, nodes in (("before", before), ("after", after)):
        if nodes is None:
            continue
        listed = [nodes] if isinstance(nodes, str) else nodes
        if not isinstance(listed, (list, tuple)) or not all(isinstance(n, str) and n for n in listed):
            raise InvalidArgument(f"interrupt_{when} must be a node name, a list of node names or '*', got {nodes!r}.")
        for node in listed:
            if found.get(node, when) != when:
                raise InvalidArgument(f"{node!r} is in both interrupt_before and interrupt_after: pick one.")
            found[node] = when
    return found


def split_breakpoints(breakpoints: dict[str, str]) -> Breakpoints:
    """The dict → (``interrupt_before``, ``interrupt_after``)."""
    return ([n for n, w in breakpoints.items() if w == "before"], [n for n, w in breakpoints.items() if w == "after"])


def breakpoint_stop(following: list[str], breakpoints: Breakpoints, steps: Iterable[Step],
                    sure: bool = True) -> dict[str, Any] | None:
    """What a stop with no interrupt value is: before the next nodes a breakpoint names, else
    after the nodes of the last super-step (those an ``after`` breakpoint names, when it names some).
    Not ``sure`` (the thread says ``idle``): a stop only where the breakpoints say, with nodes to go."""
    before, after = breakpoints
    stopped = [n for n in following if "*" in before or n in before]
    if stopped:
        return {"when": "before", "nodes": stopped, "next": following}
    names = last_step(steps)
    named = [n for n in names if "*" in after or n in after]
    if not sure and not (named and following):
        return None
    return {"when": "after", "nodes": named or names, "next": following}


def last_step(steps: Iterable[Step]) -> list[str]:
    """The root nodes of the last super-step that ran."""
    root = [s for s in steps if not s["namespace"] and s["status"] != "running"]
    numbered = [s["step"] for s in root if s["step"] is not None]
    last = [s for s in root if s["step"] == max(numbered)] if numbered else root[-1:]
    return list(dict.fromkeys(s["name"] for s in last))


def next_nodes(checkpoints: list[Checkpoint], graph: dict[str, Any], steps: list[Step]) -> list[str]:
    """The nodes a stop waits to run when the thread's state does not say (before a fan-in node):
    the run's last root checkpoint's ``next`` (the runs stream's debug and checkpoints modes), else
    the drawing's successors of the last super-step's nodes."""
    root = [c for c in checkpoints if not c["namespace"]]
    if root and root[-1]["next"]:
        return list(root[-1]["next"])
    last = set(last_step(steps))
    edges = graph.get("edges") or [] if isinstance(graph, dict) else []
    return list(dict.fromkeys(str(e.get("target")) for e in edges if isinstance(e, dict)
                              and e.get("source") in last and e.get("target") != "__end__"))
