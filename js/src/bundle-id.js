// Which build of the front end this is: build.mjs sets __LGW_BUNDLE_ID__ to a hash of the
// bundled widget.js, the same in every file of one build (widget.js, bundle-stub.js, saved-page.js).
/* global __LGW_BUNDLE_ID__ */
export const BUNDLE_ID = typeof __LGW_BUNDLE_ID__ === "string" ? __LGW_BUNDLE_ID__ : "unbundled";
