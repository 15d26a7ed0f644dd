// What the widget shows about its state: the mode (data-mode and the note saying why edits
// are off), which buttons work, and the copy-back controls while the graph is dirty.
// statusOf is pure (tested); showStatus writes it into the DOM.

import { canEdit, modeNote } from "./editing.js";
import { showToolbarStatus } from "./toolbar.js";

/**
 * The status to show.
 * @param {{mode: string, reason?: string, live: boolean, staticExplained: boolean,
 *          canUndo?: boolean, canRedo?: boolean, dirty?: boolean, dslText?: string}} s
 */
export function statusOf(s) {
  const can = canEdit(s.mode);
  return {
    mode: s.mode,
    // A view without a kernel explains itself only after a short delay (see widget.js).
    note: s.live || s.staticExplained ? modeNote(s.mode, s.reason) : "",
    canEdit: can,
    canUndo: can && Boolean(s.canUndo),
    canRedo: can && Boolean(s.canRedo),
    dirty: Boolean(s.dirty),
    dslText: s.dslText || "",
  };
}

/** Show `status` (from statusOf) in the widget's elements. */
export function showStatus(dom, status) {
  dom.root.setAttribute("data-mode", status.mode);
  dom.note.textContent = status.note;
  dom.note.classList.toggle("cm-visible", Boolean(status.note));
  showToolbarStatus(dom.toolbar, status);
  dom.root.classList.toggle("cm-is-dirty", status.dirty);
  dom.dslText.hidden = !status.dirty;
  dom.dslText.value = status.dslText;
}
