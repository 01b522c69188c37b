"""The pieces of saved pages (lg_widgets/saved_page.py), without a browser.

Rendering in Chromium is tested in tests/browser/test_to_html.py and test_docs_site.py.
"""

from __future__ import annotations

import json
import re

import pytest

from lg_widgets import InvalidArgument, StreamView
from lg_widgets.demo.joke import graph as joke_graph
from lg_widgets.demo.long import graph as long_graph
from lg_widgets.saved_page import MountIds, page, script_json, view_traits, widget_html


def test_script_json_is_inert_inside_a_script_element_and_parses_back():
    value = {"</script><script>alert(1)</script>": ["<!-- x -->", "a & b > c", "line\u2028sep\u2029"]}
    text = script_json(value)
    assert not re.search("[<>&\u2028\u2029]", text)
    assert json.loads(text) == value


def test_a_page_inlines_the_front_end_once_and_fetches_nothing():
    html = page("t <b>", "<p>body</p>")
    assert html.count('<script type="module">') == 2  # widget.js, then saved-page.js
    assert "<title>t &lt;b&gt;</title>" in html
    assert not re.search(r"""<(script|link|img)[^>]*\s(src|href)=""", html)


def test_view_traits_are_the_run_data_only(comms):
    view = StreamView.from_graph(joke_graph, {"topic": "x"}).run()
    traits = view_traits(view)
    assert traits["status"] == "done" and traits["text"] == view.text
    assert {"text", "steps", "state", "diffs", "messages", "graph"} <= set(traits)
    assert not any(name.startswith("_") for name in traits)
    assert not {"layout", "tabbable", "tooltip"} & set(traits)


def test_to_html_refuses_a_live_run(comms, tmp_path):
    view = StreamView.from_graph(long_graph, {"tokens": 200_000}).start()
    try:
        with pytest.raises(InvalidArgument, match="still live"):
            view.to_html(tmp_path / "live.html")
    finally:
        view.cancel()
    assert not (tmp_path / "live.html").exists()


def _model(name, **state):
    return {"model_name": name, "state": state}


def test_widget_html_lays_out_boxes_of_views_and_keeps_html_widgets():
    models = {
        "box": _model("VBoxModel", children=["IPY_MODEL_table", "IPY_MODEL_grid"]),
        "table": _model("HTMLModel", value="<table><tr><td>values</td></tr></table>"),
        "grid": _model("GridBoxModel", children=["IPY_MODEL_v1", "IPY_MODEL_v2"], layout="IPY_MODEL_grid-layout"),
        "grid-layout": _model("LayoutModel", grid_template_columns="repeat(3, 1fr)"),
        "v1": _model("AnyModel", _anywidget_id="lg_widgets.widget.StreamView", _esm="code", status="done",
                     text="one", layout="IPY_MODEL_x"),
        "v2": _model("AnyModel", _anywidget_id="lg_widgets.widget.StreamView", status="error", text="two"),
    }
    html = widget_html("box", models, MountIds())
    assert html.count('data-lgw-view="lgw-view-') == 2
    assert "grid-template-columns:repeat(3, 1fr)" in html and "flex-direction:column" in html
    assert "<table><tr><td>values</td></tr></table>" in html
    saved = [json.loads(m) for m in re.findall(r'<script type="application/json" id="[^"]+">(.*?)</script>', html)]
    assert saved == [{"status": "done", "text": "one"}, {"status": "error", "text": "two"}]


def test_widget_html_gives_up_on_widgets_it_cannot_draw():
    models = {
        "slider": _model("IntSliderModel", value=3),
        "box": _model("HBoxModel", children=["IPY_MODEL_slider"]),
        "other": _model("AnyModel", _anywidget_id="someone.else.Widget"),
    }
    assert widget_html("slider", models, MountIds()) is None
    assert widget_html("box", models, MountIds()) is None
    assert widget_html("other", models, MountIds()) is None
    assert widget_html("missing", models, MountIds()) is None
