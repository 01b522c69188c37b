// Token filter controls (node / tag / namespace selects), built from `segments`.
import { h, clear, show, setText } from "./dom.js";
import { emptyOptions, addSegmentOptions, sortedOptions, EMPTY_FILTER } from "./segments.js";
import { formatNamespace } from "./format.js";

const ALL = "\u0000all"; // sentinel value, cannot collide with a real name

function fillSelect(doc, select, allLabel, options, current) {
  clear(select);
  select.appendChild(h(doc, "option", { value: ALL }, allLabel));
  for (const { value, label } of options) {
    select.appendChild(h(doc, "option", { value }, label));
  }
  selectValue(select, current == null ? ALL : current);
}

/** Select the option with this value (via the `selected` attribute and `.value`). */
function selectValue(select, value) {
  for (const opt of select.querySelectorAll("option")) {
    if (opt.getAttribute("value") === value) opt.setAttribute("selected", "");
    else opt.removeAttribute("selected");
  }
  try {
    select.value = value;
  } catch (_e) {
    // DOM implementations without a settable value (tests) rely on the attribute
  }
}

/**
 * A select's keys are its own: JupyterLab's notebook shortcuts (arrows select cells, letters
 * make and change them) listen on the document and would take them. Tab and Escape go on.
 */
export function keepKeys(event) {
  if (event.key !== "Tab" && event.key !== "Escape") event.stopPropagation();
}

export function createFilters(doc, { onChange }) {
  const node = h(doc, "select.lgw-filter-node", { "aria-label": "filter tokens by node" });
  const tag = h(doc, "select.lgw-filter-tag", { "aria-label": "filter tokens by tag" });
  const namespace = h(doc, "select.lgw-filter-namespace", { "aria-label": "filter tokens by namespace" });
  const note = h(doc, "span.lgw-filter-note");
  const el = h(doc, "div.lgw-filters", null, h(doc, "span.lgw-filter-label", null, "filter"), node, tag, namespace, note);
  show(el, false);
  let filter = { ...EMPTY_FILTER };
  let options = emptyOptions();
  let any = false; // segments seen: the controls show

  /** Add `segments`' values; the selects are filled again only when one was new (or `refill`). */
  function add(segments, refill = false) {
    const list = segments || [];
    if (list.length && !any) {
      any = true;
      show(el, true);
    }
    if (!addSegmentOptions(options, list) && !refill) return;
    const o = sortedOptions(options);
    fillSelect(doc, node, "all nodes", o.nodes.map((v) => ({ value: v, label: v })), filter.node);
    fillSelect(doc, tag, "all tags", o.tags.map((v) => ({ value: v, label: v })), filter.tag);
    fillSelect(doc, namespace, "all namespaces",
      o.namespaces.map(({ key, ns }) => ({ value: key, label: formatNamespace(ns) })), filter.namespace);
    show(tag, o.tags.length > 0);
  }

  const read = (sel) => (sel.value === ALL || sel.value == null ? null : sel.value);
  const changed = () => {
    filter = { node: read(node), tag: read(tag), namespace: read(namespace) };
    if (onChange) onChange(filter);
  };
  for (const s of [node, tag, namespace]) {
    s.addEventListener("change", changed);
    s.addEventListener("keydown", keepKeys);
  }

  return {
    el,
    get filter() {
      return filter;
    },
    /** The options of every segment (a whole trait or snapshot). */
    setSegments(segments) {
      options = emptyOptions();
      any = false;
      show(el, false);
      add(segments, true);
    },
    /** A delta's new segments: the selects change only when one brings a new node, tag or namespace. */
    addSegments(segments) {
      add(segments);
    },
    /** Set programmatically (tests, API). */
    setFilter(f) {
      filter = { ...EMPTY_FILTER, ...f };
      selectValue(node, filter.node ?? ALL);
      selectValue(tag, filter.tag ?? ALL);
      selectValue(namespace, filter.namespace ?? ALL);
      if (onChange) onChange(filter);
    },
    setNote(text) {
      setText(note, text);
    },
  };
}
