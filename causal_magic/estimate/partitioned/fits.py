"""The default models fitted from partition sums: least squares, logistic, multinomial, cells.

Why a module of its own: on Dask and PySpark a model is fitted without its
rows.  Every fit the model-based methods need is a generalised linear model
whose Newton step needs only XᵀWX and XᵀW(z) summed over the training rows,
so each pass over the partitions returns those sums for every model at once
-- each fold's outcome model per treatment arm and each fold's propensity
model -- and the driver takes one Newton step per model.  Least squares needs
one pass (XᵀX and Xᵀy per fold and arm); a saturated design needs only the
counts and sums of each joint cell.

The fits are those of :mod:`~causal_magic.estimate.models` on the same rows:
Newton from the mean's logit, a model that separates the data (or diverges)
refitted with the same small ridge penalty and the same note.  Only the
stopping rule is tighter (steps below 1e-10), so the coefficients agree with
the in-memory fit far below any shown digit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

import numpy as np

from ..aipw import empty_stratum, no_arm_rows
from ..models import (
    RIDGE,
    logistic_probs,
    multinomial_probs,
    ridge_penalty,
    separation_note,
    solve_normal,
)
from ..result import DataError

__all__ = ["Blocks", "Fits", "Part", "blocks", "fit_all"]

#: Newton stops when no coefficient moves more than this.
TOL = 1e-10
ITERS = 50


@dataclass
class Part:
    """One partition read for a pass: design matrix, arm codes, outcomes, folds, cells."""

    X: np.ndarray
    x: np.ndarray  # treatment level code per row
    Y: np.ndarray  # one column per outcome
    fold: np.ndarray
    cell: np.ndarray | None = None


@dataclass
class Blocks:
    """Sums per (fold, arm): rows, XᵀX, and per outcome Σy and Xᵀy; per cell when saturated."""

    n: np.ndarray  # (K, k)
    xtx: np.ndarray  # (K, k, p, p)
    ysum: np.ndarray  # (O, K, k)
    xty: np.ndarray  # (O, K, k, p)
    xsum: np.ndarray  # (p,) column sums over every row
    ncell: np.ndarray | None = None  # (K, C, k)
    ycell: np.ndarray | None = None  # (O, K, C, k)

    def __add__(self, o: Blocks) -> Blocks:
        add = lambda a, b: None if a is None else a + b  # noqa: E731
        return Blocks(
            self.n + o.n,
            self.xtx + o.xtx,
            self.ysum + o.ysum,
            self.xty + o.xty,
            self.xsum + o.xsum,
            add(self.ncell, o.ncell),
            add(self.ycell, o.ycell),
        )


def part_blocks(part: Part, K: int, k: int, cells: int | None) -> Blocks:
    """The sums of one partition (see :class:`Blocks`)."""
    p, n_out = part.X.shape[1], part.Y.shape[1]
    n = np.zeros((K, k))
    xtx, ysum = np.zeros((K, k, p, p)), np.zeros((n_out, K, k))
    xty = np.zeros((n_out, K, k, p))
    for f in range(K):
        for a in range(k):
            at = (part.fold == f) & (part.x == a)
            Xa = part.X[at]
            n[f, a] = len(Xa)
            xtx[f, a] = Xa.T @ Xa
            Ya = part.Y[at]
            ysum[:, f, a] = Ya.sum(axis=0)
            xty[:, f, a] = (Xa.T @ Ya).T
    out = Blocks(n, xtx, ysum, xty, part.X.sum(axis=0))
    if cells is not None:
        key = (part.fold * cells + part.cell) * k + part.x
        size = K * cells * k
        out.ncell = np.bincount(key, minlength=size).reshape(K, cells, k).astype(float)
        out.ycell = np.stack(
            [np.bincount(key, weights=part.Y[:, o], minlength=size) for o in range(n_out)]
        ).reshape(n_out, K, cells, k)
    return out


def blocks(map_parts, read, K: int, k: int, cells: int | None) -> Blocks:
    """One pass: the :class:`Blocks` of every partition, added up."""
    parts = map_parts(lambda frame, index: part_blocks(read(frame, index), K, k, cells))
    total = parts[0]
    for b in parts[1:]:
        total = total + b
    return total


# -- the models -----------------------------------------------------------------------------


@dataclass
class Model:
    """One model being fitted: which rows train it, its target, its coefficients."""

    key: tuple  # ("mu", outcome, fold, arm) or ("e", fold)
    kind: str  # "linear", "logit", "mlogit", "cells"
    n: int  # training rows
    beta: np.ndarray | None = None
    ridge: float = 0.0
    done: bool = False
    iters: int = 0
    start0: float = 0.0  # the intercept Newton starts from (the mean's logit)


@dataclass
class Fits:
    """Every fitted model, by key, and the notes the fits left (ridge, collinearity)."""

    models: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    K: int = 1
    k: int = 2

    def mu(self, part: Part, o: int, a: int, binary: bool) -> np.ndarray:
        """E[Y_o | X=a, Z] for each row, from its fold's model."""
        out = np.empty(len(part.x))
        for f in range(self.K):
            at = part.fold == f
            m = self.models["mu", o, f, a]
            if m.kind == "cells":
                out[at] = m.beta[part.cell[at]]
            elif m.kind == "logit":
                out[at] = logistic_probs(part.X[at], m.beta)
            else:
                out[at] = part.X[at] @ m.beta
        return out

    def e(self, part: Part) -> np.ndarray:
        """P(X = level | Z) for each row and level, from its fold's model."""
        out = np.empty((len(part.x), self.k))
        for f in range(self.K):
            at = part.fold == f
            m = self.models["e", f]
            if m.kind == "cells":
                out[at] = m.beta[part.cell[at]]
            elif m.kind == "logit":
                p1 = logistic_probs(part.X[at], m.beta)
                out[at] = np.column_stack([1 - p1, p1])
            else:
                out[at] = multinomial_probs(part.X[at], m.beta)
        return out


