import { test } from "node:test";
import assert from "node:assert/strict";
import { splitForChunks, SOFT, HARD } from "../src/text-chunks.js";
import { mount } from "./helpers.mjs";

// A seeded generator, so a failure names the input that broke.
function random(seed) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

function randomText(rand, length) {
  const alphabet = ["a", "b", " ", " ", "\n", "é", "😀", "x"];
  let out = "";
  while (out.length < length) out += alphabet[Math.floor(rand() * alphabet.length)];
  return out;
}

test("splitForChunks: the parts are the text; a chunk closes only after a newline; nodes hold at most HARD", () => {
  const rand = random(7);
  for (let round = 0; round < 400; round += 1) {
    const soft = 4 + Math.floor(rand() * 20);
    const hard = soft + Math.floor(rand() * 40);
    const chunk = Math.floor(rand() * 3 * hard);
    const node = Math.min(chunk, Math.floor(rand() * hard));
    const text = randomText(rand, Math.floor(rand() * 200));
    const parts = splitForChunks(chunk, node, text, soft, hard);
    const where = JSON.stringify({ round, soft, hard, chunk, node, text });
    assert.equal(parts.map((p) => p.text).join(""), text, where);
    assert.equal(parts[0].start, null, where);
    let chunkLength = chunk;
    let nodeLength = node;
    for (const [i, part] of parts.entries()) {
      if (part.start === "chunk") {
        const before = parts[i - 1].text;
        assert.ok(before.endsWith("\n") && chunkLength >= soft, `a chunk closed without a newline: ${where}`);
        chunkLength = 0;
        nodeLength = 0;
      } else if (part.start === "node") {
        const last = parts[i - 1].text.charCodeAt(parts[i - 1].text.length - 1);
        assert.ok(!(last >= 0xd800 && last <= 0xdbff), `a surrogate pair was cut: ${where}`);
        nodeLength = 0;
      }
      chunkLength += part.text.length;
      nodeLength += part.text.length;
      assert.ok(nodeLength <= hard + 1, `a text node over HARD: ${where}`);
      if (part.start !== null && i < parts.length - 1) assert.ok(part.text.length > 0 || parts[i + 1].start === "chunk", where);
    }
  }
});

test("splitForChunks: text that fits stays in the current chunk", () => {
  const texts = (parts) => parts.map((p) => [p.start, p.text]);
  assert.deepEqual(texts(splitForChunks(0, 0, "short")), [[null, "short"]]);
  assert.deepEqual(texts(splitForChunks(SOFT - 10, 0, "ab\ncd")), [[null, "ab\ncd"]], "newline before the soft limit: no cut");
  assert.deepEqual(texts(splitForChunks(SOFT, 0, "ab\ncd")), [[null, "ab\n"], ["chunk", "cd"]], "after it: cut just after the newline");
  assert.deepEqual(texts(splitForChunks(SOFT, 0, "ab\n")), [[null, "ab\n"], ["chunk", ""]], "the next text starts a new chunk");
  assert.deepEqual(texts(splitForChunks(HARD, HARD, "more")), [[null, ""], ["node", "more"]],
    "a full text node takes nothing more: a new node, in the same chunk (no newline, no line break)");
});

test("a long text is shown in chunks that hold it exactly, and appending leaves earlier chunks alone", () => {
  const w = mount({ status: "idle", text: "" });
  w.model.custom({ type: "delta", seq: 1, status: "running", text: "" });
  const line = "word ".repeat(19) + "end\n"; // 99 characters
  let expected = "";
  for (let seq = 2; seq < 400; seq += 1) {
    w.model.custom({ type: "delta", seq, text: line });
    expected += line;
  }
  const pane = w.$(".lgw-text");
  const chunks = w.$$(".lgw-text-chunk");
  assert.ok(chunks.length >= expected.length / HARD && chunks.length > 5, `${chunks.length} chunks`);
  assert.equal(pane.textContent, expected);
  for (const chunk of chunks.slice(0, -1)) {
    assert.ok(chunk.textContent.endsWith("\n"), "chunks close after a newline: nothing changes on screen");
    assert.ok(chunk.textContent.length <= HARD);
  }
  const first = chunks[0];
  const firstText = first.textContent;
  w.model.custom({ type: "delta", seq: 400, text: "tail" });
  assert.equal(w.$(".lgw-text-chunk"), first, "earlier chunks are neither rebuilt nor touched");
  assert.equal(first.textContent, firstText);
  w.model.set("text", expected + "tail");
  assert.equal(w.$(".lgw-text-chunk"), first, "the final text that matches is not rebuilt");
  assert.equal(pane.textContent, expected + "tail");
  assert.equal(w.$(".lgw-status-tokens").textContent, `${(expected.length + 4).toLocaleString("en-US")} chars`);
  w.cleanup();
});

test("a line with no newline stays in one chunk: no line break that the text does not have", () => {
  // Chunks are blocks: a chunk that ended mid-line broke the line on screen every ~4 KB.
  const w = mount({ status: "idle", text: "" });
  const words = Array.from({ length: 5000 }, (_, i) => `w${i}`).join(" ");
  w.model.custom({ type: "delta", seq: 1, status: "running", text: words.slice(0, 10000) });
  w.model.custom({ type: "delta", seq: 2, text: words.slice(10000) });
  assert.equal(w.$(".lgw-text").textContent, words);
  const chunks = w.$$(".lgw-text-chunk");
  assert.equal(chunks.length, 1, "one block for one line");
  const nodes = chunks[0].childNodes;
  assert.ok(nodes.length >= words.length / HARD, "in text nodes of at most HARD characters");
  for (const node of nodes) assert.ok(node.data.length <= HARD);
  w.model.custom({ type: "delta", seq: 3, text: " end\nnext line" });
  for (const chunk of w.$$(".lgw-text-chunk").slice(0, -1)) {
    assert.ok(chunk.textContent.endsWith("\n"), "every block ends with a newline of the text");
  }
  w.cleanup();
});
