import assert from "node:assert/strict";
import { test } from "node:test";
import { groupMarks, markShape, markShapes } from "./fitmarks.js";

test("marks are grouped per unordered pair and malformed ones are skipped", () => {
  const g = groupMarks([
    { a: "A", b: "C", given: ["B"], text: "first" },
    { a: "C", b: "A", given: [], text: "second" },
    { a: "A", b: "A", text: "self" },
    { a: "A", b: 3, text: "not a name" },
    null,
  ]);
  assert.equal(g.length, 1);
  assert.deepEqual([g[0].a, g[0].b, g[0].text], ["A", "C", "first\nsecond"]);
  assert.deepEqual(groupMarks(undefined), []);
});

test("the curve ends on both circles and its glyph clears a node between the pair", () => {
  const a = { x: 0, y: 0 };
  const c = { x: 0, y: 200 }; // B would sit at (0, 100), radius 26
  const s = markShape(a, c, 26);
  const [start, end] = s.d
    .slice(1)
    .split("Q")
    .map((part) => part.trim().split(" ").at(-1).split(",").map(Number));
  assert.ok(Math.abs(Math.hypot(start[0] - a.x, start[1] - a.y) - 26) < 0.2);
  assert.ok(Math.abs(Math.hypot(end[0] - c.x, end[1] - c.y) - 26) < 0.2);
  assert.ok(Math.hypot(s.mx - 0, s.my - 100) > 26 + 9, "glyph outside the middle node");
  assert.ok(Math.abs(s.my - 100) < 1e-9, "glyph level with the middle of the pair");
});

test("only marks whose two nodes are drawn get a shape", () => {
  const pos = new Map([
    ["A", { x: 0, y: 0 }],
    ["C", { x: 100, y: 0 }],
  ]);
  const shapes = markShapes(
    [
      { a: "A", b: "C", text: "t" },
      { a: "A", b: "Gone", text: "u" },
    ],
    pos,
    26,
  );
  assert.equal(shapes.length, 1);
  assert.equal(shapes[0].text, "t");
  assert.match(shapes[0].d, /^M[-\d.]+,[-\d.]+Q/);
});
