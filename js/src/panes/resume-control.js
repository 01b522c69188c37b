// Answer an interrupt from the page: a labelled JSON input and a Resume button. Invalid JSON gets
// a message in place and nothing is sent; the kernel's refusal is shown the same way. Once the
// run goes on the control hides, and the focus it had goes to the view's status line.
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
  const input = h(doc, "input.lgw-resume-input", { type: "text", title: 'JSON, e.g. "yes" or {"approved": true}' });
  const label = h(doc, "label.lgw-resume-label", null, h(doc, "span.lgw-resume-label-text", null, "Answer (JSON)"), input);
  const button = h(doc, "button.lgw-resume", { type: "button" }, "Resume");
  const message = h(doc, "div.lgw-resume-message", { role: "status" });
  const el = h(doc, "div.lgw-resume-control", { hidden: true }, label, button, message);

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
    button.setAttribute("aria-disabled", "true"); // not disabled: that would drop the focus
    try {
      const reply = await onResume(parsed.value);
      if (reply && reply.ok === false) setText(message, reply.error || "the kernel refused the resume");
    } catch (e) {
      setText(message, String(e && e.message ? e.message : e));
    } finally {
      sending = false;
      button.removeAttribute("aria-disabled");
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
      const visible = status === "interrupted" && !!threadId;
      if (!visible && el.contains(doc.activeElement)) {
        const line = el.closest(".lgw-root") && el.closest(".lgw-root").querySelector(".lgw-status");
        if (line) line.focus();
      }
      show(el, visible);
    },
  };
}
