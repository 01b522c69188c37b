"""Run one graph and input under several stream modes, separately, and show them side by side.

The teaching view of "what does each mode send?": per mode, how many events,
how many bytes, how long, and what the view made of them.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets

from .widget import StreamView

DEFAULT_MODES = ("values", "updates", "messages-tuple", "debug", "custom", "events")


class ModeComparison(ipywidgets.VBox):
    """One StreamView per mode in a grid, under a table of what each mode sent."""

    def __init__(self, views: dict[str, StreamView]):
        self.views = views
        table = ipywidgets.HTML(self._table_html())
        grid = ipywidgets.GridBox(list(views.values()),
                                  layout=ipywidgets.Layout(grid_template_columns="repeat(2, minmax(0, 1fr))"))
        super().__init__([table, grid])

    @property
    def table(self) -> list[dict[str, Any]]:
        """Per mode: events, bytes of event data, seconds, token characters, steps, status."""
        return [
            {
                "mode": mode,
                "events": len(view.events),
                "bytes": sum(e.size for e in view.events),
                "seconds": round(view.duration, 3),
                "text_chars": len(view.text),
                "steps": len(view.steps),
                "state_keys": sorted(view.state) if isinstance(view.state, dict) else [],
                "status": view.status,
            }
            for mode, view in self.views.items()
        ]

    def _rows(self) -> list[list[str]]:
        # Deterministic columns only (no timings): this text is what saved notebooks compare.
        return [[row["mode"], str(row["events"]), str(row["bytes"]), str(row["text_chars"]), str(row["steps"]),
                 ", ".join(row["state_keys"]), row["status"]] for row in self.table]

    _HEADER = ["mode", "events", "bytes", "token chars", "steps", "state keys", "status"]

    def _table_html(self) -> str:
        def cells(row: list[str], tag: str) -> str:
            return "".join(f"<{tag}>{html.escape(c)}</{tag}>" for c in row)

        body = "".join(f"<tr>{cells(r, 'td')}</tr>" for r in self._rows())
        return f"<table><thead><tr>{cells(self._HEADER, 'th')}</tr></thead><tbody>{body}</tbody></table>"

    def __repr__(self) -> str:
        widths = [max(len(h), *(len(r[i]) for r in self._rows())) for i, h in enumerate(self._HEADER)]
        def line(row: list[str]) -> str:
            return "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip()

        return "\n".join([line(self._HEADER)] + [line(r) for r in self._rows()])

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        data = super()._repr_mimebundle_(**kwargs) or {}
        data = dict(data[0] if isinstance(data, tuple) else data)
        data["text/plain"] = repr(self)
        data["text/html"] = self._table_html()
        return data


def compare_modes(assistant_id: str, input: Any = None, modes: list[str] | tuple[str, ...] = DEFAULT_MODES,
                  **options: Any) -> ModeComparison:
    """Run ``assistant_id`` once per mode (one after another, so timings don't compete)."""
    views = {}
    for mode in modes:
        view = StreamView(assistant_id, input, stream_mode=mode, **options)
        try:
            view.run()
        except Exception:  # the view shows the error; the comparison goes on
            pass
        views[mode] = view
    return ModeComparison(views)
