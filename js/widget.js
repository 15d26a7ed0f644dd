// DagWidget's front end: wiring only. The model (synced traits, see causal_magic/widget.py)
// says what to draw; gestures and keys become edit messages that Python validates and
// applies (docs/state-model.md); the DOM is the contract in docs/widget-dom.md.

import { drag } from "d3-drag";
import { pointer, select } from "d3-selection";
import { zoom, zoomIdentity } from "d3-zoom";
import { createDrawing } from "./drawing.js";
import { canEdit, edit, keepSelection, keyAction, modeNote } from "./editing.js";
import { download, pngBlob, svgString } from "./export.js";
import { bounds, fitTransform, nodeAt } from "./layout.js";
import { panelLines } from "./overlay.js";

const TITLE_BAND = 34;
const STATIC_NOTE_DELAY = 1500;

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function button(cls, text, title) {
  const b = el("button", `cm-button ${cls}`, text);
  b.type = "button";
  b.title = title;
  return b;
}

/** Hide the static SVG copies of this drawing (separate notebook outputs that exist for
 *  viewers without a live widget; see StaticFallback in causal_magic/widget.py). JupyterLab
 *  shows SVG outputs as <img src="data:..."> whose URL contains the id, other front ends
 *  inline the <svg data-cm-static="id">. */
export function hideStaticCopies(ids, doc = document) {
  for (const id of ids ?? []) {
    if (!/^cm-[0-9a-f]{6,32}$/.test(id) || doc.getElementById(`${id}-hide`)) continue;
    const style = doc.createElement("style");
    style.id = `${id}-hide`;
    const sel = [`[data-cm-static="${id}"]`, `img[src*="${id}"]`];
    const rules = [...sel, ...sel.map((s) => `.jp-OutputArea-child:has(${s})`)];
    style.textContent = `${rules.join(",\n")} { display: none !important; }`;
    doc.head.appendChild(style);
  }
}