def _train(arr: np.ndarray, k: int, K: int) -> np.ndarray:
    """The sum over the training folds of model ``k`` (all folds when ``K == 1``)."""
    return arr.sum(axis=0) if K == 1 else arr.sum(axis=0) - arr[k]


def fit_all(map_parts, read, b: Blocks, outcomes, arms, level_names, K: int, k: int) -> Fits:
    """Every outcome model (per outcome, fold and arm in ``arms``) and propensity model.

    ``outcomes`` says per outcome whether it is 0/1 (logistic when its
    training mean is strictly between 0 and 1, least squares otherwise).
    """
    fits = Fits(K=K, k=k)
    saturated = b.ncell is not None
    for o, binary in enumerate(outcomes):
        for f in range(K):
            for a in arms:
                n = _train(b.n[:, a], f, K)
                if not n:
                    raise no_arm_rows(level_names[a])
                key = ("mu", o, f, a)
                if saturated:
                    fits.models[key] = _cell_means(b, o, f, a, K, level_names[a])
                    continue
                mean = _train(b.ysum[o, :, a], f, K) / n
                if binary and 0 < mean < 1:
                    m = _logit(key, int(n), mean, b.xtx.shape[-1])
                else:
                    A, c = _train(b.xtx[:, a], f, K), _train(b.xty[o, :, a], f, K)
                    m = Model(key, "linear", int(n), solve_normal(A, c, int(n), fits.notes))
                    m.done = True
                    m.ridge = RIDGE if np.linalg.matrix_rank(A) < A.shape[0] else 0.0
                fits.models[key] = m
    for f in range(K):
        fits.models["e", f] = _propensity_start(b, f, K, k, saturated)
    _newton(map_parts, read, fits)
    return fits


def _logit(key: tuple, n: int, mean: float, p: int) -> Model:
    """A logistic model starting, as the in-memory Newton does, from the mean's logit."""
    ybar = min(max(mean, 1e-6), 1 - 1e-6)
    m = Model(key, "logit", n, np.zeros(p), start0=float(np.log(ybar / (1 - ybar))))
    m.beta[0] = m.start0
    return m


def _cell_means(b: Blocks, o: int, f: int, a: int, K: int, name) -> Model:
    cnt = _train(b.ncell[:, :, a], f, K)
    tot = _train(b.ycell[o, :, :, a], f, K)
    need = b.ncell[f].sum(axis=1) > 0 if K > 1 else b.ncell.sum(axis=(0, 2)) > 0
    if (need & (cnt == 0)).any():
        raise empty_stratum(name)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = tot / cnt
    return Model(("mu", o, f, a), "cells", int(cnt.sum()), means, done=True)


