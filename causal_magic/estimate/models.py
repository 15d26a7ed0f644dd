"""The models behind ``%do --method gformula / ipw / aipw``: NumPy GLMs and the user-model contract.

Why a module of its own: a model-based estimate needs two fitted functions of
the adjusters -- E[Y | X=x, Z] (the outcome model) and P(X=x | Z) (the
propensity) -- and nothing else; this module is where they are fitted, so the
estimators (:mod:`~causal_magic.estimate.aipw`) only call ``fit`` and
``predict``.  The defaults need nothing beyond NumPy:

* least squares for a numeric outcome, logistic regression (Newton / IRLS) for
  a binary one, multinomial logistic for a treatment with several levels;
* numeric adjusters standardised, categorical ones one-hot coded (a column is
  categorical by the strata rule: text, bool, or a number with at most
  :data:`~causal_magic.estimate.validate.MAX_FLOAT_LEVELS` distinct values);
* when every adjuster is categorical and their joint cells are few, the design
  is *saturated*: one indicator per joint cell, so a fit is the cell's mean and
  the estimates equal the exact strata answer;
* perfect separation or collinearity is detected and met with a small ridge
  penalty, which is recorded in ``notes`` (the card says it) -- never an inf.

**The contract with a user's model** (any scikit-learn-compatible object):
it receives a pandas DataFrame of the adjusters under their own names
(numeric columns as they are, categorical ones one-hot as ``name=level``);
the outcome model is fitted once per treatment arm on that arm's rows, with
``fit(Z, y)`` and then ``predict(Z)`` (``predict_proba(Z)[:, 1]`` for a 0/1
outcome when it has it); the propensity model gets ``fit(Z, x)`` with the
treatment's level codes and ``predict_proba(Z)``, whose columns follow its
``classes_``; a fresh copy is fitted for each fold (``sklearn.base.clone``
when scikit-learn is importable, else ``copy.deepcopy``).  scikit-learn is
never imported unless a model object is passed.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .result import DataError
from .validate import match_value

__all__ = ["MAX_LEVELS", "RIDGE", "Design", "check_user_model", "make_design"]

#: A categorical adjuster with more levels than this is refused (one-hot would explode).
MAX_LEVELS = 50
#: Joint cells up to which an all-categorical design is saturated (one indicator per cell).
MAX_SATURATED_CELLS = 256
#: The ridge penalty used when separation or collinearity is found (on standardised columns).
RIDGE = 1e-3


@dataclass
class Design:
    """The adjusters as a matrix: ``matrix`` has an intercept column first (column-major)."""

    matrix: np.ndarray
    names: list[str]  # one per column after the intercept
    frame: pd.DataFrame  # the adjusters as a user's model receives them
    saturated: bool = False
    cells: np.ndarray | None = None  # joint-cell code per row when saturated
    notes: list[str] = field(default_factory=list)


def is_categorical(s: pd.Series, max_levels: int) -> bool:
    """Text, bool, or a number with few distinct values (the strata rule)."""
    if pd.api.types.is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s):
        return True
    if s.iloc[:2000].nunique() > max_levels:  # most numeric columns show it at once
        return False
    return s.nunique() <= max_levels


def make_design(frame: pd.DataFrame, names: list[str], max_levels: int) -> Design:
    """Standardise numeric adjusters, one-hot categorical ones, drop constant and duplicate ones."""
    n = len(frame)
    cols, col_names, user, notes = [], [], {}, []
    cats, nums = [], []
    for c in names:
        s = frame[c]
        if s.iloc[:2000].nunique() <= 1 and s.nunique() <= 1:
            notes.append(f"{c} is constant in the rows used: left out of the models")
            continue
        if is_categorical(s, max_levels):
            levels = pd.unique(s)
            if len(levels) > MAX_LEVELS:
                raise DataError(
                    f"{c!r} is categorical with {len(levels)} levels (more than {MAX_LEVELS}): "
                    f"one-hot coding it would overfit; group its rare levels or bin it first"
                )
            cats.append(c)
            try:
                levels = sorted(levels)
            except TypeError:
                levels = sorted(levels, key=str)
            for lv in levels[1:]:
                v = (s.to_numpy() == lv).astype(float)
                cols.append(v)
                col_names.append(f"{c}={lv}")
                user[f"{c}={lv}"] = v
        else:
            v = s.to_numpy(dtype=float)
            nums.append(c)
            user[c] = v
            sd = v.std()
            cols.append((v - v.mean()) / sd)
            col_names.append(c)
    cols, col_names = _drop_duplicates(cols, col_names, notes)
    # column-major (each column contiguous): the one-thread products of the fits
    # (:func:`matvec`) read it at memory speed
    Xt = np.empty((1 + len(cols), n))
    Xt[0] = 1.0
    for j, v in enumerate(cols, start=1):
        Xt[j] = v
    X = Xt.T
    # copy=False: the user's frame shares the columns (copy-on-write keeps them safe)
    design = Design(X, col_names, pd.DataFrame(user, index=frame.index, copy=False), notes=notes)
    if cats and not nums:
        cells = (
            frame[cats].astype(str).agg("\x1f".join, axis=1) if len(cats) > 1 else frame[cats[0]]
        )
        codes, uniq = pd.factorize(cells, sort=True)
        if len(uniq) <= MAX_SATURATED_CELLS:
            design.saturated = True
            design.cells = codes
    return design


def _drop_duplicates(cols: list, names: list, notes: list) -> tuple[list, list]:
    keep_c, keep_n = [], []
    for v, name in zip(cols, names, strict=True):
        same = next(
            (
                k
                for k, w in zip(keep_n, keep_c, strict=True)
                if np.array_equal(v[:64], w[:64]) and np.array_equal(v, w)  # cheap test first
            ),
            None,
        )
        if same is not None:
            notes.append(f"{name} duplicates {same}: left out of the models")
            continue
        keep_c.append(v)
        keep_n.append(name)
    return keep_c, keep_n


def outcome_vector(t, s: pd.Series) -> tuple[np.ndarray, bool]:
    """The outcome as numbers: Y itself for E[Y], the event's 0/1 indicator for P(...)."""
    op = getattr(t, "outcome_op", "=")
    if t.kind == "E" or op != "=":
        if not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
            if t.kind == "E" and pd.api.types.is_bool_dtype(s):
                return s.to_numpy(dtype=float), True
            raise DataError(f"{t} needs a numeric {t.outcome}; {t.outcome!r} holds {s.dtype}")
        v = s.to_numpy(dtype=float)
        if t.kind == "E":
            return v, bool(np.isin(v, (0.0, 1.0)).all())
        c = float(t.outcome_value.value)
        ev = {">": v > c, ">=": v >= c, "<": v < c, "<=": v <= c}[op]
        return ev.astype(float), True
    if t.outcome_value is None:
        raise DataError(
            f"{t} is a whole distribution: model methods need P(Y=y | ...) or E[Y | ...]"
        )
    levels = tuple(pd.unique(s))
    i = match_value(t.outcome, t.outcome_value, levels, value_kind(s))
    return (s.to_numpy() == levels[i]).astype(float), True


