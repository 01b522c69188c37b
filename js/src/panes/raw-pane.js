// Raw events, fetched page by page on demand with {"type": "events"} requests, plus
// counts per mode (`counts`) and per events-mode kind (`event_kinds`), each expandable.
// The list of all events goes to its first or last page, or to an event by its number; a
// search reads the events page by page and lists those whose JSON holds the words asked for.
import { h, setText, show, clear, onActivate } from "../dom.js";
import { jsonTree } from "../json-tree.js";

export const PAGE_SIZE = 50;
/** Events per request while searching (the kernel's most per page). */
export const SEARCH_PAGE = 500;
/** Matches listed by a search. */
export const SEARCH_SHOWN = 50;

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
  const first = h(doc, "button.lgw-raw-first", { type: "button", title: "first page" }, "«");
  const prev = h(doc, "button.lgw-raw-prev", { type: "button" }, "‹ prev");
  const next = h(doc, "button.lgw-raw-next", { type: "button" }, "next ›");
  const last = h(doc, "button.lgw-raw-last", { type: "button", title: "last page" }, "»");
  const refresh = h(doc, "button.lgw-raw-refresh", { type: "button", title: "reload this page" }, "↻");
  const label = h(doc, "span.lgw-raw-range");
  const statusEl = h(doc, "span.lgw-raw-msg");
  const list = h(doc, "div.lgw-raw-events");
  // Unfiltered, a position is the event's number (#n): "go to" starts the page there.
  const goto = h(doc, "input.lgw-raw-goto", { type: "number", min: "0" });
  const gotoLabel = h(doc, "label.lgw-raw-goto-label", null, "go to #", goto);
  const el = h(doc, "div.lgw-raw-pager", null,
    h(doc, "div.lgw-raw-controls", null, first, prev, label, next, last, refresh, gotoLabel, statusEl), list);
  let offset = 0;
  let total = null;
  let loading = 0;
  let loaded = false;

  function controls() {
    if (total === null) setText(label, "");
    else if (total === 0) setText(label, "no events");
    else setText(label, `${Math.min(offset + 1, total)}–${Math.min(offset + pageSize, total)} of ${total}`);
    for (const b of [first, prev]) {
      if (offset <= 0) b.setAttribute("disabled", ""); else b.removeAttribute("disabled");
    }
    for (const b of [next, last]) {
      if (total === null || offset + pageSize >= total) b.setAttribute("disabled", ""); else b.removeAttribute("disabled");
    }
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

  first.addEventListener("click", () => load(0));
  prev.addEventListener("click", () => load(offset - pageSize));
  next.addEventListener("click", () => load(offset + pageSize));
  last.addEventListener("click", () => load(Math.max(0, (total ?? 0) - pageSize)));
  goto.addEventListener("keydown", (e) => {
    if (e.key !== "Enter") return;
    e.preventDefault();
    const n = Number.parseInt(goto.value, 10);
    if (Number.isFinite(n)) load(Math.max(0, total === null ? n : Math.min(n, total - 1)));
  });
  refresh.addEventListener("click", () => load(offset));
  controls();
  return { el, load, get loaded() { return loaded; }, get offset() { return offset; }, get total() { return total; } };
}

/**
 * Search: every event is read, SEARCH_PAGE at a time, and those whose JSON holds the query
 * (case-insensitive) are listed, the first SEARCH_SHOWN of them. A new query stops the last one.
 */
export function createSearch(doc, { request, pageSize = SEARCH_PAGE, shown = SEARCH_SHOWN }) {
  const input = h(doc, "input.lgw-raw-search-input", { type: "search" });
  const button = h(doc, "button.lgw-raw-search-go", { type: "button" }, "Search");
  const statusEl = h(doc, "span.lgw-raw-search-msg", { role: "status" });
  const list = h(doc, "div.lgw-raw-events.lgw-raw-search-results");
  const el = h(doc, "div.lgw-raw-search", null,
    h(doc, "div.lgw-raw-controls", null, h(doc, "label.lgw-raw-search-label", null, "search events ", input), button, statusEl),
    list);
  let token = 0;

  async function search(query) {
    const mine = ++token;
    clear(list);
    if (!query) {
      setText(statusEl, "");
      return;
    }
    const needle = query.toLowerCase();
    let offset = 0;
    let total = null;
    let found = 0;
    while (total === null || offset < total) {
      setText(statusEl, `searching… ${offset} of ${total ?? "?"} events`);
      let reply;
      try {
        reply = await request({ type: "events", offset, limit: pageSize });
      } catch (e) {
        reply = { ok: false, error: (e && e.message) || String(e) };
      }
      if (mine !== token) return;
      if (!reply || reply.ok === false) {
        setText(statusEl, `error: ${(reply && reply.error) || "request failed"}`);
        return;
      }
      const events = Array.isArray(reply.events) ? reply.events : [];
      total = typeof reply.total === "number" ? reply.total : offset + events.length;
      for (const ev of events) {
        if (!JSON.stringify(ev).toLowerCase().includes(needle)) continue;
        found += 1;
        if (found <= shown) list.appendChild(renderRawEvent(doc, ev));
      }
      if (!events.length) break;
      offset += events.length;
    }
    const more = found > shown ? `, the first ${shown} shown` : "";
    setText(statusEl, `${found} of ${total} events match${more}`);
  }

  input.addEventListener("keydown", (e) => {
    if (e.key !== "Enter") return;
    e.preventDefault();
    search(input.value.trim());
  });
  button.addEventListener("click", () => search(input.value.trim()));
  return { el, search };
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
  const search = createSearch(doc, { request });
  const allTitle = h(doc, "div.lgw-raw-group-title", null, "all events");
  const el = h(doc, "div.lgw-raw-body", null, h(doc, "div.lgw-raw-groups", null, modes.el, kinds.el), search.el, allTitle, pager.el);
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
    get search() {
      return search;
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
