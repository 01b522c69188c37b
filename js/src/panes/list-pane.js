// A list of items that grows by appends or keyed upserts (deltas) and reconciles against a
// full list (final traits / snapshot): items whose JSON did not change keep their DOM.
import { h, clear } from "../dom.js";

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
export function createListPane(doc, { className, renderItem, onCount, keyOf = null, sigOf = sig }) {
  const el = h(doc, `div.lgw-list${className ? `.${className}-list` : ""}`);
  let rows = []; // {key, sig, el}
  let byKey = new Map(); // key -> index in rows

  function make(item, index) {
    const row = renderItem(item, index);
    if (className) row.classList.add(className);
    return { key: keyOf ? keyOf(item) : index, sig: sigOf(item), el: row };
  }
  function count() {
    if (onCount) onCount(rows.length);
  }
  function add(item) {
    const r = make(item, rows.length);
    byKey.set(r.key, rows.length);
    rows.push(r);
    el.appendChild(r.el);
  }

  return {
    el,
    get length() {
      return rows.length;
    },
    append(items) {
      for (const item of items || []) add(item);
      count();
    },
    /** Replace the item with the same key (`keyOf`), or append it. */
    upsert(items) {
      for (const item of items || []) {
        const index = byKey.get(keyOf(item));
        if (index === undefined) {
          add(item);
          continue;
        }
        const old = rows[index];
        const s = sigOf(item);
        if (old.sig === s) continue;
        const r = make(item, index);
        el.replaceChild(r.el, old.el);
        rows[index] = r;
      }
      count();
    },
    setAll(items) {
      const list = Array.isArray(items) ? items : [];
      const next = [];
      list.forEach((item, i) => {
        const s = sigOf(item);
        const old = rows[i];
        if (old && old.sig === s) {
          next.push(old);
          return;
        }
        const r = make(item, i);
        if (old) el.replaceChild(r.el, old.el);
        else el.appendChild(r.el);
        next.push(r);
      });
      for (let i = list.length; i < rows.length; i += 1) {
        if (rows[i].el.parentNode === el) el.removeChild(rows[i].el);
      }
      rows = next;
      byKey = new Map(rows.map((r, i) => [r.key, i]));
      count();
    },
    clear() {
      clear(el);
      rows = [];
      byKey = new Map();
      count();
    },
  };
}
