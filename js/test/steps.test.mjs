import { test } from "node:test";
import assert from "node:assert/strict";
import { mount, step } from "./helpers.mjs";

test("steps trait renders one card per step with name, number, status, duration", () => {
  const w = mount({ status: "done", steps: [step("/a", { name: "agent", step: 1, status: "done", started: 0.5, ended: 1.25 })] });
  const card = w.$(".lgw-step");
  assert.equal(card.getAttribute("data-key"), "/a");
  assert.equal(card.getAttribute("data-name"), "agent");
  assert.equal(card.querySelector(".lgw-step-name").textContent, "agent");
  assert.equal(card.querySelector(".lgw-step-num").textContent, "#1");
  assert.equal(card.querySelector(".lgw-step-status").textContent, "done");
  assert.equal(card.querySelector(".lgw-step-duration").textContent, "750 ms");
  assert.match(w.$(".lgw-status-steps").textContent, /1 step/);
  w.cleanup();
});

test("delta steps upsert by key: update in place, no duplicates", () => {
  const w = mount({ status: "idle" });
  w.model.custom({ type: "delta", seq: 1, status: "running", steps: [step("/a", { name: "agent" })] });
  const card = w.$(".lgw-step");
  w.model.custom({ type: "delta", seq: 2, steps: [step("/a", { name: "agent", status: "done", ended: 2.1, result: { ok: 1 } }), step("/b", { name: "tools", step: 2 })] });
  const cards = w.$$(".lgw-step");
  assert.equal(cards.length, 2);
  assert.equal(cards[0], card, "same element updated");
  assert.equal(card.getAttribute("data-status"), "done");
  assert.equal(card.querySelector(".lgw-step-duration").textContent, "2.00 s");
  assert.deepEqual(cards.map((c) => c.getAttribute("data-key")), ["/a", "/b"]);
  w.cleanup();
});

test("subgraph steps nest under their parent card (also when the parent arrives later)", () => {
  const w = mount({ status: "idle" });
  w.model.custom({ type: "delta", seq: 1, status: "running", steps: [step("/p1", { name: "outer" })] });
  w.model.custom({ type: "delta", seq: 2, steps: [step("outer:p1/c1", { name: "inner", namespace: ["outer:p1"], parent: "p1" })] });
  const parent = w.$('.lgw-step[data-key="/p1"]');
  const child = w.$('.lgw-step[data-key="outer:p1/c1"]');
  assert.equal(child.parentNode, parent.querySelector(".lgw-step-children"));
  assert.match(parent.querySelector(".lgw-step-childcount").textContent, /1 substep/);
  // orphan first, then its parent
  w.model.custom({ type: "delta", seq: 3, steps: [step("x:p2/c2", { name: "late-child", namespace: ["x:p2"], parent: "p2" })] });
  const orphan = w.$('.lgw-step[data-key="x:p2/c2"]');
  assert.equal(orphan.parentNode.parentNode, w.$(".lgw-steps"), "at the top level, in a page of cards");
  w.model.custom({ type: "delta", seq: 4, steps: [step("/p2", { name: "x" })] });
  assert.equal(orphan.parentNode, w.$('.lgw-step[data-key="/p2"] .lgw-step-children'));
  w.cleanup();
});

test("clicking the header toggles the body; body renders input, result, error, interrupts", () => {
  const w = mount({
    status: "error",
    steps: [step("/a", { name: "agent", status: "error", input: { q: "hi" }, result: null, error: "ValueError: boom", interrupts: [{ value: "ask" }] })],
  });
  const card = w.$(".lgw-step");
  const body = card.querySelector(".lgw-step-body");
  assert.ok(card.classList.contains("lgw-collapsed"));
  assert.ok(body.hasAttribute("hidden"));
  w.click(card.querySelector(".lgw-step-header"));
  assert.ok(!card.classList.contains("lgw-collapsed"));
  assert.ok(!body.hasAttribute("hidden"));
  const fields = [...body.querySelectorAll(".lgw-step-field")].map((f) => f.getAttribute("data-field"));
  assert.deepEqual(fields, ["input", "error", "interrupts"]);
  assert.equal(body.querySelector(".lgw-step-error").textContent, "ValueError: boom");
  assert.match(body.textContent, /"hi"/);
  // update while open re-syncs the body
  w.model.set("steps", [step("/a", { name: "agent", status: "done", input: { q: "hi" }, result: { answer: 42 } })]);
  const fields2 = [...body.querySelectorAll(".lgw-step-field")].map((f) => f.getAttribute("data-field"));
  assert.deepEqual(fields2, ["input", "result"]);
  assert.match(body.textContent, /42/);
  w.click(card.querySelector(".lgw-step-header"));
  assert.ok(card.classList.contains("lgw-collapsed"));
  assert.ok(body.hasAttribute("hidden"));
  w.cleanup();
});

test("final steps trait removes cards that are gone and keeps the rest", () => {
  const w = mount({ status: "idle" });
  w.model.custom({ type: "delta", seq: 1, status: "running", steps: [step("/a"), step("/b")] });
  const a = w.$('.lgw-step[data-key="/a"]');
  w.model.set("steps", [step("/a", { status: "done" })]);
  assert.deepEqual(w.$$(".lgw-step").map((c) => c.getAttribute("data-key")), ["/a"]);
  assert.equal(w.$(".lgw-step"), a);
  w.cleanup();
});
