// The widget's DOM skeleton (docs/widget-dom.md): the root, the toolbar, the stage with the
// drawing and its floating notes, the overlay panel and the copy-back text. Built once per
// view; every later change only toggles classes, attributes and text.

import { button, el } from "./elements.js";
import { fillHelp } from "./help.js";
import { createToolbar } from "./toolbar.js";

/** The note about edits a re-run cell replaced (filled from the lost_text trait). */
function lostNote() {
  const box = el("div", "cm-lost");
  box.setAttribute("role", "status");
  box.hidden = true;
  const text = el(
    "span",
    "cm-lost-what",
    "Running the cell replaced edits made in the drawing since its last run.",
  );
  const show = button("cm-lost-show", "Show them", "Show the edited graph as %%dag text");
  const copy = button("cm-lost-copy", "Copy as %%dag", "Copy the edited graph as a %%dag cell");
  const dismiss = button("cm-lost-dismiss", "Dismiss", "Hide this note");
  const area = el("textarea", "cm-lost-text");
  area.readOnly = true;
  area.spellcheck = false;
  area.hidden = true;
  box.append(text, show, copy, dismiss, area);
  return { box, show, copy, dismiss, area };
}

/** Build the widget's elements inside `host`; returns them by name. */
export function buildDom(host) {
  const root = el("div", "cm-dag");
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  root.setAttribute("tabindex", "0");
  root.setAttribute("data-mode", "static");
  const toolbar = createToolbar();
  const note = el("div", "cm-mode-note");
  const message = el("div", "cm-message");
  message.setAttribute("role", "status");
  message.setAttribute("aria-live", "polite");
  const svgEl = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svgEl.setAttribute("class", "cm-svg");
  svgEl.setAttribute("role", "img");
  const panel = el("div", "cm-overlay-panel");
  const legend = el("div", "cm-legend");
  legend.setAttribute("aria-label", "legend");
  legend.hidden = true;
  const help = el("div", "cm-help");
  help.hidden = true;
  fillHelp(help, el);
  const lost = lostNote();
  const dslText = el("textarea", "cm-dsl-text");
  dslText.readOnly = true;
  dslText.spellcheck = false;
  dslText.hidden = true; // until the model says dirty
  // The notes float over the drawing, so showing one never moves the nodes under the pointer.
  const stage = el("div", "cm-stage");
  const notes = el("div", "cm-notes");
  notes.append(note, message);
  stage.append(svgEl, notes);
  root.append(toolbar.element, help, lost.box, stage, legend, panel, dslText);
  host.appendChild(root);
  return { root, toolbar, note, message, svgEl, panel, dslText, legend, help, lost };
}
