// The panel under the drawing: what DAGitty's panel lists (adjustment sets, forced nodes,
// instruments, testable implications, what identification says when adjustment fails) and
// the d-separation explorer's answer. Python computes every list (causal_magic/panel.py,
// shipped in the `overlay` and `explore` traits); this module only arranges them and prints
// them as text (never HTML). Clicking an item rings its nodes on the drawing; hovering an
// explorer path highlights it in its own colour. panelSections and highlightOf are pure
// (tested in panel.test.js); drawPanel and applyHighlight touch the DOM.

/** Explorer paths cycle through this many colours (widget.css: .cm-path-0 ... -5). */
export const PATH_COLORS = 6;

const fmt = (names) => `{${names.join(", ")}}`;

function adjustmentSection(adj, minimal) {
  const items = [];
  const forced = adj.forced ?? [];
  if (forced.length) {
    items.push({
      text: `Forced (adjusted for by hand): ${fmt(forced)}`,
      nodes: forced,
      kind: "forced",
    });
  }
  if (minimal === null || minimal === undefined) {
    items.push({ text: "No adjustment set exists.", kind: "none" });
    return { key: "sets", title: "Adjustment sets", items };
  }
  adj.items.forEach((set, i) => {
    const inUse = i === adj.in_use;
    const words = set.length ? fmt(set) : "{} (no adjustment needed)";
    const extra = forced.length ? ` + forced ${fmt(forced)}` : "";
    items.push({
      text: `${words}${extra}${inUse ? "  (in use)" : ""}`,
      nodes: [...set, ...forced],
      kind: "set",
      inUse,
    });
  });
  const rest = adj.total - adj.items.length;
  if (rest > 0) items.push({ text: `and ${rest}${adj.more ? " or more" : ""} more`, kind: "more" });
  const title = `Minimal adjustment sets (${adj.total}${adj.more ? "+" : ""})`;
  return { key: "sets", title, items };
}

function beyondSection(beyond) {
  const items = [{ text: beyond.reason, kind: "reason" }];
  if (beyond.frontdoor?.length) {
    items.push({
      text: `Front-door set: ${fmt(beyond.frontdoor)}`,
      nodes: beyond.frontdoor,
      kind: "frontdoor",
    });
  }
  if (beyond.formula) items.push({ text: beyond.formula, kind: "formula" });
  if (beyond.path) items.push({ text: `Cannot be blocked: ${beyond.path}`, kind: "unblockable" });
  return { key: "beyond", title: "Identification", items };
}

function instrumentSection(list) {
  const items = list.map((iv) => ({
    text: iv.given.length ? `${iv.z} given ${fmt(iv.given)}` : iv.z,
    nodes: [...iv.given],
    pair: [iv.z],
    kind: "instrument",
  }));
  return { key: "instruments", title: "Instrumental variables", items };
}

function implicationSection(imp) {
  if (imp.total === null || imp.total === undefined) {
    const text =
      `Not listed live for ${imp.skipped} nodes: cm.implied_independencies(G) lists them, ` +
      "%dag G --check df tests them.";
    return { key: "implications", title: "Testable implications", items: [{ text, kind: "none" }] };
  }
  const items = imp.items.map((i) => ({
    text: i.text,
    nodes: i.given,
    pair: [i.a, i.b],
    kind: "implication",
  }));
  const rest = imp.total - imp.items.length;
  if (rest > 0) items.push({ text: `and ${rest} more`, kind: "more" });
  if (!imp.total) items.push({ text: "None: every pair of nodes is adjacent.", kind: "none" });
  return { key: "implications", title: `Testable implications (${imp.total})`, items };
}

/** The explorer's section: the verdict, then one item per path (open ones first coloured). */
export function exploreSection(explore) {
  if (!explore || !explore.a) return null;
  const items = [{ text: explore.verdict, kind: "verdict", separated: explore.separated }];
  explore.paths.forEach((p, i) => {
    items.push({
      text: `${p.text} -- ${p.reason}`,
      kind: "path",
      open: p.open,
      edges: p.edges,
      pathNodes: p.nodes,
      color: i % PATH_COLORS,
    });
  });
  if (explore.truncated) {
    items.push({ text: `(only the first ${explore.paths.length} paths)`, kind: "more" });
  }
  return { key: "explore", title: "d-separation explorer", items };
}

