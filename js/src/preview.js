// Preview objects: {"__lg_preview__": "<first bytes of the JSON>", "bytes": n}.
import { PREVIEW } from "./wire.js";

export function isPreview(v) {
  return (
    v !== null &&
    typeof v === "object" &&
    !Array.isArray(v) &&
    typeof v[PREVIEW] === "string"
  );
}

/** {text, bytes, truncated} for display, text capped at `max` chars. */
export function previewInfo(v, max = 300) {
  const text = v[PREVIEW];
  const bytes = typeof v.bytes === "number" ? v.bytes : null;
  return { text: text.length > max ? text.slice(0, max) : text, bytes, truncated: true };
}
