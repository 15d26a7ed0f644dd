// The edges' part of the drawing: one <g> per directed edge and per <->, joined by D3 to
// the model's lists, classed by the causal overlay, and redrawn one at a time while a
// node is dragged (each edge is registered with its two nodes in `incident`). A directed
// edge that Python routed round other nodes (`route`: inner points, in px) follows its
// route while its two nodes stay where the route was made for; a dragged end draws it
// straight until Python sends the new route. An edge the user bent (`bend`: DAGitty's
// control point, in px; js/bends.js) is a curve through its handle, and the bend follows
// a dragged end. Each edge (and <->) has a handle at its middle (circle.cm-bend-handle,
// shown on hover in a live view) to drag it by.

import { select } from "d3-selection";
import { bentPath, carryBend, controlFromHandle, handleOf } from "./bends.js";
import { bendPoint, bidirectedPath, labelPoint, routeLabelPoint, routePath } from "./geometry.js";
import { STYLE } from "./style.js";

const rise = () => STYLE.edge.labelRise;

/** The bend handle's radius (px); the hit area is its circle. */
export const HANDLE_RADIUS = 6;

const edgeKey = (e) => `${e.source}\u0000${e.target}`;
const biKey = (e) => `${e.a}\u0000${e.b}`;

function placePath(g, path, label, [lx, ly]) {
  g.select("path.cm-edge").attr("d", path);
  g.select("path.cm-edge-hit").attr("d", path);
  if (label) g.select("text.cm-edge-label").attr("x", lx).attr("y", ly);
}

/** The route's inner points if both ends are still where the route was made for. */
function liveRoute(item, a, b) {
  const at = item.at;
  if (!item.d.route?.length || !at) return null;
  return at[0] === a.x && at[1] === a.y && at[2] === b.x && at[3] === b.y ? item.d.route : null;
}

/** The bend's control point now: as Python sent it, carried along if an end moved. */
export function liveBend(item, a, b) {
  const { at, d } = item;
  if (!d.bend) return null;
  if (!at || (at[0] === a.x && at[1] === a.y && at[2] === b.x && at[3] === b.y)) return d.bend;
  return carryBend(d.bend, { x: at[0], y: at[1] }, { x: at[2], y: at[3] }, a, b);
}

/** Where an edge's handle goes: the middle of its curve (bent), of its route, or of it. */
export function handlePoint(a, bend, route, b) {
  if (bend) return handleOf(a, bend, b);
  const [x, y] = routeLabelPoint(a, route, b);
  return [x, y + rise()];
}

/** The middles of the bent edges, directed and <-> (the view must include their curves). */
export function bendPoints(edges, pos, bidirected = []) {
  const out = [];
  const ends = [
    ...edges.map((e) => [e, e.source, e.target]),
    ...bidirected.map((e) => [e, e.a, e.b]),
  ];
  for (const [e, u, v] of ends) {
    const a = pos.get(u);
    const b = pos.get(v);
    if (e.bend && a && b) {
      const [x, y] = handleOf(a, e.bend, b);
      out.push({ x, y });
    }
  }
  return out;
}

/** Redraw one edge group (`item` from `incident`) where its nodes are now (`pos`);
 *  `dragged` (px), while its handle is dragged: the curve goes through that point. */
export function placeEdge(item, pos, radius, dragged = null) {
  const { kind, g, d } = item;
  const bi = kind === "bidirected";
  const a = pos.get(bi ? d.a : d.source);
  const b = pos.get(bi ? d.b : d.target);
  if (!a || !b) return;
  const bend = dragged ? controlFromHandle(a, dragged, b) : liveBend(item, a, b);
  if (bi) {
    const [hx, hy] = handleOf(a, bend ?? bendPoint(a, b), b);
    g.select("circle.cm-bend-handle").attr("cx", hx).attr("cy", hy);
    if (bend) placePath(g, bentPath(a, bend, b, radius), d.label, [hx, hy - rise()]);
    else placePath(g, bidirectedPath(a, b, radius), d.label, labelPoint(a, b, true));
    return;
  }
  const route = bend ? null : liveRoute(item, a, b);
  const [hx, hy] = handlePoint(a, bend, route, b);
  g.select("circle.cm-bend-handle").attr("cx", hx).attr("cy", hy);
  if (bend) {
    placePath(g, bentPath(a, bend, b, radius), d.label, [hx, hy - rise()]);
  } else {
    placePath(g, routePath(a, route, b, radius), d.label, routeLabelPoint(a, route, b));
  }
}

