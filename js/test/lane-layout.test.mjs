import { test } from "node:test";
import assert from "node:assert/strict";
import { createLaneLayout, laneRows } from "../src/panes/lane-layout.js";

// A small deterministic random source: every run of the tests sees the same runs.
function random(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const shape = (rows) => rows.map((r) => [r.key, r.node, r.depth, r.spans.map((s) => s.id)]);

/**
 * A live run as a kernel sends it: frames of span changes in time order. Tasks of a few nodes
 * start (some at the same time: a fan-out), run, end; some run subgraph tasks under them.
 * `endOnTies`: a task may end at the very time a later task of its node started (it could have
 * used the same lane: laid out again from scratch).
 */
function liveRun(seed, tasks = 300, { endOnTies = true } = {}) {
  const rand = random(seed);
  const nodes = ["plan", "work", "work", "work", "check", "join"];
  const frames = [];
  const running = [];
  let t = 0;
  let made = 0;
  while (made < tasks || running.length) {
    const dt = rand() < 0.3 ? 0 : 0.001 + Math.round(rand() * 100) / 1000; // ties too
    t += dt;
    const frame = [];
    for (let k = running.length - 1; k >= 0; k--) {
      const span = running[k];
      if ((rand() < 0.4 || made >= tasks) && (endOnTies || dt > 0)) {
        running.splice(k, 1);
        frame.push({ ...span, end: t, status: "done", tokens: span.tokens + 3 });
      } else if (rand() < 0.3) {
        frame.push({ ...span, first_token: span.first_token ?? t, tokens: span.tokens + 1 });
        running[k] = frame[frame.length - 1];
      }
    }
    const starts = made < tasks ? Math.floor(rand() * 4) : 0;
    for (let k = 0; k < starts; k++) {
      const parent = running.length && rand() < 0.2 ? running[Math.floor(rand() * running.length)] : null;
      const node = nodes[Math.floor(rand() * nodes.length)];
      const span = {
        id: `/${made}`, node, namespace: parent ? [...parent.namespace, `${parent.node}:${parent.id}`] : [],
        parent: parent ? parent.id : null, step: made, start: t, end: null, first_token: null, tokens: 0,
        status: "running", clock: "server",
      };
      made += 1;
      running.push(span);
      frame.push(span);
    }
    if (frame.length) frames.push(frame);
  }
  return frames;
}

function follow(frames, { onFrame = () => {}, timeUp = () => false } = {}) {
  const spans = new Map();
  const layout = createLaneLayout();
  for (const frame of frames) {
    for (const span of frame) spans.set(span.id, span);
    layout.update(spans, frame, []);
    while (layout.work(timeUp));
    onFrame(layout, spans);
  }
  return { layout, spans };
}

test("lanes laid out as a live run's frames come equal the lanes laid out at once, after every frame", () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    let frames = 0;
    follow(liveRun(seed), {
      onFrame(layout, spans) {
        frames += 1;
        assert.deepEqual(shape(layout.rows()), shape(laneRows([...spans.values()])), `seed ${seed}, frame ${frames}`);
      },
    });
    assert.ok(frames > 50);
  }
});

test("a live run in time order is never laid out again from scratch", () => {
  for (const seed of [11, 12, 13]) {
    const { layout } = follow(liveRun(seed, 300, { endOnTies: false }));
    assert.equal(layout.fromScratch, 0, `seed ${seed}`);
  }
});

test("a 2,000-task fan-out ending one task at a time: each end is taken in place", () => {
  const fan = Array.from({ length: 2000 }, (_, i) => ({ id: `/w${i}`, node: "work", namespace: [], start: 1, end: null }));
  const frames = [fan, ...fan.map((s, i) => [{ ...s, end: 2 + (i % 7) / 10 }])];
  const { layout, spans } = follow(frames);
  assert.equal(layout.fromScratch, 0);
  assert.equal(layout.rows().length, 2000);
  assert.deepEqual(shape(layout.rows()), shape(laneRows([...spans.values()])));
});

test("changes that move spans (out of order, removed, moved, ended late) still give the lanes laid out at once", () => {
  for (const seed of [21, 22, 23, 24]) {
    const rand = random(seed);
    const frames = liveRun(seed, 150);
    const spans = new Map();
    const layout = createLaneLayout();
    let step = 0;
    for (const frame of frames) {
      const changed = [...frame];
      // now and then: a span arrives late (started earlier), an end moves back, a start moves
      if (spans.size && rand() < 0.2) {
        const all = [...spans.values()];
        const victim = all[Math.floor(rand() * all.length)];
        const kind = rand();
        if (kind < 0.4) changed.push({ ...victim, start: Math.max(0, (victim.start ?? 0) - 0.05) });
        else if (kind < 0.8 && victim.end != null) changed.push({ ...victim, end: victim.start });
        else changed.push({ ...victim, id: `${victim.id}/late`, parent: null, namespace: [], start: 0 });
      }
      for (const span of changed) spans.set(span.id, span);
      let removed = [];
      if (spans.size > 5 && rand() < 0.1) {
        removed = [[...spans.keys()][Math.floor(rand() * spans.size)]];
        spans.delete(removed[0]);
      }
      layout.update(spans, changed.filter((s) => spans.get(s.id) === s), removed);
      // work in small slices, sometimes with another frame coming before the layout is done
      let slices = 0;
      while (layout.work(() => (slices += 1) % 2 === 0) && rand() < 0.9);
      if (!layout.done) continue;
      step += 1;
      assert.deepEqual(shape(layout.rows()), shape(laneRows([...spans.values()])), `seed ${seed}, frame ${step}`);
    }
    assert.ok(layout.fromScratch > 0, "some frames were laid out from scratch");
  }
});
