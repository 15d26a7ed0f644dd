// The small text box for naming: F2 renames the selected node, a double click on the
// background names a new node there. Enter commits, Escape or leaving the box cancels.

import { edit } from "./editing.js";
import { el } from "./elements.js";

/** Where the box goes (left, top in px inside the root) for a point at `p` on screen. */
export function inputOffset(p, rootRect) {
  return { left: p.x - rootRect.left - 70, top: p.y - rootRect.top - 14 };
}

/** The text box of one view: open(x, y, initial, commit), rename(id), close(). */
export function createTextInput(w) {
  const { root } = w.dom;
  let input = null;

  function close() {
    const open = input;
    input = null; // first, so the blur that remove() fires finds nothing left to close
    open?.remove();
  }

  function keydown(mine, initial, commit, e) {
    e.stopPropagation();
    if (e.key === "Enter") {
      e.preventDefault();
      const value = mine.value.trim();
      close();
      root.focus({ preventScroll: true });
      if (value && value !== initial) commit(value);
    } else if (e.key === "Escape") {
      close();
      root.focus({ preventScroll: true });
    }
  }

  /** Open the box at drawing coordinates (gx, gy) holding `initial`. */
  function open(gx, gy, initial, commit) {
    close();
    const m = w.drawing.viewport.node().getScreenCTM();
    const r = root.getBoundingClientRect();
    const p = m ? new DOMPoint(gx, gy).matrixTransform(m) : { x: r.left + 40, y: r.top + 40 };
    const mine = el("input", "cm-rename");
    input = mine;
    mine.type = "text";
    mine.value = initial;
    const { left, top } = inputOffset(p, r);
    mine.style.left = `${left}px`;
    mine.style.top = `${top}px`;
    mine.addEventListener("keydown", (e) => keydown(mine, initial, commit, e));
    mine.addEventListener("blur", () => {
      if (input === mine) close();
    });
    root.appendChild(mine);
    mine.focus();
    mine.select();
  }

  /** Rename node `id` (refused, with the reason shown, when edits are off). */
  function rename(id) {
    const p = w.drawing.position(id);
    if (!p || w.refused()) return;
    open(p.x, p.y, id, (value) => w.send(edit("rename", { id, new: value })));
  }

  return { open, rename, close };
}
