"""The text a finished view leaves in a saved notebook for readers without a kernel.

GitHub, nbviewer and nbval read ``text/plain`` (and ``text/html``) beside the
widget view. Everything here is deterministic: no times, ids, ports or
addresses, so re-executing a notebook reproduces its saved output.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

TEXT_LIMIT = 4000
STATE_LIMIT = 1500

_MARKS = {"done": "✓", "error": "✗", "interrupted": "⏸", "running": "…", "cancelled": "■"}


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + f"… [{len(text) - limit} more characters]"


_VOLATILE = re.compile(r"^(id|.*_id|.*timestamp|created_at|updated_at)$")
_EMPTY_NOISE = ("additional_kwargs", "response_metadata", "usage_metadata", "invalid_tool_calls", "tool_calls", "name")


def readable(value: Any) -> Any:
    """``value`` without per-run ids and timestamps, and without empty message bookkeeping."""
    if isinstance(value, dict):
        return {
            k: readable(v) for k, v in value.items()
            if not (isinstance(k, str) and _VOLATILE.match(k)) and not (k in _EMPTY_NOISE and not v)
        }
    if isinstance(value, list):
        return [readable(v) for v in value]
    return value


def _json(value: Any, limit: int) -> str:
    return _clip(json.dumps(readable(value), ensure_ascii=False, default=str, sort_keys=True), limit)


def _counts(counts: Any) -> str:
    """``{"input_tokens": 5, "output_tokens": 7, "total_tokens": 12, ...}`` → ``12 (5 in · 7 out)``."""
    c = counts if isinstance(counts, dict) else {}
    return f"{c.get('total_tokens', 0)} ({c.get('input_tokens', 0)} in · {c.get('output_tokens', 0)} out)"


def usage_text(usage: Any) -> str | None:
    """The run's token usage in one line (totals, then per node and per model), or None without any."""
    usage = usage if isinstance(usage, dict) else {}
    total = usage.get("total") or {}
    calls = total.get("calls") or 0
    if not calls:
        return None
    parts = [f"{_counts(total)} tokens in {calls} call{'' if calls == 1 else 's'}"]
    for field, label in (("by_node", "by node"), ("by_model", "by model")):
        entries = usage.get(field) or {}
        if entries:
            parts.append(f"{label}: " + ", ".join(f"{name} {_counts(c)}" for name, c in sorted(entries.items())))
    return "; ".join(parts)


def transcript_lines(view: Any) -> list[tuple[str, str]]:
    """``(label, text)`` pairs describing the run, in reading order."""
    lines: list[tuple[str, str]] = []
    steps = view.steps
    if steps:
        shown = []
        for step in steps:
            indent = "/".join(p.split(":")[0] for p in step["namespace"])
            name = f"{indent}/{step['name']}" if indent else step["name"]
            shown.append(f"{name} {_MARKS.get(step['status'], '')}".strip())
        lines.append(("steps", " → ".join(shown)))
    usage = usage_text(getattr(view, "usage", None))
    if usage:
        lines.append(("usage", usage))
    if view.text:
        lines.append(("text", _clip(view.text, TEXT_LIMIT)))
    if view.custom:
        lines.append(("custom", _json([c["data"] for c in view.custom], STATE_LIMIT)))
    if view.interrupts:
        lines.append(("interrupts", _json([i["value"] for i in view.interrupts], STATE_LIMIT)))
    if view.state:
        lines.append(("state", _json(view.state, STATE_LIMIT)))
    if view.error:
        lines.append(("error", f"{view.error.get('type')}: {view.error.get('message')}"))
    return lines


def as_text(view: Any) -> str:
    body = "\n".join(f"{label}: {text}" for label, text in transcript_lines(view))
    return repr(view) + ("\n" + body if body else "")


def as_html(view: Any) -> str:
    rows = "".join(
        f"<tr><th style='text-align:left;vertical-align:top'>{html.escape(label)}</th>"
        f"<td style='text-align:left;white-space:pre-wrap'>{html.escape(text)}</td></tr>"
        for label, text in transcript_lines(view)
    )
    return f"<div><code>{html.escape(repr(view))}</code><table>{rows}</table></div>"
