// Keep a local copy of `state` current while diffs stream in.
import { applyOperation, getValueByPointer } from "fast-json-patch/module/core.mjs";
import { STATE_REF } from "./wire.js";

export function clone(v) {
  if (v === undefined) return undefined;
  return JSON.parse(JSON.stringify(v));
}

/**
 * Apply ops to `doc` (mutated where possible); returns {doc, failed}.
 * An op that cannot apply (e.g. a path through a preview placeholder) is skipped.
 */
export function applyOps(doc, ops) {
  let failed = 0;
  let cur = doc;
  for (const op of ops || []) {
    try {
      cur = applyOperation(cur, clone(op), false, true, true).newDocument;
    } catch (_e) {
      failed += 1;
    }
  }
  return { doc: cur, failed };
}

/**
 * The final `diffs` trait sends an op value that equals the final state at the op's path as
 * `{"__lg_state_ref__": path}` (it would otherwise travel twice); put the value back.
 */
export function resolveStateRefs(diffs, state) {
  if (!Array.isArray(diffs)) return diffs;
  return diffs.map((d) => {
    if (!d || !Array.isArray(d.ops) || !d.ops.some(isRef)) return d;
    return { ...d, ops: d.ops.map((op) => (isRef(op) ? { ...op, value: lookup(state, op.value[STATE_REF]) } : op)) };
  });
}

function isRef(op) {
  return op && op.value && typeof op.value === "object" && typeof op.value[STATE_REF] === "string";
}

function lookup(doc, pointer) {
  try {
    return getValueByPointer(doc, pointer);
  } catch (_e) {
    return undefined;
  }
}
