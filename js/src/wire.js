// The page's side of the live contract (docs/architecture.md, "The live contract"): the wire
// markers the kernel writes (lg_widgets/sync.py), and which kernel messages a page applies.

/** A value too big for a delta: {"__lg_preview__": "<first bytes of its JSON>", "bytes": n}. */
export const PREVIEW = "__lg_preview__";
/** A final diff op value equal to the final state at the op's path: {"__lg_state_ref__": path}. */
export const STATE_REF = "__lg_state_ref__";
/** A message whose text is its segments of `text` (it travels without `text` and `content`). */
export const TEXT_IN_SEGMENTS = "text_in_segments";

export const LIVE_STATUSES = new Set(["connecting", "running"]);

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
