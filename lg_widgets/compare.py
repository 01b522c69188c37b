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
    """One StreamView per mode in a grid, under a table of what each mode sent (what `compare_modes` returns).

    Attributes:
        views: the view of each mode, by mode name.
    """

    def __init__(self, views: dict[str, StreamView]):
        self.views = views
        table = ipywidgets.HTML(self._table_html())
        grid = ipywidgets.GridBox(list(views.values()),
                                  layout=ipywidgets.Layout(grid_template_columns="repeat(2, minmax(0, 1fr))"))
        super().__init__([table, grid])

    @property
    def table(self) -> list[dict[str, Any]]:
        """Per mode, what the run sent and what the view made of it.

        Returns:
            One dict per mode: `mode`, `events`, `bytes` (of event data), `seconds`, `text_chars`
            (token text), `steps` (step cards), `state_keys`, `status`.
        """
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
    """Run `assistant_id` once per stream mode, one after another, and show the runs side by side.

    Each mode gets a run of its own (so timings don't compete), in a `StreamView`; a table above
    them says, per mode, how many events and bytes it sent and what the view could show (token
    text, step cards, state). A run that fails shows its error; the comparison goes on.

    Args:
        assistant_id: a graph id of langgraph.json, or an assistant's id.
        input: the run's input.
        modes: the modes to compare (default: values, updates, messages-tuple, debug, custom, events).
        **options: anything `StreamView` takes (`url`, `api_key`, `config`, `thread_id`, ...).

    Returns:
        A `ModeComparison` (an ipywidgets VBox); `.table` holds the figures, `.views` the views.

    Raises:
        InvalidArgument: an option no run can use (raised by the first view).

    Example:
        ```python
        comparison = lg_widgets.compare_modes("joke", {"topic": "x"}, modes=["values", "updates"])
        comparison.table[0]["events"]
        ```
    """
    views = {}
    for mode in modes:
        view = StreamView(assistant_id, input, stream_mode=mode, **options)
        try:
            view.run()
        except Exception:  # the view shows the error; the comparison goes on
            pass
        views[mode] = view
    return ModeComparison(views)
