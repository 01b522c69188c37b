// A list of items that grows by appends (deltas) and reconciles against a full list
// (final traits / snapshot): items whose JSON did not change keep their DOM.
import { h, clear } from "../dom.js";

function sig(item) {
  try {
    return JSON.stringify(item);
  } catch (_e) {
    return String(Math.random());
  }
}

export function createListPane(doc, { className, renderItem, onCount }) {
  const el = h(doc, `div.lgw-list${className ? `.${className}-list` : ""}`);
  let rows = []; // {sig, el}

  function make(item, index) {
    const row = renderItem(item, index);
    if (className) row.classList.add(className);
    return { sig: sig(item), el: row };
  }
  function count() {
    if (onCount) onCount(rows.length);
  }

  return {
    el,
    get length() {
      return rows.length;
    },
    append(items) {
      for (const item of items || []) {
        const r = make(item, rows.length);
        rows.push(r);
        el.appendChild(r.el);
      }
      count();
    },
    setAll(items) {
      const list = Array.isArray(items) ? items : [];
      const next = [];
      list.forEach((item, i) => {
        const s = sig(item);
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
      count();
    },
    clear() {
      clear(el);
      rows = [];
      count();
    },
  };
}
