import assert from "node:assert/strict";
import { test } from "node:test";
import { edgeClassifier, panelLines, setMembers } from "./overlay.js";

const overlay = {
  treatment: ["Gear"],
  outcome: ["Sound"],
  causal: [["Gear", "Sound"]],
  biasing: [
    ["Talent", "Gear"],
    ["Talent", "Sound"],
    ["U<->V", "U"],
  ],
  minimal: ["Talent"],
  sets: [["Talent"]],
  error: "",
};

test("edges are classed causal or biasing from the overlay", () => {
  const c = edgeClassifier(overlay);
  assert.equal(c.edge("Gear", "Sound"), "cm-causal");
  assert.equal(c.edge("Talent", "Gear"), "cm-biasing");
  assert.equal(c.edge("Sound", "Gear"), "");
  assert.equal(c.bidirected("U<->V"), "cm-biasing");
  assert.equal(c.bidirected("A<->B"), "");
  assert.equal(edgeClassifier({}).edge("Gear", "Sound"), "");
});

test("panel tells 'no set exists' apart from 'the empty set is valid'", () => {
  const none = panelLines({ ...overlay, minimal: null, sets: [] }).join("\n");
  assert.match(none, /No adjustment set exists/);
  const empty = panelLines({ ...overlay, minimal: [], sets: [[]] }).join("\n");
  assert.match(empty, /empty set is a valid adjustment set/);
  assert.doesNotMatch(empty, /No adjustment set exists/);
  assert.match(panelLines(overlay).join("\n"), /Minimal adjustment set: \{Talent\}/);
});

test("panel is empty without a treatment/outcome pair and reports engine errors", () => {
  assert.deepEqual(panelLines({}), []);
  assert.match(panelLines({ ...overlay, error: "cycle" }).join("\n"), /unavailable: cycle/);
});

test("set members are the minimal set's nodes", () => {
  assert.deepEqual([...setMembers(overlay)], ["Talent"]);
  assert.equal(setMembers({ minimal: null }).size, 0);
});
