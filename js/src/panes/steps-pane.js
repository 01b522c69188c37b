// One collapsible card per step, upserted by `key`; subgraph steps (parent != null)
// nest under the card whose task `id` equals their `parent`. The steps change at once; a
// render-queue job draws their cards a slice at a time (a run of thousands of steps included).
import { h, setText, show, clear, onActivate } from "../dom.js";
import { jsonTree } from "../json-tree.js";
import { formatDuration, formatNamespace, stepDuration, distinctPart } from "../format.js";
import { createJob } from "../render-queue.js";

const FIELDS = [
  ["input", "input"],
  ["result", "result"],
  ["error", "error"],
  ["interrupts", "interrupts"],
  ["triggers", "triggers"],
  ["tool_calls", "tool calls"],
  ["checkpoint_id", "checkpoint"],
];

function hasValue(step, field) {
  const v = step[field];
  if (v === undefined || v === null) return false;
  if ((field === "interrupts" || field === "triggers" || field === "tool_calls") && Array.isArray(v) && v.length === 0) return false;
  return true;
}

class StepCard {
  constructor(doc, step, { onToggle, onFork } = {}) {
    this.doc = doc;
    this.expanded = false;
    this.fieldViews = new Map();
    this.toggle = h(doc, "span.lgw-step-toggle", { "aria-hidden": "true" }, "▸");
    this.nameEl = h(doc, "span.lgw-step-name");
    this.nsEl = h(doc, "span.lgw-step-ns");
    this.numEl = h(doc, "span.lgw-step-num");
    this.statusEl = h(doc, "span.lgw-step-status");
    this.durEl = h(doc, "span.lgw-step-duration");
    this.flagsEl = h(doc, "span.lgw-step-flags");
    this.childCountEl = h(doc, "span.lgw-step-childcount");
    this.forkEl = h(doc, "button.lgw-fork", { type: "button", hidden: true,
      title: "Run again from the checkpoint before this step" }, "Fork");
    this.forkEl.addEventListener("click", () => {
      // The button is disabled, then hidden while the fork runs: focus stays on this card.
      if (doc.activeElement === this.forkEl) this.header.focus();
      if (onFork) onFork(this.step, this);
    });
    this.forkMessage = h(doc, "div.lgw-fork-message", { role: "status" });
    // The header is one button; the Fork button is its sibling (a button inside a button is
    // neither reachable nor announced as one), placed beside it by the card's grid.
    this.header = h(doc, "div.lgw-step-header", { role: "button", tabindex: "0", "aria-expanded": "false" },
      this.toggle, this.nameEl, this.numEl, this.nsEl, this.flagsEl, this.childCountEl, this.statusEl, this.durEl);
    this.body = h(doc, "div.lgw-step-body", { hidden: true });
    this.childrenEl = h(doc, "div.lgw-step-children");
    this.el = h(doc, "div.lgw-step.lgw-collapsed", null, this.header, this.forkEl, this.forkMessage, this.body, this.childrenEl);
    this.off = onActivate(this.header, () => {
      this.setExpanded(!this.expanded);
      if (onToggle) onToggle(this);
    });
    this.update(step);
  }

  update(step) {
    this.step = step;
    const el = this.el;
    el.setAttribute("data-key", String(step.key ?? ""));
    el.setAttribute("data-name", String(step.name ?? ""));
    el.setAttribute("data-status", String(step.status ?? ""));
    setText(this.nameEl, step.name ?? "(unnamed)");
    this.nameEl.setAttribute("title", String(step.name ?? "(unnamed)")); // whole, when the card is too narrow
    setText(this.nsEl, Array.isArray(step.namespace) && step.namespace.length ? formatNamespace(step.namespace) : "");
    setText(this.numEl, typeof step.step === "number" ? `#${step.step}` : "");
    setText(this.statusEl, step.status ?? "");
    this.statusEl.setAttribute("data-status", String(step.status ?? ""));
    const d = stepDuration(step);
    setText(this.durEl, d === null ? (step.status === "running" ? "…" : "") : formatDuration(d));
    const flags = [];
    if (step.error) flags.push("error");
    if (Array.isArray(step.interrupts) && step.interrupts.length) flags.push(`${step.interrupts.length} interrupt${step.interrupts.length === 1 ? "" : "s"}`);
    setText(this.flagsEl, flags.join(" · "));
    if (this.expanded) this.renderBody();
    else this.bodyStale = true;
  }

