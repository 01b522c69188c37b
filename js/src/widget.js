// anywidget entry point for lg_widgets.StreamView.
import { createView } from "./view.js";
import { BUNDLE_ID } from "./bundle-id.js";
import { provide } from "./registry.js";
import { createPartsReceiver } from "./trait-parts.js";

const widget = {
  // Big final traits come to the model in parts (trait-parts.js). The model takes them, not a
  // view: a model whose view is not drawn (or has several) still ends with the final traits.
  initialize({ model }) {
    const receive = createPartsReceiver((name, value) => model.set(name, value));
    const onMessage = (msg, buffers) => {
      if (msg && msg.type === "part") receive(msg, buffers);
    };
    model.on("msg:custom", onMessage);
    return () => model.off("msg:custom", onMessage);
  },
  render({ model, el }) {
    const view = createView({ model, el });
    return () => view.destroy();
  },
};

provide(BUNDLE_ID, widget);

export default widget;
