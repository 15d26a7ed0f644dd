"""``%do`` with models: pick the method, bring the columns over, estimate, say how.

Why a module of its own: the strata path counts; this path fits.  It takes the
same plans (the graph's adjustment set) and returns the same
:class:`~causal_magic.estimate.result.DoResult`, with the model-based fields
filled: ``se``, ``ci`` (influence function for ipw/aipw -- ipw's accounting for
the estimated default propensity -- a row bootstrap for gformula, or for
ipw/aipw too when ``bootstrap`` is given), ``diagnostics``
and ``models`` (what the card says about the method).  The models are in
:mod:`~causal_magic.estimate.models`, the estimators in
:mod:`~causal_magic.estimate.aipw`, the diagnostics in
:mod:`~causal_magic.estimate.diagnostics`.

``method="auto"`` keeps today's answer whenever it can: strata when every
adjuster is categorical (the strata rule) and the outcome is an event
``Y=y`` or a mean; otherwise aipw for a discrete treatment, gformula for a
numeric one (a number with more than ``MAX_FLOAT_LEVELS`` distinct values).
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from ..backends import engine_of, rows_frame, schema_kind
from ..query import Query, Term, format_value
from . import aipw as est
from .diagnostics import diagnose
from .models import check_user_model, is_categorical, make_design, outcome_vector, value_kind
from .partitioned.rows import column_scan
from .plan import Plan
from .result import DataError, DoResult, ModelInfo
from .validate import MAX_FLOAT_LEVELS, match_value

__all__ = ["METHODS", "ModelOptions", "choose_method", "model_do"]

METHODS = ("auto", "strata", "gformula", "ipw", "aipw")
#: Most points of a dose-response curve (the card and the notebook stay small).
MAX_GRID = 200


@dataclass
class ModelOptions:
    method: str = "auto"
    outcome_model: object = None
    propensity_model: object = None
    folds: int = 5
    trim: float | None = None
    ci: float | None = 0.95
    seed: int | None = 0
    bootstrap: int = 200
    why: str = ""
    grid: int | None = None
    #: ``bootstrap`` was given explicitly: ipw/aipw then resample too (default: influence function)
    boot_asked: bool = False


def check_options(o: ModelOptions) -> None:
    """The method's options are sane, the models have the methods they need."""
    if o.method not in METHODS:
        raise ValueError(f"method is one of {', '.join(METHODS)}; got {o.method!r}")
    if not isinstance(o.folds, int) or o.folds < 1:
        raise ValueError(f"folds is a whole number >= 1, got {o.folds!r}")
    if o.grid is not None and not (isinstance(o.grid, int) and 2 <= o.grid <= MAX_GRID):
        raise ValueError(f"grid is a whole number of points from 2 to {MAX_GRID}, got {o.grid!r}")
    if not isinstance(o.bootstrap, int) or o.bootstrap < 10:
        raise ValueError(f"bootstrap needs at least 10 resamples, got {o.bootstrap!r}")
    if o.trim is not None and not 0 <= o.trim < 0.5:
        raise ValueError(f"trim is a propensity cut-off in [0, 0.5), e.g. 0.01; got {o.trim!r}")
    check_user_model(o.outcome_model, "outcome", ("fit", "predict"))
    check_user_model(o.propensity_model, "propensity", ("fit", "predict_proba"))


def _is_event_op(t: Term) -> bool:
    return getattr(t, "outcome_op", "=") != "="


def in_memory_rows(data: object) -> bool:
    """False for the engines whose rows stay put (Dask, PySpark): read by partition sums."""
    return engine_of(data) not in ("dask", "pyspark")


def _continuous(data: object, col: str, kinds: tuple = ("float", "int")) -> bool:
    """A number with more distinct values than the strata rule allows (of ``kinds``)."""
    if schema_kind(data, col) not in kinds:
        return False
    if not in_memory_rows(data):
        return not column_scan(data, col).categorical()
    s = rows_frame(data, [col])[col]
    return not is_categorical(s.dropna(), MAX_FLOAT_LEVELS)


