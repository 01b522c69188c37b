// Wires the panes to the model: traits (render + change:*), kernel messages
// (delta / snapshot / reply) and requests (hello / cancel / events).
import { h } from "./dom.js";
import { createSection } from "./section.js";
import { createRequests, newRequestId } from "./requests.js";
import { createTextPane } from "./panes/text-pane.js";
import { createStepsPane } from "./panes/steps-pane.js";
import { createStatePane } from "./panes/state-pane.js";
import { resolveStateRefs } from "./patch.js";
import { withSegmentText } from "./segments.js";
import { createListPane } from "./panes/list-pane.js";
import { renderCustom, renderInterrupt, renderMessage, renderCheckpoint } from "./panes/items.js";
import { createRawPane } from "./panes/raw-pane.js";
import { createStatusLine, LIVE_STATUSES } from "./panes/status-line.js";
import { createErrorBanner } from "./panes/error-banner.js";
import { createGraphPane } from "./panes/graph-pane.js";
import { createResumeControl } from "./panes/resume-control.js";

export const TRAITS = [
  "status", "run_id", "thread_id", "assistant_id", "text", "segments", "messages", "steps",
  "checkpoints", "state", "diffs", "custom", "interrupts", "error", "counts", "current_node",
  "event_count", "duration", "event_kinds", "graph", "branches",
];

const SCALARS = ["run_id", "thread_id", "assistant_id", "current_node", "event_count", "duration"];

/** Pure: does this delta start a new run (so the view must reset)? */
export function startsNewRun(current, delta) {
  if (!delta) return false;
  if (typeof delta.status === "string" && LIVE_STATUSES.has(delta.status) && !LIVE_STATUSES.has(current.status)) {
    return true;
  }
  return !!(delta.run_id && current.run_id && delta.run_id !== current.run_id);
}

/** Pure: should a delta with this seq be applied, given the last applied seq? */
export function acceptSeq(lastSeq, seq) {
  return typeof seq !== "number" || lastSeq === null || seq > lastSeq;
}