/**
 * The panel's sections, in order: explorer, then adjustment (or identification), instruments
 * and implications. `[]` without a treatment and an outcome and without an explorer question.
 * @returns {{key, title, items: {text, kind, nodes?, pair?, edges?}[]}[]}
 */
export function panelSections(overlay, explore) {
  const out = [];
  const ex = exploreSection(explore);
  if (ex) out.push(ex);
  if (overlay?.deferred) {
    const text =
      `Not computed live for ${overlay.deferred.toLocaleString("en-US")} edges: click here to compute the causal ` +
      "paths, adjustment sets and the lists (w.compute_overlay() in Python does the same).";
    out.push({ key: "deferred", title: "Analysis", items: [{ text, kind: "compute" }] });
    return out;
  }
  const p = overlay?.panel;
  if (!p) return out;
  out.push(adjustmentSection(p.adjustment, overlay.minimal));
  if (p.beyond) out.push(beyondSection(p.beyond));
  if (p.instruments.length) out.push(instrumentSection(p.instruments));
  else if (p.instruments_skipped) {
    const text =
      `Not listed live for ${p.instruments_skipped} nodes: ` +
      "cm.instrumental_variables(G, X, Y) lists them.";
    out.push({
      key: "instruments",
      title: "Instrumental variables",
      items: [{ text, kind: "none" }],
    });
  }
  out.push(implicationSection(p.implications));
  return out;
}

/** The headline: "Effect of X on Y" (or the explorer's pair), with the error if any. */
export function panelHead(overlay) {
  if (!overlay?.treatment || !overlay?.outcome) return "";
  const head = `Effect of ${overlay.treatment.join(", ")} on ${overlay.outcome.join(", ")}`;
  return overlay.error ? `${head}: overlay unavailable: ${overlay.error}` : head;
}

/**
 * What to highlight on the drawing for a picked item and a hovered path.
 * @returns {{ring: Set, pair: Set, edges: Map<string, string>}} edges: "u\0v" -> class
 */
export function highlightOf(picked, explore, hovered) {
  const ring = new Set(picked?.nodes ?? []);
  const pair = new Set(picked?.pair ?? []);
  const edges = new Map();
  const key = (u, v) => `${u}\u0000${v}`;
  for (const p of explore?.paths ?? []) {
    if (p.open) for (const [u, v] of p.edges) edges.set(key(u, v), "cm-open-path");
  }
  if (hovered?.edges) {
    for (const [u, v] of hovered.edges) edges.set(key(u, v), `cm-path-${hovered.color}`);
  }
  return { ring, pair, edges };
}

/** Class the drawing's nodes and edges by `hl` and the explorer's ends and given set. */
export function applyHighlight(svgEl, hl, explore, bidirected, radius) {
  const given = new Set(explore?.given ?? []);
  const ends = new Set(explore?.a ? [explore.a, explore.b] : []);
  for (const g of svgEl.querySelectorAll("g.cm-node")) {
    const id = g.getAttribute("data-id");
    g.classList.toggle("cm-picked", hl.ring.has(id));
    g.classList.toggle("cm-picked-pair", hl.pair.has(id));
    g.classList.toggle("cm-explore-end", ends.has(id));
    g.classList.toggle("cm-given", given.has(id));
    let box = g.querySelector("rect.cm-given-box");
    if (given.has(id) && !box) {
      box = document.createElementNS("http://www.w3.org/2000/svg", "rect");
      box.setAttribute("class", "cm-given-box");
      g.insertBefore(box, g.querySelector("circle.cm-circle"));
    }
    if (box) {
      const r = radius + 5;
      for (const [k, v] of [
        ["x", -r],
        ["y", -r],
        ["width", 2 * r],
        ["height", 2 * r],
      ]) {
        box.setAttribute(k, v);
      }
    }
  }
  const hidden = new Map(bidirected.map((b) => [`${b.a}\u0000${b.b}`, b.id]));
  for (const path of svgEl.querySelectorAll("path.cm-edge")) {
    let cls = "";
    if (path.classList.contains("cm-bidirected")) {
      const id = hidden.get(`${path.getAttribute("data-a")}\u0000${path.getAttribute("data-b")}`);
      const a = hl.edges.get(`${id}\u0000${path.getAttribute("data-a")}`);
      const b = hl.edges.get(`${id}\u0000${path.getAttribute("data-b")}`);
      cls = a && b ? a : "";
    } else {
      cls =
        hl.edges.get(
          `${path.getAttribute("data-source")}\u0000${path.getAttribute("data-target")}`,
        ) ?? "";
    }
    for (const c of [...path.classList]) {
      if (c === "cm-open-path" || c.startsWith("cm-path-")) path.classList.remove(c);
    }
    if (cls) path.classList.add(cls);
  }
}

