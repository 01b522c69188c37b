import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { mount, step } from "./helpers.mjs";

const IMG = "<img src=x onerror=alert(1)>";
const SCRIPT = "<script>alert(2)</script>";
const EVIL = `${IMG}${SCRIPT}`;

function assertNoInjected(el) {
  assert.equal(el.querySelectorAll("img").length, 0, "no <img> created");
  assert.equal(el.querySelectorAll("script").length, 0, "no <script> created");
  assert.equal(el.querySelectorAll("a").length, 0, "no links created");
  for (const node of el.querySelectorAll("*")) {
    for (const attr of node.attributes) {
      assert.ok(!/^on/i.test(attr.name), `no event-handler attribute (${attr.name})`);
      assert.ok(!["src", "href", "style"].includes(attr.name), `no ${attr.name} attribute`);
    }
  }
}

test("hostile strings from every field render literally and create no elements", () => {
  const w = mount({
    status: "error",
    run_id: EVIL,
    thread_id: EVIL,
    current_node: EVIL,
    text: EVIL,
    segments: [{ start: 0, end: 10, node: EVIL, namespace: [EVIL], tags: [EVIL] }],
    steps: [step(`/${EVIL}`, { name: EVIL, namespace: [EVIL], input: { [EVIL]: EVIL }, result: [EVIL], error: EVIL, interrupts: [EVIL], triggers: [EVIL] })],
    state: { [EVIL]: EVIL, nested: { [EVIL]: [EVIL] } },
    diffs: [{ index: 0, step: 1, node: EVIL, ops: [{ op: "add", path: `/${EVIL}`, value: EVIL }, { op: "remove", path: `/${SCRIPT}` }] }],
    custom: [{ namespace: [EVIL], data: { [EVIL]: EVIL }, t: 1 }],
    interrupts: [{ id: EVIL, value: EVIL, namespace: [EVIL], node: EVIL }],
    messages: [{ id: "m", type: EVIL, content: EVIL, text: EVIL, name: EVIL, tool_calls: [{ name: EVIL }], node: EVIL, namespace: [] }],
    checkpoints: [{ checkpoint_id: EVIL, namespace: [EVIL], step: 1, source: EVIL, next: [EVIL], values: { [EVIL]: 1 }, metadata: {} }],
    error: { type: EVIL, message: EVIL, kind: EVIL },
    counts: { [EVIL]: 3 },
    event_kinds: { [EVIL]: 2 },
  });
  assert.equal(w.$(".lgw-text").textContent, EVIL);
  assert.equal(w.$(".lgw-step-name").textContent, EVIL);
  assert.equal(w.$(".lgw-error-type").textContent, EVIL);
  assert.equal(w.$(".lgw-error-message").textContent, EVIL);
  assert.equal(w.$(".lgw-step").getAttribute("data-name"), EVIL, "attribute holds the literal string");
  assert.ok(w.$(".lgw-state").textContent.includes(EVIL));
  assert.ok(w.$(".lgw-diff").textContent.includes(EVIL));
  // expand everything that can be expanded
  for (const header of w.$$(".lgw-step-header")) w.click(header);
  for (let i = 0; i < 3; i += 1) {
    for (const row of w.$$(".lgw-json-container.lgw-collapsed > .lgw-json-row")) w.click(row);
  }
  assert.ok(w.$(".lgw-step-body").textContent.includes(EVIL));
  assertNoInjected(w.el);
  w.cleanup();
});

test("hostile strings in deltas, snapshots and raw events render literally", async () => {
  const w = mount({ status: "running" }); // appears mid-run: the snapshot first, then deltas
  w.model.custom({ type: "snapshot", epoch: 1, seq: 5, data: { status: "running", text: IMG, steps: [step("/s", { name: IMG })],
    messages: [{ id: SCRIPT, type: IMG, text: SCRIPT, name: IMG }] } });
  w.model.custom({ type: "delta", epoch: 1, seq: 6, text: SCRIPT, steps: [step("/s", { name: SCRIPT })], custom: [{ namespace: [], data: IMG, t: 0 }],
    interrupts: [{ id: IMG, value: SCRIPT, namespace: [IMG], node: SCRIPT }], error: { type: SCRIPT, message: IMG, kind: "run" } });
  w.click(w.$(".lgw-raw .lgw-section-header"));
  const req = w.model.sent.find((m) => m.type === "events");
  w.model.custom({ type: "reply", request_id: req.request_id, ok: true, total: 1, offset: 0, events: [{ index: 0, event: SCRIPT, mode: "custom", namespace: [], id: IMG, data: { [IMG]: SCRIPT } }] });
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(w.$(".lgw-text").textContent, `${IMG}${SCRIPT}`);
  assert.equal(w.$(".lgw-raw-event-name").textContent, `event: ${SCRIPT}`);
  assertNoInjected(w.el);
  w.cleanup();
});

test("source never uses HTML-parsing sinks, eval, or network loads", () => {
  const src = join(dirname(fileURLToPath(import.meta.url)), "..", "src");
  const files = [];
  const walk = (d) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith(".js")) files.push(p);
    }
  };
  walk(src);
  assert.ok(files.length > 5);
  for (const f of files) {
    // The SVG namespace is an identifier that looks like a URL, not a network load.
    let code = readFileSync(f, "utf8").replaceAll('"http://www.w3.org/2000/svg"', '"SVG_NS"');
    // The packed bundle, and the packed graph layout module where no worker may run it, are imported
    // from blob URLs of their own unpacked bytes (as anywidget imports `_esm`): no network. Only that
    // one expression is allowed, in those two files.
    if (f.endsWith("packed-bundle.js") || f.endsWith("layout-service.js")) {
      code = code.replace("import(/* @vite-ignore */ url)", "IMPORT_OWN_BLOB");
    }
    for (const bad of ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "fetch(", "XMLHttpRequest", "import(", "http://", "https://", ".href", ".src ="]) {
      assert.ok(!code.includes(bad), `${f} contains ${bad}`);
    }
  }
});
