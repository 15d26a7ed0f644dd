"""Linear tests of conditional independence: partial correlation and Wilks' lambda.

For numeric columns, partial correlation and Fisher's z,
``z = atanh(r) sqrt(n - |Z| - 3)``.  For mixed columns, the same linear test
with every categorical column entering as indicator columns: a categorical
conditioning set as its strata (data centred within each cell of the
cross-classification), a categorical variable under test as ``L - 1``
indicators.  With several indicators the test is Wilks' lambda with
Bartlett's chi-square (``dof = p q``), which is Fisher's z's big brother and
reduces to it for two single columns.  Linear tests only see linear (mean)
dependence.

Both entry points reduce the data to one small matrix, the within-strata
cross-products of the design, and share :func:`_linear_from_W`:
:func:`linear_test` builds it from rows in memory (pandas, pyarrow);
:func:`linear_test_engine` from per-cell counts, sums and sums of products
that the engine computes (:func:`causal_magic.backends.moments`: polars,
DuckDB, Dask, PySpark) -- the same numbers, as the tests check.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..backends import moments
from ..backends.core import centred_scale
from .result import TestOutcome, join_names

__all__ = ["FISHER_Z", "WILKS", "linear_test", "linear_test_engine"]

FISHER_Z = "partial correlation (Fisher z)"
WILKS = "Wilks' lambda (Bartlett χ²)"


def _indicators(s: pd.Series) -> np.ndarray:
    """L - 1 indicator columns of a categorical series (first value left out)."""
    codes, uniq = pd.factorize(s, sort=True)
    if len(uniq) < 2:
        return np.zeros((len(s), 0))
    return (codes[:, None] == np.arange(1, len(uniq))[None, :]).astype(float)


def linear_test(
    frame: pd.DataFrame, a: str, b: str, given: Iterable[str], categorical: set[str]
) -> TestOutcome:
    """Partial correlation (Fisher z), or Wilks' lambda with indicators for categories.

    ``categorical`` names the columns that enter as indicators: a categorical
    conditioning set as strata (centring within each cell), a categorical
    variable under test as ``L - 1`` indicator columns.  This is the
    in-memory path (pandas, pyarrow); :func:`linear_test_engine` gets the same
    numbers from per-cell sums computed by the engine.
    """
    given = list(given)
    cols = [a, b, *given]
    d = frame[cols]
    n_all = len(d)
    d = d.dropna()
    n_ok = len(d)
    d, nonfinite = _finite_rows(d, [c for c in cols if c not in categorical])
    n = len(d)
    cat_z = [g for g in given if g in categorical]
    num_z = [g for g in given if g not in categorical]

    def block(col):
        if col in categorical:
            return _indicators(d[col])
        x = pd.to_numeric(d[col]).to_numpy(dtype=float)
        top = float(np.abs(x).max()) if len(x) else 0.0
        return (x * centred_scale(top))[:, None]  # a power of two: squares cannot overflow

    A, B = block(a), block(b)
    Z = np.column_stack([block(g) for g in num_z]) if num_z else np.zeros((n, 0))
    X = np.column_stack([A, B, Z])
    if cat_z and n:
        strata = pd.MultiIndex.from_frame(d[cat_z]) if len(cat_z) > 1 else d[cat_z[0]]
        sid, _ = pd.factorize(strata)
        n_strata = int(sid.max()) + 1
        sums = np.column_stack(
            [np.bincount(sid, weights=X[:, j], minlength=n_strata) for j in range(X.shape[1])]
        ).reshape(n_strata, X.shape[1])
        cnt = np.bincount(sid, minlength=n_strata).astype(float)
        X = X - sums[sid] / cnt[sid, None]
    else:
        n_strata = 1
        X = X - X.mean(axis=0) if n else X
    W = X.T @ X
    out = _linear_from_W(
        W, n, n_strata, A.shape[1], B.shape[1], a, b, given, n_all - n_ok, n_ok - n
    )
    out.nonfinite = nonfinite
    return out


def _finite_rows(d: pd.DataFrame, numeric: list[str]) -> tuple[pd.DataFrame, dict[str, int]]:
    """Leave out rows where a numeric column is ``±inf``; per column, how many were."""
    if not numeric or not len(d):
        return d, {}
    vals = d[numeric].apply(pd.to_numeric).to_numpy(dtype=float)
    inf = np.isinf(vals)
    if not inf.any():
        return d, {}
    counts = {c: int(k) for c, k in zip(numeric, inf.sum(axis=0), strict=True) if k}
    return d[~inf.any(axis=1)], counts


def _whiten(M: np.ndarray) -> np.ndarray:
    """``V`` with ``V.T M V = I`` on M's numerical range (M symmetric, scaled to unit diagonal)."""
    if M.shape[0] == 0:
        return np.zeros((0, 0))
    ev, U = np.linalg.eigh((M + M.T) / 2)
    keep = ev > 1e-10
    return U[:, keep] / np.sqrt(ev[keep])


