import { test } from "node:test";
import assert from "node:assert/strict";
import { mount, tick } from "./helpers.mjs";
import { nodeIdOf, nodeStates } from "../src/panes/graph-pane.js";
import { parseResumeValue } from "../src/panes/resume-control.js";

const HOSTILE = '<img src=x onerror="window.__xss=1">';
const GRAPH = {
  nodes: [{ id: "__start__" }, { id: "prepare" }, { id: "child:research" }, { id: "child:write" }, { id: HOSTILE }, { id: "__end__" }],
  edges: [{ source: "__start__", target: "prepare" }, { source: "prepare", target: "child:research" },
    { source: "child:research", target: "child:write" }, { source: "child:write", target: HOSTILE, conditional: true },
    { source: HOSTILE, target: "__end__" }],
};
const step = (key, name, status, extra = {}) => ({ key, id: key, name, status, namespace: [], parent: null, ...extra });

/** Mount, then open the Graph section (it is drawn only once opened). */
function mountOpen(traits) {
  const w = mount(traits);
  w.click(w.$(".lgw-section-graph .lgw-section-header"));
  return w;
}

test("the graph is drawn only when its section is opened", () => {
  const w = mount({ status: "done", graph: GRAPH, steps: [] });
  assert.equal(w.$$(".lgw-node").length, 0, "no layout while the section is closed");
  w.click(w.$(".lgw-section-graph .lgw-section-header"));
  assert.equal(w.$$(".lgw-node").length, GRAPH.nodes.length);
  w.model.set("graph", { nodes: [{ id: "only" }], edges: [] });
  assert.equal(w.$$(".lgw-node").length, 1, "an open section draws a new graph at once");
});

test("the graph is drawn as SVG, one node per graph node, labels literal", () => {
  const { $$, el } = mountOpen({ status: "done", graph: GRAPH, steps: [] });
  const nodes = $$(".lgw-node");
  assert.equal(nodes.length, GRAPH.nodes.length);
  assert.ok(el.textContent.includes(HOSTILE), "a hostile node name shows as text");
  assert.equal(el.querySelectorAll("img").length, 0);
  assert.equal($$(".lgw-edge-conditional").length, 1);
  assert.equal($$(".lgw-cluster").length, 1, "subgraph nodes are boxed together");
});

test("node states follow the steps, subgraph steps included", () => {
  const steps = [step("a", "prepare", "done"), step("b", "research", "running", { namespace: ["child:t1"] })];
  assert.equal(nodeIdOf(steps[1]), "child:research");
  assert.deepEqual([...nodeStates(steps)], [["prepare", "done"], ["child:research", "running"]]);
  const { $ } = mountOpen({ status: "running", graph: GRAPH, steps });
  assert.ok($('[data-node="prepare"]').classList.contains("lgw-node-done"));
  assert.ok($('[data-node="child:research"]').classList.contains("lgw-node-running"));
});

test("clicking a node filters the step cards to it, clicking again shows all", () => {
  const steps = [step("a", "prepare", "done"), step("b", "finish", "done")];
  const { $, $$, click } = mountOpen({ status: "done", graph: { nodes: [{ id: "prepare" }, { id: "finish" }], edges: [] }, steps });
  click($('[data-node="prepare"]'));
  assert.deepEqual($$(".lgw-step").map((c) => c.hasAttribute("hidden")), [false, true]);
  click($('[data-node="prepare"]'));
  assert.deepEqual($$(".lgw-step").map((c) => c.hasAttribute("hidden")), [false, false]);
});

test("resume: invalid JSON gets a message and sends nothing; valid JSON is sent", () => {
  assert.equal(parseResumeValue("yes").ok, false);
  assert.deepEqual(parseResumeValue('{"a": 1}'), { ok: true, value: { a: 1 } });
  const { $, model, click, cleanup } = mount({ status: "interrupted", thread_id: "t1", interrupts: [{ id: "i", value: "ok?" }] });
  assert.ok(!$(".lgw-resume-control").hasAttribute("hidden"));
  $(".lgw-resume-input").value = "yes";
  click($(".lgw-resume"));
  assert.match($(".lgw-resume-message").textContent, /not valid JSON/);
  assert.equal(model.sent.filter((m) => m.type === "resume").length, 0);
  $(".lgw-resume-input").value = '"yes"';
  click($(".lgw-resume"));
  assert.deepEqual(model.sent.filter((m) => m.type === "resume").map((m) => m.value), ["yes"]);
  cleanup(); // the unanswered request's timer goes with the view
});