def _propensity_start(b: Blocks, f: int, K: int, k: int, saturated: bool) -> Model:
    n_arm = _train(b.n, f, K)
    n = int(n_arm.sum())
    if saturated:
        cnt = _train(b.ncell, f, K)
        with np.errstate(invalid="ignore", divide="ignore"):
            probs = cnt / cnt.sum(axis=1, keepdims=True)
        return Model(("e", f), "cells", n, probs, done=True)
    p = b.xtx.shape[-1]
    if k == 2:
        return _logit(("e", f), n, n_arm[1] / n, p)
    return Model(("e", f), "mlogit", n, np.zeros((p, k - 1)))


# -- Newton from partition sums ---------------------------------------------------------


def _grad_hess(part: Part, models: list[Model], K: int, k: int) -> dict:
    """Σ X(t - μ) and Σ w XXᵀ of each active model over its training rows in ``part``."""
    out = {}
    for m in models:
        train = part.fold != m.key[-1 if m.key[0] == "e" else 2] if K > 1 else slice(None)
        X, x = part.X[train], part.x[train]
        if m.key[0] == "mu":
            at = x == m.key[3]
            X, t = X[at], part.Y[train][at, m.key[1]]
        else:
            t = (x == 1).astype(float) if m.kind == "logit" else x
        if m.kind == "logit":
            mu = logistic_probs(X, m.beta)
            out[m.key] = (X.T @ (t - mu), (X * (mu * (1 - mu))[:, None]).T @ X)
        else:
            out[m.key] = _mlogit_grad_hess(X, t, m.beta, k)
    return out


def _pass(frame, index, read, models, K, k) -> dict:
    return _grad_hess(read(frame, index), models, K, k)


def _mlogit_grad_hess(X, codes, B, k):
    p = X.shape[1]
    P = multinomial_probs(X, B)[:, 1:]
    Y = np.eye(k)[codes][:, 1:]
    H = np.empty(((k - 1) * p, (k - 1) * p))
    for a in range(k - 1):
        for c in range(k - 1):
            w = P[:, a] * ((a == c) - P[:, c])
            H[a * p : (a + 1) * p, c * p : (c + 1) * p] = (X * w[:, None]).T @ X
    return X.T @ (Y - P), H


def _newton(map_parts, read, fits: Fits) -> None:
    """Newton steps for every iterative model, one pass over the partitions per step."""
    while True:
        active = [m for m in fits.models.values() if not m.done]
        if not active:
            return
        parts = map_parts(partial(_pass, read=read, models=active, K=fits.K, k=fits.k))
        for m in active:
            g = sum(p[m.key][0] for p in parts if m.key in p)
            H = sum(p[m.key][1] for p in parts if m.key in p)
            _step(m, g, H, fits.notes)


def _step(m: Model, g, H, notes: list[str]) -> None:
    p = m.beta.shape[0]
    pen = ridge_penalty(p, m.n, m.ridge) if m.ridge else np.zeros((p, p))
    if m.kind == "mlogit":
        big = np.kron(np.eye(m.beta.shape[1]), pen)
        grad = (g - pen @ m.beta).T.ravel()
        H = H + big
    else:
        grad, H = g - pen @ m.beta, H + pen
    try:
        step = np.linalg.solve(H, grad)
    except np.linalg.LinAlgError:
        step = None
    m.iters += 1
    if step is not None:
        m.beta = m.beta + (step.reshape(m.beta.shape[1], p).T if m.kind == "mlogit" else step)
    bad = step is None or not np.all(np.isfinite(m.beta))
    bad = bad or (not m.ridge and np.abs(m.beta).max() > 30)
    if bad or (m.iters >= ITERS and not m.ridge):
        if m.ridge:
            raise DataError(f"the {_what(m)} model did not converge, even with a ridge penalty")
        notes.append(separation_note(_what(m), multinomial=m.kind == "mlogit"))
        m.ridge, m.iters = RIDGE, 0
        m.beta = np.zeros_like(m.beta)
        if m.kind == "logit":  # restart from the mean's logit, as the in-memory fit does
            m.beta[0] = m.start0
        return
    if np.abs(step).max() < TOL or m.iters >= ITERS:
        m.done = True


def _what(m: Model) -> str:
    return "outcome" if m.key[0] == "mu" else "propensity"