def choose_method(o: ModelOptions, q: Query, plans: list[Plan], data: object) -> ModelOptions:
    """Resolve ``auto``: strata by today's rule, else aipw (discrete X) or gformula (numeric X)."""
    if o.method != "auto":
        o.why = f"{o.method}, as asked"
        return o
    modelable = all(p.method in ("backdoor", "adjustment (user-given)") for p in plans)
    if not modelable:
        o.method = "strata"
        return o
    x = plans[0].x[0]
    zs = sorted({c for p in plans for c in p.z})
    cont = [c for c in zs if _continuous(data, c, ("float",))]  # today's strata rule
    event = any(_is_event_op(t) for t in q.terms)
    if not cont and not event:
        o.method = "strata"
        return o
    numeric_x = _continuous(data, x)
    o.method = "gformula" if numeric_x else "aipw"
    what = (
        f"{', '.join(cont)} {'is' if len(cont) == 1 else 'are'} numeric"
        if cont
        else "the outcome is a threshold event"
    )
    o.why = f"auto chose {o.method}: {what}, so exact strata do not apply; " + (
        f"{x} is numeric, and gformula is the method for a numeric treatment"
        if numeric_x
        else "aipw is doubly robust: right if either the outcome or the propensity model is"
    )
    return o


def _check_plans(q: Query, plans: list[Plan], method: str) -> None:
    for p in plans:
        if p.method not in ("backdoor", "adjustment (user-given)"):
            raise DataError(
                f"--method {method} estimates back-door adjustment; {p.term} is identified by "
                f"{p.method}, which %do estimates by counting: use --method strata"
            )
        if len(p.x) != 1 or p.w:
            raise DataError(
                f"--method {method} takes one treatment and no conditions after '|' "
                f"({p.term}); use --method strata for joint or conditional effects"
            )
    if len({p.x[0] for p in plans}) > 1:
        raise DataError("both sides of a contrast must set the same treatment for model methods")


def _frame(data: object, cols: list[str], warnings: list[str]) -> tuple[pd.DataFrame, int]:
    frame = rows_frame(data, cols)
    n = len(frame)
    missing, infinite = np.zeros(n, bool), np.zeros(n, bool)
    bad, where = [], []
    for c in cols:  # one pass per float column: isfinite finds NaN and ±inf at once
        s = frame[c]
        plain = isinstance(s.dtype, np.dtype)
        if plain and s.dtype.kind in "biu":
            continue  # a NumPy integer or bool column holds neither
        if pd.api.types.is_float_dtype(s):
            v = s.to_numpy() if plain else s.to_numpy(dtype=float, na_value=np.nan)
            fin = np.isfinite(v)
            if fin.all():
                continue
            nan = np.isnan(v)
            missing |= nan
            infinite |= ~fin & ~nan
            bad += [c] if nan.any() else []
            where += [c] if (~fin & ~nan).any() else []
            continue
        na = s.isna().to_numpy()
        if na.any():
            missing |= na
            bad.append(c)
    ok = ~missing
    inf = infinite & ok
    dropped = int(missing.sum() + inf.sum())
    warnings += left_out_warnings(
        int(missing.sum()), bad, int(inf.sum()), where, int((ok & ~inf).sum())
    )
    if dropped:
        frame = frame[ok & ~inf].reset_index(drop=True)
    if len(frame) < 2:
        raise DataError(f"too few complete rows ({len(frame)}) in {', '.join(cols)} to fit models")
    return frame, dropped


def left_out_warnings(
    n_missing: int, missing_in: list[str], n_inf: int, inf_in: list[str], n_used: int
) -> list[str]:
    """What the rows left out of a model were, in words (never dropped silently)."""
    out = []
    if n_missing:
        out.append(
            f"{n_missing:,} rows with a missing value in {', '.join(missing_in)} were left out "
            f"({n_used:,} rows used)"
        )
    if n_inf:
        out.append(
            f"{n_inf:,} rows with an infinite value (±inf) in {', '.join(inf_in)} were "
            "left out: a model cannot use them"
        )
    return out


