"""The ID algorithm: P(y | do(x)) as a formula over the observed distribution, when one exists.

Shpitser & Pearl's complete identification algorithm [1]_ on the latent
projection of a ``networkx.DiGraph`` (see :mod:`causal_magic.graph`): latent
nodes -- role ``latent``, hidden ``<->`` nodes, nodes outside ``observed`` --
are projected out into directed edges (a path through latents only) and
bidirected edges (two observed nodes with a common latent-only ancestry).
The answer is a tree of :mod:`causal_magic.formula` (``Prob``, ``Product``,
``Sum``, ``Ratio``) that prints as plain text or LaTeX and can be
evaluated on a table of probabilities; ``None`` means the effect is not
identifiable (the algorithm met a *hedge*).

:func:`causal_magic.identify.identify_effect` calls this only when neither
adjustment nor the front-door criterion applies.  Nothing here imports
IPython or pandas.

References
----------
.. [1] Shpitser, I., Pearl, J. "Identification of joint interventional
   distributions in recursive semi-Markovian causal models." AAAI 2006.
.. [2] Tian, J., Pearl, J. "A general identification condition for causal
   effects." AAAI 2002.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import networkx as nx

from ..formula import Expr, Prob, Ratio, evaluate, product, sum_over, to_text

__all__ = [
    "Hedge",
    "evaluate",
    "id_formula",
    "latent_projection",
    "to_text",
]


# --------------------------------------------------------------------------- ADMG


@dataclass
class _ADMG:
    nodes: tuple  # in a topological order
    pa: dict  # node -> set of observed parents
    bi: dict  # node -> set of bidirected neighbours

    def sub(self, keep) -> _ADMG:
        keep = set(keep)
        return _ADMG(
            tuple(v for v in self.nodes if v in keep),
            {v: self.pa[v] & keep for v in self.nodes if v in keep},
            {v: self.bi[v] & keep for v in self.nodes if v in keep},
        )

    def ancestors(self, ys, cut_into=frozenset()) -> set:
        seen = set(ys)
        stack = list(seen)
        while stack:
            v = stack.pop()
            if v in cut_into:
                continue
            for p in self.pa[v]:
                if p not in seen:
                    seen.add(p)
                    stack.append(p)
        return seen

    def components(self, among=None) -> list[frozenset]:
        among = set(self.nodes if among is None else among)
        out, seen = [], set()
        for v in self.nodes:
            if v not in among or v in seen:
                continue
            comp = {v}
            stack = [v]
            seen.add(v)
            while stack:
                u = stack.pop()
                for w in self.bi[u]:
                    if w in among and w not in seen:
                        seen.add(w)
                        comp.add(w)
                        stack.append(w)
            out.append(frozenset(comp))
        return out


def latent_projection(G: nx.DiGraph, hidden: Iterable[Hashable]) -> _ADMG:
    """Project ``hidden`` nodes out of the DAG ``G`` (Verma's latent projection).

    Complexity: O(h (n + m)) for h hidden nodes.
    """
    hidden = set(hidden)
    order = [v for v in nx.topological_sort(G) if v not in hidden]
    pa: dict = {v: set() for v in order}
    bi: dict = {v: set() for v in order}
    succ = G.succ

    def reach(seeds):  # observed nodes reached through hidden nodes only
        found, seen, stack = set(), set(), list(seeds)
        while stack:
            v = stack.pop()
            if v in seen:
                continue
            seen.add(v)
            if v in hidden:
                stack.extend(succ[v])
            else:
                found.add(v)
        return found

    for a in order:
        for b in reach(succ[a]):
            pa[b].add(a)
    rank = {v: i for i, v in enumerate(order)}
    for h in hidden:
        kids = sorted(reach(succ[h]), key=rank.__getitem__)
        for i, a in enumerate(kids):
            for b in kids[i + 1 :]:
                bi[a].add(b)
                bi[b].add(a)
    return _ADMG(tuple(order), pa, bi)


# --------------------------------------------------------------------------- the algorithm


class Hedge(Exception):
    """The effect is not identifiable: two c-forests form a hedge [1]_."""

    def __init__(self, forest, component):
        super().__init__(f"hedge for {sorted(map(str, component))} in {sorted(map(str, forest))}")
        self.forest = forest
        self.component = component


@dataclass(frozen=True)
class _Dist:
    """The current distribution: P(vars | context) atomic, a chain-rule product, or any term."""

    kind: str  # "atomic" | "chain" | "expr"
    vars: tuple  # in topological order
    context: tuple = ()
    factors: tuple = ()  # chain: one factor per var, same order
    expr: object = None

    def term(self) -> Expr:
        if self.kind == "atomic":
            return Prob(self.vars, self.context)
        if self.kind == "chain":
            return product(self.factors)
        return self.expr

    def marginal(self, keep, order) -> _Dist:
        keep = set(keep)
        kept = tuple(v for v in self.vars if v in keep)
        if self.kind == "atomic":
            return _Dist("atomic", kept, self.context)
        if self.kind == "chain":
            n = len(kept)
            if self.vars[:n] == kept:  # the dropped variables come last: drop their factors
                return _Dist("chain", kept, factors=self.factors[:n])
        gone = [v for v in self.vars if v not in keep]
        return _Dist("expr", kept, expr=sum_over(gone, self.term(), order))

    def conditional(self, v, order) -> Expr:
        """P(v | the variables before it), in this distribution."""
        i = self.vars.index(v)
        before = self.vars[:i]
        if self.kind == "atomic":
            given = tuple(u for u in order if u in set(before) | set(self.context))
            return Prob((v,), given)
        if self.kind == "chain":
            return self.factors[i]
        e = self.expr
        num = sum_over(self.vars[i + 1 :], e, order)
        den = sum_over(self.vars[i:], e, order)
        return Ratio(num, den)


def _id(y: set, x: set, P: _Dist, G: _ADMG, order) -> Expr:
    V = set(G.nodes)
    # line 1
    if not x:
        return P.marginal(y, order).term()
    # line 2
    an = G.ancestors(y)
    if an != V:
        return _id(y, x & an, P.marginal(an, order), G.sub(an), order)
    # line 3
    w = (V - x) - G.ancestors(y, cut_into=x)
    if w:
        return _id(y, x | w, P, G, order)
    comps = G.components(V - x)
    # line 4
    if len(comps) > 1:
        terms = [_id(set(s), V - s, P, G, order) for s in comps]
        return sum_over(V - (y | x), product(terms), order)
    (S,) = comps
    whole = G.components()
    # line 5
    if len(whole) == 1:
        raise Hedge(frozenset(V), S)
    # line 6
    if S in whole:
        factors = [P.conditional(v, order) for v in G.nodes if v in S]
        return sum_over(S - y, product(factors), order)
    # line 7
    big = next(c for c in whole if c > S)  # the c-component holding S
    inside = tuple(v for v in G.nodes if v in big)
    factors = tuple(P.conditional(v, order) for v in inside)
    return _id(y, x & big, _Dist("chain", inside, factors=factors), G.sub(big), order)


def id_formula(
    G: nx.DiGraph,
    x: Iterable[Hashable],
    y: Iterable[Hashable],
    hidden: Iterable[Hashable] = (),
) -> Expr | None:
    """P(y | do(x)) as an expression over the observed distribution, or ``None``.

    Parameters
    ----------
    G : nx.DiGraph
        An acyclic graph.
    x, y : collections of nodes
        Treatment and outcome (observed, disjoint).
    hidden : collection of nodes
        The unobserved nodes, projected out first.

    Complexity: polynomial; each recursion step is linear in the projected graph.

    Examples
    --------
    The front-door graph (``U`` hidden):

    >>> G = nx.DiGraph([("U", "X"), ("U", "Y"), ("X", "M"), ("M", "Y")])
    >>> to_text(id_formula(G, {"X"}, {"Y"}, {"U"}), fixed={"X"})
    "Σ_M P(M | X) Σ_X' P(X') P(Y | X', M)"
    >>> id_formula(nx.DiGraph([("U", "X"), ("U", "Y"), ("X", "Y")]), {"X"}, {"Y"}, {"U"})
    """
    A = latent_projection(G, hidden)
    order = A.nodes
    try:
        return _id(set(y), set(x), _Dist("atomic", order), A, order)
    except Hedge:
        return None
