"""The estimates, their influence functions and the diagnostics, as sums over partitions.

Why a module of its own: once the models are fitted (:mod:`.fits`), every
number of a model-based estimate is a mean over rows of something each row
can compute alone -- given the fitted models and, for the influence
function, the estimates themselves.  So two passes finish the job:

* **pass A** (:func:`values`): per term, the sums behind the estimate
  (g-formula Σμ̂, IPW Σw and Σwy, AIPW Σφ), the naive means, the sums the
  interval's corrections need (below), and the diagnostics' sums (propensity
  range, effective sample size, overlap histogram, balance before and after
  weighting);
* **pass B** (:func:`spread`): Σ IF² of each term and of the contrast or
  ratio, so ``se = sqrt(Σ IF² / n) / sqrt(n)`` as in memory.

The influence functions: AIPW's is ``φ - θ``.  IPW's accounts for the
estimated propensity (M-estimation): with the binary logistic propensity
(coefficients γ, design X), for arm ``a`` with ``A = 1[x = a]``, ``w = A / e_a``
and ``c = s_a e₁(1 - e₁) / e_a²`` (``s_a`` = +1 for level 1, -1 for level 0),
``IF = (w (y - θ) + (X·u)(x₁ - e₁)) / mean(w)``, ``u = -(Σ e₁(1-e₁)XXᵀ +
penalty)⁻¹ Σ A (y - θ) c X``; a multinomial propensity the same with one
``c_j = (δ_aj - e_j) / e_a`` and one score ``X (1[x = j] - e_j)`` per level
``j ≥ 1`` (for two levels this is the binary formula); for the saturated
design (cell frequencies) the correction is ``-(S_c / e_ac²)(A - e_ac) / n_c``
with ``S_c = Σ_cell A (y - θ)``.  The
g-formula's accounts for the outcome model's fit (delta method):
``IF = μ̂ - θ + (X·r) A (y - μ̂)`` with ``r = (Σ_A μ'XXᵀ + penalty)⁻¹ Σ μ' X``
(``μ' = μ̂(1-μ̂)`` for a logistic model, 1 for least squares), and for cells
``(n_c / n_ac) A (y - μ̂)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..diagnostics import OVERLAP_EDGE, arm_sums, balance_sums, histograms
from ..models import ridge_penalty
from .fits import Blocks, Fits, Part

__all__ = ["Term", "spread", "values"]

#: Bins of the overlap plot over [0, 1] (as the in-memory diagnostics).
BINS = 20


@dataclass(frozen=True)
class Term:
    """One term of the query as the passes compute it: its outcome column and arm."""

    outcome: int
    arm: int


def _add(a, b):
    """Two partitions' sums added: dicts, lists and tuples by item, ("min"/"max", v) by min/max."""
    if isinstance(a, dict):
        return {k: _add(a[k], b[k]) for k in a}
    if isinstance(a, tuple) and len(a) == 2 and isinstance(a[0], str):  # ("min"/"max", v)
        f = np.minimum if a[0] == "min" else np.maximum
        return (a[0], f(a[1], b[1]))
    if isinstance(a, list | tuple):
        return type(a)(_add(x, y) for x, y in zip(a, b, strict=True))
    return a + b


def total(parts: list) -> dict:
    out = parts[0]
    for p in parts[1:]:
        out = _add(out, p)
    return out


def values(map_parts, read, fits: Fits, method: str, terms, binary, a0, a1) -> dict:
    """Pass A (see the module docstring): a dict of sums over every row."""
    k = fits.k
    need_mu = method in ("gformula", "aipw")

    def one(frame, index):
        part = read(frame, index)
        e = fits.e(part)
        mus = {
            (t.outcome, t.arm): fits.mu(part, t.outcome, t.arm, binary[t.outcome])
            for t in terms
            if need_mu
        }
        out = {"term": [_term_sums(part, t, e, mus, method, fits) for t in terms]}
        if method == "gformula":
            out["delta"] = {key: _delta_sums(part, key, mu, fits) for key, mu in mus.items()}
        if method == "ipw" and fits.models["e", 0].kind in ("logit", "mlogit"):
            out["He"] = _propensity_information(part.X, e)
        out["diag"] = _diag_sums(part, e, k, a0, a1)
        return out

    return total(map_parts(one))


