"""``view.to_html(path)``: one run as one self-contained file, opened offline in Chromium.

The run is the hostile graph (markup in tokens, state keys and values, custom events, a
node name), started with an api key. The file must open with every non-file request
refused, show one view with the run's text, show every payload literally and run none,
log no error, and hold neither the server's address nor the key.
"""

from __future__ import annotations

import html.parser
import re

import pytest
from playwright.sync_api import expect

from hostile_data import MODES, dom_facts, hostile
from offline import refuse_network, wait_views_mounted
from views import expand_all_json, step_cards

pytestmark = [pytest.mark.browser, pytest.mark.server]

SECRET = "sk-lgw-to-html-secret-9c1f"

_OPEN_EVERYTHING_JS = """
(root) => {
  const click = (selector) => root.querySelectorAll(selector).forEach((el) => el.click());
  click(".lgw-section.lgw-collapsed > .lgw-section-header");
  click(".lgw-step.lgw-collapsed > .lgw-step-header");
}
"""


def _elements(text: str) -> list[tuple[str, list[str]]]:
    """(tag, attribute names) of every element the HTML parser sees in ``text``."""
    found = []

    class Collect(html.parser.HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, [name for name, _ in attrs]))

    Collect().feed(text)
    return found


@pytest.fixture(scope="module")
def hostile_file(test_graphs_server_process, tmp_path_factory):
    from lg_widgets import StreamView

    view = StreamView("hostile", {"topic": "<b>topic</b>"}, url=test_graphs_server_process.url, api_key=SECRET,
                      stream_mode=MODES, thread_id="new").run()
    assert view.status == "done" and view.text == hostile.TEXT
    path = view.to_html(tmp_path_factory.mktemp("to_html") / "hostile run.html")
    return path, test_graphs_server_process.url


def test_the_file_holds_no_server_address_no_secret_and_loads_nothing(hostile_file):
    path, url = hostile_file
    text = path.read_text(encoding="utf-8")
    port = url.rsplit(":", 1)[1]
    assert url not in text and f"127.0.0.1:{port}" not in text and f"localhost:{port}" not in text
    assert SECRET not in text
    # Nothing that fetches: elements of the page's own skeleton only, none with src/href;
    # no import of a URL, no @import in the CSS.
    elements = _elements(text)
    assert {tag for tag, _ in elements} == {"html", "head", "meta", "title", "style", "script", "body", "div"}
    assert not any(name in ("src", "href") for _, attrs in elements for name in attrs)
    assert not re.search(r"""import\s*\(\s*["'`]https?:""", text) and "@import" not in text
    # The data sits in one inert JSON script: no raw '<' inside it.
    data = re.findall(r'<script type="application/json" id="[^"]+">(.*?)</script>', text, re.S)
    assert len(data) == 1 and "<" not in data[0] and "\\u003cscript\\u003e" in data[0]


def test_the_file_renders_the_run_offline_with_hostile_strings_as_text(hostile_file, page):
    path, _ = hostile_file
    requested = refuse_network(page)
    page.goto(path.as_uri())
    wait_views_mounted(page, 1)

    view = page.locator(".lgw-root")
    expect(view).to_have_count(1)
    expect(view).to_have_attribute("data-status", "done")
    expect(view.locator(".lgw-text")).to_have_text(hostile.TEXT)
    expect(view.locator(".lgw-text")).to_be_visible()

    root = view.element_handle()
    page.evaluate(_OPEN_EVERYTHING_JS, root)
    assert expand_all_json(page, root) > 0
    facts = dom_facts(page, root)
    assert [c["name"] for c in step_cards(page, root)] == [hostile.NODE, "nest"]
    for key in (hostile.STATE_KEY, hostile.IMG, hostile.SVG, hostile.TEXTAREA, hostile.ENTITIES):
        assert key in facts["keys"], key
    assert f'"{hostile.LINK}"' in facts["values"] and f'"{hostile.SCRIPT}"' in facts["values"]
    expect(view.locator(".lgw-custom")).to_have_count(3)
    expect(view.locator(".lgw-custom").first).to_contain_text(hostile.IMG)

    # The raw events live in the kernel, which a saved page doesn't have: it says so at once.
    expect(view.locator(".lgw-raw-msg").first).to_contain_text("No kernel")

    assert page.evaluate("() => typeof window.__xss") == "undefined"
    assert page.locator("img, iframe, object, embed, a, textarea:not(.lgw-state-editor), b").count() == 0
    assert view.locator("script, style, svg:not(.lgw-graph-svg, .lgw-timeline svg)").count() == 0
    assert requested == [path.as_uri()]
