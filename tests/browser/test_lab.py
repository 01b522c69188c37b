"""StreamView in a real JupyterLab 4, in Chromium: streaming, cards, cancel, errors, save/reload, themes."""

from __future__ import annotations

import pytest

from views import record_view_samples, view_samples

pytestmark = pytest.mark.browser

IMPORT = "from lg_widgets import StreamView"


def test_tokens_stream_live_and_end_equal_to_the_kernel_text(lab):
    nb = lab([IMPORT, 'view = StreamView("long", {"tokens": 3000}, stream_mode=["messages-tuple", "debug", "values"]).start()\nview'])
    nb.run_cell(0)
    record_view_samples(nb.page)
    nb.run_cell(1)
    assert nb.wait_status(1, ("done", "error", "cancelled"), timeout=120) == "done"

    samples = view_samples(nb.page)
    running_lengths = [s["length"] for s in samples if s["status"] == "running" and s["length"] > 0]
    # Text grew while the run was still running: at least two different non-empty lengths.
    assert len(set(running_lengths)) >= 2, samples[:20]
    assert running_lengths == sorted(running_lengths)

    shown = nb.view(1).locator(".lgw-text").text_content()
    kernel_text = nb.kernel_json("view.text")
    assert len(kernel_text) > 10_000
    assert shown == kernel_text
    assert nb.view(1).locator(".lgw-status-value").text_content() == "done"
    assert nb.kernel_json("view.status") == "done"
