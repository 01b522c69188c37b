// A view of a StreamView model, in three parts: the layout (layout.js: which panes, where), one
// binding per synced field (bindings.js: how its pane takes it), and the live wiring (live.js:
// the traits and the kernel's messages, in arrival order, to the bindings by each field's rule).
// Requests (cancel / events / resume / fork) go to the kernel through requests.js.
import { createRequests } from "./requests.js";
import { createDrawing, renderQueue } from "./render-queue.js";
import { createLayout } from "./layout.js";
import { createBindings } from "./bindings.js";
import { followModel } from "./live.js";

export function createView({ model, el, options = {} }) {
  const requests = createRequests(model, { timeoutMs: options.timeoutMs ?? 30000 });
  const queue = options.queue || renderQueue();
  const drawing = createDrawing(queue); // the panes' jobs: when they have drawn what they were given
  const layout = createLayout(el.ownerDocument, {
    requests, queue: drawing, now: options.now, layouts: options.layouts,
    // A node's breakpoint cycles on the view's own trait (the kernel checks it).
    onBreak: (node, when) => {
      const next = { ...(model.get("breakpoints") || {}) };
      if (when) next[node] = when;
      else delete next[node];
      model.set("breakpoints", next);
      if (model.save_changes) model.save_changes();
    },
  });
  el.appendChild(layout.root);
  const bindings = createBindings(layout, { model, queue: drawing });
  const live = followModel(model, bindings, {
    queue, drawing, afterPaint: options.afterPaint, onReply: (msg) => requests.handleReply(msg),
  });

  return {
    root: layout.root,
    panes: layout.panes,
    onMessage: live.onMessage,
    gate: live.gate,
    destroy() {
      live.destroy();
      drawing.destroy();
      requests.dispose();
      layout.destroy();
    },
  };
}
