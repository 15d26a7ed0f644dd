"""``%do --method gformula / ipw / aipw`` on Dask and PySpark, without collecting rows.

Why a module of its own: the in-memory path (:mod:`~causal_magic.estimate.modelled`)
holds every row as NumPy arrays; a Dask or Spark table may not fit in memory,
and collecting it would defeat the engine.  Here every step is a pass over
the partitions that returns small sums (:func:`causal_magic.backends.map_partitions`):

1. the scan and the structure (:mod:`.rows`): rows left out, the adjusters'
   coding, duplicates, saturated cells -- 2 passes;
2. the fits (:mod:`.fits`): XᵀX and Xᵀy per fold and arm in one pass, then one
   pass per Newton step for the logistic and multinomial models (all folds and
   arms at once);
3. the estimate and its diagnostics (pass A), then the influence function's
   spread (pass B) (:mod:`.sums`);

plus, with ``trim``, the propensity fits and steps 1-2 again on the kept rows.
About ten passes for a typical aipw; each reads the partitions once and
brings back a few kilobytes.

The numbers are those of the in-memory path: with ``folds=1`` the estimates,
naive values, standard errors and diagnostics agree with pandas' to 1e-8
(``tests/test_partitioned.py``, ``tests/test_distributed.py``).  Differences, each
said on the card: cross-fitting folds come from the seed *and the partitioning* (see
:mod:`.rows`); the g-formula's interval comes from its influence function
with the outcome fit's share (delta method) instead of a row bootstrap, which
would refit every model once per resample over the cluster; a numeric
treatment (a dose, its curve) goes to :mod:`.dose`, which finds its quantiles
exactly; a user's own model object is refused with a message, since fitting
it needs the rows in one process.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from types import SimpleNamespace

import numpy as np
import pandas as pd

from ...backends import engine_of, map_partitions, schema_kind
from ...query import Query
from ..aipw import combine, zero_propensity
from ..diagnostics import arm_summary, overlap_warning, smd_table
from ..modelled import (
    ModelOptions,
    _check_plans,
    _model_words,
    _plain,
    interval,
    left_out_warnings,
    trim_note,
)
from ..models import outcome_vector
from ..plan import Plan
from ..result import DataError, DoResult, ModelInfo
from ..validate import match_value
from .dose import numeric_treatment_partitioned
from .fits import Part, blocks, fit_all
from .rows import CAP, DesignSpec, Reader, Scan, design_spec, scan, structure
from .sums import Term, corrections, spread, values

__all__ = ["model_do_partitioned"]


@dataclass
class Setup:
    """What the first passes decided: the reading, the design, the arms and outcomes."""

    reader: Reader
    scan: Scan
    spec: DesignSpec
    levels: tuple
    terms: list[Term]
    outcomes: list  # one function per outcome: pandas Series -> numbers
    binary: list[bool]

    def read(self, frame, index) -> Part:
        rows = self.reader.rows(frame, index)
        x = self.reader.cols[0]
        return Part(
            self.spec.matrix(rows),
            _codes(rows[x].to_numpy(), self.levels),
            np.column_stack([f(rows) for f in self.outcomes])
            if len(rows)
            else np.zeros((0, len(self.outcomes))),
            self.reader.fold(len(rows), index),
            self.spec.cell_of(rows) if self.spec.saturated else None,
        )


def _codes(v: np.ndarray, levels: tuple) -> np.ndarray:
    return pd.Index(levels).get_indexer(v)


def _refuse(o: ModelOptions, data) -> None:
    name = engine_of(data)
    where = {"dask": "Dask", "pyspark": "PySpark"}.get(name, name)
    if o.outcome_model is not None or o.propensity_model is not None:
        raise DataError(
            f"a model object of your own fits in one process; on {where} the model-based "
            "methods use the default models (least squares / logistic), fitted from "
            "partition sums. Leave out --outcome-model / --propensity-model, or bring a "
            "sample to pandas"
        )
    if o.boot_asked:
        raise DataError(
            f"--bootstrap would refit every model once per resample over {where}; there the "
            "interval comes from the influence function (no resampling): leave out --bootstrap"
        )


def model_do_partitioned(
    q: Query, data: object, plans: list[Plan], o: ModelOptions, graph_name, warnings: list[str]
) -> DoResult:
    """The model-based estimate of ``q`` on a table whose rows stay in its engine."""
    method = o.method
    _check_plans(q, plans, method)
    _refuse(o, data)
    if o.ci is None:  # the influence function gives it at no cost, gformula's too
        o = replace(o, ci=0.95)
    x = plans[0].x[0]
    z = list(dict.fromkeys(c for p in plans for c in p.z))
    cols = list(dict.fromkeys([x, *z, q.left.outcome, *(t.outcome for t in q.terms)]))
    ints = tuple(c for c in cols if schema_kind(data, c) == "int")
    K = o.folds if method == "aipw" else 1
    reader = Reader(cols, ints, None, K, 0 if o.seed is None else o.seed)
    map_parts = partial(map_partitions, data, cols)
    setup = _setup(q, map_parts, reader, z, warnings)
    dropped = setup.scan.n_missing + setup.scan.n_inf
    if not setup.levels:
        return numeric_treatment_partitioned(
            q, setup, map_parts, plans, o, graph_name, warnings, dropped
        )
    info = ModelInfo(method, o.why, folds=K, folds_by="the seed with the partitioning")
    trimmed = 0
    if o.trim:
        setup, trimmed = _trim(q, map_parts, setup, o, z, info)
    k = len(setup.levels)
    arms = [t.arm for t in setup.terms]
    mu_arms = list(dict.fromkeys(arms)) if method in ("gformula", "aipw") else []
    b = blocks(map_parts, setup.read, K, k, _cells(setup.spec))
    fits = fit_all(map_parts, setup.read, b, setup.binary, mu_arms, setup.levels, K, k)
    a0, a1 = arms[0], (arms[1] if len(arms) > 1 and arms[1] != arms[0] else None)
    sums = values(map_parts, setup.read, fits, method, setup.terms, setup.binary, a0, a1)
    n = int(b.n.sum())
    thetas = [_theta(method, s, n) for s in sums["term"]]
    if method != "gformula":
        _check_positivity(sums, setup)
    corr = corrections(method, setup.terms, thetas, sums, fits, b, n)
    sq = spread(
        map_parts, setup.read, fits, method, setup.terms, setup.binary, thetas, corr, combine, q.op
    )
    info.notes = list(dict.fromkeys(setup.spec.notes + fits.notes + info.notes))
    diag = _diagnostics(sums["diag"], setup, a0, info, trimmed / (n + trimmed) if trimmed else 0.0)
    naive = [float(b.ysum[t.outcome, :, t.arm].sum() / b.n[:, t.arm].sum()) for t in setup.terms]
    return _result(
        q, plans, o, info, diag, warnings, graph_name, thetas, naive, sq, n, dropped, setup
    )


def _cells(spec: DesignSpec) -> int | None:
    return None if spec.cells is None else len(spec.cells)


def _setup(
    q: Query, map_parts, reader: Reader, z: list[str], warnings: list[str], s: Scan | None = None
) -> Setup:
    """The scan (unless given), the design, the treatment's levels, each term's outcome and arm."""
    s = s or scan(map_parts, reader)
    if s.n_used < 2:
        raise DataError(
            f"too few complete rows ({s.n_used}) in {', '.join(reader.cols)} to fit models"
        )
    warnings += left_out_warnings(s.n_missing, s.missing_in, s.n_inf, s.inf_in, s.n_used)
    spec = structure(map_parts, reader, design_spec(s, z))
    x = reader.cols[0]
    xs = s.columns[x]
    if not xs.categorical():  # a numeric treatment: the dose module takes it from here
        fn, is01 = _outcome(q.left, s)
        return Setup(reader, s, spec, (), [], [fn], [is01])
    if any(v.kind == "all" for t in q.terms for _, v in t.interventions):
        raise DataError(
            f"do({x}) with no value asks for a dose-response curve, which needs a numeric "
            f"treatment; {x} has {len(xs.values)} values: set one, e.g. do({x}=...)"
        )
    levels = xs.levels()
    if len(levels) < 2:
        raise DataError(f"{x} takes one value in the rows used: no contrast to estimate")
    outcomes, binary, terms = [], [], []
    for t in q.terms:
        arm = match_value(x, t.interventions[0][1], levels, xs.kind)
        fn, is01 = _outcome(t, s)
        key = (t.outcome, t.kind, getattr(t, "outcome_op", "="), str(t.outcome_value))
        if key not in [k for k, _ in outcomes]:
            outcomes.append((key, fn))
            binary.append(is01)
        terms.append(Term([k for k, _ in outcomes].index(key), arm))
    return Setup(reader, s, spec, levels, terms, [f for _, f in outcomes], binary)


def _outcome(t, s: Scan):
    """The outcome of a term as a function of a partition's rows, and whether it is 0/1.

    The checks and the coding are ``models.outcome_vector``'s; its refusals are
    raised here, once, on the column's distinct values from the scan.
    """
    cs = s.columns[t.outcome]
    op = getattr(t, "outcome_op", "=")
    if t.kind == "E" or op != "=":
        if not cs.numeric:
            outcome_vector(t, _sample(cs))  # a bool mean passes, text is refused

        def vector(rows, term=t):
            return outcome_vector(term, rows[term.outcome])[0]

        binary = op != "=" or cs.kind == "bool" or (not cs.many and cs.values <= {0, 1})
        return vector, binary
    if t.outcome_value is None:
        outcome_vector(t, _sample(cs))  # refuses a whole distribution
    if cs.many:
        raise DataError(
            f"{t.outcome} has more than {CAP:,} distinct values: ask for an event "
            f"(P({t.outcome} > c | ...)) or its mean E[{t.outcome} | ...]"
        )
    levels = cs.levels()
    level = levels[match_value(t.outcome, t.outcome_value, levels, cs.kind)]

    def event(rows, col=t.outcome, lv=level):
        return (rows[col].to_numpy() == lv).astype(float)

    return event, True


def _sample(cs):
    s = pd.Series(sorted(cs.values, key=str), dtype=object)
    return s.astype(bool) if cs.kind == "bool" else s


def _theta(method: str, s: dict, n: int) -> float:
    if method == "ipw":
        return float(s["wy"] / s["w"])
    return float(s["sum"] / n)


def _check_positivity(sums: dict, setup: Setup) -> None:
    for t, s in zip(setup.terms, sums["term"], strict=True):
        if s["zero_e"]:
            raise zero_propensity(int(s["zero_e"]), setup.levels[t.arm])


def _trim(q, map_parts, setup: Setup, o: ModelOptions, z, info: ModelInfo):
    """Fit the propensity, keep the rows inside [trim, 1 - trim], and set up again on them."""
    K, k = setup.reader.folds, len(setup.levels)
    b = blocks(map_parts, setup.read, K, k, _cells(setup.spec))
    fits = fit_all(map_parts, setup.read, b, setup.binary, [], setup.levels, K, k)
    lo, hi = o.trim, 1 - o.trim

    def keep(frame, index, read=setup.read):
        e = fits.e(read(frame, index))
        return ((e >= lo) & (e <= hi)).all(axis=1)

    reader = replace(setup.reader, keep=keep)
    kept = scan(map_parts, reader)
    n = setup.scan.n_used
    info.notes.append(trim_note(o.trim, n, n - kept.n_used))
    return _setup(q, map_parts, reader, z, [], kept), n - kept.n_used


# -- the result ---------------------------------------------------------------------------


def _diagnostics(d: dict, setup: Setup, a0: int, info: ModelInfo, trimmed_share: float):
    """``r.diagnostics`` from pass A's sums, by ``diagnostics.diagnose``'s own functions."""
    levels = setup.levels
    count, w, w2, (_, low), (_, high) = d["arms"]
    label = dict(enumerate(levels))
    prange, ess, warn = arm_summary(count, w, w2, low, high, label)
    warn += overlap_warning(int(d["poor"]))
    info.overlap = {str(levels[a]): d["hist"][a].tolist() for a in range(len(levels))}
    info.overlap_of = f"P({levels[a0]} | adjusters)"
    return {
        "propensity_range": prange,
        "ess": ess,
        "trimmed_share": float(trimmed_share),
        "smd": smd_table(*d["balance"], setup.spec.names),
        "_warnings": warn,
    }


def _result(q, plans, o, info, diag, warnings, graph_name, thetas, naive, sq, n, dropped, setup):
    method = o.method
    se_terms = np.sqrt(sq["terms"] / n / n)
    if len(thetas) == 1:
        value, se, nv = thetas[0], float(se_terms[0]), naive[0]
    else:
        value = combine(q.op, thetas[0], thetas[1], np.zeros(1), np.zeros(1))[0]
        se = float(np.sqrt(sq["both"] / n / n))
        nv = naive[0] - naive[1] if q.op == "-" else (naive[0] / naive[1] if naive[1] else np.nan)
    ci = None if o.ci is None or not np.isfinite(se) else interval(value, se, o.ci)
    info.interval = "" if not ci else _interval_words(method)
    shape = SimpleNamespace(
        need_mu=method in ("gformula", "aipw"),
        need_e=method in ("ipw", "aipw"),
        binary=setup.binary[setup.terms[0].outcome],
        k=len(setup.levels),
    )
    design = SimpleNamespace(saturated=setup.spec.saturated, names=setup.spec.names)
    info.outcome, info.propensity = _model_words(shape, design, o)
    warnings = list(
        dict.fromkeys(warnings + [w for p in plans for w in p.warnings] + diag.pop("_warnings"))
    )
    common = (method, plans[0], n, dropped, graph_name)
    sub = []
    if len(thetas) == 2:
        for t, v, nv_t, se_t in zip(q.terms, thetas, naive, se_terms, strict=True):
            sub.append(_plain(str(t), v, nv_t, *common, float(se_t), t))
    r = _plain(str(q), float(value), float(nv), *common, se if np.isfinite(se) else None, None)
    r.term = q.left if len(thetas) == 1 else None
    r.warnings = warnings
    r.parts, r.op = tuple(sub), q.op if sub else None
    r.ci, r.ci_level = ci, (o.ci if ci else None)
    r.diagnostics, r.models = diag, info
    return r


def _interval_words(method: str) -> str:
    where = "computed partition by partition"
    if method == "gformula":
        return (
            "influence function with the outcome fit's share (delta method), "
            f"{where}; no row bootstrap on a distributed table"
        )
    return f"influence function (no resampling), {where}"
