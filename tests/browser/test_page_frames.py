"""Issue #30, items 1 and 2, in JupyterLab: what the page paints, sampled at every animation frame.

A sample taken in a `requestAnimationFrame` callback is what the browser paints in that frame
(the view changes only in tasks of its own, never between those callbacks and the paint), so
these samplers see every frame the page shows, not one in three as a 50 ms timer would.

1. A run's end is painted before the next run of the view replaces it: two runs back to back in
   one cell (a reset between them), a stop on an interrupt resumed in the same cell (a delta).
2. The status line's counters never say more than the panes show, also while a view that opens
   mid-run catches up with a long text.
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.server]

IMPORT = "from lg_widgets import StreamView"
LIVE = ("connecting", "running")

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

SHOWN = ("line", "tokens", "text", "steps", "cards", "events")


def _start_sampling(page, index: int) -> None:
    page.evaluate(_SAMPLE_FRAMES_JS, index)


def _frames(page) -> list[dict]:
    return page.evaluate("() => { window.__lgwSampling = false; return window.__lgwFrames; }")


def _changes(frames: list[dict]) -> list[tuple]:
    """What the frames showed, each state once in a row: (status line, tokens, text, steps, cards, events)."""
    shown = [tuple(f[k] for k in SHOWN) for f in frames]
    return [s for i, s in enumerate(shown) if i == 0 or s != shown[i - 1]]


def _first_end(frames: list[dict]) -> tuple[list[dict], bool]:
    """The frames of the first run's end (the status line says it ended, after it said live), and
    whether the line went live again after them (the next run)."""
    seen_live = False
    end: list[dict] = []
    for f in frames:
        if f["line"] in LIVE:
            if end:
                return end, True
            seen_live = True
        elif seen_live and f["line"] != "idle":
            end.append(f)
    return end, False


# The frames show both runs' starts (each says "connecting" for the half second the server's queue
# takes), and the last one the second run's end with its whole text.
_SECOND_RUN_PAINTED_JS = """
(length) => {
  const frames = window.__lgwFrames;
  const starts = frames.filter((f, i) => f.line === "connecting" && (i === 0 || frames[i - 1].line !== "connecting"));
  const last = frames[frames.length - 1];
  return starts.length >= 2 && last.line === "done" && last.text === length && last.tokens === length;
}
"""


def _run_twice(lab, view_cell: str, twice: str):
    """A notebook whose cell 2 runs the view of cell 1 twice; frames sampled from before cell 2.
    The kernel keeps the first run's [status, len(text), len(steps), event_count] as `first`."""
    nb = lab([IMPORT, view_cell, twice])
    nb.run_cell(0)
    nb.run_cell(1)
    nb.view_handle(1)
    _start_sampling(nb.page, 0)
    nb.run_cell(2)
    assert nb.wait_status(1, ("done", "error"), timeout=120) == "done"
    final = nb.kernel_json("[view.status, len(view.text), len(view.steps), view.event_count]")
    nb.page.wait_for_function(_SECOND_RUN_PAINTED_JS, arg=final[1], polling=50, timeout=30_000)
    return nb.kernel_json("first"), final, _frames(nb.page)


def _assert_first_end_painted(first, frames):
    changes = _changes(frames)
    print(f"\n{len(frames)} frames; the first run ended {first}; what they showed {SHOWN}:")
    for change in changes:
        print("  ", change)
    status, text, steps, events = first
    end, next_run = _first_end(frames)
    assert end, f"the first run's end ({status}) was never painted: {changes}"
    assert next_run, "the second run was sampled too"
    last = end[-1]
    assert (last["line"], last["tokens"], last["text"], last["steps"], last["cards"], last["events"]) == \
        (status, text, text, steps, steps, events), f"the first run's end as painted: {last}"


def test_two_runs_back_to_back_in_one_cell_paint_the_first_runs_end(lab):
    first, final, frames = _run_twice(
        lab, 'view = StreamView("joke", {"topic": "owls"})\nview',
        "view.run()\nfirst = [view.status, len(view.text), len(view.steps), view.event_count]\n_ = view.run()")
    assert first[0] == "done" and first[1] > 0
    _assert_first_end_painted(first, frames)
    assert frames[-1]["text"] == final[1]


def test_a_stop_resumed_in_the_same_cell_is_painted_before_the_resumed_run(lab):
    first, final, frames = _run_twice(
        lab, 'view = StreamView("human", {"draft": "hello"}, thread_id="new")\nview',
        "view.run()\nfirst = [view.status, len(view.text), len(view.steps), view.event_count]\n"
        '_ = view.resume("yes", wait=True)')
    assert first[0] == "interrupted"
    _assert_first_end_painted(first, frames)


@pytest.mark.long
def test_a_view_opened_mid_run_never_shows_counters_ahead_of_its_panes(lab):
    """A second display of a view while its run streams takes the run so far in one snapshot
    (20,000 characters and more) and catches up from there: its status line must follow what its
    panes drew, never run ahead. (When the line drew at once, it was ahead in 254 of 1,051 frames
    of a 40,000-token run: the snapshot's, and then each delta's first frame. 16,000 tokens, some
    80,000 characters, leave three quarters of the run to sample after the snapshot.)"""
    nb = lab([
        IMPORT,
        'view = StreamView("long", {"tokens": 16000}, stream_mode=["messages-tuple", "debug"])\nview',
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
