// A view of a StreamView model, in three parts: the layout (layout.js: which panes, where), one
// binding per synced field (bindings.js: how its pane takes it), and the live wiring (live.js:
// the traits and the kernel's messages, in arrival order, to the bindings by each field's rule).
// Requests (cancel / events / resume / fork) go to the kernel through requests.js.
import { createRequests } from "./requests.js";
import { createLayout } from "./layout.js";
import { createBindings } from "./bindings.js";
import { followModel } from "./live.js";

export function createView({ model, el, options = {} }) {
  const requests = createRequests(model, { timeoutMs: options.timeoutMs ?? 30000 });
  const layout = createLayout(el.ownerDocument, {
    requests, queue: options.queue, now: options.now, layouts: options.layouts,
  });
  el.appendChild(layout.root);
  const bindings = createBindings(layout, { model });
  const live = followModel(model, bindings, { queue: options.queue, onReply: (msg) => requests.handleReply(msg) });

  return {
    root: layout.root,
    panes: layout.panes,
    onMessage: live.onMessage,
    gate: live.gate,
    destroy() {
      live.destroy();
      requests.dispose();
      layout.destroy();
    },
  };
}
