"""The page *while* a run streams, across a resume from the kernel, sampled every ~40 ms in JupyterLab.

A slow graph (tests/graphs/slow_review.py) streams a draft, stops on an interrupt, and after
``view.resume("yes")`` streams the published text into the same view. Whatever the timing of
frames and samples, the page must never contradict the run.
"""

from __future__ import annotations

import pytest

from views import live_samples, sample_live_page

pytestmark = [pytest.mark.browser, pytest.mark.server]

MODES = ["messages-tuple", "updates", "debug", "values"]


@pytest.mark.long
def test_the_page_only_grows_across_a_resume(lab, test_graphs_server):
    nb = lab([
        f"from lg_widgets import StreamView\nURL = {test_graphs_server.url!r}",
        f'view = StreamView("slow_review", {{"words": 60, "pause": 0.008}}, url=URL, thread_id="new",\n'
        f'                  stream_mode={MODES!r}).start()\nview',
        '_ = view.resume("yes")',
    ])
    nb.run_cell(0)
    sample_live_page(nb.page, open_graph=True)
    nb.run_cell(1)
    assert nb.wait_status(1, ("interrupted", "error", "done"), timeout=120) == "interrupted"
    first_text = nb.kernel_json("view.text")
    nb.run_cell(2)
    assert nb.wait_status(1, ("done", "error"), timeout=120) == "done"
    final_text = nb.kernel_json("view.text")
    samples = live_samples(nb.page)

    running = [s for s in samples if s["status"] in ("connecting", "running")]
    resumed = [s for s in running if len(s["text"]) > len(first_text)]
    assert len(running) - len(resumed) >= 5 and len(resumed) >= 5, "sampled while both runs streamed"
    for before, after in zip(samples, samples[1:]):
        assert after["text"].startswith(before["text"]), f"the text shrank at {after['t']:.0f} ms"
        assert set(before["steps"]) <= set(after["steps"]), f"a step card was dropped at {after['t']:.0f} ms"
        assert len(after["interrupts"]) == len(set(after["interrupts"])) <= 1, "one interrupt is one row"
    assert all(s["text"].startswith(first_text) for s in samples if len(s["text"]) >= len(first_text)), \
        "the first run's text stays while the resumed run streams"
    assert any(s["running_nodes"] for s in running), "a graph node lights up while the run streams"
    assert any(s["messages"] for s in running if len(s["text"]) < len(first_text)), \
        "the Messages pane fills during the run"
    last = samples[-1]
    assert last["status"] == "done" and last["text"] == final_text
    assert len(last["text"]) == nb.kernel_json("len(view.text)") and "Published (yes): " in last["text"]
    assert last["interrupts"] == nb.kernel_json("[i['id'] for i in view.interrupts]")
    assert last["steps"] == nb.kernel_json("[s['key'] for s in view.steps]")


def test_the_thread_protocol_streams_live_and_its_interrupt_is_answered_from_the_page(lab, test_graphs_server):
    """Over a WebSocket: tokens grow while the run streams, the interrupt is one row, the Resume box
    answers it with input.respond, and the resumed run goes on in the same view."""
    from playwright.sync_api import expect

    nb = lab([
        f"from lg_widgets import StreamView\nURL = {test_graphs_server.url!r}",
        'view = StreamView("slow_interrupt", {"topic": "owls"}, url=URL, protocol="threads",\n'
        '                  transport="websocket").start()\nview',
    ])
    nb.run_cell(0)
    sample_live_page(nb.page)
    nb.run_cell(1)
    assert nb.wait_status(1, ("interrupted", "error", "done"), timeout=120) == "interrupted"
    view = nb.view(1)
    expect(view.locator(".lgw-interrupt")).to_have_count(1)
    view.locator(".lgw-resume-input").fill('"yes"')
    view.locator(".lgw-resume").click()
    assert nb.wait_status(1, ("done", "error"), timeout=120) == "done"
    samples = live_samples(nb.page)
    running = [s for s in samples if s["status"] == "running"]
    assert len({len(s["text"]) for s in running}) >= 3, "the text grew while the run streamed"
    for before, after in zip(samples, samples[1:]):
        assert after["text"].startswith(before["text"])
        assert len(after["interrupts"]) <= 1
    final = nb.kernel_json("[view.text, view.state['published'], view.protocol, len(view.run_starts)]")
    assert final == [samples[-1]["text"], samples[-1]["text"], "threads", 2]
