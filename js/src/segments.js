// Token segments and filters (pure, no DOM).
// Segment offsets are Python string indices (code points); JS strings index UTF-16
// code units, so text is sliced by code points when it contains astral characters.

import { namespaceKey } from "./format.js";
import { TEXT_IN_SEGMENTS } from "./wire.js";

export const EMPTY_FILTER = Object.freeze({ node: null, tag: null, namespace: null });

/**
 * Merge delta segments into `out` (changed in place: a page's own list grows per delta without a
 * copy of it per delta): one with the same start as the last replaces it.
 */
export function mergeSegments(out, incoming) {
  for (const seg of incoming || []) {
    if (!seg || typeof seg.start !== "number") continue;
    let i = out.length - 1;
    while (i >= 0 && out[i].start > seg.start) i -= 1;
    if (i >= 0 && out[i].start === seg.start) out[i] = seg;
    else out.splice(i + 1, 0, seg);
  }
  return out;
}

/**
 * Merge a delta's new segments into `list` (in place) and set every end the delta leaves
 * implicit: segments tile the text, so each ends where the next starts and the last at the end
 * of the text (`length`, in code points). Only the tail can change: earlier segments are kept.
 */
export function extendSegments(list, incoming, length) {
  const before = list.length;
  const out = mergeSegments(list, incoming);
  const first = Math.max(0, Math.min(before, out.length) - 1);
  for (let i = first; i < out.length; i += 1) {
    const end = i + 1 < out.length ? out[i + 1].start : length;
    if (out[i].end !== end) out[i] = { ...out[i], end };
  }
  return out;
}

export function isFilterActive(f) {
  return !!f && (f.node != null || f.tag != null || f.namespace != null);
}

export function segmentMatches(seg, f) {
  if (!isFilterActive(f)) return true;
  if (f.node != null && (seg.node ?? "") !== f.node) return false;
  if (f.tag != null && !(Array.isArray(seg.tags) && seg.tags.includes(f.tag))) return false;
  if (f.namespace != null && namespaceKey(seg.namespace) !== f.namespace) return false;
  return true;
}

const ASTRAL = /[\uD800-\uDFFF]/;

/** Returns slice(start, end) over code points, cheap when text is BMP-only. */
export function codePointSlicer(text) {
  if (!ASTRAL.test(text)) return (a, b) => text.slice(a, b);
  const cps = Array.from(text);
  return (a, b) => cps.slice(a, b).join("");
}

/** Concatenation of text[start:end] for segments matching the filter. */
export function filterText(text, segments, f) {
  if (!isFilterActive(f)) return text;
  const slice = codePointSlicer(text);
  let out = "";
  for (const seg of segments || []) {
    if (segmentMatches(seg, f)) out += slice(seg.start, seg.end);
  }
  return out;
}

/** What the filters can choose from, collected segment by segment (see `addSegmentOptions`). */
export function emptyOptions() {
  return { nodes: new Set(), tags: new Set(), namespaces: new Map() };
}

/** Add the values of `segments` to `options` (in place); true when one was new. */
export function addSegmentOptions(options, segments) {
  const before = options.nodes.size + options.tags.size + options.namespaces.size;
  for (const seg of segments || []) {
    if (!seg) continue;
    if (seg.node != null) options.nodes.add(String(seg.node));
    for (const t of seg.tags || []) options.tags.add(String(t));
    const key = namespaceKey(seg.namespace);
    if (!options.namespaces.has(key)) options.namespaces.set(key, seg.namespace || []);
  }
  return options.nodes.size + options.tags.size + options.namespaces.size > before;
}

/** Options as sorted lists: {nodes: [..], tags: [..], namespaces: [{key, ns}]}. */
export function sortedOptions(options) {
  return {
    nodes: [...options.nodes].sort(),
    tags: [...options.tags].sort(),
    namespaces: [...options.namespaces.entries()]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([key, ns]) => ({ key, ns })),
  };
}

/** Code-point length of a string (what the kernel counts). */
export function cpLength(text) {
  if (!ASTRAL.test(text)) return text.length;
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

/** Each message's text: the concatenation of its segments of `text` (code-point offsets). */
export function messageTexts(text, segments) {
  const slice = codePointSlicer(typeof text === "string" ? text : "");
  const out = new Map();
  for (const s of Array.isArray(segments) ? segments : []) {
    if (!s || s.message == null) continue;
    out.set(s.message, (out.get(s.message) || "") + slice(s.start, s.end));
  }
  return out;
}

/**
 * Which message each piece of a delta's text belongs to: `appended` starts at code point
 * `offset` of the text, and `segments` (ends set) tile the whole text. Returns [[id, piece]].
 */
export function appendedPieces(appended, offset, segments) {
  const out = [];
  if (!appended) return out;
  const slice = codePointSlicer(appended);
  let i = Math.max(0, segments.length - 1);
  while (i > 0 && segments[i].start > offset) i -= 1;
  for (; i < segments.length; i += 1) {
    const s = segments[i];
    if (s.end <= offset) continue;
    const piece = slice(Math.max(s.start, offset) - offset, s.end - offset);
    if (piece && s.message != null) out.push([s.message, piece]);
  }
  return out;
}

/**
 * Streamed messages arrive as `{..., text_in_segments: true}` without their text (it is in
 * `text` already): give each one its text from `texts` (`messageTexts`).
 */
export function withSegmentText(messages, texts) {
  return messages.map((m) =>
    m && m[TEXT_IN_SEGMENTS] ? { ...m, text: texts.get(m.id) || "" } : m);
}
