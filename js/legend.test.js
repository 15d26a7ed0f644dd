import assert from "node:assert/strict";
import { test } from "node:test";
import { legendItems, legendRows } from "./legend.js";

test("the legend lists only what is on the drawing, in a fixed order", () => {
  const nodes = [
    { id: "X", role: "treatment" },
    { id: "Y", role: "outcome" },
    { id: "M", role: "mediator" },
    { id: "Z" },
  ];
  const keys = legendItems({ nodes, edges: [{ source: "X", target: "M" }] }).map((i) => i.key);
  assert.deepEqual(keys, ["role-none", "role-treatment", "role-outcome", "role-mediator", "edge"]);
  assert.deepEqual(legendItems({}), []);
});

test("overlay, <-> and fit marks each get their own legend entry", () => {
  const items = legendItems({
    nodes: [{ id: "X", role: "selected" }],
    edges: [],
    bidirected: [{ id: "U", a: "X", b: "Y" }],
    overlay: { causal: [["X", "Y"]], biasing: [["U", "X"]], minimal: ["Z"] },
    fitMarks: [{ a: "X", b: "Y" }],
  });
  const keys = items.map((i) => i.key);
  assert.deepEqual(keys, ["role-selected", "causal", "biasing", "bidirected", "ring", "fit"]);
  const bi = items.find((i) => i.key === "bidirected");
  assert.equal(bi.cls, "cm-bidirected");
  assert.match(bi.text, /<->/);
});

test("the ancestor view and the explorer put their own entries in the legend", () => {
  const items = legendItems({
    nodes: [{ id: "A" }],
    ancestry: { A: "both", B: "irrelevant" },
    explore: { paths: [{ open: true }], given: ["B"] },
  });
  const keys = items.map((i) => i.key);
  assert.deepEqual(keys, ["role-none", "anc-both", "anc-irrelevant", "open-path", "given"]);
  assert.deepEqual(
    legendItems({ nodes: [{ id: "A" }], ancestry: null }).map((i) => i.key),
    ["role-none"],
  );
});

test("an exported legend wraps its items into rows no wider than the drawing", () => {
  const items = ["treatment", "outcome", "open biasing path (dashed)"].map((text) => ({ text }));
  const rows = legendRows(items, 200);
  assert.deepEqual(
    rows.map((r) => r.y),
    [0, 0, 18],
  );
  assert.equal(rows.height, 36);
  assert.equal(legendRows([], 200).height, 0);
});
