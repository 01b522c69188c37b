"""StreamView in a real JupyterLab 4, in Chromium: streaming, cards, cancel, errors, save/reload, themes.

Cells run through JupyterLab's ``notebook:run-cell`` command (see jupyter_harness.py);
values come back from the kernel by running one more cell that prints them as JSON.
"""

from __future__ import annotations

import os
import re
import shutil

import httpx
import nbformat
import pytest
from playwright.sync_api import expect

from jupyter_harness import REPO
from slow_run import SLOW_GRAPH, SLOW_INPUT
from views import record_view_samples, step_cards, view_samples
from waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.server]

IMPORT = "from lg_widgets import StreamView"
FINISHED = ("done", "error", "cancelled", "interrupted")
COLLAPSED = re.compile(r"\blgw-collapsed\b")
JOKE = ('view = StreamView("joke", {"topic": "ice cream"},\n'
        '                  stream_mode=["messages-tuple", "updates", "debug", "values"]).start()\nview')


def test_tokens_stream_live_and_end_equal_to_the_kernel_text(lab):
    nb = lab([IMPORT, 'view = StreamView("long", {"tokens": 3000}, stream_mode=["messages-tuple", "debug", "values"]).start()\nview'])
    nb.run_cell(0)
    record_view_samples(nb.page)
    nb.run_cell(1)
    assert nb.wait_status(1, FINISHED, timeout=120) == "done"

    samples = view_samples(nb.page)
    assert samples[0]["status"] in ("idle", "connecting", "running")
    running_lengths = [s["length"] for s in samples if s["status"] == "running" and s["length"] > 0]
    # The text grew while the run was still running (at least two different non-empty lengths)...
    assert len(set(running_lengths)) >= 2, samples
    assert running_lengths == sorted(running_lengths)
    # ...and the page's final text is the kernel's.
    view = nb.view(1)
    shown = view.locator(".lgw-text").text_content()
    kernel_text = nb.kernel_json("view.text")
    assert len(kernel_text) > 10_000
    assert shown == kernel_text
    assert running_lengths[-1] <= len(kernel_text)
    expect(view.locator(".lgw-status-value")).to_have_text("done")
    expect(view.locator(".lgw-cancel")).to_be_hidden()
    expect(view.locator(".lgw-status-tokens")).to_have_text(f"{len(kernel_text):,} chars")
    assert nb.kernel_json("view.status") == "done"

    # The text is laid out in pieces (a line without newlines: text nodes of one block); copying
    # it gives the text itself.
    copied = view.locator(".lgw-text").evaluate("""(el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      const clipboard = new DataTransfer();
      el.querySelector(".lgw-text-chunk").dispatchEvent(
        new ClipboardEvent("copy", {clipboardData: clipboard, bubbles: true, cancelable: true}));
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      let pieces = 0;
      while (walker.nextNode()) pieces += 1;
      return {text: clipboard.getData("text/plain"), pieces};
    }""")
    assert copied["pieces"] >= 2, copied["pieces"]
    assert copied["text"] == kernel_text


