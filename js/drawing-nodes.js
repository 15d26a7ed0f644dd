// The nodes' part of the drawing: one <g class="cm-node"> per visible node with its
// tooltip (<title>: name and role), its circle, its ring (adjusted / in the overlay's set),
// its selection halo, its name (one tspan per line) and, for treatment, outcome, mediator
// and selected nodes, a letter badge (a cue that is not colour alone).
// Names are set with .text(), never as HTML.

import { select } from "d3-selection";
import { textLines } from "./geometry.js";
import { STYLE, roleColor } from "./style.js";

function enterNode(enter) {
  const g = enter.append("g").attr("class", "cm-node");
  g.append("title");
  g.append("circle").attr("class", "cm-circle");
  g.append("circle").attr("class", "cm-halo");
  g.append("circle").attr("class", "cm-ring");
  g.append("text").attr("class", "cm-label");
  const badge = g.append("g").attr("class", "cm-badge");
  badge.append("circle");
  badge.append("text").attr("dy", "0.35em");
  return g;
}

/** Rewrite a node's name only when it changed (re-creating tspans is the costly part).
 *  The lines are the ones Python wrapped (`d.lines`, the same as the static SVG's); a
 *  shortened name gets its full text as a <title> (shown on hover). */
function setName(el, text, d, fontSize) {
  const lines = d.lines ?? String(d.label).split("\n");
  const key = `${fontSize}\u0000${d.label}\u0000${lines.join("\n")}`;
  if (el.__cmLabel === key) return;
  el.__cmLabel = key;
  text.selectAll("tspan").remove();
  text.selectAll("title").remove();
  text.attr("font-size", fontSize);
  if (d.short) text.append("title").text(d.label);
  for (const line of textLines(lines, fontSize)) {
    text.append("tspan").attr("x", 0).attr("y", line.y).attr("dy", "0.35em").text(line.text);
  }
}

/** The tooltip of a node: its name, and its role when it has one. */
export function nodeTooltip(d) {
  const name = d.label && d.label !== d.id ? `${d.label} (${d.id})` : d.id;
  return d.role ? `${name}: ${d.role}` : name;
}

/** The letter badge at the node's upper right ("T", "O", "M", "S"), or none. */
function setBadge(g, role, radius) {
  const letter = STYLE.node.badges[role] ?? "";
  const badge = g.select("g.cm-badge").style("display", letter ? null : "none");
  if (!letter) return;
  const off = radius * 0.72;
  badge.attr("transform", `translate(${off},${-off})`);
  badge.select("circle").attr("r", STYLE.node.badgeRadius);
  badge.select("text").text(letter);
}

/**
 * Join the nodes.
 * @param ctx {{pos, radius, fontSize, colors, inSet: Set, selection}}
 */
export function drawNodes(nodesG, nodes, ctx) {
  const { pos, radius, fontSize, colors, inSet, selection } = ctx;
  nodesG
    .selectAll("g.cm-node")
    .data(nodes, (d) => d.id)
    .join(enterNode)
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
      g.select("title").text(nodeTooltip(d));
      g.select("circle.cm-halo").attr("r", radius + STYLE.node.ringGap + STYLE.node.ringWidth + 2);
      g.select("circle.cm-circle").attr("r", radius).attr("fill", color);
      g.select("circle.cm-ring").attr("r", radius + STYLE.node.ringGap);
      setName(this, g.select("text.cm-label"), d, fontSize);
      setBadge(g, d.role, radius);
    });
}
