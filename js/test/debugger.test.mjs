import { test } from "node:test";
import assert from "node:assert/strict";
import { mount, tick } from "./helpers.mjs";
import { nextBreak, parseStateEdit, stopText } from "../src/panes/debugger.js";

const GRAPH = { nodes: [{ id: "__start__" }, { id: "plan" }, { id: "merge" }, { id: "__end__" }],
  edges: [{ source: "__start__", target: "plan" }, { source: "plan", target: "merge" }, { source: "merge", target: "__end__" }] };
const STOP = { when: "before", nodes: ["merge"], next: ["merge"] };

function mountOpen(traits) {
  const w = mount(traits);
  w.click(w.$(".lgw-section-graph .lgw-section-header"));
  return w;
}

test("pure: breakpoints cycle none → before → after → none; edits are JSON objects; a stop reads plainly", () => {
  assert.deepEqual([nextBreak(undefined), nextBreak("before"), nextBreak("after")], ["before", "after", null]);
  assert.equal(parseStateEdit("[1]").ok, false);
  assert.equal(parseStateEdit("{bad").ok, false);
  assert.deepEqual(parseStateEdit('{"a": 1}'), { ok: true, value: { a: 1 } });
  assert.equal(stopText(STOP), "breakpoint: stopped before merge (next: merge)");
});

test("clicking a node of a threaded view cycles its breakpoint on the model; Shift+click filters", () => {
  const w = mountOpen({ status: "done", thread_id: "t1", graph: GRAPH, steps: [], breakpoints: {} });
  const node = () => w.$('.lgw-node[data-node="merge"]');
  const seen = [];
  for (let i = 0; i < 3; i += 1) {
    w.click(node());
    seen.push([JSON.stringify(w.model.get("breakpoints")), node().getAttribute("data-break")]);
  }
  assert.deepEqual(seen, [['{"merge":"before"}', "before"], ['{"merge":"after"}', "after"], ["{}", null]]);
  w.click(w.$('.lgw-node[data-node="__start__"]'));
  assert.deepEqual(w.model.get("breakpoints"), {}, "the start node takes no breakpoint");
  const shift = new w.Event("click");
  shift.shiftKey = true;
  node().dispatchEvent(shift);
  assert.equal(node().getAttribute("aria-pressed"), "true", "Shift+click filters the cards");
});

test("at a stop: Step, Continue, the stopped node marked; a bad state edit sends nothing", () => {
  const w = mountOpen({ status: "interrupted", thread_id: "t1", graph: GRAPH, steps: [], stop: STOP, breakpoints: { merge: "before" } });
  assert.ok(!w.$(".lgw-stop").hasAttribute("hidden"));
  assert.ok(w.$(".lgw-resume-control").hasAttribute("hidden"), "the Resume box is an interrupt()'s");
  assert.match(w.$(".lgw-stop-note").textContent, /before merge/);
  assert.ok(w.$('.lgw-node[data-node="merge"]').classList.contains("lgw-node-stopped"));
  w.click(w.$(".lgw-step-button"));
  w.click(w.$(".lgw-continue-button"));
  w.$(".lgw-state-editor").value = "{not json";
  w.click(w.$(".lgw-state-apply"));
  assert.match(w.$(".lgw-state-message").textContent, /not valid JSON/);
  w.$(".lgw-state-editor").value = '{"merged": "x"}';
  w.click(w.$(".lgw-state-apply"));
  assert.deepEqual(w.model.sent.map((m) => m.type).filter((t) => t !== "hello"), ["step", "continue", "update_state"]);
  assert.deepEqual(w.model.sent.at(-1).values, { merged: "x" });
  w.model.set("stop", null);
  w.model.set("status", "done");
  assert.ok(w.$(".lgw-stop").hasAttribute("hidden") && w.$(".lgw-state-edit").hasAttribute("hidden"));
  w.cleanup();
});

test("the next message: Enter sends it under a threaded chat, disabled while live, a refusal shown", async () => {
  const messages = [{ id: "m1", type: "human", text: "hi", content: "hi" }];
  const w = mount({ status: "done", thread_id: "t1", messages });
  assert.ok(!w.$(".lgw-submit").hasAttribute("hidden"));
  assert.ok(mount({ status: "done", thread_id: "", messages }).$(".lgw-submit").hasAttribute("hidden"), "not stateless");
  const input = w.$(".lgw-submit-input");
  input.value = "next one";
  const enter = new w.Event("keydown");
  enter.key = "Enter";
  input.dispatchEvent(enter);
  const sent = w.model.sent.filter((m) => m.type === "submit");
  assert.deepEqual(sent.map((m) => m.message), ["next one"]);
  w.model.custom({ type: "reply", request_id: sent[0].request_id, ok: false, error: "The run is still live" });
  await tick();
  assert.equal(w.$(".lgw-submit-message").textContent, "The run is still live");
  w.model.set("status", "running");
  assert.ok(input.disabled);
  w.cleanup();
});
