import assert from "node:assert/strict";
import { test } from "node:test";
import { zoomFilter } from "./framing.js";
import { isNotebookKey } from "./keyboard.js";

test("Shift/Ctrl/Cmd/Alt+Enter belong to the notebook; the widget's keys do not", () => {
  for (const mod of ["shiftKey", "ctrlKey", "metaKey", "altKey"]) {
    assert.equal(isNotebookKey({ key: "Enter", [mod]: true }), true, mod);
  }
  for (const key of ["Enter", "e", "Delete", "Escape"]) {
    assert.equal(isNotebookKey({ key }), false, key);
  }
});

test("the wheel zooms only with Ctrl/Cmd (or a pinch) or after a click into the widget", () => {
  assert.equal(zoomFilter({ type: "wheel" }), false);
  assert.equal(zoomFilter({ type: "wheel", ctrlKey: true }), true);
  assert.equal(zoomFilter({ type: "wheel", metaKey: true }), true);
  assert.equal(zoomFilter({ type: "wheel" }, true), true);
  const bg = { type: "mousedown", button: 0, target: { closest: () => null } };
  assert.equal(zoomFilter(bg), true, "dragging the background still pans");
});
