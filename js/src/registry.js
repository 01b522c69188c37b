// One registry per page where each loaded copy of the front end leaves its widget object,
// keyed by bundle id. Code that did not load the bundle itself finds it here: the views of
// a lean saved notebook (one bundle copy per notebook, the other views load bundle-stub.js)
// and pages with no widget manager (view.to_html, make docs: saved-page.js).
const KEY = Symbol.for("lg_widgets.front-ends");

function entry(id) {
  const all = (globalThis[KEY] ??= new Map());
  let found = all.get(id);
  if (!found) {
    let resolve;
    const promise = new Promise((r) => { resolve = r; });
    found = { promise, resolve };
    all.set(id, found);
  }
  return found;
}

/** Make `widget` (the anywidget entry object) available under `id`; the first one stays. */
export function provide(id, widget) {
  entry(id).resolve(widget);
}

/** The widget object of bundle `id`, once a copy of that bundle has run on this page. */
export function whenProvided(id) {
  return entry(id).promise;
}
