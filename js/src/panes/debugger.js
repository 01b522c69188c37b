// The debugger's controls (lg_widgets/debugger.py): at a breakpoint stop, what stopped and the
// Step / Continue buttons; in the state pane, a JSON editor for a state update at the stop; under a
// threaded chat's transcript, the next message's box. Every request goes through the view's
// request/answer path; a refusal shows where it was asked, and a value that is not valid JSON (or
// not a JSON object) is a message in place: nothing is sent.
import { h, setText, show } from "../dom.js";

/** Breakpoints cycle none → before → after → none. */
export function nextBreak(current) {
  return current === "before" ? "after" : current === "after" ? null : "before";
}

/** The edit of a state at a stop: a JSON object of the keys to write. */
export function parseStateEdit(text) {
  const raw = String(text ?? "").trim();
  let value;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    return { ok: false, error: `not valid JSON (${e.message}): write an object, e.g. {"key": "value"}` };
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, error: 'a state update is a JSON object of keys to write, e.g. {"key": "value"}' };
  }
  return { ok: true, value };
}

/** What a stop says: "stopped before merge", "stopped after left, right". */
export function stopText(stop) {
  if (!stop || typeof stop !== "object") return "";
  const nodes = Array.isArray(stop.nodes) ? stop.nodes.map(String) : [];
  const next = Array.isArray(stop.next) && stop.next.length ? ` (next: ${stop.next.map(String).join(", ")})` : "";
  return `breakpoint: stopped ${stop.when === "after" ? "after" : "before"} ${nodes.join(", ") || "?"}${next}`;
}

/** One labelled action whose refusal is shown in `message`; it sends nothing twice at once. */
function action(button, message, send) {
  let sending = false;
  return async (...args) => {
    if (sending) return;
    sending = true;
    button.setAttribute("aria-disabled", "true"); // not disabled: that would drop the focus
    setText(message, "");
    try {
      const reply = await send(...args);
      if (reply && reply.ok === false) setText(message, reply.error || "the kernel refused it");
      return reply;
    } catch (e) {
      setText(message, String(e && e.message ? e.message : e));
      return null;
    } finally {
      sending = false;
      button.removeAttribute("aria-disabled");
    }
  };
}

export function createDebugger(doc, { request }) {
  // the stop: what stopped, Step and Continue
  const note = h(doc, "span.lgw-stop-note");
  const stepButton = h(doc, "button.lgw-step-button", { type: "button", title: "Run one more super-step, then stop" }, "Step");
  const continueButton = h(doc, "button.lgw-continue-button", { type: "button", title: "Run on to the end or the next breakpoint" }, "Continue");
  const stopMessage = h(doc, "div.lgw-stop-message", { role: "status" });
  const stopEl = h(doc, "div.lgw-stop", { hidden: true }, note, stepButton, continueButton, stopMessage);
  stepButton.addEventListener("click", action(stepButton, stopMessage, () => request({ type: "step" })));
  continueButton.addEventListener("click", action(continueButton, stopMessage, () => request({ type: "continue" })));

  // the state edit at a stop
  const editor = h(doc, "textarea.lgw-state-editor", { "aria-label": "State update (a JSON object)", title: 'e.g. {"key": "value"}' });
  editor.value = "{}";
  const apply = h(doc, "button.lgw-state-apply", { type: "button" }, "Update state");
  const editMessage = h(doc, "div.lgw-state-message", { role: "status" });
  const editEl = h(doc, "div.lgw-state-edit", { hidden: true },
    h(doc, "span.lgw-state-edit-label", null, "Edit the state at the stop (JSON object of keys to write)"), editor, apply, editMessage);
  const send = action(apply, editMessage, (values) => request({ type: "update_state", values }));
  apply.addEventListener("click", () => {
    const parsed = parseStateEdit(editor.value);
    if (!parsed.ok) setText(editMessage, parsed.error);
    else send(parsed.value);
  });

  // the next message of a threaded chat
  const input = h(doc, "input.lgw-submit-input", { type: "text", "aria-label": "Next message", title: "Enter sends it" });
  const submitButton = h(doc, "button.lgw-submit-button", { type: "button" }, "Send");
  const submitMessage = h(doc, "div.lgw-submit-message", { role: "status" });
  const submitEl = h(doc, "div.lgw-submit", { hidden: true }, input, submitButton, submitMessage);
  let sentMessage = null; // the message this page sent: the next run's divider says it
  const submit = action(submitButton, submitMessage, (message) => {
    sentMessage = message;
    return request({ type: "submit", message });
  });
  const sendMessage = async () => {
    const message = input.value;
    if (!message.trim() || input.disabled) return;
    const reply = await submit(message);
    if (reply && reply.ok) input.value = "";
  };
  submitButton.addEventListener("click", sendMessage);
  input.addEventListener("keydown", (ev) => {
    ev.stopPropagation(); // typing is the box's, not the notebook's shortcuts
    if (ev.key === "Enter") sendMessage();
  });

  let stop = null;
  return {
    stopEl,
    editEl,
    submitEl,
    get stop() {
      return stop;
    },
    /** The divider label of the run a message sent from this page started (once), else null. */
    takeSent() {
      const message = sentMessage;
      sentMessage = null;
      return message === null ? null : `you: ${message.length > 200 ? `${message.slice(0, 200)}…` : message}`;
    },
    setStop(value) {
      stop = value && typeof value === "object" ? value : null;
      setText(note, stopText(stop));
    },
    /** What the view is now: the controls show where they apply. */
    refresh({ status, threaded, chat }) {
      const stopped = status === "interrupted" && threaded && !!stop;
      show(stopEl, stopped);
      show(editEl, stopped);
      if (!stopped) {
        setText(stopMessage, "");
        setText(editMessage, "");
      }
      const live = status === "connecting" || status === "running";
      show(submitEl, threaded && chat);
      input.disabled = live;
      submitButton.disabled = live;
    },
  };
}
