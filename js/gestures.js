// Pointer gestures on the drawing: dragging a node moves it (shift+drag draws a new edge),
// dragging an edge's middle (its handle) bends it and double-clicking the handle of a bent
// edge straightens it, clicking selects (or connects, in connect mode), double-clicking
// the background names a new node. Each finished gesture becomes one edit message; Python
// validates it.

import { drag } from "d3-drag";
import { pointer } from "d3-selection";
import { edit } from "./editing.js";
import { teachClick } from "./teaching.js";
import { nodeAt } from "./layout.js";
import { edgeSelection, nodeClick, roundCoord } from "./view.js";

/** The drag behaviour for nodes (attach with `drawing.viewport.selectAll(...).call`). */
export function nodeDragger(w) {
  const { drawing, view } = w;
  let state = null;
  return drag()
    .container(() => drawing.viewport.node())
    .subject((event, d) => {
      const p = drawing.position(d.id);
      return { x: p?.x ?? 0, y: p?.y ?? 0 };
    })
    .on("start", (event, d) => {
      const linking = Boolean(event.sourceEvent?.shiftKey);
      state = { id: d.id, linking, moved: false, refused: !w.editable(), el: null };
      view.autoFit = false; // the user placed things by hand: never re-frame under their pointer
      state.el = event.sourceEvent?.target?.closest?.(".cm-node") ?? null;
      if (!state.refused && !linking) drawing.hold(d.id);
    })
    .on("drag", (event) => {
      if (!state) return;
      state.moved = true;
      if (state.refused) return;
      if (state.linking) drawing.showTemp(state.id, event.x, event.y);
      else drawing.moveNode(state.id, event.x, event.y, state.el);
    })
    .on("end", (event) => {
      const s = state;
      state = null;
      drawing.hold(null);
      drawing.hideTemp();
      if (s && s.moved) dropped(w, s, event);
    });
}

/** A finished drag: send the move, or the new edge when it was a shift+drag. */
function dropped(w, s, event) {
  if (s.refused) {
    w.refused(); // shows why
    return;
  }
  if (s.linking) {
    const target = nodeAt(w.drawing.nodes(), event.x, event.y, w.radius);
    if (target && target.id !== s.id) {
      w.send(edit("add_edge", { source: s.id, target: target.id }));
    }
    return;
  }
  w.send(edit("move", { id: s.id, x: roundCoord(event.x), y: roundCoord(event.y) }));
}

/** The edge a bend message names: `source`/`target`, or `a`/`b` for a <->. */
export function bendEnds(d) {
  return d.source !== undefined ? { source: d.source, target: d.target } : { a: d.a, b: d.b };
}

/** The drag behaviour for edge handles (circle.cm-bend-handle, whose datum is the edge):
 *  the curve follows the pointer, and the drop is sent as a `bend` through that point. */
export function bendDragger(w) {
  const { drawing, view } = w;
  let state = null;
  return drag()
    .container(() => drawing.viewport.node())
    .subject((event) => {
      const c = event.sourceEvent?.target;
      return { x: Number(c?.getAttribute?.("cx")) || 0, y: Number(c?.getAttribute?.("cy")) || 0 };
    })
    .on("start", (event, d) => {
      state = { d, moved: false, refused: !w.editable() };
      view.autoFit = false;
    })
    .on("drag", (event) => {
      if (!state) return;
      state.moved = true;
      if (!state.refused) drawing.previewBend(state.d, event.x, event.y);
    })
    .on("end", (event) => {
      const s = state;
      state = null;
      if (!s || !s.moved) return;
      if (s.refused) {
        w.refused();
        return;
      }
      const [x, y] = [roundCoord(event.x), roundCoord(event.y)];
      w.send(edit("bend", { ...bendEnds(s.d), x, y }));
    });
}

/** A double click on a bent edge's handle: the message that straightens it, or null. */
export function straightenMessage(target) {
  const handle = target?.closest?.(".cm-bend-handle");
  if (!handle || !handle.closest?.(".cm-bent")) return null;
  const at = (k) => handle.getAttribute(k);
  if (at("data-a") !== null) return edit("straighten", { a: at("data-a"), b: at("data-b") });
  return edit("straighten", { source: at("data-source"), target: at("data-target") });
}

/** Clicks and double clicks on the drawing. */
export function bindClicks(w) {
  const { drawing, view, notes } = w;
  drawing.svg.on("click", (event) => {
    const nodeEl = event.target.closest?.(".cm-node");
    const edgeG = event.target.closest?.(".cm-edge-group");
    w.dom.root.focus({ preventScroll: true });
    if (nodeEl) {
      if (teachClick(w, nodeEl.getAttribute("data-id"))) return; // the explorer's pick
      const act = nodeClick(view, nodeEl.getAttribute("data-id"));
      if (act.select) w.select(act.select);
      if (act.say !== undefined) notes.info(act.say);
      if (act.send) w.send(act.send);
      return;
    }
    if (edgeG) {
      w.select(edgeSelection(edgeG.querySelector("path.cm-edge")));
      return;
    }
    view.connectFrom = null;
    w.select(null);
  });

  drawing.svg.on("dblclick", (event) => {
    const straighten = straightenMessage(event.target);
    if (straighten) {
      event.preventDefault();
      if (!w.refused()) w.send(straighten);
      return;
    }
    if (event.target.closest?.(".cm-node, .cm-edge-group")) return;
    event.preventDefault();
    if (w.refused()) return;
    const [gx, gy] = pointer(event, drawing.viewport.node());
    w.textInput.open(gx, gy, "", (name) =>
      w.send(edit("add_node", { id: name, x: roundCoord(gx), y: roundCoord(gy) })),
    );
  });
}
