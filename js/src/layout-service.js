// Graph layouts off the page's main thread. dagre (graph-layout.js) takes 20-250 ms for a graph of
// 5-50 nodes with subgraphs, so it is not in widget.js: build.mjs packs a module of its own
// (layout-module.js, gzip + base64, `__LGW_LAYOUT_MODULE__`) that one worker per page runs, started
// from a blob URL as anywidget starts `_esm`. Where a host forbids workers, the page imports that
// module the same way and lays out on its main thread, in a render-queue job of its own.
// A graph laid out once is not laid out again (compare_modes shows one graph nine times).
/* global __LGW_LAYOUT_MODULE__ */
import { createJob } from "./render-queue.js";

const KEY = Symbol.for("lg_widgets.layout-service/1");
const PACKED = typeof __LGW_LAYOUT_MODULE__ === "string" ? __LGW_LAYOUT_MODULE__ : null;

/** The packed module as a blob URL (it stays: a worker that failed falls back to importing it). */
async function unpack(packed) {
  const bytes = Uint8Array.from(atob(packed), (c) => c.charCodeAt(0));
  const code = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
  return URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
}

/** How the page imports a module from a blob URL: as anywidget imports `_esm`. */
const importBlob = (url) => import(/* @vite-ignore */ url);

/**
 * `layout`: lay out on the main thread with this function (tests, tools); else the packed module
 * (in a worker, or imported with `importModule` where none may start); with neither, no graph
 * can be drawn.
 */
export function createLayoutService({ packed = PACKED, layout = null, importModule = importBlob, queue } = {}) {
  const done = new Map(); // graph JSON -> layout (null: it could not be laid out)
  const waiting = new Map(); // graph JSON -> [callback]
  const sent = new Map(); // request id -> graph JSON, posted to the worker
  const local = []; // graph JSON to lay out on the main thread
  let layoutHere = layout;
  let worker = null;
  let starting = null; // the module's start (unpacking, the worker) while it is under way
  let nextId = 1;

  const localJob = createJob(() => {
    const key = local.shift();
    if (key !== undefined) {
      let result = null;
      try {
        result = layoutHere(JSON.parse(key));
      } catch (_e) {
        result = null; // an undrawable graph: the pane says so
      }
      finish(key, result);
    }
    return local.length > 0;
  }, queue);

  function finish(key, result) {
    done.set(key, result || null);
    const callbacks = waiting.get(key) || [];
    waiting.delete(key);
    for (const cb of callbacks) cb(result || null);
  }

  function here(key) {
    local.push(key);
    localJob.request();
  }

  /** The worker is gone or never started: the module is imported, and what it held is laid out here. */
  async function fallBack(url) {
    worker = null;
    try {
      layoutHere = (await importModule(url)).layoutGraph;
    } catch (_e) {
      layoutHere = () => null;
    }
    for (const key of sent.values()) here(key);
    sent.clear();
  }

  function post(key) {
    const id = nextId++;
    sent.set(id, key);
    worker.postMessage({ id, graph: JSON.parse(key) });
  }

  function start() {
    starting = unpack(packed).then((url) => {
      try {
        worker = new Worker(url, { type: "module" });
      } catch (_e) {
        return fallBack(url);
      }
      worker.onmessage = (event) => {
        const { id, layout: result } = event.data || {};
        const key = sent.get(id);
        sent.delete(id);
        if (key !== undefined) finish(key, result);
      };
      worker.onerror = () => fallBack(url); // a host's policy stopped it
      return undefined;
    }).catch(() => {
      layoutHere = () => null;
    });
    return starting;
  }

  function request(key) {
    if (layoutHere) here(key);
    else if (worker) post(key);
    else if (!packed) finish(key, null);
    else (starting || start()).then(() => request(key));
  }

  return {
    /** `callback(layout)` once `graph` is laid out (at once when it was before); null if it can't be. */
    layout(graph, callback) {
      const key = JSON.stringify(graph);
      if (done.has(key)) {
        callback(done.get(key));
        return;
      }
      if (waiting.has(key)) {
        waiting.get(key).push(callback);
        return;
      }
      waiting.set(key, [callback]);
      request(key);
    },
  };
}

/** The page's layout service (one worker for every view on the page). */
export function layoutService() {
  const root = globalThis;
  if (!root[KEY]) root[KEY] = createLayoutService();
  return root[KEY];
}

/** Make `service` the page's (tests and tools lay out on the main thread with dagre itself). */
export function useLayoutService(service) {
  globalThis[KEY] = service;
}
