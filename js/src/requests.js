// Request/reply over the comm: each request gets a request_id; the kernel answers
// {"type": "reply", "request_id", "ok", ...}.

let counter = 0;

export function newRequestId() {
  counter += 1;
  const rand = Math.random().toString(36).slice(2, 10);
  return `lgw-${Date.now().toString(36)}-${rand}-${counter}`;
}

export function createRequests(model, { timeoutMs = 30000 } = {}) {
  const pending = new Map();
  let closed = false;

  function request(msg) {
    if (closed) return Promise.reject(new Error("view closed"));
    const request_id = newRequestId();
    return new Promise((resolve, reject) => {
      const timer = timeoutMs > 0
        ? setTimeout(() => {
          pending.delete(request_id);
          reject(new Error("no reply from the kernel"));
        }, timeoutMs)
        : null;
      pending.set(request_id, { resolve, reject, timer });
      try {
        model.send({ ...msg, request_id });
      } catch (e) {
        if (timer) clearTimeout(timer);
        pending.delete(request_id);
        reject(e);
      }
    });
  }

  /** Route a reply; returns true if it was one of ours. */
  function handleReply(msg) {
    const entry = pending.get(msg.request_id);
    if (!entry) return false;
    pending.delete(msg.request_id);
    if (entry.timer) clearTimeout(entry.timer);
    entry.resolve(msg);
    return true;
  }

  function dispose() {
    closed = true;
    for (const [, entry] of pending) {
      if (entry.timer) clearTimeout(entry.timer);
      entry.reject(new Error("view closed"));
    }
    pending.clear();
  }

  return { request, handleReply, dispose };
}
