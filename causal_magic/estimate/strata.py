"""One term's point estimate, laid out so that it can be checked by hand.

Why a module of its own: the number alone is not the answer ``%do`` gives.
For each term this module computes the estimate on the observed counts and
lays it out twice: as ``result.table`` (one row per stratum or front-door
term, with the column names users read, such as ``n(x, z)``) and as the typed
:class:`~causal_magic.estimate.result.Computation` the card writes its worked
formula from.  It also words what can go wrong on the real counts: a stratum
without treated rows (positivity), strata dropped on request, thin strata.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd

from ..query import format_name
from .compute import Calc
from .plan import Plan
from .result import (
    Computation,
    DoResult,
    InnerTerm,
    MediatorTerm,
    PositivityError,
    StrataView,
)
from .validate import assign_text, level_values

__all__ = ["SMALL_STRATUM", "term_result"]

#: Strata with fewer treated rows than this are pointed out (their term is noisy).
SMALL_STRATUM = 5


def _x_text(calc: Calc) -> str:
    return assign_text(calc.plan.x, level_values(calc.t, calc.plan.x, calc.x_codes))


def _frontdoor_positivity(calc: Calc, st: dict, xtext: str) -> str:
    t, plan = calc.t, calc.plan
    if calc.xt < 0:
        return f"positivity fails: no rows with {xtext}"
    n_x, n_mx = st["n_x"][0], st["n_mx"][0]
    for mi in range(len(calc.mrows)):
        if n_mx[mi, calc.xt] == 0:
            continue
        for k in range(len(calc.xrows)):
            if n_x[k] > 0 and n_mx[mi, k] == 0:
                mtext = assign_text(plan.m, level_values(t, plan.m, calc.mrows[mi]))
                xk = assign_text(plan.x, level_values(t, plan.x, calc.xrows[k]))
                return (
                    f"positivity fails for the front-door formula: no rows with {mtext} and "
                    f"{xk}, so P({format_name(plan.y)} | {mtext}, {xk}) is undefined"
                )
    return f"positivity fails for the front-door formula at {xtext}"


def _positivity_message(calc: Calc, st: dict) -> str:
    """Which stratum has no treated rows, and what the user can do about it."""
    t, plan = calc.t, calc.plan
    xtext = _x_text(calc)
    if plan.method == "frontdoor":
        return _frontdoor_positivity(calc, st, xtext)
    n_s, nx_s = st["n_s"][0], st["nx_s"][0]
    bad = np.flatnonzero((n_s > 0) & (nx_s == 0))
    i = int(bad[0])
    stext = assign_text(plan.z, level_values(t, plan.z, calc.srows[i])) or "(the whole data)"
    more = f" ({len(bad) - 1} more such strata)" if len(bad) > 1 else ""
    return (
        f"positivity fails: stratum {stext} has {int(n_s[i])} rows but none with {xtext}{more}, "
        f"so P({format_name(plan.y)} | {xtext}, {stext}) is undefined. Coarsen or merge the "
        "stratum, choose another adjustment set, or pass positivity='drop' (--positivity drop) "
        "to estimate over the strata that have treated rows only (a different population)"
    )


def _refuse(calc: Calc, st: dict) -> None:
    """The estimate is undefined on the observed counts: say where."""
    plan = calc.plan
    if not plan.term.is_causal:
        raise PositivityError(f"no rows match the conditions of {plan.term}")
    if plan.method == "id":
        _, _, events = calc.id_formula.evaluate(st["N"], trace=True)
        raise PositivityError(
            calc.id_formula.failure(events, _x_text(calc))
            + " (positivity='drop' does not apply to the ID formula)",
            rows=0,
        )
    raise PositivityError(_positivity_message(calc, st), rows=0)


# -- front-door ---------------------------------------------------------------------------


def _inner_terms(calc: Calc, st: dict, mi: int) -> tuple[list[InnerTerm], np.ndarray, Fraction]:
    """The x' terms of ``Σ_x' P(y | m, x') P(x')`` for mediator row ``mi``."""
    n_x, n_mx, num = st["n_x"][0], st["n_mx"][0], st["num"][0]
    total = n_x.sum()
    inner, value, exact = [], np.zeros(calc.width), Fraction(0)
    for k, xrow in enumerate(calc.xrows):
        if n_x[k] == 0:
            continue
        r = num[mi, k] / n_mx[mi, k]
        value += r * n_x[k] / total
        xk = tuple(level_values(calc.t, calc.plan.x, xrow))
        inner.append(
            InnerTerm(
                xk, float(num[mi, k, 0]), int(n_mx[mi, k]), float(r[0]), int(n_x[k]), int(total)
            )
        )
        if not calc.numeric and calc.width == 1:
            exact += Fraction(int(num[mi, k, 0]), int(n_mx[mi, k])) * Fraction(
                int(n_x[k]), int(total)
            )
    return inner, value, exact


def _frontdoor_layout(calc: Calc, st: dict, details: Computation):
    """Rows of the front-door table, the typed terms, and the exact value when there is one."""
    plan, L = calc.plan, calc.width
    n_x, n_mx = st["n_x"][0], st["n_mx"][0]
    rows, terms = [], []
    exact = Fraction(0) if not calc.numeric else None
    for mi, mrow in enumerate(calc.mrows):
        if n_mx[mi, calc.xt] == 0:
            continue
        values = level_values(calc.t, plan.m, mrow)
        rec = dict(zip(plan.m, values, strict=True))
        rec["n(m, x)"] = int(n_mx[mi, calc.xt])
        rec["n(x)"] = int(n_x[calc.xt])
        rec["P(m | x)"] = n_mx[mi, calc.xt] / n_x[calc.xt]
        inner, inner_val, inner_ex = _inner_terms(calc, st, mi)
        rec["Σx' P(y | m, x') P(x')"] = inner_val[0] if L == 1 else inner_val
        if L == 1:
            rec["product"] = rec["P(m | x)"] * inner_val[0]
        if exact is not None and L == 1:
            exact += Fraction(int(n_mx[mi, calc.xt]), int(n_x[calc.xt])) * inner_ex
        rows.append(rec)
        terms.append(
            MediatorTerm(tuple(values), rec["n(m, x)"], rec["n(x)"], rec["P(m | x)"], tuple(inner))
        )
    details.mediators = tuple(terms)
    return pd.DataFrame(rows), (exact if L == 1 and not calc.numeric else None)


# -- back-door ----------------------------------------------------------------------------


def _z_columns(calc: Calc, rows: np.ndarray) -> dict[str, list]:
    """The adjustment set's values of the strata ``rows`` (indices into ``calc.srows``)."""
    out = {}
    for j, c in enumerate(calc.plan.z):
        levels = calc.t.levels[c]
        out[c] = [levels[k] for k in calc.srows[rows, j].tolist()]
    return out


