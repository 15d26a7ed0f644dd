// Bent edges, the live half of causal_magic/layout/bends.py (same formulas, same cases:
// bend-cases.json). A bend is DAGitty's edge `pos`: the control point `c` of a quadratic
// curve from the source centre to the target centre. Python ships it in px as the edge's
// `bend`; the user drags the curve's middle (the handle, on the curve), and Python turns
// the dropped handle back into the control point, so the curve passes where it was let go.

const STEPS = 40;

/** The curve's middle (t = 1/2) for control point c: where its handle is drawn. */
export function handleOf(a, c, b) {
  return [(a.x + 2 * c[0] + b.x) / 4, (a.y + 2 * c[1] + b.y) / 4];
}

/** The control point whose curve from a to b passes through h at its middle. */
export function controlFromHandle(a, h, b) {
  return [2 * h[0] - (a.x + b.x) / 2, 2 * h[1] - (a.y + b.y) / 2];
}

function pointAt(a, c, b, t) {
  const u = 1 - t;
  return [
    u * u * a.x + 2 * u * t * c[0] + t * t * b.x,
    u * u * a.y + 2 * u * t * c[1] + t * t * b.y,
  ];
}

/** The t in [0, 1/2] where the curve leaves the circle of radius r round a. */
function leave(a, c, b, r) {
  let lo = 0;
  let hi = 0.5;
  const p = pointAt(a, c, b, hi);
  if (Math.hypot(p[0] - a.x, p[1] - a.y) < r) return hi;
  for (let i = 0; i < STEPS; i++) {
    const mid = (lo + hi) / 2;
    const q = pointAt(a, c, b, mid);
    if (Math.hypot(q[0] - a.x, q[1] - a.y) < r) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Start, control and end of the part of the curve outside both node circles. */
export function clipped(a, c, b, r) {
  const t0 = leave(a, c, b, r);
  const t1 = 1 - leave(b, c, a, r);
  const [u0, u1] = [1 - t0, 1 - t1];
  const [w0, w1, w2] = [u0 * u1, u0 * t1 + t0 * u1, t0 * t1];
  const control = [w0 * a.x + w1 * c[0] + w2 * b.x, w0 * a.y + w1 * c[1] + w2 * b.y];
  return [pointAt(a, c, b, t0), control, pointAt(a, c, b, t1)];
}

/** SVG path of a bent edge (svg.py's bent_path). */
export function bentPath(a, c, b, r) {
  const [s, q, e] = clipped(a, c, b, r);
  const f = (p) => `${p[0].toFixed(1)},${p[1].toFixed(1)}`;
  return `M${f(s)}Q${f(q)} ${f(e)}`;
}

/** Where control point c goes when the ends move from a, b to a2, b2: the similarity
 *  that takes the old ends to the new keeps the bend's shape (layout/bends.py's carry). */
export function carryBend(c, a, b, a2, b2) {
  const [dx, dy] = [b.x - a.x, b.y - a.y];
  const [ex, ey] = [b2.x - a2.x, b2.y - a2.y];
  const d2 = dx * dx + dy * dy;
  if (d2 < 1e-12 || ex * ex + ey * ey < 1e-12) {
    const sx = (a2.x - a.x + (b2.x - b.x)) / 2;
    const sy = (a2.y - a.y + (b2.y - b.y)) / 2;
    return [c[0] + sx, c[1] + sy];
  }
  const re = (ex * dx + ey * dy) / d2;
  const im = (ey * dx - ex * dy) / d2;
  const [px, py] = [c[0] - a.x, c[1] - a.y];
  return [a2.x + re * px - im * py, a2.y + im * px + re * py];
}

/** Is the pointer (x, y) on the handle at h (radius hr, plus a little slack)? */
export function onHandle(h, x, y, hr) {
  return Math.hypot(x - h[0], y - h[1]) <= hr + 2;
}
