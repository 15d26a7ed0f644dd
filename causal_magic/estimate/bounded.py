"""``%do --bounds``: an interval for an effect the graph cannot identify.

Why a module of its own: this is the third answer ``%do`` can give, beside a
number and a refusal.  When no formula identifies ``P(Y=y | do(X=x))``, the
data still fence it in: :mod:`~causal_magic.estimate.bounds` gives the natural
bounds with no assumption at all, and, where the graph says more (an
instrument, an unconfounded cause) and scipy is installed,
:mod:`~causal_magic.estimate.response_lp` tightens them to the sharp bounds of
the graph's response-function model.  When that program is too large, or the
data contradict the graph, the natural bounds stand and the result says why.

The result is a :class:`DoResult` with ``value`` ``None``, ``bounds`` the
interval and ``bounds_info`` how it was found and what would narrow it.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import networkx as nx
import numpy as np

from ..backends import CountTable, count_table
from ..graph import is_hidden, is_latent
from ..query import Query, Term, format_name, parse_query
from .bounds import BoundsInfo, contrast_bounds, natural_bounds
from .response_lp import InfeasibleModel, ModelTooLarge, Target, lp_bounds, response_model
from .result import DataError, DoResult, NotIdentifiableError
from .sensitivity import Sensitivity, sensitivity_of
from .validate import check_counts, match_value

__all__ = [
    "boundable",
    "bounded_result",
    "bounds_instead",
    "identified_bounds",
    "term_sensitivity",
    "with_extras",
]


def boundable(q: Query) -> str:
    """Why the query cannot be bounded here ("" when it can)."""
    for t in q.terms:
        if t.kind != "P" or t.outcome_value is None:
            return (
                "bounds are computed for probabilities of one outcome value, "
                "P(Y=y | do(X=x)); an expectation or a whole distribution has none here"
            )
        if t.conditions or not t.interventions:
            return "bounds are computed for P(Y=y | do(X=x)) without conditions after '|'"
    if q.right is not None and q.right.outcome != q.left.outcome:
        return "bounds of a contrast need the same outcome on both sides"
    return ""


def bounded_result(
    q: Query,
    data: object,
    G: nx.DiGraph | None,
    graph_name: str,
    columns: list[str],
    warnings: list[str],
    refusal: NotIdentifiableError | None,
) -> DoResult:
    """The bounds result for a query that no formula identifies (``refusal`` says why)."""
    why_not = boundable(q)
    if why_not:
        if refusal is not None:
            raise refusal
        raise DataError(why_not)
    x_names = list(dict.fromkeys(n for t in q.terms for n, _ in t.interventions))
    y = q.left.outcome
    table = count_table(data, [*x_names, y])
    check_counts(table, [*x_names, y], None)
    codes = [_codes(t, table) for t in q.terms]
    natural = [_natural(table, x_names, y, c) for c in codes]
    naive = [_naive(table, x_names, y, c) for c in codes]
    notes: list[str] = []
    method, per_term, joint = "natural", natural, None
    if G is not None:
        method, joint, notes = _tighter(q, data, G, columns, x_names, y, natural)
    if joint is not None:
        per_term = joint[1]
    if q.right is None:
        low, high = per_term[0]
        naive_v = naive[0]
    else:
        low, high = (
            joint[0]
            if joint is not None and q.op == "-"
            else (contrast_bounds(per_term[0], per_term[1], q.op))
        )
        naive_v = _combine(naive, q.op)
    info = BoundsInfo(
        low=max(low, -1.0 if q.op == "-" else 0.0),
        high=min(high, 1.0) if q.op != "/" else high,
        method=method,
        naive=naive_v,
        narrow=_narrowing(G, set(columns), refusal, x_names, y, method),
        notes=tuple(notes),
        parts=tuple((str(t), lo, hi) for t, (lo, hi) in zip(q.terms, per_term, strict=True))
        if q.right is not None
        else (),
    )
    return DoResult(
        query=str(q),
        value=None,
        naive=naive_v,
        method=f"bounds ({method})",
        n_used=table.n_used,
        n_dropped_missing=table.n_dropped,
        warnings=list(dict.fromkeys(warnings)),
        graph_name=graph_name or None,
        identification=None if refusal is None else refusal.identification,
        reason=(refusal.reason if refusal is not None else "no graph: no assumption made"),
        term=q.left if q.right is None else None,
        op=q.op,
        bounds=(info.low, info.high),
        bounds_info=info,
    )


def _codes(t: Term, table: CountTable) -> tuple[dict, int]:
    xs = {n: match_value(n, v, table.levels[n], table.kinds[n]) for n, v in t.interventions}
    yv = match_value(t.outcome, t.outcome_value, table.levels[t.outcome], table.kinds[t.outcome])
    return xs, yv


def _at(table: CountTable, xs: dict) -> np.ndarray:
    mask = np.ones(len(table.n), dtype=bool)
    for n, code in xs.items():
        mask &= table.col(n) == code
    return mask


def _natural(table: CountTable, x_names, y, codes) -> tuple[float, float]:
    xs, yv = codes
    total = table.n.sum()
    at_x = _at(table, xs)
    p_x = table.n[at_x].sum() / total
    p_xy = table.n[at_x & (table.col(y) == yv)].sum() / total
    return natural_bounds(float(p_xy), float(p_x))


def _naive(table: CountTable, x_names, y, codes) -> float | None:
    xs, yv = codes
    at_x = _at(table, xs)
    n_x = table.n[at_x].sum()
    return None if n_x == 0 else float(table.n[at_x & (table.col(y) == yv)].sum() / n_x)


def _combine(values: list, op: str) -> float | None:
    a, b = values
    if a is None or b is None:
        return None
    if op == "-":
        return a - b
    return a / b if b else None


def _tighter(q: Query, data, G: nx.DiGraph, columns, x_names, y, natural):
    """The response-function LP where it applies: ``(method, joint, notes)``;
    ``joint`` is ``((low, high) of a difference or None, [(low, high) per term])``,
    or ``None`` when the natural bounds stand (the notes say why)."""
    observed = {n for n in G.nodes if n in set(columns) and not is_hidden(G, n)}
    try:
        model, joint, targets = _lp_problem(q, data, G, observed, x_names, y)
        per_term = [lp_bounds(model, joint, [t]) for t in targets]
        whole = None
        if q.op == "-":
            a, b = targets
            minus_b = Target(b.outcome, b.value, b.treatments, -1.0)
            whole = lp_bounds(model, joint, [a, minus_b])
    except ImportError as err:
        return "natural", None, [str(err)]
    except ModelTooLarge as err:
        return "natural", None, [f"natural bounds only: {err}"]
    except InfeasibleModel as err:
        note = f"natural bounds only: {err}; the graph's assumptions do not hold in these data"
        return "natural", None, [note]
    # the LP's bounds lie within the natural ones; clip the solver's rounding
    pairs = list(zip(per_term, natural, strict=True))
    per_term = [(max(lo, nl), min(hi, nh)) for (lo, hi), (nl, nh) in pairs]
    if all(abs(lo - nl) < 1e-9 and abs(hi - nh) < 1e-9 for (lo, hi), (nl, nh) in pairs):
        parts = ", ".join(map(str, model.right))
        note = (
            f"the graph adds nothing to the natural bounds here ({model.n_types:,} response "
            f"types of {parts} checked by linear programming)"
        )
        return "natural", (whole, per_term), [note]
    method = "Balke-Pearl" if model.is_instrument_model() else "response-function LP"
    return method, (whole, per_term), [f"{model.n_types:,} response types"]


def _lp_problem(q: Query, data, G: nx.DiGraph, observed: set, x_names, y):
    """The model, the observed joint over its variables and one target per term."""
    unsized = response_model(G, observed, dict.fromkeys(observed, 2), x_names, [y], 10**300)
    table = count_table(data, list(unsized.variables))
    levels = {v: len(table.levels[v]) for v in unsized.variables}
    model = response_model(G, observed, levels, x_names, [y])
    joint = np.zeros(tuple(levels[v] for v in model.variables))
    np.add.at(joint, tuple(table.col(v) for v in model.variables), table.n)
    targets = [Target(y, yv, tuple(xs.items())) for xs, yv in (_codes(t, table) for t in q.terms)]
    return model, joint, targets


def _narrowing(G, columns: set, refusal, x_names, y, method) -> tuple[str, ...]:
    """What would narrow the interval, in words."""
    xs = ", ".join(map(str, x_names))
    out = []
    path = getattr(refusal, "open_path", None)
    unmeasured = []
    if G is not None and path is not None:
        nodes = getattr(path, "nodes", None) or []
        unmeasured = [n for n in nodes if n in G and not is_hidden(G, n) and n not in columns]
    if G is not None and not unmeasured:
        unmeasured = [
            n for n in G.nodes if n not in columns and not is_hidden(G, n) and not is_latent(G, n)
        ]
    if unmeasured:
        names = ", ".join(map(str, unmeasured[:5])) + (", ..." if len(unmeasured) > 5 else "")
        out.append(
            f"measure {names}: with it as a column the effect of "
            f"{xs} on {y} may be identified, and the interval shrinks to a number"
        )
    else:
        out.append(f"measure the common causes of {xs} and {y}")
    if method != "Balke-Pearl":
        out.append(
            f"find an instrument: a variable that moves {xs} but reaches {y} only through "
            f"{xs} (Balke-Pearl bounds)"
        )
    out.append(
        "more rows will not narrow it: the width is what the data cannot say, not sampling noise"
    )
    return tuple(out)


def identified_bounds(r: DoResult) -> DoResult:
    """``--bounds`` on an identified query: the bounds collapse to the point estimate."""
    if r.value is None:
        return r
    note = f"identified ({r.method}): the bounds collapse to the point estimate"
    if r.ci is not None:
        note += f"; its {round(r.ci_level * 100)}% interval gives the sampling uncertainty"
    r.bounds = (r.value, r.value)
    r.bounds_info = BoundsInfo(r.value, r.value, "identified", r.naive, (), (note,))
    return r


def bounds_instead(
    refusal: NotIdentifiableError,
    want: bool | None,
    sensitivity: bool,
    q: Query,
    data: object,
    G: nx.DiGraph | None,
    graph_name: str | None,
    columns: list[str],
    warnings: list[str],
) -> DoResult:
    """``do()``'s answer when no formula identifies the query: bounds, or the refusal.

    Refused as before with ``bounds=False``, and by default when a graph node nearly
    matches a column: a misspelling, not a confounder, is then the likelier cause.
    """
    if want is False or (want is None and warnings):
        raise refusal
    if sensitivity:
        warnings.append("no E-value: the effect is not identified, so there is no estimate")
    return bounded_result(q, data, G, graph_name or "", columns, warnings, refusal)


def with_extras(
    r: DoResult, bounds: bool | None, sensitivity: bool, q: Query, table: CountTable, again
) -> DoResult:
    """An identified result with what ``--bounds`` and ``--sensitivity`` add; ``again``
    estimates another query with the same data and options (for one term's reference)."""
    if bounds:
        identified_bounds(r)
    if sensitivity and q.right is None:
        r.sensitivity = term_sensitivity(q, table, partial(again, sensitivity=True))
    elif sensitivity:
        r.sensitivity = sensitivity_of(r)
    return r


def term_sensitivity(q: Query, table: CountTable, rerun) -> Sensitivity:
    """``--sensitivity`` on one term ``P(y | do(X=x))``: the E-value of its ratio to
    ``P(y | do(X=x'))``, ``x'`` the treatment's other value (``rerun`` estimates that ratio)."""
    t = q.left
    if len(t.interventions) != 1 or t.kind != "P" or t.outcome_value is None or t.conditions:
        raise ValueError(
            "--sensitivity needs an effect to explain away: a ratio or difference of two "
            "terms, e.g. P(Y=1 | do(X=1)) / P(Y=1 | do(X=0))"
        )
    (x, v), levels = t.interventions[0], table.levels[t.interventions[0][0]]
    if len(levels) != 2:
        raise ValueError(
            f"--sensitivity compares {x}={v} with {x}'s other value, but {x} has "
            f"{len(levels)} values; ask for a ratio of two terms instead"
        )
    other = levels[1 - match_value(x, v, levels, table.kinds[x])]
    shown = str(other) if isinstance(other, (int, float)) else format_name(str(other))
    reference = f"{format_name(x)}={shown}"
    y = f"{format_name(t.outcome)}={t.outcome_value}"
    ratio = rerun(parse_query(f"{t} / P({y} | do({reference}))"))
    return replace(ratio.sensitivity, against=reference)
