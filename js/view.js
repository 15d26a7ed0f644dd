// The view's own state -- what this one view of the graph is doing, never sent to Python:
// whether the kernel answered, the selection, connect mode, and whether the view still
// frames the graph by itself. The pure rules that read and change it live here too.

import { edit } from "./editing.js";

/** A fresh view: static until the kernel answers, nothing selected, framing by itself. */
export function createView() {
  return {
    live: false, // the kernel answered the handshake
    staticExplained: false, // a view without a kernel says so after a short delay
    selection: null, // null | {kind: "node", id} | {kind: "edge", ...} | {kind: "bidirected", ...}
    connectMode: false,
    connectFrom: null, // the cause picked in connect mode
    autoFit: true, // false once the user zoomed, panned or dragged by hand
    engaged: false, // clicked into (the wheel zooms) until the pointer leaves the widget
    connecting: true, // no answer from the kernel yet, and not given up waiting
  };
}

/** The mode this view is in: the model's, once the kernel answered; "static" before. */
export function viewMode(view, modelMode) {
  return view.live ? modelMode : "static";
}

/**
 * What clicking node `id` does. Outside connect mode it selects the node; in connect
 * mode the first click picks the cause and the second sends the edge.
 * @returns {{select?: object, say?: string, send?: object}}
 */
export function nodeClick(view, id) {
  if (!view.connectMode) return { select: { kind: "node", id } };
  if (view.connectFrom === null) {
    view.connectFrom = id;
    return { select: { kind: "node", id }, say: `Connect: now click the effect of ${id}.` };
  }
  const from = view.connectFrom;
  view.connectFrom = null;
  // The hint has done its job: clear it (a refusal, e.g. a cycle, comes back as a message).
  if (from !== id) return { send: edit("add_edge", { source: from, target: id }), say: "" };
  return { say: "" };
}

/** The selection for a click on an edge, from its drawn path's data attributes. */
export function edgeSelection(path) {
  if (path.classList.contains("cm-bidirected")) {
    return { kind: "bidirected", a: path.getAttribute("data-a"), b: path.getAttribute("data-b") };
  }
  return {
    kind: "edge",
    source: path.getAttribute("data-source"),
    target: path.getAttribute("data-target"),
  };
}

/** A coordinate as sent to Python: one decimal. */
export function roundCoord(v) {
  return Math.round(v * 10) / 10;
}