def _left_out(dropped: int, infinite: int) -> str:
    """``; 3 rows with missing values left out; 1 row with an infinite value left out``."""
    out = f"; {dropped:,} rows with missing values left out" if dropped else ""
    if infinite:
        rows = "row" if infinite == 1 else "rows"
        out += f"; {infinite:,} {rows} with an infinite value (±inf) left out"
    return out


def _linear_from_W(W, n, n_strata, p0, q0, a, b, given, dropped, infinite=0) -> TestOutcome:
    """The linear test from the within-strata cross-product matrix of ``[A, B, Z]``.

    ``W`` is ``Σ (x - mean_stratum)(x - mean_stratum)ᵀ`` over the design columns:
    ``p0`` columns for ``a``, ``q0`` for ``b``, then the numeric conditioning
    columns.  The numeric conditioning set is partialled out by a Schur
    complement; the canonical correlations of what is left give Fisher's z
    (one column each) or Wilks' lambda.
    """
    from scipy import stats

    out = TestOutcome(n=int(n))
    miss = _left_out(dropped, infinite)
    cols = [a, b, *given]
    single = p0 == 1 and q0 == 1
    out.test = FISHER_Z if single else WILKS
    out.effect_measure = "partial r" if single else "canonical r"
    if n == 0:
        out.note = f"not testable: no row has values for all of {join_names(cols)}" + miss
        return out
    scale = np.sqrt(np.clip(np.diag(W), 0.0, None))
    scale[scale == 0] = 1.0
    Wn = W / np.outer(scale, scale)  # unit diagonal: tolerances are relative
    ab = p0 + q0
    Zz = Wn[ab:, ab:]
    Vz = _whiten(Zz)
    k = Vz.shape[1]
    S = Wn[:ab, :ab]
    if k:
        C = Wn[:ab, ab:] @ Vz
        S = S - C @ C.T
    Saa, Sbb, Sab = S[:p0, :p0], S[p0:, p0:], S[:p0, p0:]
    Va, Vb = _whiten(Saa), _whiten(Sbb)
    p, q = Va.shape[1], Vb.shape[1]
    resid = n - n_strata - k  # rows left after removing the conditioning set's fit
    where = f" once {join_names(given)} {'is' if len(given) == 1 else 'are'} accounted for"
    if p == 0 or q == 0:
        which = a if p == 0 else b
        out.note = f"not testable: {which} does not vary{where if given else ''}" + miss
        return out
    if resid - max(p, q) - 2 <= 0:
        out.note = (
            f"too few rows to test: {n} rows for {n_strata} "
            f"{'stratum' if n_strata == 1 else 'strata'} and {k} numeric conditioning "
            f"column{'' if k == 1 else 's'}" + miss
        )
        return out
    rho = np.clip(np.linalg.svd(Va.T @ Sab @ Vb, compute_uv=False), 0.0, 1.0 - 1e-15)
    if single:
        r = float(Sab[0, 0] / math.sqrt(Saa[0, 0] * Sbb[0, 0]))
        r = max(min(r, 1 - 1e-15), -1 + 1e-15)
        zstat = math.atanh(r) * math.sqrt(resid - 2)
        out.statistic, out.effect = zstat, r
        half = 1.959963984540054 / math.sqrt(resid - 2)  # 95% interval on Fisher's z scale
        out.ci_low, out.ci_high = math.tanh(math.atanh(r) - half), math.tanh(math.atanh(r) + half)
        out.p_value = float(2 * stats.norm.sf(abs(zstat)))
    else:
        lam = float(np.prod(1 - rho**2))
        stat = -(resid - (p + q + 1) / 2) * math.log(lam)
        out.statistic, out.dof = max(stat, 0.0), float(p * q)
        out.effect = float(rho.max()) if len(rho) else 0.0
        out.p_value = float(stats.chi2.sf(out.statistic, p * q))
    out.note = miss.lstrip("; ")
    return out


