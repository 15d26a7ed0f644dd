"""g-formula, IPW and AIPW on arrays: fitted nuisances, point estimates and influence functions.

Why a module of its own: the three estimators share two fitted functions --
``mu[a]`` = E[Y | X=a, Z] and ``e[a]`` = P(X=a | Z), one array per treatment
arm -- and differ only in how they combine them.  Keeping the combination
here, on plain NumPy arrays, makes each formula short enough to check by eye
and lets the standard errors come from the influence function (no
resampling): ``se = sd(IF) / sqrt(n)``, for contrasts ``IF_a - IF_b`` and for
ratios the delta method ``IF_a / b - a IF_b / b²``.  ipw's IF accounts for the
estimated default propensity (:mod:`~causal_magic.estimate.ipw_influence`);
a user's propensity model is treated as known (conservative).

Cross-fitting (:func:`nuisances`): the rows are cut into ``folds`` parts by a
permutation that ``seed`` fixes (``rng.permutation(n) % folds``); each part's
predictions come from models fitted on the other parts.  ``folds=1`` fits
once on all rows and predicts on them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .ipw_influence import PropensityFit, ipw_influence
from .models import (
    Design,
    fit_linear,
    fit_logistic,
    fit_logistic_ridge,
    fit_multinomial_ridge,
    fresh,
    logistic_probs,
    multinomial_probs,
)
from .result import DataError, PositivityError

__all__ = ["Nuisances", "Spec", "estimate_arm", "nuisances"]


@dataclass
class Spec:
    """What to fit: the treatment's codes, the outcome, which models, how many folds."""

    x: np.ndarray  # treatment level code per row
    k: int  # number of treatment levels
    y: np.ndarray  # outcome (0/1 for an event)
    binary: bool
    arms: tuple[int, ...]  # the level codes the query asks about
    folds: int = 5
    seed: int = 0
    outcome_model: object = None
    propensity_model: object = None
    need_mu: bool = True
    need_e: bool = True
    level_names: tuple = ()
    mu_arms: tuple[int, ...] = ()  # the arms that need an outcome fit (default: all of ``arms``)


@dataclass
class Nuisances:
    mu: dict  # arm code -> E[Y | X=arm, Z] per row
    e: dict  # arm code -> P(X=arm | Z) per row
    notes: list
    #: the default propensity fitted on all rows (folds=1): ipw's IF corrects for it
    prop: PropensityFit | None = None


def fold_ids(n: int, folds: int, seed: int) -> np.ndarray:
    """The fold of each row: ``rng.permutation(n) % folds`` with ``default_rng(seed)``."""
    if folds <= 1:
        return np.zeros(n, dtype=int)
    return np.random.default_rng(seed).permutation(n) % folds


def nuisances(d: Design, s: Spec) -> Nuisances:
    """Cross-fitted ``mu`` and ``e`` for the query's arms (see the module docstring)."""
    n = len(s.y)
    fold = fold_ids(n, s.folds, s.seed)
    notes: list[str] = []
    mu = {a: np.empty(n) for a in s.arms if a in s.mu_arms or not s.mu_arms} if s.need_mu else {}
    e = {a: np.empty(n) for a in s.arms} if s.need_e else {}
    if s.outcome_model is None and s.propensity_model is None and not d.saturated and s.k == 2:
        if s.folds <= 1 and not mu:  # the propensity alone, on all rows: nothing to sort
            prop = _propensity_only(d, s, e, notes)
            return Nuisances(mu, e, list(dict.fromkeys(notes)), prop)
        prop = _blocked(d, s, fold, mu, e, notes)
        return Nuisances(mu, e, list(dict.fromkeys(notes)), prop)
    warm: dict = {}  # each fit starts from the previous fold's coefficients
    prop = None
    for k in range(max(s.folds, 1)):
        test = fold == k
        train = ~test if s.folds > 1 else test
        for a in mu:
            mu[a][test] = _outcome(d, s, train & (s.x == a), test, a, notes, warm)
        if e:
            probs, ridge = _propensity(d, s, train, test, notes, warm)
            for a in e:
                e[a][test] = probs[:, a]
            if s.folds <= 1 and s.propensity_model is None:
                prop = _fitted(d, s, probs, ridge)
    return Nuisances(mu, e, list(dict.fromkeys(notes)), prop)


def _fitted(d: Design, s: Spec, probs: np.ndarray, ridge: float) -> PropensityFit:
    """What ipw's influence function needs of a default propensity fitted on all rows."""
    if d.saturated:
        return PropensityFit("cells", cells=d.cells)
    if s.k == 2:
        return PropensityFit("logistic", d.matrix, probs[:, 1], ridge)
    return PropensityFit("multinomial", d.matrix, probs, ridge)


