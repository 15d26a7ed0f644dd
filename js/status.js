// What the widget shows about its state: the mode (data-mode and the note saying why edits
// are off, or that the kernel is still being reached), which buttons work, the copy-back
// controls while the graph is dirty (the text area only for a structural change: a drag
// alone does not push the output down), and the edits a re-run cell replaced.
// statusOf is pure (tested); showStatus writes it into the DOM.

import { canEdit, modeNote } from "./editing.js";

/** What a view says while its hello is unanswered (a busy kernel, e.g. during Run All). */
export const CONNECTING_NOTE = "Connecting to the kernel… (it may be busy running cells)";
import { showToolbarStatus } from "./toolbar.js";

/**
 * The status to show.
 * @param {{mode: string, reason?: string, live: boolean, staticExplained: boolean,
 *          connecting?: boolean, canUndo?: boolean, canRedo?: boolean, dirty?: boolean,
 *          structural?: boolean, dslText?: string, lostText?: string, lostDismissed?: string}} s
 */
export function statusOf(s) {
  const can = canEdit(s.mode);
  let note = "";
  // A view without a kernel explains itself only after a short delay (see widget.js), and
  // says "connecting" until it gives up waiting for the kernel's answer.
  if (s.live) note = modeNote(s.mode, s.reason);
  else if (s.staticExplained) note = s.connecting ? CONNECTING_NOTE : modeNote(s.mode, s.reason);
  const lost = s.lostText && s.lostText !== s.lostDismissed ? s.lostText : "";
  return {
    mode: s.mode,
    note,
    connecting: !s.live && Boolean(s.connecting),
    structural: Boolean(s.dirty && s.structural),
    lostText: lost,
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
  dom.root.toggleAttribute("data-connecting", status.connecting);
  // A drag alone keeps the text closed (Copy as %%dag still copies the positions).
  dom.dslText.hidden = !status.structural;
  dom.dslText.value = status.dslText;
  dom.toolbar.dirtyBadge.textContent =
    status.dirty && !status.structural ? "moved since the cell ran" : "changed since the cell ran";
  dom.lost.box.hidden = !status.lostText;
  dom.lost.area.value = status.lostText;
}
