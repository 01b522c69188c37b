// Autoscroll: follow the bottom while the user is there, stop when they scroll up.
//
// Only the user turns following off. A scroll event arrives a frame after the scroll that caused
// it, and by then more text may have made the content taller: read then, our own scroll to the
// bottom looked like one that stopped short, and the pane stopped following on its own (a
// 40,000-token run stopped at word ~12,200 of 20,000). So a scroll stops following only when it
// went up: our scrolls only ever go down, and with scroll anchoring off (`overflow-anchor: none`
// on the pane) nothing else moves the position but the user, or the browser clamping it when
// the content was replaced by shorter content (`reset()` says so).

/** Pure: is the scroll position at (or within `slack` px of) the bottom? */
export function isAtBottom(scrollTop, scrollHeight, clientHeight, slack = 8) {
  if (![scrollTop, scrollHeight, clientHeight].every((v) => typeof v === "number" && Number.isFinite(v))) {
    return true;
  }
  return scrollHeight - scrollTop - clientHeight <= slack;
}

/**
 * Pure state step for a scroll event: `follow` (whether we were following), `lastTop` (the
 * position before this scroll), `metrics` ({scrollTop, scrollHeight, clientHeight}) now.
 * At the bottom, follow; scrolled up from where it was, stop; else (the content grew under a
 * scroll of ours, or the user scrolled down but not to the bottom) keep what it was.
 */
export function nextFollow(follow, lastTop, metrics, slack = 8) {
  if (isAtBottom(metrics.scrollTop, metrics.scrollHeight, metrics.clientHeight, slack)) return true;
  if (typeof lastTop === "number" && metrics.scrollTop < lastTop - 1) return false;
  return follow;
}

export function createAutoscroll(el, { onChange } = {}) {
  let follow = true;
  let lastTop = 0; // the position as of the last scroll event or scroll of ours
  let frame = null; // a pending requestAnimationFrame
  const win = el.ownerDocument && el.ownerDocument.defaultView;
  const toBottom = () => {
    if (typeof el.scrollHeight === "number") el.scrollTop = el.scrollHeight;
    if (typeof el.scrollTop === "number") lastTop = el.scrollTop;
  };
  const onScroll = () => {
    const next = nextFollow(follow, lastTop, el);
    lastTop = el.scrollTop;
    if (next !== follow) {
      follow = next;
      if (onChange) onChange(follow);
    }
  };
  el.addEventListener("scroll", onScroll);
  return {
    get following() {
      return follow;
    },
    /**
     * Call after content was added. Scrolls in the next animation frame: reading
     * scrollHeight now would force a layout per delta, on top of the frame's own.
     */
    update() {
      if (!follow || frame !== null) return;
      if (!win || typeof win.requestAnimationFrame !== "function") {
        toBottom(); // a host without frames (tests): at once
        return;
      }
      frame = win.requestAnimationFrame(() => {
        frame = null;
        if (follow) toBottom();
      });
    },
    /** The content was replaced: the browser may move the position up to its new end. */
    reset() {
      lastTop = 0;
    },
    jump() {
      follow = true;
      if (onChange) onChange(follow);
      toBottom();
    },
    destroy() {
      el.removeEventListener("scroll", onScroll);
      if (frame !== null) win.cancelAnimationFrame(frame);
      frame = null;
    },
  };
}
