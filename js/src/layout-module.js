// The layout module build.mjs packs into widget.js (gzip, base64): started as a module worker,
// it answers each {id, graph} with {id, layout} (or {id, error}); where no worker may start, the
// page imports it instead and lays out on its main thread (layout-service.js).
import { layoutGraph } from "./graph-layout.js";

export { layoutGraph };

/* global WorkerGlobalScope */
if (typeof WorkerGlobalScope !== "undefined" && self instanceof WorkerGlobalScope) {
  self.onmessage = (event) => {
    const { id, graph } = event.data || {};
    try {
      self.postMessage({ id, layout: layoutGraph(graph) });
    } catch (e) {
      self.postMessage({ id, error: String((e && e.message) || e) });
    }
  };
}
