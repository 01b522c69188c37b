// Test helpers: a linkedom document and a fake anywidget model.
import { parseHTML } from "linkedom";
import widget from "../src/widget.js";
import { createView } from "../src/view.js";
import { createRenderQueue, renderQueue } from "../src/render-queue.js";
import { createLayoutService, useLayoutService } from "../src/layout-service.js";
import { layoutGraph } from "../src/graph-layout.js";

// Node has no workers for the packed layout module: views lay out graphs with dagre itself.
useLayoutService(createLayoutService({ layout: layoutGraph }));

/** Draw everything the views have waiting (the page draws it in slices, in tasks to come). */
export const flush = () => renderQueue().flush();

export function makeDocument() {
  const { document, Event } = parseHTML("<!doctype html><html><head></head><body></body></html>");
  return { document, Event };
}

export class FakeModel {
  constructor(traits = {}) {
    this.traits = { ...traits };
    this.handlers = new Map();
    this.sent = [];
  }
  get(name) {
    return this.traits[name];
  }
  set(name, value) {
    this.traits[name] = value;
    this.emit(`change:${name}`);
    flush();
  }
  on(name, cb) {
    if (!this.handlers.has(name)) this.handlers.set(name, new Set());
    this.handlers.get(name).add(cb);
  }
  off(name, cb) {
    const set = this.handlers.get(name);
    if (!set) return;
    if (cb) set.delete(cb);
    else set.clear();
  }
  emit(name, ...args) {
    for (const cb of [...(this.handlers.get(name) || [])]) cb(...args);
  }
  /** Kernel → front end custom message. */
  custom(msg, buffers = []) {
    this.emit("msg:custom", msg, buffers);
    flush();
  }
  send(msg) {
    this.sent.push(msg);
  }
  listenerCount() {
    let n = 0;
    for (const set of this.handlers.values()) n += set.size;
    return n;
  }
}

/** Render via the anywidget entry point. */
export function mount(traits = {}) {
  const { document, Event } = makeDocument();
  const el = document.createElement("div");
  document.body.appendChild(el);
  const model = new FakeModel(traits);
  const stopModel = widget.initialize({ model });
  const stopView = widget.render({ model, el });
  const cleanup = () => {
    stopView();
    stopModel();
  };
  flush();
  const click = (node) => {
    node.dispatchEvent(new Event("click"));
    flush();
  };
  return { document, Event, el, model, cleanup, click, $: (s) => el.querySelector(s), $$: (s) => [...el.querySelectorAll(s)] };
}

/** Render via createView (access to panes and options). */
export function mountView(traits = {}, options = {}) {
  const { document, Event } = makeDocument();
  const el = document.createElement("div");
  document.body.appendChild(el);
  const model = new FakeModel(traits);
  const view = createView({ model, el, options });
  flush();
  const click = (node) => {
    node.dispatchEvent(new Event("click"));
    flush();
  };
  return { document, Event, el, model, view, click, cleanup: () => view.destroy(), $: (s) => el.querySelector(s), $$: (s) => [...el.querySelectorAll(s)] };
}

/** A run ("ab", then its final traits: "abc", done) and the next run's start ("x"), in one go. */
export function emitTwoRuns(model) {
  model.emit("msg:custom", { type: "reset", epoch: 1, seq: 1 });
  model.emit("msg:custom", { type: "delta", epoch: 1, seq: 2, status: "running", text: "ab" });
  model.traits.text = "abc";
  model.traits.status = "done";
  model.emit("change:text");
  model.emit("change:status");
  model.emit("msg:custom", { type: "reset", epoch: 2, seq: 3 });
  model.traits.text = "";
  model.traits.status = "connecting";
  model.emit("change:text");
  model.emit("change:status");
  model.emit("msg:custom", { type: "delta", epoch: 2, seq: 4, status: "running", text: "x" });
}

export function step(key, extra = {}) {
  const id = key.split("/").pop();
  return {
    key, id, name: id, namespace: [], parent: null, step: 1, status: "running",
    input: null, result: null, error: null, interrupts: [], triggers: [],
    started: 0.1, ended: null, checkpoint_id: null, source: "tasks", ...extra,
  };
}

export const tick = () => new Promise((r) => setTimeout(r, 0));

/**
 * A queue on a fake clock: every `tick()` of work costs 1 ms (with `everyLook`, every look at the
 * clock does); slices run when `next()` is called.
 */
export function fakeQueue(budgetMs = 5, { everyLook = false } = {}) {
  let t = 0;
  const pending = [];
  const queue = createRenderQueue({ budgetMs, now: () => (everyLook ? t++ : t), defer: (fn) => pending.push(fn) });
  return {
    queue,
    tick: () => { t += 1; },
    /** Run the next slice (a task of its own in a page); false when none was waiting. */
    next() {
      const fn = pending.shift();
      if (fn) fn();
      return !!fn;
    },
  };
}
