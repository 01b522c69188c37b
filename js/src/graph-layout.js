// The assistant's graph laid out by dagre (bundled, MIT): plain numbers, ready to draw. Runs in
// a worker (layout-service.js): dagre takes 20-250 ms for a graph of 5-50 nodes with subgraphs.

import dagre from "@dagrejs/dagre";

const CHAR_WIDTH = 7;
const NODE_HEIGHT = 28;

/** "child:research" → its cluster "child" (subgraph nodes of an xray drawing); null at the root. */
export function clusterOf(id) {
  const i = id.lastIndexOf(":");
  return i > 0 ? id.slice(0, i) : null;
}

/**
 * `{nodes, edges}` → `{width, height, clusters: [{x, y, width, height, label}],
 * edges: [{points: [[x, y], ...], conditional}], nodes: [{id, x, y, width, height, label}]}`
 * (x, y: the centre of a box).
 */
export function layoutGraph(graph) {
  const g = new dagre.graphlib.Graph({ compound: true });
  g.setGraph({ rankdir: "TB", nodesep: 24, ranksep: 32, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = (graph && Array.isArray(graph.nodes) ? graph.nodes : []).map((n) => String(n.id));
  const clusters = new Set();
  for (const id of ids) {
    const label = (id.split(":").pop() || id).replace(/^__(start|end)__$/, "$1");
    g.setNode(id, { label, width: Math.max(48, label.length * CHAR_WIDTH + 20), height: NODE_HEIGHT });
    for (let c = clusterOf(id); c; c = clusterOf(c)) clusters.add(c);
  }
  for (const c of clusters) if (!g.hasNode(c)) g.setNode(c, { label: c.split(":").pop(), cluster: true });
  for (const id of [...ids, ...clusters]) {
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
  const box = (n) => ({ x: n.x, y: n.y, width: n.width, height: n.height, label: String(n.label) });
  const out = { width: g.graph().width || 0, height: g.graph().height || 0, clusters: [], edges: [], nodes: [] };
  for (const id of g.nodes()) {
    const n = g.node(id);
    if (!n) continue;
    if (n.cluster) out.clusters.push(box(n));
    else out.nodes.push({ id, ...box(n) });
  }
  for (const e of g.edges()) {
    const data = g.edge(e);
    out.edges.push({ points: (data.points || []).map((p) => [p.x, p.y]), conditional: !!data.conditional });
  }
  return out;
}