def test_joke_has_one_card_per_step_diffs_and_raw_events(lab):
    nb = lab([IMPORT + "\n" + JOKE])
    nb.run_cell(0)
    assert nb.wait_status(0, FINISHED) == "done"
    view = nb.view(0)
    root = nb.view_handle(0)

    # One card per step, in order, with the kernel's keys.
    cards = step_cards(nb.page, root)
    assert [c["name"] for c in cards] == ["refine_topic", "generate_joke"]
    kernel_steps = nb.kernel_json("[[s['key'], s['name'], s['status']] for s in view.steps]")
    assert [[c["key"], c["name"], c["status"]] for c in cards] == kernel_steps
    assert all(c["collapsed"] and c["parent"] is None for c in cards)

    # A header click opens the card (details: input and result), a second one closes it.
    card = view.locator('.lgw-step[data-name="generate_joke"]')
    header = card.locator(":scope > .lgw-step-header")
    expect(card).to_have_class(COLLAPSED)
    expect(header).to_have_attribute("aria-expanded", "false")
    header.click()
    expect(card).not_to_have_class(COLLAPSED)
    expect(header).to_have_attribute("aria-expanded", "true")
    body = card.locator(":scope > .lgw-step-body")
    expect(body).to_be_visible()
    expect(body.locator('.lgw-step-field[data-field="input"]')).to_contain_text("ice cream and cats")
    expect(body.locator('.lgw-step-field[data-field="result"]')).to_contain_text("keep an eye on the mouse")
    header.click()
    expect(card).to_have_class(COLLAPSED)
    expect(body).to_be_hidden()
    # Keyboard too (Enter on the focused header).
    header.focus()
    nb.page.keyboard.press("Enter")
    expect(card).not_to_have_class(COLLAPSED)

    # Diffs: one per state change, the first adds /topic, one adds /joke.
    kernel_diffs = nb.kernel_json("view.diffs")
    expect(view.locator(".lgw-diff")).to_have_count(len(kernel_diffs))
    added = view.locator(".lgw-diff .lgw-op-add .lgw-op-path")
    expect(added.first).to_be_visible()
    added_paths = added.all_text_contents()
    assert any("topic" in p for p in added_paths) and any("joke" in p for p in added_paths), added_paths
    expect(view.locator(".lgw-diff").first.locator(".lgw-op-symbol").first).to_have_text("+")
    expect(view.locator(".lgw-state")).to_contain_text("ice cream and cats")

    # Raw events: closed by default, paged from the kernel when opened.
    raw = view.locator(".lgw-raw")
    expect(raw).to_have_class(COLLAPSED)
    expect(raw.locator(".lgw-raw-event")).to_have_count(0)
    raw.locator(":scope > .lgw-section-header").click()
    total = nb.kernel_json("len(view.events)")
    events = raw.locator(".lgw-raw-body > .lgw-raw-pager .lgw-raw-event")
    expect(events).to_have_count(min(total, 50))
    expect(events.first.locator(".lgw-raw-event-name")).to_have_text("event: metadata")
    names = raw.locator(".lgw-raw-body > .lgw-raw-pager .lgw-raw-event-name").all_text_contents()
    assert any(n.startswith("event: messages") for n in names) and any(n == "event: debug" for n in names), names
    expect(raw.locator(".lgw-raw-body > .lgw-raw-pager .lgw-raw-range")).to_have_text(
        f"1–{min(total, 50)} of {total}")
    counts = nb.kernel_json("view.counts")
    for mode, n in counts.items():
        expect(raw.locator(f'.lgw-raw-kind[data-kind="{mode}"] .lgw-raw-kind-count')).to_have_text(str(n))


def test_subgraph_cards_nest_inside_their_parent(lab):
    nb = lab([IMPORT + '\nview = StreamView("subgraph", {"topic": "parsers"}, '
                       'stream_mode=["messages-tuple", "debug"], stream_subgraphs=True).start()\nview'])
    nb.run_cell(0)
    assert nb.wait_status(0, FINISHED) == "done"
    cards = {c["key"]: c for c in step_cards(nb.page, nb.view_handle(0))}
    kernel = nb.kernel_json(
        "[[s['key'], s['name'], next((p['key'] for p in view.steps if s['parent'] and p['id'] == s['parent']), None)]"
        " for s in view.steps]")
    assert {key: (name, parent) for key, name, parent in kernel} == {
        key: (c["name"], c["parent"]) for key, c in cards.items()}
    by_name = {c["name"]: c for c in cards.values()}
    assert {"prepare", "child", "finish", "research", "write"} <= set(by_name)
    assert by_name["research"]["parent"] == by_name["child"]["key"]
    assert by_name["write"]["parent"] == by_name["child"]["key"]
    assert by_name["prepare"]["parent"] is None and by_name["child"]["parent"] is None

    view = nb.view(0)
    child = view.locator('.lgw-step[data-name="child"]')
    nested = child.locator(":scope > .lgw-step-children > .lgw-step")
    expect(nested).to_have_count(2)
    expect(child.locator(":scope > .lgw-step-header .lgw-step-childcount")).to_have_text("2 substeps")
    # Opening the parent card, then a nested card, toggles only that card.
    child.locator(":scope > .lgw-step-header").click()
    expect(child).not_to_have_class(COLLAPSED)
    write_card = child.locator(':scope > .lgw-step-children > .lgw-step[data-name="write"]')
    write_card.locator(":scope > .lgw-step-header").click()
    expect(write_card).not_to_have_class(COLLAPSED)
    expect(write_card.locator('.lgw-step-field[data-field="result"]')).to_contain_text("In short")
    # Collapsing the parent hides its own details only: nested cards stay visible.
    child.locator(":scope > .lgw-step-header").click()
    expect(child).to_have_class(COLLAPSED)
    expect(write_card).to_be_visible()


@pytest.fixture
def own_server():
    """A ``langgraph dev`` for one test, stopped after it.

    A cancelled run's sync node keeps its worker thread busy on the server until its
    fake model has produced every token; stopping the server ends that work, so it
    cannot slow down the tests that follow.
    """
    from lg_widgets.server import DEMO_CONFIG, LocalServer, free_port

    server = LocalServer(DEMO_CONFIG, free_port()).start()
    yield server
    server.stop()


