"""Saved views as plain HTML: the real front end renders each view's final traits, offline.

One page holds the front end once, inlined (``static/widget.js``, ``widget.css`` and
``saved-page.js``, which gives each view an in-page model over its saved traits), and
each view as a mount point plus a ``<script type="application/json">`` with its traits.
Nothing is fetched: no CDN, no kernel, no server. Run strings stay data: the JSON is
escaped so that no ``</script>`` or ``<!--`` can end or change the script element, and
the front end puts them in the page as text only.

``StreamView.to_html`` writes one run as one file; ``scripts/build_docs.py`` turns the
saved notebooks into pages with the same pieces (``widget_html`` reads their widget state).
"""

from __future__ import annotations

import html
import itertools
import json
import os
import pathlib
import re
from typing import Any, Iterator

STATIC = pathlib.Path(__file__).parent / "static"
#: The ``_anywidget_id`` of StreamView's models (the class's qualified name).
STREAM_VIEW_ID = "lg_widgets.widget.StreamView"

# Characters that must not appear raw in JSON inside <script>: '<' ('</script>', '<!--'),
# '>' and '&' for good measure, and the two line separators JavaScript treats as newlines.
_SCRIPT_UNSAFE = re.compile("[<>&\u2028\u2029]")


def script_json(value: Any) -> str:
    """``value`` as JSON that is inert inside a ``<script>`` element (``<`` as ``\\u003c`` ...)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _SCRIPT_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _asset(name: str, closing_tag: str) -> str:
    text = (STATIC / name).read_text(encoding="utf-8")
    # The file goes inside <script>/<style> as is: it must not be able to close that element early.
    if closing_tag in text.lower() or "<!--" in text:
        raise RuntimeError(f"lg_widgets/static/{name} contains {closing_tag!r} or '<!--' and can't be inlined")
    return text


def front_end_head() -> str:
    """The ``<style>`` and module ``<script>``s a page needs once, before or after its views."""
    return (f"<style>{_asset('widget.css', '</style')}</style>\n"
            f"<script type=\"module\">{_asset('widget.js', '</script')}</script>\n"
            f"<script type=\"module\">{_asset('saved-page.js', '</script')}</script>\n")


class MountIds:
    """Unique element ids for the views of one page."""

    def __init__(self, prefix: str = "lgw-view"):
        self._numbers: Iterator[int] = itertools.count(1)
        self._prefix = prefix

    def next(self) -> str:
        return f"{self._prefix}-{next(self._numbers)}"


def view_mount(traits: dict[str, Any], element_id: str) -> str:
    """One view: where it renders, and its traits."""
    return (f'<div class="lgw-saved-view" data-lgw-view="{element_id}"></div>'
            f'<script type="application/json" id="{element_id}">{script_json(traits)}</script>')


def page(title: str, body: str, head: str = "") -> str:
    """A whole HTML document with the front end inlined once."""
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{html.escape(title)}</title>\n{head}{front_end_head()}</head>\n"
            f"<body>\n{body}\n</body>\n</html>\n")


# ipywidgets DOMWidget traits every widget has; not StreamView's own data.
_DOM_WIDGET_KEYS = {"layout", "tabbable", "tooltip"}


def is_view_data(name: str) -> bool:
    """Whether a synced trait is the run's data (not anywidget's ``_esm``/``_css``, nor ipywidgets' layout)."""
    return not name.startswith("_") and name not in _DOM_WIDGET_KEYS


def view_traits(view: Any) -> dict[str, Any]:
    """A view's data traits, serialized as the front end receives them.

    The url and the api key are plain attributes, never traits: they can't get here.
    """
    return dict(view.get_state(key=sorted(filter(is_view_data, view.traits(sync=True)))))


def write_view(view: Any, path: str | os.PathLike[str]) -> pathlib.Path:
    """``view`` as a single self-contained HTML file at ``path``; returns the path."""
    target = pathlib.Path(path)
    title = f"{view.assistant_id} · {view.status} · lg_widgets"
    target.write_text(page(title, view_mount(view_traits(view), "lgw-view-1")), encoding="utf-8")
    return target


# ----------------------------------------------------------- saved notebook state

_CONTAINERS = {"VBoxModel": "column", "HBoxModel": "row", "BoxModel": "row"}
_MODEL_REF = "IPY_MODEL_"


def widget_html(model_id: str, models: dict[str, dict[str, Any]], ids: MountIds) -> str | None:
    """Static HTML for a widget saved in a notebook's ``metadata.widgets`` state, or None.

    StreamViews become mount points; VBox/HBox/Box/GridBox lay their children out; an
    ipywidgets ``HTML`` shows its value as the notebook showed it (the notebook's own
    markup, like any text/html output). Anything else, or a StreamView or child missing
    from the state, gives None: the caller keeps the output's text/html or text/plain.
    """
    entry = models.get(model_id)
    if not entry:
        return None
    name, state = entry.get("model_name"), entry.get("state", {})
    if name == "AnyModel" and state.get("_anywidget_id") == STREAM_VIEW_ID:
        traits = {k: v for k, v in state.items() if is_view_data(k)}
        return view_mount(traits, ids.next())
    if name == "HTMLModel":
        return f'<div class="lgw-saved-html">{state.get("value", "")}</div>'
    if name in _CONTAINERS or name == "GridBoxModel":
        children = []
        for ref in state.get("children", []):
            child = widget_html(ref.removeprefix(_MODEL_REF), models, ids)
            if child is None:
                return None
            children.append(child)
        if name == "GridBoxModel":
            columns = _layout(models, state).get("grid_template_columns") or "repeat(2, minmax(0, 1fr))"
            style = f"display:grid;gap:8px;grid-template-columns:{html.escape(columns)}"
        else:
            style = f"display:flex;gap:8px;flex-direction:{_CONTAINERS[name]}"
        return f'<div class="lgw-saved-box" style="{style}">{"".join(children)}</div>'
    return None


def _layout(models: dict[str, dict[str, Any]], state: dict[str, Any]) -> dict[str, Any]:
    ref = state.get("layout") or ""
    layout = models.get(ref.removeprefix(_MODEL_REF), {}).get("state", {})
    return layout if isinstance(layout, dict) else {}
