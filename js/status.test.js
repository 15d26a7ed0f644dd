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

test("an unanswered view says 'connecting' until it gives up, then 'No kernel'", () => {
  const base = { mode: "static", live: false, staticExplained: true };
  assert.match(statusOf({ ...base, connecting: true }).note, /Connecting/);
  assert.doesNotMatch(statusOf({ ...base, connecting: true }).note, /No kernel/);
  assert.match(statusOf({ ...base, connecting: false }).note, /No kernel/);
  assert.equal(statusOf({ mode: "live", live: true, connecting: true }).connecting, false);
});

test("a drag alone does not open the copy-back text; a structural edit does", () => {
  const moved = statusOf({ mode: "live", live: true, dirty: true, structural: false });
  assert.deepEqual([moved.dirty, moved.structural], [true, false]);
  const changed = statusOf({ mode: "live", live: true, dirty: true, structural: true });
  assert.equal(changed.structural, true);
});

test("replaced edits show until dismissed", () => {
  const s = { mode: "live", live: true, lostText: "%%dag G\nA -> B" };
  assert.equal(statusOf(s).lostText, "%%dag G\nA -> B");
  assert.equal(statusOf({ ...s, lostDismissed: "%%dag G\nA -> B" }).lostText, "");
});
