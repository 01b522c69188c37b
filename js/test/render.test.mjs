// Drawing in slices: the render queue, and views that never draw in the task a change comes in.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createJob } from "../src/render-queue.js";
import { createListPane } from "../src/panes/list-pane.js";
import { createTextPane, SLICE_CHARS } from "../src/panes/text-pane.js";
import { createStepsPane, PAGE_CARDS } from "../src/panes/steps-pane.js";
import { createLayoutService } from "../src/layout-service.js";
import { layoutGraph } from "../src/graph-layout.js";
import { gzipSync } from "node:zlib";
import { h } from "../src/dom.js";
import { emitTwoRuns, fakeQueue, flush, makeDocument, mountView, step } from "./helpers.mjs";

test("the queue runs jobs in slices of its budget, round robin, each slice in a task of its own", () => {
  const q = fakeQueue(5);
  const done = { a: 0, b: 0 };
  const work = (name, total) => createJob((timeUp) => {
    while (done[name] < total && !timeUp()) {
      done[name] += 1;
      q.tick();
    }
    return done[name] < total;
  }, q.queue);
  work("a", 12).request();
  work("b", 3).request();
  assert.deepEqual(done, { a: 0, b: 0 }, "nothing runs in the task that asked");
  assert.ok(q.next());
  assert.deepEqual(done, { a: 5, b: 0 }, "one slice: the budget's worth of work");
  assert.ok(q.next());
  assert.deepEqual(done, { a: 7, b: 3 }, "then the other job's turn, and the first one's with what is left");
  assert.ok(q.next());
  assert.deepEqual(done, { a: 12, b: 3 });
  assert.ok(!q.next(), "no slice once the work is done");
});

test("a job asked for twice before it runs runs once; a cancelled job does not run; a failing job stops only itself", () => {
  const q = fakeQueue(5);
  let runs = 0;
  const job = createJob(() => { runs += 1; return false; }, q.queue);
  job.request();
  job.request();
  q.next();
  assert.equal(runs, 1);
  job.request();
  job.cancel();
  q.next();
  assert.equal(runs, 1);
  const errors = console.error;
  console.error = () => {};
  try {
    createJob(() => { throw new Error("a pane's bug"); }, q.queue).request();
    job.request();
    q.next();
  } finally {
    console.error = errors;
  }
  assert.equal(runs, 2, "the next job still ran");
});

test("flush runs everything at once", () => {
  const q = fakeQueue(1);
  let left = 50;
  createJob((timeUp) => { while (left > 0 && !timeUp()) { left -= 1; q.tick(); } return left > 0; }, q.queue).request();
  q.queue.flush();
  assert.equal(left, 0);
});

test("a view draws nothing in the task a change comes in, and all of it once its slices ran", () => {
  const w = mountView({ status: "idle", text: "" });
  w.model.traits.text = "final text";
  w.model.traits.status = "done";
  w.model.emit("change:text");
  w.model.emit("change:status");
  assert.equal(w.$(".lgw-text").textContent, "", "not drawn in the message's task");
  assert.equal(w.$(".lgw-root").getAttribute("data-status"), "idle");
  flush();
  assert.equal(w.$(".lgw-text").textContent, "final text");
  assert.equal(w.$(".lgw-root").getAttribute("data-status"), "done");
  w.cleanup();
});

test("changes apply in arrival order, each with the traits of its own moment", () => {
  const w = mountView({ status: "idle", text: "" });
  w.model.emit("msg:custom", { type: "reset", epoch: 1, seq: 1 });
  w.model.emit("msg:custom", { type: "delta", epoch: 1, seq: 2, status: "running", text: "ab" });
  // The final traits, then a new run's start, all before the view's first slice.
  w.model.traits.text = "abc";
  w.model.traits.status = "done";
  w.model.emit("change:text");
  w.model.emit("change:status");
  w.model.emit("msg:custom", { type: "reset", epoch: 2, seq: 3 });
  w.model.traits.text = "";
  w.model.traits.status = "connecting";
  w.model.emit("change:text");
  w.model.emit("change:status");
  w.model.emit("msg:custom", { type: "delta", epoch: 2, seq: 4, status: "running", text: "x" });
  flush();
  assert.equal(w.$(".lgw-text").textContent, "x");
  assert.equal(w.$(".lgw-root").getAttribute("data-status"), "running");
  w.cleanup();
});

