// The assistant's graph, laid out by dagre (bundled, MIT) and drawn as SVG. Nodes light up
// as their steps run and finish; clicking one filters the step cards to it.
// Labels go in through textContent; geometry attributes are numbers from the layout.
import dagre from "@dagrejs/dagre";
import { h, show, setText } from "../dom.js";

const SVG = "http://www.w3.org/2000/svg";
const CHAR_WIDTH = 7;
const NODE_HEIGHT = 28;

function svg(doc, tag, attrs = {}) {
  const el = doc.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, typeof v === "number" ? v.toFixed(1) : v);
  return el;
}

/** "child:research" → its cluster "child" (subgraph nodes of an xray drawing); null at the root. */
export function clusterOf(id) {
  const i = id.lastIndexOf(":");
  return i > 0 ? id.slice(0, i) : null;
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
export function nodeStates(steps, current = null) {
  const rank = { running: 3, error: 2, interrupted: 2, done: 1 };
  const out = new Map();
  for (const s of steps || []) {
    const id = nodeIdOf(s);
    const st = s.status === "cancelled" ? "error" : s.status;
    if (!out.has(id) || (rank[st] || 0) > (rank[out.get(id)] || 0)) out.set(id, st);
  }
  if (current) out.set(String(current), "running");
  return out;
}

export function layoutGraph(graph) {
  const g = new dagre.graphlib.Graph({ compound: true });
  g.setGraph({ rankdir: "TB", nodesep: 24, ranksep: 32, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  const nodes = (graph && Array.isArray(graph.nodes) ? graph.nodes : []).map((n) => String(n.id));
  const clusters = new Set();
  for (const id of nodes) {
    const label = (id.split(":").pop() || id).replace(/^__(start|end)__$/, "$1");
    g.setNode(id, { label, width: Math.max(48, label.length * CHAR_WIDTH + 20), height: NODE_HEIGHT });
    for (let c = clusterOf(id); c; c = clusterOf(c)) clusters.add(c);
  }
  for (const c of clusters) if (!g.hasNode(c)) g.setNode(c, { label: c.split(":").pop(), cluster: true });
  for (const id of [...nodes, ...clusters]) {
    const c = clusterOf(id);
    if (c) g.setParent(id, c);
  }
  for (const e of graph && Array.isArray(graph.edges) ? graph.edges : []) {
    const v = String(e.source), w = String(e.target);
    if (g.hasNode(v) && g.hasNode(w) && !clusters.has(v) && !clusters.has(w)) {
      g.setEdge(v, w, { conditional: !!e.conditional });
    }
  }
  dagre.layout(g);
  return g;
}

export function createGraphPane(doc, { onSelect } = {}) {
  const el = h(doc, "div.lgw-graph", { hidden: true });
  const note = h(doc, "div.lgw-graph-note");
  el.appendChild(note);
  let nodeEls = new Map();
  let selected = null;
  let svgEl = null;
  // The layout costs ~20 ms a view in JupyterLab: it waits until the pane is opened.
  let open = false;
  let graph = null;
  let drawn = true; // nothing to draw yet
  let steps = [];
  let current = null;

  function select(id) {
    selected = selected === id ? null : id;
    for (const [nid, g] of nodeEls) g.classList.toggle("lgw-node-selected", nid === selected);
    setText(note, selected ? "showing the steps of one node; click it again for all" : "");
    if (onSelect) onSelect(selected ? selected.split(":").pop() : null);
  }

  function draw() {
    drawn = true;
    if (svgEl) svgEl.remove();
    svgEl = null;
    nodeEls = new Map();
    if (!graph) return;
    const g = layoutGraph(graph);
    const size = g.graph();
    svgEl = svg(doc, "svg", { class: "lgw-graph-svg", width: size.width || 0, height: size.height || 0,
      viewBox: `0 0 ${(size.width || 0).toFixed(1)} ${(size.height || 0).toFixed(1)}` });
    for (const id of g.nodes()) {
      const n = g.node(id);
      if (!n || !n.cluster) continue;
      const box = svg(doc, "g", { class: "lgw-cluster" });
      box.appendChild(svg(doc, "rect", { x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height, rx: 6 }));
      const label = svg(doc, "text", { x: n.x - n.width / 2 + 6, y: n.y - n.height / 2 + 12 });
      label.textContent = n.label;
      box.appendChild(label);
      svgEl.appendChild(box);
    }
    for (const e of g.edges()) {
      const data = g.edge(e);
      const d = (data.points || []).map((p, i) => `${i ? "L" : "M"}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ");
      svgEl.appendChild(svg(doc, "path", { d, class: data.conditional ? "lgw-edge lgw-edge-conditional" : "lgw-edge" }));
    }
    for (const id of g.nodes()) {
      const n = g.node(id);
      if (!n || n.cluster) continue;
      const node = svg(doc, "g", { class: "lgw-node", "data-node": id, tabindex: "0", role: "button" });
      node.appendChild(svg(doc, "rect", { x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height, rx: 4 }));
      const label = svg(doc, "text", { x: n.x, y: n.y + 4, "text-anchor": "middle" });
      label.textContent = n.label;
      node.appendChild(label);
      node.addEventListener("click", () => select(id));
      node.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter" || ev.key === " ") select(id);
      });
      nodeEls.set(id, node);
      svgEl.appendChild(node);
    }
    el.appendChild(svgEl);
    paintStates();
  }

  function paintStates() {
    const states = nodeStates(steps, current);
    for (const [id, node] of nodeEls) {
      const st = states.get(id);
      for (const s of ["running", "done", "error", "interrupted"]) node.classList.toggle(`lgw-node-${s}`, st === s);
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
      if (open) draw();
    },
    /** The section was opened or closed: draw on the first opening after a change. */
    setOpen(value) {
      open = !!value;
      if (open && !drawn) draw();
    },
    setSteps(value) {
      steps = Array.isArray(value) ? value : [];
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
