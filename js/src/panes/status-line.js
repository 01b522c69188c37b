// Status line: status, current node, steps, events, tokens, elapsed; Cancel button.
//
// Only the status itself is a live region: a screen reader hears "running", "done", not the
// clock (the whole line was one, and its clock ticking four times a second made 141
// announcements in a 6.9 s run). The line takes the focus when the control that had it goes
// away (Cancel once the run ended, Resume once the run goes on).
import { h, setText, show } from "../dom.js";
import { formatDuration, formatCount } from "../format.js";
import { LIVE_STATUSES } from "../wire.js";

/** The fields drawn once the panes have drawn (what they count is in the panes). */
const COUNTERS = new Set(["steps", "event_count", "tokens"]);

/**
 * `whenDrawn(fn)`: calls `fn` once the view's panes have drawn what they were given (render-queue.js,
 * createDrawing); the counters are drawn then, so they never say more than the panes show.
 */
export function createStatusLine(doc, { onCancel, now = () => Date.now(), whenDrawn = (fn) => fn() } = {}) {
  const value = h(doc, "span.lgw-status-value", { "data-status": "idle", role: "status" }, "idle");
  const node = h(doc, "span.lgw-status-node");
  const steps = h(doc, "span.lgw-status-steps");
  const events = h(doc, "span.lgw-status-events");
  const tokens = h(doc, "span.lgw-status-tokens");
  const usage = h(doc, "span.lgw-status-usage", { title: "tokens the run's models reported (usage_metadata)" });
  const elapsed = h(doc, "span.lgw-status-elapsed", { title: "time spent running" });
  const ids = h(doc, "span.lgw-status-ids");
  const note = h(doc, "span.lgw-status-note");
  const cancel = h(doc, "button.lgw-cancel", { type: "button", hidden: true }, "Cancel");
  const cancelError = h(doc, "span.lgw-cancel-error", { hidden: true, role: "alert" });
  const el = h(doc, "div.lgw-status", { role: "group", "aria-label": "run status", tabindex: "-1" },
    value, node, steps, events, tokens, usage, elapsed, ids, note, h(doc, "span.lgw-spacer"), cancelError, cancel);

  const data = { status: "idle", current_node: "", steps: 0, event_count: 0, tokens: 0, duration: 0, run_id: "", thread_id: "", assistant_id: "", note: "", usage: null };
  let clockStart = null; // ms timestamp: now() - duration at the time the clock started
  let timer = null;
  let cancelling = false;

  // Aria-disabled, not disabled: a disabled button loses the focus to the page's body.
  cancel.addEventListener("click", async () => {
    if (cancelling || !onCancel) return;
    cancelling = true;
    cancel.setAttribute("aria-disabled", "true");
    setText(cancel, "Cancelling…");
    show(cancelError, false);
    try {
      const reply = await onCancel();
      if (reply && reply.ok === false) throw new Error(reply.error || "cancel failed");
    } catch (e) {
      cancelling = false;
      cancel.removeAttribute("aria-disabled");
      setText(cancel, "Cancel");
      setText(cancelError, String((e && e.message) || e));
      show(cancelError, true);
    }
  });

  // The clock is `duration`, the view's running time (the kernel leaves out the pauses between a
  // run and the next: a 4 s resume after a pause showed 2 m 35 s), ticking on between deltas.
  // It runs once events flow (not while connecting: it would jump back at the first event) and
  // only forward: a delta that says less than the page counted does not turn it back.
  const ticking = () => data.status === "running";

  const runningSeconds = () => Math.max(0, data.duration || 0);

  function elapsedSeconds() {
    if (clockStart !== null && ticking()) {
      return Math.max(runningSeconds(), (now() - clockStart) / 1000);
    }
    return runningSeconds();
  }

  function renderClock() {
    const secs = elapsedSeconds();
    setText(elapsed, secs > 0 || ticking() ? formatDuration(secs) : "");
  }

  function syncClock() {
    const live = ticking();
    if (live && timer === null) {
      if (clockStart === null) clockStart = now() - runningSeconds() * 1000;
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
    const total = data.usage && data.usage.total;
    setText(usage, total && total.calls ? `${total.total_tokens} tokens used (${total.input_tokens} in · ${total.output_tokens} out)` : "");
    const idParts = [];
    if (data.assistant_id) idParts.push(`assistant ${data.assistant_id}`);
    if (data.thread_id) idParts.push(`thread ${data.thread_id}`);
    if (data.run_id) idParts.push(`run ${data.run_id}`);
    setText(ids, idParts.join(" · "));
    setText(note, data.note);
    const live = LIVE_STATUSES.has(s);
    if (!live && doc.activeElement === cancel) el.focus();
    show(cancel, live);
    if (!live) {
      cancelling = false;
      cancel.removeAttribute("aria-disabled");
      setText(cancel, "Cancel");
    }
    syncClock();
    renderClock();
  }
  render();

  function renderCounters() {
    setText(steps, formatCount(data.steps, "step"));
    setText(events, formatCount(data.event_count, "event"));
    setText(tokens, formatCount(data.tokens, "char"));
  }
  renderCounters();

  return {
    el,
    cancel,
    set(fields) {
      let changed = false;
      let counted = false;
      for (const [k, v] of Object.entries(fields)) {
        if (!(k in data) || v === undefined) continue;
        const nv = v === null ? (typeof data[k] === "number" ? 0 : "") : v;
        if (k === "duration" && ticking() && clockStart !== null) clockStart = Math.min(clockStart, now() - Math.max(0, nv) * 1000);
        if (data[k] === nv) continue;
        data[k] = nv;
        if (COUNTERS.has(k)) counted = true;
        else changed = true;
      }
      if (changed) render();
      if (counted) whenDrawn(renderCounters);
    },
    get data() {
      return { ...data };
    },
    /** Seconds the view's runs spent running. */
    get running() {
      return elapsedSeconds();
    },
    focus() {
      el.focus();
    },
    tick: renderClock,
    destroy() {
      if (timer !== null) clearInterval(timer);
      timer = null;
    },
  };
}
