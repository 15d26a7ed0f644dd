"""Diagnostics of a weighted estimate: overlap, effective sample size, balance.

Why a module of its own: a model-based number is only as good as the overlap
of the arms and the balance the weights achieve, and a user should see both
before trusting it.  ``diagnose`` returns ``r.diagnostics``:

* ``"propensity_range"``: arm -> (min, max) of P(X = arm | Z) over that arm's rows;
* ``"ess"``: arm -> effective sample size (Σw)² / Σw² of the weights 1 / P(X = arm | Z);
* ``"trimmed_share"``: the share of rows ``trim`` left out (0.0 without trimming);
* ``"smd"``: a DataFrame, one row per adjuster column (one-hot levels as
  ``name=level``), standardised mean differences ``before`` and ``after``
  weighting between the query's arm and the comparison (the contrast's other
  arm, else every other row).

and the warnings the card shows (extreme weights, poor overlap, small ESS).
The propensities are fitted once on all rows (they describe the data, not the
estimate) with the same models as the estimate.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from . import aipw as est
from .models import Design
from .result import ModelInfo

__all__ = ["diagnose"]

#: P(X | Z) below this (or above 1 minus it) counts as poor overlap.
OVERLAP_EDGE = 0.01
#: An effective sample size below this share of the arm's rows is "small".
ESS_SHARE = 0.1
#: One weight carrying more than this share of its arm's total weight is "extreme".
WEIGHT_SHARE = 0.05
#: Bins of the overlap plot over [0, 1].
BINS = 20


def diagnose(
    d: Design,
    s: est.Spec,
    arms: list[int],
    levels: list,
    info: ModelInfo,
    trimmed_share: float,
    e: dict | None = None,
) -> dict:
    """``r.diagnostics`` (see the module docstring); the caller pops ``"_warnings"``."""
    arms = list(dict.fromkeys(arms))
    if e is None:  # not fitted by the estimate (gformula): fit once on all rows
        nu = est.nuisances(
            d, replace(s, arms=tuple(range(s.k)), folds=1, need_mu=False, need_e=True)
        )
        e = nu.e
    cols = [e[a] for a in range(s.k)]  # P(X = a | Z) per row, one array per arm
    label = {a: levels[a] for a in range(s.k)}
    prange, ess, warn = arm_summary(*arm_sums(cols, s.x, s.k), label)
    edge = np.zeros(len(s.x), dtype=bool)
    for c in cols:
        edge |= (c < OVERLAP_EDGE) | (c > 1 - OVERLAP_EDGE)
    warn += overlap_warning(int(edge.sum()))
    a0 = arms[0]
    a1 = arms[1] if len(arms) > 1 else None
    hist = histograms(cols[a0], s.x, s.k)
    info.overlap = {str(label[a]): hist[a].tolist() for a in range(s.k)}
    info.overlap_of = f"P({s.level_names[a0]} | adjusters)"
    smd = _smd(d, s.x, cols, a0, a1)
    return {
        "propensity_range": prange,
        "ess": ess,
        "trimmed_share": float(trimmed_share),
        "smd": smd,
        "_warnings": warn,
    }


def overlap_warning(poor: int) -> list[str]:
    """The warning for ``poor`` rows with a propensity near 0 or 1 (none when 0)."""
    if not poor:
        return []
    return [
        f"poor overlap: {poor:,} rows have a propensity below {OVERLAP_EDGE} or above "
        f"{1 - OVERLAP_EDGE}; consider trim=0.01 (--trim 0.01)"
    ]


def arm_sums(e: list, x: np.ndarray, k: int) -> tuple[np.ndarray, ...]:
    """Per arm: rows, Σ w, Σ w², smallest and largest propensity (w = 1 / own propensity).

    One pass for the rows' own propensity P(X = x_i | Z_i), then sums by arm
    (``bincount``), not a copy of every arm's rows.  Sums of parts add up (the
    extremes by min / max), so the partition path calls this per partition.
    """
    own = np.where(x == 1, e[1], e[0]) if k == 2 else np.choose(x, e)  # P(X = x_i | Z_i)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = 1.0 / own
        count = np.bincount(x, minlength=k)
        total, square = np.bincount(x, w, k), np.bincount(x, w * w, k)
    low, high = np.full(k, np.inf), np.full(k, -np.inf)
    np.minimum.at(low, x, own)  # NaN propagates: an undefined propensity is not > 0
    np.maximum.at(high, x, own)
    return count, total, square, low, high


def arm_summary(count, total, square, low, high, label: dict) -> tuple[dict, dict, list[str]]:
    """Propensity range, effective sample size and weight warnings of each arm."""
    k = len(count)
    with np.errstate(divide="ignore"):
        heavy = 1.0 / low  # the largest weight of each arm: 1 / its smallest propensity
    prange, ess, warn = {}, {}, []
    for a in range(k):
        if not count[a]:  # an arm that trimming emptied: nothing to describe
            prange[label[a]], ess[label[a]] = (float("nan"), float("nan")), 0.0
            continue
        prange[label[a]] = (float(low[a]), float(high[a]))
        finite = bool(low[a] > 0)  # every weight of the arm finite
        ess[label[a]] = float(total[a] ** 2 / square[a]) if finite else 0.0
        if ess[label[a]] < max(ESS_SHARE * count[a], 1):
            warn.append(
                f"small effective sample size at {label[a]}: {ess[label[a]]:.0f} of "
                f"{int(count[a]):,} rows (a few rows carry the weight)"
            )
        if finite and heavy[a] / total[a] > WEIGHT_SHARE and count[a] > 40:
            warn.append(
                f"extreme weights at {label[a]}: one row carries "
                f"{heavy[a] / total[a]:.0%} of its arm's weight"
            )
    return prange, ess, warn


def histograms(v: np.ndarray, x: np.ndarray, k: int) -> np.ndarray:
    """``np.histogram(v[x == a], BINS, range=(0, 1))`` for every arm a, in one pass.

    The same bins as NumPy's (its index arithmetic and its edge corrections), so
    the counts are identical; values outside [0, 1] (or NaN) are not counted.
    """
    keep = (v >= 0) & (v <= 1)
    v, x = v[keep], x[keep]
    edges = np.linspace(0, 1, BINS + 1)
    idx = (v * BINS).astype(np.intp)
    idx[idx == BINS] -= 1
    idx[v < edges[idx]] -= 1
    idx[(v >= edges[idx + 1]) & (idx != BINS - 1)] += 1
    return np.bincount(x * BINS + idx, minlength=k * BINS).reshape(k, BINS)


def _smd(d: Design, x: np.ndarray, e: list, a0: int, a1: int | None) -> pd.DataFrame:
    """Standardised mean differences of every design column, before and after weighting.

    ``e[a]`` is P(X = a | Z) per row.  All columns at once: the four weightings (arm
    A, arm B, their inverse propensities) are the rows of one 4 x n matrix W, and two
    products, ``W X`` and ``W X²``, give every total, mean and second moment (X's
    intercept column gives the totals).
    """
    return smd_table(*balance_sums(d.matrix, x, e, a0, a1), d.names)


def balance_sums(X: np.ndarray, x: np.ndarray, e: list, a0: int, a1: int | None):
    """``W X`` and ``W X²`` for the four weightings (arm A, arm B, their inverse propensities).

    X has the intercept first, so column 0 holds each weighting's total.  Sums of
    parts add up: the partition path calls this per partition.
    """
    A = x == a0
    B = (x == a1) if a1 is not None else ~A
    W = np.zeros((4, len(x)))
    W[0], W[1] = A, B
    with np.errstate(divide="ignore", invalid="ignore"):
        np.divide(1.0, e[a0], out=W[2], where=A)
        np.divide(1.0, e[a1] if a1 is not None else 1.0 - e[a0], out=W[3], where=B)
        Xt = X.T  # one-thread products (einsum), fastest on the column-major design
        first = np.einsum("ki,ji->kj", W, Xt)  # 4 x (1 + columns)
        square = np.einsum("ki,ji->kj", W, (X * X).T)
    return first, square


def smd_table(first: np.ndarray, square: np.ndarray, names: list[str]) -> pd.DataFrame:
    """The balance table from :func:`balance_sums`' totals (see :func:`_smd`)."""
    if not len(names) or not first[0, 0] or not first[1, 0]:
        return pd.DataFrame(columns=["before", "after"], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean, var = _moments(first, square)
    weighted = bool(np.isfinite(first[2:, 0]).all())  # weights >= 0: finite iff all are
    pooled = np.sqrt((var[0] + var[1]) / 2)
    pooled[pooled == 0] = 1.0
    before = (mean[0] - mean[1]) / pooled
    if weighted:
        sd = np.sqrt((var[2] + var[3]) / 2)
        after = (mean[2] - mean[3]) / np.where(sd == 0, pooled, sd)
    else:
        after = np.full(len(names), np.nan)
    return pd.DataFrame({"before": before, "after": after}, index=list(names))


def _moments(first: np.ndarray, square: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted means and variances of X's columns (past the intercept) for each weighting.

    From ``W X`` and ``W X²``: the intercept column gives the totals, and
    ``Σ w (z - mean)² = Σ w z² - mean Σ w z``.  What is left of a column constant
    under a weighting is rounding, not spread: it is set to 0.
    """
    total = first[:, :1]
    mean = first[:, 1:] / total
    spread = square[:, 1:] - mean * first[:, 1:]
    spread[spread <= 1e-12 * square[:, 1:]] = 0.0
    return mean, spread / total
