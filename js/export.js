// Export the drawing as a standalone SVG or PNG. The live SVG is styled by widget.css
// (theme variables), so the export copies the computed styles onto a clone: the file
// then looks the same anywhere, without the stylesheet.

import { bounds } from "./layout.js";
import { STYLE } from "./style.js";

const STYLE_PROPS = [
  "fill",
  "fill-opacity",
  "stroke",
  "stroke-width",
  "stroke-dasharray",
  "stroke-opacity",
  "stroke-linejoin",
  "paint-order",
  "opacity",
  "display",
  "font-family",
  "font-size",
  "font-weight",
  "text-anchor",
  "dominant-baseline",
];

/**
 * A standalone SVG string of the whole graph (not just the zoomed part); `legend(width)`,
 * when given, returns a live <g> (legend.js legendGroup) put under the drawing.
 */
export function svgString(
  svgEl,
  nodes,
  { radius = STYLE.node.radius, title = "", legend = null } = {},
) {
  const [bx0, , bx1] = bounds(nodes, radius);
  const extra = legend ? legend(bx1 - bx0 + 32) : null;
  if (extra) svgEl.append(extra); // in the live SVG for a moment, so its styles compute
  const clone = svgEl.cloneNode(true);
  const live = [svgEl, ...svgEl.querySelectorAll("*")];
  const copies = [clone, ...clone.querySelectorAll("*")];
  live.forEach((el, i) => {
    const cs = getComputedStyle(el);
    const style = STYLE_PROPS.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(";");
    copies[i].setAttribute("style", style);
  });
  const legendH = extra ? extra.getBBox?.().height || 0 : 0;
  if (extra) extra.remove();
  for (const el of clone.querySelectorAll(".cm-edge-hit, .cm-temp-edge, .cm-bend-handle"))
    el.remove();
  const [x0, y0, x1, y1] = bounds(nodes, radius);
  const band = title ? STYLE.title.band : 0;
  const m = 16;
  const w = x1 - x0 + 2 * m;
  const h = y1 - y0 + 2 * m + band + (legendH ? legendH + 8 : 0);
  const vx = x0 - m;
  const vy = y0 - m - band;
  clone.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  clone.setAttribute("viewBox", `${vx} ${vy} ${w} ${h}`);
  clone.setAttribute("width", String(Math.round(w)));
  clone.setAttribute("height", String(Math.round(h)));
  clone.removeAttribute("class");
  const vp = clone.querySelector(".cm-viewport");
  if (vp) vp.removeAttribute("transform");
  const bg = clone.querySelector(".cm-background");
  if (bg) {
    bg.setAttribute("x", vx);
    bg.setAttribute("y", vy);
    bg.setAttribute("width", w);
    bg.setAttribute("height", h);
  }
  const lg = clone.querySelector(".cm-export-legend");
  if (lg) lg.setAttribute("transform", `translate(${x0 - m + 8},${y1 + m})`);
  const t = clone.querySelector(".cm-title");
  if (t) {
    t.setAttribute("x", (x0 + x1) / 2);
    t.setAttribute("y", y0 - m - band / 2 + 6);
  }
  return new XMLSerializer().serializeToString(clone);
}

/** Offer `blob` as a file download named `name`. */
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Render an SVG string to a PNG blob at `scale` times its size. */
export function pngBlob(svg, scale = 2) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => {
      const canvas = document.createElement("canvas");
      canvas.width = Math.ceil(img.width * scale);
      canvas.height = Math.ceil(img.height * scale);
      const ctx = canvas.getContext("2d");
      ctx.scale(scale, scale);
      ctx.drawImage(img, 0, 0);
      canvas.toBlob(
        (b) => (b ? resolve(b) : reject(new Error("PNG encoding failed"))),
        "image/png",
      );
    };
    img.onerror = () => reject(new Error("the SVG could not be rendered to PNG"));
    img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg);
  });
}
