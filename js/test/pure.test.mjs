import { test } from "node:test";
import assert from "node:assert/strict";
import { mergeSegments, extendSegments, filterText, emptyOptions, addSegmentOptions, sortedOptions, isFilterActive, segmentMatches, cpLength } from "../src/segments.js";
import { classifyOp, formatPath, summarizeOps, opHasValue } from "../src/ops.js";
import { formatDuration, stepDuration, formatBytes, formatNamespace, formatNumber } from "../src/format.js";
import { isAtBottom, nextFollow } from "../src/scroll.js";
import { isPreview } from "../src/preview.js";
import { applyOps } from "../src/patch.js";
import { createLiveGate } from "../src/wire.js";

const text = "Hello world! Bonjour";
const segs = [
  { start: 0, end: 6, node: "a", namespace: [], tags: ["x"] },
  { start: 6, end: 12, node: "b", namespace: ["sub:1"], tags: [] },
  { start: 12, end: 20, node: "a", namespace: ["sub:1"], tags: ["x", "y"] },
];

test("filterText: no filter returns the whole text", () => {
  assert.equal(filterText(text, segs, { node: null, tag: null, namespace: null }), text);
  assert.equal(isFilterActive({ node: null, tag: null, namespace: null }), false);
});

test("filterText: by node, tag, namespace and combined", () => {
  assert.equal(filterText(text, segs, { node: "a" }), "Hello  Bonjour");
  assert.equal(filterText(text, segs, { node: "b" }), "world!");
  assert.equal(filterText(text, segs, { tag: "y" }), " Bonjour");
  assert.equal(filterText(text, segs, { namespace: "" }), "Hello ");
  assert.equal(filterText(text, segs, { namespace: "sub:1" }), "world! Bonjour");
  assert.equal(filterText(text, segs, { node: "a", namespace: "sub:1" }), " Bonjour");
  assert.equal(filterText(text, segs, { node: "zzz" }), "");
  assert.equal(segmentMatches(segs[2], { tag: "x", node: "a" }), true);
});

test("filterText slices by code points (Python indices), not UTF-16 units", () => {
  const t = "😀ab😀cd";
  const s = [
    { start: 0, end: 3, node: "a", namespace: [], tags: [] },
    { start: 3, end: 6, node: "b", namespace: [], tags: [] },
  ];
  assert.equal(filterText(t, s, { node: "b" }), "😀cd");
  assert.equal(cpLength(t), 6);
});

test("mergeSegments: same start replaces, new start appends", () => {
  let list = mergeSegments([], [{ start: 0, end: 3, node: "a" }]);
  list = mergeSegments(list, [{ start: 0, end: 7, node: "a" }, { start: 7, end: 9, node: "b" }]);
  assert.deepEqual(list.map((s) => [s.start, s.end, s.node]), [[0, 7, "a"], [7, 9, "b"]]);
  list = mergeSegments(list, [{ start: 7, end: 12, node: "b" }]);
  assert.deepEqual(list.map((s) => [s.start, s.end]), [[0, 7], [7, 12]]);
});

test("segment options list distinct nodes, tags and namespaces; adding says when one was new", () => {
  const options = emptyOptions();
  assert.equal(addSegmentOptions(options, segs), true);
  assert.equal(addSegmentOptions(options, segs.slice(0, 1)), false, "nothing new: the selects stay");
  const o = sortedOptions(options);
  assert.deepEqual(o.nodes, ["a", "b"]);
  assert.deepEqual(o.tags, ["x", "y"]);
  assert.deepEqual(o.namespaces.map((n) => n.key), ["", "sub:1"]);
});

test("classifyOp: add/remove/replace/move/copy/test", () => {
  assert.deepEqual([classifyOp({ op: "add" }).symbol, classifyOp({ op: "add" }).className], ["+", "lgw-op-add"]);
  assert.deepEqual([classifyOp({ op: "remove" }).symbol, classifyOp({ op: "remove" }).className], ["−", "lgw-op-remove"]);
  assert.deepEqual([classifyOp({ op: "replace" }).symbol, classifyOp({ op: "replace" }).className], ["~", "lgw-op-replace"]);
  assert.equal(classifyOp({ op: "move" }).className, "lgw-op-replace");
  assert.equal(classifyOp({ op: "copy" }).className, "lgw-op-add");
  assert.equal(classifyOp({ op: "test" }).className, "lgw-op-test");
  assert.deepEqual(summarizeOps([{ op: "add" }, { op: "add" }, { op: "remove" }]), { add: 2, remove: 1, replace: 0, test: 0 });
  assert.equal(opHasValue({ op: "remove", path: "/a" }), false);
  assert.equal(opHasValue({ op: "add", path: "/a", value: null }), true);
});

