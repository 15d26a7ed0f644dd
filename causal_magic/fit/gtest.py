"""The G-test of conditional independence for categorical columns.

``G = 2 Σ O ln(O / E)`` with ``E = n(a,z) n(b,z) / n(z)``, summed over the
strata of the conditioning set, ``dof = Σ_s (r_s - 1)(c_s - 1)`` where
``r_s``, ``c_s`` count the values of the two variables seen in stratum
``s``.  A stratum where either variable shows one value only carries no
information about their association, so it adds nothing to ``G`` or to
``dof`` (the usual convention, and the one that keeps the chi-square
reference honest).  The counts come from
:func:`causal_magic.backends.count_table`, so the test runs inside the
engine the data lives in (pandas, polars, pyarrow, DuckDB, Dask, PySpark).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from ..backends import count_table
from .result import TestOutcome, join_names

__all__ = ["G_TEST", "LOW_EXPECTED_SHARE", "g_test"]

G_TEST = "G-test"
#: Above this share of expected counts below 5, a G-test is flagged as approximate.
LOW_EXPECTED_SHARE = 0.2


def _xlogx(v: np.ndarray) -> float:
    v = v[v > 0]
    return float((v * np.log(v)).sum())


def g_test(data, a: str, b: str, given: Iterable[str] = ()) -> TestOutcome:
    """G-test of ``a ⫫ b | given`` on counts from :func:`~causal_magic.backends.count_table`.

    Strata where ``a`` or ``b`` shows a single value add nothing (neither to
    ``G`` nor to the degrees of freedom).  No p-value when no stratum is
    informative or when the informative strata have more cells than rows
    (mean count below 1: the chi-square reference would be fiction).
    """
    from scipy import stats

    given = list(given)
    t = count_table(data, [a, b, *given])
    n = t.n.astype(float)
    if given:
        _, z = np.unique(t.codes[:, 2:], axis=0, return_inverse=True)
        z = z.ravel()
    else:
        z = np.zeros(len(n), dtype=np.int64)
    nz = int(z.max()) + 1 if len(z) else 0
    la, lb = len(t.levels[a]), len(t.levels[b])
    # margins n(a, z), n(b, z), n(z)
    az = np.bincount(z * la + t.col(a), weights=n, minlength=nz * la).reshape(nz, la)
    bz = np.bincount(z * lb + t.col(b), weights=n, minlength=nz * lb).reshape(nz, lb)
    n_z = az.sum(axis=1)
    r = (az > 0).sum(axis=1)
    c = (bz > 0).sum(axis=1)
    informative = (r >= 2) & (c >= 2)
    out = TestOutcome(G_TEST, effect_measure="Cramér's V", n=t.n_used)
    dropped = f"; {t.n_dropped:,} rows with missing values left out" if t.n_dropped else ""
    if not informative.any():
        out.note = (
            f"not testable: no stratum{' of ' + join_names(given) if given else ''} shows two "
            f"values of both {a} and {b}" + dropped
        )
        return out
    G = 2.0 * (
        _xlogx(n[informative[z]])
        - _xlogx(az[informative].ravel())
        - _xlogx(bz[informative].ravel())
        + _xlogx(n_z[informative])
    )
    G = max(G, 0.0)
    n_inf = float(n_z[informative].sum())
    cells = int((r * c)[informative].sum())
    out.statistic, out.dof = G, float(int(((r - 1) * (c - 1))[informative].sum()))
    k = max(min(la, lb) - 1, 1)
    out.effect = math.sqrt(G / (n_inf * k)) if n_inf > 0 else math.nan
    if cells > n_inf:
        out.note = (
            f"too sparse to test: {cells} cells in the informative strata but only "
            f"{int(n_inf)} rows (fewer than one per cell)" + dropped
        )
        return out
    bits = _caveats(az, bz, n_z, informative, cells, a, b)
    out.p_value = float(stats.chi2.sf(G, out.dof))
    out.note = "; ".join(bits) + dropped
    return out


def _caveats(az, bz, n_z, informative, cells: int, a: str, b: str) -> list[str]:
    """Strata that add nothing; too many small expected counts."""
    bits = []
    skipped = int((~informative & (n_z > 0)).sum())
    if skipped:
        bits.append(
            f"{skipped} of {int((n_z > 0).sum())} strata show one value of {a} or {b} "
            "and add nothing"
        )
    low = 0
    for s in np.flatnonzero(informative):
        ra = np.sort(az[s][az[s] > 0])
        rb = np.sort(bz[s][bz[s] > 0])
        # pairs with E = ra_i rb_j / n_s < 5
        low += int(np.searchsorted(rb, 5.0 * n_z[s] / ra, side="left").sum())
    if low > LOW_EXPECTED_SHARE * cells:
        bits.append(
            f"approximate: {low} of {cells} expected counts are below 5 "
            "(the chi-square reference is rough)"
        )
    return bits
