import assert from "node:assert/strict";
import { test } from "node:test";
import { bounds, fitTransform, nodeAt } from "./layout.js";

test("bounds include the circles and room for names", () => {
  const b = bounds(
    [
      { x: 0, y: 0 },
      { x: 100, y: 50 },
    ],
    10,
  );
  assert.deepEqual(b, [-40, -18, 140, 68]);
  assert.deepEqual(bounds([], 10), [0, 0, 200, 100]);
});

test("fit puts the whole box inside the view, centred, below the title band", () => {
  const box = [0, 0, 1000, 500];
  const t = fitTransform(box, 500, 300, { top: 34, margin: 10 });
  const x0 = box[0] * t.k + t.x;
  const x1 = box[2] * t.k + t.x;
  const y0 = box[1] * t.k + t.y;
  const y1 = box[3] * t.k + t.y;
  assert.ok(x0 >= 10 - 1e-9 && x1 <= 490 + 1e-9);
  assert.ok(y0 >= 44 - 1e-9 && y1 <= 290 + 1e-9);
  assert.ok(Math.abs(x0 + x1 - 500) < 1e-6, "centred horizontally");
});

test("fit never enlarges a tiny graph past maxScale", () => {
  const t = fitTransform([0, 0, 10, 10], 800, 600, { maxScale: 1.5 });
  assert.equal(t.k, 1.5);
});

test("500 nodes spread over 5000 px fit a 600 px cell", () => {
  const nodes = Array.from({ length: 500 }, (_, i) => ({
    x: (i % 25) * 200,
    y: Math.floor(i / 25) * 100,
  }));
  const t = fitTransform(bounds(nodes, 26), 900, 600);
  assert.ok(t.k < 0.2 && t.k > 0);
});

test("nodeAt finds the node under the pointer, or none", () => {
  const nodes = [
    { id: "A", x: 0, y: 0 },
    { id: "B", x: 100, y: 0 },
  ];
  assert.equal(nodeAt(nodes, 95, 5, 26).id, "B");
  assert.equal(nodeAt(nodes, 50, 50, 26), null);
});
