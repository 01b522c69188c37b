"""The page's own controls for interactive runs: Resume box, Fork buttons, graph drawing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.server]

IMPORT = "from lg_widgets import StreamView"
FINISHED = ("done", "error", "cancelled", "interrupted")


def finished_view(lab, code: str, status: str):
    """Run ``view = <code>.start(); view`` in a fresh notebook; wait until the run ends with ``status``."""
    nb = lab([f"{IMPORT}\nview = {code}.start()\nview"])
    nb.run_cell(0)
    assert nb.wait_status(0, FINISHED) == status
    return nb, nb.view(0)


def test_resume_box_answers_an_interrupt_and_refuses_invalid_json(lab):
    nb, view = finished_view(lab, 'StreamView("human", {"draft": "hello"}, thread_id="new", '
                                  'stream_mode=["updates", "values", "debug"])', "interrupted")
    box = view.locator(".lgw-resume-control")
    expect(box).to_be_visible()
    box.locator(".lgw-resume-input").fill("Goodbye")  # not JSON: explained, nothing sent
    box.locator(".lgw-resume").click()
    expect(box.locator(".lgw-resume-message")).to_contain_text("not valid JSON")
    assert nb.kernel_json("view.status") == "interrupted"
    box.locator(".lgw-resume-input").fill('"Goodbye"')
    box.locator(".lgw-resume").click()
    assert nb.wait_status(0, ("done",)) == "done"
    assert nb.kernel_json("view.state['published']") == "Goodbye"
    expect(view.locator('.lgw-step[data-name="publish"]')).to_have_count(1)


def test_fork_button_runs_the_thread_again_as_a_branch(lab):
    nb, view = finished_view(lab, 'StreamView("joke", {"topic": "tea"}, thread_id="new", '
                                  'stream_mode=["updates", "values", "debug"])', "done")
    fork = view.locator('.lgw-step[data-name="generate_joke"] .lgw-fork')
    expect(fork).to_be_visible()
    fork.click()
    expect(view.locator(".lgw-branch")).to_contain_text("forked from checkpoint")
    expect(view.locator('.lgw-step[data-name="generate_joke"]')).to_have_count(2)
    expect(view.locator('.lgw-step[data-name="generate_joke"]').nth(1)).to_have_attribute("data-status", "done")
    assert nb.wait_status(0, ("done",)) == "done"
    kernel = nb.kernel_json("[s['name'] for s in view.steps]")
    assert kernel == ["refine_topic", "generate_joke", "generate_joke"]


def test_graph_drawing_lights_up_nodes_and_filters_cards(lab):
    _, view = finished_view(lab, 'StreamView("subgraph", {"topic": "x"}, stream_subgraphs=True, '
                                 'stream_mode=["debug", "values"])', "done")
    view.locator(".lgw-section-graph .lgw-section-header").click()
    node = view.locator('.lgw-node[data-node="child:write"]')
    expect(node).to_have_class("lgw-node lgw-node-done")
    view.locator('.lgw-node[data-node="prepare"]').click()
    expect(view.locator('.lgw-step[data-name="prepare"]')).to_be_visible()
    expect(view.locator('.lgw-step[data-name="finish"]')).to_be_hidden()


def test_a_kernel_restart_mid_run_says_so_and_stops_the_page(lab):
    """JupyterLab cuts the widget models from a restarted kernel: the live page says so and stops
    its clock and Cancel, keeping what arrived, instead of showing `running` forever."""
    nb = lab([f'{IMPORT}\nview = StreamView("ticker", {{"words": 400, "pause": 0.01}}).start()\nview'])
    nb.run_cell(0)
    nb.wait_status(0, ("running",), timeout=60)
    expect(nb.view(0).locator(".lgw-text")).not_to_be_empty()
    nb.js("await panel.sessionContext.session.kernel.restart(); return true;")
    view = nb.view(0)
    expect(view).to_have_attribute("data-status", "disconnected", timeout=30_000)
    expect(view.locator(".lgw-error")).to_contain_text("kernel restarted or stopped")
    expect(view.locator(".lgw-cancel")).to_be_hidden()
    expect(view.locator(".lgw-text")).not_to_be_empty()