  renderBody() {
    const doc = this.doc;
    const step = this.step;
    for (const [field, label] of FIELDS) {
      const present = hasValue(step, field);
      let view = this.fieldViews.get(field);
      if (!present) {
        if (view) {
          this.body.removeChild(view.el);
          this.fieldViews.delete(field);
        }
        continue;
      }
      const value = step[field];
      if (view) {
        if (view.tree) view.tree.update(value);
        else setText(view.text, value);
        continue;
      }
      let tree = null;
      let text = null;
      let content;
      if (field === "error" || field === "checkpoint_id") {
        text = h(doc, `span.lgw-step-${field === "error" ? "error" : "checkpoint"}`, null, String(value));
        content = text;
      } else {
        tree = jsonTree(doc, value, { expandDepth: 1, label });
        content = tree.el;
      }
      view = { el: h(doc, "div.lgw-step-field", { "data-field": field }, h(doc, "div.lgw-step-label", null, label), content), tree, text };
      // keep FIELDS order
      const after = FIELDS.slice(FIELDS.findIndex(([f]) => f === field) + 1)
        .map(([f]) => this.fieldViews.get(f)).find(Boolean);
      this.body.insertBefore(view.el, after ? after.el : null);
      this.fieldViews.set(field, view);
    }
    if (!this.body.firstChild) this.body.appendChild(h(doc, "div.lgw-muted", null, "no details yet"));
    else if (this.body.firstChild.classList.contains("lgw-muted") && this.fieldViews.size) this.body.removeChild(this.body.firstChild);
    this.bodyStale = false;
  }

  setExpanded(expanded) {
    this.expanded = expanded;
    this.el.classList.toggle("lgw-collapsed", !expanded);
    this.header.setAttribute("aria-expanded", expanded ? "true" : "false");
    setText(this.toggle, expanded ? "▾" : "▸");
    if (expanded && (this.bodyStale || !this.body.firstChild)) this.renderBody();
    show(this.body, expanded);
  }

  setChildCount(n) {
    setText(this.childCountEl, n ? `${n} substep${n === 1 ? "" : "s"}` : "");
  }

  destroy() {
    this.off();
  }
}

/**
 * Pure: the divider before a fork's first step. Checkpoint ids of one thread share a long prefix
 * (a time stamp): the label shows the part that tells this one from the others, and the step
 * the fork runs again.
 */
export function branchLabel(branch, steps, ids) {
  const id = String(branch.checkpoint_id ?? "");
  let from = null;
  for (const step of steps.values()) {
    if (String(step.checkpoint_id ?? "") === id && !(step.namespace && step.namespace.length)) {
      from = step;
      break;
    }
  }
  const where = from ? ` (before ${from.name}${typeof from.step === "number" ? ` #${from.step}` : ""})` : "";
  return `forked from checkpoint ${distinctPart(id, ids)}${where}`;
}

// Top-level cards go in pages of PAGE_CARDS: a page out of view is skipped whole (content-visibility
// on the page, CSS), so the browser follows 40 elements in and out of view for 2,000 cards, not
// 2,000 (at each frame of a live run: 8-16 ms less of JupyterLab's main thread).
export const PAGE_CARDS = 50;

