// Entry of the script that saved pages inline after widget.js: renders their saved views.
import { BUNDLE_ID } from "./bundle-id.js";
import { whenProvided } from "./registry.js";
import { mountSavedViews } from "./saved-model.js";

whenProvided(BUNDLE_ID).then(async (widget) => {
  const count = await mountSavedViews(document, widget);
  document.documentElement.setAttribute("data-lgw-views", String(count));
});
