// The page's side of the live contract (docs/architecture.md, "The live contract"): the synced
// fields and the wire markers, as the kernel's table exports them (lg_widgets/fields.py →
// fields.json, made by `make js`), and which kernel messages a page applies.
import table from "./fields.json" with { type: "json" };

/**
 * The synced fields, in the kernel's order: {name, live, default, key?, removed?, status_line?,
 * end_with_final?}. `live` is how a delta carries the field: replace | append | upsert (by `key`;
 * `removed` names the delta field of keys taken away) | merge | final (never in a delta) |
 * trait (not the run's: only trait updates carry it).
 */
export const FIELDS = table.fields;
/** Every status the page can show, and every kind of error. */
export const STATUSES = table.statuses;
export const ERROR_KINDS = table.error_kinds;
/** A run that is still going; the others are its end. */
export const LIVE_STATUSES = new Set(table.live_statuses);

/** A value too big for a delta: {"__lg_preview__": "<first bytes of its JSON>", "bytes": n}. */
export const PREVIEW = table.markers.preview;
/** A final diff op value equal to the final state at the op's path: {"__lg_state_ref__": path}. */
export const STATE_REF = table.markers.state_ref;
/** A message whose text is its segments of `text` (it travels without `text` and `content`). */
export const TEXT_IN_SEGMENTS = table.markers.text_in_segments;

/**
 * Which kernel messages to apply. A `reset` starts an epoch (the page clears); deltas apply in
 * `seq` order within the page's epoch; a page that appears mid-run (traits say "live") ignores
 * deltas until the `snapshot` answering its `hello`, or until the traits say the run is over.
 */
export function createLiveGate(initialStatus) {
  let epoch = null;
  let seq = null;
  let synced = !LIVE_STATUSES.has(initialStatus);
  return {
    get epoch() {
      return epoch;
    },
    get seq() {
      return seq;
    },
    get synced() {
      return synced;
    },
    /** The status trait changed: once it says the run is over, the traits hold everything. */
    traitStatus(status) {
      if (!LIVE_STATUSES.has(status)) synced = true;
    },
    reset(msg) {
      epoch = msg.epoch;
      seq = msg.seq;
      synced = true;
    },
    acceptDelta(d) {
      if (!synced) return false;
      if (epoch !== null && d.epoch !== epoch) return false;
      if (seq !== null && !(d.seq > seq)) return false;
      epoch = d.epoch;
      seq = d.seq;
      return true;
    },
    /** A snapshot (any page's `hello` gets one, sent to all pages): only a page not in sync takes it. */
    acceptSnapshot(s) {
      if (synced && epoch === s.epoch) return false;
      epoch = s.epoch;
      seq = s.seq;
      synced = true;
      return true;
    },
  };
}
