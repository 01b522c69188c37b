// The copy of the front end a lean saved notebook keeps (once per notebook): widget.js,
// gzip-compressed and base64-encoded by build.mjs (about 45% of its size). anywidget
// awaits a default export that is a function; this one unpacks the bundle, imports it
// the way anywidget imports `_esm` (a blob URL) and resolves to its widget object. The
// bundle leaves that object in the page's registry too, where the other views' stubs find it.
/* global __LGW_PACKED_BUNDLE__ */
export default async () => {
  const bytes = Uint8Array.from(atob(__LGW_PACKED_BUNDLE__), (c) => c.charCodeAt(0));
  const unpacked = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  const code = await new Response(unpacked).text();
  const url = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
  try {
    return (await import(/* @vite-ignore */ url)).default;
  } finally {
    URL.revokeObjectURL(url);
  }
};
