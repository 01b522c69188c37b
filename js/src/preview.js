// Preview objects: {"__lg_preview__": "<first bytes of the JSON>", "bytes": n}.

export const PREVIEW_KEY = "__lg_preview__";

export function isPreview(v) {
  return (
    v !== null &&
    typeof v === "object" &&
    !Array.isArray(v) &&
    typeof v[PREVIEW_KEY] === "string"
  );
}

/** {text, bytes, truncated} for display, text capped at `max` chars. */
export function previewInfo(v, max = 300) {
  const text = v[PREVIEW_KEY];
  const bytes = typeof v.bytes === "number" ? v.bytes : null;
  return { text: text.length > max ? text.slice(0, max) : text, bytes, truncated: true };
}