def _blocked(d: Design, s: Spec, fold, mu: dict, e: dict, notes: list) -> PropensityFit | None:
    """The default GLMs for a binary treatment on row blocks: no copy per fold or arm.

    The rows are sorted once by (arm, fold); every fit then reads views of the
    sorted matrix -- an arm's training rows are at most two contiguous blocks (the
    folds before and after the held-out one), the propensity's at most four -- so
    each Newton step makes few, large products.  Same fits as the general loop
    (the same rows, the same Newton), only faster.  With one fold, the
    propensity's fit is returned for ipw's influence function.
    """
    K, k = max(s.folds, 1), s.k
    key = s.x * K + fold
    if K * k < 2**15:  # a small integer type: NumPy's stable sort is then a radix sort
        key = key.astype(np.int16)
    order = np.argsort(key, kind="stable")
    cut = np.searchsorted(key[order], np.arange(K * k + 1))
    X, y = np.take(d.matrix.T, order, axis=1).T, s.y[order]  # column-major, as the design

    def train(a: int, kk: int) -> list[slice]:
        """Arm ``a``'s rows outside fold ``kk`` (all of them with one fold)."""
        lo, mid, hi = cut[a * K], cut[a * K + kk], cut[a * K + kk + 1]
        parts = (
            [slice(lo, cut[(a + 1) * K])]
            if K == 1
            else [slice(lo, mid), slice(hi, cut[(a + 1) * K])]
        )
        return [p for p in parts if p.stop > p.start]

    warm: dict = {}
    prop = None
    for kk in range(K):
        # the held-out rows of each arm (with one fold: all rows, predicted unsorted)
        held = [slice(cut[a * K + kk], cut[a * K + kk + 1]) for a in range(k)] if K > 1 else []
        for a in mu:
            blocks = train(a, kk)
            if not blocks:
                raise no_arm_rows(_name(s, a))
            Xs, ys = [X[b] for b in blocks], [y[b] for b in blocks]
            mean = sum(float(v.sum()) for v in ys) / sum(len(v) for v in ys)
            if s.binary and 0 < mean < 1:
                keep = warm.setdefault(("H", a), [None])
                coef = fit_logistic(Xs, ys, notes, "outcome", warm.get(("mu", a)), keep)
                warm["mu", a] = coef
                predict = logistic_probs
            else:
                coef, predict = fit_linear(Xs, ys, notes), np.matmul
            if K == 1:  # every row held out: predict in the data's order, no scatter
                mu[a] = predict(d.matrix, coef)
            for t in held:
                mu[a][order[t]] = predict(X[t], coef)
        if e:
            blocks = [(b, float(a == 1)) for a in range(k) for b in train(a, kk)]
            coef, ridge = fit_logistic_ridge(
                [X[b] for b, _ in blocks],
                [v for _, v in blocks],
                notes,
                "propensity",
                warm.get("e"),
                warm.setdefault("He", [None]),
            )
            warm["e"] = coef
            if K == 1:  # every row held out: predict in the data's order, no scatter
                p1 = logistic_probs(d.matrix, coef)
                for a in e:
                    e[a] = p1 if a == 1 else 1 - p1
                prop = PropensityFit("logistic", d.matrix, p1, ridge)
            for t in held:
                p1, dest = logistic_probs(X[t], coef), order[t]
                for a in e:
                    e[a][dest] = p1 if a == 1 else 1 - p1
    return prop


def _propensity_only(d: Design, s: Spec, e: dict, notes: list) -> PropensityFit:
    """The default binary propensity fitted once on all rows (ipw, and the diagnostics)."""
    coef, ridge = fit_logistic_ridge(d.matrix, (s.x == 1) * 1.0, notes, "propensity")
    p1 = logistic_probs(d.matrix, coef)
    for a in e:
        e[a] = p1 if a == 1 else 1 - p1
    return PropensityFit("logistic", d.matrix, p1, ridge)


def no_arm_rows(name: object) -> PositivityError:
    return PositivityError(f"no rows at the treatment value {name} to fit the outcome")


def empty_stratum(name: object) -> PositivityError:
    return PositivityError(
        f"a stratum of the adjusters has no rows at the treatment value {name} "
        "(in the fitting rows): its outcome cannot be predicted; use folds=1, "
        "trim=, or --method strata --positivity drop",
        rows=0,
    )


def zero_propensity(count: int, name: object) -> PositivityError:
    return PositivityError(
        f"{count} rows have an estimated propensity of 0 for the treatment value "
        f"{name}: their adjusters never occur with it, so no weighting can stand "
        "for them; trim (--trim 0.01), or --method strata --positivity drop"
    )


def _name(s: Spec, a: int) -> str:
    return str(s.level_names[a]) if s.level_names else str(a)