export function createStepsPane(doc, { onCount, onFork, queue } = {}) {
  const el = h(doc, "div.lgw-steps");
  let page = null; // the page new top-level cards go in
  const topLevel = () => {
    if (!page || page.childElementCount >= PAGE_CARDS || page.parentNode !== el) {
      page = h(doc, "div.lgw-steps-page");
      el.appendChild(page);
    }
    return page;
  };
  const atTopLevel = (cardEl) => !!cardEl.parentNode && cardEl.parentNode.parentNode === el;
  const steps = new Map(); // key -> step: what the pane shows (cards follow, a slice at a time)
  const cards = new Map(); // key -> StepCard, drawn
  const byId = new Map(); // task id -> key of the first step with it
  const waiting = new Map(); // task id -> keys of drawn cards at the top level whose parent has no card yet
  const dirty = new Set(); // keys whose card must be drawn or brought up to date, in run order
  let order = []; // step keys in run order, for branch markers
  let forkable = false; // a threaded run that is not live
  let nameFilter = null;
  let shownKeys = null; // with a name filter: the keys of its steps and of every card that holds one
  let refreshAll = false;
  let branches = [];
  let branchEls = [];
  let branchesStale = false;

  const job = createJob((timeUp) => {
    for (const key of dirty) {
      if (timeUp()) return true;
      dirty.delete(key);
      draw(key);
    }
    if (refreshAll) {
      for (const card of cards.values()) refreshCard(card);
      refreshAll = false;
    }
    if (branchesStale) drawBranches();
    return false;
  }, queue);

  function refreshCard(card) {
    show(card.forkEl, forkable && !!card.step.checkpoint_id && !card.step.namespace?.length);
    card.forkEl.disabled = !forkable;
    show(card.el, !shownKeys || shownKeys.has(String(card.step.key)));
  }

  function parentCardOf(step) {
    if (step.parent == null) return null;
    const key = byId.get(step.parent);
    const card = key === undefined ? null : cards.get(key);
    return card && String(card.step.key) !== String(step.key) ? card : null;
  }

  function countChildren(card) {
    if (card) card.setChildCount(card.childrenEl.children.length);
  }

  function unwait(card) {
    const keys = card.step.parent == null ? null : waiting.get(card.step.parent);
    if (keys) keys.delete(String(card.step.key));
  }

  /** Put a card in its parent's card, or at the top level (waiting for its parent's card). */
  function place(card) {
    const parent = parentCardOf(card.step);
    if (parent ? card.el.parentNode === parent.childrenEl : atTopLevel(card.el)) return;
    const fromParent = card.parentCard;
    unwait(card);
    (parent ? parent.childrenEl : topLevel()).appendChild(card.el);
    card.parentCard = parent;
    countChildren(fromParent);
    countChildren(parent);
    if (!parent && card.step.parent != null) {
      if (!waiting.has(card.step.parent)) waiting.set(card.step.parent, new Set());
      waiting.get(card.step.parent).add(String(card.step.key));
    }
  }

  /** Cards that waited at the top level for this card (their parent) move into it. */
  function adoptChildren(card) {
    const keys = card.step.id == null ? null : waiting.get(card.step.id);
    if (!keys) return;
    for (const key of [...keys]) {
      const child = cards.get(key);
      if (child) place(child);
    }
  }

  function draw(key) {
    const step = steps.get(key);
    if (!step) return;
    let card = cards.get(key);
    if (card) {
      const moved = card.step.parent !== step.parent;
      if (moved) unwait(card);
      card.update(step);
      if (moved) place(card);
    } else {
      card = new StepCard(doc, step, { onFork });
      cards.set(key, card);
      place(card);
      adoptChildren(card);
    }
    refreshCard(card);
  }

  function upsert(step) {
    if (!step || step.key == null) return;
    const key = String(step.key);
    if (!steps.has(key)) {
      order.push(key);
      if (step.id != null && !byId.has(step.id)) byId.set(step.id, key);
      if (nameFilter) filterKeys();
    }
    steps.set(key, step);
    dirty.add(key);
    if (branches.length) branchesStale = true;
    job.request();
  }

  function remove(key) {
    if (!steps.has(key)) return;
    steps.delete(key);
    dirty.delete(key);
    order = order.filter((k) => k !== key);
    for (const [id, k] of byId) if (k === key) byId.delete(id);
    const card = cards.get(key);
    if (!card) return;
    cards.delete(key);
    unwait(card);
    // children go back to the top level, waiting for a card with their parent's id
    for (const child of [...card.childrenEl.children]) {
      const childCard = [...cards.values()].find((c) => c.el === child);
      if (childCard) {
        childCard.parentCard = null;
        topLevel().appendChild(child);
        if (childCard.step.parent != null) {
          if (!waiting.has(childCard.step.parent)) waiting.set(childCard.step.parent, new Set());
          waiting.get(childCard.step.parent).add(String(childCard.step.key));
        }
      }
    }
    if (card.el.parentNode) card.el.parentNode.removeChild(card.el);
    countChildren(card.parentCard);
    card.destroy();
    if (branches.length) branchesStale = true;
  }

  /** With a name filter, the cards that show: its steps and every step that holds one. */
  function filterKeys() {
    if (!nameFilter) {
      shownKeys = null;
      return;
    }
    shownKeys = new Set();
    for (const [key, step] of steps) {
      if (step.name !== nameFilter) continue;
      shownKeys.add(key);
      const seen = new Set([key]);
      for (let up = step; up && up.parent != null;) {
        const parentKey = byId.get(up.parent);
        if (parentKey === undefined || seen.has(parentKey)) break;
        seen.add(parentKey);
        shownKeys.add(parentKey);
        up = steps.get(parentKey);
      }
    }
    refreshAll = true;
  }

  function drawBranches() {
    branchesStale = false;
    for (const b of branchEls) b.remove();
    branchEls = [];
    const ids = new Set();
    for (const step of steps.values()) if (step.checkpoint_id) ids.add(String(step.checkpoint_id));
    for (const branch of branches) if (branch.checkpoint_id) ids.add(String(branch.checkpoint_id));
    for (const branch of branches) {
      const card = cards.get(order[branch.steps_before]);
      if (!card || !card.el.parentNode) continue;
      const divider = h(doc, "div.lgw-branch", { title: `checkpoint ${branch.checkpoint_id ?? ""}` },
        branchLabel(branch, steps, ids));
      card.el.parentNode.insertBefore(divider, card.el);
      branchEls.push(divider);
    }
  }

  const notify = () => onCount && onCount(steps.size);

  return {
    el,
    upsert(list) {
      for (const s of list || []) upsert(s);
      notify();
    },
    /** Take these cards away (the kernel replaced them: updates cards once debug/tasks arrive). */
    remove(keys) {
      for (const key of keys || []) remove(String(key));
      if (nameFilter) filterKeys();
      job.request();
      notify();
    },
    setAll(list) {
      const items = Array.isArray(list) ? list : [];
      const keep = new Set(items.map((s) => String(s.key)));
      for (const key of [...steps.keys()]) if (!keep.has(key)) remove(key);
      for (const s of items) upsert(s);
      if (nameFilter) filterKeys();
      job.request();
      notify();
    },
    /** Fork buttons show on threaded runs that are not live. */
    setForkable(value) {
      if (forkable === !!value) return;
      forkable = !!value;
      refreshAll = true;
      job.request();
    },
    /** Open the card of `key` and bring it into view (a timeline bar was clicked). */
    reveal(key) {
      if (!steps.has(String(key))) return false;
      if (dirty.has(String(key))) {
        dirty.delete(String(key));
        draw(String(key));
      }
      const card = cards.get(String(key));
      if (!card) return false;
      if (!card.expanded) card.setExpanded(true);
      if (card.el.scrollIntoView) card.el.scrollIntoView({ block: "nearest" });
      card.header.focus();
      return true;
    },
    /** Show only the cards of one node name (and the parents that hold them); null: all. */
    setNameFilter(name) {
      nameFilter = name || null;
      filterKeys();
      refreshAll = true;
      job.request();
    },
    /** A divider before the first step of each branch forked inside this view. */
    setBranches(list) {
      branches = Array.isArray(list) ? list.slice() : [];
      branchesStale = true;
      job.request();
    },
    clear() {
      for (const card of cards.values()) card.destroy();
      for (const b of branchEls) b.remove();
      branchEls = [];
      order = [];
      steps.clear();
      cards.clear();
      byId.clear();
      waiting.clear();
      dirty.clear();
      if (nameFilter) filterKeys();
      clear(el);
      page = null;
      job.cancel();
      notify();
    },
    destroy() {
      job.cancel();
      for (const card of cards.values()) card.destroy();
    },
  };
}
