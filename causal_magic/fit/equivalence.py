"""Markov equivalence: can any observational data tell two graphs apart at all?

Two DAGs over the same variables with no unmeasured nodes are Markov
equivalent exactly when they have the same skeleton and the same
v-structures (Verma & Pearl 1990) -- a fast, exact check.  With unmeasured
nodes, or different variables, the check falls back to comparing every
d-separation among the measured variables both graphs contain, which is
exponential, so it is done up to :data:`MAX_EXHAUSTIVE` of them.
"""

from __future__ import annotations

from itertools import combinations

import networkx as nx

from .result import join_names

__all__ = ["MAX_EXHAUSTIVE", "equivalence"]

#: Observed nodes up to which Markov equivalence with latents is checked exhaustively.
MAX_EXHAUSTIVE = 12


def _skeleton(G: nx.DiGraph) -> set[frozenset]:
    return {frozenset(e) for e in G.edges}


def _v_structures(G: nx.DiGraph) -> set[tuple]:
    """``(a, c, b)`` with ``a -> c <- b``, ``a`` and ``b`` not adjacent (``a < b`` by str)."""
    out = set()
    for c in G.nodes:
        ps = sorted(G.predecessors(c), key=str)
        for i, a in enumerate(ps):
            for b in ps[i + 1 :]:
                if not (G.has_edge(a, b) or G.has_edge(b, a)):
                    out.add((a, c, b))
    return out


def equivalence(
    G1: nx.DiGraph, G2: nx.DiGraph, names: tuple[str, str], obs1: list, obs2: list
) -> tuple[bool | None, str]:
    """Are the graphs Markov equivalent (True/False, None if not decided), and how we know.

    ``obs1``/``obs2`` are each graph's measured nodes; ``names`` name the
    graphs in the sentence.
    """
    a, b = names
    s1, s2 = set(map(str, obs1)), set(map(str, obs2))
    all1 = {str(n) for n in G1.nodes}
    all2 = {str(n) for n in G2.nodes}
    plain = all1 == s1 and all2 == s2  # no latent nodes
    if plain and s1 == s2:
        k1, k2 = _skeleton(G1), _skeleton(G2)
        v1, v2 = _v_structures(G1), _v_structures(G2)
        if k1 == k2 and v1 == v2:
            return True, (
                f"Markov equivalent: {a} and {b} have the same skeleton and the same "
                "v-structures (colliders with unlinked parents), so they imply exactly the "
                "same independencies and no observational data can tell them apart."
            )
        diff = []
        for e in sorted(k1 - k2, key=lambda e: sorted(map(str, e))):
            diff.append(f"edge {' – '.join(sorted(map(str, e)))} only in {a}")
        for e in sorted(k2 - k1, key=lambda e: sorted(map(str, e))):
            diff.append(f"edge {' – '.join(sorted(map(str, e)))} only in {b}")
        if not diff:
            for x, c, y in sorted(v1 - v2, key=str):
                diff.append(f"collider {x} → {c} ← {y} only in {a}")
            for x, c, y in sorted(v2 - v1, key=str):
                diff.append(f"collider {x} → {c} ← {y} only in {b}")
        return False, "not Markov equivalent: " + "; ".join(diff) + "."
    shared = [n for n in G1.nodes if str(n) in s1 & s2]
    others = sorted((s1 | s2) - (s1 & s2))
    where = f" over the measured variables both contain ({join_names(map(str, shared))})"
    only = [(sorted(s1 - s2), a), (sorted(s2 - s1), b)]
    extra = "".join(f"; {join_names(vs)} only in {g}" for vs, g in only if vs)
    if len(shared) > MAX_EXHAUSTIVE:
        return None, (
            f"not decided: with unmeasured nodes or different variables, equivalence is checked "
            f"by every d-separation among the shared variables, and {len(shared)} is more than "
            f"{MAX_EXHAUSTIVE}"
        )
    shared2 = [n for n in G2.nodes if str(n) in s1 & s2]
    same = _dsep_equivalent_mixed(G1, G2, shared, shared2)
    caveat = (
        " (With unmeasured variables this compares independencies only; a latent structure "
        "can also imply equality constraints that are not independencies.)"
        if not plain
        else ""
    )
    if others:
        return False, (
            "not Markov equivalent: the graphs measure different variables"
            f"{extra}. Restricted to the variables both measure ({join_names(map(str, shared))}) "
            f"they imply {'the same' if same else 'different'} independencies." + caveat
        )
    kind = "the same" if same else "different"
    return same, (
        f"{'equivalent' if same else 'not equivalent'} in their independencies{where}: "
        f"{kind} d-separations among them." + caveat
    )


def _dsep_equivalent_mixed(G1, G2, nodes1, nodes2) -> bool:
    """d-separation equivalence when node objects may differ in type but match by str."""
    from ..identify import d_separated

    by2 = {str(n): n for n in nodes2}
    for i, a in enumerate(nodes1):
        for b in nodes1[i + 1 :]:
            rest = [n for n in nodes1 if n not in (a, b)]
            for k in range(len(rest) + 1):
                for z in combinations(rest, k):
                    z2 = {by2[str(v)] for v in z}
                    if d_separated(G1, a, b, set(z)) != d_separated(
                        G2, by2[str(a)], by2[str(b)], z2
                    ):
                        return False
    return True