def _term_sums(part: Part, t: Term, e, mus, method, fits: Fits) -> dict:
    y, A = part.Y[:, t.outcome], (part.x == t.arm).astype(float)
    ea = e[:, t.arm]
    out = {"zero_e": np.float64((~(ea > 0)).sum())}
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(A > 0, A / ea, 0.0)
    if method == "gformula":
        out["sum"] = mus[t.outcome, t.arm].sum()
    elif method == "aipw":
        mu = mus[t.outcome, t.arm]
        out["sum"] = (mu + w * (y - mu)).sum()
    else:
        out["w"], out["wy"] = w.sum(), (w * y).sum()
        if fits.models["e", 0].kind in ("logit", "mlogit"):
            # c_j = ∂ log e_a / ∂ η_j = δ_aj - e_j on the arm's rows, j = 1 .. k-1
            delta = (np.arange(1, fits.k) == t.arm) * 1.0
            c = np.where(A[:, None] > 0, delta[None, :] - e[:, 1:], 0.0)
            with np.errstate(divide="ignore", invalid="ignore"):
                c = np.where(A[:, None] > 0, c / ea[:, None], 0.0)
            out["Gy"], out["G1"] = (c * y[:, None]).T @ part.X, c.T @ part.X
    return out


def _propensity_information(X: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Σ of the (multinomial) logistic information, blocks in level order 1 .. k-1."""
    k, p = e.shape[1], X.shape[1]
    H = np.empty(((k - 1) * p, (k - 1) * p))
    for a in range(1, k):
        for c in range(1, k):
            w = e[:, a] * ((a == c) - e[:, c])
            H[(a - 1) * p : a * p, (c - 1) * p : c * p] = (X * w[:, None]).T @ X
    return H


def _delta_sums(part: Part, key, mu, fits: Fits) -> dict:
    """Σ μ'X over every row and Σ_A μ'XXᵀ (the g-formula's delta method)."""
    o, a = key
    m = fits.models["mu", o, 0, a]
    if m.kind == "cells":
        return {}
    d = mu * (1 - mu) if m.kind == "logit" else np.ones(len(mu))
    at = part.x == a
    Xa = part.X[at]
    return {"D": part.X.T @ d, "H": (Xa * d[at][:, None]).T @ Xa}


def _diag_sums(part: Part, e: np.ndarray, k: int, a0: int, a1: int | None) -> dict:
    """The in-memory diagnostics' own sums (:mod:`..diagnostics`), for this partition."""
    cols = [e[:, a] for a in range(k)]
    count, w, w2, low, high = arm_sums(cols, part.x, k)
    first, square = balance_sums(part.X, part.x, cols, a0, a1)
    return {
        "arms": (count, w, w2, ("min", low), ("max", high)),
        "poor": np.float64(((e < OVERLAP_EDGE) | (e > 1 - OVERLAP_EDGE)).any(axis=1).sum()),
        "hist": histograms(cols[a0], part.x, k),
        "balance": (first, square),
    }


# -- pass B ------------------------------------------------------------------------------


@dataclass
class Correction:
    """What a row needs to add the fit's share to its influence function."""

    kind: str  # "none", "ipw-logit", "ipw-cells", "g-linear", "g-cells"
    vec: np.ndarray | None = None  # u (ipw) or r (g-formula), per design column
    cell: np.ndarray | None = None  # per-cell factors (cells)
    scale: float = 1.0  # 1 / mean(w) for ipw


def corrections(method, terms, thetas, sums, fits: Fits, b: Blocks, n: int) -> list[Correction]:
    """Each term's correction for the estimated nuisance (see the module docstring)."""
    out = []
    for t, theta, s in zip(terms, thetas, sums["term"], strict=True):
        if method == "aipw":
            out.append(Correction("none"))
        elif method == "ipw":
            out.append(_ipw_correction(t, theta, s, sums, fits, b, n))
        else:
            out.append(_g_correction(t, sums, fits, b))
    return out


def _ipw_correction(t: Term, theta, s, sums, fits: Fits, b: Blocks, n: int) -> Correction:
    m = fits.models["e", 0]
    scale = n / s["w"]
    if m.kind in ("logit", "mlogit"):
        p = m.beta.shape[0]
        pen = np.kron(np.eye(fits.k - 1), ridge_penalty(p, m.n, m.ridge)) if m.ridge else 0.0
        u = -np.linalg.solve(sums["He"] + pen, (s["Gy"] - theta * s["G1"]).ravel())
        return Correction("ipw-logit", vec=u.reshape(fits.k - 1, p), scale=scale)
    if m.kind == "cells":
        ncell = b.ncell.sum(axis=0)  # (C, k)
        S = b.ycell[t.outcome].sum(axis=0)[:, t.arm] - theta * ncell[:, t.arm]
        e = m.beta[:, t.arm]
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(ncell[:, t.arm] > 0, -S / e**2 / ncell.sum(axis=1), 0.0)
        return Correction("ipw-cells", cell=factor, scale=scale)
    return Correction("none", scale=scale)


def _g_correction(t: Term, sums, fits: Fits, b: Blocks) -> Correction:
    m = fits.models["mu", t.outcome, 0, t.arm]
    if m.kind == "cells":
        ncell = b.ncell.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = ncell.sum(axis=1) / ncell[:, t.arm]
        return Correction("g-cells", cell=np.where(np.isfinite(factor), factor, 0.0))
    d = sums["delta"][t.outcome, t.arm]
    H = d["H"] + (ridge_penalty(len(m.beta), m.n, m.ridge) if m.ridge else 0.0)
    return Correction("g-linear", vec=np.linalg.solve(H, d["D"]))


def spread(map_parts, read, fits: Fits, method, terms, binary, thetas, corr, combine, op):
    """Pass B: Σ IF² per term and of the combination (``combine(op, a, b, ia, ib)``)."""

    def one(frame, index):
        part = read(frame, index)
        e = fits.e(part)
        ifs = [
            _influence(part, t, th, c, e, fits, method, binary)
            for t, th, c in zip(terms, thetas, corr, strict=True)
        ]
        out = {"terms": np.array([float((v**2).sum()) for v in ifs])}
        if len(ifs) == 2:
            both = combine(op, thetas[0], thetas[1], ifs[0], ifs[1])[1]
            out["both"] = np.float64((both**2).sum())
        return out

    return total(map_parts(one))


def _influence(part: Part, t: Term, theta, c: Correction, e, fits: Fits, method, binary):
    y, A = part.Y[:, t.outcome], (part.x == t.arm).astype(float)
    mu = fits.mu(part, t.outcome, t.arm, binary[t.outcome]) if method != "ipw" else None
    if method == "aipw":
        with np.errstate(divide="ignore", invalid="ignore"):
            w = np.where(A > 0, A / e[:, t.arm], 0.0)
        return mu + w * (y - mu) - theta
    if method == "gformula":
        fit = (part.X @ c.vec) if c.kind == "g-linear" else c.cell[part.cell]
        return mu - theta + fit * A * (y - mu)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(A > 0, A / e[:, t.arm], 0.0)
    base = w * (y - theta)
    if c.kind == "ipw-logit":  # the propensity score's share: Σ_j (X·u_j)(1[x=j] - e_j)
        levels = np.arange(1, fits.k)
        base = base + ((part.X @ c.vec.T) * ((part.x[:, None] == levels) - e[:, 1:])).sum(axis=1)
    elif c.kind == "ipw-cells":
        base = base + c.cell[part.cell] * (A - e[:, t.arm])
    return base * c.scale
