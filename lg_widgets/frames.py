"""``view.to_pandas(name)``: a view's timeline, usage, steps or events as a ``pandas.DataFrame``.

pandas is an optional extra (``pip install "lg_widgets[pandas]"``): imported only here, when asked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from .errors import InvalidArgument

if TYPE_CHECKING:
    import pandas

FRAMES = ("timeline", "usage", "steps", "events")


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise ImportError('view.to_pandas() needs pandas: pip install "lg_widgets[pandas]"') from None
    return pandas


def timeline_rows(spans: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per span, with its namespace as text and its duration (None while it runs)."""
    return [{**span, "namespace": "|".join(span["namespace"]),
             "duration": None if span["end"] is None else round(span["end"] - span["start"], 6)} for span in spans]


def usage_rows(usage: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per sum: ``by`` is ``total``, ``node``, ``model`` or ``namespace``, ``name`` what it sums."""
    rows = [{"by": "total", "name": "", **usage.get("total", {})}]
    for by in ("node", "model", "namespace"):
        rows.extend({"by": by, "name": name, **counts} for name, counts in usage.get(f"by_{by}", {}).items())
    return rows


def event_rows(events: Iterable[Any]) -> list[dict[str, Any]]:
    return [{"event": e.event, "mode": e.mode, "namespace": "|".join(e.namespace), "id": e.id, "time": e.time,
             "data": e.data} for e in events]


def to_frame(view: Any, name: str) -> "pandas.DataFrame":
    if name not in FRAMES:
        raise InvalidArgument(f"to_pandas({name!r}): one of {', '.join(map(repr, FRAMES))}")
    pandas = _pandas()
    if name == "timeline":
        rows = timeline_rows(view.timeline)
    elif name == "usage":
        rows = usage_rows(view.usage)
    elif name == "steps":
        rows = [{**step, "namespace": "|".join(step["namespace"])} for step in view.steps]
    else:
        rows = event_rows(view.events)
    return pandas.DataFrame(rows)
