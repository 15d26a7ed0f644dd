// DagWidget's front end: wiring only. The model (synced traits, see causal_magic/widget.py)
// says what to draw; gestures and keys become edit messages that Python validates and
// applies (docs/state-model.md); the DOM is the contract in docs/widget-dom.md.
//
// The parts: dom.js builds the elements, drawing.js draws the graph, framing.js zooms and
// fits, refresh.js redraws from the traits, gestures.js / keyboard.js / toolbar.js /
// textinput.js turn the user's actions into messages (messages.js), notes.js and status.js
// say what is going on, view.js holds this view's own state. `w` below is what they share.

import { createDrawing } from "./drawing.js";
import { buildDom } from "./dom.js";
import { canEdit, modeNote } from "./editing.js";
import { createFraming } from "./framing.js";
import { bendDragger, bindClicks, nodeDragger } from "./gestures.js";
import { bindKeyboard } from "./keyboard.js";
import { createChannel } from "./messages.js";
import { createNotes } from "./notes.js";
import { createRefresh } from "./refresh.js";
import { hideStaticCopies } from "./static-copies.js";
import { STYLE, applyStyle } from "./style.js";
import { adoptExplore, bindTeaching, createTeaching } from "./teaching.js";
import { createTextInput } from "./textinput.js";
import { bindToolbar } from "./toolbar.js";
import { createView, viewMode } from "./view.js";

// Kept as an export of the bundle, as before the split.
export { hideStaticCopies };

/** How long a view with no kernel waits before saying anything (ms). */
const STATIC_NOTE_DELAY = 1500;
/** How long it says "connecting" before it says it is a static copy (ms): a kernel busy
 *  with Run All answers after the cells ahead of the handshake have run. */
const CONNECT_GIVE_UP = 12000;

/** Event listeners and model handlers that `dispose` removes again. */
function subscriptions(model) {
  const cleanups = [];
  return {
    listen(target, type, fn, opts) {
      target.addEventListener(type, fn, opts);
      cleanups.push(() => target.removeEventListener(type, fn, opts));
    },
    onModel(names, fn) {
      for (const name of names.split(" ")) {
        model.on(name, fn);
        cleanups.push(() => model.off(name, fn));
      }
    },
    add: (fn) => cleanups.push(fn),
    dispose: () => cleanups.forEach((fn) => fn()),
  };
}

/** The parts of one view and what they share. */
function wire(model, host, subs) {
  const dom = buildDom(host);
  applyStyle(dom.root);
  const radius = model.get("radius") || STYLE.node.radius;
  const drawing = createDrawing(dom.svgEl, {
    radius,
    fontSize: model.get("font_size") || STYLE.node.fontSize,
    colors: model.get("role_colors") || {},
  });
  const view = createView();
  const notes = createNotes(dom.note, dom.message);
  const w = { model, host, dom, drawing, view, notes, radius, listen: subs.listen };
  w.teach = createTeaching(model.get("present"));
  w.mode = () => viewMode(view, model.get("mode"));
  w.editable = () => canEdit(w.mode());
  /** True (and says why) when edits are off in this view. */
  w.refused = () => {
    if (w.editable()) return false;
    notes.explain(modeNote(w.mode(), model.get("mode_reason")) || "Edits are off.");
    return true;
  };
  w.channel = createChannel({ model, notes, refused: w.refused });
  w.send = w.channel.send;
  w.framing = createFraming(w);
  w.dragger = nodeDragger(w);
  w.bendDragger = bendDragger(w);
  w.refresh = createRefresh(w);
  w.select = w.refresh.select;
  w.textInput = createTextInput(w);
  return w;
}

/** Redraw the part of the view that each group of traits is about. */
function followModel(w, onModel, onLive) {
  const { model, refresh, view } = w;
  onModel("change:nodes change:edges change:bidirected change:overlay", () => {
    refresh.graph();
    refresh.panel();
  });
  onModel("change:explore", () => {
    adoptExplore(w);
    refresh.panel();
  });
  onModel("change:fit_marks", () => {
    w.drawing.setMarks(model.get("fit_marks"));
    refresh.legend();
  });
  onModel("change:title change:width change:height", () => {
    w.framing.layoutBox();
    if (view.autoFit) w.framing.fit();
  });
  onModel(
    "change:mode change:mode_reason change:dirty change:dsl_text change:can_undo change:can_redo " +
      "change:structure_changed change:lost_text",
    refresh.status,
  );
  onModel("change:message_seq change:message", () => w.notes.say(model.get("message")));
  // A refusal changes no trait the drawing follows: redraw from the model, so a refused
  // move or bend does not stay where the pointer left it.
  onModel("change:message_seq", () => w.refresh.graph());
  onModel("change:static_ids", () => hideStaticCopies(model.get("static_ids")));
  hideStaticCopies(model.get("static_ids"));
  onModel("msg:custom", (msg) =>
    w.channel.receive(msg, () => {
      view.live = true;
      onLive();
      refresh.status();
    }),
  );
}

function render({ model, el: host }) {
  const subs = subscriptions(model);
  const w = wire(model, host, subs);
  bindClicks(w);
  bindKeyboard(w);
  bindToolbar(w);
  bindTeaching(w);
  let staticTimer = null;
  let giveUpTimer = null;
  followModel(w, subs.onModel, () => {
    clearTimeout(staticTimer);
    clearTimeout(giveUpTimer);
  });

  // Say hello first: even if drawing failed, the kernel handshake must happen.
  if (!w.channel.hello()) w.view.connecting = false; // no kernel to wait for
  giveUpTimer = setTimeout(() => {
    w.view.connecting = false;
    w.refresh.status();
  }, CONNECT_GIVE_UP);
  try {
    w.refresh.all();
  } catch (err) {
    w.notes.say(`Drawing failed: ${err}`);
    console.error(err);
  }
  staticTimer = setTimeout(() => {
    w.view.staticExplained = true;
    w.refresh.status();
  }, STATIC_NOTE_DELAY);
  subs.add(w.framing.observeSize());

  return () => {
    clearTimeout(staticTimer);
    clearTimeout(giveUpTimer);
    w.channel.dispose();
    w.textInput.close();
    subs.dispose();
    w.dom.root.remove();
  };
}

export default { render };
