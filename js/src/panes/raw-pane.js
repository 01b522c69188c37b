// Raw events, fetched page by page on demand with {"type": "events"} requests, plus
// counts per mode (`counts`) and per events-mode kind (`event_kinds`), each expandable.
import { h, setText, show, clear, onActivate } from "../dom.js";
import { jsonTree } from "../json-tree.js";

export const PAGE_SIZE = 50;

export function renderRawEvent(doc, ev) {
  const e = ev || {};
  const line = h(doc, "div.lgw-raw-event-line", null,
    h(doc, "span.lgw-raw-event-index", null, typeof e.index === "number" ? `#${e.index}` : ""),
    h(doc, "span.lgw-raw-event-name", null, `event: ${e.event ?? ""}`));
  if (e.id != null && e.id !== "") line.appendChild(h(doc, "span.lgw-raw-event-id", null, `id: ${e.id}`));
  const el = h(doc, "div.lgw-raw-event", { "data-event": String(e.event ?? "") }, line,
    jsonTree(doc, e.data, { expandDepth: 0, key: "data" }).el);
  return el;
}

/** A pager over the kernel's raw events, optionally filtered by {mode} or {kind}. */
export function createPager(doc, { request, filter = {}, pageSize = PAGE_SIZE }) {
  const prev = h(doc, "button.lgw-raw-prev", { type: "button" }, "‹ prev");
  const next = h(doc, "button.lgw-raw-next", { type: "button" }, "next ›");
  const refresh = h(doc, "button.lgw-raw-refresh", { type: "button", title: "reload this page" }, "↻");
  const label = h(doc, "span.lgw-raw-range");
  const statusEl = h(doc, "span.lgw-raw-msg");
  const list = h(doc, "div.lgw-raw-events");
  const el = h(doc, "div.lgw-raw-pager", null,
    h(doc, "div.lgw-raw-controls", null, prev, label, next, refresh, statusEl), list);
  let offset = 0;
  let total = null;
  let loading = 0;
  let loaded = false;

  function controls() {
    if (total === null) setText(label, "");
    else if (total === 0) setText(label, "no events");
    else setText(label, `${Math.min(offset + 1, total)}–${Math.min(offset + pageSize, total)} of ${total}`);
    if (offset <= 0) prev.setAttribute("disabled", ""); else prev.removeAttribute("disabled");
    if (total === null || offset + pageSize >= total) next.setAttribute("disabled", ""); else next.removeAttribute("disabled");
  }

  async function load(at) {
    const token = ++loading;
    setText(statusEl, "loading…");
    try {
      const reply = await request({ type: "events", offset: Math.max(0, at), limit: pageSize, ...filter });
      if (token !== loading) return;
      if (!reply || reply.ok === false) throw new Error((reply && reply.error) || "request failed");
      const events = Array.isArray(reply.events) ? reply.events : [];
      offset = typeof reply.offset === "number" ? reply.offset : Math.max(0, at);
      total = typeof reply.total === "number" ? reply.total : offset + events.length;
      clear(list);
      for (const ev of events) list.appendChild(renderRawEvent(doc, ev));
      setText(statusEl, "");
      loaded = true;
    } catch (e) {
      if (token !== loading) return;
      setText(statusEl, `error: ${(e && e.message) || e}`);
    }
    controls();
  }

  prev.addEventListener("click", () => load(offset - pageSize));
  next.addEventListener("click", () => load(offset + pageSize));
  refresh.addEventListener("click", () => load(offset));
  controls();
  return { el, load, get loaded() { return loaded; }, get offset() { return offset; }, get total() { return total; } };
}

function createGroup(doc, { title, filterKey, request }) {
  const list = h(doc, "div.lgw-raw-kinds-list");
  const el = h(doc, "div.lgw-raw-group", { "data-group": filterKey }, h(doc, "div.lgw-raw-group-title", null, title), list);
  const rows = new Map();
  return {
    el,
    set(counts) {
      const entries = Object.entries(counts && typeof counts === "object" ? counts : {});
      show(el, entries.length > 0);
      for (const [name, n] of entries) {
        let row = rows.get(name);
        if (!row) {
          const count = h(doc, "span.lgw-raw-kind-count");
          const toggle = h(doc, "span.lgw-raw-kind-toggle", { "aria-hidden": "true" }, "▸");
          const header = h(doc, "div.lgw-raw-kind-header", { role: "button", tabindex: "0", "aria-expanded": "false" },
            toggle, h(doc, "span.lgw-raw-kind-name", null, name), count);
          const body = h(doc, "div.lgw-raw-kind-body", { hidden: true });
          const rowEl = h(doc, "div.lgw-raw-kind.lgw-collapsed", { "data-kind": name }, header, body);
          row = { el: rowEl, count, pager: null, open: false };
          onActivate(header, () => {
            row.open = !row.open;
            rowEl.classList.toggle("lgw-collapsed", !row.open);
            header.setAttribute("aria-expanded", row.open ? "true" : "false");
            setText(toggle, row.open ? "▾" : "▸");
            show(body, row.open);
            if (row.open && !row.pager) {
              row.pager = createPager(doc, { request, filter: { [filterKey]: name } });
              body.appendChild(row.pager.el);
              row.pager.load(0);
            }
          });
          rows.set(name, row);
          list.appendChild(rowEl);
        }
        setText(row.count, String(n));
      }
    },
    clear() {
      rows.clear();
      clear(list);
      show(el, false);
    },
  };
}

export function createRawPane(doc, { request }) {
  const modes = createGroup(doc, { title: "by mode", filterKey: "mode", request });
  const kinds = createGroup(doc, { title: "events-mode kinds", filterKey: "kind", request });
  let pager = createPager(doc, { request });
  const allTitle = h(doc, "div.lgw-raw-group-title", null, "all events");
  const el = h(doc, "div.lgw-raw-body", null, h(doc, "div.lgw-raw-groups", null, modes.el, kinds.el), allTitle, pager.el);
  let open = false;
  let counts = {};
  let eventKinds = {};
  return {
    el,
    setOpen(o) {
      open = o;
      if (open && !pager.loaded) pager.load(0);
    },
    setCounts(c) {
      counts = { ...(c || {}) };
      modes.set(counts);
    },
    mergeCounts(c) {
      Object.assign(counts, c || {});
      modes.set(counts);
    },
    setKinds(k) {
      eventKinds = { ...(k || {}) };
      kinds.set(eventKinds);
    },
    mergeKinds(k) {
      Object.assign(eventKinds, k || {});
      kinds.set(eventKinds);
    },
    get counts() {
      return counts;
    },
    get eventKinds() {
      return eventKinds;
    },
    get pager() {
      return pager;
    },
    reset() {
      modes.clear();
      kinds.clear();
      counts = {};
      eventKinds = {};
      const fresh = createPager(doc, { request });
      el.replaceChild(fresh.el, pager.el);
      pager = fresh;
      if (open) pager.load(0);
    },
  };
}
