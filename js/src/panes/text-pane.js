// Live token text. One text node, appended to; autoscroll follows the bottom until the
// user scrolls up. Filters show text[start:end] of matching segments.
import { h, show } from "../dom.js";
import { createAutoscroll } from "../scroll.js";
import { mergeSegments, filterText, isFilterActive, cpLength } from "../segments.js";
import { createFilters } from "../filters.js";

export function createTextPane(doc, { onLength } = {}) {
  const textEl = h(doc, "div.lgw-text", { "aria-live": "off", "data-empty": "" });
  const node = doc.createTextNode("");
  textEl.appendChild(node);
  const jump = h(doc, "button.lgw-jump", { type: "button", title: "follow new tokens" }, "↓ follow");
  show(jump, false);
  const scroll = createAutoscroll(textEl, { onChange: (follow) => show(jump, !follow) });
  jump.addEventListener("click", () => scroll.jump());
  const filters = createFilters(doc, { onChange: () => render() });
  const el = h(doc, "div.lgw-text-pane", null, filters.el, h(doc, "div.lgw-text-wrap", null, textEl, jump));

  let full = "";
  let segments = [];
  let shown = "";

  function render() {
    const active = isFilterActive(filters.filter);
    const desired = active ? filterText(full, segments, filters.filter) : full;
    if (desired === shown) return;
    if (desired.length > shown.length && desired.startsWith(shown)) {
      node.appendData(desired.slice(shown.length));
    } else {
      node.data = desired;
    }
    shown = desired;
    if (shown) textEl.removeAttribute("data-empty");
    else textEl.setAttribute("data-empty", "");
    filters.setNote(active ? `${cpLength(desired).toLocaleString("en-US")} of ${cpLength(full).toLocaleString("en-US")} chars` : "");
    scroll.update();
    if (onLength) onLength(cpLength(full));
  }

  return {
    el,
    textEl,
    filters,
    scroll,
    get text() {
      return full;
    },
    get shown() {
      return shown;
    },
    /** Final trait / snapshot: reconcile (append when it extends what is shown). */
    setText(text) {
      full = typeof text === "string" ? text : "";
      render();
    },
    appendText(s) {
      if (!s) return;
      full += s;
      render();
    },
    setSegments(list) {
      segments = Array.isArray(list) ? list.slice() : [];
      filters.setSegments(segments);
      render();
    },
    addSegments(list) {
      segments = mergeSegments(segments, list);
      filters.setSegments(segments);
      render();
    },
    /** Apply a delta's text and segments together, one render. */
    applyDelta(text, segs) {
      if (typeof text === "string") full += text;
      if (Array.isArray(segs)) {
        segments = mergeSegments(segments, segs);
        filters.setSegments(segments);
      }
      render();
    },
    destroy() {
      scroll.destroy();
    },
  };
}
