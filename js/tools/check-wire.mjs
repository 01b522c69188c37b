// The golden wire check: replays what a kernel really sent a page (comm open, trait updates,
// custom messages, in order) into the real view (createView, linkedom), samples the page after
// every message (once it has drawn it: the render queue is flushed), and reports where the live
// page contradicted the run.
//
//   node tools/check-wire.mjs cases.json  →  prints {"name": {"samples", "violations", "final"}}
//
// cases.json: [{"name", "messages": [{"state": {...}} | {"custom": {...}, "buffers"?}], "join_at"?, "final"?}]. The first
// message is the comm open's state; `join_at`: a second page appears before that message (its
// `hello` answered by a snapshot later on). Used by tests/test_live_contract.py.
import { readFileSync } from "node:fs";
import { FakeModel, flush, makeDocument } from "../test/helpers.mjs"; // (lays graphs out with dagre here)
import { createView } from "../src/view.js";
import widget from "../src/widget.js";

/** What a person sees in a view, as plain data. */
export function summarize(root) {
  const all = (s) => [...root.querySelectorAll(s)];
  const cardKey = (el) => (el ? el.getAttribute("data-key") : null);
  const errorEl = root.querySelector(".lgw-error");
  return {
    status: root.getAttribute("data-status"),
    text: root.querySelector(".lgw-text").textContent,
    steps: all(".lgw-step").map((el) => ({
      key: cardKey(el),
      name: el.getAttribute("data-name"),
      status: el.getAttribute("data-status"),
      parent: el.parentElement.classList.contains("lgw-step-children") ? cardKey(el.parentElement.closest(".lgw-step")) : null,
    })),
    interrupts: all(".lgw-interrupt").map((el) => ({ id: el.getAttribute("data-id"), text: el.textContent })),
    messages: all(".lgw-message").map((el) => ({ id: el.getAttribute("data-id"), text: el.querySelector(".lgw-message-text").textContent })),
    tool_calls: all(".lgw-tool-call").map((el) => ({ id: el.getAttribute("data-id"), status: el.getAttribute("data-status") })),
    diffs: all(".lgw-diff").length,
    custom: all(".lgw-custom").length,
    checkpoints: all(".lgw-checkpoint").length,
    branches: all(".lgw-branch").map((el) => el.textContent),
    error: errorEl.hasAttribute("hidden") ? "" : errorEl.textContent,
    state: root.querySelector(".lgw-state").textContent,
    nodes: all(".lgw-node").map((el) => `${el.getAttribute("data-node")}:${el.getAttribute("class")}`),
  };
}

function mountView(state) {
  const { document, Event } = makeDocument();
  const el = document.createElement("div");
  document.body.appendChild(el);
  const model = new FakeModel(state);
  widget.initialize({ model }); // the model takes big final traits in parts
  const view = createView({ model, el });
  // Open the Graph section, so the drawing (laid out only when open) is part of what is checked.
  el.querySelector(".lgw-section-graph .lgw-section-header").dispatchEvent(new Event("click"));
  flush();
  return { model, view };
}

/** Trait updates land the way Backbone's set() does: every value first, then a change event each. */
function setTraits(model, state) {
  Object.assign(model.traits, state);
  for (const name of Object.keys(state)) model.emit(`change:${name}`);
}

const ids = (list, key) => list.map((x) => x[key]);
const duplicates = (list) => list.filter((x, i) => list.indexOf(x) !== i);
const missing = (from, into) => from.filter((x) => !into.includes(x));

