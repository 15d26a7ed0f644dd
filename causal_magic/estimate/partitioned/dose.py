"""A numeric treatment on Dask and PySpark: exact quantiles, the spline g-formula, its curve.

Why a module of its own: the in-memory g-formula of a numeric treatment
(:mod:`~causal_magic.estimate.curve`) places its spline knots and its curve's
grid at quantiles of the treatment, and a distributed engine's quantiles are
approximate.  Here they are exact, from partition passes: a histogram of
:data:`BINS` equal bins over [min, max] says which bin holds each order
statistic a quantile needs, and the next pass brings back only the distinct
values (with counts) of those bins -- a bin with too many is split again.
``numpy.quantile``'s linear interpolation between the two neighbouring order
statistics then gives the same numbers as in memory.

The outcome model is the same least squares (adjusters standardised / one-hot
plus a linear spline in the treatment), fitted from XᵀX and Xᵀy in one pass.
Being linear, its average over the rows at ``X = v`` needs only the design's
column means, so every point of the curve comes from the same sums.  The
interval is the delta method for the least-squares fit (each point's
influence function, its spread in one more pass), not a bootstrap.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..aipw import combine
from ..curve import GRID, _basis, _is_curve, numeric_checks, result_fields, set_points
from ..modelled import interval
from ..models import solve_normal
from ..result import DataError, DoResult, ModelInfo
from ..validate import MAX_FLOAT_LEVELS

__all__ = ["numeric_treatment_partitioned", "quantiles"]

#: Bins of the histogram that locates an order statistic.
BINS = 4096
#: Rows a located bin may hold for its distinct values to come back (else it is split again).
MAX_BIN_VALUES = 50_000
#: Histogram rounds before giving up (each narrows a crowded bin 4096-fold).
MAX_ROUNDS = 12


def _order_statistics(map_parts, values_of, ranks: list[int], lo: float, hi: float) -> dict:
    """The values at 0-based ``ranks`` of the sorted column, exactly (see the docstring).

    Binning is monotone in the value, so the values of one bin are exactly those in
    [its smallest, its largest]: a crowded bin is histogrammed again over that range.
    """
    out: dict[int, float] = {}
    todo = {r: (lo, hi, 0) for r in ranks}  # rank -> (range, rows below the range)
    for _ in range(MAX_ROUNDS):
        if not todo:
            return out
        ranges = sorted(set(todo.values()))

        def hist(frame, index, ranges=ranges):
            v = values_of(frame, index)
            return [_bin_counts(v, a, b) for a, b, _ in ranges]

        counts = [sum(c) for c in zip(*map_parts(hist), strict=True)]
        located: dict[tuple, list] = {}  # (range, bin) -> [rows below it, rows in it, ranks]
        for (a, b, below), cnt in zip(ranges, counts, strict=True):
            cum = below + np.concatenate([[0], np.cumsum(cnt)])
            for r, key in todo.items():
                if key == (a, b, below):
                    j = int(np.searchsorted(cum, r, side="right") - 1)
                    located.setdefault((a, b, j), [int(cum[j]), int(cnt[j]), []])[2].append(r)
        keys = list(located)
        few = [located[k][1] <= MAX_BIN_VALUES or k[0] == k[1] for k in keys]

        def pick(frame, index, keys=keys, few=few):
            v = values_of(frame, index)
            got = []
            for (a, b, j), small in zip(keys, few, strict=True):
                sel = v[_in_bin(v, a, b, j)]
                if small:
                    got.append(np.unique(sel, return_counts=True))
                else:
                    got.append((sel.min(), sel.max()) if len(sel) else (np.inf, -np.inf))
            return got

        picked = map_parts(pick)
        todo = {}
        for i, key in enumerate(keys):
            below, _, rs = located[key]
            if few[i]:
                vals = np.concatenate([p[i][0] for p in picked])
                uniq, inv = np.unique(vals, return_inverse=True)
                cnts = np.concatenate([p[i][1] for p in picked])
                cum = below + np.cumsum(np.bincount(inv, weights=cnts))
                for r in rs:
                    out[r] = float(uniq[np.searchsorted(cum, r, side="right")])
            else:
                a2, b2 = min(p[i][0] for p in picked), max(p[i][1] for p in picked)
                for r in rs:
                    todo[r] = (float(a2), float(b2), below)
    raise DataError("the treatment's quantiles did not settle; bin the treatment first")


def _bin_of(v: np.ndarray, a: float, b: float) -> np.ndarray:
    if b <= a:
        return np.zeros(len(v), dtype=np.int64)
    return np.clip(((v - a) / (b - a) * BINS).astype(np.int64), 0, BINS - 1)


def _bin_counts(v: np.ndarray, a: float, b: float) -> np.ndarray:
    inside = (v >= a) & (v <= b)
    return np.bincount(_bin_of(v[inside], a, b), minlength=BINS)


def _in_bin(v: np.ndarray, a: float, b: float, j: int) -> np.ndarray:
    inside = (v >= a) & (v <= b)
    out = np.zeros(len(v), dtype=bool)
    out[inside] = _bin_of(v[inside], a, b) == j
    return out


def quantiles(map_parts, values_of, n: int, qs, lo: float, hi: float) -> np.ndarray:
    """``numpy.quantile(x, qs)`` (linear interpolation) from partition passes."""
    h = (n - 1) * np.asarray(qs, dtype=float)
    below = np.floor(h).astype(int)
    ranks = sorted({int(r) for r in below} | {int(min(r + 1, n - 1)) for r in below})
    at = _order_statistics(map_parts, values_of, ranks, lo, hi)
    a = np.array([at[r] for r in below])
    b = np.array([at[min(r + 1, n - 1)] for r in below])
    return a + (h - below) * (b - a)


def numeric_treatment_partitioned(q, setup, map_parts, plans, o, graph_name, warnings, dropped):
    """g-formula for a numeric treatment from partition sums: one value, a contrast, a curve."""
    t, name = q.left, setup.reader.cols[0]
    warnings = warnings + numeric_checks(q, o, name, f"more than {MAX_FLOAT_LEVELS} values")
    m = setup.scan.columns[name].moments
    n = setup.scan.n_used

    def x_of(frame, index):
        return setup.reader.rows(frame, index)[name].to_numpy(dtype=float)

    at = np.linspace(0.1, 0.9, 9) if n >= 500 else np.array([0.25, 0.5, 0.75])
    grid_q = np.linspace(0.05, 0.95, getattr(o, "grid", None) or GRID)
    qv = quantiles(map_parts, x_of, n, np.concatenate([at, grid_q]), m.lo, m.hi)
    knots = np.unique(qv[: len(at)])
    sd = float(np.sqrt(m.m2 / n)) or 1.0
    basis = (knots, m.mean, sd)
    points = np.unique(qv[len(at) :]) if _is_curve(t) else set_points(q, m.lo, m.hi)
    fit = _fit(map_parts, setup, basis, n)
    values = fit["zbar"] @ fit["beta_z"] + _basis(points, *basis) @ fit["beta_x"]
    naives = fit["naive"][0] + _basis(points, *basis) @ fit["naive"][1:]
    W = _weights(fit, points, basis, n)
    spread = _spread(map_parts, setup, basis, fit, W, q, values)
    return _result(
        q, t, points, values, naives, spread, n, o, plans, graph_name, warnings, dropped, setup, fit
    )


def _design(setup, rows, basis) -> tuple[np.ndarray, np.ndarray]:
    name = setup.reader.cols[0]
    Z = setup.spec.matrix(rows)
    return Z, np.column_stack([Z, _basis(rows[name].to_numpy(dtype=float), *basis)])


def _fit(map_parts, setup, basis, n: int) -> dict:
    """XᵀX and Xᵀy of [adjusters, spline] in one pass; the fit, the naive fit, column means."""

    def one(frame, index):
        rows = setup.reader.rows(frame, index)
        Z, X = _design(setup, rows, basis)
        y = setup.outcomes[0](rows) if len(rows) else np.zeros(0)
        return X.T @ X, X.T @ y, Z.sum(axis=0)

    parts = map_parts(one)
    A, c, zsum = (sum(p[i] for p in parts) for i in range(3))
    notes: list[str] = list(setup.spec.notes)
    beta = solve_normal(A, c, n, notes)
    pz = len(zsum)
    keep = [0, *range(pz, A.shape[0])]  # the intercept and the spline: the naive fit
    naive = solve_normal(A[np.ix_(keep, keep)], c[keep], n, [])
    return {
        "A": A,
        "beta": beta,
        "beta_z": beta[:pz],
        "beta_x": beta[pz:],
        "zbar": zsum / n,
        "naive": naive,
        "notes": notes,
    }


def _weights(fit: dict, points, basis, n: int) -> np.ndarray:
    """n (XᵀX)⁻¹ m̄(v) for each point: how a row's residual moves that point's average."""
    mbar = np.column_stack([np.tile(fit["zbar"], (len(points), 1)), _basis(points, *basis)]).T
    return n * np.linalg.solve(fit["A"], mbar)


def _spread(map_parts, setup, basis, fit, W, q, values) -> dict:
    """Σ IF² per point (and of the contrast): IF = Zβ_Z - z̄β_Z + (X r)·W_v."""
    op = q.op if q.right is not None else None

    def one(frame, index):
        rows = setup.reader.rows(frame, index)
        Z, X = _design(setup, rows, basis)
        y = setup.outcomes[0](rows) if len(rows) else np.zeros(0)
        r = y - X @ fit["beta"]
        ifs = (Z @ fit["beta_z"] - fit["zbar"] @ fit["beta_z"])[:, None] + (X * r[:, None]) @ W
        out = {"points": (ifs**2).sum(axis=0)}
        if op:
            both = combine(op, values[0], values[1], ifs[:, 0], ifs[:, 1])[1]
            out["both"] = float((both**2).sum())
        return out

    parts = map_parts(one)
    return {k: sum(p[k] for p in parts) for k in parts[0]}


def _result(
    q, t, points, values, naives, spread, n, o, plans, graph_name, warnings, dropped, setup, fit
):
    name = setup.reader.cols[0]
    se = np.sqrt(spread["points"]) / n
    info = ModelInfo(
        "gformula",
        o.why or "gformula, as asked",
        outcome=f"least squares: a linear spline in {name} (knots at its deciles) plus the "
        "adjusters (standardised / one-hot)",
        interval="influence function of the least-squares fit (delta method), computed "
        "partition by partition; no row bootstrap on a distributed table",
        notes=list(dict.fromkeys(fit["notes"])),
    )
    common = result_fields(plans[0], n, dropped, graph_name, warnings, info)
    common["ci_level"] = o.ci
    if _is_curve(t):
        lo, hi = interval(values, se, o.ci)
        curve = pd.DataFrame(
            {"x": points, "value": values, "ci_low": lo, "ci_high": hi, "naive": naives}
        )
        return DoResult(query=str(q), value=None, naive=None, curve=curve, term=t, **common)
    if q.right is None:
        v, s = float(values[0]), float(se[0])
        return DoResult(
            query=str(q),
            value=v,
            naive=float(naives[0]),
            se=s,
            ci=interval(v, s, o.ci),
            term=t,
            **common,
        )
    value = combine(q.op, values[0], values[1], np.zeros(1), np.zeros(1))[0]
    naive = combine(q.op, naives[0], naives[1], np.zeros(1), np.zeros(1))[0]
    s = float(np.sqrt(spread["both"]) / n)
    return DoResult(
        query=str(q),
        value=float(value),
        naive=float(naive),
        se=s,
        ci=interval(value, s, o.ci),
        op=q.op,
        **common,
    )
