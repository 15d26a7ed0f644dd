// The widget as a teaching tool: the panel's clicks and hovers, the d-separation explorer
// mode, the ancestor view and presenting mode. The view's own teaching state lives here
// (what is picked, hovered, folded, toggled: never sent to Python except the explorer's
// question, which Python validates and answers in the `explore` trait). panel.js holds the
// pure parts and the DOM writers; this module wires them to the toolbar and the drawing.

import { el } from "./elements.js";
import { STYLE } from "./style.js";
import {
  applyAncestry,
  applyHighlight,
  drawPanel,
  exploreClick,
  exploreHint,
  highlightOf,
  panelHead,
  panelSections,
} from "./panel.js";

/** How much bigger presenting mode draws (the drawing's height and its largest zoom;
 *  causal_magic/style.py PRESENT_SCALE, which the static SVG uses too). */
export const PRESENT_FACTOR = STYLE.present?.scale ?? 1.6;

/** A fresh teaching state for one view. */
export function createTeaching(present = false) {
  return {
    explore: { on: false, a: null, b: null, given: [] },
    picked: null, // the clicked panel item whose nodes are ringed
    hovered: null, // the explorer path under the pointer
    folded: false,
    ancestry: false,
    present: Boolean(present),
  };
}

/** Re-class the drawing for the teaching state (after every redraw of the graph). */
export function markDrawing(w) {
  const t = w.teach;
  const explore = w.model.get("explore") || {};
  const overlay = w.model.get("overlay") || {};
  const hl = highlightOf(t.picked, explore, t.hovered);
  applyHighlight(w.dom.svgEl, hl, explore, w.model.get("bidirected") || [], w.radius);
  applyAncestry(w.dom.svgEl, t.ancestry, overlay.panel?.ancestry);
  w.dom.root.classList.toggle("cm-ancestry-view", t.ancestry);
}

/** Redraw the panel (the drawing is above it: the panel's size never moves the nodes). */
export function drawTeachPanel(w) {
  const t = w.teach;
  const overlay = w.model.get("overlay") || {};
  const explore = w.model.get("explore") || {};
  drawPanel(w.dom.panel, {
    head: panelHead(overlay),
    sections: panelSections(overlay, explore),
    state: { folded: t.folded, picked: t.picked },
    el,
    handlers: {
      fold() {
        t.folded = !t.folded;
        drawTeachPanel(w);
      },
      pick(item) {
        t.picked = item;
        drawTeachPanel(w);
        markDrawing(w);
      },
      hover(item) {
        t.hovered = item;
        markDrawing(w);
      },
      compute() {
        ask(w, { type: "overlay" }); // a large graph's analysis, on request
      },
    },
  });
}

/** Ask Python (any mode: a question is not an edit); false when there is no kernel. */
function ask(w, msg) {
  try {
    w.model.send(msg);
    return true;
  } catch (err) {
    w.notes.say(`Could not reach the kernel: ${err}`);
    return false;
  }
}

/** Python's answer is the truth: the explorer's pair and set follow the `explore` trait
 *  (cleared there when a node of the question is gone or the graph was replaced). */
export function adoptExplore(w) {
  const answer = w.model.get("explore") || {};
  const ex = w.teach.explore;
  if (answer.a) Object.assign(ex, { a: answer.a, b: answer.b, given: [...answer.given] });
  else if (ex.b !== null) Object.assign(ex, { a: null, b: null, given: [] });
  w.teach.hovered = null;
}

/** A click on node `id`: true when the explorer took it (explore mode is on). */
export function teachClick(w, id) {
  const ex = w.teach.explore;
  if (!ex.on) return false;
  ask(w, exploreClick(ex, id));
  w.notes.info(exploreHint(ex));
  return true;
}

function press(button, on) {
  button.setAttribute("aria-pressed", String(on));
}

/** Wire the teaching buttons of the toolbar (explore, ancestors, present, legend). */
export function bindTeaching(w) {
  const b = w.dom.toolbar.buttons;
  const t = w.teach;
  w.dom.root.classList.toggle("cm-present", t.present);
  press(b.present, t.present);
  w.listen(b.explore, "click", () => {
    const ex = t.explore;
    ex.on = !ex.on;
    Object.assign(ex, { a: null, b: null, given: [] });
    press(b.explore, ex.on);
    w.dom.root.classList.toggle("cm-exploring", ex.on);
    ask(w, { type: "explore", a: null });
    w.notes.info(ex.on ? exploreHint(ex) : "");
  });
  w.listen(b.ancestry, "click", () => {
    t.ancestry = !t.ancestry;
    press(b.ancestry, t.ancestry);
    markDrawing(w);
    w.refresh.legend();
  });
  w.listen(b.present, "click", () => {
    t.present = !t.present;
    press(b.present, t.present);
    w.dom.root.classList.toggle("cm-present", t.present);
    w.framing.layoutBox();
    w.view.autoFit = true;
    w.framing.fit();
  });
}
