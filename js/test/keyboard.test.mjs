// Issue #32, item 9 (the parts that are logic): one Tab stop per JSON tree with the arrows inside,
// select keys kept from the notebook's shortcuts, focus kept when a control goes away, and the
// names of step cards whole (item 7: the Fork button and its message out of the header button).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mount, makeDocument, step } from "./helpers.mjs";
import { jsonTree, rowForKey } from "../src/json-tree.js";
import { keepKeys } from "../src/filters.js";

/** linkedom has no focus: track it the way a browser does, for one document. */
function trackFocus(document) {
  let active = document.body;
  Object.defineProperty(document, "activeElement", { get: () => active, configurable: true });
  const proto = Object.getPrototypeOf(document.body);
  const base = Object.getPrototypeOf(proto);
  for (const p of [proto, base, Object.getPrototypeOf(document.createElement("div"))]) {
    p.focus = function focus() {
      active = this;
    };
  }
  return () => active;
}

function key(document, el, name) {
  const ev = new document.defaultView.Event("keydown", { bubbles: true, cancelable: true });
  ev.key = name;
  el.dispatchEvent(ev);
  return ev;
}

const VALUE = { a: { b: 1, c: [1, 2, { d: true }] }, e: "x", f: { g: null } };

/** The row whose key is `name` (the root row when null). */
function rowOf(tree, name) {
  return [...tree.el.querySelectorAll(".lgw-json-row")].find((r) => {
    const k = r.querySelector(":scope > .lgw-json-key");
    return name === null ? !k : k && k.textContent === name;
  });
}
const same = (a, b, message) => assert.ok(a === b, message);

test("a JSON tree is one Tab stop, however many rows it shows", () => {
  const { document } = makeDocument();
  const tree = jsonTree(document, VALUE, { expandDepth: 9, label: "state" });
  document.body.appendChild(tree.el);
  const rows = [...tree.el.querySelectorAll(".lgw-json-row")];
  assert.ok(rows.length >= 10, `${rows.length} rows shown`);
  assert.equal(tree.el.getAttribute("role"), "tree");
  assert.equal(tree.el.getAttribute("aria-label"), "state");
  const stops = rows.filter((r) => r.getAttribute("tabindex") === "0");
  assert.equal(stops.length, 1, "one row is the tree's Tab stop (each container row was one)");
  assert.equal(stops[0], rows[0]);
  assert.ok(rows.every((r) => r.getAttribute("role") === "treeitem" && r.getAttribute("tabindex") !== null));
  assert.deepEqual(rows.slice(0, 3).map((r) => r.getAttribute("aria-level")), ["1", "2", "3"]);
});

test("the arrows move through a tree's rows; Right opens and goes in, Left closes and goes out", () => {
  const { document } = makeDocument();
  const focused = trackFocus(document);
  const tree = jsonTree(document, VALUE, { expandDepth: 1 });
  document.body.appendChild(tree.el);
  const root = rowOf(tree, null);
  root.focus();
  const ev = key(document, root, "ArrowDown");
  same(focused(), rowOf(tree, "a"), "down: the next row");
  assert.ok(ev.defaultPrevented, "the page does not scroll");
  const a = focused();
  assert.equal(a.getAttribute("tabindex"), "0", "the row that has the focus is the Tab stop");
  assert.equal(root.getAttribute("tabindex"), "-1");
  assert.equal(a.getAttribute("aria-expanded"), "false");
  key(document, a, "ArrowRight");
  assert.equal(a.getAttribute("aria-expanded"), "true", "right opens");
  key(document, a, "ArrowRight");
  same(focused(), rowOf(tree, "b"), "right again goes to the first child");
  key(document, focused(), "ArrowLeft");
  same(focused(), a, "left on a leaf goes to its container");
  key(document, a, "ArrowLeft");
  assert.equal(a.getAttribute("aria-expanded"), "false", "left closes");
  key(document, a, "End");
  same(focused(), rowOf(tree, "f"), "End: the last row shown");
  key(document, focused(), "Home");
  same(focused(), root, "Home: the first row");
  assert.equal(tree.el.querySelectorAll('.lgw-json-row[tabindex="0"]').length, 1);
  assert.equal(rowForKey("ArrowUp", 0, 5), 0);
  assert.equal(rowForKey("x", 2, 5), -1);
});

