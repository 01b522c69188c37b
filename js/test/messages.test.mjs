import { test } from "node:test";
import assert from "node:assert/strict";
import { mount, mountView, step, tick } from "./helpers.mjs";

test("snapshot replaces the view; deltas with seq <= snapshot seq are ignored", () => {
  const w = mount({ status: "idle", text: "" });
  assert.equal(w.model.sent[0].type, "hello");
  w.model.custom({ type: "snapshot", seq: 10, data: {
    status: "running", text: "Hello", steps: [step("/a", { name: "agent" })], event_count: 7, current_node: "agent",
    segments: [], state: { n: 1 }, diffs: [], custom: [], interrupts: [], checkpoints: [], error: null, counts: { messages: 7 }, duration: 1.5,
  } });
  assert.equal(w.$(".lgw-text").textContent, "Hello");
  assert.equal(w.$(".lgw-status-value").textContent, "running");
  w.model.custom({ type: "delta", seq: 9, text: " stale" });
  w.model.custom({ type: "delta", seq: 10, text: " stale" });
  assert.equal(w.$(".lgw-text").textContent, "Hello");
  w.model.custom({ type: "delta", seq: 11, text: " world", event_count: 9 });
  assert.equal(w.$(".lgw-text").textContent, "Hello world");
  assert.match(w.$(".lgw-status-events").textContent, /9 events/);
  assert.match(w.$(".lgw-status-node").textContent, /agent/);
  w.cleanup();
});

test("a page that appears mid-run ignores deltas until its snapshot, then follows", () => {
  const w = mountView({ status: "running", text: "" });
  w.model.custom({ type: "delta", epoch: 1, seq: 3, text: "lost?" });
  assert.equal(w.$(".lgw-text").textContent, "", "the snapshot holds what this delta says");
  w.model.custom({ type: "snapshot", epoch: 1, seq: 3, data: { status: "running", text: "abc" } });
  w.model.custom({ type: "delta", epoch: 1, seq: 4, text: "d" });
  w.model.custom({ type: "snapshot", epoch: 1, seq: 4, data: { status: "running", text: "abcd" } });
  assert.equal(w.$(".lgw-text").textContent, "abcd", "another page's snapshot changes nothing here");
  assert.equal(w.view.gate.seq, 4);
  w.cleanup();
});

test("a reset clears the page; a continued run (no reset) keeps what it shows", () => {
  const w = mount({ status: "interrupted", text: "first run ", steps: [step("/old")], run_id: "r1",
    interrupts: [{ id: "i1", value: "ok?", namespace: [], node: "review", resolved: false }] });
  // resume: a new run_id and a live status, and the transcript grows
  w.model.custom({ type: "delta", epoch: 1, seq: 5, status: "connecting", run_id: "r2",
    interrupts: [{ id: "i1", value: "ok?", namespace: [], node: "review", resolved: true }] });
  w.model.custom({ type: "delta", epoch: 1, seq: 6, status: "running", text: "second", steps: [step("/new")] });
  assert.equal(w.$(".lgw-text").textContent, "first run second");
  assert.deepEqual(w.$$(".lgw-step").map((c) => c.getAttribute("data-key")), ["/old", "/new"]);
  assert.equal(w.$$(".lgw-interrupt").length, 1, "one interrupt is one row, upserted by id");
  w.model.custom({ type: "reset", epoch: 2, seq: 7 });
  assert.equal(w.$(".lgw-text").textContent, "");
  assert.equal(w.$(".lgw-root").getAttribute("data-status"), "connecting", "the new run's, not the last one's end");
  assert.equal(w.$$(".lgw-step").length, 0);
  assert.equal(w.$$(".lgw-interrupt").length, 0);
  w.model.custom({ type: "delta", epoch: 1, seq: 8, text: "stale epoch" });
  assert.equal(w.$(".lgw-text").textContent, "");
  w.cleanup();
});

