// Status line: status, current node, steps, events, tokens, elapsed; Cancel button.
import { h, setText, show } from "../dom.js";
import { formatDuration, formatCount } from "../format.js";
import { LIVE_STATUSES } from "../wire.js";

export function createStatusLine(doc, { onCancel, now = () => Date.now() } = {}) {
  const value = h(doc, "span.lgw-status-value", { "data-status": "idle" }, "idle");
  const node = h(doc, "span.lgw-status-node");
  const steps = h(doc, "span.lgw-status-steps");
  const events = h(doc, "span.lgw-status-events");
  const tokens = h(doc, "span.lgw-status-tokens");
  const elapsed = h(doc, "span.lgw-status-elapsed", { title: "elapsed" });
  const ids = h(doc, "span.lgw-status-ids");
  const note = h(doc, "span.lgw-status-note");
  const cancel = h(doc, "button.lgw-cancel", { type: "button", hidden: true }, "Cancel");
  const cancelError = h(doc, "span.lgw-cancel-error", { hidden: true });
  const el = h(doc, "div.lgw-status", { role: "status" },
    value, node, steps, events, tokens, elapsed, ids, note, h(doc, "span.lgw-spacer"), cancelError, cancel);

  const data = { status: "idle", current_node: "", steps: 0, event_count: 0, tokens: 0, duration: 0, run_id: "", thread_id: "", assistant_id: "", note: "" };
  let clockStart = null; // ms timestamp: now() - duration at the time the clock started
  let timer = null;
  let cancelling = false;

  cancel.addEventListener("click", async () => {
    if (cancelling || !onCancel) return;
    cancelling = true;
    cancel.setAttribute("disabled", "");
    setText(cancel, "Cancelling…");
    show(cancelError, false);
    try {
      const reply = await onCancel();
      if (reply && reply.ok === false) throw new Error(reply.error || "cancel failed");
    } catch (e) {
      cancelling = false;
      cancel.removeAttribute("disabled");
      setText(cancel, "Cancel");
      setText(cancelError, String((e && e.message) || e));
      show(cancelError, true);
    }
  });

  // The clock is `duration`, the time from the run's first event, ticking on between deltas.
  // It runs once events flow (not while connecting: it would jump back at the first event) and
  // only forward: a delta that says less than the page counted does not turn it back.
  const ticking = () => data.status === "running";

  function elapsedSeconds() {
    if (clockStart !== null && ticking()) {
      return Math.max(data.duration || 0, (now() - clockStart) / 1000);
    }
    return data.duration || 0;
  }

  function renderClock() {
    const secs = elapsedSeconds();
    setText(elapsed, secs > 0 || ticking() ? formatDuration(secs) : "");
  }

  function syncClock() {
    const live = ticking();
    if (live && timer === null) {
      if (clockStart === null) clockStart = now() - (data.duration || 0) * 1000;
      timer = setInterval(renderClock, 250);
      // never keep a non-browser host (tests, SSR) alive for the clock
      if (timer && typeof timer.unref === "function") timer.unref();
    } else if (!live && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
    if (!live) clockStart = null;
  }

  function render() {
    const s = data.status || "idle";
    setText(value, s);
    value.setAttribute("data-status", s);
    setText(node, data.current_node ? `▶ ${data.current_node}` : "");
    node.setAttribute("title", "current node");
    setText(steps, formatCount(data.steps, "step"));
    setText(events, formatCount(data.event_count, "event"));
    setText(tokens, formatCount(data.tokens, "char"));
    const idParts = [];
    if (data.assistant_id) idParts.push(`assistant ${data.assistant_id}`);
    if (data.thread_id) idParts.push(`thread ${data.thread_id}`);
    if (data.run_id) idParts.push(`run ${data.run_id}`);
    setText(ids, idParts.join(" · "));
    setText(note, data.note);
    const live = LIVE_STATUSES.has(s);
    show(cancel, live);
    if (!live) {
      cancelling = false;
      cancel.removeAttribute("disabled");
      setText(cancel, "Cancel");
    }
    syncClock();
    renderClock();
  }
  render();

  return {
    el,
    cancel,
    set(fields) {
      let changed = false;
      for (const [k, v] of Object.entries(fields)) {
        if (!(k in data) || v === undefined) continue;
        const nv = v === null ? (typeof data[k] === "number" ? 0 : "") : v;
        if (k === "duration" && ticking() && clockStart !== null) {
          clockStart = Math.min(clockStart, now() - nv * 1000);
        }
        if (data[k] !== nv) {
          data[k] = nv;
          changed = true;
        }
      }
      if (changed) render();
    },
    get data() {
      return { ...data };
    },
    tick: renderClock,
    destroy() {
      if (timer !== null) clearInterval(timer);
      timer = null;
    },
  };
}
