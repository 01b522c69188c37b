"""Lean saved widget state (lg_widgets/notebook_state.py) on a notebook made here.

That the lean notebooks still render in JupyterLab without a kernel is tested in
tests/browser/test_lean_notebooks.py.
"""

from __future__ import annotations

import base64
import copy
import gzip
import re

import pytest

from lg_widgets.notebook_state import WIDGET_STATE, WIDGET_VIEW, make_lean
from lg_widgets.saved_page import STATIC, STREAM_VIEW_ID

BUNDLE = (STATIC / "widget.js").read_text()
CSS = (STATIC / "widget.css").read_text()


def _view(text: str, esm: str = BUNDLE) -> dict:
    return {"model_name": "AnyModel", "state": {
        "_anywidget_id": STREAM_VIEW_ID, "_esm": esm, "_css": CSS, "text": text, "layout": f"IPY_MODEL_{text}0"}}


def _layout() -> dict:
    return {"model_name": "LayoutModel", "state": {"width": None}}


def _output(model_id: str) -> dict:
    return {"output_type": "display_data", "metadata": {},
            "data": {"text/plain": "view", WIDGET_VIEW: {"model_id": model_id, "version_major": 2, "version_minor": 0}}}


def _plain_notebook() -> dict:
    models = {
        "a1": _view("a1"), "a10": _layout(),
        "b1": _view("b1"), "b10": _layout(),
        "c1": _view("c1"), "c10": _layout(),           # never shown
        "d1": _view("d1", esm="export default {render() {}}"), "d10": _layout(),  # another build's front end
        "box": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_e1"], "layout": "IPY_MODEL_box0"}},
        "box0": _layout(), "e1": _view("e1"), "e10": _layout(),
    }
    cells = [{"cell_type": "code", "outputs": [_output("b1")]},
             {"cell_type": "code", "outputs": [_output("a1"), _output("d1")]},
             {"cell_type": "markdown", "source": "text"},
             {"cell_type": "code", "outputs": [_output("box"), _output("b1")]}]
    return {"cells": cells, "metadata": {"widgets": {WIDGET_STATE: {"state": models, "version_major": 2}}}}


# Plain dicts, and nbformat's nodes (which copy a dict assigned into them).
@pytest.fixture(params=["dict", "nbformat"])
def make_notebook(request):
    if request.param == "dict":
        return _plain_notebook
    # Imported here, not at the top: nbformat imports jsonschema, which builds a URI grammar (~1.7 s of
    # CPU), and every pytest worker imports this file to collect it.
    import nbformat

    return lambda: nbformat.from_dict(_plain_notebook())


def test_only_shown_models_and_what_they_refer_to_are_kept(make_notebook):
    notebook = make_notebook()
    counts = make_lean(notebook)
    kept = notebook["metadata"]["widgets"][WIDGET_STATE]["state"]
    assert set(kept) == {"a1", "a10", "b1", "b10", "d1", "d10", "box", "box0", "e1", "e10"}
    assert counts["models_dropped"] == 2


def test_the_first_shown_view_carries_the_packed_bundle_and_the_others_a_stub(make_notebook):
    notebook = make_notebook()
    make_lean(notebook)
    kept = notebook["metadata"]["widgets"][WIDGET_STATE]["state"]
    packed = kept["b1"]["state"]["_esm"]  # b1 is shown first
    assert packed == (STATIC / "packed-bundle.js").read_text() and kept["b1"]["state"]["_css"] == CSS
    payload = re.search(r'atob\("([A-Za-z0-9+/=]+)"\)', packed).group(1)
    assert gzip.decompress(base64.b64decode(payload)).decode() == BUNDLE
    stub = (STATIC / "bundle-stub.js").read_text()
    for model_id in ("a1", "e1"):
        assert kept[model_id]["state"]["_esm"] == stub and kept[model_id]["state"]["_css"] == ""
    # Another build's view keeps its own module: this build's stub could not load it.
    assert kept["d1"]["state"]["_esm"] == "export default {render() {}}" and kept["d1"]["state"]["_css"] == CSS
    # Everything else of a view is as it was.
    assert kept["a1"]["state"]["text"] == "a1" and kept["a1"]["state"]["layout"] == "IPY_MODEL_a10"


def test_lean_state_is_much_smaller_and_making_it_twice_changes_nothing(make_notebook):
    notebook = make_notebook()
    before = len(str(notebook))
    make_lean(notebook)
    once = copy.deepcopy(notebook)
    assert make_lean(notebook) == {"models_dropped": 0, "views_stubbed": 0}
    assert notebook == once
    assert len(str(notebook)) < before / 4


def test_a_notebook_without_widget_state_is_left_alone():
    notebook = {"cells": [], "metadata": {}}
    assert make_lean(notebook) == {"models_dropped": 0, "views_stubbed": 0}
    assert notebook == {"cells": [], "metadata": {}}