def test_cancel_button_stops_a_long_threaded_run(lab, own_server):
    nb = lab([IMPORT, f'view = StreamView({SLOW_GRAPH!r}, {SLOW_INPUT!r}, thread_id="new", url={own_server.url!r}).start()\nview'])
    nb.run_cell(0)
    nb.run_cell(1)
    view = nb.view(1)
    # Streaming: the button shows; click it once some text arrived.
    nb.page.wait_for_function(
        "(root) => root.getAttribute('data-status') === 'running' && root.querySelector('.lgw-text').textContent.length > 0",
        arg=nb.view_handle(1), polling=50)
    cancel = view.locator(".lgw-cancel")
    expect(cancel).to_be_visible()
    cancel.click()
    assert nb.wait_status(1, FINISHED, timeout=60) == "cancelled"
    expect(cancel).to_be_hidden()
    expect(view.locator(".lgw-status-value")).to_have_text("cancelled")
    expect(view.locator(".lgw-error")).to_be_visible()
    expect(view.locator(".lgw-error-type")).to_have_text("RunCancelled")

    # The next cell sees the cancelled run; the partial text stays, in the page too.
    assert nb.exec_cell("print(view.status)") == "cancelled\n"
    info = nb.kernel_json("{'text': view.text, 'thread_id': view.thread_id, 'run_id': view.run_id}")
    assert 0 < len(info["text"]) < SLOW_INPUT["words"] * len("tick ")
    assert view.locator(".lgw-text").text_content() == info["text"]
    # The server stopped the run too.
    run_url = f"{own_server.url}/threads/{info['thread_id']}/runs/{info['run_id']}"
    wait_until(lambda: httpx.get(run_url).json()["status"] not in ("pending", "running"), timeout=30,
               what="the server to stop the run")
    assert httpx.get(run_url).json()["status"] != "success"


def test_failing_run_shows_its_error_and_keeps_the_partial_text(lab):
    nb = lab([IMPORT + '\nview = StreamView("failing", {"topic": "x"}).start()\nview'])
    nb.run_cell(0)
    assert nb.wait_status(0, FINISHED) == "error"
    view = nb.view(0)
    error = view.locator(".lgw-error")
    expect(error).to_be_visible()
    expect(error.locator(".lgw-error-type")).to_have_text("ValueError")
    expect(error.locator(".lgw-error-message")).to_have_text("boom: the failing demo node always raises")
    kernel = nb.kernel_json("{'text': view.text, 'error': view.error}")
    assert kernel["error"]["type"] == "ValueError"
    assert kernel["text"] == "Starting to answer, but"
    assert view.locator(".lgw-text").text_content() == kernel["text"]
    expect(view.locator('.lgw-step[data-name="prepare"]')).to_have_attribute("data-status", "done")
    expect(view.locator('.lgw-step[data-name="explode"]')).to_have_attribute("data-status", "error")
    expect(view.locator(".lgw-status-value")).to_have_text("error")


def _view_content(nb, index: int) -> dict:
    view = nb.view(index)
    return {
        "status": view.get_attribute("data-status"),
        "text": view.locator(".lgw-text").text_content(),
        "cards": [(c["key"], c["name"], c["parent"]) for c in step_cards(nb.page, nb.view_handle(index))],
        "diffs": view.locator(".lgw-diff").count(),
    }


def test_saved_notebook_shows_finished_views_after_reload_without_a_kernel_run(lab, lab_server):
    nb = lab([
        IMPORT,
        'joke = StreamView("joke", {"topic": "ice cream"}, stream_mode=["messages-tuple", "updates", "debug", "values"]).run()\njoke',
        'sub = StreamView("subgraph", {"topic": "parsers"}, stream_subgraphs=True).run()\nsub',
    ])
    nb.run_all()
    before = {i: _view_content(nb, i) for i in (1, 2)}
    assert before[1]["status"] == before[2]["status"] == "done"
    assert before[1]["text"] and before[2]["text"] and before[1]["cards"] and before[2]["cards"]
    assert any(parent for _, _, parent in before[2]["cards"])

    # Save as a user does (Ctrl+S, widget state included: saveState is on).
    nb.cell(0).locator(".jp-InputPrompt").click()
    assert nb.is_dirty()
    nb.page.keyboard.press("Control+s")
    nb.wait_js("!panel.context.model.dirty")
    saved = nbformat.read(lab_server.root / nb.name, as_version=4)
    state = saved.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    texts = [m["state"].get("text") for m in state.values() if m.get("model_name") == "AnyModel"]
    assert before[1]["text"] in texts and before[2]["text"] in texts

    # A new page on a new kernel: the views come back from the notebook alone.
    nb.page.goto("about:blank")
    lab_server.shutdown_kernels()
    nb.open()
    for i in (1, 2):
        assert nb.wait_status(i, FINISHED) == "done"
        expect(nb.view(i).locator(".lgw-text")).to_have_text(before[i]["text"])
        assert _view_content(nb, i) == before[i]
    assert nb.exec_cell("print('joke' in globals(), 'sub' in globals())") == "False False\n"


