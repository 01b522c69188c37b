// The Timeline pane's lanes, kept up to date as spans change instead of laid out again each frame.
//
// The layout places spans in the order they started: a node's span goes on the node's lane that is
// free soonest (free by the span's start), else on a new lane; a subgraph's lanes come right under
// the lane of the task that runs them. A live run's changes are mostly of two kinds, and both keep
// every earlier decision: new spans that start no earlier than the last placed one (placed next,
// as a full layout would), and a running span that ends while no later span of its node could have
// used its lane. Anything else (a span removed, moved, or ending where a later task of its node
// could now fit) lays everything out again, in slices (`work(timeUp)`). The result always equals
// `laneRows(spans)` of the same spans: the unit tests check it.

const EPS = 1e-9;
const plainNs = (ns) => (Array.isArray(ns) ? ns.map((p) => String(p).split(":")[0]) : []);
const num = (v) => (typeof v === "number" && Number.isFinite(v) ? v : null);
const startOf = (span) => num(span.start) ?? 0;
const baseOf = (span) => `${plainNs(span.namespace).join("|")}/${span.node}`;
/** A lane's end after `span` joins it: a running span keeps it busy for good. */
const endAfter = (end, span) => (span.end == null ? Infinity : Math.max(end, num(span.end) ?? 0));
// Whether a span's change moves it: where it goes depends on these (and on its end, checked apart).
const placedBy = (span) => JSON.stringify([startOf(span), span.node, plainNs(span.namespace), span.parent ?? null]);

// A node's lanes as a binary min-heap by (end, order made): ties never depend on the heap's history,
// so placing the same spans gives the same lanes however their ends became known.
const before = (a, b) => a.end < b.end || (a.end === b.end && a.order < b.order);

function swap(heap, i, j) {
  [heap[i], heap[j]] = [heap[j], heap[i]];
  heap[i].slot = i;
  heap[j].slot = j;
}

function siftUp(heap, i) {
  while (i > 0) {
    const up = (i - 1) >> 1;
    if (!before(heap[i], heap[up])) break;
    swap(heap, i, up);
    i = up;
  }
}

function siftDown(heap, i) {
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < heap.length && before(heap[l], heap[m])) m = l;
    if (r < heap.length && before(heap[r], heap[m])) m = r;
    if (m === i) return;
    swap(heap, i, m);
    i = m;
  }
}

function heapPush(heap, lane) {
  lane.slot = heap.length;
  heap.push(lane);
  siftUp(heap, lane.slot);
}

function heapPop(heap) {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length) {
    heap[0] = last;
    last.slot = 0;
    siftDown(heap, 0);
  }
  top.slot = -1;
  return top;
}

/** A lane whose end changed, put back in its place in the heap. */
function heapFix(heap, lane) {
  if (lane.slot < 0) return;
  siftUp(heap, lane.slot);
  siftDown(heap, lane.slot);
}

