"""Instrumental variables: (conditional) instruments for one treatment and one outcome.

Why apart: a third kind of question, answered with the separator machinery of
:mod:`.separators` (the separator nearest the outcome [8]_) plus two Bayes-ball
tests per candidate.
"""

from __future__ import annotations

import networkx as nx

from ._problem import IdentificationError, Node, NodeArg, _Problem
from ._reach import _ball, _down, _ranked, _up
from .separators import _Sep


def instrumental_variables(
    G: nx.DiGraph, x: NodeArg = None, y: NodeArg = None, observed=None
) -> list[tuple[Node, frozenset]]:
    """List instruments for the effect of ``x`` on ``y``, each with a conditioning set.

    ``(z, W)`` is a (conditional) instrument when z and W are observed, neither
    descends from X, z is d-connected to X given W in G, and z is d-separated
    from Y given W in G with X's out-edges removed (the only way from z to Y is
    through X).  For each z the conditioning sets tried are the empty set, then
    the separator of z and Y nearest to Y among the ancestors of {z, Y} [8]_.
    So every z with an *ancestral* conditioning set is found, and the list is
    empty only when no instrument exists at all; a z that needs a
    non-ancestral W (conditioning on a collider below z to make it relevant)
    may be left out when another instrument serves.  One treatment and one
    outcome.

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
    list of (node, frozenset)
        Instrument and conditioning set, in graph order.

    Complexity: O(n (n + m)).

    Examples
    --------
    >>> G = nx.DiGraph([("Z", "X"), ("U", "X"), ("U", "Y"), ("X", "Y")])
    >>> G.nodes["U"]["role"] = "latent"
    >>> instrumental_variables(G, "X", "Y")
    [('Z', frozenset())]
    """
    pb = _Problem(G, x, y, observed)
    if len(pb.X) != 1 or len(pb.Y) != 1:
        raise IdentificationError("instrumental_variables needs one treatment and one outcome")
    x = pb.X[0]
    de_x = _down(pb.succ, {x})
    allowed = {v for v in pb.G.nodes if pb.adjustable(v) and v not in de_x}
    rank = _ranked(pb.G)
    out = []
    for z in pb.G.nodes:
        if z in allowed:
            W = _conditioning_set(pb, z, allowed - {z}, rank)
            if W is not None:
                out.append((z, W))
    return out


def _conditioning_set(pb: _Problem, z: Node, rest: set, rank: dict) -> frozenset | None:
    """A set W (from ``rest``, plus the selected nodes) that makes ``z`` an instrument.

    Tried: the empty set, then the separator of z and y nearest to y, which keeps z
    as connected to x as can be [8]_.
    """
    (x,), (y,) = pb.X, pb.Y
    succ, pred = pb.succ, pb.pred
    cut_out = {x: set(succ[x])}
    cut_in = {c: {x} for c in succ[x]}
    A = _up(pred, {z, y} | pb.selected, cut_in=cut_in)
    banned = {v for v in A if v not in rest}
    sep = _Sep(pred, A, {z}, {y}, pb.selected, banned.__contains__, cut_in, rank)
    near = sep.close({sep.T}, sep.S)
    if near is None:
        return None
    for W in (set(), set(near)):
        W = W | pb.selected
        if z in W:
            continue
        anc_cut = _up(pred, W, cut_in=cut_in)
        if _ball(succ, pred, {z}, W, anc_cut, cut_out, cut_in, {y}):
            continue  # z still reaches y other than through x
        if not _ball(succ, pred, {z}, W, _up(pred, W), targets={x}):
            continue  # z is not relevant for x
        return frozenset(W)
    return None
