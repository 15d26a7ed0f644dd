import assert from "node:assert/strict";
import { test } from "node:test";
import { statusOf } from "./status.js";

test("live: edits on, undo/redo as the model says, no note", () => {
  const s = statusOf({ mode: "live", live: true, canUndo: true, canRedo: false });
  assert.deepEqual(
    [s.canEdit, s.canUndo, s.canRedo, s.note, s.dirty],
    [true, true, false, "", false],
  );
});

test("off modes disable everything and say why, a static view only after the delay", () => {
  const ro = statusOf({ mode: "readonly", live: true, canUndo: true, reason: "" });
  assert.equal(ro.canEdit || ro.canUndo, false);
  assert.match(ro.note, /Read-only/);
  assert.equal(statusOf({ mode: "static", live: false, staticExplained: false }).note, "");
  assert.match(statusOf({ mode: "static", live: false, staticExplained: true }).note, /No kernel/);
});

test("dirty shows the copy-back text", () => {
  const s = statusOf({ mode: "live", live: true, dirty: 1, dslText: "%%dag G\nA -> B" });
  assert.deepEqual([s.dirty, s.dslText], [true, "%%dag G\nA -> B"]);
  assert.equal(statusOf({ mode: "live", live: true }).dslText, "");
});
