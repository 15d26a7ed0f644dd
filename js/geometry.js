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

/** The points a routed edge's curve passes: on a's circle (towards the first inner point),
 *  the inner points, on b's circle (from the last). */
function routeEnds(a, inner, b, r) {
  const towards = (c, p) => {
    const dx = p[0] - c[0];
    const dy = p[1] - c[1];
    const d = Math.hypot(dx, dy) || 1;
    return [c[0] + (dx / d) * r, c[1] + (dy / d) * r];
  };
  const first = inner.length ? inner[0] : b;
  const last = inner.length ? inner[inner.length - 1] : a;
  return [towards(a, first), ...inner, towards(b, last)];
}

/** SVG path of an edge from circle a to circle b along the inner route points that Python
 *  computed (causal_magic/layout): straight legs, each corner rounded by a quadratic bend
 *  within STYLE.edge.routeCorner px (and half a leg) of it (layout/routes.py's
 *  smooth_segments). No inner point: the straight edge. */
export function routePath(a, inner, b, r) {
  if (!inner || !inner.length) return edgePath(a, b, r);
  const pts = routeEnds([a.x, a.y], inner, [b.x, b.y], r);
  const corner = STYLE.edge.routeCorner;
  const f = (p) => `${p[0].toFixed(1)},${p[1].toFixed(1)}`;
  let d = `M${f(pts[0])}`;
  for (let i = 1; i < pts.length - 1; i++) {
    const [[ax, ay], [px, py], [bx, by]] = [pts[i - 1], pts[i], pts[i + 1]];
    const din = Math.hypot(px - ax, py - ay);
    const dout = Math.hypot(bx - px, by - py);
    const ra = Math.min(corner, din / 2);
    const rb = Math.min(corner, dout / 2);
    const s = din ? [px - ((px - ax) / din) * ra, py - ((py - ay) / din) * ra] : [px, py];
    const e = dout ? [px + ((bx - px) / dout) * rb, py + ((by - py) / dout) * rb] : [px, py];
    d += `L${f(s)}Q${f(pts[i])} ${f(e)}`;
  }
  return `${d}L${f(pts[pts.length - 1])}`;
}

/** Where a routed edge's label goes: the middle point of its route, a little above. */
export function routeLabelPoint(a, inner, b) {
  const pts = [[a.x, a.y], ...(inner || []), [b.x, b.y]];
  const k = pts.length;
  let x;
  let y;
  if (k % 2) [x, y] = pts[(k - 1) / 2];
  else {
    const [p, q] = [pts[k / 2 - 1], pts[k / 2]];
    x = (p[0] + q[0]) / 2;
    y = (p[1] + q[1]) / 2;
  }
  return [x, y - STYLE.edge.labelRise];
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

/** Lines of a node's name with their y offsets: `label` is the lines Python wrapped (an
 *  array) or a name ("Signal\nProc" is two lines). */
export function textLines(label, fontSize) {
  const lines = Array.isArray(label) ? label.map(String) : String(label).split("\n");
  const lh = fontSize * STYLE.node.lineHeight;
  const y0 = -((lines.length - 1) * lh) / 2;
  return lines.map((text, i) => ({ text, y: y0 + i * lh }));
}
