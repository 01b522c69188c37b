// Issue #32, items 8, 11 and 12, the parts that are logic: the Output pane follows until the user
// scrolls up, the live region holds the status and not the clock, graph nodes say their state,
// and a view that forks and resumes reads plainly (run texts apart, the checkpoint's own part,
// removed items at their own index, a clock without the pauses, a cancel that is not an error,
// a labelled Resume box, an interrupt that says it was answered, raw events to jump in and search).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mount, mountView, makeDocument, step, tick } from "./helpers.mjs";
import { createAutoscroll } from "../src/scroll.js";
import { distinctPart } from "../src/format.js";
import { displayPaths, renderDiff } from "../src/panes/state-pane.js";
import { arrowHead, nodeStates } from "../src/panes/graph-pane.js";
import { utf16Offset } from "../src/panes/text-pane.js";
import { createRawPane } from "../src/panes/raw-pane.js";

/** A scrolling box whose metrics the test sets, as a browser's layout would. */
function scroller(document) {
  const el = document.createElement("div");
  const m = { scrollTop: 0, scrollHeight: 100, clientHeight: 100 };
  for (const k of Object.keys(m)) {
    Object.defineProperty(el, k, {
      get: () => m[k],
      set: (v) => { m[k] = k === "scrollTop" ? Math.max(0, Math.min(v, m.scrollHeight - m.clientHeight)) : v; },
    });
  }
  const scrolled = () => el.dispatchEvent(new document.defaultView.Event("scroll"));
  return { el, m, scrolled };
}

test("follow: text that comes between our scroll and its event does not stop the following", () => {
  const { document } = makeDocument();
  const { el, m, scrolled } = scroller(document);
  const changes = [];
  const scroll = createAutoscroll(el, { onChange: (f) => changes.push(f) });
  for (let i = 0; i < 50; i += 1) {
    m.scrollHeight += 300; // a frame's text
    scroll.update(); // our scroll to the bottom (no frames here: at once)
    m.scrollHeight += 40; // more text before the browser sends that scroll's event
    scrolled();
    assert.ok(scroll.following, `still following after frame ${i}`);
  }
  assert.deepEqual(changes, []);
  m.scrollTop -= 200; // the user scrolls up
  scrolled();
  assert.equal(scroll.following, false);
  const reading = m.scrollTop;
  m.scrollHeight += 300;
  scroll.update();
  assert.equal(m.scrollTop, reading, "not moved while the user reads");
  m.scrollTop = m.scrollHeight; // back to the bottom
  scrolled();
  assert.equal(scroll.following, true);
  assert.deepEqual(changes, [false, true]);
});

test("follow: content replaced by shorter content (the browser moves the position up) is not the user", () => {
  const { document } = makeDocument();
  const { el, m, scrolled } = scroller(document);
  const scroll = createAutoscroll(el);
  m.scrollHeight = 5000;
  scroll.update();
  scroll.reset(); // the pane replaced its content
  m.scrollHeight = 800;
  m.scrollTop = 700; // clamped by the browser
  m.scrollHeight = 900; // and more came before the event
  scrolled();
  assert.ok(scroll.following);
});

test("screen readers: the status is the live region, the clock is not in one", () => {
  let now = 0;
  const w = mountView({ status: "running" }, { now: () => now });
  const live = w.$$('[role="status"], [role="alert"], [role="log"], [aria-live]:not([aria-live="off"])');
  const clock = w.$(".lgw-status-elapsed");
  assert.ok(!live.some((region) => region.contains(clock)), "the clock ticks outside every live region");
  assert.ok(live.includes(w.$(".lgw-status-value")), "the status badge is one");
  now = 1000;
  w.view.panes.status.tick();
  assert.notEqual(clock.textContent, "");
  w.cleanup();
});

