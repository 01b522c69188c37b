// The page's side of the field table (fields.json, exported from lg_widgets/fields.py): every
// synced field the page shows has one binding, which takes the field by its live rule.
import { test } from "node:test";
import assert from "node:assert/strict";
import { makeDocument, FakeModel } from "./helpers.mjs";
import { createLayout } from "../src/layout.js";
import { createBindings } from "../src/bindings.js";
import { DISCONNECTED, RULES } from "../src/live.js";
import { ERROR_KINDS, FIELDS, STATUSES, LIVE_STATUSES } from "../src/wire.js";

/** Synced, but not drawn: the page has no use for them. */
const NOT_SHOWN = ["stream_mode", "protocol"];

function bindings() {
  const { document } = makeDocument();
  const requests = { request: async () => ({ ok: true }) };
  return createBindings(createLayout(document, { requests }), { model: new FakeModel({}) });
}

test("every field the page shows has a binding, and every binding is a field's", () => {
  const names = FIELDS.map((f) => f.name);
  const bound = Object.keys(bindings());
  assert.deepEqual(names.filter((n) => !bound.includes(n)), NOT_SHOWN);
  assert.deepEqual(bound.filter((n) => !names.includes(n)), []);
});

test("each binding takes a whole value, and a delta by its field's rule", () => {
  const all = bindings();
  for (const field of FIELDS) {
    const binding = all[field.name];
    if (!binding) continue;
    assert.equal(typeof binding.set, "function", `${field.name}: set`);
    if (field.live === "final" || field.live === "trait") continue; // no delta carries it
    assert.ok(RULES[field.live], `${field.name}: the page knows the rule ${field.live}`);
    assert.equal(typeof binding[field.live], "function", `${field.name}: ${field.live}`);
  }
});

test("every status and error kind the page can show is one the kernel's table has", () => {
  assert.ok(STATUSES.includes(DISCONNECTED.status) && !LIVE_STATUSES.has(DISCONNECTED.status));
  assert.ok(ERROR_KINDS.includes(DISCONNECTED.error.kind));
  for (const status of LIVE_STATUSES) assert.ok(STATUSES.includes(status));
});