test("formatPath turns JSON pointers into readable paths", () => {
  assert.equal(formatPath("/messages/0/content"), "messages[0].content");
  assert.equal(formatPath("/a~1b/c~0d"), "a/b.c~d");
  assert.equal(formatPath("/items/-"), "items[-]");
  assert.equal(formatPath(""), "(root)");
});

test("formatDuration and stepDuration", () => {
  assert.equal(formatDuration(0.25), "250 ms");
  assert.equal(formatDuration(3.456), "3.46 s");
  assert.equal(formatDuration(42.2), "42.2 s");
  assert.equal(formatDuration(125), "2 m 05 s");
  assert.equal(formatDuration(3725), "1 h 02 m");
  assert.equal(formatDuration(null), "–");
  assert.equal(stepDuration({ started: 1.5, ended: 2.25 }), 0.75);
  assert.equal(stepDuration({ started: 1.5, ended: null }), null);
  assert.equal(formatBytes(2048), "2.0 KB");
  assert.equal(formatNamespace([]), "(root)");
  assert.equal(formatNamespace(["a:1", "b:2"]), "a:1 › b:2");
});

test("autoscroll: follow only when at the bottom", () => {
  assert.equal(isAtBottom(900, 1000, 100), true);
  assert.equal(isAtBottom(895, 1000, 100), true); // within slack
  assert.equal(isAtBottom(500, 1000, 100), false); // user scrolled up
  assert.equal(nextFollow(true, 900, { scrollTop: 500, scrollHeight: 1000, clientHeight: 100 }), false); // user scrolled up
  assert.equal(nextFollow(false, 500, { scrollTop: 900, scrollHeight: 1000, clientHeight: 100 }), true); // back at bottom
  // Our own scroll to the bottom, its event read after more text came: still following.
  assert.equal(nextFollow(true, 900, { scrollTop: 900, scrollHeight: 1400, clientHeight: 100 }), true);
  assert.equal(nextFollow(false, 300, { scrollTop: 400, scrollHeight: 1400, clientHeight: 100 }), false, "down, not to the bottom");
  assert.equal(isAtBottom(undefined, undefined, undefined), true); // no layout: follow
});

test("isPreview recognises preview placeholders only", () => {
  assert.equal(isPreview({ __lg_preview__: "{\"a\":", bytes: 10 }), true);
  assert.equal(isPreview({ a: 1 }), false);
  assert.equal(isPreview(null), false);
  assert.equal(isPreview("__lg_preview__"), false);
});

test("applyOps builds state from diffs and skips ops it cannot apply", () => {
  let r = applyOps({}, [{ op: "add", path: "/a", value: 1 }, { op: "add", path: "/l", value: [] }]);
  r = applyOps(r.doc, [{ op: "add", path: "/l/-", value: "x" }, { op: "replace", path: "/a", value: 2 }]);
  assert.deepEqual(r.doc, { a: 2, l: ["x"] });
  const bad = applyOps(r.doc, [{ op: "remove", path: "/nope/deep" }, { op: "add", path: "/b", value: true }]);
  assert.equal(bad.failed, 1);
  assert.deepEqual(bad.doc, { a: 2, l: ["x"], b: true });
  const proto = applyOps({}, [{ op: "add", path: "/__proto__/polluted", value: 1 }]);
  assert.equal(proto.failed, 1);
  assert.equal({}.polluted, undefined);
});

