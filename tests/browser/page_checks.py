"""What a user sees of a StreamView, measured in the real page: contrast from computed styles,
whole step names, Tab stops, live-region announcements, and samplers for a page while it runs.

Every check is JS run in the page, on the view's own elements (CSS of the real page, JupyterLab's
theme variables included); marimo's views sit in open shadow roots, which these walk into.
"""

from __future__ import annotations

from typing import Any

# Colours as Chromium computes them ("rgb(…)", "rgba(…)", "color(srgb r g b / a)" for color-mix),
# composited over the backgrounds below them; WCAG 2 relative luminance and contrast ratio.
_COLOR_JS = r"""
const lgwColor = (() => {
  const parse = (text) => {
    let m = /^rgba?\(([^)]+)\)$/.exec(text.trim());
    if (m) {
      const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
      return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    }
    m = /^color\(srgb ([^)]+)\)$/.exec(text.trim());
    if (m) {
      const p = m[1].split(/[\s/]+/).filter(Boolean).map(Number);
      return [p[0] * 255, p[1] * 255, p[2] * 255, p.length > 3 ? p[3] : 1];
    }
    if (text === "transparent") return [0, 0, 0, 0];
    throw new Error("colour not understood: " + text);
  };
  const over = (top, under) => {
    const a = top[3] + under[3] * (1 - top[3]);
    if (!a) return [0, 0, 0, 0];
    return [0, 1, 2].map((i) => (top[i] * top[3] + under[i] * under[3] * (1 - top[3])) / a).concat([a]);
  };
  const parentOf = (el) => el.parentElement || (el.getRootNode && el.getRootNode().host) || null;
  /** The opaque colour behind `el`: every background from the page's canvas (white) down to it. */
  const background = (el) => {
    const layers = [];
    for (let at = el; at; at = parentOf(at)) layers.push(parse(getComputedStyle(at).backgroundColor));
    let out = [255, 255, 255, 1];
    for (const layer of layers.reverse()) out = over(layer, out);
    return out;
  };
  const lum = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      const s = v / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  /** Contrast of `el`'s text (or an SVG shape's `fill`/`stroke`) with what is behind it. */
  const contrast = (el, property = "color") => {
    const bg = background(el.closest("svg") || el);
    const fg = over(parse(getComputedStyle(el)[property]), bg);
    return ratio(fg, bg);
  };
  const opaque = (el) => {
    for (let at = el; at; at = parentOf(at)) if (Number(getComputedStyle(at).opacity) < 1) return false;
    return true;
  };
  return { parse, background, contrast, ratio, opaque };
})();
"""

# Every piece of visible text in the view (and each SVG label): [what, contrast]. Disabled
# controls (dimmed on purpose, exempt in WCAG) and text under a transparency are left out.
_TEXT_CONTRAST_JS = _COLOR_JS + r"""
(root) => {
  const out = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.data.trim() || seen.has(el)) continue;
    seen.add(el);
    if (!el.getClientRects().length || el.closest("[hidden]") || !lgwColor.opaque(el)) continue;
    if (getComputedStyle(el).visibility !== "visible") continue;
    const isSvg = el instanceof SVGElement;
    const what = `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}` +
      `${el.closest("[data-status]") ? `[${el.closest("[data-status]").getAttribute("data-status")}]` : ""}: ${node.data.trim().slice(0, 24)}`;
    out.push([what, lgwColor.contrast(el, isSvg ? "fill" : "color")]);
  }
  return out;
}
"""

# The status colours of every status, whether this run shows them or not: each status set for a
# moment on the real elements (status badge, a step card's status, the Cancel button, JSON values
# and diff symbols made the way the view makes them), measured, put back.
_STATUS_CONTRAST_JS = _COLOR_JS + r"""
(root) => {
  const out = {};
  const statuses = ["connecting", "running", "done", "error", "interrupted", "cancelled", "idle", "disconnected"];
  const badge = root.querySelector(".lgw-status-value");
  const before = badge.getAttribute("data-status");
  for (const s of statuses) {
    badge.setAttribute("data-status", s);
    out[`status badge ${s}`] = lgwColor.contrast(badge);
  }
  badge.setAttribute("data-status", before);
  const stepStatus = root.querySelector(".lgw-step-status");
  if (stepStatus) {
    const was = stepStatus.getAttribute("data-status");
    for (const s of ["running", "done", "error", "interrupted", "cancelled"]) {
      stepStatus.setAttribute("data-status", s);
      out[`step status ${s}`] = lgwColor.contrast(stepStatus);
    }
    stepStatus.setAttribute("data-status", was);
  }
  const cancel = root.querySelector(".lgw-cancel");
  const hidden = cancel.hasAttribute("hidden");
  cancel.removeAttribute("hidden");
  out["Cancel button"] = lgwColor.contrast(cancel);
  if (hidden) cancel.setAttribute("hidden", "");
  // JSON values and diff ops, made as json-tree.js and state-pane.js make them, in the State pane.
  const host = root.querySelector(".lgw-state");
  const probe = document.createElement("div");
  probe.innerHTML = '<div class="lgw-json-row"><span class="lgw-json-key">k</span>'
    + '<span class="lgw-json-value lgw-json-boolean">true</span><span class="lgw-json-value lgw-json-null">null</span>'
    + '<span class="lgw-json-value lgw-json-string">"s"</span><span class="lgw-json-value lgw-json-number">1</span></div>'
    + '<div class="lgw-op lgw-op-replace"><span class="lgw-op-symbol">~</span><span class="lgw-op-path">a</span></div>'
    + '<div class="lgw-op lgw-op-add"><span class="lgw-op-symbol">+</span></div>'
    + '<div class="lgw-op lgw-op-remove"><span class="lgw-op-symbol">−</span><span class="lgw-op-path">b</span></div>';
  host.appendChild(probe);
  for (const [name, sel] of [["JSON key", ".lgw-json-key"], ["JSON boolean", ".lgw-json-boolean"], ["JSON null", ".lgw-json-null"],
    ["JSON string", ".lgw-json-string"], ["JSON number", ".lgw-json-number"], ["diff ~", ".lgw-op-replace .lgw-op-symbol"],
    ["diff +", ".lgw-op-add .lgw-op-symbol"], ["diff −", ".lgw-op-remove .lgw-op-symbol"], ["removed path", ".lgw-op-remove .lgw-op-path"]]) {
    out[name] = lgwColor.contrast(probe.querySelector(sel));
  }
  probe.remove();
  return out;
}
"""

