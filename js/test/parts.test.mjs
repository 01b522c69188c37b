// Big final traits in parts (trait-parts.js, widget.js): the model builds them from the kernel's
// part messages, whether or not a view of it is drawn.
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyPart, createPartsReceiver } from "../src/trait-parts.js";
import widget from "../src/widget.js";
import { FakeModel, mount } from "./helpers.mjs";

const bytes = (value) => {
  const encoded = new TextEncoder().encode(JSON.stringify(value));
  // A DataView over a slice of a bigger buffer, as ipywidgets hands buffers over.
  const buffer = new ArrayBuffer(encoded.length + 8);
  new Uint8Array(buffer, 4, encoded.length).set(encoded);
  return new DataView(buffer, 4, encoded.length);
};

/** The parts of a value the way lg_widgets/sync.py json_parts makes them (a few hand-made). */
function partsOf(name, id, pieces, { end = true } = {}) {
  return pieces.map(([path, op, value], index) => [
    { type: "part", name, id, index, last: index === pieces.length - 1, path, op,
      ...(end && index === pieces.length - 1 ? { end: true } : {}) },
    [bytes(value)],
  ]);
}

const STATE = [
  [[], "set", {}],
  [[], "update", { topic: "cats", documents: null }],
  [["documents"], "set", []],
  [["documents"], "extend", [{ id: "d1" }, { id: "d2" }]],
  [["documents"], "extend", [{ id: "d3" }]],
  [[], "update", { reply: "" }],
  [["reply"], "append", "Hello, "],
  [["reply"], "append", "wörld 😀"],
];
const BUILT = { topic: "cats", documents: [{ id: "d1" }, { id: "d2" }, { id: "d3" }], reply: "Hello, wörld 😀" };

test("parts build the value in order, from DataView buffers", () => {
  const got = [];
  const receive = createPartsReceiver((name, value) => got.push([name, value]));
  for (const [msg, buffers] of partsOf("state", 1, STATE)) receive(msg, buffers);
  assert.deepEqual(got, [["state", BUILT]]);
});

test("a batch's values are set when its last part comes, all in the same task", () => {
  const got = [];
  const receive = createPartsReceiver((name, value) => got.push([name, value]));
  for (const [msg, buffers] of partsOf("state", 1, STATE, { end: false })) receive(msg, buffers);
  for (const [msg, buffers] of partsOf("text", 2, [[[], "set", "Hel"], [[], "append", "lo"]], { end: false })) {
    receive(msg, buffers);
  }
  assert.deepEqual(got, [], "nothing is set before the batch ends");
  for (const [msg, buffers] of partsOf("messages", 3, [[[], "set", [{ id: "m", text_in_segments: true }]]])) {
    receive(msg, buffers);
  }
  assert.deepEqual(got.map(([name]) => name), ["state", "text", "messages"]);
  assert.deepEqual(got[1], ["text", "Hello"]);
});

test("a key named __proto__ stays data, as JSON.parse makes it", () => {
  let root = applyPart(undefined, [], "set", {});
  root = applyPart(root, [], "update", JSON.parse('{"__proto__": {"polluted": 1}}'));
  assert.equal({}.polluted, undefined);
  assert.deepEqual(Object.keys(root), ["__proto__"]);
});

test("parts whose first one this page missed, or out of order, are dropped: nothing half-built is set", () => {
  const got = [];
  const receive = createPartsReceiver((name, value) => got.push([name, value]));
  const parts = partsOf("state", 7, STATE);
  for (const [msg, buffers] of parts.slice(1)) receive(msg, buffers);
  assert.deepEqual(got, []);
  receive(...parts[0]);
  receive(...parts[2]); // index 1 skipped
  for (const [msg, buffers] of parts.slice(3)) receive(msg, buffers);
  assert.deepEqual(got, []);
  for (const [msg, buffers] of partsOf("state", 8, STATE)) receive(msg, buffers);
  assert.deepEqual(got, [["state", BUILT]]);
});

test("the model takes parts with no view drawn; a drawn view shows the built trait", () => {
  const model = new FakeModel({});
  const stop = widget.initialize({ model });
  for (const [msg, buffers] of partsOf("state", 1, STATE)) model.custom(msg, buffers);
  assert.deepEqual(model.get("state"), BUILT);
  stop();
  for (const [msg, buffers] of partsOf("text", 2, [[[], "set", "gone"]])) model.custom(msg, buffers);
  assert.equal(model.get("text"), undefined, "no model handler once stopped");

  const { $, model: shown, cleanup } = mount({});
  for (const [msg, buffers] of partsOf("text", 3, [[[], "set", ""], [[], "append", "streamed "], [[], "append", "text"]])) {
    shown.custom(msg, buffers);
  }
  assert.equal(shown.get("text"), "streamed text");
  assert.equal($(".lgw-text").textContent, "streamed text");
  cleanup();
});
