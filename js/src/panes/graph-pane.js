// The assistant's graph, drawn as SVG from a layout made off the main thread (layout-service.js).
// Nodes light up as their steps run and finish; clicking one filters the step cards to it.
// Labels go in through textContent; geometry attributes are numbers from the layout. Edges end in
// arrowheads (drawn per edge: no marker ids to clash between views or shadow roots); each node
// says its name and state to a screen reader.
import { h, show, setText } from "../dom.js";
import { layoutService } from "../layout-service.js";
import { createJob } from "../render-queue.js";
import { nextBreak } from "./debugger.js";

const SVG = "http://www.w3.org/2000/svg";

function svg(doc, tag, attrs = {}) {
  const el = doc.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, typeof v === "number" ? v.toFixed(1) : v);
  return el;
}

/** The graph node a step ran as: namespace names (task ids dropped) + the step's name. */
export function nodeIdOf(step) {
  const ns = Array.isArray(step.namespace) ? step.namespace.map((p) => String(p).split(":")[0]) : [];
  return [...ns, String(step.name ?? "")].join(":");
}

/**
 * Node states from the steps: running beats error beats done. `current`: the root node that runs
 * or speaks now while the run is live (a run without task events learns of a node's step only when
 * it ends, but its tokens say who is speaking).
 */
export const NODE_STATES = ["running", "error", "interrupted", "cancelled", "done"];

export function nodeStates(steps, current = null) {
  const rank = { running: 5, error: 4, interrupted: 3, cancelled: 2, done: 1 };
  const out = new Map();
  for (const s of steps || []) {
    const id = nodeIdOf(s);
    const st = s.status;
    if (!out.has(id) || (rank[st] || 0) > (rank[out.get(id)] || 0)) out.set(id, st);
  }
  if (current) out.set(String(current), "running");
  return out;
}

/** Pure: an arrowhead at the end of the polyline `points` ([[x, y], ...]), as a path; "" if none. */
export function arrowHead(points, size = 7) {
  if (!Array.isArray(points) || points.length < 2) return "";
  const [x1, y1] = points[points.length - 2];
  const [x2, y2] = points[points.length - 1];
  const length = Math.hypot(x2 - x1, y2 - y1);
  if (!length) return "";
  const ux = (x2 - x1) / length;
  const uy = (y2 - y1) / length;
  const bx = x2 - ux * size;
  const by = y2 - uy * size;
  const half = size * 0.5;
  const f = (v) => v.toFixed(1);
  return `M${f(x2)},${f(y2)} L${f(bx - uy * half)},${f(by + ux * half)} L${f(bx + uy * half)},${f(by - ux * half)} Z`;
}

/** What a screen reader hears for a node: its name and state. */
export function nodeLabel(label, state) {
  return `${label}: ${state || "not run"}`;
}

/** A root node a breakpoint can name (not the graph's start or end, not a subgraph's node). */
export const breakable = (id) => !String(id).includes(":") && id !== "__start__" && id !== "__end__";

