// Framing the drawing: the view's size, zoom and pan (view only, never sent to Python),
// fitting the whole graph below the title, and refitting when the element gets its real
// size. The view frames the graph by itself until the user zooms, pans or drags.

import { zoom, zoomIdentity } from "d3-zoom";
import { bounds, fitTransform } from "./layout.js";
import { STYLE } from "./style.js";
import { PRESENT_FACTOR } from "./teaching.js";

/** The view's size in px: the model's, else the element's, else a default width. */
export function viewSize(model, svgEl, host) {
  const width = model.get("width") || svgEl.clientWidth || host.clientWidth || 600;
  return { width, height: model.get("height") || 300 };
}

/** Milliseconds the "Ctrl + wheel to zoom" hint stays. */
const WHEEL_HINT_MS = 1800;

/**
 * Zoom events to handle. The wheel belongs to the page (a notebook scrolls past drawings):
 * it zooms only with Ctrl/Cmd held (a trackpad pinch is a wheel with ctrlKey) or once the
 * user clicked into the widget (`engaged`), as maps embedded in pages do. A primary-button
 * drag off the nodes pans.
 */
export function zoomFilter(event, engaged = false) {
  if (event.type === "wheel") return Boolean(engaged || event.ctrlKey || event.metaKey);
  if (event.button) return false;
  return !event.target.closest?.(".cm-node");
}

/** The framing of one view: fit(), layoutBox() (size and title) and observeSize(). */
export function createFraming(w) {
  const { model, drawing, view, host } = w;
  const { root, svgEl } = w.dom;
  const factor = () => (w.teach?.present ? PRESENT_FACTOR : 1); // presenting mode: bigger
  const size = () => {
    const s = viewSize(model, svgEl, host);
    return { width: s.width, height: Math.round(s.height * factor()) };
  };
  const zoomer = zoom()
    // An explicit extent: d3's default reads svg.width.baseVal, which throws for "100%"
    // while anywidget renders into an element not yet attached to the page.
    .extent(() => {
      const { width, height } = size();
      return [
        [0, 0],
        [width, height],
      ];
    })
    .scaleExtent([0.05, 8])
    .filter((event) => zoomFilter(event, view.engaged))
    .on("zoom", (event) => {
      drawing.viewport.attr("transform", event.transform);
      if (event.sourceEvent) view.autoFit = false;
    });
  drawing.svg.call(zoomer).on("dblclick.zoom", null);
  let hintTimer = null;
  w.listen(svgEl, "wheel", (event) => {
    if (zoomFilter(event, view.engaged)) return;
    w.notes.info("Ctrl + wheel (⌘ + wheel on a Mac) zooms; or click the drawing first.");
    clearTimeout(hintTimer);
    hintTimer = setTimeout(() => {
      if (w.notes.said().startsWith("Ctrl + wheel")) w.notes.say("");
    }, WHEEL_HINT_MS);
  });

  function fit() {
    const { width, height } = size();
    const top = model.get("title") ? STYLE.title.band : 0;
    const maxScale = 1.5 * factor();
    const t = fitTransform(bounds(drawing.extent(), w.radius), width, height, { top, maxScale });
    drawing.svg.call(zoomer.transform, zoomIdentity.translate(t.x, t.y).scale(t.k));
  }

  function layoutBox() {
    const { width, height } = size();
    svgEl.style.height = `${height}px`;
    svgEl.style.width = model.get("width") ? `${model.get("width")}px` : "100%";
    root.style.maxWidth = model.get("width") ? `${model.get("width")}px` : "";
    drawing.background.attr("width", "100%").attr("height", "100%");
    drawing.setTitle(model.get("title"), width);
  }

  /** Fit once the element has a real size (it may render before being attached). */
  function observeSize() {
    if (typeof ResizeObserver === "undefined") return () => {};
    let lastW = 0;
    const ro = new ResizeObserver(() => {
      const width = svgEl.clientWidth;
      if (width && width !== lastW) {
        lastW = width;
        drawing.setTitle(model.get("title"), width);
        if (view.autoFit) fit();
      }
    });
    ro.observe(svgEl);
    return () => ro.disconnect();
  }

  return { fit, layoutBox, observeSize };
}
