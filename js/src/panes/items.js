// Renderers for the simple list panes: custom events, interrupts, messages, checkpoints.
import { h } from "../dom.js";
import { jsonTree } from "../json-tree.js";
import { formatNamespace, formatOffset, truncate } from "../format.js";

function meta(doc, parts) {
  return h(doc, "div.lgw-item-meta", null, parts.filter(Boolean).map((p) => h(doc, "span", null, p)));
}

export function renderCustom(doc, item) {
  const it = item || {};
  return h(doc, "div.lgw-item", null,
    meta(doc, [formatOffset(it.t), formatNamespace(it.namespace)]),
    jsonTree(doc, it.data, { expandDepth: 1 }).el);
}

/**
 * An interrupt: what it asks, whether it was answered and, when the kernel says (`answer`), with
 * what. (The kernel's interrupts carry `resolved` only so far: the answer shows once they carry it.)
 */
export function renderInterrupt(doc, item) {
  const it = item || {};
  const answered = it.resolved === true || "answer" in it;
  const el = h(doc, "div.lgw-item", { "data-state": answered ? "answered" : "waiting" },
    meta(doc, [answered ? "answered" : "waiting for an answer", it.node ? `node ${it.node}` : null,
      formatNamespace(it.namespace), it.id ? `id ${it.id}` : null]),
    jsonTree(doc, it.value, { expandDepth: 1, label: "interrupt value" }).el);
  if ("answer" in it) {
    el.appendChild(h(doc, "div.lgw-step-label", null, "answer"));
    el.appendChild(jsonTree(doc, it.answer, { expandDepth: 1, label: "answer" }).el);
  }
  if (it.id != null) el.setAttribute("data-id", String(it.id));
  return el;
}

/** A message row shows this many characters of its text (a 50,000-token reply stays cheap). */
export const MESSAGE_TEXT_CHARS = 20000;

/** What must change for a message row to be drawn again: not its whole text, which can be megabytes. */
export function messageSig(m) {
  const it = m || {};
  const text = typeof it.text === "string" ? it.text : "";
  return JSON.stringify([it.id, it.type, it.name, it.node, it.tool_calls, it.tool_call_id, text.length,
    text.slice(0, 32), text.slice(-32)]);
}

export function renderMessage(doc, m) {
  const it = m || {};
  const el = h(doc, "div.lgw-item.lgw-message", { "data-type": String(it.type ?? "") },
    meta(doc, [it.type ? String(it.type) : null, it.name ? String(it.name) : null, it.node ? `node ${it.node}` : null]),
    h(doc, "div.lgw-message-text", null, truncate(typeof it.text === "string" ? it.text : "", MESSAGE_TEXT_CHARS)));
  if (it.id != null) el.setAttribute("data-id", String(it.id));
  if (typeof it.reasoning === "string" && it.reasoning) {
    // The model's reasoning, apart from its answer.
    el.insertBefore(h(doc, "div.lgw-message-reasoning", { title: "reasoning" },
      truncate(it.reasoning, MESSAGE_TEXT_CHARS)), el.lastChild);
  }
  if (Array.isArray(it.tool_calls) && it.tool_calls.length) {
    el.appendChild(h(doc, "div.lgw-step-label", null, "tool calls"));
    el.appendChild(jsonTree(doc, it.tool_calls, { expandDepth: 1 }).el);
  }
  return el;
}

export function renderToolCall(doc, c) {
  const it = c || {};
  const el = h(doc, "div.lgw-item.lgw-tool-call", { "data-id": String(it.id ?? ""), "data-status": String(it.status ?? "") },
    meta(doc, [it.name ? String(it.name) : "tool", it.status ? String(it.status) : null,
      it.node ? `node ${it.node}` : null, formatNamespace(it.namespace), it.id ? `id ${it.id}` : null]));
  el.appendChild(h(doc, "div.lgw-step-label", null, "input"));
  el.appendChild(jsonTree(doc, it.input, { expandDepth: 1 }).el);
  if (it.error) el.appendChild(h(doc, "div.lgw-tool-error", null, String(it.error)));
  else if (it.output !== null && it.output !== undefined) {
    el.appendChild(h(doc, "div.lgw-step-label", null, "output"));
    el.appendChild(jsonTree(doc, it.output, { expandDepth: 0 }).el);
  }
  return el;
}

export function renderCheckpoint(doc, c) {
  const it = c || {};
  const next = Array.isArray(it.next) && it.next.length ? `next: ${it.next.join(", ")}` : null;
  return h(doc, "div.lgw-item.lgw-checkpoint", null,
    meta(doc, [typeof it.step === "number" ? `step ${it.step}` : null, it.source ? String(it.source) : null,
      formatNamespace(it.namespace), next, it.checkpoint_id ? String(it.checkpoint_id) : null]),
    jsonTree(doc, { values: it.values, metadata: it.metadata }, { expandDepth: 0, key: "checkpoint" }).el);
}
