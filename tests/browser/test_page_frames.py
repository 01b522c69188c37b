"""Issue #30, in JupyterLab: what the page paints, sampled at every animation frame.

A sample taken in a `requestAnimationFrame` callback is what the browser paints in that frame
(the view changes only in tasks of its own, never between those callbacks and the paint), so
these samplers see every frame the page shows, not one in three as a 50 ms timer would.

Item 2: the status line's counters never say more than the panes show, also while a view that
opens mid-run catches up with a long text.
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.server]

IMPORT = "from lg_widgets import StreamView"

# Every animation frame, what the `index`th view of the page shows (once it is there): the root's
# status, the status line's status and counters, and what the panes drew.
_SAMPLE_FRAMES_JS = """
(index) => {
  window.__lgwFrames = [];
  window.__lgwSampling = true;
  const frame = () => {
    if (!window.__lgwSampling) return;
    const root = document.querySelectorAll(".lgw-root")[index];
    if (root) {
      const count = (sel) => Number(root.querySelector(sel).textContent.replace(/[^\\d]/g, "") || 0);
      window.__lgwFrames.push({
        t: performance.now(),
        status: root.getAttribute("data-status"),
        line: root.querySelector(".lgw-status-value").textContent,
        tokens: count(".lgw-status-tokens"),
        steps: count(".lgw-status-steps"),
        events: count(".lgw-status-events"),
        text: root.querySelector(".lgw-text").textContent.length,
        cards: root.querySelectorAll(".lgw-step").length,
      });
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}
"""


def _start_sampling(page, index: int) -> None:
    page.evaluate(_SAMPLE_FRAMES_JS, index)


def _frames(page) -> list[dict]:
    return page.evaluate("() => { window.__lgwSampling = false; return window.__lgwFrames; }")


def test_a_view_opened_mid_run_never_shows_counters_ahead_of_its_panes(lab):
    """A second display of a view while its run streams takes the run so far in one snapshot
    (20,000 characters and more) and catches up from there: its status line must follow what its
    panes drew, never run ahead. (When the line drew at once, it was ahead in 254 of 1,051 frames:
    the snapshot's, and then each delta's first frame.)"""
    nb = lab([
        IMPORT,
        'view = StreamView("long", {"tokens": 40000}, stream_mode=["messages-tuple", "debug"])\nview',
        "_ = view.start()",
        "view",
    ])
    nb.run_cell(0)
    nb.run_cell(1)
    root = nb.view_handle(1)
    nb.run_cell(2)
    nb.page.wait_for_function("(root) => root.querySelector('.lgw-text').textContent.length > 20000",
                              arg=root, polling=50, timeout=120_000)
    _start_sampling(nb.page, 1)
    nb.run_cell(3)
    assert nb.wait_status(3, ("done", "error"), timeout=300) == "done"
    text, steps, events = nb.kernel_json("[len(view.text), len(view.steps), view.event_count]")
    second = nb.view_handle(3)
    nb.page.wait_for_function(
        "([root, n]) => root.querySelector('.lgw-text').textContent.length === n"
        " && root.querySelector('.lgw-status-value').textContent === 'done'",
        arg=[second, text], polling=50, timeout=60_000)
    nb.page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    frames = _frames(nb.page)

    ahead = [f for f in frames if f["tokens"] > f["text"] or f["steps"] > f["cards"]]
    caught_up = [f for f in frames if f["line"] == "running" and f["text"] > 20000]
    print(f"\n{len(frames)} frames, {len(caught_up)} running past 20,000 chars, {len(ahead)} with the counters "
          f"ahead of the panes: {[(round(f['t']), f['tokens'], f['text'], f['steps'], f['cards']) for f in ahead[:8]]}")
    assert len(caught_up) >= 5, "sampled while the second view streamed"
    assert not ahead, f"the counters ran ahead of the panes in {len(ahead)} of {len(frames)} frames"
    last = frames[-1]
    assert (last["tokens"], last["text"], last["steps"], last["cards"], last["events"]) == \
        (text, text, steps, steps, events)
