// Pure formatting helpers (no DOM).

/** Seconds → "850 ms", "3.2 s", "2 m 05 s", "1 h 02 m". */
export function formatDuration(seconds) {
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) return "–";
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  const total = Math.floor(seconds);
  if (total < 3600) {
    const m = Math.floor(total / 60);
    const s = total % 60;
    return `${m} m ${String(s).padStart(2, "0")} s`;
  }
  const hrs = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  return `${hrs} h ${String(m).padStart(2, "0")} m`;
}

/** Step duration = ended - started, or null when unknown. */
export function stepDuration(step) {
  if (!step) return null;
  const { started, ended } = step;
  if (typeof started !== "number" || typeof ended !== "number") return null;
  return Math.max(0, ended - started);
}

export function formatBytes(n) {
  if (typeof n !== "number" || !Number.isFinite(n) || n < 0) return "? B";
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(1)} GB`;
}

/** Namespace list → display string; the root graph is "(root)". */
export function formatNamespace(ns) {
  if (!Array.isArray(ns) || ns.length === 0) return "(root)";
  return ns.map(String).join(" › ");
}

/** Stable key for a namespace, used by filters. */
export function namespaceKey(ns) {
  if (!Array.isArray(ns) || ns.length === 0) return "";
  return ns.map(String).join("|");
}

export function truncate(s, max) {
  const str = String(s);
  if (str.length <= max) return str;
  return `${str.slice(0, max)}…`;
}

/**
 * 12345 → "12,345", as `Intl.NumberFormat("en-US")` writes it (at most three decimals), without
 * it: making the first Intl formatter loads the browser's locale data, 25 ms of the main thread
 * when the bundle is evaluated (toLocaleString, too, per call).
 */
export function formatNumber(n) {
  const v = typeof n === "number" && Number.isFinite(n) ? n : 0;
  const [whole, frac] = roundedDigits(Math.abs(v));
  const sign = v < 0 || Object.is(v, -0) ? "-" : "";
  return `${sign}${whole.replace(/\B(?=(\d{3})+$)/g, ",")}${frac ? `.${frac}` : ""}`;
}

/** [whole, decimals] of a number ≥ 0 rounded half up to three decimals, from its shortest decimal form. */
function roundedDigits(a) {
  const text = String(a);
  if (text.includes("e")) { // 1e-7 → 0; 2.5e+22 → its digits, then zeros
    if (a < 1) return ["0", ""];
    const [mantissa, exponent] = text.split("e");
    const [lead, rest = ""] = mantissa.split(".");
    return [lead + rest + "0".repeat(Number(exponent) - rest.length), ""];
  }
  const [whole, decimals = ""] = text.split(".");
  if (decimals.length <= 3) return [whole, decimals.replace(/0+$/, "")];
  let digits = BigInt(whole + decimals.slice(0, 3));
  if (decimals[3] >= "5") digits += 1n;
  const all = digits.toString().padStart(4, "0");
  return [all.slice(0, -3), all.slice(-3).replace(/0+$/, "")];
}

export function formatCount(n, singular, plural = `${singular}s`) {
  const v = typeof n === "number" && Number.isFinite(n) ? n : 0;
  return `${formatNumber(v)} ${v === 1 ? singular : plural}`;
}

/** Seconds since the start of the run → "+1.25s". */
export function formatOffset(t) {
  if (typeof t !== "number" || !Number.isFinite(t)) return "";
  return `+${t.toFixed(2)}s`;
}

/**
 * The part of `id` that tells it from `others` (ids of one thread share a long prefix, a time
 * stamp): `length` characters from where it first differs from the most alike other, "…" where
 * something is left out. "1f0c8a2e-1234-6b5e-…" among its siblings → "…6b5e-8001…".
 */
export function distinctPart(id, others, length = 8) {
  const s = String(id ?? "");
  let common = 0;
  for (const other of others || []) {
    const o = String(other ?? "");
    if (o === s) continue;
    let n = 0;
    while (n < s.length && n < o.length && s[n] === o[n]) n += 1;
    if (n > common) common = n;
  }
  const start = Math.min(common, Math.max(0, s.length - length));
  const part = s.slice(start, start + length);
  return `${start > 0 ? "…" : ""}${part}${start + length < s.length ? "…" : ""}`;
}
