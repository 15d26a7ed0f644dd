import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ROLE_KEYS,
  canEdit,
  deleteMessage,
  keepSelection,
  keyAction,
  modeNote,
} from "./editing.js";

const node = { kind: "node", id: "Gear" };

test("role keys send set_role for the selected node", () => {
  const expected = {
    e: "treatment",
    o: "outcome",
    a: "adjusted",
    u: "latent",
    c: "confounder",
    m: "mediator",
    s: "selected",
    n: null,
  };
  assert.deepEqual({ ...ROLE_KEYS }, expected);
  for (const [key, role] of Object.entries(expected)) {
    assert.deepEqual(keyAction({ key }, node), {
      send: { type: "edit", op: "set_role", id: "Gear", role },
    });
  }
  assert.deepEqual(keyAction({ key: "E" }, node).send.role, "treatment", "caps lock still works");
});

test("role keys do nothing without a selected node, or with modifiers", () => {
  assert.equal(keyAction({ key: "e" }, null), null);
  assert.equal(keyAction({ key: "e" }, { kind: "edge", source: "A", target: "B" }), null);
  assert.equal(keyAction({ key: "e", altKey: true }, node), null);
  assert.equal(keyAction({ key: "c", ctrlKey: true }, node), null, "Ctrl+C stays copy");
});

test("undo and redo shortcuts", () => {
  assert.equal(keyAction({ key: "z", ctrlKey: true }, null).send.op, "undo");
  assert.equal(keyAction({ key: "z", metaKey: true }, null).send.op, "undo");
  assert.equal(keyAction({ key: "Z", ctrlKey: true, shiftKey: true }, null).send.op, "redo");
  assert.equal(keyAction({ key: "z", metaKey: true, shiftKey: true }, null).send.op, "redo");
  assert.equal(keyAction({ key: "y", ctrlKey: true }, null).send.op, "redo");
});

test("Delete and Backspace delete the selected node, edge or <-> edge", () => {
  assert.deepEqual(keyAction({ key: "Delete" }, node).send, {
    type: "edit",
    op: "delete_node",
    id: "Gear",
  });
  const edge = { kind: "edge", source: "A", target: "B" };
  assert.deepEqual(keyAction({ key: "Backspace" }, edge).send, {
    type: "edit",
    op: "delete_edge",
    source: "A",
    target: "B",
  });
  const bi = { kind: "bidirected", a: "A", b: "B" };
  assert.deepEqual(deleteMessage(bi), { type: "edit", op: "delete_bidirected", a: "A", b: "B" });
  assert.equal(keyAction({ key: "Delete" }, null), null);
});

test("F2 renames only a selected node; Escape is local", () => {
  assert.deepEqual(keyAction({ key: "F2" }, node), { local: "rename" });
  assert.equal(keyAction({ key: "F2" }, null), null);
  assert.deepEqual(keyAction({ key: "Escape" }, node), { local: "escape" });
});

test("only live mode edits, and every other mode says why", () => {
  assert.equal(canEdit("live"), true);
  for (const m of ["readonly", "detached", "static"]) {
    assert.equal(canEdit(m), false);
    assert.ok(modeNote(m).length > 10, m);
  }
  assert.equal(modeNote("live"), "");
  assert.equal(modeNote("detached", "G is gone"), "G is gone");
  assert.match(modeNote("static"), /kernel/);
});

test("selection survives a redraw only if its item still exists", () => {
  const nodes = [{ id: "Gear" }];
  assert.equal(keepSelection(node, nodes, [], []), node);
  assert.equal(keepSelection({ kind: "node", id: "X" }, nodes, [], []), null);
  const e = { kind: "edge", source: "A", target: "B" };
  assert.equal(keepSelection(e, nodes, [{ source: "A", target: "B" }], []), e);
  assert.equal(keepSelection(e, nodes, [{ source: "B", target: "A" }], []), null);
});
