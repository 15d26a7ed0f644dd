// The toolbar: its buttons (built here, so their classes and titles are in one place), how
// the widget's status enables them, and what each click does.

import { edit } from "./editing.js";
import { button, el } from "./elements.js";
import { download, pngBlob, svgString } from "./export.js";
import { legendGroup } from "./legend.js";

/** The toolbar's element and its buttons by name. */
export function createToolbar() {
  const element = el("div", "cm-toolbar");
  const b = {
    connect: button("cm-connect", "Connect", "Connect mode: click a cause, then its effect"),
    undo: button("cm-undo", "Undo", "Undo (Ctrl/Cmd+Z)"),
    redo: button("cm-redo", "Redo", "Redo (Ctrl/Cmd+Shift+Z, Ctrl+Y)"),
    fit: button("cm-fit", "Fit", "Fit the graph to the view"),
    layout: button("cm-relayout", "Re-layout", "Recompute the layered layout"),
    svg: button("cm-export-svg", "SVG", "Download the drawing as SVG"),
    png: button("cm-export-png", "PNG", "Download the drawing as PNG"),
    copySvg: button("cm-copy-svg", "Copy SVG", "Copy the SVG to the clipboard"),
    copyDsl: button("cm-copy-dsl", "Copy as %%dag", "Copy the edited graph as a %%dag cell"),
    help: button("cm-help-button", "?", "Keys and gestures"),
    explore: button(
      "cm-explore",
      "Explore",
      "d-separation explorer: click two nodes, then the given set",
    ),
    ancestry: button("cm-ancestry", "Ancestors", "Colour the ancestors of treatment and outcome"),
    present: button("cm-present-button", "Present", "Presenting mode: larger type and nodes"),
    withLegend: button("cm-export-legend", "+Legend", "Exports (SVG, PNG) include the legend"),
  };
  b.withLegend.setAttribute("aria-pressed", "false");
  for (const k of ["explore", "ancestry", "present"]) b[k].setAttribute("aria-pressed", "false");
  b.help.setAttribute("aria-expanded", "false");
  b.connect.setAttribute("aria-pressed", "false");
  const dirtyBadge = el("span", "cm-dirty", "changed since the cell ran");
  dirtyBadge.title = "The graph differs from the cell that made it: copy it back as %%dag text";
  const spacer = el("span", "cm-spacer");
  element.append(b.connect, b.undo, b.redo, b.fit, b.layout, b.explore, b.ancestry, b.present);
  element.append(spacer, dirtyBadge, b.copyDsl);
  element.append(b.withLegend, b.svg, b.png, b.copySvg, b.help);
  dirtyBadge.hidden = b.copyDsl.hidden = true; // until the model says dirty
  return { element, buttons: b, dirtyBadge };
}

/** Which buttons are usable and whether the copy-back controls show (see status.js). */
export function showToolbarStatus({ buttons: b, dirtyBadge }, status) {
  b.connect.disabled = b.layout.disabled = !status.canEdit;
  b.undo.disabled = !status.canUndo;
  b.redo.disabled = !status.canRedo;
  dirtyBadge.hidden = b.copyDsl.hidden = !status.dirty;
}

/** The label of the connect button's state and the hint it shows. */
export function connectHint(on) {
  return on ? "Connect: click a cause, then its effect." : "";
}

/**
 * Wire the buttons. `w` is the widget's wiring (widget.js): model, dom, drawing, view,
 * notes, send, framing and listen.
 */
export function bindToolbar(w) {
  const { buttons: b } = w.dom.toolbar;
  const { root, dslText } = w.dom;
  w.listen(b.connect, "click", () => {
    w.view.connectMode = !w.view.connectMode;
    w.view.connectFrom = null;
    b.connect.setAttribute("aria-pressed", String(w.view.connectMode));
    root.classList.toggle("cm-connecting", w.view.connectMode);
    w.notes.info(connectHint(w.view.connectMode));
  });
  w.listen(b.undo, "click", () => w.send(edit("undo")));
  w.listen(b.redo, "click", () => w.send(edit("redo")));
  w.listen(b.fit, "click", () => {
    w.view.autoFit = true;
    w.framing.fit();
  });
  w.listen(b.layout, "click", () => w.send(edit("relayout", { layout: "layered" })));
  bindExports(w);
  w.listen(b.help, "click", () => {
    const open = w.dom.help.hidden;
    w.dom.help.hidden = !open;
    b.help.setAttribute("aria-expanded", String(open));
  });
  bindLost(w);
  w.listen(b.copyDsl, "click", () => {
    dslText.select();
    copy(w, w.model.get("dsl_text") || "", "The %%dag text");
  });
}

function bindExports(w) {
  const { buttons: b } = w.dom.toolbar;
  const legend = () =>
    b.withLegend.getAttribute("aria-pressed") === "true"
      ? (width) => legendGroup(w.legendItems(), w.model.get("role_colors") || {}, width)
      : null;
  const svg = () =>
    svgString(w.dom.svgEl, w.drawing.extent(), {
      radius: w.radius,
      title: w.model.get("title"),
      legend: legend(),
    });
  w.listen(b.withLegend, "click", () => {
    const on = b.withLegend.getAttribute("aria-pressed") !== "true";
    b.withLegend.setAttribute("aria-pressed", String(on));
  });
  const fileBase = () => w.model.get("name") || "dag";
  w.listen(b.svg, "click", () =>
    download(new Blob([svg()], { type: "image/svg+xml" }), `${fileBase()}.svg`),
  );
  w.listen(b.png, "click", () =>
    pngBlob(svg())
      .then((blob) => download(blob, `${fileBase()}.png`))
      .catch((err) => w.notes.say(String(err.message || err))),
  );
  w.listen(b.copySvg, "click", () => copy(w, svg(), "SVG"));
}

/** The lost-edits note's buttons: show the text, copy it, dismiss the note (view only). */
function bindLost(w) {
  const { show, copy: copyButton, dismiss, area, box } = w.dom.lost;
  w.listen(show, "click", () => {
    area.hidden = !area.hidden;
    show.textContent = area.hidden ? "Show them" : "Hide them";
  });
  w.listen(copyButton, "click", () =>
    copy(w, w.model.get("lost_text") || "", "The lost edits", area),
  );
  w.listen(dismiss, "click", () => {
    box.hidden = true;
    w.view.lostDismissed = w.model.get("lost_text");
  });
}

/** Copy `text` to the clipboard, or show it in a text box (`box`) to copy by hand. */
async function copy(w, text, what, box = w.dom.dslText) {
  const dslText = box;
  try {
    await navigator.clipboard.writeText(text);
    w.notes.info(`${what} copied to the clipboard.`);
  } catch {
    w.notes.info("The clipboard is not available here: select the text below and copy it.");
    dslText.hidden = false;
    dslText.value = text;
    dslText.select();
  }
}
