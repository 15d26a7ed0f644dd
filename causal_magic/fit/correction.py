"""Multiple-testing corrections, and the checks on ``alpha`` and ``correction``.

A graph with many implications is many tests; without a correction some
would be "rejected" by chance alone.  Holm's step-down is the default (it
controls the family-wise error rate at ``alpha`` under any dependence);
Bonferroni, Benjamini-Hochberg (false discovery rate) and none are also
accepted.  Untested rows (NaN p-values) are not counted in the family.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "CORRECTIONS",
    "CORRECTION_NAMES",
    "adjust",
    "apply_correction",
    "check_alpha",
    "normalise_correction",
]

CORRECTIONS = ("holm", "bonferroni", "bh", "none")
#: How each correction is named in sentences.
CORRECTION_NAMES = {"holm": "Holm", "bonferroni": "Bonferroni", "bh": "Benjamini-Hochberg"}


def _step_down(v: np.ndarray, m: int) -> np.ndarray:
    order = np.argsort(v, kind="stable")
    stepped = np.maximum.accumulate(v[order] * (m - np.arange(m)))
    adj = np.empty(m)
    adj[order] = np.minimum(stepped, 1.0)
    return adj


def _step_up(v: np.ndarray, m: int) -> np.ndarray:
    order = np.argsort(v, kind="stable")[::-1]
    stepped = np.minimum.accumulate(v[order] * m / (m - np.arange(m)))
    adj = np.empty(m)
    adj[order] = np.minimum(stepped, 1.0)
    return adj


def adjust(p: np.ndarray, method: str = "holm") -> np.ndarray:
    """Multiple-testing adjusted p-values (NaN stays NaN and is not counted).

    >>> adjust([0.01, 0.04, float("nan")]).tolist()
    [0.02, 0.04, nan]
    """
    p = np.asarray(p, dtype=float)
    out = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return out
    v = p[ok]
    if method == "none":
        adj = v
    elif method == "bonferroni":
        adj = np.minimum(v * m, 1.0)
    elif method == "holm":
        adj = _step_down(v, m)
    elif method == "bh":
        adj = _step_up(v, m)
    else:
        raise ValueError(f"correction={method!r} is unknown; use one of {', '.join(CORRECTIONS)}")
    out[ok] = adj
    return out


def check_alpha(alpha: float) -> None:
    """Refuse an ``alpha`` outside (0, 1)."""
    if not isinstance(alpha, (int, float)) or not 0 < alpha < 1:
        raise ValueError(f"alpha={alpha!r} must be a number between 0 and 1, e.g. 0.05")


def normalise_correction(correction: str | None) -> str:
    """One of :data:`CORRECTIONS` from the spellings users write (None, "fdr", ...)."""
    c = "none" if correction in (None, False) else str(correction).lower()
    c = {"fdr_bh": "bh", "benjamini-hochberg": "bh", "fdr": "bh"}.get(c, c)
    if c not in CORRECTIONS:
        raise ValueError(
            f"correction={correction!r} is unknown; use one of {', '.join(CORRECTIONS)}"
        )
    return c


def apply_correction(rows: list[dict], alpha: float, correction: str) -> None:
    """Fill ``p_adjusted`` and ``rejected`` in each test row, in place."""
    padj = adjust(np.array([r["p_value"] for r in rows], dtype=float), correction)
    for r, pa in zip(rows, padj, strict=True):
        r["p_adjusted"] = float(pa)
        r["rejected"] = bool(not math.isnan(pa) and pa <= alpha)
