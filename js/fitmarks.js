// Contradicted implications (widget trait `fit_marks`, from DagWidget.show_fit): which
// pairs to join and where the curve and its glyph go. Pure, so it is unit-tested; the
// drawing (drawing.js) only turns these shapes into SVG. The static SVG draws the same
// curve (causal_magic/svg.py fit_mark_shape; both pass geometry-cases.json). Colour is
// never the only cue: the curve is dash-dot and carries a "≠" glyph (STYLE.fit).

import { STYLE } from "./style.js";

export const FIT_GLYPH = STYLE.fit.glyph;

/** One entry per unordered pair, first-seen order; texts of repeated pairs joined. */
export function groupMarks(marks) {
  const pairs = new Map();
  for (const m of marks ?? []) {
    if (!m || typeof m.a !== "string" || typeof m.b !== "string" || m.a === m.b) continue;
    const key = [m.a, m.b].sort().join("\u0000");
    const text = typeof m.text === "string" ? m.text : "";
    const seen = pairs.get(key);
    if (seen) {
      if (text) seen.texts.push(text);
    } else pairs.set(key, { key, a: m.a, b: m.b, texts: text ? [text] : [] });
  }
  return [...pairs.values()].map(({ key, a, b, texts }) => ({
    key,
    a,
    b,
    text: texts.join("\n"),
  }));
}

/** Path and glyph point of the curve between circles at `a` and `b` (radius r).
 *  Bent to the left of a -> b (a <-> edge bends right), far enough that the curve and its
 *  glyph pass beside a node lying between the two (A -> B -> C in one column). */
export function markShape(a, b, r) {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const dist = Math.hypot(dx, dy) || 1;
  const apex = Math.max(STYLE.fit.apexRadii * r, STYLE.fit.apexShare * dist);
  const nx = dy / dist;
  const ny = -dx / dist;
  const cx = (a.x + b.x) / 2 + nx * 2 * apex;
  const cy = (a.y + b.y) / 2 + ny * 2 * apex;
  const onCircle = (p) => {
    const ddx = cx - p.x;
    const ddy = cy - p.y;
    const d = Math.hypot(ddx, ddy) || 1;
    return [p.x + (ddx / d) * r, p.y + (ddy / d) * r];
  };
  const [sx, sy] = onCircle(a);
  const [ex, ey] = onCircle(b);
  const f = (v) => v.toFixed(1);
  return {
    d: `M${f(sx)},${f(sy)}Q${f(cx)},${f(cy)} ${f(ex)},${f(ey)}`,
    mx: 0.25 * sx + 0.5 * cx + 0.25 * ex,
    my: 0.25 * sy + 0.5 * cy + 0.25 * ey,
  };
}

/** The marks to draw now: grouped pairs whose two nodes are on screen (`pos`: id -> {x, y}). */
export function markShapes(marks, pos, r) {
  const out = [];
  for (const m of groupMarks(marks)) {
    const a = pos.get(m.a);
    const b = pos.get(m.b);
    if (a && b) out.push({ ...m, ...markShape(a, b, r) });
  }
  return out;
}
