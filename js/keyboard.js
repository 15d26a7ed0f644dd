// Keys belong to the widget, not to JupyterLab's command mode: the root carries
// data-lm-suppress-shortcuts (for Lumino) and stops propagation (for the notebook's own
// handlers). What a key means is editing.js's keyAction; this module only routes it.

import { keyAction } from "./editing.js";

/** Does typing in `target` belong to a text field (the rename box, the copy-back text)? */
export function isTextField(target) {
  const tag = target?.tagName;
  return tag === "INPUT" || tag === "TEXTAREA";
}

/** Listen for keys on the root, and take focus when the widget is clicked. */
export function bindKeyboard(w) {
  const { root } = w.dom;
  w.listen(root, "keydown", (event) => {
    event.stopPropagation();
    if (isTextField(event.target)) return;
    const action = keyAction(event, w.view.selection);
    if (!action) return;
    event.preventDefault();
    if (action.local === "escape") {
      w.view.connectFrom = null;
      w.select(null);
      w.notes.say("");
    } else if (action.local === "rename") {
      w.textInput.rename(w.view.selection.id);
    } else if (action.send) {
      w.send(action.send);
    }
  });
  // Clicking in the widget focuses it (so keys come here) without the notebook taking over.
  w.listen(root, "mousedown", (event) => {
    if (!isTextField(event.target) && event.target?.tagName !== "BUTTON") {
      root.focus({ preventScroll: true });
    }
    event.stopPropagation();
  });
}
