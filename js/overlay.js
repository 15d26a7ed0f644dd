// The causal overlay, as computed in Python (widget trait `overlay`): which class each
// edge gets and what the small panel says. Colour is never the only cue: causal edges
// are solid and thick, biasing edges dashed (see widget.css).

const key = (u, v) => `${u}\u0000${v}`;

/** A function (source, target) -> "cm-causal" | "cm-biasing" | "". */
export function edgeClassifier(overlay) {
  const causal = new Set((overlay?.causal ?? []).map(([u, v]) => key(u, v)));
  const biasing = new Set((overlay?.biasing ?? []).map(([u, v]) => key(u, v)));
  const hiddenOnBias = new Set((overlay?.biasing ?? []).map(([u]) => u));
  return {
    edge(source, target) {
      const k = key(source, target);
      if (causal.has(k)) return "cm-causal";
      if (biasing.has(k)) return "cm-biasing";
      return "";
    },
    /** a <-> b whose hidden node `id` lies on an open biasing path. */
    bidirected(id) {
      return hiddenOnBias.has(id) ? "cm-biasing" : "";
    },
  };
}

const fmt = (names) => (names.length ? `{${names.join(", ")}}` : "{} (the empty set)");

/** The overlay panel's lines, or [] when there is no treatment/outcome pair. */
export function panelLines(overlay) {
  if (!overlay || !overlay.treatment || !overlay.outcome) return [];
  const x = overlay.treatment.join(", ");
  const y = overlay.outcome.join(", ");
  const lines = [`Effect of ${x} on ${y}`];
  if (overlay.error) {
    lines.push(`Overlay unavailable: ${overlay.error}`);
    return lines;
  }
  if (overlay.minimal === null || overlay.minimal === undefined) {
    lines.push("No adjustment set exists: no set of observed variables blocks every biasing path.");
  } else if (overlay.minimal.length === 0) {
    lines.push("No adjustment needed: the empty set is a valid adjustment set.");
  } else {
    lines.push(`Minimal adjustment set: ${fmt(overlay.minimal)}`);
  }
  const sets = overlay.sets ?? [];
  if (sets.length > 1) {
    lines.push(`Valid adjustment sets (first ${sets.length}): ${sets.map(fmt).join("; ")}`);
  }
  // What the line styles mean is the legend's job (legend.js), under the drawing.
  return lines;
}

/** Node ids to mark as "in the adjustment set". */
export function setMembers(overlay) {
  return new Set(overlay?.minimal ?? []);
}
