// A displayed widget also publishes a static SVG of the same drawing (for viewers without
// a live widget: GitHub, nbconvert, no kernel; see StaticFallback in causal_magic/widget.py).
// A rendered live view hides those copies, so the notebook shows the drawing once.

/** Hide the static SVG copies with these ids. JupyterLab shows SVG outputs as
 *  <img src="data:..."> whose URL contains the id, other front ends inline the
 *  <svg data-cm-static="id">. Ids that are not ours are ignored (no CSS injection). */
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
