// The Timeline pane: one lane per node (per namespace), a bar per task from its start to its end
// (growing to "now" while it runs), a tick at its first token. A node run again (a loop) stays on
// its lane; tasks of one node that overlap (a fan-out of the same node) get lanes of their own.
// A subgraph's lanes come right under the lane of the task that runs it, indented.
//
// Rows are virtualised: only the lanes in (or near) the scrolled view have elements, so a run of
// thousands of tasks draws a screenful at a time. Drawing runs as a render-queue job: the lanes are
// laid out in slices, and only again for what changed (lane-layout.js); a bar is set again only
// when its span, the scale or (while it runs) the clock changed.
// Every run string goes in as text (node names, titles): nothing becomes markup.
import { h, setText, clear } from "../dom.js";
import { formatDuration } from "../format.js";
import { createJob } from "../render-queue.js";
import { createLaneLayout, laneRows } from "./lane-layout.js";

export const ROW_PX = 20;
const VIEW_PX = 320; // the pane's height before the browser says (no layout yet: saved pages, tests)
const OVERSCAN = 10; // lanes drawn above and below the view

const num = (v) => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** The card a span opens: its id less the `#run` of a task run again after an interrupt. */
export const stepKeyOf = (span) => String(span.id).split("#")[0];

export { laneRows };

const SVG = "http://www.w3.org/2000/svg";
const pct = (fraction) => `${Math.round(Math.min(1, Math.max(0, fraction)) * 10000) / 100}%`;
const LABEL_CHARS = 22;

function svg(doc, tag, attrs = {}) {
  const el = doc.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, typeof v === "number" ? String(Math.round(v * 100) / 100) : v);
  return el;
}

