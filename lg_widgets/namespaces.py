"""Subgraph namespaces: matching a segment's namespace against a filter (``text_for``)."""

from __future__ import annotations

from typing import Iterable


def strip_ns(namespace: Iterable[str]) -> tuple[str, ...]:
    """``("child:1f2e", "inner:77")`` → ``("child", "inner")``."""
    return tuple(part.split(":", 1)[0] for part in namespace)


def namespace_matches(segment_ns: list[str], wanted: str | Iterable[str]) -> bool:
    if isinstance(wanted, str):
        wanted = tuple(p for p in wanted.split("|") if p)
    wanted = tuple(wanted)
    if not wanted:
        return not segment_ns
    if tuple(segment_ns) == wanted:
        return True
    return strip_ns(segment_ns) == strip_ns(wanted)