function enterEdge(enter) {
  const g = enter.append("g").attr("class", "cm-edge-group");
  g.append("path").attr("class", "cm-edge-hit");
  g.append("path").attr("class", "cm-edge");
  return g;
}

function setLabel(g, label) {
  let t = g.select("text.cm-edge-label");
  if (label) {
    if (t.empty()) t = g.append("text").attr("class", "cm-edge-label");
    t.text(label);
  } else if (!t.empty()) t.remove();
}

const classes = (base, cls, selected) =>
  `${base}${cls ? " " + cls : ""}${selected ? " cm-selected" : ""}`;

/**
 * Join the directed edges and the <-> edges.
 * @param ctx {{pos, radius, classify, selection, marker: (cls) => string,
 *              addIncident: (id, item) => void}}
 */
export function drawEdges(edgesG, data, ctx) {
  const { selection: sel, classify, marker } = ctx;
  const register = (kind, g, d, a, b) => {
    const pa = ctx.pos.get(a);
    const pb = ctx.pos.get(b);
    const item = { kind, g, d, at: pa && pb ? [pa.x, pa.y, pb.x, pb.y] : null };
    ctx.addIncident(a, item);
    ctx.addIncident(b, item);
    placeEdge(item, ctx.pos, ctx.radius);
  };
  edgesG
    .selectAll("g.cm-edge-group.cm-directed")
    .data(data.edges, edgeKey)
    .join((enter) => {
      const g = enterEdge(enter).classed("cm-directed", true);
      g.append("circle").attr("class", "cm-bend-handle").attr("r", HANDLE_RADIUS);
      return g;
    })
    .each(function (d) {
      const g = select(this);
      g.classed("cm-bent", Boolean(d.bend));
      g.select("circle.cm-bend-handle") // (select passes the edge's datum on to the handle)
        .attr("data-source", d.source)
        .attr("data-target", d.target);
      const cls = classify.edge(d.source, d.target);
      const isSel = sel?.kind === "edge" && sel.source === d.source && sel.target === d.target;
      g.selectAll("path").attr("data-source", d.source).attr("data-target", d.target);
      g.select("path.cm-edge")
        .attr("class", classes("cm-edge", cls, isSel))
        .attr("marker-end", marker(cls.slice(3)));
      setLabel(g, d.label);
      register("edge", g, d, d.source, d.target);
    });
  edgesG
    .selectAll("g.cm-edge-group.cm-bi")
    .data(data.bidirected, biKey)
    .join((enter) => {
      const g = enterEdge(enter).classed("cm-bi", true);
      g.append("circle").attr("class", "cm-bend-handle").attr("r", HANDLE_RADIUS);
      return g;
    })
    .each(function (d) {
      const g = select(this);
      g.classed("cm-bent", Boolean(d.bend));
      g.select("circle.cm-bend-handle").attr("data-a", d.a).attr("data-b", d.b);
      const cls = classify.bidirected(d.id);
      const isSel = sel?.kind === "bidirected" && sel.a === d.a && sel.b === d.b;
      g.selectAll("path").attr("data-a", d.a).attr("data-b", d.b);
      g.select("path.cm-edge")
        .attr("class", classes("cm-edge cm-bidirected", cls, isSel))
        .attr("marker-start", marker(cls.slice(3)))
        .attr("marker-end", marker(cls.slice(3)));
      setLabel(g, d.label);
      register("bidirected", g, d, d.a, d.b);
    });
}
