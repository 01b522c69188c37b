// Bundle js/src/widget.js and js/src/widget.css into lg_widgets/static/.
import * as esbuild from "esbuild";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outdir = resolve(here, "..", "lg_widgets", "static");
const watch = process.argv.includes("--watch");
const minify = !process.argv.includes("--no-minify");

mkdirSync(outdir, { recursive: true });

const common = { bundle: true, minify, sourcemap: false, logLevel: "info", legalComments: "none" };
const builds = [
  {
    ...common,
    entryPoints: [resolve(here, "src", "widget.js")],
    outfile: resolve(outdir, "widget.js"),
    format: "esm",
    target: "es2020",
    platform: "browser",
    // UMD dependencies must not pick up a page's AMD loader (HTML export).
    define: { "define.amd": "false" },
  },
  {
    ...common,
    entryPoints: [resolve(here, "src", "widget.css")],
    outfile: resolve(outdir, "widget.css"),
    loader: { ".css": "css" },
  },
];

if (watch) {
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
  console.log(`watching js/src → ${outdir}`);
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