def value_kind(s: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(s):
        return "bool"
    if pd.api.types.is_integer_dtype(s):
        return "int"
    return "float" if pd.api.types.is_float_dtype(s) else "other"


# -- the default fits --------------------------------------------------------------------


def fit_linear(X, y, notes: list[str]) -> np.ndarray:
    """Least squares; a rank-deficient design gets a small ridge (noted).

    ``X``, ``y`` may be lists of row blocks: then by the normal equations (the
    columns are standardised, so they are well conditioned unless collinear).
    """
    if isinstance(X, list):
        A = sum(b.T @ b for b in X)
        c = sum(b.T @ yb for b, yb in zip(X, y, strict=True))
        return solve_normal(A, c, sum(len(b) for b in X), notes)
    coef, _, rank, _ = np.linalg.lstsq(X, y, rcond=None)
    if rank < X.shape[1]:
        notes.append("collinear adjusters: the outcome model used a small ridge penalty")
        return _ridge_solve(X.T @ X, X.T @ y, X.shape[0])
    return coef


def solve_normal(A: np.ndarray, c: np.ndarray, n: int, notes: list[str]) -> np.ndarray:
    """Least squares from XᵀX = ``A`` and Xᵀy = ``c`` over ``n`` rows (sums from anywhere)."""
    if np.linalg.matrix_rank(A) < A.shape[0]:
        notes.append("collinear adjusters: the outcome model used a small ridge penalty")
        return _ridge_solve(A, c, n)
    return np.linalg.solve(A, c)


def ridge_penalty(p: int, n: int, ridge: float = RIDGE) -> np.ndarray:
    """The ridge term added to XᵀWX: ``ridge * n`` on every coefficient but the intercept."""
    pen = ridge * n * np.eye(p)
    pen[0, 0] = 0.0
    return pen


def _ridge_solve(A: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    pen = RIDGE * n * np.eye(A.shape[0])
    pen[0, 0] = 0.0  # never shrink the intercept
    return np.linalg.solve(A + pen, b)


def fit_logistic(
    X, y, notes: list[str], what: str, start=None, keep: list | None = None
) -> np.ndarray:
    """Logistic regression by Newton's method; separation -> a small ridge, said in ``notes``."""
    return fit_logistic_ridge(X, y, notes, what, start, keep)[0]


def fit_logistic_ridge(
    X, y, notes: list[str], what: str, start=None, keep: list | None = None
) -> tuple[np.ndarray, float]:
    """:func:`fit_logistic` and the ridge penalty it used (0.0: none)."""
    coef = _newton(X, y, 0.0, start=start, keep=keep)
    if coef is None:  # a fast start went astray, or the data separate: plain Newton decides
        coef = _newton(X, y, 0.0, plain=True)
    if coef is not None:
        return coef, 0.0
    notes.append(separation_note(what))
    return _newton(X, y, RIDGE), RIDGE


def separation_note(what: str, multinomial: bool = False) -> str:
    """The card's note when a model needed the ridge (the in-memory and partition fits)."""
    if multinomial:
        return (
            "the propensity model separates the data (or is collinear): fitted with "
            f"a small ridge penalty ({RIDGE:g})"
        )
    return (
        f"the {what} model separates the data perfectly (or its adjusters are collinear): "
        f"fitted with a small ridge penalty ({RIDGE:g}), so its probabilities stay in (0, 1)"
    )


def _newton(X, y, ridge: float, iters: int = 50, start=None, keep: list | None = None, plain=False):
    """Newton's method from ``start`` (warm: a neighbouring fold's fit) or a subsample's fit.

    ``X`` and ``y`` are arrays or lists of row blocks (views of one sorted matrix, so
    cross-fitting copies nothing; a block's ``y`` may be one number).  The Hessian (a
    pass of n x p² work) is kept while the steps shrink fast and recomputed when they
    do not; the gradient (n x p) is exact at every step, so the fit stops at the same
    maximum as plain Newton.  ``keep`` (a one-item list) carries the last Hessian from
    one fold's fit to the next, which starts from it.  Without ``start``, a large fit
    starts from the fit on every ``SUBSAMPLE``-th row and its Hessian, scaled up (cheap,
    and already close: it saves two passes over all rows and the Hessian's pass); else
    from the mean's logit.  ``plain``: a fresh Hessian at every step from the mean's
    logit, no subsample start -- the reference that decides separation (a kept Hessian
    or a subsample's start can lead Newton astray where plain Newton converges).
    """
    blocks = list(zip(X, y, strict=True)) if isinstance(X, list) else [(X, y)]
    n = sum(len(b) for b, _ in blocks)
    p = blocks[0][0].shape[1]
    ybar = sum(float(np.sum(yb)) if np.ndim(yb) else yb * len(b) for b, yb in blocks) / n
    ybar = min(max(ybar, 1e-6), 1 - 1e-6)
    beta = np.zeros(p)
    beta[0] = np.log(ybar / (1 - ybar))
    H, last = (keep[0] if keep and keep[0] is not None and ridge == 0 else None), np.inf
    if plain:
        H, start = None, None
    elif start is None and ridge == 0 and n >= SUBSAMPLE_FROM:
        sub, sub_h = _every(blocks, SUBSAMPLE), [None]
        start = _newton(*sub, 0.0, keep=sub_h)
        if H is None and sub_h[0] is not None:  # its Hessian, scaled up, to start with
            H = sub_h[0] * (n / sum(len(b) for b in sub[0]))
    if start is not None and np.all(np.isfinite(start)):
        beta = start.copy()
    pen = ridge * n * np.eye(p)
    pen[0, 0] = 0.0
    # buffers reused by every step (fresh n-row temporaries cost a page fault per 4 kB)
    most = max(len(b) for b, _ in blocks)
    buf, res, root = np.empty(most), np.empty(most), np.empty((p, most)).T
    for _ in range(iters):
        g, Hn = -pen @ beta, pen.copy() if H is None else None
        for b, yb in blocks:
            m = len(b)
            mu = _sigmoid(matvec(b, -beta, out=buf[:m]), negated=True)
            g += rmatvec(b, np.subtract(yb, mu, out=res[:m]))
            if Hn is not None:
                r = np.subtract(1.0, mu, out=res[:m])
                r *= mu
                bw = np.multiply(b, np.sqrt(r, out=r)[:, None], out=root[:m])
                Hn += gram(bw)
        H = H if Hn is None else Hn
        try:
            step = np.linalg.solve(H, g)
        except np.linalg.LinAlgError:
            return None
        size = np.abs(step).max()
        if size > 0.25 * last or plain:  # slow: a fresh Hessian next time
            H = None
        last = size
        beta = beta + step
        if size < 1e-8:  # standardised columns: far below any shown digit
            if keep is not None:
                keep[:] = [H]
            return beta
    return beta if ridge > 0 else None


#: Fits on at least this many rows start from a fit on every SUBSAMPLE-th row.
SUBSAMPLE_FROM = 100_000
SUBSAMPLE = 16


def _every(blocks: list, step: int) -> tuple[list, list]:
    """Every ``step``-th row of each block (copied, column-major like the design)."""
    Xs = [np.asfortranarray(b[::step]) for b, _ in blocks]
    ys = [yb[::step] if np.ndim(yb) else yb for _, yb in blocks]
    return Xs, ys


def _sigmoid(eta: np.ndarray, negated: bool = False) -> np.ndarray:
    """``1 / (1 + exp(-clip(eta, -35, 35)))`` computed in place in ``eta`` (no copies).

    ``negated``: ``eta`` already holds ``-eta`` (``X @ -beta``, exactly the negation:
    IEEE rounding is symmetric), which saves a pass.
    """
    np.clip(eta, -35, 35, out=eta)
    if not negated:
        np.negative(eta, out=eta)
    np.exp(eta, out=eta)
    eta += 1.0
    return np.reciprocal(eta, out=eta)


def fit_multinomial(X: np.ndarray, codes: np.ndarray, k: int, notes: list[str]) -> np.ndarray:
    """Multinomial logistic (first level the reference) by Newton on the stacked coefficients."""
    return fit_multinomial_ridge(X, codes, k, notes)[0]


def fit_multinomial_ridge(
    X: np.ndarray, codes: np.ndarray, k: int, notes: list[str]
) -> tuple[np.ndarray, float]:
    """:func:`fit_multinomial` and the ridge penalty it used (0.0: none)."""
    for ridge in (0.0, RIDGE):
        beta = _multinomial_newton(X, codes, k, ridge)
        if beta is not None:
            if ridge:
                notes.append(separation_note("propensity", multinomial=True))
            return beta, ridge
    raise DataError("the multinomial propensity model did not converge")


def _multinomial_newton(X, codes, k, ridge, iters=50):
    n, p = X.shape
    Y = np.eye(k)[codes][:, 1:]
    B = np.zeros((p, k - 1))
    pen = ridge * n * np.eye(p)
    pen[0, 0] = 0.0
    bigpen = np.kron(np.eye(k - 1), pen)
    for _ in range(iters):
        P = multinomial_probs(X, B)[:, 1:]
        g = (X.T @ (Y - P) - pen @ B).T.ravel()
        H = np.empty(((k - 1) * p, (k - 1) * p))
        for a in range(k - 1):
            for b in range(k - 1):
                w = P[:, a] * ((a == b) - P[:, b])
                H[a * p : (a + 1) * p, b * p : (b + 1) * p] = (X * w[:, None]).T @ X
        try:
            step = np.linalg.solve(H + bigpen, g)
        except np.linalg.LinAlgError:
            return None
        B = B + step.reshape(k - 1, p).T
        if not np.all(np.isfinite(B)) or (ridge == 0 and np.abs(B).max() > 30):
            return None
        if np.abs(step).max() < 1e-10:
            return B
    return B if ridge > 0 else None


def multinomial_probs(X: np.ndarray, B: np.ndarray) -> np.ndarray:
    eta = np.column_stack([np.zeros(len(X)), np.clip(X @ B, -35, 35)])
    eta -= eta.max(axis=1, keepdims=True)
    e = np.exp(eta)
    return e / e.sum(axis=1, keepdims=True)


def logistic_probs(X: np.ndarray, beta: np.ndarray) -> np.ndarray:
    return _sigmoid(matvec(X, -beta), negated=True)


def matvec(X: np.ndarray, v: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``X @ v`` on one thread (``einsum``, not BLAS).

    A tall, thin product is bound by memory, not arithmetic; BLAS splits it over
    threads, and on a shared, loaded machine each call then waits for its threads
    to be scheduled (10x slower at the median).  One thread does not wait.
    """
    return np.einsum("ij,j->i", X, v, out=out)


def rmatvec(X: np.ndarray, r: np.ndarray) -> np.ndarray:
    """``X.T @ r`` on one thread (see :func:`matvec`)."""
    return np.einsum("ij,i->j", X, r)


def gram(B: np.ndarray) -> np.ndarray:
    """``B.T @ B`` on one thread (see :func:`matvec`); fastest for a column-major B."""
    Bt = B.T
    return np.einsum("ji,ki->jk", Bt, Bt)


# -- a user's model ----------------------------------------------------------------------


def check_user_model(model: object, role: str, needs: tuple[str, ...]) -> None:
    """A model object must have the methods its role calls; say which is missing."""
    if model is None:
        return
    missing = [m for m in needs if not callable(getattr(model, m, None))]
    if missing:
        raise TypeError(
            f"the {role} model ({type(model).__name__}) has no {', '.join(missing)}(): "
            f"a {role} model needs {', '.join(n + '()' for n in needs)} "
            "(any scikit-learn-compatible estimator)"
        )


def fresh(model: object) -> object:
    """A new unfitted copy: ``sklearn.base.clone`` when importable, else a deep copy."""
    try:
        from sklearn.base import clone
    except ImportError:
        return copy.deepcopy(model)
    try:
        return clone(model)
    except TypeError:  # not a scikit-learn estimator: copy it as it is
        return copy.deepcopy(model)
