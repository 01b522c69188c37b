"""The hostile test graphs (tests/graphs/hostile.py) and what a view showing them may contain."""

from __future__ import annotations

import importlib.util
import pathlib

_spec = importlib.util.spec_from_file_location(
    "lgw_hostile_graphs", pathlib.Path(__file__).resolve().parents[1] / "graphs" / "hostile.py")
hostile = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hostile)

MODES = ["messages-tuple", "updates", "debug", "values", "custom", "events"]
#: Every tag and attribute the front end creates (dom.js allow-lists the attributes): no URL-bearing
#: attribute (href, src, action...) and no event handler can exist, whatever the data.
ALLOWED_TAGS = {"DIV", "SPAN", "SECTION", "BUTTON", "SELECT", "OPTION", "LABEL", "INPUT",
                "TEXTAREA",  # the state editor at a breakpoint stop (its value is set as a property)
                "TABLE", "THEAD", "TBODY", "TFOOT", "TR", "TH", "TD",  # the usage table
                # the graph drawing: SVG shapes whose geometry comes from the layout, labels as text
                "svg", "g", "rect", "path", "text",
                # the timeline's bars: a hover text is an SVG <title> (text only)
                "title"}
ALLOWED_ATTRIBUTES = {"class", "title", "role", "tabindex", "type", "value", "hidden", "disabled",
                      "aria-expanded", "aria-label", "aria-live", "aria-hidden", "selected",
                      "aria-level", "aria-pressed", "aria-disabled", "min",
                      "x", "y", "width", "height", "rx", "d", "viewBox", "text-anchor"}

_DOM_FACTS_JS = """
(root) => {
  const tags = new Set(), attributes = new Set();
  for (const el of root.querySelectorAll("*")) {
    tags.add(el.tagName);
    for (const a of el.attributes) attributes.add(a.name.startsWith("data-") ? "data-*" : a.name);
  }
  return {tags: [...tags], attributes: [...attributes],
          keys: [...root.querySelectorAll(".lgw-json-key")].map((k) => k.textContent),
          values: [...root.querySelectorAll(".lgw-json-value")].map(
            (v) => [...v.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.data).join("")),
          options: [...root.querySelectorAll("option")].map((o) => o.textContent)};
}
"""


def dom_facts(page, root) -> dict:
    """Tags, attributes, JSON keys and values, select options under ``root``; fails on any tag or
    attribute the front end never makes."""
    facts = page.evaluate(_DOM_FACTS_JS, root)
    assert set(facts["tags"]) <= ALLOWED_TAGS, facts["tags"]
    assert set(facts["attributes"]) <= ALLOWED_ATTRIBUTES | {"data-*"}, facts["attributes"]
    return facts