def linear_test_engine(
    data, a: str, b: str, given: Iterable[str], categorical: set[str]
) -> TestOutcome:
    """:func:`linear_test` from per-cell sums the engine computes (polars, DuckDB, Dask, Spark).

    The categorical columns are the group-by keys; in each cell the indicator
    columns are constant, so the cross-products of the design follow from the
    cell's count, sums and sums of products of the numeric columns.
    """
    given = list(given)
    cols = [a, b, *given]
    keys = [c for c in cols if c in categorical]
    nums = [c for c in cols if c not in categorical]
    mom, dropped, infinite, nonfinite = moments(data, keys, nums)
    mom = mom[mom["n"] > 0].reset_index(drop=True)
    n_g = mom["n"].to_numpy(dtype=float)
    G = len(mom)
    # design columns: (kind, payload) -- ("ind", (key, level)) or ("num", index in nums)
    design: list[tuple[str, object]] = []
    blocks = []
    for col in (a, b):
        start = len(design)
        if col in categorical:
            levels = sorted(set(mom[col].tolist()), key=lambda v: (str(type(v)), v))
            design += [("ind", (col, lv)) for lv in levels[1:]]
        else:
            design.append(("num", nums.index(col)))
        blocks.append(len(design) - start)
    design += [("num", nums.index(g)) for g in given if g not in categorical]
    D = len(design)
    T = np.zeros((G, D))  # Σ x over each cell
    C = np.zeros((G, D, D))  # Σ x xᵀ over each cell
    ind = np.zeros((G, D))
    for j, (kind, what) in enumerate(design):
        if kind == "ind":
            col, lv = what
            ind[:, j] = (mom[col] == lv).to_numpy(dtype=float)
            T[:, j] = ind[:, j] * n_g
        else:
            T[:, j] = mom[f"s{what}"].to_numpy(dtype=float)
    for j, (kj, wj) in enumerate(design):
        for m, (km, wm) in enumerate(design):
            if kj == "ind" and km == "ind":
                v = ind[:, j] * ind[:, m] * n_g
            elif kj == "ind":
                v = ind[:, j] * T[:, m]
            elif km == "ind":
                v = ind[:, m] * T[:, j]
            else:
                i1, i2 = sorted((wj, wm))
                v = mom[f"q{i1}_{i2}"].to_numpy(dtype=float)
            C[:, j, m] = v
    cat_z = [g for g in given if g in categorical]
    if cat_z and G:
        sid, _ = pd.factorize(pd.MultiIndex.from_frame(mom[cat_z]))
    else:
        sid = np.zeros(G, dtype=np.int64)
    n_strata = int(sid.max()) + 1 if G else 0
    W = np.zeros((D, D))
    for s in range(n_strata):
        m = sid == s
        ns = n_g[m].sum()
        ts = T[m].sum(axis=0)
        W += C[m].sum(axis=0) - np.outer(ts, ts) / ns
    n = int(n_g.sum())
    out = _linear_from_W(
        W, n, max(n_strata, 1), blocks[0], blocks[1], a, b, given, dropped, infinite
    )
    out.nonfinite = nonfinite
    return out
