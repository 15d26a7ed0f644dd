"""Pearl's front-door criterion [7]_: mediators that carry the whole effect and are
themselves unconfounded with the treatment.

Why apart: it is the second identification strategy after adjustment, with its own
candidate search and minimisation; :mod:`.effect` tries it when no adjustment
set exists.
"""

from __future__ import annotations

import networkx as nx

from ._problem import NodeArg, _Problem
from ._reach import _ball, _down, _ranked, _up


def frontdoor_set(
    G: nx.DiGraph, x: NodeArg = None, y: NodeArg = None, observed=None
) -> frozenset | None:
    """Return a set satisfying Pearl's front-door criterion [7]_, or ``None``.

    M satisfies the criterion relative to (X, Y) when (i) M intercepts every
    directed path from X to Y, (ii) no back-door path from X to M is open
    (X ⫫ m in G with X's out-edges removed, for every m in M), and (iii) every
    back-door path from M to Y is blocked by X (m ⫫ Y | X in G with m's
    out-edges removed).  Candidates are the observed nodes on causal paths
    that pass (ii) and (iii); if together they intercept every causal path,
    nodes are dropped in graph order while the rest still do, which leaves an
    inclusion-minimal set.  One treatment and one outcome only (``None``
    otherwise).

    Parameters
    ----------
    G : nx.DiGraph
        An acyclic graph; roles as in the module docstring.
    x, y : node, optional
        One treatment and one outcome (default: the role-marked nodes).
    observed : iterable of nodes, optional
        Only these may be used (e.g. a DataFrame's columns); latent nodes never.

    Returns
    -------
    frozenset or None
        ``frozenset()`` when there is no causal path at all (the formula is P(y)).

    Complexity: O(k (n + m)) for k candidates.

    Examples
    --------
    >>> G = nx.DiGraph([("U", "X"), ("U", "Y"), ("X", "M"), ("M", "Y")])
    >>> G.nodes["U"]["role"] = "latent"
    >>> frontdoor_set(G, "X", "Y")
    frozenset({'M'})
    """
    pb = _Problem(G, x, y, observed)
    return _frontdoor(pb)


def _frontdoor(pb: _Problem) -> frozenset | None:
    """An inclusion-minimal front-door set for ``pb``, or ``None``."""
    if len(pb.X) != 1 or len(pb.Y) != 1:
        return None
    (x,), (y,) = pb.X, pb.Y
    succ, pred = pb.succ, pb.pred
    cn = pb.cn - pb.ys
    if not pb.cn:  # no causal path: the empty set intercepts them all (formula gives P(y))
        return frozenset()
    if y in succ[x]:  # a direct edge cannot be intercepted
        return None
    # (ii) for all candidates at once: nodes reached by an open back-door walk from x
    cut_x = {x: set(succ[x])}
    back_x = _ball(succ, pred, {x}, set(), set(), cut_x, {c: {x} for c in succ[x]})
    cands = []
    rank = _ranked(pb.G)
    for m in sorted(cn, key=rank.__getitem__):
        if not pb.adjustable(m) or m in back_x:
            continue
        # (iii) m ⫫ y | x in G with m's out-edges removed
        cut_m = {m: set(succ[m])}
        cut_in = {c: {m} for c in succ[m]}
        anc = _up(pred, {x})
        if _ball(succ, pred, {m}, {x}, anc, cut_m, cut_in, {y}):
            continue
        cands.append(m)
    chosen = list(cands)
    if not _intercepts(succ, x, y, set(chosen)):
        return None
    for m in list(chosen):
        rest = set(chosen) - {m}
        if rest and _intercepts(succ, x, y, rest):
            chosen.remove(m)
    return frozenset(chosen)


def _intercepts(succ, x, y, M) -> bool:
    """Does every directed path from x to y pass through M?"""
    reach = _down(succ, [c for c in succ[x] if c not in M], block=M)
    return y not in reach