test("graph nodes say their state; interrupted and cancelled are not error; edges end in arrowheads", () => {
  const graph = { nodes: [{ id: "a" }, { id: "b" }, { id: "c" }, { id: "d" }], edges: [{ source: "a", target: "b" }, { source: "b", target: "c" }] };
  const steps = [
    { key: "1", name: "a", status: "done", namespace: [] },
    { key: "2", name: "b", status: "interrupted", namespace: [] },
    { key: "3", name: "c", status: "cancelled", namespace: [] },
  ];
  assert.deepEqual([...nodeStates(steps)], [["a", "done"], ["b", "interrupted"], ["c", "cancelled"]]);
  const w = mount({ status: "interrupted", graph, steps });
  w.click(w.$(".lgw-section-graph .lgw-section-header"));
  const label = (id) => w.$(`[data-node="${id}"]`).getAttribute("aria-label");
  assert.deepEqual(["a", "b", "c", "d"].map(label), ["a: done", "b: interrupted", "c: cancelled", "d: not run"]);
  assert.ok(w.$('[data-node="b"]').classList.contains("lgw-node-interrupted"));
  assert.ok(!w.$('[data-node="c"]').classList.contains("lgw-node-error"), "a cancel is not drawn as an error");
  assert.equal(w.$$(".lgw-edge-arrow").length, 2, "one arrowhead per edge");
  w.click(w.$('[data-node="a"]'));
  assert.equal(w.$('[data-node="a"]').getAttribute("aria-pressed"), "true");
  assert.equal(arrowHead([[0, 0], [0, 10]], 4), "M0.0,10.0 L-2.0,6.0 L2.0,6.0 Z", "points back along the edge");
  assert.equal(arrowHead([[1, 1]]), "");
  w.cleanup();
});

test("a resumed or forked run's text is set apart from the text before it (not 'beginendend')", () => {
  const w = mount({ status: "idle" });
  w.model.custom({ type: "reset", epoch: "e", seq: 0 });
  w.model.custom({ type: "delta", epoch: "e", seq: 1, status: "running", text: "begin" });
  w.model.custom({ type: "delta", epoch: "e", seq: 2, text: "end" });
  w.model.set("text", "beginend");
  w.model.set("status", "done");
  w.model.custom({ type: "delta", epoch: "e", seq: 3, status: "connecting",
    branches: [{ checkpoint_id: "cp", steps_before: 1, events_before: 5 }] });
  w.model.custom({ type: "delta", epoch: "e", seq: 4, status: "running", text: "end" });
  const pane = w.$(".lgw-text");
  assert.equal(pane.textContent, "beginendend", "the text itself is the kernel's");
  const blocks = [...pane.children].map((c) => (c.classList.contains("lgw-text-divider") ? `|${c.getAttribute("data-label")}|` : c.textContent));
  assert.deepEqual(blocks, ["beginend", "|forked run|", "end"]);
  w.model.set("status", "interrupted");
  w.model.custom({ type: "delta", epoch: "e", seq: 5, status: "connecting" });
  w.model.custom({ type: "delta", epoch: "e", seq: 6, status: "running", text: "!" });
  assert.deepEqual([...pane.querySelectorAll(".lgw-text-divider")].map((d) => d.getAttribute("data-label")), ["forked run", "resumed run"]);
  w.model.set("text", "beginendend!"); // the final trait extends what is shown: dividers stay
  assert.equal(pane.querySelectorAll(".lgw-text-divider").length, 2);
  w.model.custom({ type: "reset", epoch: "f", seq: 7 }); // a new run of the view
  assert.equal(pane.querySelectorAll(".lgw-text-divider").length, 0);
  w.cleanup();
});

test("where the kernel says a fork's text begins (branch text_before, code points), the page sets it apart", () => {
  const text = "😀ab" + "cd";
  const w = mount({ status: "done", text, branches: [{ checkpoint_id: "x", steps_before: 0, events_before: 0, text_before: 3 }] });
  const blocks = [...w.$(".lgw-text").children].map((c) => (c.classList.contains("lgw-text-divider") ? "|" : c.textContent));
  assert.deepEqual(blocks, ["😀ab", "|", "cd"]);
  assert.equal(utf16Offset("😀ab", 1), 2);
  w.cleanup();
});