test("steps_removed takes cards away; the drawing and the Messages pane follow deltas", () => {
  const w = mount({ status: "idle", graph: { nodes: [{ id: "a" }, { id: "b" }], edges: [] } });
  w.click(w.$(".lgw-section-graph .lgw-section-header"));
  w.model.custom({ type: "delta", seq: 1, status: "running", steps: [step("/update-1", { name: "a", status: "done" })] });
  w.model.custom({ type: "delta", seq: 2, steps_removed: ["/update-1"], steps: [step("/t1", { name: "b" })] });
  assert.deepEqual(w.$$(".lgw-step").map((c) => c.getAttribute("data-key")), ["/t1"]);
  assert.ok(w.$('[data-node="b"]').classList.contains("lgw-node-running"));
  assert.ok(!w.$('[data-node="a"]').classList.contains("lgw-node-done"), "a removed card no longer paints its node");
  const seg = (start, message) => ({ start, end: start, node: "b", namespace: [], tags: [], message });
  w.model.custom({ type: "delta", seq: 3, text: "Hel", segments: [seg(0, "m1")],
    messages: [{ id: "m1", type: "AIMessageChunk", text_in_segments: true }] });
  w.model.custom({ type: "delta", seq: 4, text: "lo" });
  assert.equal(w.$(".lgw-message .lgw-message-text").textContent, "Hello");
  w.model.custom({ type: "delta", seq: 5, text: "!", segments: [seg(5, "m2")],
    messages: [{ id: "m2", type: "ai", text_in_segments: true }] });
  assert.deepEqual(w.$$(".lgw-message .lgw-message-text").map((e) => e.textContent), ["Hello", "!"]);
  w.cleanup();
});

test("status line shows status, node, steps, events, tokens, duration; data-status on root", () => {
  const w = mount({ status: "done", current_node: "tools", steps: [step("/a"), step("/b")], event_count: 12, text: "abcd", duration: 3.5 });
  assert.equal(w.$(".lgw-status .lgw-status-value").textContent, "done");
  assert.equal(w.$(".lgw-root").getAttribute("data-status"), "done");
  assert.match(w.$(".lgw-status-node").textContent, /tools/);
  assert.match(w.$(".lgw-status-steps").textContent, /2 steps/);
  assert.match(w.$(".lgw-status-events").textContent, /12 events/);
  assert.match(w.$(".lgw-status-tokens").textContent, /4 chars/);
  assert.match(w.$(".lgw-status-elapsed").textContent, /3\.50 s/);
  w.model.set("status", "error");
  assert.equal(w.$(".lgw-root").getAttribute("data-status"), "error");
  w.cleanup();
});

test("elapsed clock ticks while running", () => {
  let now = 1000;
  const w = mountView({ status: "running" }, { now: () => now });
  now = 3500;
  w.view.panes.status.tick();
  assert.match(w.$(".lgw-status-elapsed").textContent, /2\.50 s/);
  w.cleanup();
});

test("elapsed clock: still while connecting, then never back while running", () => {
  let now = 1000;
  const w = mountView({ status: "connecting" }, { now: () => now });
  const shown = () => w.$(".lgw-status-elapsed").textContent;
  const status = w.view.panes.status;
  now = 1900;
  status.tick();
  assert.equal(shown(), "", "no clock before the first event");
  status.set({ status: "running", duration: 0.02 });
  now = 3000;
  status.tick();
  assert.match(shown(), /1\.12 s/);
  status.set({ duration: 1.0 }); // a delta that left the kernel a moment ago says less
  status.tick();
  assert.match(shown(), /1\.12 s/);
  status.set({ duration: 1.5 }); // one that says more moves it on
  status.tick();
  assert.match(shown(), /1\.50 s/);
  status.set({ status: "done", duration: 1.52 });
  assert.match(shown(), /1\.52 s/, "the run's own duration once it ended");
  w.cleanup();
});

