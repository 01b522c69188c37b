// Long text as a column of block chunks, so that appending lays out only the last one.
//
// In one text node, every appended token made the browser lay out the whole text again:
// a 10,000-token run (48 kB) cost JupyterLab 50-150 ms a frame, and 50,000 tokens froze
// it for seconds. A chunk ends just after a newline once it is SOFT long, which changes
// nothing on screen. A line longer than HARD without a newline is cut at a space (a line
// break shows there). Copying a selection gives the exact text, without those breaks.

import { h } from "./dom.js";

export const SOFT = 1024;
export const HARD = 4096;

/**
 * Pure: how `text`, appended to a chunk already `filled` long, splits into chunks.
 * The first part extends the current chunk (it may be ""), every further part starts
 * a new chunk (the last one is "" when the text ends where a chunk closes). Cuts never
 * fall inside a surrogate pair.
 */
export function splitForChunks(filled, text, soft = SOFT, hard = HARD) {
  const parts = [];
  let start = 0;
  let used = filled;
  while (true) {
    const rest = text.length - start;
    const softAt = start + Math.max(0, soft - used); // where the chunk may close at a newline
    const hardAt = start + Math.max(0, hard - used); // where it must close
    const newline = text.indexOf("\n", softAt);
    let end;
    if (newline !== -1 && newline < hardAt) {
      end = newline + 1;
    } else if (used + rest <= hard) {
      parts.push(text.slice(start));
      return parts;
    } else {
      const space = hardAt > start ? text.lastIndexOf(" ", hardAt - 1) : -1;
      end = space >= start ? space + 1 : hardAt;
      if (end > start && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
    }
    parts.push(text.slice(start, end));
    start = end;
    used = 0;
  }
}

function isHighSurrogate(code) {
  return code >= 0xd800 && code <= 0xdbff;
}

/** The chunks inside `el`: append() to extend, set() to replace everything. */
export function createChunkedText(doc, el) {
  let chunks = []; // {el, node}

  function addChunk(text) {
    const node = doc.createTextNode(text);
    const chunkEl = h(doc, "div.lgw-text-chunk", null, node);
    el.appendChild(chunkEl);
    chunks.push({ el: chunkEl, node });
  }

  function append(text) {
    if (!text) return;
    const last = chunks[chunks.length - 1];
    const parts = splitForChunks(last ? last.node.data.length : 0, text);
    if (last) last.node.appendData(parts[0]);
    else addChunk(parts[0]);
    for (let i = 1; i < parts.length; i += 1) addChunk(parts[i]);
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
    set(text) {
      for (const chunk of chunks) chunk.el.remove();
      chunks = [];
      append(text);
    },
    destroy() {
      el.removeEventListener("copy", onCopy);
    },
  };
}
