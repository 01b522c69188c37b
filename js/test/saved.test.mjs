// Saved views without a kernel: the registry, the stub a lean notebook's views load, and the
// in-page model that saved pages (view.to_html, make docs) render the real view from.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { resolve, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gunzipSync } from "node:zlib";
import { flush, makeDocument } from "./helpers.mjs";
import widget from "../src/widget.js";
import { provide, whenProvided } from "../src/registry.js";
import { createSavedModel, mountSavedViews, NO_KERNEL } from "../src/saved-model.js";

const here = dirname(fileURLToPath(import.meta.url));
const staticDir = resolve(here, "..", "..", "lg_widgets", "static");

test("the registry hands out the first widget provided under an id, whenever it is asked", async () => {
  const early = whenProvided("test-a");
  const first = { render() {} };
  provide("test-a", first);
  provide("test-a", { render() {} });
  provide("test-b", { render() {} });
  assert.equal(await early, first);
  assert.equal(await whenProvided("test-a"), first);
  assert.notEqual(await whenProvided("test-b"), first);
});

test("the unbundled entry registers itself", async () => {
  assert.equal(await whenProvided("unbundled"), widget);
});

test("a saved model answers get, keeps listeners, refuses requests at once and ignores hello", async () => {
  const model = createSavedModel({ status: "done", text: "hi" });
  assert.equal(model.get("status"), "done");
  assert.equal(model.get("missing"), undefined);
  const replies = [];
  const onMsg = (msg) => replies.push(msg);
  model.on("msg:custom", onMsg);
  model.send({ type: "hello" }); // as a view sends it: no request id, no answer
  model.send({ type: "events", request_id: "r1", offset: 0 });
  await Promise.resolve();
  assert.deepEqual(replies, [{ type: "reply", request_id: "r1", ok: false, error: NO_KERNEL }]);
  model.off("msg:custom", onMsg);
  model.send({ type: "cancel", request_id: "r2" });
  await Promise.resolve();
  assert.equal(replies.length, 1);
});

test("mountSavedViews renders each [data-lgw-view] from its JSON script, as text", async () => {
  const { document, Event } = makeDocument();
  const traits = { status: "done", text: "<img src=x onerror=alert(1)> ok", steps: [], state: { a: 1 } };
  document.body.innerHTML = `<div data-lgw-view="v1"></div><script type="application/json" id="v1"></script>
    <div data-lgw-view="missing"></div>`;
  document.getElementById("v1").textContent = JSON.stringify(traits);
  const mounted = mountSavedViews(document, widget);
  assert.equal(document.querySelector(".lgw-root"), null, "nothing is made in the task that called it");
  assert.equal(await mounted, 1);
  flush();
  const root = document.querySelector(".lgw-root");
  assert.equal(root.getAttribute("data-status"), "done");
  assert.equal(root.querySelector(".lgw-text").textContent, traits.text);
  assert.equal(root.querySelectorAll("img").length, 0);
  // The raw events pager asks the kernel; the saved page says at once that there is none.
  root.querySelector(".lgw-raw > .lgw-section-header").dispatchEvent(new Event("click"));
  await new Promise((r) => setTimeout(r, 0));
  flush();
  assert.ok(root.querySelector(".lgw-raw-msg").textContent.includes(NO_KERNEL));
});

const built = ["widget.js", "bundle-stub.js", "saved-page.js"].map((f) => resolve(staticDir, f));
test("built stub resolves to the built bundle's widget (run `npm run build` first)",
  { skip: !built.every(existsSync) && "bundle not built" }, async () => {
    const ids = built.map((f) => readFileSync(f, "utf8").match(/lgw-[0-9a-f]{16}/g));
    for (const found of ids) assert.ok(found && new Set(found).size === 1, "one bundle id per file");
    assert.equal(new Set(ids.map((found) => found[0])).size, 1, "the same id in every file");
    const stub = await import(pathToFileURL(built[1]).href);
    const pending = stub.default();
    const bundle = await import(pathToFileURL(built[0]).href);
    assert.equal(await pending, bundle.default);
  });

const packedFile = resolve(staticDir, "packed-bundle.js");
// widget.js carries the graph layout module compressed already: the packed bundle is still smaller.
test("built packed bundle holds exactly widget.js, gzip-compressed, in under three quarters of its size",
  { skip: !existsSync(packedFile) && "bundle not built" }, () => {
    const packed = readFileSync(packedFile, "utf8");
    const widgetCode = readFileSync(built[0], "utf8");
    const payload = packed.match(/atob\("([A-Za-z0-9+/=]+)"\)/);
    assert.ok(payload, "one base64 payload");
    assert.equal(gunzipSync(Buffer.from(payload[1], "base64")).toString("utf8"), widgetCode);
    assert.ok(packed.length < widgetCode.length * 0.75, `${packed.length} vs ${widgetCode.length}`);
  });
