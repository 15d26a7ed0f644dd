"""Covariate adjustment: test a set, find one (minimal, minimum, optimal), list them all,
and say which forced node makes adjustment impossible.

Why together: these are the public questions about adjustment sets, all answered on
the same ``_Problem`` (the proper back-door graph and the forbidden nodes [3]_);
the searches they share live in ``_reach`` and ``separators``, the sentences in
``explain``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping

import networkx as nx

from ._problem import IdentificationError, NodeArg, _node_tuple, _Problem
from ._reach import _ball, _down, _ranked, _up
from .explain import (
    _forbidden_reason,
    _open_reason,
    _problem_text,
    _valid_reason,
)
from .paths import _open_path
from .results import AdjustmentCheck
from .separators import _Sep


def is_adjustment_set(
    G: nx.DiGraph, x: NodeArg, y: NodeArg, z, criterion: str = "generalized"
) -> bool:
    """Whether ``z`` is a valid adjustment set for the effect of ``x`` on ``y``.

    ``criterion="generalized"`` (default) is the generalized adjustment
    criterion [2]_, which is complete: ``z`` is valid iff no node of ``z``
    descends from a node on a proper causal path and ``z`` d-separates X and Y
    in the proper back-door graph [3]_.  ``criterion="backdoor"`` is Pearl's
    back-door criterion (sufficient, not complete): no node of ``z`` descends
    from X and ``z`` blocks every path into X.  Nodes with role ``selected``
    are counted as part of ``z``, and selection must leave the effect
    recoverable (whole or selected population; see the package docstring and
    :attr:`Identification.population`): under selection on a descendant of a
    confounded treatment no set is valid.

    Parameters
    ----------
    G : nx.DiGraph
        An acyclic graph; roles as in the module docstring.
    x, y : node or collection of nodes
        Treatment and outcome.
    z : collection of nodes
        The candidate set (may be empty).
    criterion : {"generalized", "backdoor"}

    Raises
    ------
    IdentificationError
        Unknown nodes, treatment = outcome, a cycle, an unknown criterion.

    Complexity: O(n + m).

    Examples
    --------
    M-bias: adjusting for the collider ``m`` alone opens ``x <- a -> m <- b -> y``.

    >>> G = nx.DiGraph([("a", "x"), ("a", "m"), ("b", "m"), ("b", "y"), ("x", "y")])
    >>> is_adjustment_set(G, "x", "y", set()), is_adjustment_set(G, "x", "y", {"m"})
    (True, False)
    >>> is_adjustment_set(G, "x", "y", {"m", "a"})
    True
    """
    return _check(_Problem(G, x, y), z, criterion, explain=False).valid


def check_adjustment_set(
    G: nx.DiGraph, x: NodeArg, y: NodeArg, z, criterion: str = "generalized"
) -> AdjustmentCheck:
    """Test an adjustment set and say why it is or is not valid.

    Same test as :func:`is_adjustment_set`; the answer also carries a sentence
    (``reason``), an open biasing path the set leaves open (``open_path``) and
    a node of the set that must not be adjusted for (``forbidden``, a
    descendant of a node on a causal path).

    Parameters
    ----------
    G : nx.DiGraph
        An acyclic graph; roles as in the module docstring.
    x, y, z, criterion
        As for :func:`is_adjustment_set`.

    Returns
    -------
    AdjustmentCheck
        ``valid``, ``reason``, ``open_path`` (a :class:`Path` or None),
        ``forbidden`` (a node or None).  Truthy when valid.

    Complexity: O(n + m) for the test; the explanation may list paths on small graphs.

    Examples
    --------
    >>> G = nx.DiGraph([("Talent", "Gear"), ("Talent", "Sound"), ("Gear", "Sound")])
    >>> c = check_adjustment_set(G, "Gear", "Sound", set())
    >>> c.valid, str(c.open_path)
    (False, 'Gear <- Talent -> Sound')
    """
    return _check(_Problem(G, x, y), z, criterion, explain=True)


def _check(pb: _Problem, z, criterion: str, explain: bool) -> AdjustmentCheck:
    """The adjustment test; with ``explain`` also the open path of the reason."""
    if criterion not in ("generalized", "backdoor"):
        raise IdentificationError(
            f"unknown criterion {criterion!r}; use 'generalized' or 'backdoor'"
        )
    G = pb.G
    zt = _node_tuple(G, z, "adjustment node") if z not in (None, ()) else ()
    zset = set(zt) | pb.selected
    bad = [n for n in zt if n in pb.xs or n in pb.ys]
    if bad:
        return AdjustmentCheck(False, f"{bad[0]} is a treatment or outcome, not a covariate")
    if pb.population == "none":
        de_x = _down(pb.succ, pb.xs)
        hit = min((s for s in pb.selected if s in de_x), key=str)
        return AdjustmentCheck(
            False,
            f"the data are selected on {hit}, a descendant of the treatment, while the "
            "treatment is confounded or selection is linked to the outcome: no adjustment "
            "set recovers the effect from these data",
            None,
            hit,
        )
    if criterion == "generalized":
        forb = pb.forb
        hit = next((n for n in (*zt, *pb.selected) if n in forb), None)
        if hit is not None:
            if not explain:
                return AdjustmentCheck(False, "", None, hit)
            return AdjustmentCheck(False, _forbidden_reason(pb, hit), None, hit)
        if pb.separated_pbd(zset):
            return AdjustmentCheck(True, _valid_reason(zset, "generalized adjustment criterion"))
        path = _open_path(pb, zset) if explain else None
        return AdjustmentCheck(False, _open_reason(path, zset), path, None)
    # Pearl's back-door criterion: no descendant of X; d-separation in G minus X's out-edges.
    de_x = _down(pb.succ, pb.xs)
    hit = next((n for n in (*zt, *pb.selected) if n in de_x), None)
    if hit is not None:
        reason = f"{hit} is a descendant of the treatment; the back-door criterion forbids it"
        return AdjustmentCheck(False, reason, None, hit)
    cut_out = {x: set(pb.succ[x]) for x in pb.X}
    cut_in: dict = {}
    for x, heads in cut_out.items():
        for h in heads:
            cut_in.setdefault(h, set()).add(x)
    anc = _up(pb.pred, zset, cut_in=cut_in)
    if not _ball(pb.succ, pb.pred, pb.xs, zset, anc, cut_out, cut_in, pb.ys):
        return AdjustmentCheck(True, _valid_reason(zset, "back-door criterion"))
    path = _open_path(pb, zset) if explain else None
    return AdjustmentCheck(False, _open_reason(path, zset), path, None)


def minimal_adjustment_set(
    G: nx.DiGraph,
    x: NodeArg = None,
    y: NodeArg = None,
    observed=None,
    included=None,
) -> frozenset | None:
    """Return a minimal adjustment set, or ``None`` when no valid set exists.

    ``frozenset()`` means the empty set is valid (no adjustment needed); ``None``
    means no set of observed nodes works.  The set contains the forced nodes
    (role ``adjusted`` / ``selected``, ``included=``) and is minimal relative to
    them: no node can be dropped without breaking validity.

    Parameters
    ----------
    G : nx.DiGraph
        An acyclic graph; roles as in the module docstring.
    x, y : node or collection of nodes, optional
        Treatment and outcome (default: the role-marked nodes).
    observed : iterable of nodes, optional
        Only these may be adjusted for (e.g. a DataFrame's columns).
    included : node or collection of nodes, optional
        Forced into the set, on top of role ``adjusted``.

    Algorithm: start from the observed, allowed nodes of An(X ∪ Y ∪ forced)
    minus the forbidden nodes; a set exists iff that one separates X and Y in
    the proper back-door graph; then two reachability passes (from X, then
    from Y) keep only the nodes both sides reach [4]_, [3]_.

    Returns
    -------
    frozenset or None

    Complexity: O(n + m).

    Examples
    --------
    >>> G = nx.DiGraph([("Talent", "Gear"), ("Talent", "Sound"), ("Gear", "Sound")])
    >>> minimal_adjustment_set(G, "Gear", "Sound")
    frozenset({'Talent'})
    >>> minimal_adjustment_set(G, "Gear", "Sound", observed={"Gear", "Sound"}) is None
    True
    """
    return _Problem(G, x, y, observed, included).find_minimal()


def adjustment_sets(
    G: nx.DiGraph,
    x: NodeArg = None,
    y: NodeArg = None,
    observed=None,
    included=None,
    minimal: bool = True,
    limit: int | None = None,
) -> Iterator[frozenset]:
    """Generate the adjustment sets for the effect of ``x`` on ``y``.

    With ``minimal=True`` (default) every minimal adjustment set (minimal
    relative to the forced nodes) is generated exactly once, with polynomial
    delay: they are the minimal vertex separators of the moralized ancestral
    proper back-door graph [3]_, listed breadth-first by the Kloks-Kratsch
    step [5]_ -- the first is the one nearest the treatment.  With
    ``minimal=False`` every valid set of observed nodes is generated (there
    can be exponentially many) by the branch-and-test ``ListSep`` of [3]_:
    each branch is kept only if a valid set remains in it, so the delay is
    polynomial too.  ``limit`` caps the count.  The order is deterministic.

    An empty generator means no valid set exists; a generator yielding
    ``frozenset()`` means no adjustment is needed.

    Parameters
    ----------
    G : nx.DiGraph
        An acyclic graph; roles as in the module docstring.
    x, y : node or collection of nodes, optional
        Treatment and outcome; default to the nodes with those roles.
    observed : iterable of nodes, optional
        Only these may be used (e.g. a DataFrame's columns); latent nodes never.
    included : node or collection of nodes, optional
        Forced into every set, on top of the roles ``adjusted`` and ``selected``.
    minimal : bool
        List the minimal sets (default) or every valid set.
    limit : int, optional
        Stop after this many sets.

    Returns
    -------
    iterator of frozenset

    Complexity: O(n (n + m)) per minimal set (the moral graph can be O(n^2)).

    Examples
    --------
    >>> G = nx.DiGraph([("a", "x"), ("a", "m"), ("b", "m"), ("b", "y"), ("x", "y"), ("m", "y")])
    >>> [sorted(s) for s in adjustment_sets(G, "x", "y")]
    [['a'], ['b', 'm']]
    """
    pb = _Problem(G, x, y, observed, included)
    gen = _minimal_sets(pb) if minimal else _all_sets(pb)
    return itertools.islice(gen, limit) if limit is not None else gen


def _minimal_sets(pb: _Problem) -> Iterator[frozenset]:
    """Every minimal set (forced nodes added), Kloks-Kratsch order."""
    forced = pb.forced
    if pb.find_minimal() is None:
        return
    sep = _Sep.for_problem(pb, forced)
    for s in sep.minimal_separators():
        yield frozenset(s | forced)


def _all_sets(pb: _Problem) -> Iterator[frozenset]:
    """Every valid set, by branch-and-test (ListSep of [3]_)."""
    forb = pb.forb
    rank = _ranked(pb.G)
    pool = [v for v in pb.G.nodes if pb.adjustable(v) and v not in forb]
    allowed = frozenset(pool)
    forced = pb.forced
    if not forced <= allowed:
        return
    free = [v for v in pool if v not in forced]
    free.sort(key=rank.__getitem__)
    # depth-first: (index of next free node to decide, chosen, excluded)
    stack = [(0, frozenset(forced), frozenset())]
    while stack:
        i, chosen, excluded = stack.pop()
        if not pb.any_valid(chosen, allowed - excluded):
            continue
        if i == len(free):
            yield chosen
            continue
        v = free[i]
        stack.append((i + 1, chosen | {v}, excluded))
        stack.append((i + 1, chosen, excluded | {v}))


def minimum_adjustment_set(
    G: nx.DiGraph,
    x: NodeArg = None,
    y: NodeArg = None,
    observed=None,
    included=None,
    cost: Mapping | Callable | None = None,
) -> frozenset | None:
    """Return an adjustment set of smallest size (or total ``cost``), or ``None``.

    ``cost`` maps a node to a positive number (a dict or a function); by default
    every node costs 1.  A minimum set is minimal, so it lies in the moralized
    ancestral proper back-door graph [3]_; it is a minimum s-t vertex cut there,
    found by max-flow (Edmonds-Karp) on the vertex-split graph.

    Parameters
    ----------
    G : nx.DiGraph
        An acyclic graph; roles as in the module docstring.
    x, y : node or collection of nodes, optional
        Treatment and outcome; default to the nodes with those roles.
    observed : iterable of nodes, optional
        Only these may be used (e.g. a DataFrame's columns); latent nodes never.
    included : node or collection of nodes, optional
        Forced into every set, on top of the roles ``adjusted`` and ``selected``.
    cost : mapping or callable, optional
        Price of each node (default 1); the total is minimised.

    Returns
    -------
    frozenset or None
        ``None`` when no valid set exists.

    Complexity: O(k (n + m)) for a cut of size k with unit costs.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "x"), ("a", "m"), ("b", "m"), ("b", "y"), ("x", "y"), ("m", "y")])
    >>> sorted(minimum_adjustment_set(G, "x", "y"))
    ['a']
    """
    pb = _Problem(G, x, y, observed, included)
    if pb.find_minimal() is None:
        return None
    sep = _Sep.for_problem(pb, pb.forced)
    if cost is None:

        def price(v):
            return 1

    elif callable(cost):
        price = cost
    else:

        def price(v):
            return cost.get(v, 1)

    return frozenset(sep.min_cut(price) | pb.forced)


def optimal_adjustment_set(
    G: nx.DiGraph, x: NodeArg = None, y: NodeArg = None, observed=None
) -> frozenset | None:
    """Return the optimal adjustment set (the O-set, or the best observed set), or ``None``.

    O(X, Y) = pa(cn(X, Y)) \\ forb(X, Y): the parents of the nodes on proper
    causal paths, minus the forbidden nodes [6]_.  Among valid adjustment sets it
    gives the smallest asymptotic variance of the adjusted estimator (for
    nonparametric estimators too).  Forced nodes (role ``adjusted`` /
    ``selected``) are added to it.

    When the O-set needs an unobserved node, the answer is the optimum *among
    sets of observed nodes* of Smucler, Sapienza & Rotnitzky [9]_ (the
    outcome's neighbours in the moral ancestral back-door graph once the
    unobserved and forbidden nodes are eliminated); that optimum is guaranteed
    to exist when every observed node is an ancestor of X, Y or a forced node,
    and ``None`` is returned otherwise, or when no valid set exists, so callers
    fall back to :func:`minimal_adjustment_set`.  :func:`identify_effect` says
    which optimum it used.

    Parameters
    ----------
    G : nx.DiGraph
        An acyclic graph; roles as in the module docstring.
    x, y : node or collection of nodes, optional
        Treatment and outcome; default to the nodes with those roles.
    observed : iterable of nodes, optional
        Only these may be used (e.g. a DataFrame's columns); latent nodes never.

    Returns
    -------
    frozenset or None

    Complexity: O(n + m).

    Examples
    --------
    >>> G = nx.DiGraph([("a", "x"), ("a", "m"), ("b", "m"), ("b", "y"), ("x", "y")])
    >>> optimal_adjustment_set(G, "x", "y")
    frozenset({'b'})

    DoWhy's ``ssr21_fig3``: the O-set {T, U} needs the unobserved U; {F, T} is the
    optimum among observed sets.

    >>> H = nx.DiGraph([("T", "X"), ("T", "F"), ("F", "X"), ("U", "F"), ("U", "Y"),
    ...                 ("X", "M"), ("M", "Y")])
    >>> sorted(optimal_adjustment_set(H, "X", "Y", observed="XYTFM"))
    ['F', 'T']

    References
    ----------
    .. [9] Smucler, E., Sapienza, F., Rotnitzky, A. "Efficient adjustment sets in
       causal graphical models with hidden variables." Biometrika 109(1) (2022).
    """
    pb = _Problem(G, x, y, observed)
    return _optimal(pb)


def _optimal(pb: _Problem) -> frozenset | None:
    """The O-set plus the forced nodes; else the best observed set; else ``None``."""
    return _optimal_noted(pb)[0]


def _optimal_noted(pb: _Problem) -> tuple[frozenset | None, str]:
    """The optimal set and which optimum it is: ``"O-set"`` or ``"observed"`` [9]_."""
    o = set()
    for v in pb.cn:
        o |= pb.pred[v].keys()
    o -= pb.forb
    o |= pb.forced
    if any(not pb.adjustable(v) for v in o):
        return _optimal_observed(pb), "observed"
    if not pb.is_adjustment(o):
        return None, "O-set"
    return frozenset(o), "O-set"


def _optimal_observed(pb: _Problem) -> frozenset | None:
    """The optimal set among observed ones when the O-set needs an unobserved node [9]_.

    Smucler, Sapienza & Rotnitzky's graph H1: the moral graph of the ancestral proper
    back-door graph with the unobserved and forbidden nodes eliminated; the optimum is
    the outcome's neighbourhood there.  It is guaranteed optimal when every observed
    node is an ancestor of X, Y or a forced node; otherwise ``None`` (no optimum is
    guaranteed).  ``_Sep`` already is that graph, with each connected group of
    eliminated nodes contracted into one blocked node.
    """
    A = pb.ancestral(pb.forced)
    if any(v not in A and v not in pb.unobs for v in pb.G):
        return None
    sep = _Sep.for_problem(pb, pb.forced)
    adj, T = sep.adj, sep.T
    near = set(adj[T])
    for b in adj[T] & sep.blocked:
        near |= adj[b]
    near -= sep.blocked | {T}
    if sep.S in near:
        return None
    best = frozenset(near | pb.forced)
    return best if pb.is_adjustment(best) else None


def adjustment_problem(
    G: nx.DiGraph, x: NodeArg = None, y: NodeArg = None, observed=None, included=None
) -> str | None:
    """Say which forced node makes adjustment impossible, and why; else ``None``.

    A forced node (role ``adjusted`` / ``selected``, or ``included=``) can break
    every adjustment set in three ways: it is not observed; it is a mediator or
    a descendant of one (a descendant of a node on a causal path); or it is a
    collider (or a collider's descendant) that opens a biasing path no observed
    set can block.  DAGitty users ask for exactly this warning.

    Returns ``None`` when a valid set containing the forced nodes exists, or
    when no valid set exists even without them (then the forced nodes are not
    the problem).

    Parameters
    ----------
    G : nx.DiGraph
        An acyclic graph; roles as in the module docstring.
    x, y : node or collection of nodes, optional
        Treatment and outcome; default to the nodes with those roles.
    observed : iterable of nodes, optional
        Only these may be used (e.g. a DataFrame's columns); latent nodes never.
    included : node or collection of nodes, optional
        Forced into every set, on top of the roles ``adjusted`` and ``selected``.

    Returns
    -------
    str or None
        One sentence naming the forced node and what it does.

    Examples
    --------
    >>> G = nx.DiGraph([("x", "m"), ("m", "y")])
    >>> print(adjustment_problem(G, "x", "y", included="m"))  # doctest: +NORMALIZE_WHITESPACE
    m is forced into the adjustment set but it is a mediator (it lies on the causal
    path x -> m -> y); adjusting for it removes part of the effect
    """
    pb = _Problem(G, x, y, observed, included)
    return _problem_text(pb)
