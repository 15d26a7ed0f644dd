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

test("the live curve is the static SVG's curve (causal_magic/svg.py fit_mark_shape)", () => {
  // Expected values printed by causal_magic.svg.fit_mark_shape for the same arguments.
  const cases = [
    [[0, 0, 0, 200, 26], "M20.6,15.9Q130.0,100.0 20.6,184.1", 75.304, 100.0],
    [[10, 20, 150, 90, 26], "M32.0,6.1Q138.1,-61.3 148.0,64.1", 114.05, -13.099],
    [[300, 40, -20, 260, 20], "M294.2,59.1Q228.0,278.0 -0.1,261.4", 187.539, 219.148],
  ];
  for (const [[x1, y1, x2, y2, r], d, mx, my] of cases) {
    const s = markShape({ x: x1, y: y1 }, { x: x2, y: y2 }, r);
    assert.equal(s.d, d);
    assert.ok(Math.abs(s.mx - mx) < 0.01 && Math.abs(s.my - my) < 0.01, `${s.mx},${s.my}`);
  }
});
