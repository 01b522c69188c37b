// Tiny DOM helpers. Every string goes in through textContent / createTextNode /
// setAttribute of an allow-listed attribute: run data never becomes markup.

const SAFE_ATTRS = new Set([
  "class", "title", "role", "tabindex", "type", "value", "hidden", "disabled",
  "aria-expanded", "aria-label", "aria-live", "aria-hidden", "selected",
  "aria-level", "aria-pressed", "aria-disabled", "min",
]);

export function isSafeAttr(name) {
  return SAFE_ATTRS.has(name) || name.startsWith("data-");
}

/**
 * h(doc, "div.lgw-a.lgw-b", {title: "x", "data-key": k}, child, "text", ...)
 * Children may be nodes, strings (text nodes), null/undefined/false (skipped) or arrays.
 */
export function h(doc, spec, attrs, ...children) {
  const [tag, ...classes] = spec.split(".");
  const el = doc.createElement(tag || "div");
  if (classes.length) el.className = classes.join(" ");
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      setAttr(el, name, value === true ? "" : value);
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (typeof child === "string" || typeof child === "number") {
      el.appendChild(el.ownerDocument.createTextNode(String(child)));
    } else el.appendChild(child);
  }
  return el;
}

export function setAttr(el, name, value) {
  if (!isSafeAttr(name)) throw new Error(`lgw: attribute not allowed: ${name}`);
  el.setAttribute(name, String(value));
}

export function setText(el, text) {
  const s = text === null || text === undefined ? "" : String(text);
  if (el.textContent !== s) el.textContent = s;
}

export function show(el, visible) {
  if (visible) el.removeAttribute("hidden");
  else el.setAttribute("hidden", "");
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** Make a non-button element behave like a button (click, Enter, Space). */
export function onActivate(el, handler) {
  const click = (e) => handler(e);
  const key = (e) => {
    if (e.key === "Enter" || e.key === " ") {
      if (e.preventDefault) e.preventDefault();
      handler(e);
    }
  };
  el.addEventListener("click", click);
  el.addEventListener("keydown", key);
  return () => {
    el.removeEventListener("click", click);
    el.removeEventListener("keydown", key);
  };
}
