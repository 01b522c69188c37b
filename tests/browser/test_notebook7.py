"""StreamView in Jupyter Notebook 7 (its own server), cells run from the keyboard (Shift+Enter)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from views import step_cards

pytestmark = [pytest.mark.browser, pytest.mark.server]


def test_notebook7_streams_tokens_and_renders_cards(notebook7):
    nb = notebook7([
        "from lg_widgets import StreamView",
        'view = StreamView("joke", {"topic": "ice cream"}, stream_mode=["messages-tuple", "updates", "debug"]).start()\nview',
    ])
    nb.run_cell_with_keyboard(0)
    nb.run_cell_with_keyboard(1)
    assert nb.wait_status(1, ("done", "error", "cancelled")) == "done"
    view = nb.view(1)
    text = view.locator(".lgw-text").text_content()
    assert "keep an eye on the mouse" in text
    assert text == nb.kernel_json("view.text")
    assert [c["name"] for c in step_cards(nb.page, nb.view_handle(1))] == ["refine_topic", "generate_joke"]
    card = view.locator('.lgw-step[data-name="refine_topic"]')
    card.locator(":scope > .lgw-step-header").click()
    expect(card.locator('.lgw-step-field[data-field="result"]')).to_contain_text("ice cream and cats")
