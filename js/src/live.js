// The live wiring of a view: the model's trait changes and the kernel's messages (reset / delta /
// snapshot, see wire.js) reach the fields' bindings (bindings.js), each field by its rule.
//
// Nothing is drawn in the task that brings a change (a 5 MB final trait's message costs the page
// enough already): trait changes and kernel messages wait in the view's inbox, in arrival order,
// and a render-queue job applies them a few milliseconds at a time; the panes then draw what
// changed in slices of their own.
//
// A run's end stays on screen for a frame at least: the next run's start waits in the inbox until
// the panes have drawn the end and the browser has painted it. (`view.run(); view.run()` in one
// cell brings the first run's final traits and the second's reset within a few milliseconds:
// applied in the same frame, the first run's `done` and final text were never painted.)
import { afterPaint as afterPaintDefault, createJob } from "./render-queue.js";
import { createLiveGate, FIELDS, LIVE_STATUSES } from "./wire.js";

/** What the page says when JupyterLab cuts it from its kernel while a run is live. */
export const DISCONNECTED = {
  status: "disconnected",
  error: { type: "Disconnected", kind: "kernel", message: "The kernel restarted or stopped while the run "
    + "was live. What arrived before is shown; the run may go on on the server." },
};

const listOrEmpty = (v) => (Array.isArray(v) ? v : []);

/** How a delta's part of a field reaches its binding, by the field's live rule. */
export const RULES = {
  replace: (binding, field, d) => {
    if (field.name in d) binding.replace(d[field.name], d);
  },
  append: (binding, field, d) => {
    const v = d[field.name];
    if (typeof v === "string" || Array.isArray(v)) binding.append(v, d);
  },
  upsert: (binding, field, d) => {
    const items = d[field.name];
    const removed = field.removed ? d[field.removed] : undefined;
    if (Array.isArray(items) || Array.isArray(removed)) binding.upsert(listOrEmpty(items), listOrEmpty(removed), d);
  },
  merge: (binding, field, d) => {
    const v = d[field.name];
    if (v && typeof v === "object") binding.merge(v, d);
  },
};

/** Whether applying an inbox item starts a run of the view (a new one, or one that goes on). */
const startsRun = ({ message, name, value }) => (message
  ? message.type === "reset" || (message.type === "delta" && LIVE_STATUSES.has(message.status))
  : name === "status" && LIVE_STATUSES.has(value));
const isEnd = (status) => status !== "idle" && !LIVE_STATUSES.has(status);

/**
 * Follow `model` into `bindings`: its traits now and as they change, and the kernel's messages
 * (replies go to `onReply` at once). `drawing` (render-queue.js) says when the panes have drawn
 * what they were given. Returns {gate, onMessage, destroy}.
 */
