"""The debugger from the page (#29), in JupyterLab, sampled every 50 ms: a breakpoint set by
clicking a node stops the next run there, Step and Continue go on from the page, a message typed
in the box starts the next turn; no console errors (the page fixture), the page's text only grows."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.server]

IMPORT = "from lg_widgets import StreamView"
FINISHED = ("done", "error", "cancelled", "interrupted")

# Every 50 ms: the view's status and its text (Output, cards, state: everything it shows).
_SAMPLE_JS = """
(root) => {
  window.__lgwDebug = [];
  window.__lgwDebugTimer = setInterval(() => window.__lgwDebug.push({
    status: root.getAttribute("data-status"),
    output: root.querySelector(".lgw-text").textContent,
    cards: root.querySelectorAll(".lgw-step").length,
  }), 50);
}
"""


def _samples(page) -> list[dict]:
    return page.evaluate("() => { clearInterval(window.__lgwDebugTimer); return window.__lgwDebug; }")


def _only_grows(samples: list[dict]) -> None:
    for before, after in zip(samples, samples[1:]):
        assert after["output"].startswith(before["output"]), "the Output only grows"
        assert after["cards"] >= before["cards"], "step cards are never taken away"


@pytest.mark.long
def test_a_clicked_breakpoint_stops_the_next_run_then_step_and_continue(lab):
    nb = lab([f'{IMPORT}\nview = StreamView("parallel", {{"topic": "tea"}}, thread_id="new").run()\nview'])
    nb.run_cell(0)
    assert nb.wait_status(0, FINISHED) == "done"
    view = nb.view(0)
    nb.page.evaluate(_SAMPLE_JS, nb.view_handle(0))
    view.locator(".lgw-section-graph .lgw-section-header").click()
    node = view.locator('.lgw-node[data-node="left"]')
    node.click()
    expect(node).to_have_attribute("data-break", "before")
    node.click()
    expect(node).to_have_attribute("data-break", "after")
    node.click()
    expect(node).not_to_have_attribute("data-break", "after")
    node.click()
    expect(node).to_have_attribute("data-break", "before")
    # The clicks reach the kernel as widget updates, which ipywidgets holds back while one is
    # unanswered: on a busy machine a cell run at once can still see an earlier value.
    wait_until(lambda: nb.kernel_json("view.breakpoints") == {"left": "before"}, timeout=30,
               what="the kernel to hold the breakpoint the clicks left")

    nb.exec_cell('view.submit(input={"topic": "coffee"}, wait=True); print(view.status)')
    assert nb.wait_status(0, FINISHED) == "interrupted"
    expect(view.locator(".lgw-stop-note")).to_contain_text("before left")
    expect(node).to_have_class("lgw-node lgw-node-done lgw-node-stopped")
    expect(view.locator(".lgw-resume-control")).to_be_hidden()

    # Step: left and right run (one super-step), then the run stops again before join.
    view.locator(".lgw-step-button").click()
    expect(view.locator(".lgw-stop-note")).to_contain_text("before join", timeout=60_000)
    assert nb.kernel_json("[view.status, view.state['facts']]") == ["interrupted", "coffee is a drink"]
    # A bad state edit says why and sends nothing; a good one shows as a card of its own.
    view.locator(".lgw-state-editor").fill("{facts: 1}")
    view.locator(".lgw-state-apply").click()
    expect(view.locator(".lgw-state-message")).to_contain_text("not valid JSON")
    view.locator(".lgw-state-editor").fill('{"facts": "edited"}')
    view.locator(".lgw-state-apply").click()
    expect(view.locator('.lgw-step[data-name="update_state"]')).to_have_count(1, timeout=60_000)
    view.locator(".lgw-continue-button").click()
    expect(view).to_have_attribute("data-status", "done", timeout=60_000)
    expect(view.locator(".lgw-stop")).to_be_hidden()
    assert nb.kernel_json("view.state['joined']").endswith("/ edited")
    samples = _samples(nb.page)
    assert {"interrupted", "done"} <= {s["status"] for s in samples}
    _only_grows(samples)


def test_a_typed_message_starts_the_next_turn(lab):
    nb = lab([f'{IMPORT}\nview = StreamView("chat", {{"messages": [{{"role": "user", "content": "hello"}}]}}, '
              'thread_id="new").run()\nview'])
    nb.run_cell(0)
    assert nb.wait_status(0, FINISHED) == "done"
    view = nb.view(0)
    nb.page.evaluate(_SAMPLE_JS, nb.view_handle(0))
    box = view.locator(".lgw-submit-input")
    expect(box).to_be_visible()
    for turn, said in ((2, "second"), (3, "third")):
        box.fill(said)
        box.press("Enter")
        expect(view.locator(".lgw-text")).to_contain_text(f"Turn {turn}: you said '{said}'.", timeout=60_000)
        expect(view).to_have_attribute("data-status", "done")
    expect(view.locator(".lgw-text-divider").last).to_have_attribute("data-label", "you: third")
    assert nb.kernel_json("len(view.state['messages'])") == 6
    samples = _samples(nb.page)
    assert "running" in {s["status"] for s in samples} or "connecting" in {s["status"] for s in samples}
    _only_grows(samples)
