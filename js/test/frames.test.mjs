// What a page paints between slices (issue #30): the status line never says more than the panes
// show, and a run's end is on screen for a frame before the next run of the view replaces it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SLICE_CHARS } from "../src/panes/text-pane.js";
import { emitTwoRuns, fakeQueue, flush, mountView, step } from "./helpers.mjs";

const count = (w, sel) => Number(w.$(sel).textContent.replace(/[^\d]/g, "") || 0);

test("slice by slice, the status line's counters never say more than the panes drew", () => {
  const q = fakeQueue(3, { everyLook: true });
  const w = mountView({ status: "idle", text: "" }, { queue: q.queue });
  const text = "x".repeat(3 * SLICE_CHARS + 5);
  const steps = Array.from({ length: 60 }, (_, i) => step(`/s${i}`));
  w.model.emit("msg:custom", { type: "reset", epoch: 1, seq: 1 });
  w.model.emit("msg:custom", { type: "delta", epoch: 1, seq: 2, status: "running", text, steps, event_count: 61 });
  const seen = [];
  while (q.next()) {
    const shown = { tokens: count(w, ".lgw-status-tokens"), text: w.$(".lgw-text").textContent.length,
      steps: count(w, ".lgw-status-steps"), cards: w.$$(".lgw-step").length };
    seen.push(shown);
    assert.ok(shown.tokens <= shown.text && shown.steps <= shown.cards, `ahead of the panes: ${JSON.stringify(shown)}`);
  }
  assert.ok(seen.some((s) => s.text > 0 && s.text < text.length), "the text took several slices");
  assert.deepEqual(seen.at(-1), { tokens: text.length, text: text.length, steps: 60, cards: 60 });
  assert.equal(count(w, ".lgw-status-events"), 61);
  w.cleanup();
});

/** A view whose frames are painted when the test says so. */
function mountPainted(traits) {
  const frames = [];
  const w = mountView(traits, { afterPaint: (fn) => frames.push(fn) });
  const shown = () => [w.$(".lgw-root").getAttribute("data-status"), w.$(".lgw-status-value").textContent,
    w.$(".lgw-text").textContent, count(w, ".lgw-status-tokens")];
  const paint = () => {
    for (const fn of frames.splice(0)) fn();
    flush();
  };
  return { w, frames, shown, paint };
}

test("a run's end stays until it was painted, then the next run's reset clears it", () => {
  const { w, frames, shown, paint } = mountPainted({ status: "idle", text: "" });
  paint();
  emitTwoRuns(w.model); // the first run's end and the next one's start, before the view's first slice
  flush();
  assert.deepEqual(shown(), ["done", "done", "abc", 3], "the first run's end, drawn whole");
  assert.equal(frames.length, 1, "waiting for a frame");
  paint();
  assert.deepEqual(shown(), ["running", "running", "x", 1]);
  w.cleanup();
});

test("a stop stays until it was painted, then the resumed run goes on", () => {
  const { w, shown, paint } = mountPainted({ status: "idle", text: "" });
  w.model.emit("msg:custom", { type: "reset", epoch: 1, seq: 1 });
  w.model.emit("msg:custom", { type: "delta", epoch: 1, seq: 2, status: "running", text: "draft" });
  w.model.traits.status = "interrupted";
  w.model.emit("change:status");
  w.model.emit("msg:custom", { type: "delta", epoch: 1, seq: 3, status: "connecting" }); // a resume: same epoch
  flush();
  assert.deepEqual(shown(), ["interrupted", "interrupted", "draft", 5]);
  paint();
  assert.deepEqual(shown(), ["connecting", "connecting", "draft", 5]);
  w.cleanup();
});