// Drawn as SVG: positions are attributes, never a style (no style attribute anywhere in a view).
export function createTimelinePane(doc, { onSelect, queue, onCount } = {}) {
  const spans = new Map(); // id -> span
  let usage = null;
  let now = 0;
  const layout = createLaneLayout();
  const body = svg(doc, "svg", { class: "lgw-timeline-body", width: "100%", height: 0 });
  const axis = h(doc, "div.lgw-timeline-axis");
  const el = h(doc, "div.lgw-timeline", { "aria-label": "timeline of the run's tasks" }, axis, body);
  const laneEls = new Map(); // lane key -> {el, label, name, track, bars: Map(id -> bar)}

  // Where the pane is scrolled to and how tall it shows, as of the last scroll event and resize:
  // reading them in a drawing job forced the browser to lay out the whole page first (the text
  // pane's 1 MB of text included), 40-180 ms a slice at 50,000 tokens.
  let viewTop = 0;
  let viewHeight = 0;
  el.addEventListener("scroll", () => {
    viewTop = el.scrollTop || 0;
    job.request();
  });
  const win = doc.defaultView;
  const resizes = win && typeof win.ResizeObserver === "function"
    ? new win.ResizeObserver((entries) => {
      viewHeight = entries[entries.length - 1].contentRect.height;
      job.request();
    })
    : null;
  if (resizes) resizes.observe(el);

  const job = createJob((timeUp) => {
    if (layout.work(timeUp)) return true;
    draw();
    return false;
  }, queue);
  const request = (changed = null, removed = []) => {
    layout.update(spans, changed, removed);
    job.request();
  };

  function total() {
    let t = now;
    for (const s of spans.values()) t = Math.max(t, num(s.end) ?? 0, num(s.start) ?? 0, num(s.first_token) ?? 0);
    return t > 0 ? t : 1;
  }

  function title(span, end) {
    const parts = [span.node];
    if (end !== null) parts.push(formatDuration(end - (num(span.start) ?? 0)));
    else parts.push("running");
    if (span.tokens) parts.push(`${span.tokens} tokens`);
    if (span.first_token != null) parts.push(`first token after ${formatDuration(span.first_token - (num(span.start) ?? 0))}`);
    const u = usage && usage.by_node && usage.by_node[span.node];
    if (u) parts.push(`node usage: ${u.input_tokens} in, ${u.output_tokens} out (${u.calls} calls)`);
    if (span.status && span.status !== "done") parts.push(String(span.status));
    parts.push(span.clock === "server" ? "server clock" : "arrival clock");
    return parts.join(" · ");
  }

  function drawBar(lane, span, scale) {
    let bar = lane.bars.get(span.id);
    if (bar && bar.span === span && bar.scale === scale && bar.usage === usage && (span.end != null || bar.now === now)) return;
    if (!bar) {
      const tip = svg(doc, "title");
      const tick = svg(doc, "rect", { class: "lgw-span-tick", y: 0, width: 2, height: 12 });
      const rect = svg(doc, "rect", { class: "lgw-span-bar", y: 2, height: 8 });
      bar = { el: svg(doc, "g", { class: "lgw-span", "data-id": String(span.id), role: "button", tabindex: "0" }), tip, tick, rect };
      bar.el.appendChild(tip);
      bar.el.appendChild(rect);
      bar.el.appendChild(tick);
      bar.el.addEventListener("click", () => onSelect && onSelect(stepKeyOf(bar.span)));
      bar.el.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          if (onSelect) onSelect(stepKeyOf(bar.span));
        }
      });
      lane.bars.set(span.id, bar);
      lane.track.appendChild(bar.el);
    }
    bar.span = span;
    bar.scale = scale;
    bar.usage = usage;
    bar.now = now;
    const start = num(span.start) ?? 0;
    const end = num(span.end);
    const shownEnd = end ?? Math.max(start, now);
    bar.el.setAttribute("data-node", String(span.node ?? ""));
    bar.el.setAttribute("data-status", String(span.status ?? ""));
    bar.el.setAttribute("aria-label", title(span, end));
    setText(bar.tip, title(span, end));
    // percentages of the track: no view box to stretch, a bar at least 2 px wide (CSS)
    bar.rect.setAttribute("x", pct(start / scale));
    bar.rect.setAttribute("width", pct(Math.max(0, shownEnd - start) / scale));
    const first = num(span.first_token);
    if (first === null) bar.tick.setAttribute("hidden", "");
    else {
      bar.tick.setAttribute("x", pct(first / scale));
      bar.tick.removeAttribute("hidden");
    }
  }

  function newLane(row) {
    const name = svg(doc, "text", { class: "lgw-lane-label", y: 14 });
    const tip = svg(doc, "title");
    const label = svg(doc, "svg", { x: 0, y: 0, width: "22%", height: ROW_PX }); // clips a long name
    label.appendChild(tip);
    label.appendChild(name);
    const track = svg(doc, "svg", { class: "lgw-lane-track", x: "23%", y: 4, width: "76%", height: 12 });
    const g = svg(doc, "svg", { class: "lgw-lane", "data-lane": row.key, x: 0, width: "100%", height: ROW_PX });
    g.appendChild(svg(doc, "rect", { class: "lgw-lane-bg", x: 0, y: 0, width: "100%", height: ROW_PX }));
    g.appendChild(label);
    g.appendChild(track);
    return { el: g, label, name, tip, track, bars: new Map() };
  }

  function draw() {
    const rows = layout.rows();
    const scale = total();
    setText(axis, spans.size ? `${spans.size} task${spans.size === 1 ? "" : "s"} · ${formatDuration(scale)}` : "");
    body.setAttribute("height", String(rows.length * ROW_PX));
    const height = viewHeight || VIEW_PX;
    const first = Math.max(0, Math.floor(viewTop / ROW_PX) - OVERSCAN);
    const last = Math.min(rows.length, Math.ceil((viewTop + height) / ROW_PX) + OVERSCAN);
    const wanted = new Set();
    for (let i = first; i < last; i++) {
      const row = rows[i];
      wanted.add(row.key);
      let lane = laneEls.get(row.key);
      if (!lane) {
        lane = newLane(row);
        laneEls.set(row.key, lane);
        body.appendChild(lane.el);
      }
      lane.el.setAttribute("y", String(i * ROW_PX));
      lane.name.setAttribute("x", String(4 + row.depth * 12));
      // a name stays whole or ends in an ellipsis; the full name is its title
      setText(lane.name, row.node.length > LABEL_CHARS ? `${row.node.slice(0, LABEL_CHARS - 1)}…` : row.node);
      setText(lane.tip, row.node);
      const ids = new Set(row.spans.map((s) => s.id));
      for (const [id, bar] of lane.bars) {
        if (!ids.has(id)) {
          bar.el.remove();
          lane.bars.delete(id);
        }
      }
      for (const span of row.spans) drawBar(lane, span, scale);
    }
    for (const [key, lane] of laneEls) {
      if (!wanted.has(key)) {
        lane.el.remove();
        laneEls.delete(key);
      }
    }
  }

  const notify = () => onCount && onCount(spans.size);

  return {
    el,
    setAll(list) {
      spans.clear();
      for (const s of Array.isArray(list) ? list : []) if (s && s.id != null) spans.set(s.id, s);
      request();
      notify();
    },
    upsert(list, removed) {
      for (const id of removed || []) spans.delete(id);
      const changed = (list || []).filter((s) => s && s.id != null);
      for (const s of changed) spans.set(s.id, s);
      request(changed, removed || []);
      notify();
    },
    /** The run's clock (seconds): bars still running grow to it. */
    setNow(seconds) {
      const t = num(seconds) ?? 0;
      if (t === now) return;
      now = t;
      job.request();
    },
    setUsage(value) {
      usage = value && typeof value === "object" ? value : null;
      job.request();
    },
    clear() {
      spans.clear();
      now = 0;
      for (const lane of laneEls.values()) lane.el.remove();
      laneEls.clear();
      request();
      notify();
    },
    destroy() {
      job.cancel();
      if (resizes) resizes.disconnect();
    },
  };
}