/** Feed `messages` from `from` on to a page mounted with the traits the messages before it set. */
function followPage(messages, from, reference, removedEver) {
  const initial = {};
  for (const m of messages.slice(0, from)) if (m.state) Object.assign(initial, m.state);
  const { model, view } = mountView(initial);
  const violations = [];
  let prev = summarize(view.root);
  messages.slice(from).forEach((m, index) => {
    const where = `message ${from + index} (${m.custom ? m.custom.type : "traits"})`;
    if (m.state) setTraits(model, m.state);
    else model.emit("msg:custom", m.custom, m.buffers || []);
    flush(); // what the page shows once it has drawn this message
    const now = summarize(view.root);
    const fail = (what) => violations.push(`${where}: ${what}`);
    if (m.custom && m.custom.type === "reset") prev = summarize(mountView({}).view.root);
    // text only grows, and is always the start of the run's text
    if (!now.text.startsWith(prev.text)) fail(`text shrank or changed: ${JSON.stringify(prev.text.slice(-40))} → ${JSON.stringify(now.text.slice(-40))}`);
    if (!reference.text.startsWith(now.text)) fail(`text is not a prefix of the run's: ${JSON.stringify(now.text.slice(-60))}`);
    // cards, interrupts and messages: never twice, never lost, never one the run does not have
    const removedNow = new Set((m.custom && m.custom.steps_removed) || []);
    for (const [kind, key] of [["steps", "key"], ["interrupts", "id"], ["messages", "id"], ["tool_calls", "id"]]) {
      const have = ids(now[kind], key);
      const had = ids(prev[kind], key).filter((k) => !removedNow.has(k));
      const known = ids(reference[kind], key);
      if (duplicates(have).length) fail(`${kind} shown twice: ${duplicates(have)}`);
      if (missing(had, have).length) fail(`${kind} lost: ${missing(had, have)}`);
      const unknown = missing(have, known).filter((k) => !(kind === "steps" && removedEver.has(k)));
      if (unknown.length) fail(`${kind} the run does not have: ${unknown}`);
    }
    for (const { id, text } of now.messages) {
      const end = reference.messages.find((x) => x.id === id);
      if (end && !end.text.startsWith(text)) fail(`message ${id} text is not a prefix of its final text`);
      const before = prev.messages.find((x) => x.id === id);
      if (before && text.length < before.text.length) fail(`message ${id} text shrank: ${before.text.length} → ${text.length} chars`);
    }
    for (const kind of ["diffs", "custom", "checkpoints"]) {
      if (now[kind] < prev[kind]) fail(`${kind} went from ${prev[kind]} to ${now[kind]}`);
      if (now[kind] > reference[kind]) fail(`${kind}: ${now[kind]} shown, the run has ${reference[kind]}`);
    }
    prev = now;
  });
  const end = summarize(view.root);
  const differs = Object.keys(reference).filter((k) => JSON.stringify(reference[k]) !== JSON.stringify(end[k]));
  for (const k of differs) violations.push(`at the end, ${k} differs from the view of the final traits: ${JSON.stringify(end[k]).slice(0, 300)} vs ${JSON.stringify(reference[k]).slice(0, 300)}`);
  view.destroy();
  return { violations, final: end };
}

/** One page from the first message on; with `join_at`, a second page that appears there (mid-run). */
export function checkCase({ messages, join_at: joinAt = null, final: given = null }) {
  // The run's final traits: given (a page that got some in parts), else what the updates set.
  const final = {};
  for (const m of messages) if (m.state) Object.assign(final, m.state);
  if (given) Object.assign(final, given);
  const reference = summarize(mountView(final).view.root);
  const removedEver = new Set(messages.flatMap((m) => (m.custom && m.custom.steps_removed) || []));
  const first = followPage(messages, 1, reference, removedEver);
  const violations = first.violations;
  if (joinAt !== null) {
    for (const v of followPage(messages, joinAt, reference, removedEver).violations) violations.push(`late page: ${v}`);
  }
  return { samples: messages.length, violations, final: first.final };
}

if (process.argv[2]) {
  const cases = JSON.parse(readFileSync(process.argv[2], "utf8"));
  const out = {};
  for (const c of cases) out[c.name] = checkCase(c);
  process.stdout.write(JSON.stringify(out));
}
