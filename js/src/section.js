// A titled, collapsible section of the widget.
import { h, setText, show, onActivate } from "./dom.js";

export function createSection(doc, { title, className, collapsed = false, hideWhenEmpty = false, onToggle }) {
  const toggle = h(doc, "span.lgw-section-toggle", { "aria-hidden": "true" });
  const count = h(doc, "span.lgw-section-count");
  const header = h(doc, "div.lgw-section-header", { role: "button", tabindex: "0" },
    toggle, h(doc, "span.lgw-section-title", null, title), count);
  const body = h(doc, "div.lgw-section-body");
  const el = h(doc, `section.lgw-section${className ? `.${className}` : ""}`, null, header, body);
  let isCollapsed = collapsed;
  let n = 0;

  function apply() {
    el.classList.toggle("lgw-collapsed", isCollapsed);
    header.setAttribute("aria-expanded", isCollapsed ? "false" : "true");
    setText(toggle, isCollapsed ? "▸" : "▾");
    show(body, !isCollapsed);
  }
  const off = onActivate(header, () => {
    isCollapsed = !isCollapsed;
    apply();
    if (onToggle) onToggle(!isCollapsed);
  });
  apply();
  if (hideWhenEmpty) show(el, false);

  return {
    el,
    header,
    body,
    get collapsed() {
      return isCollapsed;
    },
    setCount(value, label) {
      n = value;
      setText(count, label ?? (value ? String(value) : ""));
      if (hideWhenEmpty) show(el, n > 0);
    },
    destroy: off,
  };
}
