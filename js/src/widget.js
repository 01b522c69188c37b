// anywidget entry point for lg_widgets.StreamView.
import { createView } from "./view.js";

export default {
  render({ model, el }) {
    const view = createView({ model, el });
    return () => view.destroy();
  },
};
