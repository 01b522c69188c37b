// Answer an interrupt from the page: a JSON input and a Resume button. Invalid JSON gets a
// message in place and nothing is sent; the kernel's refusal is shown the same way.
import { h, setText, show } from "../dom.js";

export function parseResumeValue(text) {
  const raw = String(text ?? "").trim();
  if (!raw) return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch (e) {
    return { ok: false, error: `not valid JSON (${e.message}); text goes in quotes, e.g. "yes"` };
  }
}

export function createResumeControl(doc, { onResume } = {}) {
  const input = h(doc, "input.lgw-resume-input", { type: "text", "aria-label": "Resume value (JSON)", title: 'JSON, e.g. "yes" or {"approved": true}' });
  const button = h(doc, "button.lgw-resume", { type: "button" }, "Resume");
  const message = h(doc, "div.lgw-resume-message", { role: "status" });
  const el = h(doc, "div.lgw-resume-control", { hidden: true }, input, button, message);

  let sending = false;
  let shownFor = null; // the status the control was last shown for

  async function resume() {
    if (sending) return; // Enter pressed again, or the button clicked, while a resume is on its way
    const parsed = parseResumeValue(input.value);
    if (!parsed.ok) {
      setText(message, parsed.error);
      return;
    }
    setText(message, "");
    sending = true;
    button.disabled = true;
    try {
      const reply = await onResume(parsed.value);
      if (reply && reply.ok === false) setText(message, reply.error || "the kernel refused the resume");
    } catch (e) {
      setText(message, String(e && e.message ? e.message : e));
    } finally {
      sending = false;
      button.disabled = false;
    }
  }
  button.addEventListener("click", resume);
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") resume();
  });

  return {
    el,
    input,
    button,
    message,
    set({ status, thread_id: threadId }) {
      // A refusal belongs to the stop it answered: a new status (the next run) clears it.
      if (status !== shownFor) setText(message, "");
      shownFor = status;
      show(el, status === "interrupted" && !!threadId);
    },
  };
}
