// Live token text, appended to in block chunks (text-chunks.js); autoscroll follows the
// bottom until the user scrolls up. Filters show text[start:end] of matching segments.
// Where a resumed or forked run's text begins, a divider separates it from the text before.
//
// The text changes at once; a render-queue job brings the page to it, at most SLICE_CHARS per
// slice: a saved 400 kB transcript, or a filter over it, is drawn in pieces, not in one task.
import { h, show } from "../dom.js";
import { createAutoscroll } from "../scroll.js";
import { extendSegments, filterText, isFilterActive, cpLength } from "../segments.js";
import { createFilters } from "../filters.js";
import { createChunkedText } from "../text-chunks.js";
import { formatNumber } from "../format.js";
import { createJob } from "../render-queue.js";

/** Characters added to the page per slice. */
export const SLICE_CHARS = 32768;

/** Pure: the UTF-16 offset of code point `cp` in `text` (the kernel counts code points). */
export function utf16Offset(text, cp) {
  if (cpLength(text) === text.length) return Math.min(cp, text.length);
  let n = 0;
  let i = 0;
  for (const ch of text) {
    if (n === cp) return i;
    n += 1;
    i += ch.length;
  }
  return i;
}

export function createTextPane(doc, { onLength, queue } = {}) {
  const textEl = h(doc, "div.lgw-text", { "aria-live": "off", "data-empty": "" });
  const chunks = createChunkedText(doc, textEl);
  const jump = h(doc, "button.lgw-jump", { type: "button", title: "follow new tokens" }, "↓ follow");
  show(jump, false);
  const scroll = createAutoscroll(textEl, { onChange: (follow) => show(jump, !follow) });
  jump.addEventListener("click", () => scroll.jump());
  const filters = createFilters(doc, { onChange: () => changed(false) });
  const el = h(doc, "div.lgw-text-pane", null, filters.el, h(doc, "div.lgw-text-wrap", null, textEl, jump));

  let full = "";
  let fullLength = 0; // code points, what the kernel counts
  let segments = [];
  let desired = ""; // what the page should show: `full`, or the filter's part of it
  let desiredStale = false; // `desired` must be computed again (a filter is on and something changed)
  let shown = ""; // what the page shows: always a prefix of `desired` once the job is done
  let replace = false; // what is shown is not a prefix of `desired`: start again
  // Unfiltered, the text appended since what is shown (`full` is `shown` + `undrawn`), or null
  // (taken from `full` when needed: after a new text, a replace, or while a filter is on). Pieces
  // come from it: slicing `full`, a string built by `+=`, copied all of it first, each slice
  // (1 MB a frame at 200,000 tokens, for the collector to free).
  let undrawn = null;
  // Where each later run of the view begins in `full` (UTF-16 offsets, ascending), and how many
  // of these dividers are drawn. Shown in the whole text only, not in a filter's part of it.
  let runStarts = [];
  let drawnStarts = 0;

  const job = createJob((timeUp) => {
    if (desiredStale) {
      desired = filterText(full, segments, filters.filter);
      desiredStale = false;
      if (!desired.startsWith(shown)) replace = true;
      filters.setNote(`${formatNumber(cpLength(desired))} of ${formatNumber(fullLength)} chars`);
    }
    if (replace) {
      chunks.set("");
      shown = "";
      undrawn = null;
      drawnStarts = 0;
      replace = false;
      scroll.reset();
    }
    const dividers = !isFilterActive(filters.filter);
    if (dividers && undrawn === null) undrawn = full.slice(shown.length);
    while (shown.length < desired.length && !timeUp()) {
      let end = shown.length + SLICE_CHARS;
      if (dividers) {
        while (drawnStarts < runStarts.length && runStarts[drawnStarts].at <= shown.length) {
          chunks.divide(runStarts[drawnStarts].label);
          drawnStarts += 1;
        }
        if (drawnStarts < runStarts.length) end = Math.min(end, runStarts[drawnStarts].at);
      }
      let piece;
      if (dividers) {
        piece = undrawn.slice(0, end - shown.length);
        undrawn = undrawn.slice(piece.length);
      } else piece = desired.slice(shown.length, end);
      chunks.append(piece);
      shown += piece;
    }
    if (shown) textEl.removeAttribute("data-empty");
    else textEl.setAttribute("data-empty", "");
    scroll.update();
    return shown.length < desired.length;
  }, queue);

  /** The text or the segments changed; `appended`: only characters were added at the end. */
  function changed(appended) {
    if (!isFilterActive(filters.filter)) {
      // Unfiltered, the page shows `full`: an append extends what is shown (no comparison of the
      // whole text, which would copy it per delta), anything else may replace it.
      if (!appended && !full.startsWith(shown)) replace = true;
      desired = full;
      desiredStale = false;
      filters.setNote("");
    } else {
      desiredStale = true; // the job filters once, however many deltas came meanwhile
      undrawn = null;
    }
    if (onLength) onLength(fullLength);
    job.request();
  }

  function addRunStart(at, label) {
    if (at <= 0 || runStarts.some((s) => s.at === at)) return;
    runStarts.push({ at, label });
    runStarts.sort((a, b) => a.at - b.at);
    if (at < shown.length) replace = true; // drawn past it already (a late kernel offset)
    job.request();
  }

  return {
    el,
    textEl,
    filters,
    scroll,
    get text() {
      return full;
    },
    /** What the page shows once drawn (the text, or its filtered part). */
    get shown() {
      return desiredStale ? filterText(full, segments, filters.filter) : desired;
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
      const next = typeof text === "string" ? text : "";
      const extends_ = next.startsWith(full);
      if (!extends_) runStarts = runStarts.filter((s) => s.at <= next.length && next.startsWith(full.slice(0, s.at)));
      full = next;
      fullLength = cpLength(full);
      undrawn = null;
      changed(extends_);
    },
    setSegments(list) {
      segments = Array.isArray(list) ? list.slice() : [];
      filters.setSegments(segments);
      changed(true);
    },
    /** A later run of the view begins now (a resume, a fork in place): its text is set apart. */
    markRunStart(label) {
      addRunStart(full.length, label);
    },
    /** Where later runs begin, as the kernel says: [{at (code points), label}]. */
    setRunStarts(list) {
      for (const s of Array.isArray(list) ? list : []) {
        if (typeof s.at === "number") addRunStart(utf16Offset(full, s.at), String(s.label ?? ""));
      }
    },
    /** Apply a delta's text and segments together. */
    applyDelta(text, segs) {
      const appended = typeof text === "string" ? text : "";
      full += appended;
      if (undrawn !== null) undrawn += appended;
      fullLength += cpLength(appended);
      if (Array.isArray(segs) || (appended && segments.length)) {
        segments = extendSegments(segments, Array.isArray(segs) ? segs : [], fullLength);
        if (Array.isArray(segs)) filters.addSegments(segs);
      }
      changed(true);
    },
    destroy() {
      job.cancel();
      scroll.destroy();
      chunks.destroy();
    },
  };
}
