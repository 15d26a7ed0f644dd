// The fit marks' part of the drawing (contradicted implications, under the nodes): where
// each curve goes is fitmarks.js's job; this draws the shapes. The tooltip is a <title>,
// set with .text(): the reading comes from Python and is never parsed as HTML.

import { select } from "d3-selection";
import { FIT_GLYPH, markShapes } from "./fitmarks.js";
import { STYLE } from "./style.js";

function enterMark(enter) {
  const g = enter.append("g").attr("class", "cm-fit-mark-group");
  g.append("title");
  g.append("path").attr("class", "cm-fit-mark");
  g.append("circle").attr("class", "cm-fit-glyph-bg").attr("r", STYLE.fit.glyphRadius);
  g.append("text").attr("class", "cm-fit-glyph").attr("dy", "0.35em").text(FIT_GLYPH);
  return g;
}

/** Join the mark shapes (from fitmarks.markShapes) into `marksG`. */
export function drawMarkShapes(marksG, shapes) {
  marksG
    .selectAll("g.cm-fit-mark-group")
    .data(shapes, (m) => m.key)
    .join(enterMark)
    .each(function (m) {
      const g = select(this);
      g.select("title").text(m.text);
      g.select("path.cm-fit-mark").attr("d", m.d).attr("data-a", m.a).attr("data-b", m.b);
      g.select("circle.cm-fit-glyph-bg").attr("cx", m.mx).attr("cy", m.my);
      g.select("text.cm-fit-glyph").attr("x", m.mx).attr("y", m.my);
    });
}

/** The marks layer: set(marks) replaces them; redraw() follows moved nodes (`pos`). */
export function marksLayer(marksG, pos, radius) {
  let fitMarks = []; // the widget's fit_marks trait
  let marked = new Set(); // ids of nodes that a fit mark touches
  let points = []; // glyph points of the drawn marks: part of the drawing's extent
  function redraw() {
    const shapes = markShapes(fitMarks, pos, radius);
    marked = new Set(shapes.flatMap((m) => [m.a, m.b]));
    points = shapes.map((m) => ({ x: m.mx, y: m.my }));
    drawMarkShapes(marksG, shapes);
  }
  return {
    redraw,
    /** Replace the fit marks (list of {a, b, given, text}) and draw them. */
    set(marks) {
      fitMarks = Array.isArray(marks) ? marks : [];
      redraw();
    },
    touches: (id) => marked.has(id),
    points: () => points,
  };
}