test("cancel button: visible while connecting/running, sends cancel with request_id", async () => {
  const w = mount({ status: "idle" });
  const btn = w.$(".lgw-cancel");
  assert.ok(btn.hasAttribute("hidden"));
  w.model.custom({ type: "delta", seq: 1, status: "connecting" });
  assert.ok(!btn.hasAttribute("hidden"));
  w.model.custom({ type: "delta", seq: 2, status: "running" });
  assert.ok(!btn.hasAttribute("hidden"));
  w.click(btn);
  const msg = w.model.sent.find((m) => m.type === "cancel");
  assert.ok(msg, "cancel sent");
  assert.equal(typeof msg.request_id, "string");
  assert.equal(btn.getAttribute("aria-disabled"), "true", "marked disabled; not disabled, which drops the focus");
  w.model.custom({ type: "reply", request_id: msg.request_id, ok: true });
  await tick();
  w.model.custom({ type: "delta", seq: 3, status: "cancelled", error: { type: "CancelledError", message: "cancelled by user", kind: "cancelled" } });
  assert.ok(btn.hasAttribute("hidden"));
  w.cleanup();
});

test("a failed cancel re-enables the button and shows the error", async () => {
  const w = mount({ status: "running" });
  const btn = w.$(".lgw-cancel");
  w.click(btn);
  const msg = w.model.sent.find((m) => m.type === "cancel");
  w.model.custom({ type: "reply", request_id: msg.request_id, ok: false, error: "no live run" });
  await tick();
  assert.ok(!btn.hasAttribute("aria-disabled") && !btn.hasAttribute("disabled"));
  assert.equal(w.$(".lgw-cancel-error").textContent, "no live run");
  w.cleanup();
});

test("error banner shows type and message and keeps partial output", () => {
  const w = mount({ status: "idle", text: "partial" });
  assert.ok(w.$(".lgw-error").hasAttribute("hidden"));
  w.model.custom({ type: "delta", seq: 1, status: "error", error: { type: "GraphRecursionError", message: "Recursion limit reached", kind: "run" } });
  assert.ok(!w.$(".lgw-error").hasAttribute("hidden"));
  assert.equal(w.$(".lgw-error-type").textContent, "GraphRecursionError");
  assert.equal(w.$(".lgw-error-message").textContent, "Recursion limit reached");
  assert.equal(w.$(".lgw-text").textContent, "partial");
  w.model.set("error", null);
  assert.ok(w.$(".lgw-error").hasAttribute("hidden"));
  w.cleanup();
});

test("raw events: collapsed by default, pages via events requests when opened", async () => {
  const w = mount({ status: "done", event_count: 120, counts: { updates: 3, events: 117 }, event_kinds: { on_chain_start: 5, on_chat_model_stream: 100 } });
  const raw = w.$(".lgw-raw");
  assert.ok(raw.classList.contains("lgw-collapsed"));
  assert.ok(raw.querySelector(".lgw-section-body").hasAttribute("hidden"));
  assert.equal(w.model.sent.filter((m) => m.type === "events").length, 0, "nothing requested while closed");
  w.click(raw.querySelector(".lgw-section-header"));
  let req = w.model.sent.filter((m) => m.type === "events").pop();
  assert.deepEqual({ offset: req.offset, limit: req.limit }, { offset: 0, limit: 50 });
  w.model.custom({ type: "reply", request_id: req.request_id, ok: true, total: 120, offset: 0,
    events: [{ index: 0, event: "metadata", mode: "metadata", namespace: [], id: "1", data: { run_id: "r" } },
      { index: 1, event: "updates|sub:1", mode: "updates", namespace: ["sub:1"], id: "2", data: { node: { x: 1 } } }] });
  await tick();
  const rows = w.$$(".lgw-raw-pager > .lgw-raw-events > .lgw-raw-event");
  assert.deepEqual(rows.map((r) => r.querySelector(".lgw-raw-event-name").textContent), ["event: metadata", "event: updates|sub:1"]);
  assert.ok(rows[0].querySelector(".lgw-json-container").classList.contains("lgw-collapsed"), "data collapsed");
  assert.match(w.$(".lgw-raw-range").textContent, /1–50 of 120/);
  w.click(w.$(".lgw-raw-next"));
  req = w.model.sent.filter((m) => m.type === "events").pop();
  assert.equal(req.offset, 50);
  // kinds grouped with counts; expanding one pages with a kind filter
  const kinds = w.$$('.lgw-raw-group[data-group="kind"] .lgw-raw-kind');
  assert.deepEqual(kinds.map((k) => [k.getAttribute("data-kind"), k.querySelector(".lgw-raw-kind-count").textContent]), [["on_chain_start", "5"], ["on_chat_model_stream", "100"]]);
  w.click(kinds[1].querySelector(".lgw-raw-kind-header"));
  req = w.model.sent.filter((m) => m.type === "events").pop();
  assert.equal(req.kind, "on_chat_model_stream");
  assert.equal(req.offset, 0);
  const modes = w.$$('.lgw-raw-group[data-group="mode"] .lgw-raw-kind');
  w.click(modes[0].querySelector(".lgw-raw-kind-header"));
  req = w.model.sent.filter((m) => m.type === "events").pop();
  assert.equal(req.mode, "updates");
  w.cleanup();
});