test("the fork divider shows the part of the checkpoint id that tells it apart, and the step it runs again", () => {
  const ids = ["1f0c8a2e-1234-6b5e-8001-aaaaaaaaaaaa", "1f0c8a2e-1234-6b5e-8002-aaaaaaaaaaaa", "1f0c8a2e-1299-6000-8003-aaaaaaaaaaaa"];
  assert.equal(distinctPart(ids[1], ids), "…2-aaaaaa…");
  assert.equal(distinctPart("abc", ["abc"]), "abc");
  const steps = ids.map((id, i) => step(`/s${i}`, { name: `n${i}`, step: i + 1, status: "done", checkpoint_id: id }));
  steps.push(step("/s3", { name: "n1", step: 2, status: "done", checkpoint_id: "1f0c8a2e-1299-6000-8004-aaaaaaaaaaaa" }));
  const w = mount({ status: "done", steps, branches: [{ checkpoint_id: ids[1], steps_before: 3 }] });
  const divider = w.$(".lgw-branch");
  assert.equal(divider.textContent, "forked from checkpoint …2-aaaaaa… (before n1 #2)");
  assert.ok(!divider.textContent.includes("1f0c8a2e"), "not the prefix every checkpoint of the thread shares");
  assert.equal(divider.getAttribute("title"), `checkpoint ${ids[1]}`);
  w.cleanup();
});

test("a diff that removes two items lists each at its own index, not '− messages[2]' twice", () => {
  const ops = [{ op: "replace", path: "/n", value: 1 }, { op: "remove", path: "/messages/2" }, { op: "remove", path: "/messages/2" },
    { op: "remove", path: "/messages/2" }, { op: "add", path: "/messages/2", value: "x" }, { op: "remove", path: "/messages/2" }];
  assert.deepEqual(displayPaths(ops), ["n", "messages[2]", "messages[3]", "messages[4]", "messages[2]", "messages[2]"]);
  const { document } = makeDocument();
  const el = renderDiff(document, { index: 1, ops: ops.slice(1, 3) });
  assert.deepEqual([...el.querySelectorAll(".lgw-op-path")].map((p) => p.textContent), ["messages[2]", "messages[3]"]);
});

test("the clock counts running time only: a resume after a pause does not count the pause", () => {
  let now = 0;
  const w = mountView({ status: "idle" }, { now: () => now });
  const shown = () => w.$(".lgw-status-elapsed").textContent;
  const status = w.view.panes.status;
  w.model.custom({ type: "reset", epoch: "e", seq: 0 });
  w.model.custom({ type: "delta", epoch: "e", seq: 1, status: "running", duration: 0.05 });
  now = 3000;
  w.model.custom({ type: "delta", epoch: "e", seq: 2, duration: 3.0 });
  w.model.set("duration", 3.0);
  w.model.set("status", "interrupted");
  assert.equal(shown(), "3.00 s");
  now = 150000; // two and a half minutes later, the user answers
  w.model.custom({ type: "delta", epoch: "e", seq: 3, status: "connecting" });
  status.tick();
  assert.equal(shown(), "3.00 s", "not counting while it waits");
  now = 150500;
  w.model.custom({ type: "delta", epoch: "e", seq: 4, status: "running", duration: 3.0 }); // the kernel leaves the pause out
  status.tick();
  assert.equal(shown(), "3.00 s");
  now = 154500;
  status.tick();
  assert.equal(shown(), "7.00 s", "4 s of resumed run");
  w.model.custom({ type: "delta", epoch: "e", seq: 5, duration: 7.001 }); // deltas round to ms
  w.model.set("duration", 7.0006); // the final trait does not: a hair less is still this run
  w.model.set("status", "done");
  assert.equal(shown(), "7.00 s", "not 2 m 34 s");
  w.model.custom({ type: "reset", epoch: "f", seq: 6 }); // a new run: from zero
  w.model.custom({ type: "delta", epoch: "f", seq: 7, status: "running", duration: 0.5 });
  status.tick();
  assert.equal(shown(), "500 ms");
  w.cleanup();
});

