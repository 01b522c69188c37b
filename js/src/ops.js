// RFC 6902 op classification for the diff view (pure).

const KINDS = {
  add: { kind: "add", symbol: "+", label: "added" },
  remove: { kind: "remove", symbol: "−", label: "removed" },
  replace: { kind: "replace", symbol: "~", label: "changed" },
  move: { kind: "replace", symbol: "~", label: "moved" },
  copy: { kind: "add", symbol: "+", label: "copied" },
  test: { kind: "test", symbol: "=", label: "tested" },
};

/** → {kind: "add"|"remove"|"replace"|"test", symbol, label, className}. */
export function classifyOp(op) {
  const base = KINDS[op && op.op] || { kind: "replace", symbol: "~", label: String(op && op.op) };
  return { ...base, className: `lgw-op-${base.kind}` };
}

export function opHasValue(op) {
  return !!op && (op.op === "add" || op.op === "replace" || op.op === "test") && "value" in op;
}

/** JSON pointer → readable path ("/messages/0/content" → "messages[0].content"). */
export function formatPath(path) {
  if (typeof path !== "string" || path === "") return "(root)";
  const parts = path.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  let out = "";
  for (const p of parts) {
    if (/^(0|[1-9]\d*|-)$/.test(p)) out += `[${p}]`;
    else out += out ? `.${p}` : p;
  }
  return out || "(root)";
}

/** Count ops by kind: {add, remove, replace, test}. */
export function summarizeOps(ops) {
  const out = { add: 0, remove: 0, replace: 0, test: 0 };
  for (const op of ops || []) out[classifyOp(op).kind] += 1;
  return out;
}
