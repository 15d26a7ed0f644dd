// Draws the graph into an <svg> with D3 joins, and moves single nodes cheaply while
// dragging (only the node and its incident edges are touched, so 500 nodes stay smooth).
// Everything user-supplied is set with .text() / attributes, never as HTML.

import { select } from "d3-selection";
import { bidirectedPath, edgePath, labelPoint, textLines } from "./geometry.js";
import { FIT_GLYPH, markShapes } from "./fitmarks.js";
import { edgeClassifier, setMembers } from "./overlay.js";
import { STYLE, roleColor } from "./style.js";

let counter = 0;
const edgeKey = (e) => `${e.source}\u0000${e.target}`;
const biKey = (e) => `${e.a}\u0000${e.b}`;
/** The title's baseline in the live view (the static SVG centres it in its band). */
const TITLE_BASELINE = 22;

/** Create the drawing inside `svgEl`; returns {update, moveNode, position, ...}. */
export function createDrawing(
  svgEl,
  { radius = STYLE.node.radius, fontSize = STYLE.node.fontSize, colors = {} } = {},
) {
  const uid = `cm-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  const svg = select(svgEl);
  const defs = svg.append("defs");
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
  const background = svg.append("rect").attr("class", "cm-background");
  const viewport = svg.append("g").attr("class", "cm-viewport");
  const edgesG = viewport.append("g").attr("class", "cm-edges");
  const marksG = viewport.append("g").attr("class", "cm-fit-marks");
  const nodesG = viewport.append("g").attr("class", "cm-nodes");
  const temp = viewport.append("path").attr("class", "cm-temp-edge").style("display", "none");
  let titleSel = null;

  const pos = new Map(); // id -> {x, y}: what is on screen now
  const incident = new Map(); // id -> [{kind, el, datum}]
  let nodes = [];
  let held = null; // id of the node being dragged: keep its on-screen position
  let fitMarks = []; // the widget's fit_marks trait
  let marked = new Set(); // ids of nodes that a fit mark touches
  let markPoints = []; // glyph points of the drawn marks: part of the drawing's extent
  const marker = (cls) => `url(#${uid}-${cls || "plain"})`;

  function drawEdge(g, d) {
    const a = pos.get(d.source);
    const b = pos.get(d.target);
    if (!a || !b) return;
    const path = edgePath(a, b, radius);
    g.select("path.cm-edge").attr("d", path);
    g.select("path.cm-edge-hit").attr("d", path);
    if (d.label) {
      const [lx, ly] = labelPoint(a, b);
      g.select("text.cm-edge-label").attr("x", lx).attr("y", ly);
    }
  }

  function drawBidirected(g, d) {
    const a = pos.get(d.a);
    const b = pos.get(d.b);
    if (!a || !b) return;
    const path = bidirectedPath(a, b, radius);
    g.select("path.cm-edge").attr("d", path);
    g.select("path.cm-edge-hit").attr("d", path);
    if (d.label) {
      const [lx, ly] = labelPoint(a, b, true);
      g.select("text.cm-edge-label").attr("x", lx).attr("y", ly);
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

  /** Draw the contradicted implications (under the nodes). The tooltip is a <title>,
   *  set with .text(): the reading comes from Python and is never parsed as HTML. */
  function drawMarks() {
    const shapes = markShapes(fitMarks, pos, radius);
    marked = new Set(shapes.flatMap((m) => [m.a, m.b]));
    markPoints = shapes.map((m) => ({ x: m.mx, y: m.my }));
    marksG
      .selectAll("g.cm-fit-mark-group")
      .data(shapes, (m) => m.key)
      .join((enter) => {
        const g = enter.append("g").attr("class", "cm-fit-mark-group");
        g.append("title");
        g.append("path").attr("class", "cm-fit-mark");
        g.append("circle").attr("class", "cm-fit-glyph-bg").attr("r", STYLE.fit.glyphRadius);
        g.append("text").attr("class", "cm-fit-glyph").attr("dy", "0.35em").text(FIT_GLYPH);
        return g;
      })
      .each(function (m) {
        const g = select(this);
        g.select("title").text(m.text);
        g.select("path.cm-fit-mark").attr("d", m.d).attr("data-a", m.a).attr("data-b", m.b);
        g.select("circle.cm-fit-glyph-bg").attr("cx", m.mx).attr("cy", m.my);
        g.select("text.cm-fit-glyph").attr("x", m.mx).attr("y", m.my);
      });
  }

  /** Replace the fit marks (list of {a, b, given, text}) and draw them. */
  function setMarks(marks) {
    fitMarks = Array.isArray(marks) ? marks : [];
    drawMarks();
  }

  /** Draw `data` ({nodes, edges, bidirected}) with `overlay` and the current `selection`. */
  function update(data, overlay, selection) {
    nodes = data.nodes;
    const seen = new Set();
    for (const n of nodes) {
      seen.add(n.id);
      if (n.id !== held || !pos.has(n.id)) pos.set(n.id, { x: n.x, y: n.y });
    }
    for (const id of [...pos.keys()]) if (!seen.has(id)) pos.delete(id);
    const classify = edgeClassifier(overlay);
    const inSet = setMembers(overlay);
    incident.clear();
    const addIncident = (id, item) => {
      if (!incident.has(id)) incident.set(id, []);
      incident.get(id).push(item);
    };

    edgesG
      .selectAll("g.cm-edge-group.cm-directed")
      .data(data.edges, edgeKey)
      .join((enter) => enterEdge(enter).classed("cm-directed", true))
      .each(function (d) {
        const g = select(this);
        const cls = classify.edge(d.source, d.target);
        const isSel =
          selection?.kind === "edge" &&
          selection.source === d.source &&
          selection.target === d.target;
        g.selectAll("path").attr("data-source", d.source).attr("data-target", d.target);
        g.select("path.cm-edge")
          .attr("class", `cm-edge${cls ? " " + cls : ""}${isSel ? " cm-selected" : ""}`)
          .attr("marker-end", marker(cls.slice(3)));
        setLabel(g, d.label);
        drawEdge(g, d);
        const item = { kind: "edge", g, d };
        addIncident(d.source, item);
        addIncident(d.target, item);
      });

    edgesG
      .selectAll("g.cm-edge-group.cm-bi")
      .data(data.bidirected, biKey)
      .join((enter) => enterEdge(enter).classed("cm-bi", true))
      .each(function (d) {
        const g = select(this);
        const cls = classify.bidirected(d.id);
        const isSel =
          selection?.kind === "bidirected" && selection.a === d.a && selection.b === d.b;
        g.selectAll("path").attr("data-a", d.a).attr("data-b", d.b);
        g.select("path.cm-edge")
          .attr(
            "class",
            `cm-edge cm-bidirected${cls ? " " + cls : ""}${isSel ? " cm-selected" : ""}`,
          )
          .attr("marker-start", marker(cls.slice(3)))
          .attr("marker-end", marker(cls.slice(3)));
        setLabel(g, d.label);
        drawBidirected(g, d);
        const item = { kind: "bidirected", g, d };
        addIncident(d.a, item);
        addIncident(d.b, item);
      });

    drawMarks();

    nodesG
      .selectAll("g.cm-node")
      .data(nodes, (d) => d.id)
      .join((enter) => {
        const g = enter.append("g").attr("class", "cm-node");
        g.append("circle").attr("class", "cm-circle");
        g.append("circle").attr("class", "cm-ring");
        g.append("text").attr("class", "cm-label");
        return g;
      })
      .each(function (d) {
        const g = select(this);
        const color = roleColor(colors, d.role);
        const p = pos.get(d.id);
        g.attr("data-id", d.id)
          .attr("data-role", d.role ?? "")
          .attr("transform", `translate(${p.x},${p.y})`)
          .classed("cm-latent", Boolean(d.latent))
          .classed("cm-adjusted", d.role === "adjusted")
          .classed("cm-in-set", inSet.has(d.id))
          .classed("cm-selected", selection?.kind === "node" && selection.id === d.id)
          .style("--cm-node-color", color);
        g.select("circle.cm-circle").attr("r", radius).attr("fill", color);
        g.select("circle.cm-ring").attr("r", radius + STYLE.node.ringGap);
        const text = g.select("text.cm-label");
        if (this.__cmLabel !== d.label) {
          this.__cmLabel = d.label;
          text.selectAll("tspan").remove();
          text.attr("font-size", fontSize);
          for (const line of textLines(d.label, fontSize)) {
            text
              .append("tspan")
              .attr("x", 0)
              .attr("y", line.y)
              .attr("dy", "0.35em")
              .text(line.text);
          }
        }
      });
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
    for (const item of incident.get(id) ?? []) {
      if (item.kind === "edge") drawEdge(item.g, item.d);
      else drawBidirected(item.g, item.d);
    }
    if (marked.has(id)) drawMarks();
  }

  function setTitle(title, width) {
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
  }

  function showTemp(fromId, x, y) {
    const a = pos.get(fromId);
    if (!a) return;
    temp.style("display", null).attr("d", `M${a.x},${a.y}L${x},${y}`);
  }

  function hideTemp() {
    temp.style("display", "none");
  }

  return {
    svg,
    viewport,
    background,
    update,
    setMarks,
    moveNode,
    setTitle,
    showTemp,
    hideTemp,
    hold(id) {
      held = id;
    },
    position: (id) => pos.get(id),
    nodes: () => nodes.map((n) => ({ ...n, ...pos.get(n.id) })),
    /** Points the view must include (fit, export): the nodes and the fit marks' glyphs. */
    extent: () => [...nodes.map((n) => pos.get(n.id) ?? n), ...markPoints],
  };
}
