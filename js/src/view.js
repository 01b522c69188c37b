// Wires the panes to the model: traits (render + change:*), the live contract's kernel
// messages (reset / delta / snapshot, see wire.js) and requests (hello / cancel / events / ...).
//
// Nothing is drawn in the task that brings a change (a 5 MB final trait's message costs the page
// enough already): trait changes and kernel messages wait in the view's inbox, in arrival order,
// and a render-queue job applies them a few milliseconds at a time; the panes then draw what
// changed in slices of their own.
import { h } from "./dom.js";
import { createJob } from "./render-queue.js";
import { createSection } from "./section.js";
import { createRequests, newRequestId } from "./requests.js";
import { createTextPane } from "./panes/text-pane.js";
import { createStepsPane } from "./panes/steps-pane.js";
import { createStatePane } from "./panes/state-pane.js";
import { resolveRefs, resolveStateRefs } from "./patch.js";
import { appendedPieces, messageTexts, withSegmentText } from "./segments.js";
import { createListPane } from "./panes/list-pane.js";
import { renderCustom, renderInterrupt, renderMessage, renderCheckpoint, renderToolCall, messageSig, MESSAGE_TEXT_CHARS } from "./panes/items.js";
import { createRawPane } from "./panes/raw-pane.js";
import { createStatusLine } from "./panes/status-line.js";
import { createErrorBanner } from "./panes/error-banner.js";
import { createGraphPane } from "./panes/graph-pane.js";
import { createResumeControl } from "./panes/resume-control.js";
import { createLiveGate, LIVE_STATUSES, TEXT_IN_SEGMENTS } from "./wire.js";
import { isPreview } from "./preview.js";

export const TRAITS = [
  "status", "run_id", "thread_id", "assistant_id", "text", "segments", "messages", "steps",
  "checkpoints", "state", "diffs", "custom", "interrupts", "error", "counts", "current_node",
  "event_count", "duration", "event_kinds", "graph", "branches", "tool_calls", "note",
];

const SCALARS = ["run_id", "thread_id", "assistant_id", "current_node", "event_count", "duration", "note"];

