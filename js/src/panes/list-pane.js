// A list of items that grows by appends or keyed upserts (deltas) and reconciles against a
// full list (final traits / snapshot): items whose signature did not change keep their DOM.
//
// The items change at once; their rows are drawn by a render-queue job, a slice at a time, so a
// list of thousands of items (a saved notebook, the final traits of a long run) never holds the
// page for long, and many changes between two slices cost one drawing of each row.
import { h, clear } from "../dom.js";
import { createJob } from "../render-queue.js";

function sig(item) {
  try {
    return JSON.stringify(item);
  } catch (_e) {
    return String(Math.random());
  }
}

/**
 * `sigOf(item)`: what must change for a row to be drawn again (its JSON by default; panes whose
 * items can be megabytes pass something cheaper).
 */
export function createListPane(doc, { className, renderItem, onCount, keyOf = null, sigOf = sig, queue }) {
  const el = h(doc, `div.lgw-list${className ? `.${className}-list` : ""}`);
  let items = [];
  let byKey = new Map(); // key -> index in items
  let rows = []; // drawn rows, in item order: {sig, el}; rows.length <= items.length
  let from = 0; // every row at or after this index needs a look
  const stale = new Set(); // indices before `from` whose item changed

  const job = createJob((timeUp) => {
    for (const index of [...stale].sort((a, b) => a - b)) {
      if (timeUp()) return true;
      stale.delete(index);
      if (index < rows.length && index < items.length) draw(index);
    }
    while (from < items.length) {
      if (timeUp()) return true;
      draw(from);
      from += 1;
    }
    while (rows.length > items.length) {
      const row = rows.pop();
      if (row.el.parentNode === el) el.removeChild(row.el);
    }
    return false;
  }, queue);

  /** Bring row `index` to its item: keep it when the signature is the same, else draw it anew. */
  function draw(index) {
    const item = items[index];
    const s = sigOf(item);
    const old = rows[index];
    if (old && old.sig === s) return;
    const row = renderItem(item, index);
    if (className) row.classList.add(className);
    if (old) el.replaceChild(row, old.el);
    else el.appendChild(row);
    rows[index] = { sig: s, el: row };
  }

  const keyAt = (item, index) => (keyOf ? keyOf(item) : index);
  function changed(index) {
    if (index < from) stale.add(index);
    job.request();
  }
  function count() {
    if (onCount) onCount(items.length);
  }
  function add(item) {
    byKey.set(keyAt(item, items.length), items.length);
    items.push(item);
    job.request();
  }

  return {
    el,
    /** How many items the list holds (drawn or about to be). */
    get length() {
      return items.length;
    },
    append(list) {
      for (const item of list || []) add(item);
      count();
    },
    /** Replace the item with the same key (`keyOf`), or append it. */
    upsert(list) {
      for (const item of list || []) {
        const index = byKey.get(keyOf(item));
        if (index === undefined) {
          add(item);
          continue;
        }
        items[index] = item;
        changed(index);
      }
      count();
    },
    setAll(list) {
      items = Array.isArray(list) ? list.slice() : [];
      byKey = new Map(items.map((item, i) => [keyAt(item, i), i]));
      stale.clear();
      from = 0;
      job.request();
      count();
    },
    clear() {
      clear(el);
      items = [];
      rows = [];
      byKey = new Map();
      stale.clear();
      from = 0;
      job.cancel();
      count();
    },
    destroy() {
      job.cancel();
    },
  };
}
