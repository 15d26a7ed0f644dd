import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { textLines, labelPoint } from "./geometry.js";
import { FIT_GLYPH, markShape } from "./fitmarks.js";
import { bounds } from "./layout.js";
import { STYLE, applyStyle, cssVariables, roleColor } from "./style.js";

const CSS = readFileSync(new URL("./widget.css", import.meta.url), "utf8");

test("every look variable the stylesheet uses comes from STYLE, and only from there", () => {
  const vars = cssVariables();
  const definedInCss = new Set([...CSS.matchAll(/(--cm-[\w-]+)\s*:/g)].map((m) => m[1]));
  const used = new Set([...CSS.matchAll(/var\((--cm-[\w-]+)/g)].map((m) => m[1]));
  for (const name of used) {
    if (name === "--cm-node-color") continue; // set per node by drawing.js
    assert.ok(definedInCss.has(name) || name in vars, `${name} is defined nowhere`);
  }
  for (const name of Object.keys(vars)) {
    assert.ok(used.has(name), `${name} is set but widget.css never uses it`);
    assert.ok(!definedInCss.has(name), `${name} is also defined in widget.css`);
  }
  for (const dash of [STYLE.edge.biasingDash, STYLE.fit.dash, STYLE.node.latentDash]) {
    assert.ok(!CSS.includes(`: ${dash};`), `widget.css repeats the dash pattern ${dash}`);
  }
});

test("the variables carry STYLE's values", () => {
  const look = structuredClone(STYLE);
  look.edge.biasingDash = "1 2";
  look.fit.width = 7;
  look.colors.causal = "#123456";
  const vars = cssVariables(look);
  assert.equal(vars["--cm-biasing-dash"], "1 2");
  assert.equal(vars["--cm-fit-width"], "7px");
  assert.equal(vars["--cm-causal"], "#123456");
  assert.match(vars["--cm-label"], new RegExp(STYLE.colors.label));
  const set = new Map();
  applyStyle({ style: { setProperty: (k, v) => set.set(k, v) } }, look);
  assert.equal(set.get("--cm-biasing-dash"), "1 2");
  assert.equal(set.size, Object.keys(vars).length);
});

test("the pure helpers draw with STYLE's numbers", () => {
  const [, y] = labelPoint({ x: 0, y: 0 }, { x: 100, y: 0 });
  assert.equal(y, -STYLE.edge.labelRise);
  const [x0, y0] = bounds([{ x: 0, y: 0 }], 10);
  assert.deepEqual([x0, y0], [-10 - STYLE.bounds.padX, -10 - STYLE.bounds.padY]);
  const [a, b] = textLines("a\nb", 10);
  assert.ok(Math.abs(b.y - a.y - 10 * STYLE.node.lineHeight) < 1e-9);
  assert.equal(FIT_GLYPH, STYLE.fit.glyph);
  const far = markShape({ x: 0, y: 0 }, { x: 0, y: 1000 }, 26); // apex: a share of the chord
  assert.ok(Math.abs(far.mx - STYLE.fit.apexShare * 1000) < 15);
});

test("role colours: the trait's, else its default, else the generated default", () => {
  assert.equal(roleColor({ treatment: "#111111", default: "#222222" }, "treatment"), "#111111");
  assert.equal(roleColor({ default: "#222222" }, "outcome"), "#222222");
  assert.equal(roleColor({}, null), STYLE.colors.roles.default);
  assert.equal(roleColor(undefined, "x"), STYLE.colors.roles.default);
});
