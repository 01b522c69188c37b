"""`make docs`: the course as a static site that needs no network and no kernel.

    python scripts/build_docs.py notebooks build/docs

One HTML page per notebook (nbconvert's lab template, through docs_templates/lgw_docs) plus an
index linking them. Every widget a notebook displays renders from the state saved in
its ``metadata.widgets``: StreamViews as the real front end over their final traits,
boxes of them (e.g. ``compare_modes``) laid out, ipywidgets ``HTML`` as its value; any
other widget falls back to the output's text/html or text/plain. The pages load
nothing: no require.js, MathJax, Mermaid or widget manager from a CDN; the front end
is inlined (lg_widgets/saved_page.py, shared with ``view.to_html``).
"""

from __future__ import annotations

import html
import pathlib
import re
import sys

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor

from lg_widgets.notebook_state import WIDGET_STATE, WIDGET_VIEW
from lg_widgets.saved_page import MountIds, front_end_head, widget_html

TEMPLATES = pathlib.Path(__file__).parent / "docs_templates"
# A markdown link to another notebook of the course: [text](02_x.ipynb) or (02_x.ipynb#part).
_NOTEBOOK_LINK = re.compile(r"\]\(([\w.-]+)\.ipynb(#[^)]*)?\)")


class SavedWidgetsPreprocessor(Preprocessor):
    """Widget views → static HTML from the saved state; the widget state itself goes."""

    def preprocess(self, nb, resources):
        models = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
        ids = MountIds()
        counts = {"widgets": 0, "fallbacks": 0}
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = _NOTEBOOK_LINK.sub(lambda m: f"]({m.group(1)}.html{m.group(2) or ''})", cell.source)
            for output in cell.get("outputs", []):
                view = output.get("data", {}).pop(WIDGET_VIEW, None)
                if view is None:
                    continue
                rendered = widget_html(view.get("model_id", ""), models, ids)
                if rendered is None:
                    counts["fallbacks"] += 1  # the output's own text/html or text/plain shows
                else:
                    output["data"]["text/html"] = rendered
                    counts["widgets"] += 1
        # Without widget state the template loads no widget manager (it would come from a CDN).
        nb.metadata.pop("widgets", None)
        resources["lgw_counts"] = counts
        return nb, resources


def exporter() -> HTMLExporter:
    export = HTMLExporter(template_name="lgw_docs", extra_template_basedirs=[str(TEMPLATES)])
    export.register_preprocessor(SavedWidgetsPreprocessor(), enabled=True)
    return export


def title_of(notebook) -> str:
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if match:
                return match.group(1).strip()
    return ""


def index_page(entries: list[tuple[str, str]]) -> str:
    items = "\n".join(f'<li><a href="{html.escape(href)}">{html.escape(title)}</a></li>' for href, title in entries)
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<title>lg_widgets · the streaming-modes course</title>\n"
            "<style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;line-height:1.6}"
            "code{font-size:0.95em}</style>\n</head>\n<body>\n"
            "<h1>lg_widgets · the streaming-modes course</h1>\n"
            "<p>Each page is a saved notebook: its views show the runs as they ended, with no kernel.</p>\n"
            f"<ol>\n{items}\n</ol>\n</body>\n</html>\n")


def build(source: pathlib.Path, out: pathlib.Path) -> list[pathlib.Path]:
    out.mkdir(parents=True, exist_ok=True)
    export = exporter()
    entries, written = [], []
    for path in sorted(source.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        title = title_of(notebook) or path.stem
        body, resources = export.from_notebook_node(
            notebook, resources={"metadata": {"name": title}, "lgw_front_end": front_end_head()})
        target = out / f"{path.stem}.html"
        target.write_text(body, encoding="utf-8")
        counts = resources["lgw_counts"]
        print(f"{target}: {counts['widgets']} widgets, {counts['fallbacks']} text fallbacks, {len(body) // 1024} kB")
        entries.append((target.name, title.replace("`", "")))
        written.append(target)
    index = out / "index.html"
    index.write_text(index_page(entries), encoding="utf-8")
    print(f"{index}: {len(entries)} pages")
    return written


if __name__ == "__main__":
    args = sys.argv[1:]
    build(pathlib.Path(args[0] if args else "notebooks"), pathlib.Path(args[1] if len(args) > 1 else "build/docs"))
