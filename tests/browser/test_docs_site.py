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


def test_the_site_has_a_page_per_notebook_linked_from_its_index(site, page):
    pages = sorted(p.name for p in site.glob("*.html") if p.name != "index.html")
    assert pages == [f"{nb.stem}.html" for nb in NOTEBOOKS] and len(pages) >= 8
    requested = refuse_network(page)
    page.goto((site / "index.html").as_uri())
    links = page.locator("a").evaluate_all("(links) => links.map((a) => a.getAttribute('href'))")
    assert links == pages
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
