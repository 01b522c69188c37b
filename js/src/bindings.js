// One binding per synced field the page shows (FIELDS, wire.js): how the pane that draws the
// field takes it. Each binding has
//   set(value, traits)   a whole value: a trait, or a snapshot's field (`traits.get`: the other
//                        fields as they were when the change came);
//   the method of the field's live rule, for a delta: replace(value), append(text or items),
//                        upsert(items, removedKeys) or merge(entries), each also given the delta;
//   clear()              what a new run of the view starts from (none: the field is the view's,
//                        or another field's pane clears it).
// live.js calls them, in arrival order, each field by its rule.
import { LIVE_STATUSES, TEXT_IN_SEGMENTS, FIELDS } from "./wire.js";
import { resolveRefs, resolveStateRefs } from "./patch.js";
import { appendedPieces, messageTexts, withSegmentText } from "./segments.js";
import { MESSAGE_TEXT_CHARS } from "./panes/items.js";
import { createJob } from "./render-queue.js";

const listOf = (v) => (Array.isArray(v) ? v : []);

/** The fields' bindings to the panes of `layout` (layout.js). */
export function createBindings({ root, panes }, { model, queue }) {
  const { status, error, text, steps, graph, statePane, raw, resume } = panes;
  const { custom, interrupts, messages, checkpoints, toolCalls, timeline, usage, debug } = panes;

  // What the panes show, kept as data too: the drawing needs every step, the Messages pane
  // the start of each message's text (joined from segments for streamed ones: a row shows its
  // first MESSAGE_TEXT_CHARS, so no more is kept or copied per delta), the dividers every branch.
  const stepsByKey = new Map();
  const toolCallsById = new Map();
  const messagesById = new Map();
  let messageText = new Map();
  const HEAD = MESSAGE_TEXT_CHARS + 1; // one more: the row shows that the text goes on
  let branches = [];
  let shownStatus = "idle";
  let currentNode = "";

  const refreshControls = () => {
    const threaded = !!model.get("thread_id");
    steps.setForkable(threaded && !LIVE_STATUSES.has(shownStatus));
    // A breakpoint stop has its own controls (Step, Continue); the Resume box is an interrupt's.
    resume.set({ status: debug.stop ? "stopped" : shownStatus, thread_id: model.get("thread_id") });
    debug.refresh({ status: shownStatus, threaded, chat: messagesById.size > 0 });
    graph.setBreakpoints(model.get("breakpoints"), threaded);
    markStopped();
  };
  // The stopped node's card (a stop after it: its latest card) says so.
  const markJob = createJob(() => {
    const stop = debug.stop;
    const names = new Set(stop && stop.when === "after" && Array.isArray(stop.nodes) ? stop.nodes.map(String) : []);
    const cards = [...root.querySelectorAll(".lgw-step")].filter((c) => !c.closest(".lgw-step .lgw-step"));
    const last = new Map();
    for (const c of cards) {
      c.removeAttribute("data-stopped");
      if (names.has(c.getAttribute("data-name"))) last.set(c.getAttribute("data-name"), c);
    }
    for (const c of last.values()) c.setAttribute("data-stopped", "after");
    return false;
  }, queue);
  const markStopped = () => markJob.request();
  function setStop(v) {
    debug.setStop(v);
    graph.setStopped(v && typeof v === "object" && Array.isArray(v.nodes) ? v.nodes : []);
    refreshControls();
  }
  const paintCurrent = () => graph.setCurrent(LIVE_STATUSES.has(shownStatus) ? currentNode : null);
  function setStatus(v) {
    shownStatus = typeof v === "string" && v ? v : "idle";
    root.setAttribute("data-status", shownStatus);
    status.set({ status: shownStatus });
    refreshControls();
    paintCurrent();
  }

  const shownMessage = (m) => (m && m[TEXT_IN_SEGMENTS] ? { ...m, text: messageText.get(m.id) || "" } : m);
  function setMessages(list, fullText, segments) {
    messageText = new Map([...messageTexts(fullText, segments)].map(([id, t]) => [id, t.slice(0, HEAD)]));
    messagesById.clear();
    for (const m of list) if (m && m.id != null) messagesById.set(m.id, m);
    messages.pane.setAll(withSegmentText(list, messageText));
    debug.refresh({ status: shownStatus, threaded: !!model.get("thread_id"), chat: messagesById.size > 0 });
  }
  /** A delta's new text and new segments, together: the streamed messages they extend grow too. */
  function growText(piece, segments) {
    const before = text.length;
    text.applyDelta(piece, segments);
    const touched = new Set();
    for (const [id, grown] of appendedPieces(piece, before, text.segments)) {
      const head = messageText.get(id) || "";
      if (head.length < HEAD) messageText.set(id, head + grown.slice(0, HEAD - head.length));
      touched.add(id);
    }
    const longer = [...touched].map((id) => messagesById.get(id)).filter((m) => m && m[TEXT_IN_SEGMENTS]);
    if (longer.length) messages.pane.upsert(longer.map(shownMessage));
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
  // Final traits refer to the final state ({"__lg_state_ref__": path}): resolved when drawn.
  const withRefs = (list, fields, state) => listOf(list).map((item) => {
    let out = item;
    for (const f of fields) {
      const resolved = resolveRefs(item[f], state);
      if (resolved !== item[f]) out = { ...out, [f]: resolved };
    }
    return out;
  });

  const bindings = {
    status: {
      get shown() {
        return shownStatus;
      },
      set: (v, traits) => {
        setStatus(v);
        // A run that ended with a state equal to the one before it sends no state trait: the
        // page shows the trait's, not its own copy that may hold previews.
        if (!LIVE_STATUSES.has(v) && statePane.hasPreviews) statePane.setState(traits.get("state"));
      },
      replace: setStatus,
    },
    text: {
      /** A finished run goes on (a resume, a fork in place): its text is set apart. */
      runStart: (label) => text.markRunStart(debug.takeSent() || label),
      set: (v, traits) => {
        text.setText(v);
        setMessages(listOf(traits.get("messages")), v, traits.get("segments"));
      },
      append: (piece, delta) => growText(piece, delta.segments),
      clear: () => text.setText(""),
    },
    segments: {
      set: (v, traits) => {
        text.setSegments(v);
        setMessages(listOf(traits.get("messages")), traits.get("text"), v);
      },
      // New segments come with new text, whose binding takes both.
      append: (list, delta) => {
        if (typeof delta.text !== "string") growText("", list);
      },
      clear: () => text.setSegments([]),
    },
    messages: {
      set: (v, traits) => setMessages(listOf(v), traits.get("text"), traits.get("segments")),
      upsert: (list) => {
        for (const m of list) messagesById.set(m.id, m);
        messages.pane.upsert(list.map(shownMessage));
      },
      clear: () => setMessages([], "", []),
    },
    steps: {
      set: (v, traits) => setSteps(withRefs(v, ["input", "result"], traits.get("state"))),
      upsert: (list, removed) => {
        for (const key of removed) stepsByKey.delete(key);
        for (const s of list) stepsByKey.set(s.key, s);
        steps.remove(removed);
        steps.upsert(list.map(withTools));
        graph.setSteps([...stepsByKey.values()]);
        markStopped();
      },
      clear: () => setSteps([]),
    },
    checkpoints: {
      set: (v, traits) => checkpoints.pane.setAll(withRefs(v, ["values"], traits.get("state"))),
      append: (list) => checkpoints.pane.append(list),
      clear: () => checkpoints.pane.clear(),
    },
    // The state pane keeps the state current from the diffs while a run streams.
    state: {
      set: (v) => statePane.setState(v),
      clear: () => statePane.clear(), // and its diffs
    },
    diffs: {
      set: (v, traits) => statePane.setDiffs(resolveStateRefs(v, traits.get("state"))),
      append: (list) => statePane.addDiffs(list),
    },
    custom: {
      set: (v) => custom.pane.setAll(v),
      append: (list) => custom.pane.append(list),
      clear: () => custom.pane.clear(),
    },
    interrupts: {
      set: (v) => interrupts.pane.setAll(v),
      upsert: (list) => interrupts.pane.upsert(list),
      clear: () => interrupts.pane.clear(),
    },
    error: {
      set: (v) => error.set(v),
      replace: (v) => error.set(v),
      clear: () => error.set(null),
    },
    counts: {
      set: (v) => raw.setCounts(v),
      merge: (v) => raw.mergeCounts(v),
      clear: () => raw.reset(), // the raw pane: its event kinds and pages too
    },
    event_kinds: {
      set: (v) => raw.setKinds(v),
      merge: (v) => raw.mergeKinds(v),
    },
    branches: {
      set: setBranches,
      append: (list) => setBranches([...branches, ...list]),
      clear: () => setBranches([]),
    },
    tool_calls: {
      set: (v) => setToolCalls(listOf(v), false),
      upsert: (list) => setToolCalls(list, true),
      clear: () => setToolCalls([], false),
    },
    timeline: {
      set: (v) => timeline.setAll(listOf(v)),
      upsert: (list, removed) => timeline.upsert(list, removed),
      clear: () => timeline.clear(),
    },
    graph: {
      set: (v) => {
        graph.setGraph(v);
        graph.setSteps([...stepsByKey.values()]);
      },
    },
    stop: { set: setStop, replace: setStop, clear: () => setStop(null) },
    breakpoints: { set: refreshControls },
  };

  // The status line's fields: shown as they are, a run's own cleared to their defaults.
  const alsoOnChange = {
    thread_id: refreshControls,
    duration: (v) => timeline.setNow(v),
    usage: (v) => {
      usage.set(v);
      timeline.setUsage(v);
    },
    current_node: (v) => {
      currentNode = typeof v === "string" ? v : "";
      paintCurrent();
    },
  };
  for (const field of FIELDS.filter((f) => f.status_line)) {
    const { name } = field;
    const show = (v) => {
      status.set({ [name]: v });
      if (alsoOnChange[name]) alsoOnChange[name](v);
    };
    bindings[name] = { set: show, replace: show };
    if (field.live !== "trait") bindings[name].clear = () => status.set({ [name]: field.default });
  }
  return bindings;
}
