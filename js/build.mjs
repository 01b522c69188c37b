// Bundle js/src into lg_widgets/static/:
//   widget.js       the anywidget module (ESM) and widget.css; it carries the graph layout
//                   module (layout-module.js, with dagre) packed, to start as a worker
//   packed-bundle.js  widget.js gzip-compressed, the one copy a lean saved notebook keeps
//   bundle-stub.js  what the other views of a lean saved notebook load instead of a copy
//   saved-page.js   renders saved views on a page with no kernel (view.to_html, make docs)
// All three carry one bundle id, a hash of widget.js: a stub only uses the bundle it was built with.
import * as esbuild from "esbuild";
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
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
// The layout module (dagre): an ES module for a module worker, gzip + base64 inside widget.js.
const layoutModule = await esbuild.build({
  ...common,
  entryPoints: [resolve(here, "src", "layout-module.js")],
  format: "esm",
  target: "es2020",
  platform: "browser",
  define: { "define.amd": "false" },
  write: false,
});
const WORKER = {
  __LGW_LAYOUT_MODULE__: JSON.stringify(gzipSync(layoutModule.outputFiles[0].text, { level: 9 }).toString("base64")),
};

const esm = (entry, id, define = {}) => ({
  ...common,
  entryPoints: [resolve(here, "src", entry)],
  outfile: resolve(outdir, entry),
  format: "esm",
  target: "es2020",
  platform: "browser",
  // UMD dependencies must not pick up a page's AMD loader (HTML export).
  define: { "define.amd": "false", __LGW_BUNDLE_ID__: JSON.stringify(id), ...define },
});
// gzip's header holds no time or name here (node's zlib): the same bundle packs to the same bytes.
const packed = (code) => esm("packed-bundle.js", null, {
  __LGW_PACKED_BUNDLE__: JSON.stringify(gzipSync(code, { level: 9 }).toString("base64")),
});
const css = {
  ...common,
  entryPoints: [resolve(here, "src", "widget.css")],
  outfile: resolve(outdir, "widget.css"),
  loader: { ".css": "css" },
};
const helpers = ["bundle-stub.js", "saved-page.js"];

if (watch) {
  for (const options of [esm("widget.js", WATCH_ID, WORKER), ...helpers.map((e) => esm(e, WATCH_ID)), css]) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
  console.log(`watching js/src → ${outdir}`);
} else {
  const widget = await esbuild.build({ ...esm("widget.js", PLACEHOLDER, WORKER), write: false });
  const text = widget.outputFiles[0].text;
  if (!text.includes(PLACEHOLDER)) throw new Error("the bundle id did not reach widget.js");
  const id = `lgw-${createHash("sha256").update(text).digest("hex").slice(0, PLACEHOLDER.length - 4)}`;
  const code = text.replaceAll(PLACEHOLDER, id);
  writeFileSync(resolve(outdir, "widget.js"), code);
  await Promise.all([...helpers.map((e) => esbuild.build(esm(e, id))), esbuild.build(packed(code)), esbuild.build(css)]);
  console.log(`bundle id ${id}`);
}
