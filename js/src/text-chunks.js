// Long text as a column of block chunks, so that appending lays out only the last one.
//
// In one text node, every appended token made the browser lay out the whole text again:
// a 10,000-token run (48 kB) cost JupyterLab 50-150 ms a frame, and 50,000 tokens froze
// it for seconds. A chunk ends just after a newline once it is SOFT long, which changes
// nothing on screen. A chunk ends inside a line only when the line is very long: after a space
// once the chunk is LONG long (or anywhere at LONG_MAX, where a line without spaces wraps
// anywhere anyway). That line shows one early line break per LONG characters, which the text does
// not have; without it, a line of 1 MB (a 200,000-token reply without a newline) is one paragraph
// that the browser lays out whole per frame, 100-350 ms, and chunks out of sight are not skipped.
// Within a chunk, text nodes hold at most HARD characters: Chromium lays out a paragraph of many
// text nodes far faster than one long text node (appending to a 400 kB paragraph: ~10 ms a
// layout in 4 kB nodes, ~100 ms in one node). Copying a selection gives the exact text.

import { h } from "./dom.js";

export const SOFT = 1024;
export const HARD = 4096;
export const LONG = 16384;
export const LONG_MAX = 65536;

/**
 * Pure: how `text`, appended to a chunk already `chunkLength` long whose last text node is
 * `nodeLength` long, splits: `[{text, start}]`, where `start` is null for the first part (it
 * extends the last text node; it may be ""), "node" for a part that starts a new text node in the
 * same chunk, "chunk" for one that starts a new chunk (a last one is "" when the text ends where
 * a chunk closes). Cuts never fall inside a surrogate pair.
 */
export function splitForChunks(chunkLength, nodeLength, text, soft = SOFT, hard = HARD, long = LONG, longMax = LONG_MAX) {
  const parts = [{ text: "", start: null }];
  let chunk = chunkLength;
  let node = nodeLength;
  let i = 0;
  while (i < text.length) {
    if (node >= hard) {
      parts.push({ text: "", start: "node" });
      node = 0;
    }
    const close = chunkClose(text, i, chunk, soft, long, longMax);
    const stop = close === -1 ? text.length : close;
    let end = Math.min(stop, i + (hard - node));
    if (end < stop && isHighSurrogate(text.charCodeAt(end - 1))) end += end - 1 > i ? -1 : 1;
    parts[parts.length - 1].text += text.slice(i, end);
    chunk += end - i;
    node += end - i;
    i = end;
    if (end === close) {
      parts.push({ text: "", start: "chunk" });
      chunk = 0;
      node = 0;
    } else if (end < stop) {
      node = hard; // the node is full (or ends before a surrogate pair): the next part starts a new one
    }
  }
  return parts;
}

/** Pure: where in `text` (from `i`) the chunk, `chunk` long at `i`, closes; -1 if not in `text`. */
function chunkClose(text, i, chunk, soft, long, longMax) {
  const ends = [];
  const newline = text.indexOf("\n", i + Math.max(0, soft - chunk - 1));
  if (newline !== -1) ends.push(newline + 1);
  const space = text.indexOf(" ", i + Math.max(0, long - chunk - 1));
  if (space !== -1) ends.push(space + 1);
  let anywhere = i + Math.max(1, longMax - chunk);
  if (anywhere < text.length && isHighSurrogate(text.charCodeAt(anywhere - 1))) anywhere += 1;
  if (anywhere <= text.length) ends.push(anywhere);
  return ends.length ? Math.min(...ends) : -1;
}

function isHighSurrogate(code) {
  return code >= 0xd800 && code <= 0xdbff;
}

/** The chunks inside `el`: append() to extend, divide() for a divider, set() to replace everything. */
export function createChunkedText(doc, el) {
  let chunks = []; // {el, node (the last text node), length}
  let extras = []; // dividers

  function addChunk() {
    const chunkEl = h(doc, "div.lgw-text-chunk");
    el.appendChild(chunkEl);
    const chunk = { el: chunkEl, node: null, length: 0 };
    chunks.push(chunk);
    return chunk;
  }

  function addNode(chunk, text) {
    chunk.node = doc.createTextNode(text);
    chunk.el.appendChild(chunk.node);
    chunk.length += text.length;
  }

  function append(text) {
    if (!text) return;
    let chunk = chunks[chunks.length - 1] || addChunk();
    const parts = splitForChunks(chunk.length, chunk.node ? chunk.node.data.length : 0, text);
    for (const part of parts) {
      if (part.start === "chunk") chunk = addChunk();
      if (!part.text) continue;
      if (part.start === "node" || !chunk.node) addNode(chunk, part.text);
      else {
        chunk.node.appendData(part.text);
        chunk.length += part.text.length;
      }
    }
  }

  /** A divider (not part of the text: its label is generated content) and a new chunk after it. */
  function divide(label) {
    const divider = h(doc, "div.lgw-text-divider", { role: "separator", "aria-label": label, "data-label": label });
    el.appendChild(divider);
    extras.push(divider);
    addChunk();
  }

  // The selection across chunks would copy a line break between each two: copy the text itself.
  const onCopy = (event) => {
    const selection = doc.getSelection ? doc.getSelection() : null;
    if (!selection || selection.rangeCount === 0 || !event.clipboardData) return;
    const range = selection.getRangeAt(0);
    if (!el.contains(range.commonAncestorContainer)) return;
    event.clipboardData.setData("text/plain", range.toString());
    event.preventDefault();
  };
  el.addEventListener("copy", onCopy);

  return {
    append,
    divide,
    set(text) {
      for (const chunk of chunks) chunk.el.remove();
      for (const extra of extras) extra.remove();
      chunks = [];
      extras = [];
      append(text);
    },
    destroy() {
      el.removeEventListener("copy", onCopy);
    },
  };
}
