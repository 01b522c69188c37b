// What a page paints between slices (issue #30): the status line never says more than the panes show.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SLICE_CHARS } from "../src/panes/text-pane.js";
import { fakeQueue, mountView, step } from "./helpers.mjs";

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