/**
 * Write the panel into `box`: a fold button, the headline and the sections. `handlers`:
 * pick(item) on click, hover(item | null) on an explorer path; `state` {folded, picked}.
 */
export function drawPanel(box, { head, sections, state, handlers, el }) {
  const fold = el("button", "cm-button cm-panel-fold", state.folded ? "Show panel" : "Hide panel");
  fold.type = "button";
  fold.setAttribute("aria-expanded", String(!state.folded));
  fold.addEventListener("click", () => handlers.fold());
  const top = el("div", "cm-panel-top");
  top.append(fold, el("span", "cm-overlay-line cm-panel-head", head || ""));
  const body = el("div", "cm-panel-body");
  body.hidden = Boolean(state.folded);
  for (const s of sections) {
    const sec = el("div", "cm-panel-section");
    sec.setAttribute("data-key", s.key);
    sec.append(el("div", "cm-panel-title", s.title));
    const list = el("ul", "cm-panel-list");
    for (const item of s.items) list.append(itemElement(item, state, handlers, el));
    sec.append(list);
    body.append(sec);
  }
  box.replaceChildren(top, body);
  box.classList.toggle("cm-visible", Boolean(head) || sections.length > 0);
}

function itemElement(item, state, handlers, el) {
  const li = el("li", `cm-panel-item cm-kind-${item.kind}`, item.text);
  if (item.inUse) li.classList.add("cm-in-use");
  if (item.kind === "verdict") li.classList.add(item.separated ? "cm-separated" : "cm-connected");
  if (item.kind === "path") {
    li.classList.add(item.open ? "cm-open" : "cm-blocked", `cm-path-${item.color}`);
    li.setAttribute("data-path", item.pathNodes.join("\u2192"));
    li.addEventListener("mouseenter", () => handlers.hover(item));
    li.addEventListener("mouseleave", () => handlers.hover(null));
  }
  if (item.kind === "compute") {
    li.setAttribute("role", "button");
    li.setAttribute("tabindex", "0");
    li.addEventListener("click", () => handlers.compute());
  }
  if (item.nodes || item.pair) {
    li.setAttribute("role", "button");
    li.setAttribute("tabindex", "0");
    const on = state.picked && state.picked.text === item.text;
    li.setAttribute("aria-pressed", String(Boolean(on)));
    li.addEventListener("click", () => handlers.pick(on ? null : item));
  }
  return li;
}

/**
 * A click on node `id` in explore mode: the first two clicks pick the pair, later clicks
 * put a node into the given set or take it out; clicking an end of the pair drops it.
 * Changes `ex` ({a, b, given}) and returns the message for Python (null: nothing to ask).
 */
export function exploreClick(ex, id) {
  if (id === ex.a || id === ex.b) {
    if (id === ex.a) ex.a = ex.b;
    ex.b = null;
    ex.given = ex.given.filter((g) => g !== ex.a);
  } else if (ex.a === null) ex.a = id;
  else if (ex.b === null) ex.b = id;
  else if (ex.given.includes(id)) ex.given = ex.given.filter((g) => g !== id);
  else ex.given = [...ex.given, id];
  if (ex.a !== null && ex.b !== null) {
    return { type: "explore", a: ex.a, b: ex.b, given: [...ex.given] };
  }
  return { type: "explore", a: null };
}

/** The explorer's hint in the notes: what the next click does. */
export function exploreHint(ex) {
  if (ex.a === null) return "Explore: click the first node.";
  if (ex.b === null) return `Explore: click the node to ask about with ${ex.a}.`;
  return "Explore: click other nodes to condition on them (boxed); click again to undo.";
}

/** The ancestor view: `data-ancestry` on each node (CSS colours them) when `on`. */
export function applyAncestry(svgEl, on, ancestry) {
  for (const g of svgEl.querySelectorAll("g.cm-node")) {
    const kind = on ? (ancestry?.[g.getAttribute("data-id")] ?? "") : "";
    if (kind) g.setAttribute("data-ancestry", kind);
    else g.removeAttribute("data-ancestry");
  }
}
