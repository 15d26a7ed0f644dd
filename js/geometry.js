// Pure geometry of the live drawing: where edges, curves and labels go. The static SVG
// (causal_magic/svg.py) draws the same shapes: both pass the cases in
// geometry-cases.json, and both take their numbers from causal_magic/style.py (STYLE).

import { STYLE } from "./style.js";

/** Start and end of a straight edge: on the source circle and on the target circle,
 *  so the arrowhead's tip (the path's end) touches the target circle's edge. */
export function edgeEndpoints(x1, y1, x2, y2, r1, r2) {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const dist = Math.hypot(dx, dy) || 1;
  const ux = dx / dist;
  const uy = dy / dist;
  return [x1 + ux * r1, y1 + uy * r1, x2 - ux * r2, y2 - uy * r2];
}

/** SVG path data of a straight edge between two circles of radius r. */
export function edgePath(a, b, r) {
  const [sx, sy, ex, ey] = edgeEndpoints(a.x, a.y, b.x, b.y, r, r);
  return `M${sx.toFixed(1)},${sy.toFixed(1)}L${ex.toFixed(1)},${ey.toFixed(1)}`;
}

/** Control point of the curve drawn for a <-> b (bent to the right of a -> b). */
export function bendPoint(a, b, amount = STYLE.edge.bend) {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const dist = Math.hypot(dx, dy) || 1;
  const bend = amount * dist;
  return [(a.x + b.x) / 2 - (dy / dist) * bend, (a.y + b.y) / 2 + (dx / dist) * bend];
}

/** Curved path for a <-> b, ending on both circles (arrowheads at both ends). */
export function bidirectedPath(a, b, r) {
  const [cx, cy] = bendPoint(a, b);
  const onCircle = (p) => {
    const dx = cx - p.x;
    const dy = cy - p.y;
    const d = Math.hypot(dx, dy) || 1;
    return [p.x + (dx / d) * r, p.y + (dy / d) * r];
  };
  const [sx, sy] = onCircle(a);
  const [ex, ey] = onCircle(b);
  return `M${sx.toFixed(1)},${sy.toFixed(1)}Q${cx.toFixed(1)},${cy.toFixed(1)} ${ex.toFixed(1)},${ey.toFixed(1)}`;
}

/** Where an edge's label goes: the middle of the edge, a little above it. */
export function labelPoint(a, b, curved = false) {
  if (curved) {
    const [cx, cy] = bendPoint(a, b);
    // midpoint of the quadratic curve
    const rise = STYLE.edge.curveLabelRise;
    return [0.25 * a.x + 0.5 * cx + 0.25 * b.x, 0.25 * a.y + 0.5 * cy + 0.25 * b.y - rise];
  }
  return [(a.x + b.x) / 2, (a.y + b.y) / 2 - STYLE.edge.labelRise];
}

/** Lines of a node's name ("Signal\nProc" is two lines) with their y offsets. */
export function textLines(label, fontSize) {
  const lines = String(label).split("\n");
  const lh = fontSize * STYLE.node.lineHeight;
  const y0 = -((lines.length - 1) * lh) / 2;
  return lines.map((text, i) => ({ text, y: y0 + i * lh }));
}
