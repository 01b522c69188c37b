// Big final traits in parts (lg_widgets/sync.py, "Big final traits in parts"). A page takes in
// each comm message in one task: a 5 MB state in one trait update cost JupyterLab 25-50 ms
// before anything was drawn. To pages that follow a view, the kernel sends such a trait as
// `{"type": "part", name, id, index, last, path, op, end?}` custom messages, each with the JSON of
// its piece in a binary buffer (at most 256 kB), and with it every other trait of the run's content
// that changed: each piece is parsed and put in place as it comes, and the batch's last part
// (`end`) sets every value on the model, before the trait update that carries the rest.

const textDecoder = typeof TextDecoder !== "undefined" ? new TextDecoder() : null;

function decode(buffer) {
  if (typeof buffer === "string") return JSON.parse(buffer);
  const bytes = buffer instanceof ArrayBuffer ? new Uint8Array(buffer)
    : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  return JSON.parse(textDecoder.decode(bytes));
}

/** `target[key] = value`, as JSON.parse would make it: an own property even for "__proto__". */
function put(target, key, value) {
  if (key === "__proto__") Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

const isContainer = (v) => v !== null && typeof v === "object";

/** Apply one part to `root` (undefined before the first); returns the new root. */
export function applyPart(root, path, op, value) {
  if (!Array.isArray(path)) throw new Error("a part without a path");
  if (!path.length) {
    if (op === "set") return value;
    if (op === "append" && typeof root === "string") return root + value;
  }
  let parent = null;
  let key = null;
  let target = root;
  for (const k of path) {
    if (!isContainer(target) || !Object.prototype.hasOwnProperty.call(target, k)) throw new Error(`no value at ${k}`);
    parent = target;
    key = k;
    target = target[k];
  }
  if (op === "set" && parent) put(parent, key, value);
  else if (op === "append" && parent && typeof target === "string") put(parent, key, target + value);
  else if (op === "extend" && Array.isArray(target) && Array.isArray(value)) for (const v of value) target.push(v);
  else if (op === "update" && isContainer(target) && !Array.isArray(target) && isContainer(value)) {
    for (const k of Object.keys(value)) put(target, k, value[k]);
  } else throw new Error(`bad part: ${op}`);
  return root;
}

/**
 * A receiver of parts: `receive(msg, buffers)` builds each trait's value from its parts, in
 * order, and when the part marked `end` comes (the batch's last) calls `set(name, value)` for
 * every value built, one after the other in the same task: what the page draws next never mixes
 * final traits with stale ones. Parts of a value whose first part this page did not see (it
 * opened meanwhile: the traits it asked for hold the value) are dropped.
 */
export function createPartsReceiver(set) {
  const building = new Map(); // name -> {id, next, root}
  const built = new Map(); // name -> value, until the batch ends
  function build(msg, buffers) {
    const { name, id, index } = msg;
    if (typeof name !== "string") return;
    let b = building.get(name);
    if (index === 0) {
      b = { id, next: 0, root: undefined };
      building.set(name, b);
    }
    if (!b || b.id !== id || b.next !== index) {
      building.delete(name);
      return;
    }
    try {
      b.root = applyPart(b.root, msg.path, msg.op, decode(buffers && buffers[0]));
    } catch (e) {
      building.delete(name);
      if (typeof console !== "undefined") console.error(`lg_widgets: the parts of ${name} did not fit`, e);
      return;
    }
    b.next += 1;
    if (msg.last) {
      building.delete(name);
      built.set(name, b.root);
    }
  }
  return function receive(msg, buffers) {
    build(msg, buffers);
    if (msg.end) {
      const values = [...built];
      built.clear();
      for (const [name, value] of values) set(name, value);
    }
  };
}
