// Draws the graph into an <svg> with D3 joins, and moves single nodes cheaply while
// dragging (only the node and its incident edges are touched, so 500 nodes stay smooth).
// The parts are drawn by drawing-edges.js, drawing-marks.js and drawing-nodes.js; this
// module owns the layers and what they share: the on-screen positions.

import { select } from "d3-selection";
import { bendPoints, placeEdge, drawEdges } from "./drawing-edges.js";
import { marksLayer } from "./drawing-marks.js";
import { drawNodes } from "./drawing-nodes.js";
import { edgeClassifier, setMembers } from "./overlay.js";
import { STYLE } from "./style.js";

let counter = 0;
/** The title's baseline in the live view (the static SVG centres it in its band). */
const TITLE_BASELINE = 22;

/** The three arrowheads (plain, causal, biasing); `uid` keeps their ids unique per view. */
function addMarkers(defs, uid) {
  const m = STYLE.marker;
  for (const kind of ["plain", "causal", "biasing"]) {
    defs
      .append("marker")
      .attr("id", `${uid}-${kind}`)
      .attr("class", `cm-marker cm-marker-${kind}`)
      .attr("viewBox", m.viewBox)
      .attr("refX", m.refX)
      .attr("refY", m.refY)
      .attr("markerWidth", m.width)
      .attr("markerHeight", m.height)
      .attr("orient", "auto-start-reverse")
      .append("path")
      .attr("d", m.path);
  }
}

/** The layers, bottom to top: background, then in the zoomed viewport edges, marks, nodes. */
function addLayers(svg) {
  const background = svg.append("rect").attr("class", "cm-background");
  const viewport = svg.append("g").attr("class", "cm-viewport");
  return {
    background,
    viewport,
    edgesG: viewport.append("g").attr("class", "cm-edges"),
    marksG: viewport.append("g").attr("class", "cm-fit-marks"),
    nodesG: viewport.append("g").attr("class", "cm-nodes"),
    temp: viewport.append("path").attr("class", "cm-temp-edge").style("display", "none"),
  };
}

/** Take the model's positions into `pos` (id -> {x, y}), except for the `held` node. */
function takePositions(pos, nodes, held) {
  const seen = new Set();
  for (const n of nodes) {
    seen.add(n.id);
    if (n.id !== held || !pos.has(n.id)) pos.set(n.id, { x: n.x, y: n.y });
  }
  for (const id of [...pos.keys()]) if (!seen.has(id)) pos.delete(id);
}

/** The title text (live view): set(title, width) adds, moves or removes it. */
function titleLayer(svg) {
  let titleSel = null;
  return function setTitle(title, width) {
    if (title) {
      if (!titleSel) titleSel = svg.append("text").attr("class", "cm-title");
      titleSel
        .attr("x", width / 2)
        .attr("y", TITLE_BASELINE)
        .text(title);
    } else if (titleSel) {
      titleSel.remove();
      titleSel = null;
    }
  };
}

/** Create the drawing inside `svgEl`; returns {update, moveNode, position, ...}. */
export function createDrawing(
  svgEl,
  { radius = STYLE.node.radius, fontSize = STYLE.node.fontSize, colors = {} } = {},
) {
  const uid = `cm-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  const svg = select(svgEl);
  addMarkers(svg.append("defs"), uid);
  const { background, viewport, edgesG, marksG, nodesG, temp } = addLayers(svg);

  const pos = new Map(); // id -> {x, y}: what is on screen now
  const incident = new Map(); // id -> [{kind, g, d}]: the edges to redraw when id moves
  let nodes = [];
  let edges = [];
  let bidirected = [];
  let held = null; // id of the node being dragged: keep its on-screen position
  const marks = marksLayer(marksG, pos, radius);
  const marker = (cls) => `url(#${uid}-${cls || "plain"})`;

  /** Draw `data` ({nodes, edges, bidirected}) with `overlay` and the current `selection`. */
  function update(data, overlay, selection) {
    nodes = data.nodes;
    edges = data.edges || [];
    bidirected = data.bidirected || [];
    takePositions(pos, nodes, held);
    incident.clear();
    const addIncident = (id, item) => {
      if (!incident.has(id)) incident.set(id, []);
      incident.get(id).push(item);
    };
    const classify = edgeClassifier(overlay);
    drawEdges(edgesG, data, { pos, radius, classify, selection, marker, addIncident });
    marks.redraw();
    const inSet = setMembers(overlay);
    drawNodes(nodesG, nodes, { pos, radius, fontSize, colors, inSet, selection });
  }

  /** Move one node on screen (while dragging) and redraw only its incident edges.
   *  `el` (the node's <g>) is optional; passing it avoids a search over all nodes. */
  function moveNode(id, x, y, el = null) {
    const p = pos.get(id);
    if (!p) return;
    p.x = x;
    p.y = y;
    const g =
      el ??
      nodesG
        .selectAll("g.cm-node")
        .filter((d) => d.id === id)
        .node();
    if (g) g.setAttribute("transform", `translate(${x},${y})`);
    for (const item of incident.get(id) ?? []) placeEdge(item, pos, radius);
    if (marks.touches(id)) marks.redraw();
  }

  return {
    svg,
    viewport,
    background,
    update,
    setMarks: marks.set,
    moveNode,
    setTitle: titleLayer(svg),
    showTemp(fromId, x, y) {
      const a = pos.get(fromId);
      if (a) temp.style("display", null).attr("d", `M${a.x},${a.y}L${x},${y}`);
    },
    hideTemp: () => temp.style("display", "none"),
    hold(id) {
      held = id;
    },
    /** Draw the edge `d` (a directed edge or a <->) through (x, y) while its handle is
     *  dragged; with no point, as the model says. */
    previewBend(d, x = null, y = null) {
      const item = (incident.get(d.source ?? d.a) ?? []).find((it) => it.d === d);
      if (item) placeEdge(item, pos, radius, x === null ? null : [x, y]);
    },
    position: (id) => pos.get(id),
    nodes: () => nodes.map((n) => ({ ...n, ...pos.get(n.id) })),
    /** Points the view must include (fit, export): the nodes, the fit marks' glyphs and
     *  the middles of bent edges. */
    extent: () => [
      ...nodes.map((n) => ({ w: n.w, ...(pos.get(n.id) ?? n) })),
      ...marks.points(),
      ...bendPoints(edges, pos, bidirected),
    ],
  };
}
