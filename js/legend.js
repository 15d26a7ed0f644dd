// The legend under the drawing: what is on it now, and nothing else -- the roles present
// (with their colour and, for treatment/outcome/mediator/selected, their letter badge: a cue
// that is not colour alone) and the edge styles in use (plain, causal path, open biasing
// path, <-> hidden common cause, adjustment ring, fit marks). legendItems is pure (tested);
// drawLegend writes it as text and small SVG swatches, never HTML.

import { STYLE, roleColor } from "./style.js";

/** Role order and words, as in causal_magic.graph.ROLES. */
const ROLE_WORDS = [
  ["treatment", "treatment"],
  ["outcome", "outcome"],
  ["confounder", "confounder"],
  ["mediator", "mediator"],
  ["adjusted", "adjusted for"],
  ["latent", "latent (unobserved)"],
  ["selected", "selected on (selection)"],
];

/** The ancestor view's classes (causal_magic.panel.ancestry), in DAGitty's words. */
const ANCESTRY_WORDS = [
  ["treatment", "ancestor of the treatment"],
  ["outcome", "ancestor of the outcome"],
  ["both", "ancestor of treatment and outcome"],
  ["causal", "on a causal path"],
  ["irrelevant", "not an ancestor (greyed)"],
];

/**
 * What the legend lists, in order.
 * @returns {{key: string, kind: "role"|"edge"|"ring"|"fit", role?: string, text: string}[]}
 */
export function legendItems({
  nodes = [],
  edges = [],
  bidirected = [],
  overlay = {},
  fitMarks = [],
  ancestry = null,
  explore = {},
}) {
  const roles = new Set(nodes.map((n) => n.role).filter(Boolean));
  const items = [];
  if (nodes.some((n) => !n.role))
    items.push({ key: "role-none", kind: "role", role: "", text: "no role" });
  for (const [role, text] of ROLE_WORDS) {
    if (roles.has(role)) items.push({ key: `role-${role}`, kind: "role", role, text });
  }
  if (edges.length) items.push({ key: "edge", kind: "edge", cls: "", text: "direct effect" });
  if (overlay?.causal?.length) {
    items.push({
      key: "causal",
      kind: "edge",
      cls: "cm-causal",
      text: "causal path (solid, thick)",
    });
  }
  if (overlay?.biasing?.length) {
    items.push({
      key: "biasing",
      kind: "edge",
      cls: "cm-biasing",
      text: "open biasing path (dashed)",
    });
  }
  if (bidirected.length) {
    items.push({
      key: "bidirected",
      kind: "edge",
      cls: "cm-bidirected",
      text: "<-> hidden common cause (dotted, curved)",
    });
  }
  if (overlay?.minimal?.length)
    items.push({ key: "ring", kind: "ring", text: "in the adjustment set (ring)" });
  if (fitMarks?.length) {
    items.push({ key: "fit", kind: "fit", text: `${STYLE.fit.glyph} contradicted by the data` });
  }
  if (ancestry) {
    const kinds = new Set(Object.values(ancestry));
    for (const [kind, text] of ANCESTRY_WORDS) {
      if (kinds.has(kind)) items.push({ key: `anc-${kind}`, kind: "anc", anc: kind, text });
    }
  }
  if (explore?.paths?.some((p) => p.open)) {
    items.push({
      key: "open-path",
      kind: "edge",
      cls: "cm-open-path",
      text: "open path (explorer)",
    });
  }
  if (explore?.given?.length) {
    items.push({ key: "given", kind: "given", text: "conditioned on (boxed)" });
  }
  return items;
}

const SVG = "http://www.w3.org/2000/svg";

function svgEl(tag, attrs) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

/** A small picture for one item (role: a circle with its badge; edge: a line). */
function swatch(item, colors) {
  const s = svgEl("svg", {
    class: "cm-legend-swatch",
    width: 28,
    height: 16,
    "aria-hidden": "true",
  });
  if (item.kind === "role") {
    const g = svgEl("g", {
      class: "cm-legend-node",
      "data-role": item.role,
      transform: "translate(14,8)",
    });
    g.style.setProperty("--cm-node-color", roleColor(colors, item.role || "default"));
    g.append(svgEl("circle", { r: 6, fill: roleColor(colors, item.role || "default") }));
    const badge = STYLE.node.badges?.[item.role];
    if (badge) {
      const t = svgEl("text", { class: "cm-legend-badge", x: 0, y: 0, dy: "0.35em" });
      t.textContent = badge;
      g.append(t);
    }
    s.append(g);
  } else if (item.kind === "edge") {
    const d = item.key === "bidirected" ? "M2,12 Q14,0 26,12" : "M2,8 L26,8";
    s.append(svgEl("path", { class: `cm-legend-line cm-legend-${item.key}`, d }));
  } else if (item.kind === "ring") {
    s.append(svgEl("circle", { class: "cm-legend-ring", cx: 14, cy: 8, r: 6 }));
  } else if (item.kind === "anc") {
    s.append(
      svgEl("circle", { class: "cm-legend-anc", "data-ancestry": item.anc, cx: 14, cy: 8, r: 6 }),
    );
  } else if (item.kind === "given") {
    s.append(svgEl("rect", { class: "cm-legend-given", x: 7, y: 1, width: 14, height: 14 }));
  } else {
    s.append(svgEl("path", { class: "cm-legend-line cm-legend-fit", d: "M2,8 L26,8" }));
  }
  return s;
}

/** The legend's row height and the width one item takes per character (export). */
const ROW = 18;
const CHAR = 6.4;

/**
 * Where each legend item goes in an exported SVG: rows of at most `width` px, left to right.
 * @returns {{item, x: number, y: number}[]} and the total height as `.height`
 */
export function legendRows(items, width) {
  const out = [];
  let x = 0;
  let y = 0;
  for (const item of items) {
    const w = 32 + item.text.length * CHAR;
    if (x > 0 && x + w > width) {
      x = 0;
      y += ROW;
    }
    out.push({ item, x, y });
    x += w + 10;
  }
  out.height = items.length ? y + ROW : 0;
  return out;
}

/** The legend as an SVG <g> for an export (text as text nodes, never markup). */
export function legendGroup(items, colors, width) {
  const g = svgEl("g", { class: "cm-export-legend", "font-size": "11" });
  for (const { item, x, y } of legendRows(items, width)) {
    const s = swatch(item, colors);
    s.setAttribute("x", x);
    s.setAttribute("y", y);
    const t = svgEl("text", { x: x + 32, y: y + 12 });
    t.textContent = item.text;
    g.append(s, t);
  }
  return g;
}

/** Write the legend's items into `box` (div.cm-legend); hidden when empty. */
export function drawLegend(box, items, colors, el) {
  box.replaceChildren(
    ...items.map((item) => {
      const span = el("span", "cm-legend-item");
      span.setAttribute("data-key", item.key);
      span.append(swatch(item, colors), el("span", "cm-legend-text", item.text));
      return span;
    }),
  );
  box.hidden = items.length === 0;
}
