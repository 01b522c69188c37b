// A view's saved traits as an anywidget model, for pages with no kernel and no widget
// manager (view.to_html, make docs). The traits never change, so `on` and `off` only keep
// the view's bookkeeping honest; a request from the page gets an immediate refusal instead
// of a timeout, since there is no kernel to answer it.
export const NO_KERNEL = "No kernel: this page is a saved copy of the run.";

export function createSavedModel(traits) {
  const handlers = new Map();
  const emit = (name, ...args) => {
    for (const fn of [...(handlers.get(name) || [])]) fn(...args);
  };
  return {
    get: (name) => traits[name],
    on(name, fn) {
      if (!handlers.has(name)) handlers.set(name, new Set());
      handlers.get(name).add(fn);
    },
    off(name, fn) {
      const set = handlers.get(name);
      if (set && fn) set.delete(fn);
      else if (set) set.clear();
    },
    send(msg) {
      if (msg && msg.request_id != null) {
        queueMicrotask(() => emit("msg:custom", { type: "reply", request_id: msg.request_id, ok: false, error: NO_KERNEL }));
      }
    },
  };
}

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Render every element `[data-lgw-view]` of `doc`: its attribute names the
 * `<script type="application/json">` holding that view's traits.
 * Resolves to how many views were rendered.
 *
 * Each view's traits are parsed in a task of their own and the view made in the next (its panes
 * then draw in render-queue slices): a 2,000-task run's megabyte of traits, or a docs page's twenty
 * views, never hold the page's main thread in one long task, nor in the task that loads the page.
 */
export async function mountSavedViews(doc, widget, { yieldTask = nextTask } = {}) {
  let count = 0;
  for (const el of [...doc.querySelectorAll("[data-lgw-view]")]) {
    const source = doc.getElementById(el.getAttribute("data-lgw-view"));
    if (!source) continue;
    await yieldTask();
    const traits = JSON.parse(source.textContent);
    await yieldTask();
    widget.render({ model: createSavedModel(traits), el });
    count += 1;
  }
  return count;
}