export function followModel(model, bindings, { queue, drawing, onReply, afterPaint = afterPaintDefault }) {
  const fields = FIELDS.filter((f) => bindings[f.name]);
  const gate = createLiveGate(model.get("status"));
  const cleanups = [];

  function set(name, value, traits) {
    if (value === undefined) return;
    if (name === "status") gate.traitStatus(value); // once the traits say the run is over, they hold everything
    bindings[name].set(value, traits);
  }

  /** A new run of the view: every field back to where a run starts. */
  function reset() {
    for (const f of fields) if (bindings[f.name].clear) bindings[f.name].clear();
  }

  /** One delta: each field by its rule (append, upsert by key, merge, replace). */
  function applyDelta(d) {
    const shown = bindings.status.shown;
    if (d.status === "connecting" && shown !== "idle" && !LIVE_STATUSES.has(shown)) {
      bindings.text.runStart(Array.isArray(d.branches) && d.branches.length ? "forked run" : "resumed run");
    }
    for (const f of fields) {
      const apply = RULES[f.live];
      if (apply) apply(bindings[f.name], f, d);
    }
  }

  function applySnapshot(data) {
    reset();
    // status first so the clock starts from the snapshot's duration
    if ("status" in data) bindings.status.replace(data.status);
    const traits = { get: (name) => data[name] };
    for (const f of fields) if (f.name !== "status" && f.name in data) set(f.name, data[f.name], traits);
  }

  function onMessage(msg) {
    if (!msg || typeof msg !== "object") return;
    if (msg.type === "reset") {
      gate.reset(msg);
      reset();
      bindings.status.replace("connecting"); // a new run of the view: not the last one's end over empty panes
    } else if (msg.type === "delta") {
      if (gate.acceptDelta(msg)) applyDelta(msg);
    } else if (msg.type === "snapshot") {
      if (gate.acceptSnapshot(msg)) applySnapshot(msg.data && typeof msg.data === "object" ? msg.data : {});
    } else if (msg.type === "reply") {
      onReply(msg);
    }
  }

  // The traits a binding reads besides its own (messages read text and segments; steps, checkpoints
  // and diffs read state), as the model holds them when the change is drawn, not when it came:
  // final traits set one after the other (a batch of parts) are drawn whole, never half stale.
  const traits = { get: (name) => model.get(name) };

  // ---- the inbox: every change in arrival order, applied by a render-queue job
  let inbox = [];
  let head = 0;
  let unpaintedEnd = false; // the view shows a run's end that has not been on screen yet
  let holding = false;
  const holdEnd = () => {
    if (holding) return;
    holding = true;
    drawing.whenDrawn(() => afterPaint(() => {
      holding = false;
      unpaintedEnd = false;
      inboxJob.request();
    }));
  };
  const inboxJob = createJob((timeUp) => {
    while (head < inbox.length && !timeUp()) {
      const item = inbox[head];
      if (unpaintedEnd && startsRun(item)) {
        holdEnd();
        return false; // the hold asks for the job again
      }
      inbox[head] = undefined;
      head += 1;
      const was = bindings.status.shown;
      if (item.message) onMessage(item.message);
      else set(item.name, item.value, traits);
      const now = bindings.status.shown;
      if (now !== was) unpaintedEnd = isEnd(now);
    }
    if (head === inbox.length) {
      inbox = [];
      head = 0;
    }
    return head < inbox.length;
  }, queue);
  const post = (item) => {
    inbox.push(item);
    inboxJob.request();
  };

  for (const { name } of fields) {
    const handler = () => post({ name, value: model.get(name) });
    model.on(`change:${name}`, handler);
    cleanups.push(() => model.off(`change:${name}`, handler));
  }
  post({ name: "status", value: model.get("status") });
  for (const { name } of fields) if (name !== "status") post({ name, value: model.get(name) });

  // Replies settle requests at once (a pane waiting for raw events draws them itself).
  const msgHandler = (msg) => {
    if (msg && msg.type === "reply") onReply(msg);
    else if (!msg || msg.type !== "part") post({ message: msg }); // parts: the model's (widget.js)
  };
  model.on("msg:custom", msgHandler);
  cleanups.push(() => model.off("msg:custom", msgHandler));
  // JupyterLab cuts every widget model from its kernel when the kernel restarts or dies
  // (ipywidgets' `comm_live_update`): a live run's page would wait for the rest forever.
  const onCommLost = () => {
    if (!LIVE_STATUSES.has(bindings.status.shown)) return;
    bindings.status.replace(DISCONNECTED.status);
    bindings.error.replace(DISCONNECTED.error);
  };
  model.on("comm_live_update", onCommLost);
  cleanups.push(() => model.off("comm_live_update", onCommLost));
  model.send({ type: "hello" }); // no answer: a snapshot while a run is live

  return {
    gate,
    onMessage,
    destroy() {
      for (const fn of cleanups.splice(0)) fn();
      inbox = []; // a hold that ends later finds nothing to apply
      head = 0;
      inboxJob.cancel();
    },
  };
}
