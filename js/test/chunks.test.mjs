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

test("splitForChunks: the parts are the text, and a new chunk closes after a newline or at a space", () => {
  const rand = random(7);
  for (let round = 0; round < 300; round += 1) {
    const soft = 4 + Math.floor(rand() * 20);
    const hard = soft + Math.floor(rand() * 40);
    const filled = Math.floor(rand() * hard);
    const text = randomText(rand, Math.floor(rand() * 200));
    const parts = splitForChunks(filled, text, soft, hard);
    const where = JSON.stringify({ round, soft, hard, filled, text });
    assert.equal(parts.join(""), text, where);
    assert.ok(filled + parts[0].length <= hard, where);
    for (const [i, part] of parts.entries()) {
      if (i > 0) assert.ok(part.length <= hard, where);
      if (i > 0 && i < parts.length - 1) assert.ok(part.length > 0, where);
      const closed = i < parts.length - 1;
      if (closed && part) {
        const last = part.charCodeAt(part.length - 1);
        assert.ok(!(last >= 0xd800 && last <= 0xdbff), `a surrogate pair was cut: ${where}`);
        const chunkLength = (i === 0 ? filled : 0) + part.length;
        const byNewline = part.endsWith("\n") && chunkLength >= soft;
        const full = chunkLength >= hard - 1 || part.endsWith(" ");
        assert.ok(byNewline || full, `closed early: ${where}`);
      }
    }
  }
});

test("splitForChunks: text that fits stays in the current chunk", () => {
  assert.deepEqual(splitForChunks(0, "short"), ["short"]);
  assert.deepEqual(splitForChunks(SOFT - 10, "ab\ncd"), ["ab\ncd"], "newline before the soft limit: no cut");
  assert.deepEqual(splitForChunks(SOFT, "ab\ncd"), ["ab\n", "cd"], "after it: cut just after the newline");
  assert.deepEqual(splitForChunks(SOFT, "ab\n"), ["ab\n", ""], "the next text starts a new chunk");
  assert.deepEqual(splitForChunks(HARD, "more"), ["", "more"], "a full chunk takes nothing more");
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

test("a line with no newline is cut at spaces, never losing a character", () => {
  const w = mount({ status: "idle", text: "" });
  const words = Array.from({ length: 5000 }, (_, i) => `w${i}`).join(" ");
  w.model.custom({ type: "delta", seq: 1, status: "running", text: words.slice(0, 10000) });
  w.model.custom({ type: "delta", seq: 2, text: words.slice(10000) });
  assert.equal(w.$(".lgw-text").textContent, words);
  const chunks = w.$$(".lgw-text-chunk");
  assert.ok(chunks.length >= words.length / HARD);
  for (const chunk of chunks.slice(0, -1)) assert.ok(chunk.textContent.endsWith(" "));
  w.cleanup();
});
