// The module a lean saved notebook gives every view but one: the front end of the view that
// carries the whole bundle (same bundle id), once it has loaded on the page. anywidget calls
// a default export that is a function and uses the widget object it resolves to.
import { BUNDLE_ID } from "./bundle-id.js";
import { whenProvided } from "./registry.js";

export default () => whenProvided(BUNDLE_ID);
