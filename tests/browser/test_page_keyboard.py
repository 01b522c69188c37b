"""Issue #32, items 9 and 12 (the Resume box), in JupyterLab, by keyboard only: a JSON tree is one
Tab stop with the arrows inside, the focus ring is 2 px, filter selects and trees keep their keys
from the notebook's shortcuts, the focus stays in the view after Resume, Fork and Cancel (and a
cancel reads as cancelled, not as an error), graph nodes work by keyboard, and a finished run
without text does not say it waits for tokens.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from page_checks import tab_stops
from slow_run import SLOW_GRAPH, SLOW_INPUT
from test_lab import own_server  # noqa: F401  (the fixture)
from views import expand_all_json

pytestmark = [pytest.mark.browser, pytest.mark.server]

IMPORT = "from lg_widgets import StreamView"
FINISHED = ("done", "error", "cancelled", "interrupted")
JOKE = ('view = StreamView("joke", {"topic": "owls"}, thread_id="new",\n'
        '                  stream_mode=["messages-tuple", "updates", "values", "debug"]).start()\nview')

_OPEN_ALL_JS = """
(root) => {
  root.querySelectorAll(".lgw-section.lgw-collapsed > .lgw-section-header").forEach((el) => el.click());
  root.querySelectorAll(".lgw-step.lgw-collapsed > .lgw-step-header").forEach((el) => el.click());
}
"""

_FOCUS_JS = """(root) => {
  const el = document.activeElement;
  if (!el || el === document.body) return "body";
  return root.contains(el) ? `view: ${el.tagName.toLowerCase()}.${[...el.classList].join(".")}` : `elsewhere: ${el.className}`;
}"""


def _focus(nb, root) -> str:
    return nb.page.evaluate(_FOCUS_JS, root)


def _finished(lab, code: str, status: str):
    nb = lab([f"{IMPORT}\n{code}"])
    nb.run_cell(0)
    assert nb.wait_status(0, FINISHED, timeout=120) == status
    return nb, nb.view(0), nb.view_handle(0)


def test_a_json_tree_is_one_tab_stop_and_the_focus_ring_is_2_px(lab):
    nb, view, root = _finished(lab, JOKE, "done")
    nb.page.evaluate(_OPEN_ALL_JS, root)
    view.locator(".lgw-raw-event").first.wait_for()
    view.locator(".lgw-node").first.wait_for()
    assert expand_all_json(nb.page, root) > 0
    trees = nb.page.evaluate("(root) => [...root.querySelectorAll('.lgw-json')].filter((t) => t.getClientRects().length).length", root)
    rows = view.locator(".lgw-json-row").count()
    first = view.locator(".lgw-section-header").first.element_handle()
    stops = tab_stops(nb.page, root, first, limit=800)
    row_stops = [s for s in stops if s.startswith("div.lgw-json-row")]
    print(f"\n{len(stops)} Tab stops in the expanded view; {len(row_stops)} of them JSON rows "
          f"({rows} rows in {trees} trees shown)")
    assert len(row_stops) <= trees, f"{len(row_stops)} JSON rows are Tab stops for {trees} trees"
    assert len(stops) < 200

    # The focus ring: 2 px at least, on every kind of control the Tab key reached.
    rings = nb.page.evaluate("""(root) => {
        const kinds = new Map();
        for (const el of root.querySelectorAll('button, select, input, [tabindex="0"]')) {
          if (!el.getClientRects().length || el.closest('[hidden]')) continue;
          const kind = `${el.tagName.toLowerCase()}.${el.classList[0] || ''}`;
          if (!kinds.has(kind)) kinds.set(kind, el);
        }
        const out = {};
        for (const [kind, el] of kinds) {
          el.focus();
          const s = getComputedStyle(el);
          out[kind] = [s.outlineStyle, parseFloat(s.outlineWidth), el.matches(':focus-visible')];
        }
        return out;
    }""", root)
    print("focus rings:", rings)
    thin = {k: v for k, v in rings.items() if v[2] and (v[0] == "none" or v[1] < 2)}
    assert not thin, f"focus rings under 2 px: {thin}"


def test_filter_selects_and_trees_take_their_arrow_keys_from_the_notebook(lab):
    nb = lab([f"{IMPORT}\n{JOKE}", "x = 1", "y = 2"])
    nb.run_cell(0)
    assert nb.wait_status(0, FINISHED) == "done"
    view, root = nb.view(0), nb.view_handle(0)
    select = view.locator(".lgw-filter-node")
    expect(select).to_be_visible()
    nb.js("panel.content.activeCellIndex = 0; panel.content.mode = 'command'; return true;")
    select.focus()
    before = select.evaluate("(el) => el.value")
    nb.page.keyboard.press("ArrowDown")
    after = select.evaluate("(el) => el.value")
    assert after != before, "ArrowDown changes the filter"
    expect(view.locator(".lgw-filter-note")).not_to_be_empty()
    assert nb.js("return panel.content.activeCellIndex;") == 0, "the notebook did not move to the next cell"
    assert _focus(nb, root).startswith("view: select"), "the select kept the focus"
    nb.page.keyboard.press("ArrowUp")
    assert select.evaluate("(el) => el.value") == before

    # The state tree: the arrows go from row to row, not from cell to cell.
    tree_root = view.locator(".lgw-state .lgw-json-row").first
    tree_root.focus()
    nb.page.keyboard.press("ArrowDown")
    assert _focus(nb, root) == "view: div.lgw-json-row"
    assert view.locator(".lgw-state .lgw-json-row").nth(1).evaluate("(el) => el === document.activeElement")
    nb.page.keyboard.press("End")
    nb.page.keyboard.press("Home")
    assert tree_root.evaluate("(el) => el === document.activeElement")
    assert nb.js("return panel.content.activeCellIndex;") == 0

    # A graph node by keyboard: "f" shows its steps only (Enter, on a threaded view, cycles its breakpoint).
    view.locator(".lgw-section-graph .lgw-section-header").focus()
    nb.page.keyboard.press("Enter")
    node = view.locator('.lgw-node[data-node="generate_joke"]')
    expect(node).to_have_attribute("aria-label", "generate_joke: done")
    node.focus()
    nb.page.keyboard.press("f")
    expect(view.locator('.lgw-step[data-name="refine_topic"]')).to_be_hidden()
    expect(node).to_have_attribute("aria-pressed", "true")
    assert _focus(nb, root).startswith("view: g")


def test_resume_by_keyboard_keeps_the_focus_in_the_view(lab):
    nb, view, root = _finished(lab, 'view = StreamView("human", {"draft": "hello"}, thread_id="new",\n'
                                    '                  stream_mode=["updates", "values", "debug"]).start()\nview',
                               "interrupted")
    # A finished run without text says so; it does not wait for tokens.
    placeholder = view.locator(".lgw-text").evaluate("(el) => getComputedStyle(el, '::before').content")
    assert "waiting" not in placeholder, placeholder
    label = view.locator(".lgw-resume-label")
    expect(label).to_be_visible()
    expect(label).to_contain_text("Answer (JSON)")
    expect(view.locator(".lgw-interrupt")).to_contain_text("waiting for an answer")
    view.locator(".lgw-resume-input").focus()
    nb.page.keyboard.type('"Goodbye"')
    nb.page.keyboard.press("Tab")
    assert _focus(nb, root) == "view: button.lgw-resume"
    nb.page.keyboard.press("Space")
    assert nb.wait_status(0, ("done", "error")) == "done"
    where = _focus(nb, root)  # (before a cell is run to ask the kernel: that cell takes the focus)
    print("\nfocus after Resume:", where)
    assert where == "view: div.lgw-status", f"the focus fell to {where}"
    expect(view.locator(".lgw-interrupt")).to_contain_text("answered")
    assert nb.kernel_json("view.state['published']") == "Goodbye"


def test_fork_by_keyboard_keeps_the_focus_in_the_view(lab):
    nb, view, root = _finished(lab, JOKE, "done")
    fork = view.locator('.lgw-step[data-name="generate_joke"] > .lgw-fork')
    fork.focus()
    nb.page.keyboard.press("Enter")
    expect(view.locator('.lgw-step[data-name="generate_joke"]')).to_have_count(2)
    assert nb.wait_status(0, ("done", "error")) == "done"
    expect(view.locator(".lgw-branch")).to_contain_text("(before generate_joke")
    where = _focus(nb, root)
    print("\nfocus after Fork:", where)
    assert where == "view: div.lgw-step-header", f"the focus fell to {where}"


def test_cancel_by_keyboard_keeps_the_focus_and_reads_as_cancelled_not_error(lab, own_server):  # noqa: F811
    nb = lab([IMPORT, f'view = StreamView({SLOW_GRAPH!r}, {SLOW_INPUT!r}, thread_id="new", url={own_server.url!r}).start()\nview'])
    nb.run_cell(0)
    nb.run_cell(1)
    view, root = nb.view(1), nb.view_handle(1)
    nb.page.wait_for_function(
        "(root) => root.getAttribute('data-status') === 'running' && root.querySelector('.lgw-text').textContent.length > 0",
        arg=root, polling=50)
    view.locator(".lgw-cancel").focus()
    nb.page.keyboard.press("Enter")
    assert nb.wait_status(1, FINISHED, timeout=60) == "cancelled"
    where = _focus(nb, root)
    print("\nfocus after Cancel:", where)
    assert where == "view: div.lgw-status", f"the focus fell to {where}"
    colours = nb.page.evaluate("""(root) => ({
        head: getComputedStyle(root.querySelector('.lgw-error-head')).color,
        badge: getComputedStyle(root.querySelector('.lgw-status-value')).color,
        error: (() => { const b = root.querySelector('.lgw-status-value'); const was = b.getAttribute('data-status');
                        b.setAttribute('data-status', 'error'); const c = getComputedStyle(b).color;
                        b.setAttribute('data-status', was); return c; })(),
        role: root.querySelector('.lgw-error').getAttribute('role'),
    })""", root)
    print("cancelled:", colours)
    assert colours["head"] != colours["error"] and colours["badge"] != colours["error"], "a cancel is not shown as an error"
    assert colours["role"] == "status"