def _treatment(x: str, s: pd.Series, terms: tuple[Term, ...]) -> tuple[np.ndarray, list, list[int]]:
    """Level codes of the treatment, its levels, and the arm code of each term."""
    levels = list(pd.unique(s))
    try:
        levels = sorted(levels)
    except TypeError:
        levels = sorted(levels, key=str)
    codes = pd.Index(levels).get_indexer(s.to_numpy())  # a hash look-up, vectorised
    arms = [match_value(x, t.interventions[0][1], tuple(levels), value_kind(s)) for t in terms]
    return codes, levels, arms


def model_do(
    q: Query, data: object, plans: list[Plan], o: ModelOptions, graph_name, warnings: list[str]
) -> DoResult:
    """The model-based estimate of every term of ``q``, their contrast, interval and diagnostics."""
    method = o.method
    _check_plans(q, plans, method)
    x, y = plans[0].x[0], q.left.outcome
    z = list(dict.fromkeys(c for p in plans for c in p.z))
    frame, dropped = _frame(data, list(dict.fromkeys([x, *z, y])), warnings)
    design = make_design(frame, z, MAX_FLOAT_LEVELS)
    if not is_categorical(frame[x], MAX_FLOAT_LEVELS):
        from .curve import numeric_treatment

        return numeric_treatment(q, frame, design, plans, o, graph_name, warnings, dropped)
    if any(v.kind == "all" for t in q.terms for _, v in t.interventions):
        raise DataError(
            f"do({x}) with no value asks for a dose-response curve, which needs a numeric "
            f"treatment; {x} has {frame[x].nunique()} values: set one, e.g. do({x}=...)"
        )
    codes, levels, arms = _treatment(x, frame[x], q.terms)
    if len(levels) < 2:
        raise DataError(f"{x} takes one value in the rows used: no contrast to estimate")
    info = ModelInfo(method, o.why, folds=o.folds if method == "aipw" else 1)
    specs = [_spec(t, frame, codes, levels, arms, o, method) for t in q.terms]
    keep, trimmed = _trim(design, specs[0], o, info)
    if trimmed:
        frame, design = (
            frame[keep].reset_index(drop=True),
            make_design(frame[keep].reset_index(drop=True), z, MAX_FLOAT_LEVELS),
        )
        specs = [_subset(s, keep) for s in specs]
    parts = _estimate(method, specs, design, info)
    info.notes = list(dict.fromkeys(design.notes + info.notes))
    naive = [float(s.y[s.x == s.arms[0]].mean()) for s in specs]
    e = parts[0][2].e if len(parts[0][2].e) == len(levels) else None
    diag = diagnose(design, specs[0], arms, levels, info, len(keep) and trimmed / len(keep), e)
    return _result(
        q,
        plans,
        parts,
        naive,
        o,
        info,
        diag,
        warnings,
        graph_name,
        len(frame),
        dropped,
        specs,
        design,
    )


def _spec(t, frame, codes, levels, arms, o, method) -> est.Spec:
    yv, binary = outcome_vector(t, frame[t.outcome])
    arm = match_value(
        t.interventions[0][0],
        t.interventions[0][1],
        tuple(levels),
        value_kind(frame[t.interventions[0][0]]),
    )
    return est.Spec(
        codes,
        len(levels),
        yv,
        binary,
        (arm,),
        o.folds if method == "aipw" else 1,
        0 if o.seed is None else o.seed,
        o.outcome_model,
        o.propensity_model,
        need_mu=method in ("gformula", "aipw"),
        need_e=method in ("ipw", "aipw"),
        level_names=tuple(levels),
    )


def _subset(s: est.Spec, keep: np.ndarray) -> est.Spec:
    from dataclasses import replace

    return replace(s, x=s.x[keep], y=s.y[keep])