test("a list of thousands of items is drawn over several slices, and rows that did not change are kept", () => {
  const q = fakeQueue(5);
  const { document } = makeDocument();
  let drawn = 0;
  const pane = createListPane(document, {
    className: "lgw-x",
    renderItem: (item) => { drawn += 1; q.tick(); return h(document, "div", null, String(item.n)); },
    sigOf: (item) => String(item.n),
    queue: q.queue,
  });
  const items = Array.from({ length: 3000 }, (_, n) => ({ n }));
  pane.setAll(items);
  assert.equal(pane.length, 3000, "the items are there at once");
  assert.equal(pane.el.children.length, 0, "their rows are not");
  q.next();
  assert.ok(pane.el.children.length > 0 && pane.el.children.length <= 5, "one slice draws a budget's worth");
  while (q.next());
  assert.equal(pane.el.children.length, 3000);
  const first = pane.el.children[0];
  drawn = 0;
  pane.setAll(items.map((it) => (it.n === 7 ? { n: -7 } : it)));
  while (q.next());
  assert.equal(drawn, 1, "only the changed row is drawn again");
  assert.equal(pane.el.children[0], first);
  assert.equal(pane.el.children[7].textContent, "-7");
  pane.setAll(items.slice(0, 10));
  while (q.next());
  assert.equal(pane.el.children.length, 10);
});

test("a long text is added to the page a slice at a time", () => {
  const q = fakeQueue(2, { everyLook: true });
  const { document } = makeDocument();
  const pane = createTextPane(document, { queue: q.queue });
  const text = "word ".repeat(Math.ceil((SLICE_CHARS * 4.5) / 5));
  pane.setText(text);
  assert.equal(pane.length, text.length);
  let slices = 0;
  const grew = [];
  while (q.next()) {
    slices += 1;
    grew.push(pane.textEl.textContent.length);
  }
  assert.equal(pane.textEl.textContent, text);
  assert.ok(slices >= 5, `${slices} slices`);
  for (const [i, n] of grew.entries()) assert.ok(n - (grew[i - 1] || 0) <= SLICE_CHARS);
});

test("thousands of subgraph steps nest under cards that arrive after them, drawn in slices", () => {
  const q = fakeQueue(5);
  const { document } = makeDocument();
  const pane = createStepsPane(document, { queue: q.queue });
  const parents = Array.from({ length: 100 }, (_, i) => step(`/p${i}`, { id: `p${i}`, name: "outer" }));
  const children = Array.from({ length: 2000 }, (_, i) => step(`outer:p${i % 100}/c${i}`,
    { id: `c${i}`, name: "inner", namespace: [`outer:p${i % 100}`], parent: `p${i % 100}` }));
  pane.upsert(children); // children first: they wait at the top level for their parents
  for (let i = 0; i < 20; i += 1) q.next();
  pane.upsert(parents);
  q.queue.flush();
  for (const parent of parents) {
    const card = pane.el.querySelector(`.lgw-step[data-key="${parent.key}"]`);
    assert.equal(card.parentNode.parentNode, pane.el);
    assert.equal(card.querySelector(".lgw-step-children").children.length, 20);
    assert.equal(card.querySelector(".lgw-step-childcount").textContent, "20 substeps");
  }
  const pages = [...pane.el.children];
  assert.ok(pages.every((p) => p.classList.contains("lgw-steps-page") && p.children.length <= PAGE_CARDS));
  assert.equal(pages.flatMap((p) => [...p.children]).length, 100, "no child left at the top level");
});

test("top-level cards go in pages of PAGE_CARDS, in run order", () => {
  const q = fakeQueue(5);
  const { document } = makeDocument();
  const pane = createStepsPane(document, { queue: q.queue });
  const many = Array.from({ length: 2 * PAGE_CARDS + 20 }, (_, i) => step(`/s${i}`, { name: "work" }));
  pane.upsert(many);
  q.queue.flush();
  const pages = [...pane.el.children];
  assert.deepEqual(pages.map((p) => p.children.length), [PAGE_CARDS, PAGE_CARDS, 20]);
  assert.deepEqual(pages.flatMap((p) => [...p.children]).map((c) => c.getAttribute("data-key")), many.map((s) => s.key));
  pane.clear();
  pane.upsert([step("/again", { name: "work" })]);
  q.queue.flush();
  assert.equal(pane.el.children.length, 1);
  assert.equal(pane.el.children[0].children[0].getAttribute("data-key"), "/again");
});

