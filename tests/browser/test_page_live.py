"""Issue #32, items 8, 11 and 12 (the clock), in JupyterLab, sampled every 50 ms while runs stream:
the Output pane follows a 40,000-token run to its last word with no input from the user, a screen
reader hears the status changes and not the clock, and the clock counts only running time (a
resume after a pause does not count the pause).
"""

from __future__ import annotations

import re

import pytest

from page_checks import announcements, watch_live_regions

pytestmark = [pytest.mark.browser, pytest.mark.server]

IMPORT = "from lg_widgets import StreamView"
FINISHED = ("done", "error", "cancelled", "interrupted")
TOKENS = 40_000
LAST_WORD = "event19999"  # lg_widgets/demo/long.py: word i is WORDS[i % 8] + str(i), 20,000 words

# Every 50 ms: status, whether the "↓ follow" button shows, how far the Output pane is from its
# bottom, and the clock.
_SAMPLE_JS = """
(root) => {
  window.__lgwSamples = [];
  const start = performance.now();
  window.__lgwSampler = setInterval(() => {
    const text = root.querySelector(".lgw-text");
    const jump = root.querySelector(".lgw-jump");
    window.__lgwSamples.push({
      t: performance.now() - start,
      status: root.getAttribute("data-status"),
      follow_button: !jump.hasAttribute("hidden"),
      from_bottom: text.scrollHeight - text.scrollTop - text.clientHeight,
      scrollable: text.scrollHeight > text.clientHeight,
      clock: root.querySelector(".lgw-status-elapsed").textContent,
    });
  }, 50);
}
"""


def _start_sampling(page, root) -> None:
    page.evaluate(_SAMPLE_JS, root)


def _samples(page) -> list[dict]:
    return page.evaluate("() => { clearInterval(window.__lgwSampler); return window.__lgwSamples; }")


def _seconds(clock: str) -> float:
    """formatDuration's text back to seconds: "850 ms", "3.25 s", "2 m 35 s", "1 h 02 m"."""
    if not clock:
        return 0.0
    if m := re.fullmatch(r"(\d+) ms", clock):
        return int(m[1]) / 1000
    if m := re.fullmatch(r"([\d.]+) s", clock):
        return float(m[1])
    if m := re.fullmatch(r"(\d+) m (\d+) s", clock):
        return int(m[1]) * 60 + int(m[2])
    if m := re.fullmatch(r"(\d+) h (\d+) m", clock):
        return int(m[1]) * 3600 + int(m[2]) * 60
    raise AssertionError(f"clock text not understood: {clock!r}")


@pytest.mark.long
def test_the_output_follows_a_40000_token_run_to_its_last_word_and_only_status_changes_are_announced(lab):
    nb = lab([
        IMPORT,
        f'view = StreamView("long", {{"tokens": {TOKENS}}}, stream_mode=["messages-tuple"])\nview',
        "_ = view.start()",
    ])
    nb.run_cell(0)
    nb.run_cell(1)
    root = nb.view_handle(1)
    watch_live_regions(nb.page, root)
    _start_sampling(nb.page, root)
    nb.run_cell(2)
    assert nb.wait_status(1, FINISHED, timeout=600) == "done"
    # The last frames of text are drawn in slices after the status: wait for the whole text.
    nb.page.wait_for_function(
        "([root, word]) => root.querySelector('.lgw-text').textContent.endsWith(word)",
        arg=[root, LAST_WORD], polling=50, timeout=60_000)
    nb.page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    samples = _samples(nb.page)
    heard = announcements(nb.page)

    running = [s for s in samples if s["status"] == "running" and s["scrollable"]]
    lost = [s for s in samples if s["follow_button"]]
    print(f"\n{len(samples)} samples, {len(running)} while running with a scrolling pane; "
          f"'↓ follow' shown in {len(lost)}"
          + (f", first at {lost[0]['t'] / 1000:.1f} s" if lost else "")
          + f"; largest distance from the bottom while running: {max((s['from_bottom'] for s in running), default=0):.0f} px")
    print(f"{len(heard)} live-region announcements:", [a["text"] for a in heard][:12])
    assert len(running) >= 20, "sampled while the run streamed"
    assert not lost, f"the pane stopped following on its own at {lost[0]['t'] / 1000:.1f} s"

    # At the end the pane shows the last word.
    end = nb.page.evaluate("""(root) => {
        const text = root.querySelector(".lgw-text");
        const box = text.getBoundingClientRect();
        const node = [...text.querySelectorAll(".lgw-text-chunk")].pop().lastChild;
        const range = document.createRange();
        range.setStart(node, Math.max(0, node.data.length - 10));
        range.setEnd(node, node.data.length);
        const word = range.getBoundingClientRect();
        return {from_bottom: text.scrollHeight - text.scrollTop - text.clientHeight, word_top: word.top,
                word_bottom: word.bottom, box_top: box.top, box_bottom: box.bottom, tail: node.data.slice(-10)};
    }""", root)
    print("at the end:", end)
    assert end["tail"].endswith(LAST_WORD)
    assert end["from_bottom"] <= 8, end
    assert end["box_top"] <= end["word_top"] and end["word_bottom"] <= end["box_bottom"] + 1, "the last word is in view"

    # A screen reader hears the status change, not the clock ticking (141 announcements in a
    # 6.9 s run when the whole status line was the live region).
    assert {a["text"].lower() for a in heard} <= {"connecting", "running", "done"}, heard
    assert len(heard) <= 4, heard


@pytest.mark.long
def test_the_clock_counts_running_time_only_across_a_resume_after_a_pause(lab, test_graphs_server):
    nb = lab([
        f"{IMPORT}\nURL = {test_graphs_server.url!r}",
        'view = StreamView("slow_review", {"words": 40, "pause": 0.01}, url=URL, thread_id="new",\n'
        '                  stream_mode=["messages-tuple", "updates", "values"])\nview',
        "_ = view.start()",
        '_ = view.resume("yes")',
    ])
    nb.run_cell(0)
    nb.run_cell(1)
    root = nb.view_handle(1)
    _start_sampling(nb.page, root)
    nb.run_cell(2)
    assert nb.wait_status(1, FINISHED, timeout=120) == "interrupted"
    # The user reads the draft for 5 s before answering.
    paused = nb.page.evaluate("() => performance.now()")
    nb.page.wait_for_function("(t) => performance.now() > t + 5000", arg=paused, polling=100, timeout=30_000)
    nb.run_cell(3)
    assert nb.wait_status(1, FINISHED, timeout=120) == "done"
    nb.page.wait_for_function("() => true")
    samples = _samples(nb.page)

    ran = 0.0  # seconds the page saw the view running, up to each sample
    worst = 0.0
    over = []
    for before, after in zip(samples, samples[1:]):
        if before["status"] == "running":
            ran += (after["t"] - before["t"]) / 1000
        shown = _seconds(after["clock"])
        worst = max(worst, shown - ran)
        if shown > ran + 1.0:
            over.append((round(after["t"] / 1000, 2), after["status"], after["clock"], round(ran, 2)))
    statuses = [s["status"] for s in samples]
    print(f"\n{len(samples)} samples; running {ran:.2f} s in all; the clock at the end "
          f"{samples[-1]['clock']!r}; most ahead of the running time: {worst:.2f} s")
    assert statuses.count("running") >= 20 and "interrupted" in statuses, "sampled both runs"
    assert not over, f"the clock counted the pause: (t, status, clock, running so far) {over[:5]}"
    assert _seconds(samples[-1]["clock"]) <= ran + 1.0
