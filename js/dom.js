// The widget's DOM skeleton (docs/widget-dom.md): the root, the toolbar, the stage with the
// drawing and its floating notes, the overlay panel and the copy-back text. Built once per
// view; every later change only toggles classes, attributes and text.

import { el } from "./elements.js";
import { createToolbar } from "./toolbar.js";

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
  const dslText = el("textarea", "cm-dsl-text");
  dslText.readOnly = true;
  dslText.spellcheck = false;
  dslText.hidden = true; // until the model says dirty
  // The notes float over the drawing, so showing one never moves the nodes under the pointer.
  const stage = el("div", "cm-stage");
  const notes = el("div", "cm-notes");
  notes.append(note, message);
  stage.append(svgEl, notes);
  root.append(toolbar.element, stage, panel, dslText);
  host.appendChild(root);
  return { root, toolbar, note, message, svgEl, panel, dslText };
}