test("resume: Enter twice sends one resume; a refusal is cleared by the next status", async () => {
  const { $, model, document, cleanup } = mount({ status: "interrupted", thread_id: "t1", interrupts: [{ id: "i", value: "ok?" }] });
  const enter = () => {
    const ev = new document.defaultView.Event("keydown");
    ev.key = "Enter";
    $(".lgw-resume-input").dispatchEvent(ev);
  };
  $(".lgw-resume-input").value = '"yes"';
  enter();
  enter(); // in the same task: the first is still on its way
  const sent = model.sent.filter((m) => m.type === "resume");
  assert.equal(sent.length, 1);
  model.custom({ type: "reply", request_id: sent[0].request_id, ok: false, error: "The run is still live" });
  await tick();
  assert.equal($(".lgw-resume-message").textContent, "The run is still live");
  model.set("status", "running");
  model.set("status", "interrupted"); // a new stop (a fork in place stopped again)
  assert.equal($(".lgw-resume-message").textContent, "", "the refusal of an earlier stop is gone");
  cleanup();
});

test("resume control is hidden unless a threaded run is interrupted", () => {
  assert.ok(mount({ status: "interrupted", thread_id: "" }).$(".lgw-resume-control").hasAttribute("hidden"));
  assert.ok(mount({ status: "done", thread_id: "t" }).$(".lgw-resume-control").hasAttribute("hidden"));
});

test("fork buttons send the step's checkpoint, only on finished threaded runs", () => {
  const steps = [step("a", "refine", "done", { checkpoint_id: "cp-1" }), step("b", "gen", "done", { checkpoint_id: "cp-2" })];
  const { $$, model, click, cleanup } = mount({ status: "done", thread_id: "t1", steps });
  const forks = $$(".lgw-fork");
  assert.deepEqual(forks.map((b) => b.hasAttribute("hidden")), [false, false]);
  click(forks[1]);
  assert.deepEqual(model.sent.filter((m) => m.type === "fork").map((m) => m.checkpoint_id), ["cp-2"]);
  model.set("status", "running");
  assert.ok(forks.every((b) => b.disabled));
  assert.ok(mount({ status: "done", thread_id: "", steps }).$$(".lgw-fork").every((b) => b.hasAttribute("hidden")));
  cleanup();
});

test("a branch divider sits before the first step of the fork", () => {
  const steps = [step("a", "refine", "done"), step("b", "gen", "done"), step("c", "refine", "done")];
  const { $$ } = mount({ status: "done", steps, branches: [{ checkpoint_id: "1f1e7fab-aaaa", steps_before: 2 }] });
  const children = [...$$(".lgw-steps > .lgw-steps-page")[0].children];
  const divider = children.findIndex((c) => c.classList.contains("lgw-branch"));
  assert.equal(divider, 2);
  assert.match(children[divider].textContent, /forked from checkpoint 1f1e7fab/);
});

test("while a run is live, the node that runs or speaks now lights up, even with no running step", () => {
  const { $, model, click } = mount({ status: "idle", graph: { nodes: [{ id: "draft" }, { id: "review" }], edges: [] } });
  click($(".lgw-section-graph .lgw-section-header"));
  model.custom({ type: "delta", seq: 1, status: "running", current_node: "draft",
    steps: [step("u1", "review", "done")] });
  assert.ok($('[data-node="draft"]').classList.contains("lgw-node-running"));
  model.custom({ type: "delta", seq: 2, status: "done" });
  assert.ok(!$('[data-node="draft"]').classList.contains("lgw-node-running"), "not once the run is over");
  assert.ok($('[data-node="review"]').classList.contains("lgw-node-done"));
});
