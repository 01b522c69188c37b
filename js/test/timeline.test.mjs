import { test } from "node:test";
import assert from "node:assert/strict";
import { mount, step, flush } from "./helpers.mjs";
import { laneRows } from "../src/panes/timeline-pane.js";

const span = (id, node, start, end, extra = {}) => ({
  id, node, namespace: [], parent: null, step: 1, start, end, first_token: null, tokens: 0,
  status: end === null ? "running" : "done", clock: "server", ...extra,
});

// plan → quick ‖ slow → join → polish ×3 → report (outline, write)
const SPANS = [
  span("/p", "plan", 0, 0.1, { first_token: 0.05, tokens: 3 }),
  span("/q", "quick", 0.1, 0.4),
  span("/s", "slow", 0.1, 1.0),
  span("/j", "join", 1.0, 1.1),
  span("/l1", "polish", 1.1, 1.2),
  span("/l2", "polish", 1.2, 1.3),
  span("/l3", "polish", 1.3, 1.4),
  span("/r", "report", 1.4, 1.8),
  span("report:r/o", "outline", 1.45, 1.6, { namespace: ["report:r"], parent: "/r" }),
  span("report:r/w", "write", 1.6, 1.75, { namespace: ["report:r"], parent: "/r" }),
];

test("lanes: a node run again stays on its lane, a subgraph's lanes follow its parent's, indented", () => {
  const rows = laneRows(SPANS);
  assert.deepEqual(rows.map((r) => r.node), ["plan", "quick", "slow", "join", "polish", "report", "outline", "write"]);
  assert.equal(rows.find((r) => r.node === "polish").spans.length, 3);
  assert.deepEqual(rows.map((r) => r.depth), [0, 0, 0, 0, 0, 0, 1, 1]);
  // two overlapping tasks of one node get a lane each
  const fan = laneRows([span("/a", "map", 0, 1), span("/b", "map", 0.2, 0.8)]);
  assert.equal(fan.length, 2);
});

test("the pane draws one bar per span with its node, and a click opens that step's card", () => {
  const steps = SPANS.map((s) => step(s.id, { name: s.node, status: "done", namespace: s.namespace }));
  const w = mount({ status: "done", timeline: SPANS, steps });
  const bars = w.$$(".lgw-timeline .lgw-span[data-node]");
  assert.equal(bars.length, SPANS.length);
  assert.deepEqual(bars.filter((b) => b.getAttribute("data-node") === "polish").length, 3);
  const slow = bars.find((b) => b.getAttribute("data-node") === "slow");
  assert.match(slow.querySelector("title").textContent, /^slow · 900 ms/);
  w.click(slow);
  const card = w.$$(".lgw-step").find((c) => c.getAttribute("data-key") === "/s");
  assert.ok(!card.classList.contains("lgw-collapsed"), "the slow step's card is open");
  w.cleanup();
});

test("a live run: bars grow as spans arrive by delta; usage shows in the table and the status line", () => {
  const w = mount({ status: "running" });
  w.model.custom({ type: "snapshot", epoch: 1, seq: 1, data: { status: "running", timeline: [span("/p", "plan", 0, null)] } });
  assert.equal(w.$$(".lgw-span").length, 1);
  w.model.custom({ type: "delta", epoch: 1, seq: 2, timeline: [span("/p", "plan", 0, 0.2), span("/q", "quick", 0.2, null)],
    usage: { total: { input_tokens: 5, output_tokens: 7, total_tokens: 12, calls: 1 },
      by_node: { plan: { input_tokens: 5, output_tokens: 7, total_tokens: 12, calls: 1 } }, by_model: {}, by_namespace: {} } });
  assert.equal(w.$$(".lgw-span").length, 2);
  assert.match(w.$(".lgw-status-usage").textContent, /12 tokens used/);
  assert.match(w.$(".lgw-usage-table").textContent, /plan/);
  w.cleanup();
});

test("many tasks: only the lanes in view are drawn", () => {
  const many = Array.from({ length: 2000 }, (_, i) => span(`/t${i}`, `node_${i}`, i * 0.01, i * 0.01 + 0.005));
  const w = mount({ status: "done", timeline: many });
  const lanes = w.$$(".lgw-lane").length;
  assert.ok(lanes > 0 && lanes < 100, `${lanes} lanes drawn of 2000`);
  w.cleanup();
});

test("drawing never asks the browser for the layout; the scroll event says where the pane is", () => {
  // A job that read scrollTop/clientHeight made the browser lay out the whole page (1 MB of text
  // at 200,000 tokens) in that slice: 40-470 ms a task while a big run streamed.
  const many = Array.from({ length: 2000 }, (_, i) => span(`/t${i}`, `node_${i}`, i * 0.01, null));
  const w = mount({ status: "running" });
  w.model.custom({ type: "snapshot", epoch: 1, seq: 1, data: { status: "running", timeline: many.slice(0, 10) } });
  const pane = w.$(".lgw-timeline");
  let reads = 0;
  let top = 0;
  Object.defineProperty(pane, "scrollTop", { get: () => { reads += 1; return top; }, configurable: true });
  Object.defineProperty(pane, "clientHeight", { get: () => { reads += 1; return 320; }, configurable: true });
  w.model.custom({ type: "delta", epoch: 1, seq: 2, timeline: many.slice(10) });
  assert.equal(reads, 0, "a drawing job read the layout");
  assert.ok(w.$$(".lgw-lane").length > 10, "the new lanes in view are drawn");
  top = 1000 * 20; // the user scrolled to lane 1000
  pane.dispatchEvent(new w.Event("scroll"));
  flush();
  const drawn = w.$$(".lgw-lane-label").map((el) => el.textContent);
  assert.ok(drawn.includes("node_1000") && !drawn.includes("node_0"), `after the scroll: ${drawn.slice(0, 3)}`);
  w.cleanup();
});

test("hostile node names are text", () => {
  const evil = "<img src=x onerror=alert(1)>";
  const w = mount({ status: "done", timeline: [span("/x", evil, 0, 1)] });
  assert.equal(w.$$("img").length, 0);
  assert.equal(w.$(".lgw-span").getAttribute("data-node"), evil);
  assert.ok(w.$(".lgw-lane-label").textContent.startsWith("<img"));
  w.cleanup();
});
