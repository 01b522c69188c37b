// Bundle js/src into lg_widgets/static/:
//   widget.js       the anywidget module (ESM) and widget.css
//   bundle-stub.js  what a lean saved notebook's views load instead of a copy of widget.js
//   saved-page.js   renders saved views on a page with no kernel (view.to_html, make docs)
// All three carry one bundle id, a hash of widget.js: a stub only uses the bundle it was built with.
import * as esbuild from "esbuild";
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outdir = resolve(here, "..", "lg_widgets", "static");
const watch = process.argv.includes("--watch");
const minify = !process.argv.includes("--no-minify");

mkdirSync(outdir, { recursive: true });

// Same length as a real id, so replacing it changes nothing else in the bundle.
const PLACEHOLDER = "lgw-0000000000000000";
const WATCH_ID = "lgw-watch";

const common = { bundle: true, minify, sourcemap: false, logLevel: "info", legalComments: "none" };
const esm = (entry, id) => ({
  ...common,
  entryPoints: [resolve(here, "src", entry)],
  outfile: resolve(outdir, entry),
  format: "esm",
  target: "es2020",
  platform: "browser",
  // UMD dependencies must not pick up a page's AMD loader (HTML export).
  define: { "define.amd": "false", __LGW_BUNDLE_ID__: JSON.stringify(id) },
});
const css = {
  ...common,
  entryPoints: [resolve(here, "src", "widget.css")],
  outfile: resolve(outdir, "widget.css"),
  loader: { ".css": "css" },
};
const helpers = ["bundle-stub.js", "saved-page.js"];

if (watch) {
  for (const options of [esm("widget.js", WATCH_ID), ...helpers.map((e) => esm(e, WATCH_ID)), css]) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
  console.log(`watching js/src → ${outdir}`);
} else {
  const widget = await esbuild.build({ ...esm("widget.js", PLACEHOLDER), write: false });
  const text = widget.outputFiles[0].text;
  if (!text.includes(PLACEHOLDER)) throw new Error("the bundle id did not reach widget.js");
  const id = `lgw-${createHash("sha256").update(text).digest("hex").slice(0, PLACEHOLDER.length - 4)}`;
  writeFileSync(resolve(outdir, "widget.js"), text.replaceAll(PLACEHOLDER, id));
  await Promise.all([...helpers.map((e) => esbuild.build(esm(e, id))), esbuild.build(css)]);
  console.log(`bundle id ${id}`);
}
