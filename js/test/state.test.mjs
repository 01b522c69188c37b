import { test } from "node:test";
import assert from "node:assert/strict";
import { mount } from "./helpers.mjs";

const nodeByKey = (root, key) =>
  [...root.querySelectorAll(".lgw-json-key")].find((k) => k.textContent === key).closest(".lgw-json-node");

test("diff ops render with class and symbol per kind", () => {
  const w = mount({
    status: "done",
    diffs: [{
      index: 0, step: 1, node: "agent",
      ops: [
        { op: "add", path: "/messages/0", value: { content: "hi" } },
        { op: "remove", path: "/draft" },
        { op: "replace", path: "/count", value: 2 },
      ],
    }],
  });
  const diff = w.$(".lgw-diff");
  assert.ok(diff);
  assert.match(diff.querySelector(".lgw-diff-title").textContent, /step 1 · agent/);
  const add = diff.querySelector(".lgw-op-add");
  const remove = diff.querySelector(".lgw-op-remove");
  const replace = diff.querySelector(".lgw-op-replace");
  assert.equal(add.querySelector(".lgw-op-symbol").textContent, "+");
  assert.equal(remove.querySelector(".lgw-op-symbol").textContent, "−");
  assert.equal(replace.querySelector(".lgw-op-symbol").textContent, "~");
  assert.equal(add.querySelector(".lgw-op-path").textContent, "messages[0]");
  assert.equal(remove.querySelector(".lgw-op-path").textContent, "draft");
  assert.equal(remove.querySelector(".lgw-op-value"), null, "remove shows no value");
  assert.match(replace.textContent, /2/);
  w.cleanup();
});

test("state tree: first level expanded, deeper levels collapsed and rendered lazily", () => {
  const w = mount({ status: "done", state: { messages: [{ content: "deep-secret-value" }], n: 1 } });
  const st = w.$(".lgw-state");
  const keys = [...st.querySelectorAll(".lgw-json-key")].map((k) => k.textContent);
  assert.deepEqual(keys, ["messages", "n"]);
  assert.ok(!st.textContent.includes("deep-secret-value"), "children not rendered until expanded");
  const messagesNode = nodeByKey(st, "messages");
  w.click(messagesNode.querySelector(".lgw-json-row"));
  w.click(messagesNode.querySelector(".lgw-json-children").querySelector(".lgw-json-row"));
  assert.ok(st.textContent.includes("deep-secret-value"));
  w.cleanup();
});

test("delta diffs update the state tree in place and keep expanded nodes", () => {
  const w = mount({ status: "idle" });
  w.model.custom({ type: "delta", seq: 1, status: "running", diffs: [{ index: 0, step: 0, node: "__start__", ops: [{ op: "add", path: "/messages", value: [] }] }] });
  const st = w.$(".lgw-state");
  const node = nodeByKey(st, "messages");
  w.click(node.querySelector(".lgw-json-row"));
  w.model.custom({ type: "delta", seq: 2, diffs: [{ index: 1, step: 1, node: "agent", ops: [{ op: "add", path: "/messages/-", value: "hello" }] }] });
  assert.match(node.textContent, /"hello"/);
  assert.equal(w.$$(".lgw-diff").length, 2);
  // final traits replace the locally built state
  w.model.set("state", { messages: ["hello", "bye"] });
  assert.match(node.textContent, /"bye"/);
  w.cleanup();
});

test("preview objects render truncated with a byte count", () => {
  const long = "x".repeat(5000);
  const w = mount({ status: "running", steps: [], diffs: [], state: { big: { __lg_preview__: `{"a":"${long}`, bytes: 123456 } } });
  const p = w.$(".lgw-state .lgw-preview");
  assert.ok(p, "preview element");
  assert.match(p.querySelector(".lgw-preview-bytes").textContent, /120\.6 KB/);
  assert.ok(p.querySelector(".lgw-preview-text").textContent.length < 400);
  w.cleanup();
});

test("huge strings are capped with a button to show more", () => {
  const big = "y".repeat(50000);
  const w = mount({ status: "done", state: { s: big } });
  const v = w.$(".lgw-state .lgw-json-string");
  assert.ok(v.textContent.length < 2100);
  const more = v.querySelector(".lgw-json-more");
  assert.ok(!more.hasAttribute("hidden"));
  w.click(more);
  assert.ok(v.textContent.length > 20000);
  w.cleanup();
});

test("custom events and interrupts lists append from deltas and reconcile with traits", () => {
  const w = mount({ status: "idle" });
  assert.ok(w.$(".lgw-section-custom").hasAttribute("hidden"), "empty section hidden");
  w.model.custom({ type: "delta", seq: 1, status: "running", custom: [{ namespace: [], data: { progress: 1 }, t: 0.5 }] });
  w.model.custom({ type: "delta", seq: 2, custom: [{ namespace: ["sub:1"], data: { progress: 2 }, t: 0.7 }], interrupts: [{ id: "i1", value: { question: "ok?" }, namespace: [], node: "human" }] });
  assert.equal(w.$$(".lgw-custom").length, 2);
  assert.equal(w.$$(".lgw-interrupt").length, 1);
  assert.ok(!w.$(".lgw-section-custom").hasAttribute("hidden"));
  assert.match(w.$(".lgw-interrupt").textContent, /human/);
  const first = w.$(".lgw-custom");
  w.model.set("custom", [{ namespace: [], data: { progress: 1 }, t: 0.5 }, { namespace: ["sub:1"], data: { progress: 2 }, t: 0.7 }, { namespace: [], data: "done", t: 0.9 }]);
  assert.equal(w.$$(".lgw-custom").length, 3);
  assert.equal(w.$(".lgw-custom"), first, "unchanged items keep their element");
  w.cleanup();
});
