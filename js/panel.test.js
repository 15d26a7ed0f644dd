import assert from "node:assert/strict";
import { test } from "node:test";
import { exploreClick, highlightOf, panelHead, panelSections } from "./panel.js";

const overlay = {
  treatment: ["X"],
  outcome: ["Y"],
  minimal: ["A"],
  panel: {
    adjustment: { items: [["A"], ["B"]], total: 12, more: false, in_use: 0, forced: ["P"] },
    instruments: [{ z: "Z", given: ["W"] }],
    implications: {
      items: [{ a: "A", b: "Y", given: ["B", "X"], text: "A ⊥⊥ Y | B, X" }],
      total: 3,
    },
    beyond: null,
    ancestry: {},
  },
};

test("the panel lists every set with the one in use marked, forced nodes apart", () => {
  const [sets] = panelSections(overlay, {});
  assert.equal(sets.title, "Minimal adjustment sets (12)");
  const texts = sets.items.map((i) => i.text);
  assert.deepEqual(texts, [
    "Forced (adjusted for by hand): {P}",
    "{A} + forced {P}  (in use)",
    "{B} + forced {P}",
    "and 10 more",
  ]);
  assert.deepEqual(sets.items[2].nodes, ["B", "P"]); // clicking rings the set and the forced
});

test("instruments and implications carry their pair and their conditioning set", () => {
  const secs = panelSections(overlay, {});
  const iv = secs.find((s) => s.key === "instruments").items[0];
  assert.equal(iv.text, "Z given {W}");
  assert.deepEqual(iv.pair, ["Z"]);
  const imp = secs.find((s) => s.key === "implications");
  assert.equal(imp.title, "Testable implications (3)");
  assert.deepEqual(imp.items[0].pair, ["A", "Y"]);
  assert.deepEqual(imp.items[0].nodes, ["B", "X"]);
  assert.equal(imp.items.at(-1).text, "and 2 more");
});

test("without adjustment the panel shows what identification says", () => {
  const beyond = {
    method: "frontdoor",
    reason: "front-door set {M}",
    formula: "Σ_M ...",
    frontdoor: ["M"],
    path: "",
  };
  const secs = panelSections(
    { ...overlay, minimal: null, panel: { ...overlay.panel, beyond } },
    {},
  );
  assert.equal(secs[0].items.at(-1).text, "No adjustment set exists.");
  const id = secs.find((s) => s.key === "beyond");
  assert.deepEqual(
    id.items.map((i) => i.kind),
    ["reason", "frontdoor", "formula"],
  );
});

test("no treatment or outcome: no lists; the headline says the effect", () => {
  assert.deepEqual(panelSections({}, {}), []);
  assert.equal(panelHead(overlay), "Effect of X on Y");
  assert.match(panelHead({ ...overlay, error: "cycle" }), /unavailable: cycle/);
});

const explore = {
  a: "X",
  b: "Y",
  given: ["T"],
  separated: false,
  verdict: "X and Y are d-connected given {T}: 1 open path.",
  truncated: false,
  paths: [
    { text: "X -> Y", nodes: ["X", "Y"], edges: [["X", "Y"]], open: true, reason: "open: ..." },
    {
      text: "X <- T -> Y",
      nodes: ["X", "T", "Y"],
      edges: [
        ["T", "X"],
        ["T", "Y"],
      ],
      open: false,
      reason: "blocked: ...",
    },
  ],
};

test("the explorer section comes first: the verdict, then each path in its colour", () => {
  const [ex] = panelSections(overlay, explore);
  assert.equal(ex.key, "explore");
  assert.equal(ex.items[0].text, explore.verdict);
  assert.deepEqual(
    ex.items.slice(1).map((i) => [i.open, i.color]),
    [
      [true, 0],
      [false, 1],
    ],
  );
});

test("open paths are highlighted; a hovered path takes its own colour", () => {
  const hl = highlightOf(null, explore, null);
  assert.deepEqual([...hl.edges], [["X\u0000Y", "cm-open-path"]]);
  const [ex] = panelSections(overlay, explore);
  const hovered = highlightOf({ nodes: ["B"], pair: ["A", "Y"] }, explore, ex.items[2]);
  assert.equal(hovered.edges.get("T\u0000X"), "cm-path-1");
  assert.deepEqual([...hovered.ring], ["B"]);
  assert.deepEqual([...hovered.pair], ["A", "Y"]);
});

test("explore clicks pick a pair, then toggle the given set; an end clicked again is dropped", () => {
  const ex = { a: null, b: null, given: [] };
  assert.deepEqual(exploreClick(ex, "X"), { type: "explore", a: null });
  assert.deepEqual(exploreClick(ex, "Y"), { type: "explore", a: "X", b: "Y", given: [] });
  assert.deepEqual(exploreClick(ex, "T").given, ["T"]);
  assert.deepEqual(exploreClick(ex, "U").given, ["T", "U"]);
  assert.deepEqual(exploreClick(ex, "T").given, ["U"]);
  assert.deepEqual(exploreClick(ex, "X"), { type: "explore", a: null });
  assert.deepEqual([ex.a, ex.b], ["Y", null]);
});

test("a path identification cannot block is not taken for an explorer path", () => {
  const beyond = { method: "none", reason: "r", formula: "", frontdoor: [], path: "X <-> Y" };
  const p = { ...overlay.panel, beyond };
  const id = panelSections({ ...overlay, minimal: null, panel: p }, {}).find(
    (s) => s.key === "beyond",
  );
  assert.deepEqual(
    id.items.map((i) => i.kind),
    ["reason", "unblockable"],
  );
});

test("a graph too large for live implications says where to get them", () => {
  const p = { ...overlay.panel, implications: { items: [], total: null, skipped: 500 } };
  const imp = panelSections({ ...overlay, panel: p }, {}).find((s) => s.key === "implications");
  assert.match(imp.items[0].text, /Not listed live for 500 nodes: cm.implied_independencies/);
});

test("the panel tells 'no set exists' apart from 'the empty set is valid'", () => {
  const adjustment = { items: [[]], total: 1, more: false, in_use: 0, forced: [] };
  const panel = { ...overlay.panel, adjustment };
  const texts = (minimal) =>
    panelSections({ ...overlay, minimal, panel }, {})[0]
      .items.map((i) => i.text)
      .join("\n");
  assert.match(texts([]), /\{\} \(no adjustment needed\)/);
  assert.doesNotMatch(texts([]), /No adjustment set exists/);
  assert.match(texts(null), /No adjustment set exists/);
});

test("a graph too large for live instruments says how to get them", () => {
  const panel = { ...overlay.panel, instruments: [], instruments_skipped: 5000 };
  const secs = panelSections({ ...overlay, panel }, {});
  const iv = secs.find((s) => s.key === "instruments");
  assert.match(iv.items[0].text, /Not listed live for 5000 nodes/);
});

test("a graph too large for a live analysis offers it on request, and lists nothing else", () => {
  const deferred = { treatment: ["X"], outcome: ["Y"], minimal: [], deferred: 20000 };
  const secs = panelSections(deferred, {});
  assert.deepEqual(
    secs.map((s) => s.key),
    ["deferred"],
  );
  assert.equal(secs[0].items[0].kind, "compute");
  assert.match(secs[0].items[0].text, /Not computed live for 20,000 edges: click here/);
  assert.match(secs[0].items[0].text, /w\.compute_overlay\(\)/);
  assert.doesNotMatch(secs[0].items[0].text, /No adjustment set exists/);
});
