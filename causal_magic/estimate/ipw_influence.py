"""ipw's influence function with the propensity *estimated*, not known (M-estimation).

Why a module of its own: the Hájek ipw estimate ``v`` of E[Y | do(X=a)] solves
``Σ A_i (y_i - v) / e_a,i = 0`` with ``A_i = 1[x_i = a]``, and the propensity
``e`` is itself a fit.  Treating ``e`` as known gives the influence function
``w (y - v) / mean(w)``, which is conservative (about twice the true spread on
a logistic design).  Stacking the propensity's score equations with ipw's and
taking the sandwich adds one term per row::

    IF_i = ( A_i (y_i - v) / e_a,i  +  G H⁻¹ ψ_i ) / mean(w)

where ``ψ_i`` is row i's score of the propensity fit, ``H`` the fit's mean
Hessian (plus the ridge's, when the fit used one) and ``G`` the mean
derivative of ``A (y - v) / e_a`` in the propensity's coefficients:

* **binary logistic** (design X with intercept, ``e1 = P(X=1 | Z)``,
  ``s_a = +1`` for level 1, ``-1`` for level 0): ``ψ_i = X_i (x1_i - e1_i)``,
  ``H = (1/n) Σ e1 (1 - e1) X Xᵀ + ridge·I₀``,
  ``G = -(1/n) Σ A (y - v) s_a e1 (1 - e1) / e_a² Xᵀ``.  The distributed path
  (partition sums) uses exactly this formula.
* **multinomial logistic** (reference level 0, coefficients θ_b for b = 1..k-1):
  ``ψ_i,b = X_i (1[x_i = b] - P_b,i)``, ``H_bc = (1/n) Σ P_b (δ_bc - P_c) X Xᵀ``
  (+ ridge·I₀ on the diagonal blocks), ``G_b = -(1/n) Σ A (y - v) / e_a
  (δ_ab - P_b) Xᵀ`` -- with k = 2 this is the binary formula.
* **saturated** (propensity = the cell's frequency, the saturated logistic
  model with one indicator per cell): ``G H⁻¹ ψ_i`` reduces to
  ``-(A_i - e_a,i) S_c / (n_c e_a,i²)`` with ``S_c = Σ_{cell c} A (y - v)``
  -- sums by ``bincount``, never an n x cells matrix -- and the whole IF to
  the strata estimator's ``A/e (y - ȳ_c,a) + ȳ_c,a - v``.

A user's propensity model has no score to stack: its ipw keeps the
known-propensity IF, and the card says that this interval is conservative.
Only a fit on all rows (``folds=1``, as ipw always is) is corrected.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .models import gram, matvec, rmatvec

__all__ = ["PropensityFit", "ipw_influence"]


@dataclass
class PropensityFit:
    """The default propensity fitted on all rows: what the correction needs."""

    kind: str  # "logistic" | "multinomial" | "cells"
    X: np.ndarray | None = None  # the design (intercept first), rows in the data's order
    probs: np.ndarray | None = None  # logistic: e1 per row; multinomial: n x k
    ridge: float = 0.0  # the penalty the fit used (0: none)
    cells: np.ndarray | None = None  # saturated: the joint cell of each row
    cache: dict = field(default_factory=dict, repr=False)  # H (shared by the arms)


def ipw_influence(
    fit: PropensityFit,
    x: np.ndarray,
    a: int,
    y: np.ndarray,
    e_a: np.ndarray,
    w: np.ndarray,
    value: float,
) -> np.ndarray:
    """The IF of the Hájek ipw estimate ``value`` of arm ``a`` (see the module docstring).

    ``w`` is ``A / e_a`` (0 off the arm), so ``A (y - v) / e_a`` is ``w (y - v)``.
    """
    psi = w * (y - value)
    if fit.kind == "cells":
        corr = _cells(fit.cells, x == a, y - value, e_a)
    elif fit.kind == "logistic":
        corr = _logistic(fit, x, psi, a, e_a)
    else:
        corr = _multinomial(fit, x, psi, a)
    corr += psi
    corr /= w.mean()
    return corr


def _ridge_eye(p: int, ridge: float) -> np.ndarray:
    pen = ridge * np.eye(p)
    pen[0, 0] = 0.0  # the intercept is never penalised
    return pen


def _logistic(fit: PropensityFit, x, psi, a: int, e_a) -> np.ndarray:
    """``G H⁻¹ X_i (x1_i - e1_i)``; with ``psi = A (y - v) / e_a`` the row weight of G,
    ``s_a e1 (1 - e1) / e_a²`` times ``A (y - v)``, is ``s_a psi (1 - e_a)``."""
    X, e1 = fit.X, fit.probs
    n, p = X.shape
    if "H" not in fit.cache:
        root = X * np.sqrt(e1 * (1 - e1))[:, None]
        fit.cache["H"] = gram(root) / n + _ridge_eye(p, fit.ridge)
        fit.cache["resid"] = (x == 1) - e1  # the score's residual, x1 - e1
    c = psi * (1 - e_a)
    g = rmatvec(X, c) * ((-1.0 if a == 1 else 1.0) / n)  # G as a column: -(1/n) Σ s_a c X
    u = np.linalg.solve(fit.cache["H"], g)  # H⁻¹ Gᵀ (H is symmetric)
    out = matvec(X, u)
    out *= fit.cache["resid"]
    return out


def _multinomial(fit: PropensityFit, x, psi, a: int) -> np.ndarray:
    X, P = fit.X, fit.probs
    n, p = X.shape
    k = P.shape[1]
    if "H" not in fit.cache:
        H = np.empty(((k - 1) * p, (k - 1) * p))
        for b in range(1, k):
            for c in range(1, k):
                v = P[:, b] * ((b == c) - P[:, c])
                H[(b - 1) * p : b * p, (c - 1) * p : c * p] = (X.T @ (X * v[:, None])) / n
        fit.cache["H"] = H + np.kron(np.eye(k - 1), _ridge_eye(p, fit.ridge))
    g = np.concatenate([-(X.T @ (psi * ((a == b) - P[:, b]))) / n for b in range(1, k)])
    u = np.linalg.solve(fit.cache["H"], g).reshape(k - 1, p)
    return sum((X @ u[b - 1]) * ((x == b) - P[:, b]) for b in range(1, k))


def _cells(cells: np.ndarray, at: np.ndarray, resid: np.ndarray, e_a: np.ndarray) -> np.ndarray:
    """``-(A - e_a) S_c / (n_c e_a²)`` with ``S_c`` the cell's sum of ``A (y - v)``."""
    m = int(cells.max()) + 1
    count = np.bincount(cells, minlength=m)
    total = np.bincount(cells, weights=np.where(at, resid, 0.0), minlength=m)
    with np.errstate(divide="ignore", invalid="ignore"):
        per = np.where(count > 0, total / np.maximum(count, 1), 0.0)[cells]
    return -(at - e_a) * per / e_a**2
