"""``make docs``: the saved course as a static site, opened offline in Chromium.

The site is built from the repo's notebooks as saved (scripts/build_docs.py, what
``make docs`` runs). Every page is opened with every non-file request refused: each
view the notebook saved must render as the real widget with its saved status and
text (never idle or blank), nothing may be fetched, nothing logged as an error.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from jupyter_harness import REPO
from offline import refuse_network, wait_views_mounted
from saved_notebooks import FINISHED, NOTEBOOKS, saved_views

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> pathlib.Path:
    out = tmp_path_factory.mktemp("docs")
    subprocess.run([sys.executable, str(REPO / "scripts" / "build_docs.py"), str(REPO / "notebooks"), str(out)],
                   check=True, cwd=REPO, capture_output=True)
    return out


def test_the_site_has_a_page_per_notebook_the_api_and_the_design_pages_linked_from_its_index(site, page):
    pages = [f"{nb.stem}.html" for nb in NOTEBOOKS]
    assert len(pages) >= 8 and all((site / name).exists() for name in pages)
    design = ["architecture.html", "threads-protocol.html", "benchmarks.html"]
    requested = refuse_network(page)
    page.goto((site / "index.html").as_uri())
    links = page.locator("a").evaluate_all("(links) => links.map((a) => a.getAttribute('href'))")
    course = [link for link in links if link.endswith(".html") and link[:2].isdigit()]
    assert course == pages, "every lesson, in order"
    assert "api/lg_widgets/widget.html" in links and set(design) <= set(links)
    assert all(url.startswith("file://") for url in requested)


def test_the_api_reference_names_every_public_method_of_streamview_with_its_parameters(site, page):
    """Generated from the docstrings (pdoc), offline: each public method of StreamView, with each
    parameter of its signature, and the synced fields it shows."""
    import inspect

    from lg_widgets import StreamView
    from lg_widgets.fields import Fields

    requested = refuse_network(page)
    page.goto((site / "api" / "lg_widgets" / "widget.html").as_uri())
    public = {name: member for name, member in vars(StreamView).items()
              if not name.startswith("_") and (callable(member) or isinstance(member, (classmethod, property)))}
    assert {"run", "start", "wait", "cancel", "resume", "fork", "history", "save", "to_html", "attach", "join",
            "replay", "from_graph", "from_sdk", "running"} <= set(public)
    for name, member in public.items():
        entry = page.locator(f'[id="StreamView.{name}"]')
        expect(entry).to_have_count(1)
        function = member.__func__ if isinstance(member, classmethod) else member
        if callable(function):
            shown = entry.locator("xpath=..").inner_text()
            for parameter in list(inspect.signature(function).parameters)[1:]:
                assert parameter in shown, (name, parameter)
    constructor = page.locator('[id="StreamView.__init__"]').locator("xpath=..").inner_text()
    assert all(p in constructor for p in ("assistant_id", "stream_mode", "thread_id", "protocol", "transport"))
    page.goto((site / "api" / "lg_widgets" / "fields.html").as_uri())
    for name in ("status", "text", "steps", "state", "diffs", "interrupts"):
        assert name in Fields.class_trait_names()
        expect(page.locator(f'[id="Fields.{name}"]')).to_have_count(1)
    assert all(url.startswith("file://") for url in requested)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_every_saved_view_renders_offline_with_its_final_status(site, page, notebook):
    saved = saved_views(notebook)
    assert saved, f"{notebook.name} saved no view"
    requested = refuse_network(page)
    page.goto((site / f"{notebook.stem}.html").as_uri())
    wait_views_mounted(page, len(saved))

    roots = page.locator(".lgw-root")
    expect(roots).to_have_count(len(saved))
    shown = roots.evaluate_all("""(roots) => roots.map((root) => ({
        status: root.getAttribute("data-status"),
        statusLine: root.querySelector(".lgw-status-value").textContent,
        text: root.querySelector(".lgw-text").textContent,
        visible: root.getBoundingClientRect().height > 50,
    }))""")
    assert all(view["status"] in FINISHED and view["statusLine"] == view["status"] and view["visible"]
               for view in shown), shown
    assert [(view["status"], view["text"]) for view in shown] == saved
    assert requested == [(site / f"{notebook.stem}.html").as_uri()]
    assert page.evaluate("() => document.querySelectorAll('script[src], link[href]').length") == 0


def test_compare_modes_boxes_render_as_a_table_over_a_grid_of_views(site, page):
    """ipywidgets around the views (compare_modes: a VBox of an HTML table and a GridBox) are drawn too."""
    refuse_network(page)
    page.goto((site / "11_sources_and_comparison.html").as_uri())
    wait_views_mounted(page)
    box = page.locator(".lgw-saved-box").first
    expect(box.locator(".lgw-saved-html table")).to_contain_text("messages-tuple")
    grid = box.locator(".lgw-saved-box")
    assert grid.evaluate("(el) => getComputedStyle(el).display") == "grid"
    expect(grid.locator(":scope > .lgw-saved-view > .lgw-root")).to_have_count(5)
