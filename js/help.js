// What the "?" button shows: every key and gesture of the widget, as plain text lines
// (built with textContent, never HTML). Kept next to the keys' own table (editing.js).

/** The help lines: [keys or gesture, what it does]. */
export const HELP_LINES = Object.freeze([
  ["drag a node", "move it (positions are kept in the graph)"],
  ["Shift + drag from A onto B", "add the edge A → B"],
  ["drag the middle of an edge", "bend it (double-click the middle to straighten it)"],
  ["Connect, click A, click B", "add the edge A → B"],
  ["double-click the background", "name and add a new node there"],
  ["click a node or an edge", "select it; Delete / Backspace removes it; F2 renames a node"],
  [
    "e o a u c m s, n",
    "role of the selected node: treatment (exposure), outcome, adjusted, latent (unobserved), confounder, mediator, selected; n clears it",
  ],
  ["Ctrl/⌘ + Z, Ctrl/⌘ + Shift + Z", "undo, redo"],
  ["Ctrl/⌘ + wheel, pinch", "zoom (after a click into the drawing the wheel alone zooms)"],
  ["drag the background", "pan; Fit frames the whole graph again"],
  ["Esc", "clear the selection and give the keys back to the notebook"],
  ["Shift + Enter, Ctrl + Enter", "run the cell, as anywhere in the notebook"],
  ["hover a node", "its name and role"],
  [
    "Explore, click A, click B, click C ...",
    "are A and B d-separated given {C, ...}? every path, and why",
  ],
  ["click an item of the panel", "ring its nodes on the drawing (click again to clear)"],
  ["Ancestors, Present, +Legend", "ancestor view; larger type and nodes; exports with the legend"],
]);

/** Fill `panel` with the help lines (dt/dd pairs, as text). */
export function fillHelp(panel, el) {
  const list = el("dl", "cm-help-list");
  for (const [keys, what] of HELP_LINES) {
    list.append(el("dt", "cm-help-keys", keys), el("dd", "cm-help-what", what));
  }
  panel.replaceChildren(el("div", "cm-help-head", "Keys and gestures"), list);
}
