import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { bentPath, carryBend, clipped, controlFromHandle, handleOf } from "./bends.js";
import { bendPoints, handlePoint, liveBend } from "./drawing-edges.js";
import { bendEnds, straightenMessage } from "./gestures.js";

// Python (causal_magic/layout/bends.py, svg.py) computed these; tests/test_bends.py checks it still does.
const CASES = JSON.parse(readFileSync(new URL("./bend-cases.json", import.meta.url), "utf8"));
const near = (got, want, tol = 1e-6) => got.every((v, i) => Math.abs(v - want[i]) < tol);
const point = ([x, y]) => ({ x, y });

/** The quadratic of an SVG "M s Q q e" path at t. */
function onPath(d, t) {
  const nums = d.match(/-?[\d.]+/g).map(Number);
  const [sx, sy, qx, qy, ex, ey] = nums;
  const u = 1 - t;
  return [u * u * sx + 2 * u * t * qx + t * t * ex, u * u * sy + 2 * u * t * qy + t * t * ey];
}

test("the live bend geometry is the static SVG's (bend-cases.json)", () => {
  for (const c of CASES.bentPath) {
    assert.equal(bentPath(point(c.a), c.c, point(c.b), c.r), c.d, JSON.stringify(c));
  }
  for (const c of CASES.handle) {
    assert.ok(near(handleOf(point(c.a), c.c, point(c.b)), c.out), JSON.stringify(c));
  }
  for (const c of CASES.controlFromHandle) {
    assert.ok(near(controlFromHandle(point(c.a), c.h, point(c.b)), c.out), JSON.stringify(c));
  }
  for (const c of CASES.carry) {
    const got = carryBend(c.c, point(c.a), point(c.b), point(c.a2), point(c.b2));
    assert.ok(near(got, c.out), JSON.stringify(c));
  }
});

test("a bent edge's curve passes through the point its handle was dropped at", () => {
  const a = { x: 0, y: 0 };
  const b = { x: 240, y: 60 };
  for (const h of [
    [120, 150],
    [30, -90],
    [200, 20],
  ]) {
    const c = controlFromHandle(a, h, b);
    assert.ok(near(handleOf(a, c, b), h, 1e-9));
    const d = bentPath(a, c, b, 26);
    // the drawn piece is part of the full curve: some t on it lands on the handle
    let best = Infinity;
    for (let i = 0; i <= 2000; i++) {
      const [x, y] = onPath(d, i / 2000);
      best = Math.min(best, Math.hypot(x - h[0], y - h[1]));
    }
    assert.ok(best < 0.2, `closest ${best} px from ${h}`);
  }
});

test("a bent edge starts and ends on the node circles", () => {
  const a = { x: 10, y: 20 };
  const b = { x: 150, y: 90 };
  const [s, , e] = clipped(a, [200, -40], b, 26);
  assert.ok(Math.abs(Math.hypot(s[0] - a.x, s[1] - a.y) - 26) < 1e-6);
  assert.ok(Math.abs(Math.hypot(e[0] - b.x, e[1] - b.y) - 26) < 1e-6);
});

test("a bend follows a dragged end and keeps its shape", () => {
  const d = { source: "A", target: "B", bend: [50, 50] };
  const item = { kind: "edge", d, at: [0, 0, 100, 0] };
  assert.deepEqual(liveBend(item, { x: 0, y: 0 }, { x: 100, y: 0 }), [50, 50]);
  const turned = liveBend(item, { x: 0, y: 0 }, { x: 0, y: 100 }); // B swung a quarter turn
  assert.ok(near(turned, [-50, 50]));
  const moved = liveBend(item, { x: 10, y: 5 }, { x: 110, y: 5 }); // both shifted
  assert.ok(near(moved, [60, 55]));
  assert.equal(
    liveBend({ ...item, d: { ...d, bend: undefined } }, point([0, 0]), point([1, 1])),
    null,
  );
});

test("the handle sits on the middle of the edge: bent, routed or straight", () => {
  const a = { x: 0, y: 0 };
  const b = { x: 100, y: 0 };
  assert.deepEqual(handlePoint(a, [50, 100], null, b), [50, 50]);
  assert.deepEqual(handlePoint(a, null, null, b), [50, 0]);
  assert.deepEqual(handlePoint(a, null, [[50, 80]], b), [50, 80]);
});

test("the view frames the middles of bent edges", () => {
  const pos = new Map([
    ["A", { x: 0, y: 0 }],
    ["B", { x: 100, y: 0 }],
  ]);
  const edges = [
    { source: "A", target: "B", bend: [50, 400] },
    { source: "B", target: "A" },
  ];
  assert.deepEqual(bendPoints(edges, pos), [{ x: 50, y: 200 }]);
  const bi = [{ id: "A<->B", a: "A", b: "B", bend: [50, -400] }];
  assert.deepEqual(bendPoints(edges, pos, bi), [
    { x: 50, y: 200 },
    { x: 50, y: -200 },
  ]);
});

/** A stand-in for an event target: closest() over a chain of fake elements. */
function fakeEl(classes, attrs = {}, parent = null) {
  return {
    classes,
    parent,
    getAttribute: (k) => attrs[k] ?? null,
    closest(sel) {
      const want = sel.split(",").map((s) => s.trim().replace(/^\./, ""));
      for (let el = this; el; el = el.parent)
        if (want.some((w) => el.classes.includes(w))) return el;
      return null;
    },
  };
}

test("a double click straightens only a bent edge's handle", () => {
  const bentG = fakeEl(["cm-edge-group", "cm-bent"]);
  const handle = fakeEl(["cm-bend-handle"], { "data-source": "A", "data-target": "B" }, bentG);
  assert.deepEqual(straightenMessage(handle), {
    type: "edit",
    op: "straighten",
    source: "A",
    target: "B",
  });
  const straightG = fakeEl(["cm-edge-group"]);
  assert.equal(straightenMessage(fakeEl(["cm-bend-handle"], {}, straightG)), null);
  assert.equal(straightenMessage(fakeEl(["cm-edge"], {}, bentG)), null);
  assert.equal(straightenMessage(null), null);
});

test("a <-> is bent and straightened by its two ends, a directed edge by source and target", () => {
  const biG = fakeEl(["cm-edge-group", "cm-bi", "cm-bent"]);
  const handle = fakeEl(["cm-bend-handle"], { "data-a": "A", "data-b": "C" }, biG);
  assert.deepEqual(straightenMessage(handle), { type: "edit", op: "straighten", a: "A", b: "C" });
  assert.deepEqual(bendEnds({ id: "h", a: "A", b: "C" }), { a: "A", b: "C" });
  assert.deepEqual(bendEnds({ source: "A", target: "B", label: "" }), {
    source: "A",
    target: "B",
  });
});
