import { test } from "node:test";
import assert from "node:assert/strict";
import { splitForChunks, SOFT, HARD, LONG, LONG_MAX } from "../src/text-chunks.js";
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

test("splitForChunks: the parts are the text; a chunk closes after a newline, or a space in a long line; nodes hold at most HARD", () => {
  const rand = random(7);
  for (let round = 0; round < 800; round += 1) {
    const soft = 4 + Math.floor(rand() * 20);
    const hard = soft + Math.floor(rand() * 40);
    const long = soft + Math.floor(rand() * 80);
    const longMax = long + 1 + Math.floor(rand() * 80);
    const chunk = Math.floor(rand() * 2 * longMax);
    const node = Math.min(chunk, Math.floor(rand() * hard));
    const text = randomText(rand, Math.floor(rand() * 400));
    const parts = splitForChunks(chunk, node, text, soft, hard, long, longMax);
    const where = JSON.stringify({ round, soft, hard, chunk, node, text });
    assert.equal(parts.map((p) => p.text).join(""), text, where);
    assert.equal(parts[0].start, null, where);
    let chunkLength = chunk;
    let nodeLength = node;
    for (const [i, part] of parts.entries()) {
      if (part.start === "chunk") {
        const before = parts[i - 1].text;
        const closed = (before.endsWith("\n") && chunkLength >= soft) || (before.endsWith(" ") && chunkLength >= long)
          || chunkLength >= longMax;
        assert.ok(closed, `a chunk closed early: ${where}`);
        const last = before.charCodeAt(before.length - 1);
        assert.ok(!(last >= 0xd800 && last <= 0xdbff), `a surrogate pair was cut: ${where}`);
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
      assert.ok(chunk >= longMax || chunkLength <= longMax + 1, `a chunk over LONG_MAX: ${where}`);
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

test("a line with no newline stays in one chunk up to LONG; a longer one is cut after spaces, anywhere at LONG_MAX", () => {
  // Chunks are blocks: a cut inside a line shows as a line break the text does not have. Only a
  // very long line is cut, else the browser lays out all of it per frame (a 1 MB reply: 100-350 ms).
  const w = mount({ status: "idle", text: "" });
  const words = Array.from({ length: 2500 }, (_, i) => `w${i}`).join(" "); // 13,389 characters
  assert.ok(words.length < LONG);
  w.model.custom({ type: "delta", seq: 1, status: "running", text: words.slice(0, 10000) });
  w.model.custom({ type: "delta", seq: 2, text: words.slice(10000) });
  assert.equal(w.$(".lgw-text").textContent, words);
  let chunks = w.$$(".lgw-text-chunk");
  assert.equal(chunks.length, 1, "one block for one line");
  const nodes = chunks[0].childNodes;
  assert.ok(nodes.length >= words.length / HARD, "in text nodes of at most HARD characters");
  for (const node of nodes) assert.ok(node.data.length <= HARD);
  const more = Array.from({ length: 20000 }, (_, i) => `x${i}`).join(" ");
  const solid = "z".repeat(2 * LONG_MAX + 10);
  w.model.custom({ type: "delta", seq: 3, text: ` ${more}` });
  w.model.custom({ type: "delta", seq: 4, text: ` ${solid} end\nnext line` });
  const text = `${words} ${more} ${solid} end\nnext line`;
  assert.equal(w.$(".lgw-text").textContent, text, "the text exact");
  chunks = w.$$(".lgw-text-chunk").map((c) => c.textContent);
  assert.ok(chunks.length >= (words.length + more.length) / LONG, `${chunks.length} chunks`);
  for (const chunk of chunks.slice(0, -1)) {
    const ok = chunk.endsWith("\n") || (chunk.endsWith(" ") && chunk.length >= LONG) || chunk.length === LONG_MAX;
    assert.ok(ok, `a chunk of ${chunk.length} ending ${JSON.stringify(chunk.slice(-3))}`);
  }
  assert.ok(chunks.some((c) => c === "z".repeat(LONG_MAX)), "a line without spaces is cut at LONG_MAX");
  w.cleanup();
});
