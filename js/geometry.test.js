import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { markShape } from "./fitmarks.js";
import {
  bidirectedPath,
  edgeEndpoints,
  edgePath,
  labelPoint,
  routeLabelPoint,
  routePath,
  textLines,
} from "./geometry.js";
import { bounds } from "./layout.js";

test("arrow ends exactly on the target circle's edge", () => {
  const [sx, sy, ex, ey] = edgeEndpoints(0, 0, 100, 0, 26, 26);
  assert.deepEqual([sx, sy, ex, ey], [26, 0, 74, 0]);
  const [, , x2, y2] = edgeEndpoints(0, 0, 30, 40, 10, 10); // 3-4-5 triangle
  assert.ok(Math.abs(Math.hypot(30 - x2, 40 - y2) - 10) < 1e-9);
});

test("edge between coincident nodes does not produce NaN", () => {
  const d = edgePath({ x: 5, y: 5 }, { x: 5, y: 5 }, 26);
  assert.ok(!d.includes("NaN"), d);
});

test("bidirected path is a curve that starts and ends on the circles", () => {
  const a = { x: 0, y: 0 };
  const b = { x: 200, y: 0 };
  const d = bidirectedPath(a, b, 20);
  assert.match(d, /^M[-\d.]+,[-\d.]+Q[-\d.]+,[-\d.]+ [-\d.]+,[-\d.]+$/);
  const [start, rest] = d.slice(1).split("Q");
  const [sx, sy] = start.split(",").map(Number);
  const end = rest.split(" ")[1].split(",").map(Number);
  assert.ok(Math.abs(Math.hypot(sx - a.x, sy - a.y) - 20) < 0.1);
  assert.ok(Math.abs(Math.hypot(end[0] - b.x, end[1] - b.y) - 20) < 0.1);
  assert.notEqual(sy, 0, "the curve bends away from the straight line");
});

test("edge label sits above the middle of the edge", () => {
  assert.deepEqual(labelPoint({ x: 0, y: 0 }, { x: 100, y: 0 }), [50, -8]);
});

test("multi-line names split into centred lines", () => {
  const lines = textLines("Signal\nProc", 10);
  assert.deepEqual(
    lines.map((l) => l.text),
    ["Signal", "Proc"],
  );
  assert.equal(lines[0].y, -lines[1].y);
  assert.deepEqual(textLines("Gear", 13), [{ text: "Gear", y: 0 }]);
});

// The static SVG (causal_magic/svg.py) computed these; tests/test_style.py checks it still does.
const CASES = JSON.parse(readFileSync(new URL("./geometry-cases.json", import.meta.url), "utf8"));
const near = (got, want) => got.every((v, i) => Math.abs(v - want[i]) < 1e-6);
const point = ([x, y]) => ({ x, y });

test("the live geometry is the static SVG's (geometry-cases.json)", () => {
  for (const c of CASES.edgeEndpoints) {
    assert.ok(near(edgeEndpoints(...c.args), c.out), JSON.stringify(c));
  }
  for (const c of CASES.bidirectedPath) {
    assert.equal(bidirectedPath(point(c.a), point(c.b), c.r), c.d);
  }
  for (const c of CASES.fitMarkShape) {
    const s = markShape(point(c.a), point(c.b), c.r);
    assert.equal(s.d, c.d);
    assert.ok(near([s.mx, s.my], [c.mx, c.my]), JSON.stringify(c));
  }
  for (const c of CASES.bounds) {
    assert.ok(near(bounds(c.nodes.map(point), c.r), c.out), JSON.stringify(c));
  }
});

test("routed edges and their labels are drawn as the static SVG draws them", () => {
  for (const c of CASES.routePath) {
    assert.equal(routePath(point(c.a), c.inner, point(c.b), c.r), c.d);
  }
  for (const c of CASES.routeLabelPoint) {
    assert.ok(near(routeLabelPoint(point(c.a), c.inner, point(c.b)), c.out), JSON.stringify(c));
  }
  for (const c of CASES.boundsNamed) {
    const nodes = c.nodes.map(([x, y, w]) => ({ x, y, w }));
    assert.ok(near(bounds(nodes, c.r), c.out), JSON.stringify(c));
  }
});

test("a node's name is drawn in the lines Python wrapped", () => {
  const lines = textLines(["Maternal smoking", "during pregnancy"], 10);
  assert.deepEqual(
    lines.map((l) => l.text),
    ["Maternal smoking", "during pregnancy"],
  );
});