def _exact_sum(top: np.ndarray, n_x: np.ndarray, n: np.ndarray, denom: int) -> Fraction:
    """``Σ top/n_x · n/denom`` exactly: grouped by ``n_x``, so few Fractions however many strata."""
    top, n_x, n = (a.astype(np.int64) for a in (top, n_x, n))
    total = Fraction(0)
    for d in np.unique(n_x).tolist():
        total += Fraction(int((top[n_x == d] * n[n_x == d]).sum()), d)
    return total / int(denom)


def _strata_frame(calc: Calc, kept: np.ndarray, counts: tuple, details: Computation):
    """The strata table (columns vectorised, one row per kept stratum) and the exact value.

    Also fills ``details.strata`` (the typed terms the card writes out).
    """
    n_s, nx_s, num, denom = counts
    n, n_x, num = n_s[kept], nx_s[kept], num[kept]
    cols: dict[str, object] = dict(_z_columns(calc, kept))
    cols["n"] = n.astype(np.int64)
    cols["P(z)"] = n / denom
    cols["n(x, z)"] = n_x.astype(np.int64)
    top = ratio = None
    exact = None
    with np.errstate(divide="ignore", invalid="ignore"):
        if calc.numeric:
            cols["sum(y | x, z)"] = top = num[:, 0].astype(float)
            cols["E[y | x, z]"] = ratio = num[:, 0] / n_x
            cols["product"] = ratio * cols["P(z)"]
        elif calc.width == 1:
            cols["n(y, x, z)"] = top = num[:, 0].astype(np.int64)
            cols["P(y | x, z)"] = ratio = num[:, 0] / n_x
            cols["product"] = ratio * cols["P(z)"]
            if len(n) and (n_x > 0).all():
                exact = _exact_sum(top, n_x, n, int(denom))
        else:
            for j, lv in enumerate(calc.y_levels):
                cols[f"n(y={lv}, x, z)"] = num[:, j].astype(np.int64)
            for j, lv in enumerate(calc.y_levels):
                cols[f"P(y={lv} | x, z)"] = num[:, j] / n_x
    k = len(n)
    zvals = [cols[c] for c in calc.plan.z]
    details.strata = StrataView(
        list(zip(*zvals, strict=True)) if zvals else [()] * k,
        cols["n"].tolist(),
        cols["P(z)"].tolist(),
        cols["n(x, z)"].tolist(),
        [None] * k if top is None else top.tolist(),
        [None] * k if ratio is None else ratio.tolist(),
    )
    return pd.DataFrame(cols), exact


