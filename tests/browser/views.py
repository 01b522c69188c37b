"""Page-side helpers that observe and poke StreamViews (``.lgw-root``) in the DOM."""

from __future__ import annotations

from typing import Any

# Records (status, text length) of every view each time the DOM changes: proof that the
# text grew while the status was still "running", whatever the timing of the run.
_RECORD_JS = """
() => {
  if (window.__lgwSamples) return;
  window.__lgwSamples = [];
  const sample = () => {
    document.querySelectorAll(".lgw-root").forEach((root, index) => {
      const text = root.querySelector(".lgw-text");
      const s = {index, status: root.getAttribute("data-status"), length: text ? text.textContent.length : -1};
      const last = window.__lgwSamples.filter((x) => x.index === index).pop();
      if (!last || last.status !== s.status || last.length !== s.length) window.__lgwSamples.push(s);
    });
  };
  window.__lgwSampleObserver = new MutationObserver(sample);
  window.__lgwSampleObserver.observe(document.body, {
    subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ["data-status"],
  });
}
"""


def record_view_samples(page) -> None:
    page.evaluate(_RECORD_JS)


def view_samples(page, index: int = 0) -> list[dict[str, Any]]:
    return page.evaluate("(i) => (window.__lgwSamples || []).filter((s) => s.index === i)", index)


# Clicks every collapsed JSON node (and "show more" buttons) under `root` until none is left.
_EXPAND_JSON_JS = """
(root) => {
  let clicks = 0;
  for (let round = 0; round < 50; round++) {
    const rows = [...root.querySelectorAll(".lgw-json-row[aria-expanded='false']")]
      .filter((row) => !row.closest("[hidden]"));
    const more = [...root.querySelectorAll("button.lgw-json-more")].filter((b) => !b.closest("[hidden]") && !b.hidden);
    if (!rows.length && !more.length) return clicks;
    for (const el of [...rows, ...more]) { el.click(); clicks++; }
  }
  return clicks;
}
"""


def expand_all_json(page, root_handle) -> int:
    """Expand every JSON tree node that is shown under ``root_handle``; returns the number of clicks."""
    return page.evaluate(_EXPAND_JSON_JS, root_handle)


def step_cards(page, root_handle) -> list[dict[str, Any]]:
    """Every ``.lgw-step`` card: key, name, and the key of the card it is nested in (or None)."""
    return page.evaluate("""(root) => [...root.querySelectorAll(".lgw-step")].map((el) => {
        const parentCard = el.parentElement && el.parentElement.classList.contains("lgw-step-children")
          ? el.parentElement.closest(".lgw-step") : null;
        return {
          key: el.getAttribute("data-key"), name: el.getAttribute("data-name"),
          status: el.getAttribute("data-status"), collapsed: el.classList.contains("lgw-collapsed"),
          parent: parentCard ? parentCard.getAttribute("data-key") : null,
        };
    })""", root_handle)


# Samples the first view every ~40 ms: status, text, card keys, interrupt ids, message rows and
# lit graph nodes (the Graph section is opened as soon as the view appears, when asked).
_SAMPLE_LIVE_JS = """
(openGraph) => {
  if (window.__lgwLive) return;
  window.__lgwLive = [];
  const start = performance.now();
  let opened = false;
  window.__lgwLiveTimer = setInterval(() => {
    const root = document.querySelector(".lgw-root");
    if (!root) return;
    if (openGraph && !opened) {
      root.querySelector(".lgw-section-graph .lgw-section-header").click();
      opened = true;
    }
    const all = (s) => [...root.querySelectorAll(s)];
    window.__lgwLive.push({
      t: performance.now() - start,
      status: root.getAttribute("data-status"),
      text: root.querySelector(".lgw-text").textContent,
      steps: all(".lgw-step").map((el) => el.getAttribute("data-key")),
      interrupts: all(".lgw-interrupt").map((el) => el.getAttribute("data-id")),
      messages: all(".lgw-message").length,
      running_nodes: all(".lgw-node.lgw-node-running").map((el) => el.getAttribute("data-node")),
    });
  }, 40);
}
"""


def sample_live_page(page, open_graph: bool = False) -> None:
    page.evaluate(_SAMPLE_LIVE_JS, open_graph)


def live_samples(page) -> list[dict[str, Any]]:
    return page.evaluate("() => { clearInterval(window.__lgwLiveTimer); return window.__lgwLive || []; }")
