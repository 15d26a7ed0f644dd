"""d-separation and the graph queries built on it: ancestors, descendants, do(x)'s graph,
and the independencies a graph implies.

Why together: these answer questions about the graph alone -- no treatment/outcome
problem, no adjustment -- and all of them are one or two Bayes-ball [1]_ or
REACHABLE [4]_ passes.  ``%dag --check`` (fit) reads :func:`implied_independencies`
and :func:`d_separated` from here.
"""

from __future__ import annotations

import networkx as nx

from ..graph import adjacency
from ._problem import (
    IdentificationError,
    NodeArg,
    _check_graph,
    _node_tuple,
    _roles,
    _unobserved,
)
from ._reach import _ball, _closure, _down, _ranked, _up
from .results import Independence
from .separators import _Sep


def ancestors(G: nx.DiGraph, nodes) -> set:
    """All ancestors of a node or set of nodes (the union of ``nx.ancestors``).

    A given node is in the result only if it is an ancestor of another given
    node.  O(n + m).

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("d", "c")])
    >>> sorted(ancestors(G, {"b", "c"}))
    ['a', 'b', 'd']
    """
    nodes = _node_tuple(G, nodes, "node")
    _succ, pred = adjacency(G)
    seeds = set()
    for n in nodes:
        seeds |= pred[n].keys()
    return _up(pred, seeds)


def descendants(G: nx.DiGraph, nodes) -> set:
    """All descendants of a node or set of nodes (the union of ``nx.descendants``).

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("d", "c")])
    >>> sorted(descendants(G, {"a", "d"}))
    ['b', 'c']
    """
    nodes = _node_tuple(G, nodes, "node")
    succ, _pred = adjacency(G)
    seeds = set()
    for n in nodes:
        seeds |= succ[n].keys()
    return _down(succ, seeds)


def mutilated_graph(G: nx.DiGraph, x: NodeArg = None) -> nx.DiGraph:
    """A copy of ``G`` with the edges into ``x`` removed (the graph of do(x)).

    Examples
    --------
    >>> G = nx.DiGraph([("Talent", "Gear"), ("Talent", "Sound"), ("Gear", "Sound")])
    >>> sorted(mutilated_graph(G, "Gear").edges)
    [('Gear', 'Sound'), ('Talent', 'Sound')]
    """
    if x is None:
        x = tuple(_roles(G).get("treatment", ()))
        if not x:
            raise IdentificationError(
                "no treatment given and no node has role 'treatment'; pass x=..."
            )
    xs = _node_tuple(G, x, "treatment")
    H = G.copy()
    H.remove_edges_from([(p, v) for v in xs for p in G.pred[v]])
    return H


def d_separated(G: nx.DiGraph, xs, ys, zs=()) -> bool:
    """Whether ``xs`` and ``ys`` are d-separated given ``zs`` in ``G``.

    Parameters
    ----------
    G : nx.DiGraph
        An acyclic graph (hidden ``<->`` nodes are ordinary latent parents).
    xs, ys, zs : node or collection of nodes
        Disjoint node sets; ``zs`` may be empty.

    Complexity: O(n + m), Bayes-ball [1]_ (one pass from ``xs``; stops at the
    first node of ``ys`` it reaches).

    Examples
    --------
    >>> G = nx.DiGraph([("a", "m"), ("b", "m"), ("a", "x"), ("b", "y")])
    >>> d_separated(G, "x", "y"), d_separated(G, "x", "y", "m")
    (True, False)
    >>> d_separated(G, "x", "y", {"m", "a"})
    True
    """
    _check_graph(G)
    xs = set(_node_tuple(G, xs, "node"))
    ys = set(_node_tuple(G, ys, "node"))
    zs = set(_node_tuple(G, zs, "node")) if zs not in (None, ()) else set()
    both = xs & ys or xs & zs or ys & zs
    if both:
        raise IdentificationError(f"the node sets must be disjoint; {next(iter(both))!r} repeats")
    succ, pred = adjacency(G)
    anc = _up(pred, zs)
    return not _ball(succ, pred, xs, zs, anc, targets=ys)


