"""Hostile run data (tests/graphs/hostile.py) renders as literal text: no markup, no script, no errors.

Three runs stream markup as tokens, state keys and values, a node name, custom events,
an interrupt value, an error type and message. Every pane is opened, every step card and
JSON node expanded, every raw-events pager loaded; then nothing may have run
(``window.__xss``), no element may have come from the data, and the text must read
exactly as sent. The views' ``text/html`` fallback (the transcript readers without a
widget manager see) is rendered as trusted HTML too.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from hostile_data import MODES, dom_facts, hostile
from views import expand_all_json, step_cards

pytestmark = [pytest.mark.browser, pytest.mark.server]

_OPEN_EVERYTHING_JS = """
(root) => {
  let clicks = 0;
  const click = (selector) => root.querySelectorAll(selector).forEach((el) => { el.click(); clicks++; });
  click(".lgw-section.lgw-collapsed > .lgw-section-header");
  click(".lgw-step.lgw-collapsed > .lgw-step-header");
  click(".lgw-raw-kind.lgw-collapsed > .lgw-raw-kind-header");
  return clicks;
}
"""

_PAGERS_LOADED_JS = """
(root) => {
  const pagers = [...root.querySelectorAll(".lgw-raw-pager")];
  return pagers.length > 0 && pagers.every((p) =>
    p.querySelector(".lgw-raw-range").textContent !== "" && p.querySelector(".lgw-raw-msg").textContent === "");
}
"""


def _open_everything(nb, index: int) -> dict:
    page = nb.page
    root = nb.view_handle(index)
    page.evaluate(_OPEN_EVERYTHING_JS, root)
    page.wait_for_function(_PAGERS_LOADED_JS, arg=root, polling=50)
    # The main pager's second page too, when there is one.
    main_next = nb.view(index).locator(".lgw-raw-body > .lgw-raw-pager .lgw-raw-next")
    if main_next.is_enabled():
        main_next.click()
        expect(nb.view(index).locator(".lgw-raw-body > .lgw-raw-pager .lgw-raw-range")).to_contain_text("51–")
        page.wait_for_function(_PAGERS_LOADED_JS, arg=root, polling=50)
    assert expand_all_json(page, root) > 0
    return dom_facts(page, root)


@pytest.mark.long
def test_hostile_strings_render_as_text(lab, lab_page, test_graphs_server):
    nb = lab([
        f"from IPython.display import HTML\nfrom lg_widgets import StreamView\nURL = {test_graphs_server.url!r}\nMODES = {MODES!r}",
        'hostile = StreamView("hostile", {"topic": "<b>topic</b>"}, url=URL, stream_mode=MODES).start()\nhostile',
        'failing = StreamView("hostile_error", {}, url=URL, stream_mode=MODES).start()\nfailing',
        'asking = StreamView("hostile_interrupt", {}, url=URL, stream_mode=MODES, thread_id="new").start()\nasking',
    ])
    page = nb.page
    for index in range(4):
        nb.run_cell(index)
    assert nb.wait_status(1, ("done", "error", "cancelled")) == "done"
    assert nb.wait_status(2, ("done", "error", "cancelled")) == "error"
    assert nb.wait_status(3, ("done", "error", "cancelled", "interrupted")) == "interrupted"

    facts = {index: _open_everything(nb, index) for index in (1, 2, 3)}

    # The text: literal, exact (emoji, RTL, zero-width and combining characters kept), and the kernel's.
    text = nb.view(1).locator(".lgw-text").text_content()
    assert text == hostile.TEXT == nb.kernel_json("hostile.text")
    assert '<img src=x onerror="window.__xss=1">' in text and "\u200b" in text and "e\u0301" in text
    # The node named with markup: as an attribute value and as text, never as an element.
    cards = step_cards(page, nb.view_handle(1))
    assert [c["name"] for c in cards] == [hostile.NODE, "nest"]
    expect(nb.view(1).locator(".lgw-step-name").first).to_have_text(hostile.NODE)
    assert hostile.NODE in facts[1]["options"]  # the token filter lists the node by name
    # State keys and values, custom events, raw events: JSON keys and strings as text.
    for key in (hostile.STATE_KEY, hostile.IMG, hostile.SVG, hostile.TEXTAREA, hostile.ENTITIES):
        assert key in facts[1]["keys"], key
    assert f'"{hostile.LINK}"' in facts[1]["values"]
    assert f'"{hostile.ENTITIES}"' in facts[1]["values"]
    expect(nb.view(1).locator(".lgw-custom")).to_have_count(3)
    expect(nb.view(1).locator(".lgw-raw-event").first).to_be_visible()
    raw_text = nb.view(1).locator(".lgw-raw").text_content()
    assert hostile.SCRIPT in raw_text and hostile.RTL in raw_text

    # The error: type and message are markup, shown as text; the partial text stays.
    error = nb.view(2).locator(".lgw-error")
    expect(error.locator(".lgw-error-type")).to_have_text(hostile.SVG)
    expect(error.locator(".lgw-error-message")).to_have_text(hostile.ERROR_MESSAGE)
    assert nb.view(2).locator(".lgw-text").text_content() == hostile.ERROR_TEXT
    # The interrupt's value.
    interrupt = nb.view(3).locator(".lgw-interrupt")
    expect(interrupt).to_have_count(1)
    expect(interrupt.locator(".lgw-json-key").first).to_have_text(hostile.IMG)
    assert f'"{hostile.SCRIPT}"' in facts[3]["values"]

    # The text/html fallback of the three views, rendered as trusted HTML (scripts would run).
    html_cell = nb.append_cell(
        'HTML("".join(v._repr_mimebundle_()[0]["text/html"] for v in (hostile, failing, asking)))')
    nb.run_cell(html_cell)
    html_output = nb.cell(html_cell).locator(".jp-OutputArea-output")
    expect(html_output).to_contain_text(hostile.IMG)
    assert html_output.locator("img, script, svg, b, textarea").count() == 0

    assert page.evaluate("() => typeof window.__xss") == "undefined"
    for index in (1, 2, 3):
        assert nb.view(index).locator(
            "img, script, svg:not(.lgw-graph-svg, .lgw-timeline svg), b, a, iframe, textarea:not(.lgw-state-editor), object, embed, style").count() == 0
    assert lab_page.errors() == []  # this test's: the page is shared (conftest.LabPage)