export function createView({ model, el, options = {} }) {
  const doc = el.ownerDocument;
  const queue = options.queue;
  const requests = createRequests(model, { timeoutMs: options.timeoutMs ?? 30000 });
  const gate = createLiveGate(model.get("status"));
  const cur = { status: "idle" };
  const cleanups = [];
  // What the panes show, kept as data too: the drawing needs every step, the Messages pane
  // the start of each message's text (joined from segments for streamed ones: a row shows its
  // first MESSAGE_TEXT_CHARS, so no more is kept or copied per delta), the dividers every branch.
  const stepsByKey = new Map();
  const toolCallsById = new Map();
  const messagesById = new Map();
  let messageText = new Map();
  const HEAD = MESSAGE_TEXT_CHARS + 1; // one more: the row shows that the text goes on
  let branches = [];

  // ---- panes
  const status = createStatusLine(doc, {
    onCancel: () => requests.request({ type: "cancel" }),
    now: options.now,
  });
  const error = createErrorBanner(doc);

  const textSection = createSection(doc, { title: "Output", className: "lgw-section-text" });
  const text = createTextPane(doc, { onLength: (n) => status.set({ tokens: n }), queue });
  textSection.body.appendChild(text.el);

  const stepsSection = createSection(doc, { title: "Steps", className: "lgw-section-steps" });
  const steps = createStepsPane(doc, {
    queue,
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

  const graph = createGraphPane(doc, { onSelect: (name) => steps.setNameFilter(name), layouts: options.layouts, queue });
  const graphSection = createSection(doc, {
    title: "Graph", className: "lgw-section-graph", collapsed: true, onToggle: (open) => graph.setOpen(open),
  });
  graphSection.body.appendChild(graph.el);
  const resume = createResumeControl(doc, { onResume: (value) => requests.request({ type: "resume", value }) });
  const refreshControls = () => {
    const threaded = !!model.get("thread_id");
    steps.setForkable(threaded && !LIVE_STATUSES.has(cur.status));
    resume.set({ status: cur.status, thread_id: model.get("thread_id") });
  };

  const stateSection = createSection(doc, { title: "State", className: "lgw-section-state" });
  const diffSection = createSection(doc, { title: "Diffs", className: "lgw-section-diffs", collapsed: false });
  const statePane = createStatePane(doc, { onDiffCount: (n) => diffSection.setCount(n), queue });
  stateSection.body.appendChild(statePane.stateEl);
  diffSection.body.appendChild(statePane.diffsEl);

  const list = (title, cls, render, extra = {}, keyOf = null, sigOf = undefined) => {
    const section = createSection(doc, { title, className: `lgw-section-${cls}`, hideWhenEmpty: true, ...extra });
    const pane = createListPane(doc, {
      className: `lgw-${cls}`,
      renderItem: (item) => render(doc, item),
      onCount: (n) => section.setCount(n),
      keyOf,
      sigOf,
      queue,
    });
    section.body.appendChild(pane.el);
    return { section, pane };
  };
  const interrupts = list("Interrupts", "interrupt", renderInterrupt, {}, (i) => i.id);
  // Custom events and checkpoints never change once made, except that previews become values.
  const custom = list("Custom events", "custom", renderCustom, {}, null, (c) => `${c.t}:${isPreview(c.data)}`);
  const toolCalls = list("Tool calls", "tool-call-item", renderToolCall, {}, (c) => c.id);
  const messages = list("Messages", "message-item", renderMessage, { collapsed: true }, (m) => m.id, messageSig);
  const checkpoints = list("Checkpoints", "checkpoint-item", renderCheckpoint, { collapsed: true }, null,
    (c) => `${c.checkpoint_id}:${isPreview(c.values)}:${isPreview(c.metadata)}`);

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
      h(doc, "div.lgw-col.lgw-col-left", null, textSection.el, interrupts.section.el, resume.el, toolCalls.section.el,
        custom.section.el, messages.section.el),
      h(doc, "div.lgw-col.lgw-col-right", null, graphSection.el, stepsSection.el, stateSection.el, diffSection.el, checkpoints.section.el)),
    rawSection.el);
  el.appendChild(root);

  // ---- shared pieces of the setters (whole values) and the deltas
  let currentNode = "";
  const paintCurrent = () => graph.setCurrent(LIVE_STATUSES.has(cur.status) ? currentNode : null);
  function setStatus(v) {
    cur.status = typeof v === "string" && v ? v : "idle";
    root.setAttribute("data-status", cur.status);
    status.set({ status: cur.status });
    refreshControls();
    paintCurrent();
  }
  const shownMessage = (m) => (m && m[TEXT_IN_SEGMENTS] ? { ...m, text: messageText.get(m.id) || "" } : m);
  function setMessages(list, fullText, segments) {
    messageText = new Map([...messageTexts(fullText, segments)].map(([id, t]) => [id, t.slice(0, HEAD)]));
    messagesById.clear();
    for (const m of list) if (m && m.id != null) messagesById.set(m.id, m);
    messages.pane.setAll(withSegmentText(list, messageText));
  }
  // A step card lists the tool calls it ran (each tool call names its step's key).
  const withTools = (s) => {
    const calls = [...toolCallsById.values()].filter((c) => c.step === s.key);
    return calls.length ? { ...s, tool_calls: calls } : s;
  };
  function setToolCalls(list, upsert) {
    const touched = new Set();
    if (!upsert) {
      for (const c of toolCallsById.values()) if (c.step != null) touched.add(c.step);
      toolCallsById.clear();
    }
    for (const c of list) {
      if (!c || c.id == null) continue;
      const old = toolCallsById.get(c.id);
      if (old && old.step != null) touched.add(old.step);
      if (c.step != null) touched.add(c.step);
      toolCallsById.set(c.id, c);
    }
    if (upsert) toolCalls.pane.upsert(list);
    else toolCalls.pane.setAll(list);
    const cards = [...touched].map((key) => stepsByKey.get(key)).filter(Boolean);
    if (cards.length) steps.upsert(cards.map(withTools));
  }
  function setSteps(list) {
    stepsByKey.clear();
    for (const s of list) if (s && s.key != null) stepsByKey.set(s.key, s);
    steps.setAll(list.map(withTools));
    steps.setBranches(branches);
    graph.setSteps(list);
    refreshControls();
  }
  function setBranches(list) {
    branches = Array.isArray(list) ? list.slice() : [];
    steps.setBranches(branches);
    text.setRunStarts(branches.map((b) => ({ at: b.text_before, label: "forked run" })));
  }

  // ---- traits (whole values: a finished run, a saved notebook, a new run's empty start)
  // Each setter gets the value and the traits as they were when the change came (`traits.get`):
  // a later message may have changed the model since.
  const listOf = (v) => (Array.isArray(v) ? v : []);
  const withRefs = (list, fields, state) => listOf(list).map((item) => {
    let out = item;
    for (const f of fields) {
      const resolved = resolveRefs(item[f], state);
      if (resolved !== item[f]) out = { ...out, [f]: resolved };
    }
    return out;
  });
  const setters = {
    status: (v, traits) => {
      gate.traitStatus(v);
      setStatus(v);
      // A run that ended with a state equal to the one before it sends no state trait: the
      // page shows the trait's, not its own copy that may hold previews.
      if (!LIVE_STATUSES.has(v) && statePane.hasPreviews) statePane.setState(traits.get("state"));
    },
    text: (v, traits) => {
      text.setText(v);
      setMessages(listOf(traits.get("messages")), v, traits.get("segments"));
    },
    segments: (v, traits) => {
      text.setSegments(v);
      setMessages(listOf(traits.get("messages")), traits.get("text"), v);
    },
    messages: (v, traits) => setMessages(listOf(v), traits.get("text"), traits.get("segments")),
    steps: (v, traits) => setSteps(withRefs(v, ["input", "result"], traits.get("state"))),
    graph: (v) => {
      graph.setGraph(v);
      graph.setSteps([...stepsByKey.values()]);
    },
    branches: setBranches,
    tool_calls: (v) => setToolCalls(listOf(v), false),
    checkpoints: (v, traits) => checkpoints.pane.setAll(withRefs(v, ["values"], traits.get("state"))),
    state: (v) => statePane.setState(v),
    diffs: (v, traits) => statePane.setDiffs(resolveStateRefs(v, traits.get("state"))),
    custom: (v) => custom.pane.setAll(v),
    interrupts: (v) => interrupts.pane.setAll(v),
    error: (v) => error.set(v),
    counts: (v) => raw.setCounts(v),
    event_kinds: (v) => raw.setKinds(v),
  };
  for (const name of SCALARS) {
    setters[name] = (v) => {
      status.set({ [name]: v });
      if (name === "thread_id") refreshControls();
      if (name === "current_node") {
        currentNode = typeof v === "string" ? v : "";
        paintCurrent();
      }
    };
  }

  function setField(name, value, traits) {
    const fn = setters[name];
    if (fn && value !== undefined) fn(value, traits);
  }

  // ---- the live contract
  function resetRun() {
    text.setSegments([]);
    text.setText("");
    setSteps([]);
    setBranches([]);
    statePane.clear();
    custom.pane.clear();
    interrupts.pane.clear();
    setToolCalls([], false);
    checkpoints.pane.clear();
    setMessages([], "", []);
    error.set(null);
    raw.reset();
    status.set({ current_node: "", event_count: 0, duration: 0, run_id: "", thread_id: "" });
  }

  /** Apply one delta: each field by its rule (append, upsert by key, remove by key, merge, replace). */
  function applyDelta(d) {
    // A finished run that goes on (a resume, a fork in place): its text is set apart.
    if (d.status === "connecting" && cur.status !== "idle" && !LIVE_STATUSES.has(cur.status)) {
      text.markRunStart(Array.isArray(d.branches) && d.branches.length ? "forked run" : "resumed run");
    }
    if ("status" in d) setStatus(d.status);
    if ("text" in d || "segments" in d) {
      const before = text.length;
      text.applyDelta(d.text, d.segments);
      const touched = new Set();
      for (const [id, piece] of appendedPieces(d.text, before, text.segments)) {
        const head = messageText.get(id) || "";
        if (head.length < HEAD) messageText.set(id, head + piece.slice(0, HEAD - head.length));
        touched.add(id);
      }
      const grown = [...touched].map((id) => messagesById.get(id)).filter((m) => m && m[TEXT_IN_SEGMENTS]);
      if (grown.length) messages.pane.upsert(grown.map(shownMessage));
    }
    if (Array.isArray(d.messages)) {
      for (const m of d.messages) messagesById.set(m.id, m);
      messages.pane.upsert(d.messages.map(shownMessage));
    }
    if (Array.isArray(d.steps) || Array.isArray(d.steps_removed)) {
      for (const key of d.steps_removed || []) stepsByKey.delete(key);
      for (const s of d.steps || []) stepsByKey.set(s.key, s);
      steps.remove(d.steps_removed);
      steps.upsert((d.steps || []).map(withTools));
      graph.setSteps([...stepsByKey.values()]);
    }
    if (Array.isArray(d.branches)) setBranches([...branches, ...d.branches]);
    if (Array.isArray(d.diffs)) statePane.addDiffs(d.diffs);
    if (Array.isArray(d.custom)) custom.pane.append(d.custom);
    if (Array.isArray(d.interrupts)) interrupts.pane.upsert(d.interrupts);
    if (Array.isArray(d.tool_calls)) setToolCalls(d.tool_calls, true);
    if (Array.isArray(d.checkpoints)) checkpoints.pane.append(d.checkpoints);
    if ("error" in d) error.set(d.error);
    if (d.counts) raw.mergeCounts(d.counts);
    if (d.event_kinds) raw.mergeKinds(d.event_kinds);
    for (const name of SCALARS) if (name in d) setters[name](d[name]);
  }

  function applySnapshot(data) {
    resetRun();
    // status first so the clock starts from the snapshot's duration
    if ("status" in data) setStatus(data.status);
    const traits = { get: (name) => data[name] };
    for (const name of TRAITS) if (name !== "status" && name in data) setField(name, data[name], traits);
    if (Array.isArray(data.messages)) setMessages(data.messages, data.text, data.segments);
  }

  function onMessage(msg) {
    if (!msg || typeof msg !== "object") return;
    if (msg.type === "reset") {
      gate.reset(msg);
      resetRun();
      setStatus("connecting"); // a new run of the view: not the last one's end over empty panes
    } else if (msg.type === "delta") {
      if (gate.acceptDelta(msg)) applyDelta(msg);
    } else if (msg.type === "snapshot") {
      if (gate.acceptSnapshot(msg)) applySnapshot(msg.data && typeof msg.data === "object" ? msg.data : {});
    } else if (msg.type === "reply") {
      requests.handleReply(msg);
    }
  }

  // The traits a setter reads besides its own (messages read text and segments; steps, checkpoints
  // and diffs read state), as the model holds them when the change is drawn, not when it came:
  // final traits set one after the other (a batch of parts) are drawn whole, never half stale.
  const traits = { get: (name) => model.get(name) };

  // ---- the inbox: every change in arrival order, applied by a render-queue job
  let inbox = [];
  let head = 0;
  const inboxJob = createJob((timeUp) => {
    while (head < inbox.length && !timeUp()) {
      const item = inbox[head];
      inbox[head] = undefined;
      head += 1;
      if (item.message) onMessage(item.message);
      else setField(item.name, item.value, traits);
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

  // ---- wire up
  for (const name of TRAITS) {
    const handler = () => post({ name, value: model.get(name) });
    model.on(`change:${name}`, handler);
    cleanups.push(() => model.off(`change:${name}`, handler));
  }
  post({ name: "status", value: model.get("status") });
  for (const name of TRAITS) if (name !== "status") post({ name, value: model.get(name) });

  // Replies settle requests at once (a pane waiting for raw events draws them itself).
  const msgHandler = (msg) => {
    if (msg && msg.type === "reply") requests.handleReply(msg);
    else if (!msg || msg.type !== "part") post({ message: msg }); // parts: the model's (widget.js)
  };
  model.on("msg:custom", msgHandler);
  cleanups.push(() => model.off("msg:custom", msgHandler));
  // JupyterLab cuts every widget model from its kernel when the kernel restarts or dies
  // (ipywidgets' `comm_live_update`): a live run's page would wait for the rest forever.
  const onCommLost = () => {
    if (!LIVE_STATUSES.has(cur.status)) return;
    setStatus("disconnected");
    error.set({ type: "Disconnected", kind: "kernel", message: "The kernel restarted or stopped while the run "
      + "was live. What arrived before is shown; the run may go on on the server." });
  };
  model.on("comm_live_update", onCommLost);
  cleanups.push(() => model.off("comm_live_update", onCommLost));
  model.send({ type: "hello", request_id: newRequestId() });

  return {
    root,
    panes: { status, error, text, steps, statePane, raw, custom, interrupts, messages, checkpoints, rawSection, graph },
    onMessage,
    gate,
    destroy() {
      for (const fn of cleanups.splice(0)) fn();
      inboxJob.cancel();
      requests.dispose();
      status.destroy();
      text.destroy();
      steps.destroy();
      graph.destroy();
      for (const pane of [custom, interrupts, messages, checkpoints]) pane.pane.destroy();
      statePane.destroy();
      if (root.parentNode) root.parentNode.removeChild(root);
    },
  };
}
