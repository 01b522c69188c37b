// Error banner: type + message (+ kind); partial output stays visible below it. A cancel the
// user asked for is said plainly (neutral colours, a status, not an alert).
import { h, setText, show } from "../dom.js";

export function createErrorBanner(doc) {
  const icon = h(doc, "span.lgw-error-icon", { "aria-hidden": "true" }, "⚠");
  const type = h(doc, "span.lgw-error-type");
  const kind = h(doc, "span.lgw-error-kind");
  const message = h(doc, "div.lgw-error-message");
  const el = h(doc, "div.lgw-error", { role: "alert", hidden: true },
    h(doc, "div.lgw-error-head", null, icon, type, kind), message);
  return {
    el,
    set(error) {
      if (!error || typeof error !== "object") {
        show(el, false);
        return;
      }
      const cancelled = error.kind === "cancelled";
      setText(icon, cancelled ? "■" : "⚠");
      el.setAttribute("role", cancelled ? "status" : "alert");
      setText(type, error.type || "Error");
      setText(kind, error.kind ? `(${error.kind})` : "");
      setText(message, error.message == null ? "" : String(error.message));
      el.setAttribute("data-kind", String(error.kind ?? ""));
      show(el, true);
    },
  };
}