function render({ model, el: host }) {
  const cleanups = [];
  const listen = (target, type, fn, opts) => {
    target.addEventListener(type, fn, opts);
    cleanups.push(() => target.removeEventListener(type, fn, opts));
  };
  const onModel = (names, fn) => {
    for (const name of names.split(" ")) {
      model.on(name, fn);
      cleanups.push(() => model.off(name, fn));
    }
  };

  // -- DOM ---------------------------------------------------------------------------
  const root = el("div", "cm-dag");
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  root.setAttribute("tabindex", "0");
  root.setAttribute("data-mode", "static");
  const toolbar = el("div", "cm-toolbar");
  const bConnect = button("cm-connect", "Connect", "Connect mode: click a cause, then its effect");
  bConnect.setAttribute("aria-pressed", "false");
  const bUndo = button("cm-undo", "Undo", "Undo (Ctrl/Cmd+Z)");
  const bRedo = button("cm-redo", "Redo", "Redo (Ctrl/Cmd+Shift+Z, Ctrl+Y)");
  const bFit = button("cm-fit", "Fit", "Fit the graph to the view");
  const bLayout = button("cm-relayout", "Re-layout", "Recompute the layered layout");
  const bSvg = button("cm-export-svg", "SVG", "Download the drawing as SVG");
  const bPng = button("cm-export-png", "PNG", "Download the drawing as PNG");
  const bCopySvg = button("cm-copy-svg", "Copy SVG", "Copy the SVG to the clipboard");
  const dirtyBadge = el("span", "cm-dirty", "changed since the cell ran");
  dirtyBadge.title = "The graph differs from the cell that made it: copy it back as %%dag text";
  const bCopyDsl = button("cm-copy-dsl", "Copy as %%dag", "Copy the edited graph as a %%dag cell");
  const spacer = el("span", "cm-spacer");
  toolbar.append(bConnect, bUndo, bRedo, bFit, bLayout, spacer, dirtyBadge, bCopyDsl);
  toolbar.append(bSvg, bPng, bCopySvg);
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
  dirtyBadge.hidden = bCopyDsl.hidden = dslText.hidden = true; // until the model says dirty
  // The notes float over the drawing, so showing one never moves the nodes under the pointer.
  const stage = el("div", "cm-stage");
  const notes = el("div", "cm-notes");
  notes.append(note, message);
  stage.append(svgEl, notes);
  root.append(toolbar, stage, panel, dslText);
  host.appendChild(root);

  const radius = model.get("radius") || 26;
  const drawing = createDrawing(svgEl, {
    radius,
    fontSize: model.get("font_size") || 13,
    colors: model.get("role_colors") || {},
  });
  const svg = drawing.svg;

  // -- state ---------------------------------------------------------------------------
  let live = false; // the kernel answered the handshake
  let selection = null;
  let connectFrom = null;
  let connectMode = false;
  let autoFit = true;
  let input = null;
  let staticTimer = null;
  let staticExplained = false; // a view without a kernel says so after a short delay

  const mode = () => (live ? model.get("mode") : "static");
  const editable = () => canEdit(mode());

  function say(text) {
    message.textContent = text || "";
    message.classList.toggle("cm-visible", Boolean(text));
  }

  /** True (and says why) when edits are off in this view. */
  function refused() {
    if (editable()) return false;
    const why = modeNote(mode(), model.get("mode_reason")) || "Edits are off.";
    if (note.classList.contains("cm-visible") && note.textContent === why) {
      // already said: flash the note rather than repeating it
      note.classList.remove("cm-flash");
      void note.offsetWidth;
      note.classList.add("cm-flash");
    } else {
      note.textContent = why;
      note.classList.add("cm-visible");
    }
    return true;
  }

  // Python acknowledges every edit; silence means a busy or restarted kernel.
  let ackTimer = null;
  const ACK_WAIT = 5000;

  function send(msg) {
    if (refused()) return false;
    try {
      model.send(msg);
      clearTimeout(ackTimer);
      ackTimer = setTimeout(() => {
        say(
          "The kernel has not answered for 5 s (busy, or restarted?): the last edit may be lost.",
        );
      }, ACK_WAIT);
      return true;
    } catch (err) {
      say(`Could not reach the kernel: ${err}`);
      return false;
    }
  }

  function size() {
    const width = model.get("width") || svgEl.clientWidth || host.clientWidth || 600;
    return { width, height: model.get("height") || 300 };
  }

  function data() {
    return {
      nodes: model.get("nodes") || [],
      edges: model.get("edges") || [],
      bidirected: model.get("bidirected") || [],
    };
  }

  // -- zoom / pan / fit -----------------------------------------------------------------
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
    .filter((event) => {
      if (event.type === "wheel") return true;
      if (event.button) return false;
      return !event.target.closest?.(".cm-node");
    })
    .on("zoom", (event) => {
      drawing.viewport.attr("transform", event.transform);
      if (event.sourceEvent) autoFit = false;
    });
  svg.call(zoomer).on("dblclick.zoom", null);

  function fit() {
    const { width, height } = size();
    const title = model.get("title");
    const t = fitTransform(bounds(drawing.extent(), radius), width, height, {
      top: title ? TITLE_BAND : 0,
    });
    svg.call(zoomer.transform, zoomIdentity.translate(t.x, t.y).scale(t.k));
  }

  function layoutBox() {
    const { width, height } = size();
    svgEl.style.height = `${height}px`;
    svgEl.style.width = model.get("width") ? `${model.get("width")}px` : "100%";
    root.style.maxWidth = model.get("width") ? `${model.get("width")}px` : "";
    drawing.background.attr("width", "100%").attr("height", "100%");
    drawing.setTitle(model.get("title"), width);
  }

  // -- drawing ---------------------------------------------------------------------
  function redraw() {
    const d = data();
    selection = keepSelection(selection, d.nodes, d.edges, d.bidirected);
    drawing.update(d, model.get("overlay") || {}, selection);
    svgEl.setAttribute("aria-label", `causal graph: ${d.nodes.length} nodes`);
    if (autoFit) fit();
  }

  function drawPanel() {
    const lines = panelLines(model.get("overlay") || {});
    panel.replaceChildren(...lines.map((line) => el("div", "cm-overlay-line", line)));
    panel.classList.toggle("cm-visible", lines.length > 0);
  }

  function drawStatus() {
    const m = mode();
    root.setAttribute("data-mode", m);
    const text = modeNote(m, model.get("mode_reason"));
    note.textContent = live || staticExplained ? text : "";
    note.classList.toggle("cm-visible", Boolean(note.textContent));
    const can = canEdit(m);
    for (const b of [bConnect, bLayout]) b.disabled = !can;
    bUndo.disabled = !can || !model.get("can_undo");
    bRedo.disabled = !can || !model.get("can_redo");
    const dirty = Boolean(model.get("dirty"));
    root.classList.toggle("cm-is-dirty", dirty);
    dirtyBadge.hidden = !dirty;
    bCopyDsl.hidden = !dirty;
    dslText.hidden = !dirty;
    dslText.value = model.get("dsl_text") || "";
  }

  function setSelection(sel) {
    selection = sel;
    drawing.update(data(), model.get("overlay") || {}, selection);
  }

  // -- text input (rename / new node) -------------------------------------------------
  function closeInput() {
    const open = input;
    input = null; // first, so the blur that remove() fires finds nothing left to close
    open?.remove();
  }

  function openInput(gx, gy, initial, commit) {
    closeInput();
    const m = drawing.viewport.node().getScreenCTM();
    const r = root.getBoundingClientRect();
    const p = m ? new DOMPoint(gx, gy).matrixTransform(m) : { x: r.left + 40, y: r.top + 40 };
    input = el("input", "cm-rename");
    input.type = "text";
    input.value = initial;
    input.style.left = `${p.x - r.left - 70}px`;
    input.style.top = `${p.y - r.top - 14}px`;
    const mine = input;
    mine.addEventListener("keydown", (e) => {
      e.stopPropagation();
      if (e.key === "Enter") {
        e.preventDefault();
        const value = mine.value.trim();
        closeInput();
        root.focus({ preventScroll: true });
        if (value && value !== initial) commit(value);
      } else if (e.key === "Escape") {
        closeInput();
        root.focus({ preventScroll: true });
      }
    });
    mine.addEventListener("blur", () => {
      if (input === mine) closeInput();
    });
    root.appendChild(mine);
    mine.focus();
    mine.select();
  }

  function rename(id) {
    const p = drawing.position(id);
    if (!p || refused()) return;
    openInput(p.x, p.y, id, (value) => send(edit("rename", { id, new: value })));
  }

  // -- gestures -------------------------------------------------------------------------
  let dragState = null;
  const dragger = drag()
    .container(() => drawing.viewport.node())
    .subject((event, d) => {
      const p = drawing.position(d.id);
      return { x: p?.x ?? 0, y: p?.y ?? 0 };
    })
    .on("start", (event, d) => {
      const linking = Boolean(event.sourceEvent?.shiftKey);
      dragState = { id: d.id, linking, moved: false, refused: !editable(), el: null };
      autoFit = false; // the user placed things by hand: never re-frame under their pointer
      dragState.el = event.sourceEvent?.target?.closest?.(".cm-node") ?? null;
      if (!dragState.refused && !linking) drawing.hold(d.id);
    })
    .on("drag", (event) => {
      const s = dragState;
      if (!s) return;
      s.moved = true;
      if (s.refused) return;
      if (s.linking) drawing.showTemp(s.id, event.x, event.y);
      else drawing.moveNode(s.id, event.x, event.y, s.el);
    })
    .on("end", (event) => {
      const s = dragState;
      dragState = null;
      drawing.hold(null);
      drawing.hideTemp();
      if (!s || !s.moved) return;
      if (s.refused) {
        refused(); // shows why
        return;
      }
      if (s.linking) {
        const target = nodeAt(drawing.nodes(), event.x, event.y, radius);
        if (target && target.id !== s.id) {
          send(edit("add_edge", { source: s.id, target: target.id }));
        }
        return;
      }
      send(
        edit("move", {
          id: s.id,
          x: Math.round(event.x * 10) / 10,
          y: Math.round(event.y * 10) / 10,
        }),
      );
    });

  function bindNodes() {
    drawing.viewport.selectAll("g.cm-node").call(dragger);
  }

  svg.on("click", (event) => {
    const nodeEl = event.target.closest?.(".cm-node");
    const edgeG = event.target.closest?.(".cm-edge-group");
    root.focus({ preventScroll: true });
    if (nodeEl) {
      const id = nodeEl.getAttribute("data-id");
      if (connectMode) {
        if (connectFrom === null) {
          connectFrom = id;
          setSelection({ kind: "node", id });
          say(`Connect: now click the effect of ${id}.`);
        } else {
          const from = connectFrom;
          connectFrom = null;
          if (from !== id) send(edit("add_edge", { source: from, target: id }));
          else say("");
        }
        return;
      }
      setSelection({ kind: "node", id });
      return;
    }
    if (edgeG) {
      const p = edgeG.querySelector("path.cm-edge");
      if (p.classList.contains("cm-bidirected")) {
        setSelection({
          kind: "bidirected",
          a: p.getAttribute("data-a"),
          b: p.getAttribute("data-b"),
        });
      } else {
        setSelection({
          kind: "edge",
          source: p.getAttribute("data-source"),
          target: p.getAttribute("data-target"),
        });
      }
      return;
    }
    connectFrom = null;
    setSelection(null);
  });

  svg.on("dblclick", (event) => {
    if (event.target.closest?.(".cm-node, .cm-edge-group")) return;
    event.preventDefault();
    if (refused()) return;
    const [gx, gy] = pointer(event, drawing.viewport.node());
    openInput(gx, gy, "", (name) =>
      send(
        edit("add_node", { id: name, x: Math.round(gx * 10) / 10, y: Math.round(gy * 10) / 10 }),
      ),
    );
  });

  // Keys belong to the widget, not to JupyterLab's command mode (data-lm-suppress-shortcuts
  // tells Lumino; stopping propagation keeps the notebook's own handlers out too).
  listen(root, "keydown", (event) => {
    event.stopPropagation();
    const tag = event.target?.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA") return;
    const action = keyAction(event, selection);
    if (!action) return;
    event.preventDefault();
    if (action.local === "escape") {
      connectFrom = null;
      setSelection(null);
      say("");
    } else if (action.local === "rename") {
      rename(selection.id);
    } else if (action.send) {
      send(action.send);
    }
  });
  // Clicking in the widget focuses it (so keys come here) without the notebook taking over.
  listen(root, "mousedown", (event) => {
    const tag = event.target?.tagName;
    if (tag !== "INPUT" && tag !== "TEXTAREA" && tag !== "BUTTON") {
      root.focus({ preventScroll: true });
    }
    event.stopPropagation();
  });

  // -- toolbar --------------------------------------------------------------------------
  listen(bConnect, "click", () => {
    connectMode = !connectMode;
    connectFrom = null;
    bConnect.setAttribute("aria-pressed", String(connectMode));
    root.classList.toggle("cm-connecting", connectMode);
    say(connectMode ? "Connect: click a cause, then its effect." : "");
  });
  listen(bUndo, "click", () => send(edit("undo")));
  listen(bRedo, "click", () => send(edit("redo")));
  listen(bFit, "click", () => {
    autoFit = true;
    fit();
  });
  listen(bLayout, "click", () => send(edit("relayout", { layout: "layered" })));
  const exportSvg = () => svgString(svgEl, drawing.extent(), { radius, title: model.get("title") });
  const fileBase = () => model.get("name") || "dag";
  listen(bSvg, "click", () =>
    download(new Blob([exportSvg()], { type: "image/svg+xml" }), `${fileBase()}.svg`),
  );
  listen(bPng, "click", () =>
    pngBlob(exportSvg())
      .then((b) => download(b, `${fileBase()}.png`))
      .catch((err) => say(String(err.message || err))),
  );
  async function copy(text, what) {
    try {
      await navigator.clipboard.writeText(text);
      say(`${what} copied to the clipboard.`);
    } catch {
      say(`The clipboard is not available here: select the text below and copy it.`);
      dslText.hidden = false;
      dslText.value = text;
      dslText.select();
    }
  }
  listen(bCopySvg, "click", () => copy(exportSvg(), "SVG"));
  listen(bCopyDsl, "click", () => {
    dslText.select();
    copy(model.get("dsl_text") || "", "The %%dag text");
  });

  // -- model events -----------------------------------------------------------------------
  function full() {
    layoutBox();
    drawing.setMarks(model.get("fit_marks"));
    redraw();
    bindNodes();
    drawPanel();
    drawStatus();
  }
  onModel("change:nodes change:edges change:bidirected change:overlay", () => {
    redraw();
    bindNodes();
    drawPanel();
  });
  onModel("change:fit_marks", () => drawing.setMarks(model.get("fit_marks")));
  onModel("change:title change:width change:height", () => {
    layoutBox();
    if (autoFit) fit();
  });
  onModel(
    "change:mode change:mode_reason change:dirty change:dsl_text change:can_undo change:can_redo",
    drawStatus,
  );
  onModel("change:message_seq change:message", () => say(model.get("message")));
  onModel("change:static_ids", () => hideStaticCopies(model.get("static_ids")));
  hideStaticCopies(model.get("static_ids"));
  onModel("msg:custom", (msg) => {
    if (msg && msg.type === "ack") {
      clearTimeout(ackTimer);
      if (message.textContent.startsWith("The kernel has not answered")) say(model.get("message"));
    }
    if (msg && msg.type === "hello") {
      live = true;
      clearTimeout(staticTimer);
      drawStatus();
    }
  });

  // Say hello first: even if drawing failed, the kernel handshake must happen.
  try {
    model.send({ type: "hello" });
  } catch {
    // no kernel: the view stays static
  }
  try {
    full();
  } catch (err) {
    say(`Drawing failed: ${err}`);
    console.error(err);
  }
  staticTimer = setTimeout(() => {
    staticExplained = true;
    drawStatus();
  }, STATIC_NOTE_DELAY);

  // Fit once the element has a real size (it may render before being attached).
  if (typeof ResizeObserver !== "undefined") {
    let lastW = 0;
    const ro = new ResizeObserver(() => {
      const w = svgEl.clientWidth;
      if (w && w !== lastW) {
        lastW = w;
        drawing.setTitle(model.get("title"), w);
        if (autoFit) fit();
      }
    });
    ro.observe(svgEl);
    cleanups.push(() => ro.disconnect());
  }

  return () => {
    clearTimeout(staticTimer);
    clearTimeout(ackTimer);
    closeInput();
    for (const fn of cleanups) fn();
    root.remove();
  };
}

export default { render };
