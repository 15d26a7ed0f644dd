import assert from "node:assert/strict";
import { test } from "node:test";
import { edgeClassifier, setMembers } from "./overlay.js";

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

test("set members are the minimal set's nodes", () => {
  assert.deepEqual([...setMembers(overlay)], ["Talent"]);
  assert.equal(setMembers({ minimal: null }).size, 0);
});
