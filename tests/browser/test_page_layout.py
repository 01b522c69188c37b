"""Issue #32, items 7 and 10, in Chromium: step names stay whole at 1300 px and 332 px (JupyterLab,
``view.to_html`` pages, marimo), and every text and status colour of a view reads at least 4.5:1
(graph lines 3:1) in JupyterLab's light and dark themes, measured from the page's computed styles.
"""

from __future__ import annotations

import pytest

from offline import refuse_network, wait_views_mounted
from page_checks import node_contrasts, status_contrasts, step_names, text_contrasts
from test_lab import _set_theme
from test_marimo import marimo_app  # noqa: F401  (the fixture)
from views import expand_all_json

pytestmark = [pytest.mark.browser, pytest.mark.server]

IMPORT = "from lg_widgets import StreamView"
FINISHED = ("done", "error", "cancelled", "interrupted")
WIDTHS = (1300, 332)
AA_TEXT = 4.5
AA_LINES = 3.0

# Opens every section and card of a view (the graph too), so that all its text is on screen.
_OPEN_ALL_JS = """
(root) => {
  root.querySelectorAll(".lgw-section.lgw-collapsed > .lgw-section-header").forEach((el) => el.click());
  root.querySelectorAll(".lgw-step.lgw-collapsed > .lgw-step-header").forEach((el) => el.click());
}
"""


def _check_names(names: list[dict], where: str) -> None:
    assert names, f"no step names shown ({where})"
    for n in names:
        assert n["lines"] == 1, f"{n['name']!r} broke over {n['lines']} lines ({where}, {n['width']} px)"
        assert n["title"] == n["name"], f"{n['name']!r}: the whole name on hover ({where})"
        if len(n["name"]) <= 20:
            assert not n["cut"], f"{n['name']!r} is cut at {n['width']} px ({where})"


def test_step_names_stay_whole_in_jupyterlab_at_1300_and_332_px(lab):
    nb = lab([
        f'{IMPORT}\njoke = StreamView("joke", {{"topic": "owls"}}, thread_id="new",\n'
        '                  stream_mode=["updates", "values", "debug"]).start()\njoke',
        'sub = StreamView("subgraph", {"topic": "parsers"}, stream_subgraphs=True,\n'
        '                 stream_mode=["debug", "values"]).start()\nsub',
    ])
    nb.run_cell(0)
    nb.run_cell(1)
    assert nb.wait_status(0, FINISHED) == "done" and nb.wait_status(1, FINISHED) == "done"
    assert nb.view(0).locator(".lgw-fork").first.is_visible(), "the Fork buttons take their room"
    for width in WIDTHS:
        nb.page.set_viewport_size({"width": width, "height": 1000})
        # The side panels would take the whole of a narrow window: the notebook gets it.
        nb.page.evaluate("() => { window.jupyterapp.shell.collapseLeft(); window.jupyterapp.shell.collapseRight(); }")
        nb.wait_js("panel.node.getBoundingClientRect().width > arg * 0.6", width)
        nb.page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
        names = step_names(nb.page)
        print(f"JupyterLab at {width} px:", [(n["name"], n["lines"], n["width"]) for n in names])
        assert {"refine_topic", "generate_joke", "prepare", "child", "research", "write", "finish"} <= {
            n["name"] for n in names}
        _check_names(names, f"JupyterLab at {width} px")


def test_step_names_stay_whole_in_a_to_html_page_at_1300_and_332_px(server, page, tmp_path):
    from lg_widgets import StreamView

    view = StreamView("subgraph", {"topic": "parsers"}, url=server.url, stream_subgraphs=True,
                      stream_mode=["debug", "values"]).run()
    assert view.status == "done"
    path = view.to_html(tmp_path / "subgraph.html")
    refuse_network(page)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(path.as_uri())
        wait_views_mounted(page, 1)
        page.wait_for_function("() => document.querySelectorAll('.lgw-step-name').length >= 5", polling=50)
        names = step_names(page)
        print(f"to_html at {width} px:", [(n["name"], n["lines"], n["width"]) for n in names])
        _check_names(names, f"to_html at {width} px")


def test_step_names_stay_whole_in_marimo_at_1300_and_332_px(marimo_app, page):  # noqa: F811
    from playwright.sync_api import expect

    page.goto(marimo_app)
    views = page.locator(".lgw-root")
    expect(views).to_have_count(2, timeout=60_000)
    expect(views.nth(0)).to_have_attribute("data-status", "done", timeout=90_000)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
        names = step_names(page)
        print(f"marimo at {width} px:", [(n["name"], n["lines"], n["width"]) for n in names])
        _check_names(names, f"marimo at {width} px")


def test_every_text_and_status_colour_reads_4_5_to_1_in_light_and_dark(lab):
    nb = lab([
        f'{IMPORT}\nview = StreamView("joke", {{"topic": "owls"}}, thread_id="new",\n'
        '                  stream_mode=["messages-tuple", "updates", "values", "debug"]).start()\nview',
    ])
    nb.run_cell(0)
    assert nb.wait_status(0, FINISHED) == "done"
    root = nb.view_handle(0)
    nb.page.evaluate(_OPEN_ALL_JS, root)
    nb.view(0).locator(".lgw-node").first.wait_for()
    nb.view(0).locator(".lgw-raw-event").first.wait_for()
    assert expand_all_json(nb.page, root) > 0
    failures = []
    try:
        for theme, light in (("JupyterLab Light", True), ("JupyterLab Dark", False)):
            _set_theme(nb, theme, light)
            texts = text_contrasts(nb.page, root)
            statuses = status_contrasts(nb.page, root)
            nodes = node_contrasts(nb.page, root)
            assert len(texts) > 50, "the view's text was measured"
            worst = sorted(texts, key=lambda t: t[1])[:5]
            print(f"\n{theme}: {len(texts)} texts, the lowest:", [(w, round(r, 2)) for w, r in worst])
            print(f"{theme} statuses:", {k: round(v, 2) for k, v in statuses.items()})
            print(f"{theme} graph:", {k: (round(v, 2) if isinstance(v, float) else v) for k, v in nodes.items()})
            failures += [f"{theme}: {what} {ratio:.2f}" for what, ratio in texts if ratio < AA_TEXT]
            failures += [f"{theme}: {what} {ratio:.2f}" for what, ratio in statuses.items() if ratio < AA_TEXT]
            failures += [f"{theme}: {what} {ratio:.2f}" for what, ratio in nodes.items()
                         if isinstance(ratio, float) and ratio < AA_LINES]
            looks = {k.removeprefix("node look "): v for k, v in nodes.items() if k.startswith("node look ")}
            if len(set(looks.values())) < len(looks):
                failures.append(f"{theme}: graph node states that look alike (interrupted like error?): {looks}")
    finally:
        _set_theme(nb, "JupyterLab Light", True)
    assert not failures, "under WCAG AA:\n" + "\n".join(failures)