def _trim(design, s: est.Spec, o: ModelOptions, info: ModelInfo) -> tuple[np.ndarray, int]:
    n = len(s.y)
    if not o.trim:
        return np.ones(n, dtype=bool), 0
    from dataclasses import replace

    arms = tuple(range(s.k))
    nu = est.nuisances(design, replace(s, arms=arms, need_mu=False, need_e=True))
    e = np.column_stack([nu.e[a] for a in arms])
    keep = ((e >= o.trim) & (e <= 1 - o.trim)).all(axis=1)
    dropped = int(n - keep.sum())
    info.notes.append(trim_note(o.trim, n, dropped))
    return keep, dropped


def trim_note(trim: float, n: int, dropped: int) -> str:
    """What trimming left out, in words; refuses a trim that leaves fewer than 2 rows."""
    if n - dropped < 2:
        raise DataError(f"trimming at {trim:g} leaves {n - dropped} rows: lower trim")
    return (
        f"trimmed at {trim:g}: {dropped:,} of {n:,} rows ({dropped / n:.1%}) had a propensity "
        f"outside [{trim:g}, {1 - trim:g}] and were left out; the estimate is now the "
        "effect in the overlap population, not in everyone"
    )


def _estimate(method: str, specs: list[est.Spec], design, info: ModelInfo) -> list[tuple]:
    """(value, influence function, nuisances) per term; terms with one outcome share one fit.

    The propensity is fitted for every level, so the diagnostics can reuse it.
    """
    from dataclasses import replace

    out, fitted = [], []
    for s in specs:
        hit = next((nu for y, nu in fitted if np.array_equal(y, s.y)), None)
        if hit is None:
            asked = tuple(dict.fromkeys(a for t in specs for a in t.arms))
            arms = asked + tuple(a for a in range(s.k) if a not in asked) if s.need_e else asked
            hit = est.nuisances(design, replace(s, arms=arms, mu_arms=asked))
            if not s.need_mu:
                hit.mu = {}
            info.notes += hit.notes
            fitted.append((s.y, hit))
        value, infl = est.estimate_arm(method, s.arms[0], s, hit)
        out.append((value, infl, hit))
    return out


def interval(value: float, se: float, level: float) -> tuple[float, float]:
    zq = NormalDist().inv_cdf(0.5 + level / 2)
    return (value - zq * se, value + zq * se)


def _result(q, plans, parts, naive, o, info, diag, warnings, graph_name, n, dropped, specs, design):
    method = o.method
    terms = []
    for t, (v, infl, _), nv in zip(q.terms, parts, naive, strict=True):
        terms.append((t, v, infl, nv))
    if len(terms) == 1:
        value, infl, nv = terms[0][1], terms[0][2], terms[0][3]
    else:
        value, infl = est.combine(q.op, terms[0][1], terms[1][1], terms[0][2], terms[1][2])
        nv = (
            naive[0] - naive[1]
            if q.op == "-"
            else (naive[0] / naive[1] if naive[1] else float("nan"))
        )
    se = est.standard_error(infl)
    boot = o.ci is not None and (method == "gformula" or o.boot_asked)
    if boot or method == "gformula":  # gformula's influence function ignores the fit
        se = _bootstrap_se(q, specs, design, o, info) if boot else float("nan")
    ci = None if o.ci is None or not np.isfinite(se) else interval(value, se, o.ci)
    info.interval = (
        (
            f"row bootstrap, {o.bootstrap} resamples (models refitted)"
            if boot
            else "influence function (no resampling)" + _ipw_if_words(method, parts)
        )
        if ci
        else ""
    )
    info.outcome, info.propensity = _model_words(specs[0], design, o)
    warnings = list(
        dict.fromkeys(warnings + [w for p in plans for w in p.warnings] + diag.pop("_warnings", []))
    )
    sub = []
    if len(terms) == 2:
        for t, v, infl_t, nv_t in terms:
            sub.append(
                _plain(
                    str(t),
                    v,
                    nv_t,
                    method,
                    plans[0],
                    n,
                    dropped,
                    graph_name,
                    est.standard_error(infl_t) if not boot and method != "gformula" else None,
                    t,
                )
            )
    se = se if np.isfinite(se) else None
    r = _plain(
        str(q),
        value,
        nv,
        method,
        plans[0],
        n,
        dropped,
        graph_name,
        se,
        q.left if len(terms) == 1 else None,
    )
    r.warnings = warnings
    r.parts, r.op = tuple(sub), q.op if sub else None
    r.ci, r.ci_level = ci, (o.ci if ci else None)
    r.diagnostics, r.models = diag, info
    r.bootstrap = o.bootstrap if boot else 0
    return r