/** A worker double: answers each posted graph with a one-node layout when `answer()` is called. */
class FakeWorker {
  static made = [];
  constructor(url, options) {
    this.url = url;
    this.options = options;
    this.posted = [];
    FakeWorker.made.push(this);
  }
  postMessage(msg) {
    this.posted.push(msg);
  }
  answer() {
    for (const { id, graph } of this.posted.splice(0)) {
      const nodes = graph.nodes.map((n, i) => ({ id: n.id, x: 5 + i * 20, y: 5, width: 8, height: 8, label: n.id }));
      this.onmessage({ data: { id, layout: { width: 10, height: 10, clusters: [], edges: [], nodes } } });
    }
  }
}

const packed = (code) => gzipSync(code).toString("base64");
/** Wait (a few seconds at most) until `cond()`: the module unpacks asynchronously. */
async function until(cond) {
  for (let i = 0; i < 300 && !cond(); i += 1) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), "waited too long");
}

async function withWorkers(WorkerClass, fn) {
  const saved = globalThis.Worker;
  globalThis.Worker = WorkerClass;
  try {
    await fn();
  } finally {
    globalThis.Worker = saved;
  }
}

test("the graph is laid out by the packed module in a worker, once per graph, drawn when the answer comes", async () => {
  await withWorkers(FakeWorker, async () => {
    const layouts = createLayoutService({ packed: packed("export const layoutGraph = null;") });
    const graph = { nodes: [{ id: "a" }], edges: [] };
    const views = [mountView({ status: "done", graph }, { layouts }), mountView({ status: "done", graph }, { layouts })];
    const made = FakeWorker.made.length;
    for (const w of views) w.click(w.$(".lgw-section-graph .lgw-section-header"));
    await until(() => FakeWorker.made.length > made && FakeWorker.made.at(-1).posted.length);
    const worker = FakeWorker.made.at(-1);
    assert.deepEqual(worker.options, { type: "module" });
    assert.equal(worker.posted.length, 1, "one layout for two views of one graph");
    assert.equal(views[0].$$(".lgw-node").length, 0, "nothing drawn before the answer");
    worker.answer();
    for (const w of views) assert.deepEqual(w.$$(".lgw-node").map((n) => n.getAttribute("data-node")), ["a"]);
    const third = mountView({ status: "done", graph }, { layouts });
    third.click(third.$(".lgw-section-graph .lgw-section-header"));
    assert.equal(third.$$(".lgw-node").length, 1, "a graph laid out before is drawn at once");
    assert.equal(worker.posted.length, 0);
    for (const w of [...views, third]) w.cleanup();
  });
});

class RefusedWorker {
  constructor() {
    throw new Error("workers are not allowed here");
  }
}

test("where no worker may start, the packed module is imported and lays out in a slice of its own", async () => {
  await withWorkers(RefusedWorker, async () => {
    const imported = [];
    const layouts = createLayoutService({
      packed: packed("the layout module"),
      importModule: async (url) => {
        imported.push(url);
        return { layoutGraph };
      },
    });
    const w = mountView({ status: "done", graph: { nodes: [{ id: "__start__" }, { id: "x" }], edges: [{ source: "__start__", target: "x" }] } }, { layouts });
    w.click(w.$(".lgw-section-graph .lgw-section-header"));
    await until(() => imported.length);
    await until(() => { flush(); return w.$$(".lgw-node").length; });
    assert.equal(imported.length, 1);
    assert.deepEqual(w.$$(".lgw-node").map((n) => n.getAttribute("data-node")), ["__start__", "x"]);
    w.cleanup();
  });
});

test("with no layout module at all, the pane says the graph can't be drawn", () => {
  const w = mountView({ status: "done", graph: { nodes: [{ id: "a" }], edges: [] } }, { layouts: createLayoutService({ packed: null }) });
  w.click(w.$(".lgw-section-graph .lgw-section-header"));
  assert.equal(w.$$(".lgw-node").length, 0);
  assert.match(w.$(".lgw-graph-note").textContent, /could not be laid out/);
  w.cleanup();
});

test("a view destroyed with changes still waiting draws none of them", () => {
  const w = mountView({ status: "done", text: "hello" });
  w.model.traits.text = "bye";
  w.model.emit("change:text");
  w.cleanup();
  flush();
  assert.equal(w.model.listenerCount(), 0);
  assert.equal(w.el.children.length, 0);
});
