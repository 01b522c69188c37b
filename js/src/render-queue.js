// Drawing in slices: work that could keep the page's main thread busy (a whole trait drawn at
// once, thousands of rows, a long text) runs as jobs, a few milliseconds at a time, each slice in
// a task of its own, so the page stays responsive (no task over the 50 ms "long task" line).
//
// One queue per page, whichever copy of the bundle made it: nine views of one compare_modes
// output, or twenty views restored from a saved notebook, take turns instead of each drawing all
// it has in the same task. Jobs are data-driven: a pane keeps its data current at once and the
// job brings the DOM to it, so a job may run later, or less often, than the changes it covers.

/** Milliseconds of work per slice: with the browser's own layout and paint after it, well under 50. */
export const BUDGET_MS = 8;

const KEY = Symbol.for("lg_widgets.render-queue/1");

const clock = () => (typeof performance !== "undefined" ? performance.now() : Date.now());

/**
 * A job is `{ step(timeUp) → boolean }`: do some work, stop as soon as `timeUp()` says so, and
 * return true while there is more to do. A job scheduled again while it waits is queued once.
 */
export function createRenderQueue({ budgetMs = BUDGET_MS, now = clock, defer = (fn) => setTimeout(fn, 0) } = {}) {
  let jobs = [];
  let waiting = false;
  let running = false;

  function runSlice() {
    waiting = false;
    const deadline = now() + budgetMs;
    runWhile(() => now() >= deadline);
    if (jobs.length) wake();
  }

  function runWhile(timeUp) {
    running = true;
    try {
      // Round robin: a job with more to do goes to the back, so every view moves forward.
      while (jobs.length && !timeUp()) {
        const job = jobs.shift();
        job.queued = false;
        let more = false;
        // A job always gets one unit of work done per turn, however little time is left.
        let first = true;
        const jobTimeUp = () => {
          if (first) {
            first = false;
            return false;
          }
          return timeUp();
        };
        try {
          more = job.step(jobTimeUp);
        } catch (e) {
          // One pane's bug must not stop the others from drawing.
          if (typeof console !== "undefined") console.error("lg_widgets: drawing failed", e);
        }
        if (more) enqueue(job);
      }
    } finally {
      running = false;
    }
  }

  function enqueue(job) {
    if (job.queued) return;
    job.queued = true;
    jobs.push(job);
  }

  function wake() {
    if (waiting || running) return;
    waiting = true;
    defer(runSlice);
  }

  return {
    schedule(job) {
      enqueue(job);
      wake();
    },
    /** Forget a job (its view was destroyed). */
    cancel(job) {
      if (!job.queued) return;
      job.queued = false;
      jobs = jobs.filter((j) => j !== job);
    },
    /** Everything now, in this task (tests; a host with no event loop to come back to). */
    flush() {
      for (let rounds = 0; jobs.length && rounds < 1e6; rounds += 1) runWhile(() => false);
    },
  };
}

/** The page's queue (shared by every view and every copy of the bundle on the page). */
export function renderQueue() {
  const root = globalThis;
  if (!root[KEY]) root[KEY] = createRenderQueue();
  return root[KEY];
}

/**
 * One view's drawing on `queue`: its panes' jobs go there as any job does, and `whenDrawn(fn)`
 * calls `fn` once none of them has work left, i.e. once the panes show all they were given (a
 * read-out of what they show, such as the status line's counters, must not run ahead of them).
 */
export function createDrawing(queue = renderQueue()) {
  const jobs = new Set(); // every job this view scheduled: a dozen at most
  let waiting = [];
  const busy = () => [...jobs].some((job) => job.queued);
  // Not one of `jobs`: it waits for them, at the back of the round robin.
  const after = {
    queued: false,
    step() {
      if (busy()) return true;
      const fns = waiting;
      waiting = [];
      for (const fn of fns) fn();
      return false;
    },
  };
  return {
    schedule(job) {
      jobs.add(job);
      queue.schedule(job);
    },
    cancel(job) {
      queue.cancel(job);
    },
    /** `fn` once the view's jobs are done (once per wait, however often it is asked for). */
    whenDrawn(fn) {
      if (!waiting.includes(fn)) waiting.push(fn);
      queue.schedule(after);
    },
    destroy() {
      waiting = [];
      queue.cancel(after);
    },
  };
}

/**
 * `fn` in a task after the browser's next frame, so what the page shows now has been on screen;
 * at once where nothing paints (no window, a hidden page), and after `timeoutMs` at the latest.
 */
export function afterPaint(fn, timeoutMs = 500) {
  const doc = globalThis.document;
  if (typeof globalThis.requestAnimationFrame !== "function" || !doc || doc.visibilityState === "hidden") {
    fn();
    return;
  }
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    fn();
  };
  // Callbacks of a frame run just before it is painted: a task they queue runs after the paint.
  globalThis.requestAnimationFrame(() => setTimeout(once, 0));
  setTimeout(once, timeoutMs); // a page hidden meanwhile paints no frame
}

/** A job that calls `step(timeUp)` until it returns false; `request()` queues it (once). */
export function createJob(step, queue = renderQueue()) {
  const job = { queued: false, step };
  return {
    request() {
      queue.schedule(job);
    },
    cancel() {
      queue.cancel(job);
    },
    get queued() {
      return job.queued;
    },
  };
}
