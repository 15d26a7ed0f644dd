// The drawing's look: every size, offset, dash pattern and shared colour, defined once in
// Python (causal_magic/style.py, which also draws the static SVG with them) and generated
// into style.json (`python -m causal_magic.style`; tests/test_style.py keeps it current).
// The pure helpers read their numbers from STYLE; the stylesheet reads its numbers from
// the CSS custom properties that applyStyle sets on the widget's root.

import STYLE from "./style.json" with { type: "json" };

export { STYLE };

const px = (v) => `${v}px`;

/** The CSS custom properties widget.css draws with (name -> value). */
export function cssVariables(style = STYLE) {
  const { node, edge, fit, title, colors } = style;
  return {
    "--cm-causal": colors.causal,
    "--cm-biasing": colors.biasing,
    // the theme's warning colour where there is one (JupyterLab), else the static SVG's
    "--cm-label": `var(--jp-warn-color1, ${colors.label})`,
    "--cm-edge-width": px(edge.width),
    "--cm-causal-width": px(edge.causalWidth),
    "--cm-biasing-width": px(edge.biasingWidth),
    "--cm-biasing-dash": edge.biasingDash,
    "--cm-bidirected-dash": edge.bidirectedDash,
    "--cm-edge-label-size": px(edge.labelSize),
    "--cm-fit-width": px(fit.width),
    "--cm-fit-dash": fit.dash,
    "--cm-fit-glyph-stroke": px(fit.glyphStroke),
    "--cm-fit-glyph-size": px(fit.glyphSize),
    "--cm-title-size": px(title.size),
    "--cm-node-outline": px(node.outline),
    "--cm-label-halo": px(node.labelHalo),
    "--cm-latent-width": px(node.latentWidth),
    "--cm-latent-dash": node.latentDash,
    "--cm-ring-width": px(node.ringWidth),
    "--cm-present-font": px(style.present.fontSize),
  };
}

/** Set the look's custom properties on `el` (the widget's root). */
export function applyStyle(el, style = STYLE) {
  for (const [name, value] of Object.entries(cssVariables(style))) {
    el.style.setProperty(name, value);
  }
}

/** Fill colour of a node with `role` (`colors`: the widget's role_colors trait). */
export function roleColor(colors, role) {
  return colors?.[role] ?? colors?.default ?? STYLE.colors.roles.default;
}
