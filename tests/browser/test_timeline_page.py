"""Issue #28 in JupyterLab: the Timeline pane of the `branches` demo, sampled every 50 ms while it
streams (bars appear while the run goes on, one bar per span at the end, a click opens the step's
card), then the same run's `to_html` file opened offline (one bar per span). Step-card names and
timeline lanes keep names whole in a narrow column."""

from __future__ import annotations

import pytest

from offline import refuse_network, wait_views_mounted

pytestmark = [pytest.mark.browser, pytest.mark.server]

FINISHED = ("done", "error", "cancelled", "interrupted")

_SAMPLE_JS = """
(root) => {
  window.__lgwSamples = [];
  window.__lgwSampler = setInterval(() => {
    window.__lgwSamples.push({
      status: root.getAttribute("data-status"),
      bars: root.querySelectorAll(".lgw-timeline .lgw-span[data-node]").length,
    });
  }, 50);
}
"""

# Each name element of step cards and lanes: its text, its full name, and whether it sits on one line.
_NAMES_JS = """
(root) => [...root.querySelectorAll(".lgw-step-name, .lgw-lane-label")].map((el) => {
  const box = el.getBoundingClientRect();
  const line = parseFloat(getComputedStyle(el).lineHeight) || parseFloat(getComputedStyle(el).fontSize) * 1.4;
  const title = el.getAttribute("title") || (el.parentNode.querySelector("title") || {}).textContent || "";
  return {text: el.textContent, title, rects: el.getClientRects().length, height: box.height, line};
})
"""


def _bars(page, root) -> list[dict]:
    return page.evaluate("""(root) => [...root.querySelectorAll(".lgw-timeline .lgw-span[data-node]")].map(
        (b) => ({node: b.getAttribute("data-node"), id: b.getAttribute("data-id"),
                 title: b.querySelector("title").textContent}))""", root)


def test_the_timeline_draws_while_the_run_streams_and_offline_in_to_html(lab, tmp_path):
    nb = lab([
        "from lg_widgets import StreamView",
        'view = StreamView("branches", {"topic": "tea"}, stream_mode=["debug", "messages-tuple", "values"], '
        "stream_subgraphs=True)\nview",
        "_ = view.start()",
    ])
    nb.run_cell(0)
    nb.run_cell(1)
    root = nb.view_handle(1)
    nb.page.evaluate(_SAMPLE_JS, root)
    nb.run_cell(2)
    assert nb.wait_status(1, FINISHED, timeout=120) == "done"
    spans = nb.kernel_json("[[s['id'], s['node']] for s in view.timeline]")
    nb.page.wait_for_function(
        "([root, n]) => root.querySelectorAll('.lgw-timeline .lgw-span[data-node]').length === n",
        arg=[root, len(spans)], polling=50, timeout=30_000)
    samples = nb.page.evaluate("() => { clearInterval(window.__lgwSampler); return window.__lgwSamples; }")
    live = [s["bars"] for s in samples if s["status"] == "running"]
    print(f"\n{len(samples)} samples; bars while running: {sorted(set(live))}; spans at the end: {len(spans)}")
    assert any(0 < n < len(spans) for n in live), "bars appeared while the run streamed, before the last one"
    assert live == sorted(live), "bars only come, they never go while the run streams"

    bars = _bars(nb.page, root)
    assert sorted((b["id"], b["node"]) for b in bars) == sorted(map(tuple, spans)), "one bar per span"
    assert sum(b["node"] == "polish" for b in bars) == 3
    slow = next(b for b in bars if b["node"] == "slow")
    assert slow["title"].startswith("slow · ") and "tokens" in slow["title"] and "node usage" in slow["title"]
    assert "tokens used" in nb.view(1).locator(".lgw-status-usage").text_content()
    assert nb.view(1).locator(".lgw-usage-table tfoot").text_content().startswith("total")

    # A click on a bar opens that step's card.
    nb.view(1).locator(f'.lgw-span[data-id="{slow["id"]}"]').click()
    card = nb.view(1).locator(f'.lgw-step[data-key="{slow["id"]}"]')
    nb.page.wait_for_function("(card) => !card.classList.contains('lgw-collapsed')", arg=card.element_handle(),
                              polling=50, timeout=10_000)

    # Names stay whole in a narrow column: one line each, the full name in its title.
    nb.page.set_viewport_size({"width": 700, "height": 1000})
    nb.page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    names = nb.page.evaluate(_NAMES_JS, root)
    assert names
    for name in names:
        assert name["rects"] == 1 and name["height"] < 1.8 * name["line"], name
        assert name["title"] and (name["text"] == name["title"] or name["text"].endswith("…")), name

    path = tmp_path / "branches.html"
    nb.exec_cell(f"_ = view.to_html({str(path)!r})")
    page = nb.page.context.new_page()
    requested = refuse_network(page)
    page.goto(path.as_uri())
    wait_views_mounted(page, 1)
    page.wait_for_function("(n) => document.querySelectorAll('.lgw-timeline .lgw-span[data-node]').length === n",
                           arg=len(spans), polling=50, timeout=30_000)
    offline = [b.get_attribute("data-node") for b in page.locator(".lgw-timeline .lgw-span[data-node]").all()]
    assert sorted(offline) == sorted(node for _, node in spans)
    assert requested == [path.as_uri()]
    page.close()
