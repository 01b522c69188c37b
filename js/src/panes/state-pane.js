// Current `state` as a lazy JSON tree, plus the list of diffs (ops as + / − / ~).
// While streaming, `state` is kept current by applying each new diff's ops locally.
import { h, setText, show } from "../dom.js";
import { jsonTree } from "../json-tree.js";
import { classifyOp, opHasValue, formatPath, summarizeOps } from "../ops.js";
import { applyOps } from "../patch.js";
import { createListPane } from "./list-pane.js";
import { isPreview } from "../preview.js";

/**
 * Pure: each op's path as shown. RFC 6902 applies ops in turn, so a list that lost two items
 * is "remove /messages/2" twice; shown as is, that read as one removal listed twice. The
 * removes of such a run are shown at the indices the items had before the diff: [2], [3].
 */
export function displayPaths(ops) {
  const out = [];
  let runPath = null;
  let run = 0;
  for (const op of ops) {
    const path = op && typeof op.path === "string" ? op.path : "";
    const remove = !!op && op.op === "remove";
    if (remove && path === runPath) run += 1;
    else {
      run = 0;
      runPath = remove ? path : null;
    }
    const index = run ? /^(.*\/)(0|[1-9]\d*)$/.exec(path) : null;
    out.push(formatPath(index ? `${index[1]}${Number(index[2]) + run}` : path));
  }
  return out;
}

export function renderDiff(doc, diff) {
  const ops = Array.isArray(diff && diff.ops) ? diff.ops : [];
  const sum = summarizeOps(ops);
  const title = [];
  if (typeof diff.step === "number") title.push(`step ${diff.step}`);
  if (diff.node) title.push(String(diff.node));
  const counts = [];
  if (sum.add) counts.push(`+${sum.add}`);
  if (sum.remove) counts.push(`−${sum.remove}`);
  if (sum.replace) counts.push(`~${sum.replace}`);
  const header = h(doc, "div.lgw-diff-header", null,
    h(doc, "span.lgw-diff-index", null, typeof diff.index === "number" ? `#${diff.index}` : ""),
    h(doc, "span.lgw-diff-title", null, title.join(" · ") || "update"),
    h(doc, "span.lgw-diff-counts", null, counts.join(" ")));
  const list = h(doc, "div.lgw-diff-ops");
  const paths = displayPaths(ops);
  ops.forEach((op, i) => list.appendChild(renderOp(doc, op, paths[i])));
  const el = h(doc, "div.lgw-diff", null, header, list);
  if (diff.node != null) el.setAttribute("data-node", String(diff.node));
  return el;
}

export function renderOp(doc, op, shownPath = formatPath(op.path)) {
  const c = classifyOp(op);
  const path = h(doc, "span.lgw-op-path", null, shownPath);
  const row = h(doc, `div.lgw-op.${c.className}`, { "data-op": String(op.op), title: c.label },
    h(doc, "span.lgw-op-symbol", { "aria-label": c.label }, c.symbol), path);
  if ((op.op === "move" || op.op === "copy") && typeof op.from === "string") {
    row.appendChild(h(doc, "span.lgw-op-from", null, `← ${formatPath(op.from)}`));
  }
  if (opHasValue(op)) {
    const tree = jsonTree(doc, op.value, { expandDepth: 0 });
    tree.el.classList.add("lgw-op-value");
    row.appendChild(tree.el);
  }
  return row;
}

export function createStatePane(doc, { onDiffCount, queue } = {}) {
  let state = {};
  let previews = false;
  const tree = jsonTree(doc, state, { expandDepth: 1 });
  const stale = h(doc, "div.lgw-state-note", { hidden: true });
  const stateEl = h(doc, "div.lgw-state", null, stale, tree.el);
  const diffs = createListPane(doc, {
    className: "lgw-diff-item",
    renderItem: (d) => renderDiff(doc, d),
    onCount: onDiffCount,
    // A diff never changes once made, except that its previews become values at the end.
    sigOf: (d) => `${d.index}:${(d.ops || []).length}:${(d.ops || []).some((op) => isPreview(op.value))}`,
    queue,
  });
  const diffsEl = h(doc, "div.lgw-diffs", null, diffs.el);

  function setNote(text) {
    setText(stale, text);
    show(stale, !!text);
  }

  return {
    stateEl,
    diffsEl,
    tree,
    get state() {
      return state;
    },
    /** Full state from a trait or snapshot (shared, never changed: diffs apply without mutating). */
    setState(value) {
      state = value && typeof value === "object" ? value : {};
      previews = false;
      setNote("");
      tree.update(state);
    },
    /** Does the shown state still hold previews (diffs whose big values had not arrived)? */
    get hasPreviews() {
      return previews;
    },
    setDiffs(list) {
      diffs.setAll(list);
    },
    /** New diffs from a delta: list them and apply their ops to the local state. */
    addDiffs(list) {
      if (!Array.isArray(list) || !list.length) return;
      diffs.append(list);
      let failed = 0;
      for (const d of list) {
        const r = applyOps(state, d.ops);
        state = r.doc && typeof r.doc === "object" ? r.doc : {};
        failed += r.failed;
      }
      if (failed || list.some((d) => (d.ops || []).some((op) => isPreview(op.value)))) {
        previews = true;
        setNote("some values are previews; the full state arrives when the run ends");
      }
      tree.update(state);
    },
    clear() {
      state = {};
      previews = false;
      setNote("");
      tree.update(state);
      diffs.clear();
    },
    destroy() {
      diffs.destroy();
    },
  };
}