def _kept_strata(calc: Calc, n_s, nx_s, warnings: list[str], x_text: str) -> np.ndarray:
    """Strata with rows; with ``positivity="drop"`` those without treated rows leave, loudly."""
    keep = n_s > 0
    if calc.positivity != "drop":
        return keep
    bad = np.flatnonzero(keep & (nx_s == 0))
    plan = calc.plan
    if len(bad):
        named = [
            f"{assign_text(plan.z, level_values(calc.t, plan.z, calc.srows[i]))} "
            f"({int(n_s[i])} rows)"
            for i in bad[:5]
        ]
        warnings.append(
            f"POSITIVITY: {len(bad)} strata with no row at {x_text} were "
            f"dropped ({int(n_s[bad].sum())} rows: "
            + "; ".join(named)
            + (f"; and {len(bad) - 5:,} more" if len(bad) > 5 else "")
            + "). The estimate is for the remaining population only, not everyone"
        )
        keep = keep.copy()
        keep[bad] = False
    return keep


def _thin_strata_warning(plan: Plan, tbl: pd.DataFrame, x_text: str) -> str | None:
    thin = tbl[tbl["n(x, z)"] < SMALL_STRATUM]
    if not len(thin):
        return None
    i = int(thin["n(x, z)"].to_numpy().argmin())
    where = assign_text(plan.z, [thin[c].iloc[i] for c in plan.z])
    return (
        f"{len(thin)} of {len(tbl)} strata have fewer than {SMALL_STRATUM} rows with "
        f"{x_text} (smallest: {where}, {int(thin['n(x, z)'].iloc[i])} "
        "row(s)); their P(y | x, z) rest on very few observations"
    )


def _backdoor_layout(calc: Calc, st: dict, details: Computation, warnings: list[str]):
    """Rows of the strata table, the typed strata, and the exact value when there is one."""
    plan = calc.plan
    n_s, nx_s, num = st["n_s"][0], st["nx_s"][0], st["num"][0]
    positivity_warnings: list[str] = []
    keep = _kept_strata(calc, n_s, nx_s, positivity_warnings, details.x_text)
    denom = n_s[keep].sum()
    tbl, exact = _strata_frame(calc, np.flatnonzero(keep), (n_s, nx_s, num, denom), details)
    if not plan.z and len(tbl):
        tbl.index = ["(all rows)"] * len(tbl)
    warnings.extend(positivity_warnings)
    details.denominator = int(denom)
    details.strata_vars = tuple(plan.z)
    if plan.z and plan.term.is_causal and len(tbl):
        thin = _thin_strata_warning(plan, tbl, details.x_text)
        if thin:
            warnings.append(thin)
    return tbl, (exact if calc.width == 1 and not calc.numeric and plan.term.is_causal else None)


# -- the term -----------------------------------------------------------------------------


def _id_reason(calc: Calc) -> None:
    """The ID formula's free variables are averaged over: say so in the reason."""
    if calc.id_formula.extra:
        extra = ", ".join(map(str, calc.id_formula.extra))
        calc.plan.reason += (
            f". The formula holds at every value of {extra}; the estimate averages it "
            f"over the observed distribution of {extra}"
        )


def term_result(calc: Calc, graph_name: str | None, N0: np.ndarray, Y0) -> DoResult:
    """Point estimate of one term, with its table of strata and the card's details."""
    plan, t, term = calc.plan, calc.t, calc.plan.term
    st = calc.stats(N0, Y0)
    est, failed = calc.value(st)
    naive = calc.naive(N0, Y0)[0]
    if failed[0]:
        _refuse(calc, st)
    warnings = list(plan.warnings)
    x_values = level_values(t, plan.x, calc.x_codes)
    details = Computation(
        expression=plan.expression,
        fixed=frozenset(plan.x),
        x_text=assign_text(plan.x, x_values),
        x_values=tuple(x_values),
        y_value=None if calc.numeric or calc.y_code is None else t.levels[plan.y][calc.y_code],
    )
    tbl = exact = None
    if plan.method == "id":  # the formula is not a sum over strata; the card shows it whole
        _id_reason(calc)
    elif plan.method == "frontdoor":
        tbl, exact = _frontdoor_layout(calc, st, details)
    else:
        tbl, exact = _backdoor_layout(calc, st, details, warnings)
    one = calc.width == 1
    return DoResult(
        query=str(term),
        value=float(est[0][0]) if one else None,
        naive=float(naive[0]) if one else None,
        method=plan.method,
        adjustment_set=tuple(sorted(plan.z, key=str)),
        frontdoor_set=tuple(sorted(plan.m, key=str)),
        distribution=None if one else _by_level(calc, est[0]),
        naive_distribution=None if one else _by_level(calc, naive),
        table=tbl,
        n_used=t.n_used,
        n_dropped_missing=t.n_dropped,
        warnings=warnings,
        graph_name=graph_name,
        identification=plan.identification,
        reason=plan.reason,
        exact=exact,
        term=term,
        details=details,
    )


def _by_level(calc: Calc, values: np.ndarray) -> dict:
    return {lv: float(p) for lv, p in zip(calc.y_levels, values, strict=False)}
