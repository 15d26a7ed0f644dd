"""Uncertainty for ``%do``: a bootstrap interval from the count table alone.

Why it works on counts: resampling rows with replacement is the same as
drawing the cells of the full count table from a multinomial, so a thousand
resamples are a thousand count vectors, and :class:`~causal_magic.estimate.compute.Calc`
evaluates them all at once.  A numeric outcome's cell sums are drawn from a
normal with the cell's variance.  Resamples in which a stratum loses its
treated rows (positivity fails in the resample) are excluded and counted, and
the result says so.
"""

from __future__ import annotations

import numpy as np

from ..backends import CountTable
from .compute import Calc
from .result import DoResult

__all__ = ["add_interval", "resample"]


#: Resamples when ``bootstrap`` is not given (strata and gformula intervals).
DEFAULT_RESAMPLES = 1000


def resample(
    calcs: list[Calc], table: CountTable, B: int, seed: int | None, op: str | None
) -> tuple[np.ndarray, int]:
    """B resampled estimates (B, L) of the query (contrast applied) and the excluded count."""
    rng = np.random.default_rng(seed)
    n = table.n.astype(float)
    total = int(n.sum())
    p = n / n.sum()
    C = len(n)
    numeric = table.ysum is not None
    if numeric:
        mean = table.ysum / n
        s = table.ysq_scale  # ysumsq is Σ (y·s)²: the variance is taken in those units
        var = np.maximum(table.ysumsq / n - (mean * s) ** 2, 0.0)
        sd = np.sqrt(var * n / np.maximum(n - 1, 1)) / s  # cell sample sd
    chunk = max(1, min(B, 4_000_000 // max(C, 1)))
    out, excluded = [], 0
    done = 0
    while done < B:
        b = min(chunk, B - done)
        N = rng.multinomial(total, p, size=b).astype(float)
        Y = None
        if numeric:
            Y = N * mean + np.sqrt(N) * sd * rng.standard_normal((b, C))
        vals = []
        fail = np.zeros(b, dtype=bool)
        for calc in calcs:
            est, failed = calc.value(calc.stats(N, Y))
            vals.append(est)
            fail |= failed
        v = vals[0] if op is None else (vals[0] - vals[1] if op == "-" else vals[0] / vals[1])
        v = np.where(fail[:, None], np.nan, v)
        excluded += int(fail.sum())
        out.append(v)
        done += b
    return np.concatenate(out, axis=0), excluded


def check_interval_options(ci: float | None, bootstrap: int) -> None:
    """``ci`` is a level in (0, 1) and ``bootstrap`` at least 10 resamples."""
    if ci is None:
        return
    if not 0 < ci < 1:
        raise ValueError(f"ci is a level between 0 and 1 such as 0.95, got {ci}")
    if bootstrap < 10:
        raise ValueError(f"bootstrap needs at least 10 resamples, got {bootstrap}")


def add_interval(
    result: DoResult,
    calcs: list[Calc],
    table: CountTable,
    ci: float,
    bootstrap: int,
    seed: int | None,
    op: str | None,
) -> None:
    """Attach the percentile interval at level ``ci`` (and its caveats) to ``result``."""
    draws, excluded = resample(calcs, table, int(bootstrap), seed, op)
    lo_q, hi_q = (1 - ci) / 2, 1 - (1 - ci) / 2
    ok = ~np.isnan(draws).any(axis=1)
    result.bootstrap = int(bootstrap)
    result.bootstrap_excluded = excluded
    result.ci_level = ci
    if ok.sum() < 2:
        result.warnings.append(
            f"no interval: {excluded} of {bootstrap} resamples lost a stratum's treated rows"
        )
        return
    lo, hi = np.quantile(draws[ok], [lo_q, hi_q], axis=0)
    if result.value is not None:
        result.ci = (float(lo[0]), float(hi[0]))
    else:
        result.details.ci_distribution = {
            lv: (float(a), float(b)) for lv, a, b in zip(result.distribution, lo, hi, strict=True)
        }
    if excluded:
        result.warnings.append(
            f"{excluded} of {bootstrap} bootstrap resamples lost every treated row of a "
            "stratum (positivity failed in the resample) and were excluded from the "
            "interval, which may therefore be too narrow"
        )
