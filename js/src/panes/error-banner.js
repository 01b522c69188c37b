// Error banner: type + message (+ kind); partial output stays visible below it.
import { h, setText, show } from "../dom.js";

export function createErrorBanner(doc) {
  const type = h(doc, "span.lgw-error-type");
  const kind = h(doc, "span.lgw-error-kind");
  const message = h(doc, "div.lgw-error-message");
  const el = h(doc, "div.lgw-error", { role: "alert", hidden: true },
    h(doc, "div.lgw-error-head", null, h(doc, "span.lgw-error-icon", { "aria-hidden": "true" }, "⚠"), type, kind), message);
  return {
    el,
    set(error) {
      if (!error || typeof error !== "object") {
        show(el, false);
        return;
      }
      setText(type, error.type || "Error");
      setText(kind, error.kind ? `(${error.kind})` : "");
      setText(message, error.message == null ? "" : String(error.message));
      el.setAttribute("data-kind", String(error.kind ?? ""));
      show(el, true);
    },
  };
}