test("live gate: a reset opens an epoch; deltas apply in seq order within it", () => {
  const gate = createLiveGate("idle");
  assert.equal(gate.acceptDelta({ epoch: 1, seq: 2 }), true, "an idle page takes the first delta it sees");
  assert.equal(gate.acceptDelta({ epoch: 1, seq: 2 }), false, "never twice");
  assert.equal(gate.acceptDelta({ epoch: 1, seq: 1 }), false, "never backwards");
  assert.equal(gate.acceptDelta({ epoch: 1, seq: 5 }), true, "gaps are fine: seq only grows");
  gate.reset({ epoch: 2, seq: 6 });
  assert.equal(gate.acceptDelta({ epoch: 1, seq: 7 }), false, "a delta of an older epoch is stale");
  assert.equal(gate.acceptDelta({ epoch: 2, seq: 7 }), true);
  assert.equal(gate.acceptSnapshot({ epoch: 2, seq: 7 }), false, "a page in sync ignores another page's snapshot");
});

test("live gate: a page that appears mid-run waits for its snapshot, or for the run to end", () => {
  const gate = createLiveGate("running");
  assert.equal(gate.acceptDelta({ epoch: 3, seq: 40 }), false, "the snapshot will hold it");
  assert.equal(gate.acceptSnapshot({ epoch: 3, seq: 41 }), true);
  assert.equal(gate.acceptDelta({ epoch: 3, seq: 41 }), false);
  assert.equal(gate.acceptDelta({ epoch: 3, seq: 42 }), true);
  const late = createLiveGate("connecting");
  late.traitStatus("running");
  assert.equal(late.acceptDelta({ epoch: 1, seq: 3 }), false);
  late.traitStatus("done");
  assert.equal(late.synced, true, "the final traits hold everything");
  assert.equal(late.acceptDelta({ epoch: 1, seq: 9 }), true, "the next run of the view (a resume) is followed");
});

import { withSegmentText, messageTexts, appendedPieces } from "../src/segments.js";
import { resolveStateRefs } from "../src/patch.js";

test("streamed messages get their text back from the segments", () => {
  const text = "A1 B1 😀A2";
  const segments = [
    { start: 0, end: 3, message: "a" }, { start: 3, end: 6, message: "b" }, { start: 6, end: 9, message: "a" },
  ];
  const out = withSegmentText([{ id: "a", text_in_segments: true }, { id: "t", text: "tool" }], messageTexts(text, segments));
  assert.equal(out[0].text, "A1 😀A2");
  assert.equal(out[1].text, "tool");
});

test("a delta's text is split among the messages its segments name", () => {
  const segments = [{ start: 0, end: 3, message: "a" }, { start: 3, end: 6, message: "b" }, { start: 6, end: 9, message: "a" }];
  // "A1 " was there; the delta appended "B1 😀A2" (code points 3..9)
  assert.deepEqual(appendedPieces("B1 😀A2", 3, segments), [["b", "B1 "], ["a", "😀A2"]]);
  assert.deepEqual(appendedPieces("1 ", 1, segments), [["a", "1 "]], "the last old segment grew");
  assert.deepEqual(appendedPieces("", 9, segments), []);
  assert.deepEqual(appendedPieces("x", 0, []), [], "text before any segment belongs to no message");
});

test("diff op values that equal the final state are resolved from it", () => {
  const state = { joke: "ha", list: [1, { x: 2 }] };
  const diffs = [{ ops: [{ op: "add", path: "/list/1", value: { __lg_state_ref__: "/list/1" } },
                         { op: "remove", path: "/gone" }] }];
  const out = resolveStateRefs(diffs, state);
  assert.deepEqual(out[0].ops[0].value, { x: 2 });
  assert.equal(out[0].ops[1].value, undefined);
});

test("extendSegments: ends follow the next start and the text length; untouched segments are kept", () => {
  const a = { start: 0, end: 3, node: "a" };
  const b = { start: 3, end: 4, node: "b" };
  const out = extendSegments([a, b], [{ start: 6, end: 6, node: "c" }], 9);
  assert.equal(out[0], a, "earlier segments are the same objects");
  assert.deepEqual(out.map((s) => [s.start, s.end]), [[0, 3], [3, 6], [6, 9]]);
  assert.deepEqual(extendSegments([], [], 5), []);
  assert.deepEqual(extendSegments([a], [], 7).map((s) => s.end), [7]);
});

import { applyOperation } from "fast-json-patch/module/core.mjs";
import { parsePointer, resolveRefs } from "../src/patch.js";

