// Lazy JSON tree: containers render their children only when expanded, strings are
// capped, preview placeholders show a truncated preview and their byte count.
// `update(value)` patches in place and keeps the user's expanded nodes.
//
// Keyboard: a tree is one Tab stop (a roving tabindex, WAI-ARIA's tree pattern): the arrows
// move between its rows (Right opens or goes in, Left closes or goes out), Home and End go to
// its first and last row, Enter and Space open and close. An expanded view held ~160 Tab stops
// when every container row was one.

import { h, setText, show, clear, onActivate } from "./dom.js";
import { isPreview, previewInfo } from "./preview.js";
import { PREVIEW } from "./wire.js";
import { formatBytes, formatNumber } from "./format.js";

export const STRING_CAP = 2000;
export const STRING_STEP = 20000;
export const CHILD_CAP = 100;

function kindOf(v) {
  if (isPreview(v)) return "preview";
  if (Array.isArray(v)) return "array";
  if (v !== null && typeof v === "object") return "object";
  return "primitive";
}

function summary(v) {
  if (Array.isArray(v)) return `[…] ${v.length} item${v.length === 1 ? "" : "s"}`;
  const n = Object.keys(v).length;
  return `{…} ${n} key${n === 1 ? "" : "s"}`;
}

function primitiveClass(v) {
  if (v === null) return "lgw-json-null";
  return `lgw-json-${typeof v}`;
}

/** Renders a primitive value into `el` (string capped with a "more" button). */
function renderPrimitive(doc, el, v) {
  clear(el);
  el.className = `lgw-json-value ${primitiveClass(v)}`;
  if (typeof v !== "string") {
    el.appendChild(doc.createTextNode(v === undefined ? "undefined" : JSON.stringify(v)));
    return;
  }
  let cap = STRING_CAP;
  const text = doc.createTextNode("");
  const more = h(doc, "button.lgw-json-more", { type: "button" });
  const draw = () => {
    const shown = v.length > cap ? v.slice(0, cap) : v;
    text.data = `"${shown}${v.length > cap ? "…" : "\""}`;
    show(more, v.length > cap);
    setText(more, v.length > cap ? `+${formatNumber(v.length - cap)} chars` : "");
  };
  more.addEventListener("click", (e) => {
    if (e.stopPropagation) e.stopPropagation();
    cap += STRING_STEP;
    draw();
  });
  el.appendChild(text);
  el.appendChild(more);
  draw();
}

function renderPreview(doc, el, v) {
  clear(el);
  el.className = "lgw-json-value lgw-preview";
  const info = previewInfo(v);
  el.appendChild(h(doc, "span.lgw-preview-text", null, `${info.text}…`));
  el.appendChild(
    h(doc, "span.lgw-preview-bytes", { title: "preview: the full value arrives when the run ends" },
      info.bytes === null ? "preview" : `${formatBytes(info.bytes)} preview`),
  );
}

const nodeOfRow = new WeakMap(); // row element -> its JsonNode

export class JsonNode {
  /**
   * @param doc     document
   * @param key     property name / index shown before the value, or null
   * @param value   JSON value
   * @param opts    {expandDepth: levels expanded initially (default 1), depth}
   */
  constructor(doc, key, value, opts = {}) {
    this.doc = doc;
    this.key = key;
    this.depth = opts.depth || 0;
    this.expandDepth = opts.expandDepth ?? 1;
    this.el = h(doc, "div.lgw-json-node");
    this.children = null; // Map key -> JsonNode when rendered
    this.limit = CHILD_CAP;
    this._build(value);
  }

