// Autoscroll: follow the bottom while the user is there, stop when they scroll up.

/** Pure: is the scroll position at (or within `slack` px of) the bottom? */
export function isAtBottom(scrollTop, scrollHeight, clientHeight, slack = 8) {
  if (![scrollTop, scrollHeight, clientHeight].every((v) => typeof v === "number" && Number.isFinite(v))) {
    return true;
  }
  return scrollHeight - scrollTop - clientHeight <= slack;
}

/**
 * Pure state step: given whether we were following and the new scroll metrics
 * caused by the *user* (a scroll event), return whether to keep following.
 */
export function nextFollow(metrics, slack = 8) {
  return isAtBottom(metrics.scrollTop, metrics.scrollHeight, metrics.clientHeight, slack);
}

export function createAutoscroll(el, { onChange } = {}) {
  let follow = true;
  let frame = null; // a pending requestAnimationFrame
  const win = el.ownerDocument && el.ownerDocument.defaultView;
  const toBottom = () => {
    if (typeof el.scrollHeight === "number") el.scrollTop = el.scrollHeight;
  };
  const onScroll = () => {
    const next = nextFollow(el);
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
