"""What the course's saved notebooks hold: the views their outputs show, from the saved widget state."""

from __future__ import annotations

import pathlib

import nbformat

from jupyter_harness import REPO
from lg_widgets.notebook_state import WIDGET_STATE, WIDGET_VIEW
from lg_widgets.saved_page import STREAM_VIEW_ID

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
FINISHED = {"done", "error", "cancelled", "interrupted"}


def saved_views(path: pathlib.Path) -> list[tuple[str, str]]:
    """(status, text) of every StreamView the notebook's outputs show, in order (inside boxes too)."""
    notebook = nbformat.read(path, as_version=4)
    models = notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})

    def views(model_id: str) -> list[tuple[str, str]]:
        state = models[model_id]["state"]
        if state.get("_anywidget_id") == STREAM_VIEW_ID:
            return [(state["status"], state["text"])]
        return [view for child in state.get("children", []) for view in views(child.removeprefix("IPY_MODEL_"))]

    return [view for cell in notebook.cells for output in cell.get("outputs", [])
            if WIDGET_VIEW in output.get("data", {})
            for view in views(output["data"][WIDGET_VIEW]["model_id"])]