  _build(value) {
    const doc = this.doc;
    clear(this.el);
    this.value = value;
    this.kind = kindOf(value);
    this.children = null;
    this.row = h(doc, "div.lgw-json-row", { role: "treeitem", tabindex: "-1" });
    this.row.setAttribute("aria-level", String(this.depth + 1));
    nodeOfRow.set(this.row, this);
    this.el.appendChild(this.row);
    const keyEl = this.key === null || this.key === undefined
      ? null
      : h(doc, "span.lgw-json-key", null, String(this.key));
    if (this.kind === "array" || this.kind === "object") {
      this.el.classList.add("lgw-json-container");
      this.toggle = h(doc, "span.lgw-json-toggle", { "aria-hidden": "true" });
      this.summaryEl = h(doc, "span.lgw-json-summary");
      append3(this.row, this.toggle, keyEl, this.summaryEl);
      this.childEl = h(doc, "div.lgw-json-children", { role: "group" });
      this.el.appendChild(this.childEl);
      onActivate(this.row, (e) => {
        if (e && e.stopPropagation) e.stopPropagation();
        this.setExpanded(!this.expanded);
      });
      this.expanded = false;
      this.setExpanded(this.depth < this.expandDepth);
      this._refreshSummary();
    } else {
      this.el.classList.remove("lgw-json-container");
      this.valueEl = h(doc, "span.lgw-json-value");
      append3(this.row, h(doc, "span.lgw-json-spacer"), keyEl, this.valueEl);
      if (this.kind === "preview") renderPreview(doc, this.valueEl, value);
      else renderPrimitive(doc, this.valueEl, value);
    }
  }

  _refreshSummary() {
    setText(this.summaryEl, summary(this.value));
  }

  setExpanded(expanded) {
    if (this.kind !== "array" && this.kind !== "object") return;
    this.expanded = expanded;
    this.el.classList.toggle("lgw-collapsed", !expanded);
    this.row.setAttribute("aria-expanded", expanded ? "true" : "false");
    setText(this.toggle, expanded ? "▾" : "▸");
    show(this.childEl, expanded);
    if (expanded) this._syncChildren();
    else {
      // The tree's Tab stop (and focus) must not hide with the rows it closes.
      const stop = this.childEl.querySelector('.lgw-json-row[tabindex="0"]');
      if (stop) {
        const focused = stop.ownerDocument.activeElement === stop;
        stop.setAttribute("tabindex", "-1");
        this.row.setAttribute("tabindex", "0");
        if (focused) this.row.focus();
      }
    }
  }

  /** The first `limit` entries and how many there are (a million-item list costs `limit`, not a million). */
  _entries(limit) {
    const v = this.value;
    if (Array.isArray(v)) {
      const shown = [];
      for (let i = 0; i < Math.min(limit, v.length); i += 1) shown.push([String(i), v[i]]);
      return { shown, total: v.length };
    }
    const keys = Object.keys(v);
    return { shown: keys.slice(0, limit).map((k) => [k, v[k]]), total: keys.length };
  }

  _syncChildren() {
    const { shown, total } = this._entries(this.limit);
    const old = this.children || new Map();
    const next = new Map();
    let i = 0;
    for (const [k, v] of shown) {
      let node = old.get(k);
      if (node) node.update(v);
      else node = new JsonNode(this.doc, k, v, { depth: this.depth + 1, expandDepth: this.expandDepth });
      next.set(k, node);
      const at = this.childEl.children[i];
      if (at !== node.el) this.childEl.insertBefore(node.el, at || null);
      i += 1;
    }
    for (const [k, node] of old) {
      if (!next.has(k) && node.el.parentNode === this.childEl) this.childEl.removeChild(node.el);
    }
    if (this.moreEl && this.moreEl.parentNode) this.moreEl.parentNode.removeChild(this.moreEl);
    this.moreEl = null;
    if (total > shown.length) {
      const rest = total - shown.length;
      this.moreEl = h(this.doc, "button.lgw-json-more", { type: "button" }, `show ${Math.min(rest, CHILD_CAP)} more of ${rest}`);
      this.moreEl.addEventListener("click", (e) => {
        if (e.stopPropagation) e.stopPropagation();
        this.limit += CHILD_CAP;
        this._syncChildren();
      });
      this.childEl.appendChild(this.moreEl);
    }
    this.children = next;
  }

