// The page's own copy of `state`, kept current while diffs stream in. Ops apply without
// mutating anything: each copies only the containers on its path and shares the rest, so a
// 5 MB state that a final trait handed over is never cloned, and is never changed under the
// model that holds it. (fast-json-patch, the reference the tests compare with, copies the
// whole document unless it may mutate it.)
import { STATE_REF } from "./wire.js";

/** "/a/b~1c" → ["a", "b/c"] (RFC 6901). */
export function parsePointer(pointer) {
  if (pointer === "") return [];
  if (typeof pointer !== "string" || pointer[0] !== "/") throw new Error(`bad pointer ${pointer}`);
  return pointer.slice(1).split("/").map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

const isContainer = (v) => v !== null && typeof v === "object";

function checkKey(key) {
  if (key === "__proto__") throw new Error("refusing __proto__"); // no prototype pollution
}

function indexIn(list, token, adding) {
  if (adding && token === "-") return list.length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new Error(`bad index ${token}`);
  const index = Number(token);
  if (index > list.length || (!adding && index === list.length)) throw new Error(`index ${token} out of range`);
  return index;
}

function getAt(doc, tokens) {
  let cur = doc;
  for (const t of tokens) {
    if (Array.isArray(cur)) cur = cur[indexIn(cur, t, false)];
    else if (isContainer(cur) && Object.prototype.hasOwnProperty.call(cur, t)) cur = cur[t];
    else throw new Error(`no value at ${t}`);
  }
  return cur;
}

/** `doc` with `edit(container, lastToken)` done to a copy of the container the path ends in. */
function editAt(doc, tokens, edit) {
  if (!isContainer(doc)) throw new Error("path through a non-container");
  const [head, ...rest] = tokens;
  checkKey(head);
  const copy = Array.isArray(doc) ? doc.slice() : { ...doc };
  if (!rest.length) {
    edit(copy, head);
    return copy;
  }
  const key = Array.isArray(doc) ? indexIn(doc, head, false) : head;
  if (!Array.isArray(doc) && !Object.prototype.hasOwnProperty.call(doc, key)) throw new Error(`no value at ${head}`);
  copy[key] = editAt(doc[key], rest, edit);
  return copy;
}

function put(doc, tokens, value, replace) {
  if (!tokens.length) return value;
  return editAt(doc, tokens, (container, last) => {
    if (Array.isArray(container)) {
      const index = indexIn(container, last, !replace);
      if (replace) container[index] = value;
      else container.splice(index, 0, value);
    } else {
      if (replace && !Object.prototype.hasOwnProperty.call(container, last)) throw new Error(`no value at ${last}`);
      container[last] = value;
    }
  });
}

function take(doc, tokens) {
  if (!tokens.length) throw new Error("cannot remove the whole document");
  return editAt(doc, tokens, (container, last) => {
    if (Array.isArray(container)) container.splice(indexIn(container, last, false), 1);
    else if (Object.prototype.hasOwnProperty.call(container, last)) delete container[last];
    else throw new Error(`no value at ${last}`);
  });
}

function applyOne(doc, op) {
  const path = parsePointer(op.path);
  switch (op.op) {
    case "add": return put(doc, path, op.value, false);
    case "replace": return put(doc, path, op.value, true);
    case "remove": return take(doc, path);
    case "move": {
      const from = parsePointer(op.from);
      return put(take(doc, from), path, getAt(doc, from), false);
    }
    case "copy": return put(doc, path, getAt(doc, parsePointer(op.from)), false);
    case "test": return doc; // the kernel's diffs carry no tests; nothing to check against
    default: throw new Error(`unknown op ${op.op}`);
  }
}

/**
 * Apply ops to `doc` without changing it; returns {doc, failed}. An op that cannot apply
 * (e.g. a path through a preview placeholder) is skipped and counted.
 */
export function applyOps(doc, ops) {
  let failed = 0;
  let cur = doc;
  for (const op of ops || []) {
    try {
      cur = applyOne(cur, op);
    } catch (_e) {
      failed += 1;
    }
  }
  return { doc: cur, failed };
}

const isRef = (v) => isContainer(v) && typeof v[STATE_REF] === "string";

function lookup(doc, pointer) {
  try {
    return getAt(doc, parsePointer(pointer));
  } catch (_e) {
    return undefined;
  }
}

/**
 * The final traits send every part of a value that equals the final state somewhere as
 * `{"__lg_state_ref__": path}` (it would otherwise travel again for each step, checkpoint and
 * diff): diff op values, steps' input / result, checkpoints' values. Put the state's values back
 * (shared, not copied); a value without references is returned as it is.
 */
export function resolveRefs(value, state) {
  if (!isContainer(value)) return value;
  if (isRef(value)) return lookup(state, value[STATE_REF]);
  let changed = false;
  const out = Array.isArray(value) ? [] : {};
  for (const [k, v] of Object.entries(value)) {
    const r = resolveRefs(v, state);
    if (r !== v) changed = true;
    out[k] = r;
  }
  return changed ? out : value;
}

export function resolveStateRefs(diffs, state) {
  if (!Array.isArray(diffs)) return diffs;
  return diffs.map((d) => {
    if (!d || !Array.isArray(d.ops)) return d;
    const ops = d.ops.map((op) => (op && "value" in op ? { ...op, value: resolveRefs(op.value, state) } : op));
    return ops.some((op, i) => op !== d.ops[i] && op.value !== d.ops[i].value) ? { ...d, ops } : d;
  });
}
