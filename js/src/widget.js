// anywidget entry point for lg_widgets.StreamView.
import { createView } from "./view.js";
import { BUNDLE_ID } from "./bundle-id.js";
import { provide } from "./registry.js";

const widget = {
  render({ model, el }) {
    const view = createView({ model, el });
    return () => view.destroy();
  },
};

provide(BUNDLE_ID, widget);

export default widget;