export function createGraphPane(doc, { onSelect, onBreak = null, layouts = layoutService(), queue } = {}) {
  const el = h(doc, "div.lgw-graph", { hidden: true });
  const note = h(doc, "div.lgw-graph-note");
  el.appendChild(note);
  let nodeEls = new Map();
  let labels = new Map(); // node id -> its label
  let selected = null;
  let svgEl = null;
  // Laid out only once the pane is opened, and then off the main thread.
  let open = false;
  let graph = null;
  let drawn = true; // nothing to draw yet
  let steps = [];
  let current = null;
  let breaks = {}; // node → "before" | "after": the view's breakpoints
  let stopped = new Set(); // the nodes a breakpoint stop names
  let threaded = false; // breakpoints apply to threaded runs: a click cycles them there
  // The nodes' colours follow the steps: once per slice, however many deltas came meanwhile.
  const paintJob = createJob(() => {
    paintStates();
    return false;
  }, queue);

  function select(id) {
    selected = selected === id ? null : id;
    for (const [nid, g] of nodeEls) {
      g.classList.toggle("lgw-node-selected", nid === selected);
      g.setAttribute("aria-pressed", nid === selected ? "true" : "false");
    }
    setText(note, selected ? "showing the steps of one node; click it again for all" : "");
    if (onSelect) onSelect(selected ? selected.split(":").pop() : null);
  }

  function requestDrawing() {
    drawn = true;
    const wanted = graph;
    if (!wanted) {
      draw(null);
      return;
    }
    layouts.layout(wanted, (layout) => {
      if (graph === wanted) draw(layout);
    });
  }

  function draw(layout) {
    if (svgEl) svgEl.remove();
    svgEl = null;
    nodeEls = new Map();
    labels = new Map();
    if (!layout) {
      setText(note, graph ? "the graph could not be laid out" : "");
      return;
    }
    const { width, height } = layout;
    svgEl = svg(doc, "svg", { class: "lgw-graph-svg", width, height, viewBox: `0 0 ${width.toFixed(1)} ${height.toFixed(1)}` });
    for (const n of layout.clusters) {
      const box = svg(doc, "g", { class: "lgw-cluster" });
      box.appendChild(svg(doc, "rect", { x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height, rx: 6 }));
      const label = svg(doc, "text", { x: n.x - n.width / 2 + 6, y: n.y - n.height / 2 + 12 });
      label.textContent = n.label;
      box.appendChild(label);
      svgEl.appendChild(box);
    }
    for (const e of layout.edges) {
      const d = e.points.map(([x, y], i) => `${i ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`).join(" ");
      svgEl.appendChild(svg(doc, "path", { d, class: e.conditional ? "lgw-edge lgw-edge-conditional" : "lgw-edge" }));
      const head = arrowHead(e.points);
      if (head) svgEl.appendChild(svg(doc, "path", { d: head, class: "lgw-edge-arrow" }));
    }
    for (const n of layout.nodes) {
      const id = n.id;
      const node = svg(doc, "g", { class: "lgw-node", "data-node": id, tabindex: "0", role: "button",
        "aria-label": nodeLabel(n.label, null), "aria-pressed": "false" });
      labels.set(id, n.label);
      node.appendChild(svg(doc, "rect", { x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height, rx: 4 }));
      const label = svg(doc, "text", { x: n.x, y: n.y + 4, "text-anchor": "middle" });
      label.textContent = n.label;
      node.appendChild(label);
      // On a threaded view a click cycles the node's breakpoint (Shift+click, or "f", filters the
      // cards); on a stateless one, where breakpoints do nothing, it filters.
      const activate = (filter) => {
        if (filter || !threaded || !onBreak || !breakable(id)) select(id);
        else onBreak(id, nextBreak(breaks[id]));
      };
      node.addEventListener("click", (ev) => activate(ev.shiftKey));
      node.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter" || ev.key === " " || ev.key === "f") {
          ev.preventDefault(); // Space would scroll the page
          ev.stopPropagation(); // and Enter would open the notebook cell's editor
          activate(ev.key === "f" || ev.shiftKey);
        }
      });
      nodeEls.set(id, node);
      svgEl.appendChild(node);
    }
    el.appendChild(svgEl);
    paintStates();
  }

  function paintStates() {
    if (!nodeEls.size) return;
    const states = nodeStates(steps, current);
    for (const [id, node] of nodeEls) {
      const st = states.get(id);
      for (const s of NODE_STATES) node.classList.toggle(`lgw-node-${s}`, st === s);
      const when = breaks[id];
      node.setAttribute("aria-label", nodeLabel(labels.get(id) ?? id, st) + (when ? `, breakpoint ${when}` : ""));
      if (when) node.setAttribute("data-break", when);
      else node.removeAttribute("data-break");
      node.classList.toggle("lgw-node-stopped", stopped.has(id));
    }
  }

  return {
    el,
    get nodes() {
      return nodeEls;
    },
    setGraph(value) {
      const empty = !value || !Array.isArray(value.nodes) || value.nodes.length === 0;
      show(el, !empty);
      graph = empty ? null : value;
      drawn = false;
      if (open) requestDrawing();
    },
    /** The section was opened or closed: draw on the first opening after a change. */
    setOpen(value) {
      open = !!value;
      if (open && !drawn) requestDrawing();
    },
    setSteps(value) {
      steps = Array.isArray(value) ? value : [];
      if (nodeEls.size) paintJob.request();
    },
    destroy() {
      paintJob.cancel();
    },
    /** The view's breakpoints, whether they apply (a threaded view), and the nodes a stop names. */
    setBreakpoints(value, isThreaded) {
      breaks = value && typeof value === "object" ? value : {};
      threaded = !!isThreaded;
      paintStates();
    },
    setStopped(nodes) {
      stopped = new Set(Array.isArray(nodes) ? nodes.map(String) : []);
      paintStates();
    },
    /** The root node running now (null once the run is over). */
    setCurrent(name) {
      const next = name || null;
      if (next === current) return;
      current = next;
      paintStates();
    },
  };
}
