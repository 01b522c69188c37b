"""`make docs`: the documentation as a static site that needs no network and no kernel.

    python scripts/build_docs.py notebooks build/docs

The index says what lg_widgets is and where to start, and links three parts:

- the course: one HTML page per notebook (nbconvert's lab template, through docs_templates/lgw_docs);
- the API reference, generated from the docstrings by pdoc (``api/``);
- the design pages, rendered from ``docs/*.md`` (architecture, the thread protocol, benchmarks, ...).

In the course pages every widget a notebook displays renders from the state saved in
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
import warnings

import mistune
import nbformat
import pdoc
import pdoc.render
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor

from lg_widgets.notebook_state import WIDGET_STATE, WIDGET_VIEW
from lg_widgets.saved_page import MountIds, front_end_head, widget_html

TEMPLATES = pathlib.Path(__file__).parent / "docs_templates"
REPO = pathlib.Path(__file__).resolve().parent.parent
#: The public modules the API reference covers (lg_widgets loads the widget lazily: each is named).
API_MODULES = ["lg_widgets", "lg_widgets.widget", "lg_widgets.client", "lg_widgets.server", "lg_widgets.compare",
               "lg_widgets.teaching", "lg_widgets.fields", "lg_widgets.types", "lg_widgets.errors", "lg_widgets.state",
               "lg_widgets.threads", "lg_widgets.sources"]
#: The design pages, in the order the index lists them (those that exist).
DESIGN_PAGES = ["architecture", "threads-protocol", "timeline", "debugger", "benchmarks", "course"]
_STYLE = ("body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.6}"
          "code,pre{font-size:0.92em}pre{overflow-x:auto;background:#f5f5f5;padding:0.6rem}"
          "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:0.2rem 0.5rem;vertical-align:top}")
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


def page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{html.escape(title)}</title>\n"
            f"<style>{_STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def index_page(course: list[tuple[str, str]], design: list[tuple[str, str]], api: str) -> str:
    def items(entries: list[tuple[str, str]]) -> str:
        return "\n".join(f'<li><a href="{html.escape(href)}">{html.escape(title)}</a></li>' for href, title in entries)

    return page("lg_widgets", (
        "<h1>lg_widgets</h1>\n"
        "<p>Live Jupyter views of LangGraph runs: <code>StreamView</code> starts a run on a LangGraph API server "
        "(or reads a thread, a recording, a local graph) and shows it while its events arrive: the model's tokens, "
        "a card per graph step, the state with a diff between steps, custom events, interrupts and errors.</p>\n"
        "<p><b>Where to start:</b> the quick start (the first lesson below), then the API reference of "
        f'<a href="{html.escape(api)}">StreamView</a>. Every page here works offline.</p>\n'
        f"<h2>The course: LangGraph's streaming modes</h2>\n<p>Each page is a saved notebook: its views show the "
        f"runs as they ended, with no kernel.</p>\n<ol>\n{items(course)}\n</ol>\n"
        f'<h2>Reference</h2>\n<ul>\n<li><a href="{html.escape(api)}">API reference</a> (from the docstrings)</li>\n'
        f"{items(design)}\n</ul>"))


def api_pages(out: pathlib.Path) -> str:
    """The API reference (pdoc) under ``out``; the path of StreamView's page, relative to the site."""
    pdoc.render.configure(search=True, show_source=False, docformat="google")
    with warnings.catch_warnings():  # names lg_widgets loads lazily are documented in their own modules
        warnings.simplefilter("ignore", UserWarning)
        pdoc.pdoc(*API_MODULES, output_directory=out)
    return f"{out.name}/lg_widgets/widget.html"


_MD_LINK = re.compile(r'href="([\w.-]+)\.md(#[^"]*)?"')


def design_pages(docs: pathlib.Path, out: pathlib.Path) -> list[tuple[str, str]]:
    """``docs/*.md`` as pages (links between them kept); their titles."""
    render = mistune.create_markdown(plugins=["table"])
    entries = []
    for name in DESIGN_PAGES:
        source = docs / f"{name}.md"
        if not source.exists():
            continue
        text = source.read_text(encoding="utf-8")
        title = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), name)
        body = _MD_LINK.sub(lambda m: f'href="{m.group(1)}.html{m.group(2) or ""}"', str(render(text)))
        (out / f"{name}.html").write_text(page(title, f'<p><a href="index.html">lg_widgets</a></p>\n{body}'),
                                          encoding="utf-8")
        entries.append((f"{name}.html", title))
    return entries


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
    api = api_pages(out / "api")
    design = design_pages(REPO / "docs", out)
    index = out / "index.html"
    index.write_text(index_page(entries, design, api), encoding="utf-8")
    print(f"{index}: {len(entries)} course pages, {len(design)} design pages, the API reference in {out / 'api'}")
    return written


if __name__ == "__main__":
    args = sys.argv[1:]
    build(pathlib.Path(args[0] if args else "notebooks"), pathlib.Path(args[1] if len(args) > 1 else "build/docs"))
