"""``identify_effect``: how P(y | do(x)) -- or P(y | do(x), w) -- is identified, with its formula.

Why a module of its own: this is the one decision the estimator and the cards rely
on.  It tries the strategies in a fixed order -- back-door adjustment, the front-door
criterion, the ID algorithm -- and returns one :class:`Identification` whose
``expression`` is a :mod:`causal_magic.formula` tree for every identified method, so
the text, the LaTeX and the estimate are all read from the same formula.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import networkx as nx

from ..formula import Expr, Prob, Product, Sum, to_latex, to_text
from ._problem import NodeArg, _check_graph, _node_tuple, _Problem
from ._reach import _down, _ranked
from .adjustment import _optimal_noted, _problem_text
from .explain import _blocking_failure, _name_set, _plain_list
from .frontdoor import _frontdoor
from .id_algorithm import id_formula
from .results import Identification


def identify_effect(
    G: nx.DiGraph,
    x: NodeArg = None,
    y: NodeArg = None,
    observed=None,
    included=None,
    given=(),
) -> Identification:
    """Decide how P(y | do(x)) is identified from the observed nodes, with the formula.

    Tries, in order: back-door adjustment (the optimal O-set [6]_ when it is
    valid and observed, else a minimal set [4]_ -- ``reason`` says which); the
    front-door criterion [7]_; then the ID algorithm (``method="id"``, a formula
    with nested sums and possibly ratios; see :mod:`causal_magic.identify.id_algorithm` --
    not tried under selection or with forced nodes); otherwise ``method="none"``
    with an open biasing path that no observed set can block.  ``warnings``
    carries :func:`adjustment_problem`'s sentence and a note on selection.

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
    given : node or collection of nodes, optional
        Conditions W: identify P(y | do(x), w) instead (see below).

    Returns
    -------
    Identification
        ``method`` ("backdoor", "frontdoor", "id" or "none"), ``adjustment_set``,
        ``frontdoor_set``, ``formula`` (plain text), ``latex``, ``reason``,
        ``open_path``, ``treatment``, ``outcome``, ``warnings``, ``expression`` (the
        formula as a :mod:`causal_magic.formula` tree), ``given``,
        ``descendant_condition``.

    With ``given`` (conditions W) it answers P(y | do(x), w) by adjustment within
    the strata of W: a condition that descends from a treatment gives
    ``method="none"`` with ``descendant_condition`` set; otherwise the answer is a
    minimal adjustment set containing W (``method="backdoor"``, ``adjustment_set``
    without W, ``given`` = W) or ``method="none"`` when no observed set contains W
    or the set would contain a descendant of the treatment.

    Complexity: O(n + m) for the adjustment part; O(k (n + m)) for front-door;
    polynomial for the ID algorithm.

    Examples
    --------
    >>> G = nx.DiGraph([("Talent", "Gear"), ("Talent", "Sound"), ("Gear", "Sound")])
    >>> r = identify_effect(G, "Gear", "Sound")
    >>> r.method, sorted(r.adjustment_set), r.formula
    ('backdoor', ['Talent'], 'Σ_Talent P(Sound | Gear, Talent) P(Talent)')
    >>> identify_effect(G, "Gear", "Sound", given=["Talent"]).formula
    'P(Sound | Gear, Talent)'
    >>> G.nodes["Talent"]["role"] = "latent"
    >>> r = identify_effect(G, "Gear", "Sound")
    >>> r.method
    'none'
    >>> print(r.reason)  # doctest: +NORMALIZE_WHITESPACE
    not identifiable by adjustment or front-door: the biasing path
    Gear <- Talent -> Sound cannot be blocked because Talent is not observed
    """
    if _has_conditions(given):
        return _identify_given(G, x, y, observed, included, given)
    pb = _Problem(G, x, y, observed, included)
    rank = _ranked(G)
    selected = sorted(pb.selected, key=rank.__getitem__)
    warnings = _warnings(pb, selected)
    found = _by_adjustment(pb, rank, selected, warnings)
    return found if found is not None else _beyond_adjustment(pb, rank, warnings)


def adjustment_formula(X: Sequence, Y: Sequence, Z: Sequence, given: Sequence = ()) -> Expr:
    """The back-door formula ``Σ_Z P(Y | X, Z, given) P(Z | given)`` (``P(Y | X, given)``
    when ``Z`` is empty), as a :mod:`causal_magic.formula` tree.

    >>> to_text(adjustment_formula(("Gear",), ("Sound",), ("Talent",)))
    'Σ_Talent P(Sound | Gear, Talent) P(Talent)'
    """
    Y, given = tuple(Y), tuple(given)
    if not Z:
        return Prob(Y, (*X, *given))
    Z = tuple(Z)
    return Sum(Z, Product((Prob(Y, (*X, *Z, *given)), Prob(Z, given))))


def frontdoor_formula(x: Hashable, y: Hashable, M: Sequence) -> Expr:
    """The front-door formula ``Σ_M P(M | x) Σ_x' P(y | x', M) P(x')`` as a tree.

    The inner sum runs over the treatment itself: write it with ``fixed={x}`` so that
    the summed ``x`` is primed.

    >>> to_text(frontdoor_formula("X", "Y", ("M",)), fixed={"X"})
    "Σ_M P(M | X) Σ_X' P(Y | X', M) P(X')"
    """
    M = tuple(M)
    inner = Sum((x,), Product((Prob((y,), (x, *M)), Prob((x,)))))
    return Sum(M, Product((Prob(M, (x,)), inner)))


def _identification(method: str, pb: _Problem, expr: Expr, reason: str, **kw) -> Identification:
    """An identified answer: ``formula`` and ``latex`` written from ``expr``."""
    fixed = pb.xs if method in ("frontdoor", "id") else frozenset()
    return Identification(
        method,
        kw.pop("adjustment_set", None),
        kw.pop("frontdoor_set", None),
        to_text(expr, fixed=fixed),
        to_latex(expr, fixed=fixed),
        reason,
        kw.pop("open_path", None),
        pb.X,
        pb.Y,
        expression=expr,
        **kw,
    )


def _warnings(pb: _Problem, selected: list) -> tuple[str, ...]:
    """:func:`adjustment_problem`'s sentence, and a note on selection."""
    out = []
    problem = _problem_text(pb)
    if problem:
        out.append(problem)
    if selected:
        out.append(_selection_warning(selected, pb.population))
    return tuple(out)


def _selection_warning(selected: list, population: str | None = "selected") -> str:
    """The note that the data are selected, and which population the formula is for."""
    head = f"the data are selected on {_plain_list(selected)}; it is conditioned on"
    if population == "whole":
        return (
            f"{head}, and the formula still gives the effect in the whole population: "
            "selection is independent of the outcome given the treatment "
            "(Correa, Tian & Bareinboim 2018)"
        )
    if population == "none":
        return f"{head}; {_selection_failure(selected)}"
    return (
        f"{head}, so the formula holds for the selected population (P(y | do(x), "
        f"{_plain_list(selected)})), not necessarily for the whole one: selection depends "
        "on the outcome other than through the treatment"
    )


def _selection_failure(selected: list) -> str:
    """Why no adjustment recovers the effect when selection descends from the treatment."""
    return (
        f"selection on {_plain_list(selected)} depends on the treatment (a descendant of the "
        "treatment is selected on) while the treatment is confounded or selection is "
        "linked to the outcome, so no adjustment set recovers the effect from these data"
    )


def _by_adjustment(pb: _Problem, rank: dict, selected: list, warnings) -> Identification | None:
    """Back-door adjustment: the O-set when valid and observed, else a minimal set."""
    Z, kind = _optimal_noted(pb)
    how = "optimal adjustment set (O-set: parents of causal-path nodes, minus forbidden nodes)"
    if kind == "observed":
        how = (
            "optimal adjustment set among the observed nodes (Smucler, Sapienza & Rotnitzky "
            "2021): the O-set needs an unobserved node, so this is the optimum under that "
            "restriction"
        )
    if Z is None:
        Z = pb.find_minimal()
        how = "minimal adjustment set (generalized adjustment criterion)"
    if Z is None:
        return None
    zs = [v for v in sorted(Z, key=rank.__getitem__) if v not in pb.selected]
    if not Z:
        how = "the empty set is a valid adjustment set: no biasing path is open"
    elif pb.forced:
        how += f", containing the forced {_name_set(pb.forced_order)}"
    expr = adjustment_formula(pb.X, pb.Y, zs, selected)
    return _identification(
        "backdoor",
        pb,
        expr,
        how,
        adjustment_set=frozenset(Z),
        warnings=warnings,
        population=pb.population or "whole",
    )


def _beyond_adjustment(pb: _Problem, rank: dict, warnings) -> Identification:
    """No adjustment set: the front-door criterion, then the ID algorithm, else "none"."""
    if pb.population == "none":
        selected = sorted(pb.selected, key=rank.__getitem__)
        reason = f"not identifiable from these data: {_selection_failure(selected)}"
        return Identification(
            "none", None, None, "", "", reason, None, pb.X, pb.Y, warnings, population="none"
        )
    failure, path = _blocking_failure(pb)
    M = _frontdoor(pb)
    if M:  # an empty front-door set means no causal path: the ID algorithm says P(y)
        ms = sorted(M, key=rank.__getitem__)
        reason = f"front-door set {_name_set(ms)} (Pearl's front-door criterion); no adjustment "
        reason += f"set exists: {failure}"
        expr = frontdoor_formula(pb.X[0], pb.Y[0], ms)
        return _identification(
            "frontdoor",
            pb,
            expr,
            reason,
            frontdoor_set=frozenset(M),
            open_path=path,
            warnings=warnings,
        )
    expr = _id_expression(pb)
    if expr is not None:
        reason = "identified by the ID algorithm (Shpitser & Pearl), not by a simple formula: "
        reason += f"no adjustment set or front-door set exists: {failure}"
        return _identification("id", pb, expr, reason, open_path=path, warnings=warnings)
    reason = f"not identifiable by adjustment or front-door: {failure}"
    return Identification("none", None, None, "", "", reason, path, pb.X, pb.Y, warnings)


def _id_expression(pb: _Problem) -> Expr | None:
    """The ID algorithm's expression, or None (not identifiable, or not applicable here).

    Not tried under selection (the algorithm assumes unselected data), with an
    unobserved treatment or outcome, or when nodes are forced into the adjustment
    set (its formula would silently ignore them).
    """
    if pb.selected or pb.forced or pb.unobs & (pb.xs | pb.ys):
        return None
    return id_formula(pb.G, pb.xs, pb.ys, pb.unobs)


# --------------------------------------------------------------------------- P(y | do(x), w)


def _has_conditions(given) -> bool:
    """Is ``given`` a condition or a non-empty collection of them?"""
    if given is None:
        return False
    if isinstance(given, (tuple, list, set, frozenset)):
        return len(given) > 0
    return True


def _identify_given(G, x, y, observed, included, given) -> Identification:
    """P(y | do(x), w): adjustment by a set that contains the conditions W."""
    _check_graph(G)
    W = _node_tuple(G, given, "condition")
    if not W:
        return identify_effect(G, x, y, observed, included)
    inc = () if included is None else _node_tuple(G, included, "included node")
    pb = _Problem(G, x, y, observed, (*W, *inc), check=False)
    rank = _ranked(G)
    selected = sorted(pb.selected, key=rank.__getitem__)
    warnings = (_selection_warning(selected, pb.population),) if selected else ()

    def none(reason: str, **kw) -> Identification:
        return Identification(
            "none", None, None, "", "", reason, None, pb.X, pb.Y, warnings, given=W, **kw
        )

    desc = _down(pb.succ, {c for t in pb.X for c in pb.succ[t]})
    post = next((w for w in W if w in desc), None)
    if post is not None:
        return none(
            f"the condition {post} is a descendant of the treatment "
            f"{_plain_list(pb.X)}: conditioning on it conditions on an effect of the "
            "intervention, which adjustment within its strata does not identify",
            descendant_condition=post,
        )
    if pb.population == "none":
        return none(f"not identifiable from these data: {_selection_failure(selected)}")
    found = pb.find_minimal()
    if found is None:
        return none(f"no valid adjustment set among the observed nodes contains {_name_set(W)}")
    z = sorted((n for n in found if n not in W), key=str)
    bad = next((n for n in z if n in desc), None)
    if bad is not None:
        return none(
            f"the adjustment set for the conditional effect includes {bad}, "
            "a descendant of the treatment"
        )
    reason = (
        f"{_name_set([*z, *W])} is an adjustment set containing the conditions, "
        f"so within each stratum of {_plain_list(W)} the back-door formula applies"
    )
    zs = [v for v in sorted(z, key=rank.__getitem__) if v not in pb.selected]
    expr = adjustment_formula(pb.X, pb.Y, zs, (*W, *selected))
    return _identification(
        "backdoor",
        pb,
        expr,
        reason,
        adjustment_set=frozenset(z),
        warnings=warnings,
        given=W,
        population=pb.population or "whole",
    )
