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
    e = np.column_stack([e[a] for a in range(s.k)])
    label = {a: levels[a] for a in range(s.k)}
    prange, ess, warn = {}, {}, []
    for a in range(s.k):
        at = s.x == a
        ea = e[at, a]
        prange[label[a]] = (float(ea.min()), float(ea.max()))
        with np.errstate(divide="ignore"):
            w = 1.0 / ea
        ess[label[a]] = float(w.sum() ** 2 / (w**2).sum()) if np.isfinite(w).all() else 0.0
        if at.sum() and ess[label[a]] < max(ESS_SHARE * at.sum(), 1):
            warn.append(
                f"small effective sample size at {s.level_names[a]}: {ess[label[a]]:.0f} of "
                f"{int(at.sum()):,} rows (a few rows carry the weight)"
            )
        if np.isfinite(w).all() and (w / w.sum()).max() > WEIGHT_SHARE and at.sum() > 40:
            warn.append(
                f"extreme weights at {s.level_names[a]}: one row carries "
                f"{(w / w.sum()).max():.0%} of its arm's weight"
            )
    poor = int(((e < OVERLAP_EDGE) | (e > 1 - OVERLAP_EDGE)).any(axis=1).sum())
    if poor:
        warn.append(
            f"poor overlap: {poor:,} rows have a propensity below {OVERLAP_EDGE} or above "
            f"{1 - OVERLAP_EDGE}; consider trim=0.01 (--trim 0.01)"
        )
    a0 = arms[0]
    a1 = arms[1] if len(arms) > 1 else None
    info.overlap = {
        str(label[a]): np.histogram(e[s.x == a, a0], bins=BINS, range=(0, 1))[0].tolist()
        for a in range(s.k)
    }
    info.overlap_of = f"P({s.level_names[a0]} | adjusters)"
    smd = _smd(d, s.x, e, a0, a1)
    return {
        "propensity_range": prange,
        "ess": ess,
        "trimmed_share": float(trimmed_share),
        "smd": smd,
        "_warnings": warn,
    }


def _wmean_var(v: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    m = np.average(v, weights=w)
    return m, float(np.average((v - m) ** 2, weights=w))


def _smd(d: Design, x: np.ndarray, e: np.ndarray, a0: int, a1: int | None) -> pd.DataFrame:
    """Standardised mean differences of every design column, before and after weighting."""
    A = x == a0
    B = (x == a1) if a1 is not None else ~A
    wa = 1.0 / e[A, a0]
    wb = 1.0 / (e[B, a1] if a1 is not None else 1.0 - e[B, a0])
    rows = {}
    for j, name in enumerate(d.names, start=1):
        v = d.matrix[:, j]
        va, vb = v[A], v[B]
        if not len(va) or not len(vb):
            continue
        pooled = np.sqrt((va.var() + vb.var()) / 2) or 1.0
        before = (va.mean() - vb.mean()) / pooled
        if np.isfinite(wa).all() and np.isfinite(wb).all():
            (ma, sa), (mb, sb) = _wmean_var(va, wa), _wmean_var(vb, wb)
            after = (ma - mb) / (np.sqrt((sa + sb) / 2) or pooled)
        else:
            after = float("nan")
        rows[name] = (float(before), float(after))
    return pd.DataFrame.from_dict(rows, orient="index", columns=["before", "after"])