def _outcome(d: Design, s: Spec, rows, test, a: int, notes: list, warm: dict) -> np.ndarray:
    if not rows.any():
        raise no_arm_rows(_name(s, a))
    if s.outcome_model is not None:
        m = fresh(s.outcome_model)
        m.fit(d.frame[rows], s.y[rows])
        if s.binary and callable(getattr(m, "predict_proba", None)):
            classes = list(getattr(m, "classes_", [0, 1]))
            p = np.asarray(m.predict_proba(d.frame[test]))
            return p[:, classes.index(1)] if 1 in classes else np.zeros(int(test.sum()))
        return np.asarray(m.predict(d.frame[test]), dtype=float)
    if d.saturated:
        return _cell_means(d.cells, rows, test, s.y, f"{_name(s, a)}")
    X = d.matrix
    if s.binary and 0 < s.y[rows].mean() < 1:
        coef = fit_logistic(X[rows], s.y[rows], notes, "outcome", warm.get(("mu", a)))
        warm["mu", a] = coef
        return logistic_probs(X[test], coef)
    return X[test] @ fit_linear(X[rows], s.y[rows], notes)


def _cell_means(cells, rows, test, y, arm: str) -> np.ndarray:
    k = cells.max() + 1
    cnt = np.bincount(cells[rows], minlength=k)
    tot = np.bincount(cells[rows], weights=y[rows], minlength=k)
    need = np.unique(cells[test])
    empty = need[cnt[need] == 0]
    if len(empty):
        raise empty_stratum(arm)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = tot / cnt
    return means[cells[test]]


def _propensity(d: Design, s: Spec, train, test, notes: list, warm: dict) -> tuple:
    """P(X = level | Z) for every level on the test rows (columns in level order), and the
    ridge penalty the default fit used."""
    if s.propensity_model is not None:
        m = fresh(s.propensity_model)
        m.fit(d.frame[train], s.x[train])
        p = np.asarray(m.predict_proba(d.frame[test]), dtype=float)
        classes = [int(c) for c in getattr(m, "classes_", range(p.shape[1]))]
        out = np.zeros((int(test.sum()), s.k))
        out[:, classes] = p
        return out, 0.0
    if d.saturated:
        k = d.cells.max() + 1
        cnt = np.bincount(d.cells[train], minlength=k).astype(float)
        out = np.empty((int(test.sum()), s.k))
        for lv in range(s.k):
            at = train & (s.x == lv)
            with np.errstate(invalid="ignore", divide="ignore"):
                out[:, lv] = (np.bincount(d.cells[at], minlength=k) / cnt)[d.cells[test]]
        return out, 0.0
    X = d.matrix
    if s.k == 2:
        coef, ridge = fit_logistic_ridge(
            X[train], (s.x[train] == 1) * 1.0, notes, "propensity", warm.get("e")
        )
        warm["e"] = coef
        p1 = logistic_probs(X[test], coef)
        return np.column_stack([1 - p1, p1]), ridge
    B, ridge = fit_multinomial_ridge(X[train], s.x[train], s.k, notes)
    return multinomial_probs(X[test], B), ridge


def estimate_arm(method: str, a: int, s: Spec, nu: Nuisances) -> tuple[float, np.ndarray]:
    """The estimate of E[Y | do(X=a)] and its influence function (one value per row)."""
    y = s.y
    if method == "gformula":
        m = nu.mu[a]
        return float(m.mean()), m - m.mean()
    e = nu.e[a]
    bad = ~(e > 0)  # a stratum never seen at the treatment value (0 or undefined)
    if bad.any():
        raise zero_propensity(int(bad.sum()), _name(s, a))
    w = np.zeros(len(y))
    np.divide(1.0, e, out=w, where=s.x == a)  # A / e_a: 0 off the arm
    if method == "ipw":
        value = float(np.einsum("i,i->", w, y) / w.sum())  # one thread, as the fits
        if nu.prop is not None:  # the propensity was estimated: M-estimation's correction
            return value, ipw_influence(nu.prop, s.x, a, y, e, w, value)
        return value, w * (y - value) / w.mean()  # a user's model: treated as known
    if method == "aipw":
        phi = nu.mu[a] + w * (y - nu.mu[a])
        return float(phi.mean()), phi - phi.mean()
    raise DataError(f"unknown method {method!r}")


def combine(op: str | None, a: float, b: float, ia, ib) -> tuple[float, np.ndarray]:
    """A contrast (``-``) or ratio (``/``) of two estimates and its influence function."""
    if op == "-":
        return a - b, ia - ib
    if not b:
        return float("nan"), ia * np.nan
    return a / b, ia / b - a * ib / b**2


def standard_error(infl: np.ndarray) -> float:
    n = len(infl)
    return float(np.sqrt(np.mean(infl**2) / n)) if n > 1 else float("nan")