def _ipw_if_words(method: str, parts: list[tuple]) -> str:
    """What ipw's influence function assumes of the propensity (aipw's needs no correction)."""
    if method != "ipw":
        return ""
    if all(nu.prop is not None for _, _, nu in parts):
        return "; it accounts for the estimated propensity (M-estimation)"
    return (
        "; it treats your propensity model's probabilities as known, so it is conservative "
        "(wider than need be); bootstrap=N resamples instead"
    )


def _plain(query, value, naive, method, plan, n, dropped, graph_name, se, term) -> DoResult:
    return DoResult(
        query=query,
        value=value,
        naive=naive,
        method=method,
        adjustment_set=tuple(sorted(plan.z, key=str)),
        n_used=n,
        n_dropped_missing=dropped,
        graph_name=graph_name,
        identification=plan.identification,
        reason=plan.reason,
        se=se,
        term=term,
    )


def _bootstrap_se(q, specs, design, o: ModelOptions, info) -> float:
    """The row bootstrap's standard error: every model (and every fold) refitted per resample.

    The default for gformula; for ipw/aipw only when ``bootstrap`` was asked for.  A
    trimmed sample is resampled as it is (the overlap population is not re-trimmed).
    """
    from dataclasses import replace

    rng = np.random.default_rng(o.seed)
    n = len(specs[0].y)
    vals = []
    for _ in range(o.bootstrap):
        idx = rng.integers(0, n, n)
        d = replace(
            design,
            matrix=np.take(design.matrix.T, idx, axis=1).T,  # column-major, as the design
            frame=design.frame.iloc[idx].reset_index(drop=True),
            cells=None if design.cells is None else design.cells[idx],
            notes=[],
        )
        try:
            got = [
                est.estimate_arm(
                    o.method,
                    s.arms[0],
                    s2 := replace(s, x=s.x[idx], y=s.y[idx]),
                    est.nuisances(d, s2),
                )[0]
                for s in specs
            ]
        except (DataError, ValueError):
            continue
        vals.append(
            got[0]
            if len(got) == 1
            else est.combine(q.op, got[0], got[1], np.zeros(1), np.zeros(1))[0]
        )
    return float(np.std(vals, ddof=1)) if len(vals) > 1 else float("nan")


def _model_words(s: est.Spec, design, o: ModelOptions) -> tuple[str, str]:
    coding = (
        "saturated (one indicator per stratum of the adjusters)"
        if design.saturated
        else (
            "adjusters standardised / one-hot" if design.names else "no adjusters (intercept only)"
        )
    )
    out = ""
    if s.need_mu:
        out = (
            f"{type(o.outcome_model).__name__} (your model), one fit per treatment arm"
            if o.outcome_model is not None
            else f"{'logistic regression' if s.binary else 'least squares'}, "
            f"one fit per treatment arm; {coding}"
        )
    prop = ""
    if s.need_e:
        prop = (
            f"{type(o.propensity_model).__name__} (your model)"
            if o.propensity_model is not None
            else f"{'logistic' if s.k == 2 else 'multinomial logistic'} regression; {coding}"
        )
    return out, prop


def level_text(v: object) -> str:
    return format_value(v)