def _min_sep(succ, pred, a, b, restricted, included, cut_out=None, cut_in=None, A=None):
    """A minimal d-separator of ``a`` and ``b`` within ``restricted`` ⊇ included, or None [4]_.

    ``A``: the ancestors of ``a``, ``b`` and ``included`` (in the graph without ``cut_in``),
    when the caller has them."""
    if A is None:
        A = _up(pred, a | b | set(included), cut_in=cut_in)
    z0 = (A & restricted) | set(included)
    z0 -= a | b
    cx = _closure(succ, pred, a, A, z0, cut_out, cut_in)
    if cx & b:
        return None
    z1 = z0 & (cx | set(included))
    cy = _closure(succ, pred, b, A, z1, cut_out, cut_in)
    return frozenset(z1 & (cy | set(included)))


#: Largest ancestral set (nodes) on which a pair's separator is a minimum cut (max-flow);
#: beyond it a parent set (every node observed) or the minimal separator of the linear
#: two-pass search is kept.
_FLOW_LIMIT = 25


def implied_independencies(G: nx.DiGraph, observed=None) -> list[Independence]:
    """A basis of the conditional independencies the graph implies among observed nodes.

    One claim for every pair of non-adjacent observed nodes (graph order) that some
    set of observed nodes separates; pairs that none separates (e.g. joined through
    a latent common cause) are skipped, and no separable pair is lost.

    * The set is a minimum-size separator among the observed nodes: a minimum
      vertex cut of the moralized ancestral graph, found by max-flow (as
      :func:`minimum_adjustment_set` does) -- the smaller the set, the more
      powerful the test that ``check_fit`` runs on it.
    * On large graphs max-flow for every pair costs too much: a pair whose
      ancestral set has over 25 nodes gets, with every node observed and no
      selection, a parent set, without search (the local Markov property: for b not a
      descendant of a, ``a ⫫ b | pa(a)``), pruned of the parents that share no
      ancestor with b or the other parents; otherwise the minimal separator of
      the linear two-pass search [4]_.  Both are small but not always minimum.

    Nodes with role ``selected`` are in every conditioning set (the data are
    conditioned on them) and are not tested themselves.

    Parameters
    ----------
    G : nx.DiGraph
        An acyclic graph; roles as in the module docstring.
    observed : iterable of nodes, optional
        The measured variables; default: every node that is not latent.

    Returns
    -------
    list of Independence
        In graph order of the pairs; ``str()`` gives ``A ⫫ C | B``.

    Complexity: O(n^2 k (n + m)) for separators of size k; O(n^2) bit-mask
    operations for the pairs of a large graph with every node observed.

    Examples
    --------
    >>> G = nx.DiGraph([("A", "B"), ("B", "C")])
    >>> [str(i) for i in implied_independencies(G)]
    ['A ⫫ C | B']
    >>> G = nx.DiGraph([("U", "A"), ("U", "D"), ("A", "B"), ("B", "C"), ("C", "D")])
    >>> [str(i) for i in implied_independencies(G, observed="ABCD")]
    ['A ⫫ C | B', 'D ⫫ B | A, C']
    """
    _check_graph(G)
    roles = _roles(G)
    unobs = _unobserved(G, observed)
    sel = frozenset(roles.get("selected", ())) - unobs
    nodes = [n for n in G.nodes if n not in unobs and n not in sel]
    succ, pred = adjacency(G)
    markov = _Markov(G, succ, pred) if not unobs and not sel else None
    restricted = {n for n in G.nodes if n not in unobs}
    rank = _ranked(G)
    ancestors = _Ancestors(pred, sel, len(G))
    out = []
    for i, a in enumerate(nodes):
        for b in nodes[i + 1 :]:
            if b in succ[a] or a in succ[b]:
                continue
            if markov is not None:
                claim = markov.claim(a, b)
                if len(claim) <= 1 or not markov.small(a, b):  # <= 1 node: minimum already
                    out.append(Independence(a, b, claim))
                    continue
            A = ancestors.of(a, b)
            z = _min_sep(succ, pred, {a}, {b}, restricted - {a, b}, sel, A=A)
            if z is None:
                continue
            # a minimal set of at most one node is of minimum size too; past _FLOW_LIMIT
            # ancestral nodes the max-flow per pair costs too much: keep the minimal set
            if len(z - sel) <= 1 or len(A) > _FLOW_LIMIT:
                out.append(Independence(a, b, z))
                continue
            sep = _Sep(pred, A, {a}, {b}, sel, unobs.__contains__, {}, rank)
            out.append(Independence(a, b, frozenset(sep.min_cut(lambda v: 1)) | sel))
    return out