const COLUMNS = [["input_tokens", "input"], ["output_tokens", "output"], ["total_tokens", "total"], ["calls", "calls"]];

/** The usage table: a row per node, per model and per subgraph, and the totals. */
export function createUsagePane(doc) {
  const el = h(doc, "div.lgw-usage");
  let shown = "";

  function row(kind, name, counts) {
    return h(doc, "tr", { "data-kind": kind },
      h(doc, "th", { title: name }, name),
      ...COLUMNS.map(([k]) => h(doc, "td", null, String((counts && counts[k]) ?? 0))));
  }

  function set(value) {
    const usage = value && typeof value === "object" ? value : {};
    const sig = JSON.stringify(usage);
    if (sig === shown) return;
    shown = sig;
    clear(el);
    const total = usage.total || {};
    if (!total.calls) return;
    const groups = [["by_node", "node"], ["by_model", "model"], ["by_namespace", "subgraph"]];
    const body = [];
    for (const [field, kind] of groups) {
      const entries = Object.entries(usage[field] || {});
      if (field === "by_namespace" && entries.every(([ns]) => ns === "")) continue;
      body.push(h(doc, "tr.lgw-usage-group", null, h(doc, "th", null, `by ${kind}`), ...COLUMNS.map(() => h(doc, "td"))));
      for (const [name, counts] of entries) body.push(row(kind, name || "(root graph)", counts));
    }
    el.appendChild(h(doc, "table.lgw-usage-table", null,
      h(doc, "thead", null, h(doc, "tr", null, h(doc, "th", null, "tokens"), ...COLUMNS.map(([, label]) => h(doc, "th", null, label)))),
      h(doc, "tbody", null, ...body),
      h(doc, "tfoot", null, row("total", "total", total))));
  }

  return { el, set, clear: () => set(null) };
}