def _luminance(css_color: str) -> float:
    r, g, b = (int(x) for x in re.findall(r"\d+", css_color)[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _set_theme(nb, theme: str, light: bool) -> None:
    nb.command("apputils:change-theme", {"theme": theme})
    nb.page.wait_for_function(
        "([name, light]) => document.body.dataset.jpThemeName === name"
        " && document.body.dataset.jpThemeLight === String(light)",
        arg=[theme, light], polling=50)
    # The theme's CSS is applied once the variables the widget uses have the theme's values.
    nb.page.wait_for_function(
        "(light) => { const c = getComputedStyle(document.body).getPropertyValue('--jp-layout-color0').trim();"
        " const el = document.createElement('div'); el.style.color = c; document.body.appendChild(el);"
        " const rgb = getComputedStyle(el).color.match(/\\d+/g).map(Number); el.remove();"
        " const y = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]; return light ? y > 128 : y < 128; }",
        arg=light, polling=50)
    # JupyterLab shows its splash screen while it switches themes.
    nb.page.wait_for_function("() => !document.getElementById('jupyterlab-splash')", polling=50)
    nb.page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")


def test_light_and_dark_theme_screenshots(lab, artifacts):
    nb = lab([IMPORT + "\n" + JOKE])
    nb.run_cell(0)
    assert nb.wait_status(0, FINISHED) == "done"
    view = nb.view(0)
    view.locator('.lgw-step[data-name="generate_joke"] > .lgw-step-header').click()
    expect(view.locator('.lgw-step[data-name="generate_joke"] .lgw-step-body')).to_be_visible()
    cell = nb.cell(0)
    shots = {}
    try:
        for theme, light in (("JupyterLab Light", True), ("JupyterLab Dark", False)):
            _set_theme(nb, theme, light)
            colors = nb.page.evaluate(
                "(root) => { const s = getComputedStyle(root); return {bg: s.backgroundColor, fg: s.color}; }",
                nb.view_handle(0))
            # The widget follows the theme: dark text on light, light text on dark.
            assert (_luminance(colors["fg"]) < _luminance(colors["bg"])) == light, (theme, colors)
            path = artifacts / f"streamview-{'light' if light else 'dark'}.png"
            cell.screenshot(path=str(path))
            assert path.stat().st_size > 10_000
            shots[light] = path
    finally:
        _set_theme(nb, "JupyterLab Light", True)
    if os.environ.get("LGW_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(shots[True], REPO / "docs" / "screenshot.png")


def test_big_final_traits_reach_the_page_in_parts_and_are_saved_with_the_notebook(lab, lab_server):
    """A page that said hello gets the final traits bigger than a part (here 200 bytes: all of them)
    as parts; its model builds them, so the widget state JupyterLab saves is the run's final one."""
    nb = lab([
        IMPORT,
        'view = StreamView("long", {"tokens": 2000}, stream_mode=["messages-tuple", "debug", "values"])\n'
        'view._publisher.part_bytes = 200\nview',
        "_ = view.start()",
    ])
    nb.run_cell(0)
    nb.run_cell(1)
    nb.view_handle(1)
    wait_until(lambda: nb.kernel_json("view._page_follows"), timeout=30, what="the page's hello")
    nb.run_cell(2)
    assert nb.wait_status(1, FINISHED, timeout=120) == "done"
    kernel = nb.kernel_json("{k: v for k, v in view.get_state().items() if k in ('text', 'state', 'steps')}")
    assert len(kernel["text"]) > 200 and kernel["state"] and kernel["steps"]
    expect(nb.view(1).locator(".lgw-text")).to_have_text(kernel["text"])

    nb.cell(0).locator(".jp-InputPrompt").click()
    nb.page.keyboard.press("Control+s")
    nb.wait_js("!panel.context.model.dirty")
    saved = nbformat.read(lab_server.root / nb.name, as_version=4)
    state = saved.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    [model] = [m["state"] for m in state.values() if m.get("model_name") == "AnyModel"]
    assert model["status"] == "done"
    assert model["text"] == kernel["text"], "the text went as parts and the page's model took it"
    assert model["state"] == kernel["state"] and model["steps"] == kernel["steps"]
