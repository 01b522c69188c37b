// Live token text, appended to in block chunks (text-chunks.js); autoscroll follows the
// bottom until the user scrolls up. Filters show text[start:end] of matching segments.
import { h, show } from "../dom.js";
import { createAutoscroll } from "../scroll.js";
import { extendSegments, filterText, isFilterActive, cpLength } from "../segments.js";
import { createFilters } from "../filters.js";
import { createChunkedText } from "../text-chunks.js";
import { formatNumber } from "../format.js";

export function createTextPane(doc, { onLength } = {}) {
  const textEl = h(doc, "div.lgw-text", { "aria-live": "off", "data-empty": "" });
  const chunks = createChunkedText(doc, textEl);
  const jump = h(doc, "button.lgw-jump", { type: "button", title: "follow new tokens" }, "↓ follow");
  show(jump, false);
  const scroll = createAutoscroll(textEl, { onChange: (follow) => show(jump, !follow) });
  jump.addEventListener("click", () => scroll.jump());
  const filters = createFilters(doc, { onChange: () => render() });
  const el = h(doc, "div.lgw-text-pane", null, filters.el, h(doc, "div.lgw-text-wrap", null, textEl, jump));

  let full = "";
  let fullLength = 0; // code points, what the kernel counts
  let segments = [];
  let shown = "";

  function render(appended) {
    const active = isFilterActive(filters.filter);
    if (!active && typeof appended === "string") {
      // Tokens arrived and every character is shown: append them, no comparison of the whole text.
      if (!appended) return;
      chunks.append(appended);
      shown = full;
    } else {
      const desired = active ? filterText(full, segments, filters.filter) : full;
      if (desired === shown) return;
      if (desired.length > shown.length && desired.startsWith(shown)) {
        chunks.append(desired.slice(shown.length));
      } else {
        chunks.set(desired);
      }
      shown = desired;
    }
    if (shown) textEl.removeAttribute("data-empty");
    else textEl.setAttribute("data-empty", "");
    filters.setNote(active ? `${formatNumber(cpLength(shown))} of ${formatNumber(fullLength)} chars` : "");
    scroll.update();
    if (onLength) onLength(fullLength);
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
    /** Length of the whole text in code points (what the kernel counts). */
    get length() {
      return fullLength;
    },
    /** The segments, every end set. */
    get segments() {
      return segments;
    },
    /** Final trait / snapshot: reconcile (append when it extends what is shown). */
    setText(text) {
      full = typeof text === "string" ? text : "";
      fullLength = cpLength(full);
      render();
    },
    setSegments(list) {
      segments = Array.isArray(list) ? list.slice() : [];
      filters.setSegments(segments);
      render();
    },
    /** Apply a delta's text and segments together, one render. */
    applyDelta(text, segs) {
      const appended = typeof text === "string" ? text : "";
      full += appended;
      fullLength += cpLength(appended);
      if (Array.isArray(segs) || (appended && segments.length)) {
        segments = extendSegments(segments, Array.isArray(segs) ? segs : [], fullLength);
        if (Array.isArray(segs)) filters.setSegments(segments);
      }
      render(appended);
    },
    destroy() {
      scroll.destroy();
      chunks.destroy();
    },
  };
}