test("applyOps gives fast-json-patch's result without changing its input, sharing what it does not touch", () => {
  let seed = 11;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  const value = (depth = 0) => {
    const r = rnd();
    if (depth > 2 || r < 0.4) return pick([1, "a", null, true, "x/y~z"]);
    if (r < 0.7) return Object.fromEntries([...Array(Math.floor(rnd() * 3))].map(() => [pick(["k", "a/b", "t~x", ""]), value(depth + 1)]));
    return [...Array(Math.floor(rnd() * 3))].map(() => value(depth + 1));
  };
  const paths = (doc, prefix = "") => {
    const out = [prefix];
    if (doc && typeof doc === "object") {
      for (const k of Object.keys(doc)) out.push(...paths(doc[k], `${prefix}/${String(k).replace(/~/g, "~0").replace(/\//g, "~1")}`));
      if (Array.isArray(doc)) out.push(`${prefix}/-`, `${prefix}/${doc.length}`);
    }
    return out;
  };
  let agreed = 0;
  for (let round = 0; round < 3000; round += 1) {
    const doc = { a: value(), l: [value(), value()], s: "s" };
    const before = JSON.stringify(doc);
    const op = { op: pick(["add", "replace", "remove", "move", "copy"]), path: pick(paths(doc)), from: pick(paths(doc)), value: value() };
    let expected;
    try {
      expected = applyOperation(JSON.parse(before), JSON.parse(JSON.stringify(op)), true, true, true).newDocument;
    } catch (_e) {
      expected = undefined;
    }
    const got = applyOps(doc, [op]);
    assert.equal(JSON.stringify(doc), before, "the input is never changed");
    if (expected === undefined) {
      assert.equal(got.failed, 1, `${JSON.stringify(op)} fails in both`);
    } else if (got.failed === 0) {
      assert.deepEqual(got.doc, expected, JSON.stringify(op));
      agreed += 1;
      if (!op.path.startsWith("/l") && !(op.from || "").startsWith("/l") && op.path !== "") assert.equal(got.doc.l, doc.l, "untouched branches are shared");
    } else {
      // fast-json-patch is laxer in a few corners (moving a value into itself, removing the whole
      // document); ours refuses them, and the kernel's diffs never hold them
      assert.ok(op.op === "move" || op.op === "copy" || (op.op === "remove" && op.path === ""),
        `${JSON.stringify(op)} applied there, not here`);
    }
  }
  assert.ok(agreed > 1500, `only ${agreed} ops agreed`);
  assert.deepEqual(parsePointer("/a~1b/~0c/"), ["a/b", "~c", ""]);
});

test("state references in steps and checkpoints resolve to the state's values, at any depth", () => {
  const state = { documents: [{ id: 1 }], "a/b": "x", messages: [{ id: "h" }, { id: "a" }] };
  const ref = (path) => ({ __lg_state_ref__: path });
  const value = { documents: ref("/documents"), other: 1, c: ref("/a~1b"), messages: [ref("/messages/1"), { id: "new" }] };
  const result = resolveRefs(value, state);
  assert.equal(result.documents, state.documents, "the state's own value, not a copy");
  assert.deepEqual(result, { documents: [{ id: 1 }], other: 1, c: "x", messages: [{ id: "a" }, { id: "new" }] });
  assert.equal(resolveRefs(ref(""), state), state);
  const plain = { x: [1, { y: 2 }] };
  assert.equal(resolveRefs(plain, state), plain, "nothing to resolve: the same object");
});

test("formatNumber writes what Intl.NumberFormat('en-US') writes, without making one", () => {
  const intl = new Intl.NumberFormat("en-US");
  const values = [0, -0, 1, -1, 999, 1000, 12345, -1234567, 2 ** 53, 1e21, 2.5e22, 1e-7, -0.0004, 0.0005, 1.0005,
    99.9995, 0.9995, 1234.5678, 999999.9996, 3.14159];
  for (let i = 1; i < 2000; i++) values.push(Math.round(i ** 3.7) * (i % 3 ? 1 : -1), (i * 7919) / 1000 ** (i % 4));
  for (const v of values) assert.equal(formatNumber(v), intl.format(v), String(v));
  assert.equal(formatNumber(NaN), "0");
});
