// Keys: the widget keeps its own (single letters for roles, Delete, F2, undo/redo) and gives
// the notebook's back. The root carries data-lm-suppress-shortcuts (for Lumino, which in
// Notebook 7 listens in the capture phase) and stops propagation (for JupyterLab, which
// listens in the bubble phase), so "d" or "a" never reach command mode. Shift+Enter,
// Ctrl/Cmd+Enter and Alt+Enter run the cell as usual: a window capture listener lifts the
// suppression for that one event. Esc clears the widget's selection and hands focus back
// to the notebook (command mode). What a widget key means is editing.js's keyAction.

import { keyAction } from "./editing.js";

/** Does typing in `target` belong to a text field (the rename box, the copy-back text)? */
export function isTextField(target) {
  const tag = target?.tagName;
  return tag === "INPUT" || tag === "TEXTAREA";
}

/** Keys that belong to the notebook even while the widget has focus (run the cell). */
export function isNotebookKey(event) {
  return (
    event.key === "Enter" &&
    Boolean(event.shiftKey || event.ctrlKey || event.metaKey || event.altKey)
  );
}

/** Give focus back to the notebook around `root` (its command mode), or just blur. */
export function leaveWidget(root) {
  const notebook = root.closest?.(".jp-Notebook");
  root.blur();
  if (notebook) notebook.focus({ preventScroll: true });
}

const SUPPRESS = "data-lm-suppress-shortcuts";

/** Let the notebook see its own keys: lift the suppression for one event (capture phase). */
function passNotebookKeys(w) {
  const { root } = w.dom;
  w.listen(
    window,
    "keydown",
    (event) => {
      if (!isNotebookKey(event) || !root.contains(event.target) || isTextField(event.target)) {
        return;
      }
      root.removeAttribute(SUPPRESS);
      setTimeout(() => root.setAttribute(SUPPRESS, "true"), 0);
    },
    true,
  );
}

/** Listen for keys on the root, and take focus when the widget is clicked. */
export function bindKeyboard(w) {
  const { root } = w.dom;
  passNotebookKeys(w);
  w.listen(root, "keydown", (event) => {
    if (isNotebookKey(event) && !isTextField(event.target)) return; // the notebook runs the cell
    event.stopPropagation();
    if (isTextField(event.target)) return;
    const action = keyAction(event, w.view.selection);
    if (!action) return;
    event.preventDefault();
    if (action.local === "escape") {
      w.view.connectFrom = null;
      w.select(null);
      w.notes.say("");
      leaveWidget(root);
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
    w.view.engaged = true; // the wheel zooms now (framing.js), as in an embedded map
    event.stopPropagation();
  });
  w.listen(root, "mouseleave", () => {
    w.view.engaged = false;
  });
}