test("a cancel the user asked for is said plainly, not as an error", () => {
  const w = mount({ status: "cancelled", error: { type: "RunCancelled", message: "The run was cancelled", kind: "cancelled" } });
  const banner = w.$(".lgw-error");
  assert.equal(banner.getAttribute("data-kind"), "cancelled");
  assert.equal(banner.getAttribute("role"), "status", "not an alert");
  assert.equal(w.$(".lgw-error-icon").textContent, "■");
  w.model.set("error", { type: "ValueError", message: "boom", kind: "run" });
  assert.equal(banner.getAttribute("role"), "alert");
  assert.equal(w.$(".lgw-error-icon").textContent, "⚠");
  w.cleanup();
});

test("the Resume box has a visible label; the Interrupts pane says which were answered, and with what when known", () => {
  const w = mount({ status: "interrupted", thread_id: "t", interrupts: [{ id: "i1", value: "ok?", resolved: false }] });
  const label = w.$(".lgw-resume-input").closest("label");
  assert.ok(label, "the input sits in a label");
  assert.match(label.textContent, /Answer \(JSON\)/);
  assert.equal(w.$(".lgw-interrupt").getAttribute("data-state"), "waiting");
  assert.match(w.$(".lgw-interrupt").textContent, /waiting for an answer/);
  w.model.set("interrupts", [{ id: "i1", value: "ok?", resolved: true }]);
  assert.match(w.$(".lgw-interrupt .lgw-item-meta").textContent, /^answered/);
  w.model.set("interrupts", [{ id: "i1", value: "ok?", resolved: true, answer: { approved: true } }]);
  assert.match(w.$(".lgw-interrupt").textContent, /approved/);
  w.cleanup();
});

test("raw events: first/last page, go to an event by number, and a search across every page", async () => {
  const events = Array.from({ length: 1234 }, (_, i) => ({ index: i, event: i % 100 === 7 ? "custom" : "values", data: { n: i } }));
  const asked = [];
  const request = async (msg) => {
    asked.push(msg);
    const chosen = events.slice(msg.offset, msg.offset + msg.limit);
    return { ok: true, events: chosen, total: events.length, offset: msg.offset };
  };
  const { document } = makeDocument();
  const raw = createRawPane(document, { request });
  document.body.appendChild(raw.el);
  raw.setOpen(true);
  await tick();
  const rows = () => [...raw.el.querySelectorAll(".lgw-raw-body > .lgw-raw-pager .lgw-raw-event-index")].map((e) => e.textContent);
  assert.equal(rows()[0], "#0");
  raw.el.querySelector(".lgw-raw-last").click();
  await tick();
  assert.equal(rows()[0], "#1184");
  raw.el.querySelector(".lgw-raw-first").click();
  await tick();
  assert.equal(rows()[0], "#0");
  const goto = raw.el.querySelector(".lgw-raw-goto");
  goto.value = "640";
  const enter = new document.defaultView.Event("keydown");
  enter.key = "Enter";
  goto.dispatchEvent(enter);
  await tick();
  assert.equal(rows()[0], "#640");
  assert.equal(raw.el.querySelector(".lgw-raw-range").textContent, "641–690 of 1,234".replace(",", ""));
  await raw.search.search("custom");
  const found = [...raw.el.querySelectorAll(".lgw-raw-search-results .lgw-raw-event-index")].map((e) => e.textContent);
  assert.equal(found.length, 13);
  assert.deepEqual(found.slice(0, 3), ["#7", "#107", "#207"]);
  assert.equal(found[12], "#1207", "found on the last page too");
  assert.match(raw.el.querySelector(".lgw-raw-search-msg").textContent, /13 of 1234 events match/);
  assert.ok(asked.filter((m) => m.limit === 500).length === 3, "read 500 at a time");
});