test("closing a container that holds the Tab stop moves the stop (and focus) to it; updates keep one stop", () => {
  const { document } = makeDocument();
  const focused = trackFocus(document);
  const tree = jsonTree(document, VALUE, { expandDepth: 9 });
  document.body.appendChild(tree.el);
  const deep = rowOf(tree, "d");
  deep.focus();
  for (const r of tree.el.querySelectorAll('.lgw-json-row[tabindex="0"]')) r.setAttribute("tabindex", "-1");
  deep.setAttribute("tabindex", "0"); // as the focus moving there made it
  const a = rowOf(tree, "a");
  a.click();
  assert.equal(a.getAttribute("aria-expanded"), "false");
  assert.equal(a.getAttribute("tabindex"), "0", "the stop left the rows that closed");
  same(focused(), a, "and so did the focus");
  tree.update({ other: [1] }); // rows rebuilt: still one stop, shown
  const stops = [...tree.el.querySelectorAll('.lgw-json-row[tabindex="0"]')];
  assert.equal(stops.length, 1);
  tree.update(5); // a container becomes a value
  assert.equal(tree.el.querySelectorAll('.lgw-json-row[tabindex="0"]').length, 1);
});

test("a filter select keeps its keys from the notebook's shortcuts; Tab and Escape go on", () => {
  const stopped = (k) => {
    let stop = false;
    keepKeys({ key: k, stopPropagation: () => { stop = true; } });
    return stop;
  };
  assert.deepEqual(["ArrowDown", "ArrowUp", "a", "Enter", " ", "Home"].map(stopped), [true, true, true, true, true, true]);
  assert.deepEqual(["Tab", "Escape"].map(stopped), [false, false]);
  const w = mount({ status: "done", text: "ab", segments: [{ start: 0, end: 1, node: "x", namespace: [], tags: [] }, { start: 1, end: 2, node: "y", namespace: [], tags: [] }] });
  let reached = 0;
  w.document.addEventListener("keydown", () => { reached += 1; });
  key(w.document, w.$(".lgw-filter-node"), "ArrowDown");
  assert.equal(reached, 0, "an arrow in a filter select does not reach the document (JupyterLab's shortcuts)");
  key(w.document, w.$(".lgw-filter-node"), "Tab");
  assert.equal(reached, 1);
  w.cleanup();
});

test("the Fork button is not inside the card's header button, and its message is not in the header row", () => {
  const steps = [step("/a", { name: "generate_joke", status: "done", checkpoint_id: "cp-1" })];
  const w = mount({ status: "done", thread_id: "t1", steps });
  const card = w.$(".lgw-step");
  const header = card.querySelector(".lgw-step-header");
  assert.equal(header.getAttribute("role"), "button");
  assert.equal(header.querySelector("button, .lgw-fork, .lgw-fork-message"), null, "no control nested in the header button");
  const fork = card.querySelector(".lgw-fork");
  assert.equal(fork.parentNode, card);
  assert.ok(!fork.hasAttribute("hidden"));
  assert.equal(card.querySelector(".lgw-step-name").getAttribute("title"), "generate_joke", "the whole name on hover");
  w.cleanup();
});

test("pressing Fork keeps the focus on its card; Cancel and Resume hand theirs to the status line", async () => {
  const steps = [step("/a", { name: "gen", status: "done", checkpoint_id: "cp-1" })];
  const w = mount({ status: "done", thread_id: "t1", steps });
  const focused = trackFocus(w.document);
  const fork = w.$(".lgw-fork");
  fork.focus();
  w.click(fork);
  same(focused(), w.$(".lgw-step-header"), "the card's header, not the page's body");
  w.model.custom({ type: "delta", seq: 1, status: "connecting" });
  const cancel = w.$(".lgw-cancel");
  cancel.focus();
  w.click(cancel);
  assert.ok(!cancel.disabled, "still focusable while the cancel is on its way");
  w.model.set("status", "cancelled");
  assert.ok(cancel.hasAttribute("hidden"));
  same(focused(), w.$(".lgw-status"), "the hidden Cancel's focus went to the status line");
  w.model.set("status", "interrupted");
  const input = w.$(".lgw-resume-input");
  input.focus();
  input.value = '"yes"';
  w.click(w.$(".lgw-resume"));
  assert.ok(!w.$(".lgw-resume").disabled);
  w.model.set("status", "running");
  assert.ok(w.$(".lgw-resume-control").hasAttribute("hidden"));
  same(focused(), w.$(".lgw-status"), "the hidden Resume's focus went to the status line");
  w.cleanup();
});