export function createLaneLayout() {
  let lanes; // lane key -> lane {key, node, depth, spans, end, order, slot}
  let families; // namespace/node -> {heap, count, lastStart, last: id of its last placed span}
  let placed; // span id -> {lane, index in lane.spans, base, by}
  let children; // parent lane key ('' for the root) -> [lane keys]
  let lastStart;
  let rows;
  let pending = null; // a layout from scratch in progress: spans in start order, and how far it got
  let current = new Map(); // span id -> span: what the layout is of
  let queued = []; // spans to place next, in start order (an incremental change)
  let fromScratch = 0;

  function reset() {
    lanes = new Map();
    families = new Map();
    placed = new Map();
    children = new Map();
    lastStart = -Infinity;
    rows = [];
  }
  reset();

  function place(span) {
    const ns = plainNs(span.namespace);
    const base = baseOf(span);
    const start = startOf(span);
    let family = families.get(base);
    if (!family) families.set(base, (family = { heap: [], count: 0, lastStart: -Infinity, last: null }));
    const heap = family.heap;
    let lane = heap.length && start >= heap[0].end - EPS ? heapPop(heap) : null;
    if (!lane) {
      const key = `${base}#${family.count}`;
      family.count += 1;
      lane = { key, node: String(span.node ?? ""), depth: ns.length, spans: [], end: -Infinity, order: lanes.size, slot: -1 };
      lanes.set(key, lane);
      const parent = span.parent != null ? placed.get(String(span.parent)) : undefined;
      const under = parent ? parent.lane.key : ns.length ? `?${ns.join("|")}` : "";
      if (!children.has(under)) children.set(under, []);
      children.get(under).push(key);
      rows = null;
    }
    lane.spans.push(span);
    lane.end = endAfter(lane.end, span);
    heapPush(heap, lane);
    placed.set(String(span.id), { lane, index: lane.spans.length - 1, base, by: placedBy(span) });
    family.lastStart = start;
    family.last = String(span.id);
    lastStart = start;
  }

  /** Whether `span`, already placed, can take its new values without moving any span. */
  function takeInPlace(span) {
    const at = placed.get(String(span.id));
    if (!at || at.by !== placedBy(span)) return false;
    const { lane, index } = at;
    const old = lane.spans[index];
    lane.spans[index] = span;
    if (old.end === span.end) return true;
    if (index !== lane.spans.length - 1) return false; // a later span of its lane was placed by its end
    const family = families.get(at.base);
    const oldEnd = lane.end;
    lane.end = lane.spans.reduce(endAfter, -Infinity);
    // later spans of its node saw this lane busy (or free) by its old end: still so by the new one?
    const busy = (end) => end > family.lastStart + EPS;
    if (family.last !== String(span.id) && !(busy(oldEnd) && busy(lane.end))) return false;
    heapFix(family.heap, lane);
    return true;
  }

  function rowsNow() {
    if (rows) return rows;
    rows = [];
    const seen = new Set();
    const visit = (key) => {
      if (seen.has(key)) return;
      seen.add(key);
      rows.push(lanes.get(key));
      for (const child of children.get(key) || []) visit(child);
    };
    for (const key of children.get("") || []) visit(key);
    for (const key of lanes.keys()) visit(key); // lanes whose parent never showed up
    return rows;
  }

  const byStart = (list) => list.map((span, i) => [startOf(span), i, span]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((e) => e[2]);

  return {
    /**
     * The spans are now `spans` (a Map id -> span, in the order they came), of which `changed`
     * (spans) changed or came and `removed` (ids) went. Call `work` until it returns false.
     */
    update(spans, changed = null, removed = []) {
      const next = new Map(spans);
      let fresh = pending !== null || changed === null || removed.length > 0;
      const waiting = new Map(queued.map((s) => [s.id, s])); // new spans not placed yet, in the order they came
      for (const span of fresh ? [] : changed) {
        if (current.get(span.id) === span) continue;
        if (placed.has(String(span.id))) fresh = !takeInPlace(span);
        else waiting.set(span.id, span);
        if (fresh) break;
      }
      current = next;
      queued = fresh ? [] : byStart([...waiting.values()].filter((s) => next.get(s.id) === s));
      // a span that started before one already placed: every decision after it may change
      if (queued.length && startOf(queued[0]) < lastStart) fresh = true;
      if (fresh) {
        fromScratch += 1;
        reset();
        queued = [];
        pending = { spans: byStart([...next.values()]), at: 0 };
      }
    },
    /** Lay out what is left, until `timeUp()`; true while there is more. */
    work(timeUp = () => false) {
      if (pending) {
        const { spans } = pending;
        while (pending.at < spans.length) {
          place(spans[pending.at]);
          pending.at += 1;
          if (pending.at % 64 === 0 && timeUp()) return true;
        }
        pending = null;
      }
      for (const span of queued) place(span);
      queued = [];
      return false;
    },
    /** How many times the spans were laid out from scratch since the layout was made. */
    get fromScratch() {
      return fromScratch;
    },
    /** Whether the layout has all the spans. */
    get done() {
      return pending === null && queued.length === 0;
    },
    /** Lanes: [{key, node, depth, spans}], in the order the page shows them. */
    rows: rowsNow,
  };
}

/** Lanes of `spans` laid out at once: [{key, node, depth, spans}], in the order the page shows them. */
export function laneRows(spans) {
  const layout = createLaneLayout();
  layout.update(new Map(spans.map((s) => [s.id, s])));
  layout.work();
  return layout.rows();
}
