import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { resolve, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { flush, makeDocument, FakeModel } from "./helpers.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const bundle = resolve(here, "..", "..", "lg_widgets", "static", "widget.js");
const css = resolve(here, "..", "..", "lg_widgets", "static", "widget.css");

test("built bundle renders and cleans up (run `npm run build` first)", { skip: !existsSync(bundle) && "bundle not built" }, async () => {
  const mod = await import(pathToFileURL(bundle).href);
  const { document } = makeDocument();
  const el = document.createElement("div");
  const model = new FakeModel({ status: "done", text: "bundled <b>ok</b>" });
  const cleanup = mod.default.render({ model, el });
  flush(); // the bundle's views draw through the page's one render queue, as the sources' do
  assert.equal(el.querySelector(".lgw-text").textContent, "bundled <b>ok</b>");
  assert.equal(el.querySelectorAll("b").length, 0);
  cleanup();
  assert.equal(model.listenerCount(), 0);
  const code = readFileSync(bundle, "utf8");
  for (const bad of ["innerHTML", "outerHTML", "insertAdjacentHTML"]) assert.ok(!code.includes(bad), bad);
});

test("built CSS uses only lgw- classes and JupyterLab variables for colours", { skip: !existsSync(css) && "css not built" }, () => {
  const text = readFileSync(css, "utf8");
  const classes = text.match(/\.[a-zA-Z][\w-]*/g) || [];
  for (const c of classes) assert.ok(c.startsWith(".lgw-") || /^\.\d/.test(c), `class ${c}`);
  assert.ok(text.includes("--jp-layout-color0"));
  assert.ok(!/url\(/.test(text), "no url() loads");
  assert.ok(!/@import/.test(text), "no @import");
});
