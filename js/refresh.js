// From the model to the screen: each function redraws what one group of traits says
// (the graph, the overlay panel, the status), so a trait change redraws only its part.

import { keepSelection } from "./editing.js";
import { el } from "./elements.js";
import { drawLegend, legendItems } from "./legend.js";
import { showStatus, statusOf } from "./status.js";
import { drawTeachPanel, markDrawing } from "./teaching.js";

/** The drawing's data from the model's traits. */
export function graphData(model) {
  return {
    nodes: model.get("nodes") || [],
    edges: model.get("edges") || [],
    bidirected: model.get("bidirected") || [],
  };
}

/** The redraw functions of one view. */
export function createRefresh(w) {
  const { model, drawing, view, dom } = w;

  /** Draw the graph and the overlay; keep the selection if its item still exists. */
  function graph() {
    const d = graphData(model);
    view.selection = keepSelection(view.selection, d.nodes, d.edges, d.bidirected);
    drawing.update(d, model.get("overlay") || {}, view.selection);
    dom.svgEl.setAttribute("aria-label", `causal graph: ${d.nodes.length} nodes`);
    if (view.autoFit) w.framing.fit();
    drawing.viewport.selectAll("g.cm-node").call(w.dragger); // new nodes can be dragged
    drawing.viewport.selectAll("circle.cm-bend-handle").call(w.bendDragger); // and edges bent
    markDrawing(w);
    legend();
  }

  /** What the legend lists now (also what an export with the legend shows). */
  w.legendItems = () =>
    legendItems({
      ...graphData(model),
      overlay: model.get("overlay") || {},
      fitMarks: model.get("fit_marks") || [],
      ancestry: w.teach.ancestry ? model.get("overlay")?.panel?.ancestry : null,
      explore: model.get("explore") || {},
    });

  /** The legend: what is on the drawing now (roles, edge styles, marks). */
  function legend() {
    drawLegend(dom.legend, w.legendItems(), model.get("role_colors") || {}, el);
  }

  /** The panel (panel.js, via teaching.js) and what the explorer marks on the drawing. */
  function panel() {
    drawTeachPanel(w);
    markDrawing(w);
    legend();
  }

  function status() {
    const s = statusOf({
      mode: w.mode(),
      reason: model.get("mode_reason"),
      live: view.live,
      staticExplained: view.staticExplained,
      connecting: view.connecting,
      structural: model.get("structure_changed"),
      lostText: model.get("lost_text"),
      lostDismissed: view.lostDismissed,
      canUndo: model.get("can_undo"),
      canRedo: model.get("can_redo"),
      dirty: model.get("dirty"),
      dslText: model.get("dsl_text"),
    });
    showStatus(dom, s);
  }

  /** Select `selection` (or nothing) and redraw to show it. */
  function select(selection) {
    view.selection = selection;
    drawing.update(graphData(model), model.get("overlay") || {}, selection);
    markDrawing(w);
  }

  /** Everything, as on the first render. */
  function all() {
    w.framing.layoutBox();
    drawing.setMarks(model.get("fit_marks"));
    graph();
    panel();
    status();
  }

  return { graph, panel, status, select, all, legend };
}