class _Ancestors:
    """Ancestors of a pair and the selected nodes, from each node's ancestors kept once.

    Every pair's separator search starts from its ancestral set: a union of two kept sets
    instead of a search (half the time of ``implied_independencies`` with latent nodes).
    Kept up to :data:`_KEPT_ANCESTORS` nodes (n sets of up to n nodes); past it, searched.
    """

    def __init__(self, pred, sel: frozenset, n: int) -> None:
        self.pred, self.sel = pred, sel
        self.base = _up(pred, set(sel))
        self.kept: dict | None = {} if n <= _KEPT_ANCESTORS else None

    def _one(self, v) -> set:
        if self.kept is None:
            return _up(self.pred, {v})
        if v not in self.kept:
            self.kept[v] = _up(self.pred, {v})
        return self.kept[v]

    def of(self, a, b) -> set:
        """Ancestors of ``a``, ``b`` and the selected nodes, themselves included."""
        if self.kept is None:
            return _up(self.pred, {a, b} | self.sel)
        return self._one(a) | self._one(b) | self.base


#: Up to this many nodes, each node's ancestors are kept for implied_independencies.
_KEPT_ANCESTORS = 1_000


class _Markov:
    """The local Markov claims of a graph with every node observed, without search.

    For b not a descendant of a, a ⫫ b | pa(a).  The set is pruned without search: a
    parent p is dropped when it shares no ancestor with b or the parents kept (then
    p ⫫ b given them, so no path through p opens); a pair whose nodes share no
    ancestor gets the empty set.  Ancestor and descendant sets are bit masks, so a
    claim costs a few integer operations.
    """

    def __init__(self, G: nx.DiGraph, succ, pred):
        self.pred = pred
        self.bit = bit = {v: 1 << i for i, v in enumerate(G.nodes)}
        self.rank = {v: i for i, v in enumerate(G.nodes)}
        topo = list(nx.topological_sort(G))
        self.de = de = {}
        for v in reversed(topo):
            m = bit[v]
            for c in succ[v]:
                m |= de[c]
            de[v] = m
        self.an = an = {}
        for v in topo:
            m = bit[v]
            for p in pred[v]:
                m |= an[p]
            an[v] = m

    def small(self, a, b) -> bool:
        """Is An(a, b) small enough for an exact minimum separator (max-flow)?"""
        return (self.an[a] | self.an[b]).bit_count() <= _FLOW_LIMIT

    def pruned(self, a, b) -> frozenset:
        """pa(a) without the parents that share no ancestor with b or the others."""
        an = self.an
        keep = sorted(self.pred[a], key=self.rank.__getitem__)
        for p in list(keep):
            rest = an[b]
            for q in keep:
                if q != p:
                    rest |= an[q]
            if not an[p] & rest:
                keep.remove(p)
        return frozenset(keep)

    def claim(self, a, b) -> frozenset:
        """A separating set of the non-adjacent a and b (the smaller parent-based one)."""
        if not self.an[a] & self.an[b]:
            return frozenset()
        options = []
        if not self.de[a] & self.bit[b]:  # b is not a descendant of a: a ⫫ b | pa(a)
            options.append(self.pruned(a, b))
        if not self.de[b] & self.bit[a]:
            options.append(self.pruned(b, a))
        return min(options, key=len)
