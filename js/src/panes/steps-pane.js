// One collapsible card per step, upserted by `key`; subgraph steps (parent != null)
// nest under the card whose task `id` equals their `parent`.
import { h, setText, show, clear, onActivate } from "../dom.js";
import { jsonTree } from "../json-tree.js";
import { formatDuration, formatNamespace, stepDuration } from "../format.js";

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
    this.forkEl.addEventListener("click", (ev) => {
      ev.stopPropagation(); // not a header toggle
      if (onFork) onFork(this.step, this);
    });
    this.forkEl.addEventListener("keydown", (ev) => ev.stopPropagation());
    this.forkMessage = h(doc, "span.lgw-fork-message");
    this.header = h(doc, "div.lgw-step-header", { role: "button", tabindex: "0", "aria-expanded": "false" },
      this.toggle, this.nameEl, this.numEl, this.nsEl, this.flagsEl, this.childCountEl, this.statusEl, this.durEl,
      this.forkEl, this.forkMessage);
    this.body = h(doc, "div.lgw-step-body", { hidden: true });
    this.childrenEl = h(doc, "div.lgw-step-children");
    this.el = h(doc, "div.lgw-step.lgw-collapsed", null, this.header, this.body, this.childrenEl);
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
        tree = jsonTree(doc, value, { expandDepth: 1 });
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

export function createStepsPane(doc, { onCount, onFork } = {}) {
  const el = h(doc, "div.lgw-steps");
  const cards = new Map(); // key -> StepCard
  const byId = new Map(); // task id -> StepCard (first seen)
  let forkable = false; // a threaded run that is not live
  let nameFilter = null;
  let order = []; // step keys in run order, for branch markers
  let branchEls = [];

  function refreshCard(card) {
    show(card.forkEl, forkable && !!card.step.checkpoint_id && !card.step.namespace?.length);
    card.forkEl.disabled = !forkable;
    const holdsMatch = () => [...card.childrenEl.querySelectorAll(".lgw-step")]
      .some((child) => child.getAttribute("data-name") === nameFilter);
    show(card.el, !nameFilter || card.step.name === nameFilter || holdsMatch());
  }

  function containerFor(step) {
    if (step.parent != null) {
      const p = byId.get(step.parent);
      if (p && p.step.key !== step.key) return p;
    }
    return null;
  }

  function place(card) {
    const parent = containerFor(card.step);
    const target = parent ? parent.childrenEl : el;
    if (card.el.parentNode !== target) {
      const from = card.el.parentNode;
      target.appendChild(card.el);
      card.parentCard = parent;
      recount(from);
      recount(target);
    }
  }

  function recount(container) {
    if (!container) return;
    for (const card of cards.values()) {
      if (card.childrenEl === container) card.setChildCount(container.children.length);
    }
  }

  function adoptOrphans(card) {
    const id = card.step.id;
    if (id == null) return;
    for (const other of cards.values()) {
      if (other !== card && other.step.parent === id && other.el.parentNode === el) place(other);
    }
  }

  function upsert(step) {
    if (!step || step.key == null) return;
    const key = String(step.key);
    let card = cards.get(key);
    if (card) {
      const moved = card.step.parent !== step.parent;
      card.update(step);
      if (moved) place(card);
      refreshCard(card);
    } else {
      card = new StepCard(doc, step, { onFork });
      cards.set(key, card);
      order.push(key);
      if (step.id != null && !byId.has(step.id)) byId.set(step.id, card);
      place(card);
      adoptOrphans(card);
      refreshCard(card);
    }
  }

  function remove(key) {
    const card = cards.get(key);
    if (!card) return;
    cards.delete(key);
    order = order.filter((k) => k !== key);
    if (byId.get(card.step.id) === card) byId.delete(card.step.id);
    // children go back to the top level
    for (const child of [...card.childrenEl.children]) el.appendChild(child);
    if (card.el.parentNode) {
      const from = card.el.parentNode;
      from.removeChild(card.el);
      recount(from);
    }
    card.destroy();
  }

  const notify = () => onCount && onCount(cards.size);

  return {
    el,
    cards,
    get size() {
      return cards.size;
    },
    upsert(steps) {
      for (const s of steps || []) upsert(s);
      notify();
    },
    /** Take these cards away (the kernel replaced them: updates cards once debug/tasks arrive). */
    remove(keys) {
      for (const key of keys || []) remove(String(key));
      notify();
    },
    setAll(steps) {
      const list = Array.isArray(steps) ? steps : [];
      const keep = new Set(list.map((s) => String(s.key)));
      for (const key of [...cards.keys()]) if (!keep.has(key)) remove(key);
      for (const s of list) upsert(s);
      notify();
    },
    /** Fork buttons show on threaded runs that are not live. */
    setForkable(value) {
      forkable = !!value;
      for (const card of cards.values()) refreshCard(card);
    },
    /** Show only the cards of one node name (and the parents that hold them); null: all. */
    setNameFilter(name) {
      nameFilter = name || null;
      for (const card of cards.values()) refreshCard(card);
    },
    /** A divider before the first step of each branch forked inside this view. */
    setBranches(branches) {
      for (const b of branchEls) b.remove();
      branchEls = [];
      for (const branch of Array.isArray(branches) ? branches : []) {
        const card = cards.get(order[branch.steps_before]);
        if (!card || !card.el.parentNode) continue;
        const id = String(branch.checkpoint_id || "");
        const divider = h(doc, "div.lgw-branch", null, `forked from checkpoint ${id.slice(0, 8)}…`);
        card.el.parentNode.insertBefore(divider, card.el);
        branchEls.push(divider);
      }
    },
    clear() {
      for (const card of cards.values()) card.destroy();
      for (const b of branchEls) b.remove();
      branchEls = [];
      order = [];
      cards.clear();
      byId.clear();
      clear(el);
      notify();
    },
    destroy() {
      for (const card of cards.values()) card.destroy();
    },
  };
}
