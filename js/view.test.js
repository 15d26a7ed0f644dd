import assert from "node:assert/strict";
import { test } from "node:test";
import { createView, edgeSelection, nodeClick, roundCoord, viewMode } from "./view.js";

test("a view is static until the kernel answers", () => {
  const view = createView();
  assert.equal(viewMode(view, "live"), "static");
  view.live = true;
  assert.equal(viewMode(view, "readonly"), "readonly");
});

test("a click selects a node; in connect mode two clicks send the edge", () => {
  const view = createView();
  assert.deepEqual(nodeClick(view, "A"), { select: { kind: "node", id: "A" } });
  view.connectMode = true;
  const first = nodeClick(view, "A");
  assert.deepEqual(first.select, { kind: "node", id: "A" });
  assert.match(first.say, /effect of A/);
  assert.deepEqual(nodeClick(view, "B"), {
    send: { type: "edit", op: "add_edge", source: "A", target: "B" },
    say: "",
  });
  assert.equal(view.connectFrom, null);
  nodeClick(view, "A");
  assert.deepEqual(nodeClick(view, "A"), { say: "" }, "clicking the cause again cancels");
});

test("an edge click selects by the path's data attributes", () => {
  const path = (bi, attrs) => ({
    classList: { contains: (c) => bi && c === "cm-bidirected" },
    getAttribute: (k) => attrs[k],
  });
  assert.deepEqual(edgeSelection(path(false, { "data-source": "A", "data-target": "B" })), {
    kind: "edge",
    source: "A",
    target: "B",
  });
  assert.deepEqual(edgeSelection(path(true, { "data-a": "A", "data-b": "B" })), {
    kind: "bidirected",
    a: "A",
    b: "B",
  });
});

test("coordinates go to Python with one decimal", () => {
  assert.equal(roundCoord(12.3456), 12.3);
  assert.equal(roundCoord(-0.04), -0);
});