export function createView({ model, el, options = {} }) {
  const doc = el.ownerDocument;
  const requests = createRequests(model, { timeoutMs: options.timeoutMs ?? 30000 });
  const cur = { status: "idle", run_id: "" };
  let lastSeq = null;
  let awaitingSnapshot = true;
  let messagesList = [];
  const cleanups = [];

  // ---- panes
  const status = createStatusLine(doc, {
    onCancel: () => requests.request({ type: "cancel" }),
    now: options.now,
  });
  const error = createErrorBanner(doc);

  const textSection = createSection(doc, { title: "Output", className: "lgw-section-text" });
  const text = createTextPane(doc, { onLength: (n) => status.set({ tokens: n }) });
  textSection.body.appendChild(text.el);

  const stepsSection = createSection(doc, { title: "Steps", className: "lgw-section-steps" });
  const steps = createStepsPane(doc, {
    onCount: (n) => {
      stepsSection.setCount(n);
      status.set({ steps: n });
    },
    onFork: async (step, card) => {
      card.forkEl.disabled = true;
      const reply = await requests.request({ type: "fork", checkpoint_id: step.checkpoint_id }).catch((e) => ({ ok: false, error: e.message }));
      if (reply && reply.ok === false) card.forkMessage.textContent = reply.error || "fork refused";
    },
  });
  stepsSection.body.appendChild(steps.el);

  const graph = createGraphPane(doc, { onSelect: (name) => steps.setNameFilter(name) });
  const graphSection = createSection(doc, {
    title: "Graph", className: "lgw-section-graph", collapsed: true, onToggle: (open) => graph.setOpen(open),
  });
  graphSection.body.appendChild(graph.el);
  const resume = createResumeControl(doc, { onResume: (value) => requests.request({ type: "resume", value }) });
  let lastSteps = [];
  const refreshControls = () => {
    const threaded = !!model.get("thread_id");
    steps.setForkable(threaded && !LIVE_STATUSES.has(cur.status));
    resume.set({ status: cur.status, thread_id: model.get("thread_id") });
  };

  const stateSection = createSection(doc, { title: "State", className: "lgw-section-state" });
  const diffSection = createSection(doc, { title: "Diffs", className: "lgw-section-diffs", collapsed: false });
  const statePane = createStatePane(doc, { onDiffCount: (n) => diffSection.setCount(n) });
  stateSection.body.appendChild(statePane.stateEl);
  diffSection.body.appendChild(statePane.diffsEl);

  const list = (title, cls, render, extra = {}) => {
    const section = createSection(doc, { title, className: `lgw-section-${cls}`, hideWhenEmpty: true, ...extra });
    const pane = createListPane(doc, {
      className: `lgw-${cls}`,
      renderItem: (item) => render(doc, item),
      onCount: (n) => section.setCount(n),
    });
    section.body.appendChild(pane.el);
    return { section, pane };
  };
  const interrupts = list("Interrupts", "interrupt", renderInterrupt);
  const custom = list("Custom events", "custom", renderCustom);
  const messages = list("Messages", "message-item", renderMessage, { collapsed: true });
  const checkpoints = list("Checkpoints", "checkpoint-item", renderCheckpoint, { collapsed: true });

  const raw = createRawPane(doc, { request: (msg) => requests.request(msg) });
  const rawSection = createSection(doc, {
    title: "Raw events",
    className: "lgw-raw",
    collapsed: true,
    onToggle: (open) => raw.setOpen(open),
  });
  rawSection.body.appendChild(raw.el);

  const root = h(doc, "div.lgw-root", { "data-status": "idle" },
    status.el,
    error.el,
    h(doc, "div.lgw-main", null,
      h(doc, "div.lgw-col.lgw-col-left", null, textSection.el, interrupts.section.el, resume.el, custom.section.el, messages.section.el),
      h(doc, "div.lgw-col.lgw-col-right", null, graphSection.el, stepsSection.el, stateSection.el, diffSection.el, checkpoints.section.el)),
    rawSection.el);
  el.appendChild(root);

  // ---- field setters (full values: traits, snapshot)
  function setStatus(v) {
    cur.status = typeof v === "string" && v ? v : "idle";
    root.setAttribute("data-status", cur.status);
    status.set({ status: cur.status });
    refreshControls();
  }
  function setMessages(v) {
    messagesList = withSegmentText(Array.isArray(v) ? v : [], model.get("text"), model.get("segments"));
    messages.pane.setAll(messagesList);
  }
  const setters = {
    status: setStatus,
    text: (v) => text.setText(v),
    segments: (v) => text.setSegments(v),
    messages: setMessages,
    steps: (v) => {
      lastSteps = Array.isArray(v) ? v : [];
      steps.setAll(v);
      graph.setSteps(lastSteps);
      steps.setBranches(model.get("branches"));
      refreshControls();
    },
    graph: (v) => {
      graph.setGraph(v);
      graph.setSteps(lastSteps);
    },
    branches: (v) => steps.setBranches(v),
    checkpoints: (v) => checkpoints.pane.setAll(v),
    state: (v) => statePane.setState(v),
    diffs: (v) => statePane.setDiffs(resolveStateRefs(v, model.get("state"))),
    custom: (v) => custom.pane.setAll(v),
    interrupts: (v) => interrupts.pane.setAll(v),
    error: (v) => error.set(v),
    counts: (v) => raw.setCounts(v),
    event_kinds: (v) => raw.setKinds(v),
  };
  for (const name of SCALARS) {
    setters[name] = (v) => {
      if (name === "run_id") cur.run_id = v || "";
      status.set({ [name]: v });
      if (name === "thread_id") refreshControls();
    };
  }

  function setField(name, value) {
    const fn = setters[name];
    if (fn && value !== undefined) fn(value);
  }

  function resetRun() {
    text.setSegments([]);
    text.setText("");
    steps.clear();
    statePane.clear();
    custom.pane.clear();
    interrupts.pane.clear();
    checkpoints.pane.clear();
    setMessages([]);
    error.set(null);
    raw.reset();
    cur.run_id = "";
    status.set({ current_node: "", event_count: 0, duration: 0, run_id: "", thread_id: "" });
  }

  // ---- kernel messages
  function applyDelta(d) {
    if (startsNewRun(cur, d)) {
      resetRun();
    } else if (!acceptSeq(lastSeq, d.seq)) {
      return false;
    }
    if (typeof d.seq === "number") lastSeq = d.seq;
    if ("status" in d) setStatus(d.status);
    if ("text" in d || "segments" in d) text.applyDelta(d.text, d.segments);
    if (Array.isArray(d.steps)) steps.upsert(d.steps);
    if (Array.isArray(d.diffs)) statePane.addDiffs(d.diffs);
    if ("state" in d) statePane.setState(d.state);
    if (Array.isArray(d.custom)) custom.pane.append(d.custom);
    if (Array.isArray(d.interrupts)) interrupts.pane.append(d.interrupts);
    if (Array.isArray(d.checkpoints)) checkpoints.pane.append(d.checkpoints);
    if (Array.isArray(d.messages)) {
      for (const m of d.messages) {
        const i = m && m.id != null ? messagesList.findIndex((x) => x && x.id === m.id) : -1;
        if (i >= 0) messagesList[i] = m;
        else messagesList.push(m);
      }
      messages.pane.setAll(messagesList);
    }
    if ("error" in d) error.set(d.error);
    if (d.counts) raw.mergeCounts(d.counts);
    if (d.event_kinds) raw.mergeKinds(d.event_kinds);
    for (const name of SCALARS) if (name in d) setters[name](d[name]);
    return true;
  }

  function applySnapshot(s) {
    const seq = typeof s.seq === "number" ? s.seq : null;
    if (!awaitingSnapshot && seq !== null && lastSeq !== null && seq < lastSeq) return false;
    awaitingSnapshot = false;
    const data = s.data && typeof s.data === "object" ? s.data : {};
    // status first so the clock starts from the snapshot's duration
    if ("status" in data) setField("status", data.status);
    for (const name of TRAITS) if (name !== "status" && name in data) setField(name, data[name]);
    if (seq !== null) lastSeq = seq;
    return true;
  }

  function onMessage(msg) {
    if (!msg || typeof msg !== "object") return;
    if (msg.type === "delta") applyDelta(msg);
    else if (msg.type === "snapshot") applySnapshot(msg);
    else if (msg.type === "reply") requests.handleReply(msg);
  }

  // ---- wire up
  for (const name of TRAITS) {
    const handler = () => setField(name, model.get(name));
    model.on(`change:${name}`, handler);
    cleanups.push(() => model.off(`change:${name}`, handler));
  }
  setField("status", model.get("status"));
  for (const name of TRAITS) if (name !== "status") setField(name, model.get(name));

  const msgHandler = (msg) => onMessage(msg);
  model.on("msg:custom", msgHandler);
  cleanups.push(() => model.off("msg:custom", msgHandler));
  model.send({ type: "hello", request_id: newRequestId() });

  return {
    root,
    panes: { status, error, text, steps, statePane, raw, custom, interrupts, messages, checkpoints, rawSection },
    onMessage,
    get lastSeq() {
      return lastSeq;
    },
    destroy() {
      for (const fn of cleanups.splice(0)) fn();
      requests.dispose();
      status.destroy();
      text.destroy();
      steps.destroy();
      if (root.parentNode) root.parentNode.removeChild(root);
    },
  };
}
