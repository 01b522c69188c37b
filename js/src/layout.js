// The layout of a view: which panes it has and where they go. What each pane shows of the
// synced fields is bindings.js's; when it shows it, live.js's.
import { h } from "./dom.js";
import { createSection } from "./section.js";
import { createTextPane } from "./panes/text-pane.js";
import { createStepsPane } from "./panes/steps-pane.js";
import { createStatePane } from "./panes/state-pane.js";
import { createListPane } from "./panes/list-pane.js";
import { renderCustom, renderInterrupt, renderMessage, renderCheckpoint, renderToolCall, messageSig } from "./panes/items.js";
import { createRawPane } from "./panes/raw-pane.js";
import { createStatusLine } from "./panes/status-line.js";
import { createErrorBanner } from "./panes/error-banner.js";
import { createGraphPane } from "./panes/graph-pane.js";
import { createResumeControl } from "./panes/resume-control.js";
import { createTimelinePane, createUsagePane } from "./panes/timeline-pane.js";
import { createDebugger } from "./panes/debugger.js";
import { isPreview } from "./preview.js";

/** The panes, laid out in `root`; `requests` carries what the person asks of the kernel. */
export function createLayout(doc, { requests, queue, now, layouts, onBreak = null }) {
  // The status line's counters say what the panes show: they are drawn once the panes have drawn.
  const status = createStatusLine(doc, {
    onCancel: () => requests.request({ type: "cancel" }), now, whenDrawn: queue && queue.whenDrawn,
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

  const timelineSection = createSection(doc, { title: "Timeline", className: "lgw-section-timeline", hideWhenEmpty: true });
  const timeline = createTimelinePane(doc, {
    queue, onCount: (n) => timelineSection.setCount(n), onSelect: (key) => steps.reveal(key),
  });
  const usage = createUsagePane(doc);
  timelineSection.body.appendChild(timeline.el);
  timelineSection.body.appendChild(usage.el);

  const graph = createGraphPane(doc, { onSelect: (name) => steps.setNameFilter(name), onBreak, layouts, queue });
  const graphSection = createSection(doc, {
    title: "Graph", className: "lgw-section-graph", collapsed: true, onToggle: (open) => graph.setOpen(open),
  });
  graphSection.body.appendChild(graph.el);
  const resume = createResumeControl(doc, { onResume: (value) => requests.request({ type: "resume", value }) });
  const debug = createDebugger(doc, { request: (msg) => requests.request(msg) });

  const stateSection = createSection(doc, { title: "State", className: "lgw-section-state" });
  const diffSection = createSection(doc, { title: "Diffs", className: "lgw-section-diffs", collapsed: false });
  const statePane = createStatePane(doc, { onDiffCount: (n) => diffSection.setCount(n), queue });
  stateSection.body.appendChild(debug.editEl);
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
      h(doc, "div.lgw-col.lgw-col-left", null, textSection.el, debug.submitEl, debug.stopEl, interrupts.section.el, resume.el, toolCalls.section.el,
        custom.section.el, messages.section.el),
      h(doc, "div.lgw-col.lgw-col-right", null, graphSection.el, timelineSection.el, stepsSection.el, stateSection.el, diffSection.el, checkpoints.section.el)),
    rawSection.el);

  return {
    root,
    panes: { status, error, text, steps, statePane, raw, custom, interrupts, messages, checkpoints, toolCalls, resume, rawSection, graph, timeline, usage, debug },
    destroy() {
      status.destroy();
      text.destroy();
      steps.destroy();
      timeline.destroy();
      graph.destroy();
      for (const pane of [custom, interrupts, messages, checkpoints]) pane.pane.destroy();
      statePane.destroy();
      if (root.parentNode) root.parentNode.removeChild(root);
    },
  };
}
