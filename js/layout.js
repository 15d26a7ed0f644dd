// View layout helpers: bounds of the drawing and the zoom transform that fits it.
// Node positions themselves are computed in Python (causal_magic/layout.py), so that the
// live view and the static SVG agree; the front end only frames them.

import { STYLE } from "./style.js";

/** [minX, minY, maxX, maxY] around the node circles, with room for names: at least
 *  STYLE.bounds.padX beyond a circle, or half the name's width (`w`, from Python). */
export function bounds(nodes, r) {
  if (!nodes.length) return [0, 0, 200, 100];
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  const minPad = r + STYLE.bounds.padX;
  for (const n of nodes) {
    const pad = Math.max(minPad, (n.w || 0) / 2);
    if (n.x - pad < x0) x0 = n.x - pad;
    if (n.y < y0) y0 = n.y;
    if (n.x + pad > x1) x1 = n.x + pad;
    if (n.y > y1) y1 = n.y;
  }
  const padY = STYLE.bounds.padY;
  return [x0, y0 - r - padY, x1, y1 + r + padY];
}

/** The {k, x, y} zoom transform that shows the whole box inside width x height below
 *  a top band (the title), centred, never enlarged past maxScale. */
export function fitTransform(box, width, height, { top = 0, margin = 12, maxScale = 1.5 } = {}) {
  const [x0, y0, x1, y1] = box;
  const w = Math.max(x1 - x0, 1);
  const h = Math.max(y1 - y0, 1);
  const availW = Math.max(width - 2 * margin, 1);
  const availH = Math.max(height - top - 2 * margin, 1);
  const k = Math.min(availW / w, availH / h, maxScale);
  const x = margin + (availW - w * k) / 2 - x0 * k;
  const y = top + margin + (availH - h * k) / 2 - y0 * k;
  return { k, x, y };
}

/** The node nearest to (x, y) within distance r, or null (for dropping an edge on a node). */
export function nodeAt(nodes, x, y, r) {
  let best = null;
  let bestD = r;
  for (const n of nodes) {
    const d = Math.hypot(n.x - x, n.y - y);
    if (d <= bestD) {
      best = n;
      bestD = d;
    }
  }
  return best;
}
