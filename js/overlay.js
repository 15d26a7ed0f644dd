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

/** Node ids to mark as "in the adjustment set". */
export function setMembers(overlay) {
  return new Set(overlay?.minimal ?? []);
}
