// Keep a local copy of `state` current while diffs stream in.
import { applyOperation } from "fast-json-patch/module/core.mjs";

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
