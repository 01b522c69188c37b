"""Lean widget state for saved notebooks: one front-end bundle per notebook, no unshown models.

A notebook saved with widget state holds, per StreamView, anywidget's ``_esm`` (the
whole ~100 kB front end) and ``_css``, plus every widget model the kernel ever made,
shown or not. ``make_lean`` keeps only the models the outputs display (and the models
they refer to: layouts, children). The first StreamView gets ``static/packed-bundle.js``
(the same bundle, gzip-compressed: ~45 kB, unpacked in the page with the browser's
``DecompressionStream``); every other one gets ``static/bundle-stub.js`` (a few hundred
bytes) and no CSS. The stub resolves to the widget object that the bundle leaves in a
page-wide registry under its bundle id (js/src/registry.js): JupyterLab, Notebook 7 and
nbconvert's HTML export load every model of a notebook's state on one page, so the views
render without a kernel as before. CSS is per widget class in anywidget (one ``<style>``
element per ``_anywidget_id``): the first view's serves them all.
"""

from __future__ import annotations

import re
from typing import Any

from .saved_page import STATIC, STREAM_VIEW_ID

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_MODEL_REF = re.compile(r"^IPY_MODEL_(.+)$", re.S)


def displayed_models(notebook: dict[str, Any]) -> list[str]:
    """Model ids of the widget views in the notebook's outputs, in reading order."""
    ids: list[str] = []
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if isinstance(view, dict) and view.get("model_id") and view["model_id"] not in ids:
                ids.append(view["model_id"])
    return ids


def _references(value: Any) -> list[str]:
    """Model ids that a model's state refers to (``"IPY_MODEL_<id>"`` strings, at any depth)."""
    if isinstance(value, str):
        match = _MODEL_REF.match(value)
        return [match.group(1)] if match else []
    if isinstance(value, dict):
        return [ref for item in value.values() for ref in _references(item)]
    if isinstance(value, list):
        return [ref for item in value for ref in _references(item)]
    return []


def needed_models(models: dict[str, dict[str, Any]], roots: list[str]) -> list[str]:
    """``roots`` and every model they refer to, directly or not (only ids present in ``models``)."""
    needed: list[str] = []
    todo = list(roots)
    while todo:
        model_id = todo.pop(0)
        if model_id in needed or model_id not in models:
            continue
        needed.append(model_id)
        todo.extend(_references(models[model_id].get("state", {})))
    return needed


def _static(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def make_lean(notebook: dict[str, Any]) -> dict[str, int]:
    """Shrink ``notebook``'s saved widget state in place; returns counts of what changed.

    Only views whose ``_esm`` is this build's ``static/widget.js`` change: a view saved by
    another build keeps its own copy (a stub finds only the bundle it was built with).
    """
    saved = notebook.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE)
    if not saved or not isinstance(saved.get("state"), dict):
        return {"models_dropped": 0, "views_stubbed": 0}
    bundle, packed, stub = _static("widget.js"), _static("packed-bundle.js"), _static("bundle-stub.js")
    models = saved["state"]
    keep = needed_models(models, displayed_models(notebook))
    dropped = [model_id for model_id in models if model_id not in keep]
    for model_id in dropped:  # in place: nbformat's nodes copy a dict assigned to them
        del models[model_id]

    views = [models[model_id]["state"] for model_id in keep  # in the order they are shown
             if models[model_id].get("state", {}).get("_anywidget_id") == STREAM_VIEW_ID
             and models[model_id]["state"].get("_esm") == bundle]
    for index, state in enumerate(views):
        if index == 0:  # the first shown view carries the bundle, and the CSS for all
            state["_esm"] = packed
        else:
            state["_esm"], state["_css"] = stub, ""
    return {"models_dropped": len(dropped), "views_stubbed": max(0, len(views) - 1)}