test("raw events: an error reply is shown", async () => {
  const w = mount({ status: "done" });
  w.click(w.$(".lgw-raw .lgw-section-header"));
  const req = w.model.sent.filter((m) => m.type === "events").pop();
  w.model.custom({ type: "reply", request_id: req.request_id, ok: false, error: "no events recorded" });
  await tick();
  assert.match(w.$(".lgw-raw-msg").textContent, /no events recorded/);
  w.cleanup();
});

test("deltas update counts and event kinds incrementally", () => {
  const w = mountView({ status: "idle" });
  w.model.custom({ type: "delta", seq: 1, status: "running", counts: { updates: 1 }, event_kinds: { on_chain_start: 1 } });
  w.model.custom({ type: "delta", seq: 2, counts: { custom: 2 }, event_kinds: { on_chain_start: 3 } });
  assert.deepEqual(w.view.panes.raw.counts, { updates: 1, custom: 2 });
  assert.deepEqual(w.view.panes.raw.eventKinds, { on_chain_start: 3 });
  w.cleanup();
});

test("cleanup removes every listener and the DOM", () => {
  const w = mount({ status: "running" });
  assert.ok(w.model.listenerCount() > 10);
  w.cleanup();
  assert.equal(w.model.listenerCount(), 0);
  assert.equal(w.el.querySelector(".lgw-root"), null);
});

test("stable selectors exist", () => {
  const w = mount({ status: "done", steps: [step("/a")], diffs: [{ index: 0, step: 0, node: "n", ops: [{ op: "add", path: "/a", value: 1 }] }] });
  for (const sel of [".lgw-root", ".lgw-text", ".lgw-step", ".lgw-step-header", ".lgw-step-body", ".lgw-step-children", ".lgw-diff", ".lgw-op-add", ".lgw-raw", ".lgw-error", ".lgw-status", ".lgw-status-value", ".lgw-cancel"]) {
    assert.ok(w.$(sel), sel);
  }
  w.cleanup();
});

test("a kernel that restarts mid-run: the page says so and stops its clock and Cancel", () => {
  const w = mount({ status: "running", text: "partial " });
  w.model.emit("comm_live_update"); // what JupyterLab's widget manager does on a restart
  assert.equal(w.$(".lgw-root").getAttribute("data-status"), "disconnected");
  assert.ok(w.$(".lgw-cancel").hasAttribute("hidden"), "nothing to cancel from here");
  assert.match(w.$(".lgw-error").textContent, /kernel restarted or stopped/);
  assert.equal(w.$(".lgw-text").textContent, "partial ");
  const done = mount({ status: "done", text: "all" });
  done.model.emit("comm_live_update");
  assert.equal(done.$(".lgw-root").getAttribute("data-status"), "done", "a finished view stays as it is");
  assert.ok(done.$(".lgw-error").hasAttribute("hidden"));
  w.cleanup();
  done.cleanup();
});
