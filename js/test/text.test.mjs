import { test } from "node:test";
import assert from "node:assert/strict";
import { flush, mount, mountView } from "./helpers.mjs";

test("render builds the text pane from the text trait and sends hello", () => {
  const w = mount({ status: "done", text: "Hi there" });
  assert.equal(w.$(".lgw-text").textContent, "Hi there");
  assert.equal(w.model.sent[0].type, "hello");
  assert.equal(w.$(".lgw-root").getAttribute("data-status"), "done");
  w.cleanup();
});

test("deltas append text incrementally, keeping the same text node", () => {
  const w = mount({ status: "idle", text: "" });
  w.model.custom({ type: "delta", seq: 1, status: "running", text: "Hel" });
  const pane = w.$(".lgw-text");
  const node = pane.firstChild;
  w.model.custom({ type: "delta", seq: 2, text: "lo " });
  w.model.custom({ type: "delta", seq: 3, text: "world" });
  assert.equal(pane.textContent, "Hello world");
  assert.equal(pane.firstChild, node, "text node reused (appended, not rebuilt)");
  assert.equal(pane.childNodes.length, 1);
  assert.match(w.$(".lgw-status-tokens").textContent, /11 chars/);
  w.cleanup();
});

test("final text trait reconciles: extension appends, divergence replaces", () => {
  const w = mount({ status: "idle", text: "" });
  w.model.custom({ type: "delta", seq: 1, status: "running", text: "Hello wor" });
  const node = w.$(".lgw-text").firstChild;
  w.model.set("text", "Hello world!");
  assert.equal(w.$(".lgw-text").textContent, "Hello world!");
  assert.equal(w.$(".lgw-text").firstChild, node);
  w.model.set("text", "Completely different");
  assert.equal(w.$(".lgw-text").textContent, "Completely different");
  w.cleanup();
});

test("token filters are built from segments and filter the shown text", () => {
  const segments = [
    { start: 0, end: 5, node: "writer", namespace: [], tags: ["draft"] },
    { start: 5, end: 11, node: "critic", namespace: ["review:abc"], tags: [] },
  ];
  const w = mountView({ status: "done", text: "Hello world", segments });
  const opts = (sel) => [...w.el.querySelectorAll(`${sel} option`)].map((o) => o.textContent);
  assert.deepEqual(opts(".lgw-filter-node"), ["all nodes", "critic", "writer"]);
  assert.deepEqual(opts(".lgw-filter-tag"), ["all tags", "draft"]);
  assert.deepEqual(opts(".lgw-filter-namespace"), ["all namespaces", "(root)", "review:abc"]);
  const text = w.view.panes.text;
  text.filters.setFilter({ node: "critic" });
  flush();
  assert.equal(w.$(".lgw-text").textContent, " world");
  text.filters.setFilter({ tag: "draft" });
  flush();
  assert.equal(w.$(".lgw-text").textContent, "Hello");
  text.filters.setFilter({ namespace: "review:abc" });
  flush();
  assert.equal(w.$(".lgw-text").textContent, " world");
  text.filters.setFilter({});
  flush();
  assert.equal(w.$(".lgw-text").textContent, "Hello world");
  w.cleanup();
});

test("filtered view follows deltas with new and extended segments", () => {
  const w = mountView({ status: "idle", text: "" });
  const text = w.view.panes.text;
  w.model.custom({ type: "delta", seq: 1, status: "running", text: "ab", segments: [{ start: 0, end: 2, node: "a", namespace: [], tags: [] }] });
  text.filters.setFilter({ node: "a" });
  flush();
  w.model.custom({ type: "delta", seq: 2, text: "cd", segments: [{ start: 0, end: 4, node: "a", namespace: [], tags: [] }] });
  assert.equal(w.$(".lgw-text").textContent, "abcd");
  w.model.custom({ type: "delta", seq: 3, text: "XY", segments: [{ start: 4, end: 6, node: "b", namespace: [], tags: [] }] });
  assert.equal(w.$(".lgw-text").textContent, "abcd");
  text.filters.setFilter({ node: "b" });
  flush();
  assert.equal(w.$(".lgw-text").textContent, "XY");
  w.cleanup();
});

test("autoscroll follows while at the bottom and stops after the user scrolls up", () => {
  const w = mountView({ status: "idle", text: "" });
  const pane = w.$(".lgw-text");
  // linkedom has no layout: fake the metrics
  let height = 100;
  Object.defineProperty(pane, "scrollHeight", { get: () => height, configurable: true });
  Object.defineProperty(pane, "clientHeight", { get: () => 50, configurable: true });
  w.model.custom({ type: "delta", seq: 1, status: "running", text: "a" });
  assert.equal(pane.scrollTop, 100);
  pane.scrollTop = 10; // user scrolls up
  pane.dispatchEvent(new w.Event("scroll"));
  height = 200;
  w.model.custom({ type: "delta", seq: 2, text: "b" });
  assert.equal(pane.scrollTop, 10, "stays where the user put it");
  assert.equal(w.$(".lgw-jump").hasAttribute("hidden"), false);
  pane.scrollTop = 150; // back at the bottom
  pane.dispatchEvent(new w.Event("scroll"));
  height = 300;
  w.model.custom({ type: "delta", seq: 3, text: "c" });
  assert.equal(pane.scrollTop, 300, "follows again");
  w.cleanup();
});

test("in a browser, autoscroll waits for the next animation frame, once for many deltas", () => {
  const w = mountView({ status: "idle", text: "" });
  const pane = w.$(".lgw-text");
  const win = w.document.defaultView;
  const frames = [];
  win.requestAnimationFrame = (cb) => frames.push(cb);
  win.cancelAnimationFrame = () => {};
  Object.defineProperty(pane, "scrollHeight", { get: () => 500, configurable: true });
  Object.defineProperty(pane, "clientHeight", { get: () => 50, configurable: true });
  pane.scrollTop = 0;
  w.model.custom({ type: "delta", seq: 1, status: "running", text: "a" });
  w.model.custom({ type: "delta", seq: 2, text: "b" });
  assert.equal(pane.scrollTop, 0, "no layout read while deltas arrive");
  assert.equal(frames.length, 1, "one frame for both deltas");
  frames.shift()();
  assert.equal(pane.scrollTop, 500);
  w.cleanup();
});

test("deltas send only new segments: the last one grows with the text, the one before ends where the next starts", () => {
  const w = mountView({ status: "idle", text: "" });
  const text = w.view.panes.text;
  const seg = (start, node) => ({ start, end: start, node, namespace: [], tags: [] }); // ends as sent: stale
  w.model.custom({ type: "delta", seq: 1, status: "running", text: "ab", segments: [seg(0, "a")] });
  w.model.custom({ type: "delta", seq: 2, text: "cd" });
  w.model.custom({ type: "delta", seq: 3, text: "XY😀", segments: [seg(4, "b")] });
  w.model.custom({ type: "delta", seq: 4, text: "Z" });
  text.filters.setFilter({ node: "a" });
  flush();
  assert.equal(w.$(".lgw-text").textContent, "abcd");
  text.filters.setFilter({ node: "b" });
  flush();
  assert.equal(w.$(".lgw-text").textContent, "XY😀Z");
  w.cleanup();
});