# Graph node borders (non-text: 3:1 against the drawing's background), each state in turn.
_NODE_CONTRAST_JS = _COLOR_JS + r"""
(root) => {
  const node = root.querySelector(".lgw-node");
  const rect = node.querySelector("rect");
  const was = node.getAttribute("class");
  const out = {};
  for (const s of ["", "done", "running", "error", "interrupted", "cancelled"]) {
    node.setAttribute("class", s ? `lgw-node lgw-node-${s}` : "lgw-node");
    const bg = lgwColor.background(node.closest("svg"));
    const fill = lgwColor.parse(getComputedStyle(rect).fill);
    const stroke = lgwColor.parse(getComputedStyle(rect).stroke);
    out[`node border ${s || "not run"}`] = Math.min(lgwColor.ratio(stroke, bg), lgwColor.ratio(stroke, fill[3] ? fill : bg));
    out[`node look ${s || "not run"}`] = `${getComputedStyle(rect).stroke} ${getComputedStyle(rect).strokeDasharray}`;
  }
  node.setAttribute("class", was);
  const edge = root.querySelector(".lgw-edge");
  out["edge"] = lgwColor.ratio(lgwColor.parse(getComputedStyle(edge).stroke), lgwColor.background(edge.closest("svg")));
  return out;
}
"""


def text_contrasts(page, root_handle) -> list[tuple[str, float]]:
    return [tuple(x) for x in page.evaluate(_TEXT_CONTRAST_JS, root_handle)]


def status_contrasts(page, root_handle) -> dict[str, float]:
    return page.evaluate(_STATUS_CONTRAST_JS, root_handle)


def node_contrasts(page, root_handle) -> dict[str, Any]:
    return page.evaluate(_NODE_CONTRAST_JS, root_handle)


# Every view's root element in the page, shadow roots included (marimo renders into open ones).
ROOTS_JS = r"""
  const roots = (node, found = []) => {
    for (const el of node.querySelectorAll("*")) {
      if (el.classList && el.classList.contains("lgw-root")) found.push(el);
      if (el.shadowRoot) roots(el.shadowRoot, found);
    }
    return found;
  };
"""

# Every step card's name: its text, how many lines it takes, whether it is cut, its title.
_NAMES_JS = r"""
() => {
""" + ROOTS_JS + r"""  const out = [];
  for (const root of roots(document)) {
    for (const name of root.querySelectorAll(".lgw-step-name")) {
      if (!name.getClientRects().length) continue;
      const range = document.createRange();
      range.selectNodeContents(name);
      const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      out.push({
        name: name.textContent, lines: lines.size, cut: name.scrollWidth > name.clientWidth + 1,
        title: name.getAttribute("title"), width: Math.round(name.getBoundingClientRect().width),
      });
    }
  }
  return out;
}
"""


def step_names(page) -> list[dict[str, Any]]:
    """Every shown step name of every view in the page (shadow roots included)."""
    return page.evaluate(_NAMES_JS)


# Counts the live-region updates a screen reader would announce: each batch of DOM changes inside
# a live region (role status/alert/log, or aria-live other than off) is one announcement.
_LIVE_JS = r"""
(root) => {
  window.__lgwAnnounced = [];
  const live = (node) => {
    const el = node.nodeType === 1 ? node : node.parentElement;
    return el && el.closest('[role="status"], [role="alert"], [role="log"], [aria-live]:not([aria-live="off"])');
  };
  window.__lgwLiveObserver = new MutationObserver((records) => {
    const regions = new Set(records.map((r) => live(r.target)).filter(Boolean));
    for (const region of regions) {
      if (region.closest("[hidden]")) continue;
      window.__lgwAnnounced.push({t: performance.now(), text: region.textContent.trim().slice(0, 60)});
    }
  });
  window.__lgwLiveObserver.observe(root, {subtree: true, childList: true, characterData: true});
}
"""


def watch_live_regions(page, root_handle) -> None:
    page.evaluate(_LIVE_JS, root_handle)


def announcements(page) -> list[dict[str, Any]]:
    return page.evaluate("() => { window.__lgwLiveObserver.disconnect(); return window.__lgwAnnounced; }")


# Tab through the page from `start` until the focus leaves the view; the elements it visits.
def tab_stops(page, root_handle, start_handle, limit: int = 400) -> list[str]:
    start_handle.focus()
    visited = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        where = page.evaluate(
            """(root) => { const el = document.activeElement;
                 if (!el || !root.contains(el)) return null;
                 return `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`; }""", root_handle)
        if where is None:
            break
        visited.append(where)
    return visited
