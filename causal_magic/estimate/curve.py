"""A numeric treatment: ``E[Y | do(Dose=5)]`` and the dose-response curve ``E[Y | do(Dose)]``.

Why a module of its own: a numeric treatment has no arms to weight, so it is
estimated by the g-formula alone -- one outcome model of Y on the treatment
and the adjusters, averaged over the data's adjusters with the treatment set
to each value.  The default outcome model is additive: a linear spline in the
treatment (knots at its deciles; quartiles below 500 rows) plus the
standardised / one-hot adjusters; a user's model receives the adjusters and the treatment
column under its own name.  The interval is a row bootstrap (models refitted).

The curve is evaluated on a grid of the treatment's quantiles (``grid`` points
between the 5th and 95th percentiles, 20 by default), and its naive
counterpart is the same spline fitted on the treatment alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .models import Design, fit_linear, fresh, outcome_vector
from .result import DataError, DoResult, ModelInfo

__all__ = ["numeric_treatment"]

#: Grid points of a dose-response curve unless ``grid=`` says otherwise.
GRID = 20


def _basis(v: np.ndarray, knots: np.ndarray, centre: float, scale: float) -> np.ndarray:
    t = (v - centre) / scale
    k = (knots - centre) / scale
    return np.column_stack([t] + [np.maximum(t - kk, 0.0) for kk in k])


class _Fit:
    """The g-formula outcome model of a numeric treatment, fitted once."""

    def __init__(self, x, y, d: Design, name: str, model, notes: list, with_z: bool = True):
        at = np.linspace(0.1, 0.9, 9) if len(x) >= 500 else [0.25, 0.5, 0.75]
        self.knots = np.unique(np.quantile(x, at))
        self.c, self.s = float(x.mean()), float(x.std() or 1.0)
        self.d, self.name, self.model, self.with_z = d, name, model, with_z
        if model is not None:
            self.model = fresh(model)
            self.model.fit(self._frame(x), y)
        else:
            self.coef = fit_linear(self._matrix(x), y, notes)

    def _matrix(self, x):
        Z = self.d.matrix if self.with_z else np.ones((len(x), 1))
        return np.column_stack([Z, _basis(x, self.knots, self.c, self.s)])

    def _frame(self, x):
        f = self.d.frame.copy() if self.with_z else pd.DataFrame(index=range(len(x)))
        f[self.name] = x
        return f

    def mean_at(self, v: float) -> float:
        n = len(self.d.matrix)
        x = np.full(n, float(v))
        if self.model is not None:
            return float(np.mean(self.model.predict(self._frame(x))))
        return float(np.mean(self._matrix(x) @ self.coef))


def _grid_of(x: np.ndarray, k: int) -> np.ndarray:
    return np.unique(np.quantile(x, np.linspace(0.05, 0.95, k)))


def numeric_treatment(
    q, frame, design: Design, plans, o, graph_name, warnings, dropped
) -> DoResult:
    """g-formula for a numeric treatment: one value, a contrast of two, or the curve."""
    t = q.left
    name = t.interventions[0][0]
    warnings = warnings + numeric_checks(q, o, name, f"{frame[name].nunique()} distinct values")
    yv, _ = outcome_vector(t, frame[t.outcome])
    x = frame[name].to_numpy(dtype=float)
    notes: list[str] = list(design.notes)
    fit = _Fit(x, yv, design, name, o.outcome_model, notes)
    naive_fit = _Fit(x, yv, design, name, None, [], with_z=False)
    points = _points(q, x, getattr(o, "grid", None))
    values = np.array([fit.mean_at(v) for v in points])
    naives = np.array([naive_fit.mean_at(v) for v in points])
    lo = hi = np.full(len(points), np.nan)
    se = np.full(len(points), np.nan)
    if o.ci is not None:
        boots = _bootstrap(x, yv, design, name, o, points)
        se = boots.std(axis=0, ddof=1)
        lo, hi = np.quantile(boots, [(1 - o.ci) / 2, (1 + o.ci) / 2], axis=0)
    info = ModelInfo(
        "gformula",
        o.why or "gformula, as asked",
        outcome=(
            f"{type(o.outcome_model).__name__} (your model) on the adjusters and {name}"
            if o.outcome_model is not None
            else f"least squares: a linear spline in {name} (knots at its deciles) plus the "
            "adjusters (standardised / one-hot)"
        ),
        interval=f"row bootstrap, {o.bootstrap} resamples (model refitted)" if o.ci else "",
        notes=list(dict.fromkeys(notes)),
    )
    plan = plans[0]
    common = result_fields(plan, len(frame), dropped, graph_name, warnings, info)
    if _is_curve(t):
        curve = pd.DataFrame(
            {"x": points, "value": values, "ci_low": lo, "ci_high": hi, "naive": naives}
        )
        return DoResult(
            query=str(q), value=None, naive=None, curve=curve, term=t, ci_level=o.ci, **common
        )
    if q.right is None:
        return DoResult(
            query=str(q),
            value=float(values[0]),
            naive=float(naives[0]),
            se=float(se[0]),
            ci=None if o.ci is None else (float(lo[0]), float(hi[0])),
            ci_level=o.ci,
            term=t,
            **common,
        )
    return _contrast(q, values, naives, x, yv, design, name, o, points, common)


def _contrast(q, values, naives, x, yv, design, name, o, points, common) -> DoResult:
    op = q.op
    f = (lambda a, b: a - b) if op == "-" else (lambda a, b: a / b if b else float("nan"))
    value, naive = f(values[0], values[1]), f(naives[0], naives[1])
    ci = se = None
    if o.ci is not None:
        boots = _bootstrap(x, yv, design, name, o, points)
        diffs = np.array([f(b[0], b[1]) for b in boots])
        se = float(diffs.std(ddof=1))
        lo, hi = np.quantile(diffs, [(1 - o.ci) / 2, (1 + o.ci) / 2])
        ci = (float(lo), float(hi))
    return DoResult(
        query=str(q),
        value=float(value),
        naive=float(naive),
        se=se,
        ci=ci,
        ci_level=o.ci if ci else None,
        op=op,
        **common,
    )


def _is_curve(t) -> bool:
    return t.interventions[0][1].kind == "all"


def result_fields(plan, n: int, dropped: int, graph_name, warnings: list, info) -> dict:
    """The fields every g-formula result of a numeric treatment shares."""
    return dict(
        method="gformula",
        adjustment_set=tuple(sorted(plan.z, key=str)),
        n_used=n,
        n_dropped_missing=dropped,
        graph_name=graph_name,
        identification=plan.identification,
        reason=plan.reason,
        warnings=list(dict.fromkeys(warnings + plan.warnings)),
        models=info,
    )


def numeric_checks(q, o, name: str, how_many: str) -> list[str]:
    """Refuse what a numeric treatment cannot answer; the warnings for what it ignores."""
    if o.method in ("ipw", "aipw"):
        raise DataError(
            f"{name} is a numeric treatment ({how_many}): "
            f"--method {o.method} needs a discrete one. Use --method gformula (or auto), "
            f"or bin {name} first"
        )
    if any(_is_curve(u) for u in q.terms) and q.right is not None:
        raise DataError("a dose-response curve E[Y | do(X)] stands alone, not in a contrast")
    return [f"trim weighs a discrete treatment's propensity: not used for {name}"] * bool(o.trim)


def set_points(q, lo: float, hi: float) -> np.ndarray:
    """The treatment values the terms set, each a number inside the data's [lo, hi]."""
    out = []
    for t in q.terms:
        v = t.interventions[0][1]
        if v.kind != "number":
            raise DataError(f"{t.interventions[0][0]} is numeric: set it to a number, not {v}")
        out.append(float(v.value))
    for v in out:
        if not lo <= v <= hi:
            raise DataError(
                f"{t.interventions[0][0]}={v:g} lies outside the data ({lo:g} to {hi:g}): "
                "the model would extrapolate; choose a value inside the data's range"
            )
    return np.array(out)


def _points(q, x: np.ndarray, grid: int | None) -> np.ndarray:
    if _is_curve(q.left):
        return _grid_of(x, grid or GRID)
    return set_points(q, x.min(), x.max())


def _bootstrap(x, yv, design: Design, name, o, points) -> np.ndarray:
    from dataclasses import replace

    rng = np.random.default_rng(0 if o.seed is None else o.seed)
    n, out = len(x), []
    for _ in range(o.bootstrap):
        i = rng.integers(0, n, n)
        d = replace(
            design,
            matrix=design.matrix[i],
            frame=design.frame.iloc[i].reset_index(drop=True),
            notes=[],
        )
        fit = _Fit(x[i], yv[i], d, name, o.outcome_model, [])
        out.append([fit.mean_at(v) for v in points])
    return np.array(out)