  update(value) {
    const kind = kindOf(value);
    if (kind !== this.kind) {
      this._build(value);
      return;
    }
    if (kind === "primitive") {
      if (value !== this.value) {
        this.value = value;
        renderPrimitive(this.doc, this.valueEl, value);
      }
      return;
    }
    if (kind === "preview") {
      if (value[PREVIEW] !== this.value[PREVIEW] || value.bytes !== this.value.bytes) {
        this.value = value;
        renderPreview(this.doc, this.valueEl, value);
      }
      return;
    }
    this.value = value;
    this._refreshSummary();
    if (this.expanded) this._syncChildren();
    else if (this.children) {
      // Stale children: dropped, rebuilt on the next expand.
      clear(this.childEl);
      this.children = null;
    }
  }
}

function append3(row, a, b, c) {
  for (const x of [a, b, c]) if (x) row.appendChild(x);
}

/** Is `row` shown (no closed container between it and the tree's element `root`)? */
function rowShown(row, root) {
  for (let el = row.parentElement; el && el !== root; el = el.parentElement) {
    if (el.hasAttribute("hidden")) return false;
  }
  return true;
}

/** The row of the container that holds `row`'s node, or null at the top. */
function parentRow(row, root) {
  const group = row.parentElement && row.parentElement.parentElement;
  if (!group || group === root || !root.contains(group)) return null;
  const parent = group.parentElement;
  return parent && parent.firstElementChild && parent.firstElementChild.classList.contains("lgw-json-row")
    ? parent.firstElementChild : null;
}

/** Pure: the row a key moves to from `index` among the shown rows, or -1. */
export function rowForKey(key, index, count) {
  if (key === "ArrowDown") return Math.min(count - 1, index + 1);
  if (key === "ArrowUp") return Math.max(0, index - 1);
  if (key === "Home") return 0;
  if (key === "End") return count - 1;
  return -1;
}

/** Convenience: a tree element for `value` (root expanded unless expandDepth 0); one Tab stop. */
export function jsonTree(doc, value, opts = {}) {
  const node = new JsonNode(doc, opts.key ?? null, value, opts);
  const root = node.el;
  root.classList.add("lgw-json");
  root.setAttribute("role", "tree");
  if (opts.label) root.setAttribute("aria-label", String(opts.label));

  const stopRow = (row) => {
    for (const r of root.querySelectorAll('.lgw-json-row[tabindex="0"]')) if (r !== row) r.setAttribute("tabindex", "-1");
    row.setAttribute("tabindex", "0");
  };
  const moveTo = (row) => {
    if (!row) return;
    stopRow(row);
    row.focus();
  };
  const ensureStop = () => {
    const stop = root.querySelector('.lgw-json-row[tabindex="0"]');
    if (!stop || !rowShown(stop, root)) stopRow(node.row);
  };
  root.addEventListener("focusin", (e) => {
    const row = e.target && e.target.closest ? e.target.closest(".lgw-json-row") : null;
    if (row && root.contains(row) && row.getAttribute("tabindex") !== "0") stopRow(row);
  });
  root.addEventListener("keydown", (e) => {
    const row = e.target;
    if (!row || !row.classList || !row.classList.contains("lgw-json-row") || !root.contains(row)) return;
    const current = nodeOfRow.get(row);
    let handled = true;
    if (e.key === "ArrowRight") {
      if (current && current.childEl && !current.expanded) current.setExpanded(true);
      else if (current && current.childEl) moveTo(current.childEl.querySelector(".lgw-json-row"));
    } else if (e.key === "ArrowLeft") {
      if (current && current.childEl && current.expanded) current.setExpanded(false);
      else moveTo(parentRow(row, root));
    } else {
      const rows = [...root.querySelectorAll(".lgw-json-row")].filter((r) => rowShown(r, root));
      const to = rowForKey(e.key, rows.indexOf(row), rows.length);
      if (to >= 0) moveTo(rows[to]);
      else handled = false;
    }
    if (handled) {
      // The notebook's shortcuts (arrows select cells) and the page's scrolling keep out.
      e.preventDefault();
      e.stopPropagation();
    }
  });
  const update = node.update.bind(node);
  node.update = (v) => {
    update(v);
    ensureStop();
  };
  ensureStop();
  return node;
}
