// What a key press or gesture means, as a pure function of the event and the selection.
// The result is either an edit message for Python (see docs/state-model.md, section 4)
// or a local command ("rename", "escape"). Python validates and applies every edit.

/** DAGitty-like role shortcuts; `n` clears the role. */
export const ROLE_KEYS = Object.freeze({
  e: "treatment",
  o: "outcome",
  a: "adjusted",
  u: "latent",
  c: "confounder",
  m: "mediator",
  s: "selected",
  n: null,
});

export function edit(op, payload = {}) {
  return { type: "edit", op, ...payload };
}

/** The message that deletes the selected item, or null. */
export function deleteMessage(selection) {
  if (!selection) return null;
  if (selection.kind === "node") return edit("delete_node", { id: selection.id });
  if (selection.kind === "edge") {
    return edit("delete_edge", { source: selection.source, target: selection.target });
  }
  if (selection.kind === "bidirected") {
    return edit("delete_bidirected", { a: selection.a, b: selection.b });
  }
  return null;
}

/**
 * Map a keydown to an action.
 * @param {{key: string, ctrlKey?: boolean, metaKey?: boolean, shiftKey?: boolean, altKey?: boolean}} ev
 * @param {null | {kind: string, id?: string}} selection
 * @returns {null | {send: object} | {local: string}}
 */
export function keyAction(ev, selection) {
  const mod = Boolean(ev.ctrlKey || ev.metaKey);
  const key = ev.key;
  const lower = typeof key === "string" && key.length === 1 ? key.toLowerCase() : key;
  if (mod && !ev.altKey) {
    if (lower === "z") return { send: edit(ev.shiftKey ? "redo" : "undo") };
    if (lower === "y" && ev.ctrlKey) return { send: edit("redo") };
    return null;
  }
  if (key === "Escape") return { local: "escape" };
  if (key === "Delete" || key === "Backspace") {
    const msg = deleteMessage(selection);
    return msg ? { send: msg } : null;
  }
  if (key === "F2") return selection?.kind === "node" ? { local: "rename" } : null;
  if (ev.altKey || ev.shiftKey) return null;
  if (selection?.kind === "node" && Object.hasOwn(ROLE_KEYS, lower)) {
    return { send: edit("set_role", { id: selection.id, role: ROLE_KEYS[lower] }) };
  }
  return null;
}

/** Does the mode allow edits? Only "live" does. */
export function canEdit(mode) {
  return mode === "live";
}

/** Why edits are off, in words, for `.cm-mode-note` ("" in live mode). */
export function modeNote(mode, reason = "") {
  if (mode === "live") return "";
  if (mode === "static") {
    return "No kernel: this is the saved drawing; run the cell to edit the graph.";
  }
  if (reason) return reason;
  if (mode === "readonly") return "Read-only view: edits are turned off.";
  if (mode === "detached") return "This view is detached from its graph; edits are refused.";
  return "";
}

/** The selection after the graph changed: kept if its item still exists. */
export function keepSelection(selection, nodes, edges, bidirected) {
  if (!selection) return null;
  if (selection.kind === "node") return nodes.some((n) => n.id === selection.id) ? selection : null;
  if (selection.kind === "edge") {
    return edges.some((e) => e.source === selection.source && e.target === selection.target)
      ? selection
      : null;
  }
  if (selection.kind === "bidirected") {
    return bidirected.some((e) => e.a === selection.a && e.b === selection.b) ? selection : null;
  }
  return null;
}
