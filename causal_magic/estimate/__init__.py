"""Query + graph + data -> :class:`DoResult`: the adjustment formula in numbers.

``do()`` runs three steps, each a module that can be read and checked on its own:

1. *Plan* (:mod:`~causal_magic.estimate.plan`) -- which formula answers the
   query.  The graph decides, through :mod:`causal_magic.identify` (back-door
   adjustment set, front-door set or the ID algorithm); DAG nodes that are not
   columns count as unobserved.  ``adjust=`` forces a set (checked against the
   graph when there is one, and said so when not).
2. *Count* -- one group-by over the used columns
   (:func:`causal_magic.backends.count_table`), in whatever engine holds the
   data.  Everything after this works on the small count table.
3. *Compute* (:mod:`~causal_magic.estimate.compute`) -- the formula from the
   counts, vectorised over cell-count matrices, so that a bootstrap of 1,000
   resamples (:mod:`~causal_magic.estimate.bootstrap`) is a few array
   operations; :mod:`~causal_magic.estimate.strata` lays the point estimate out
   as a table of strata and the typed details the card writes out.

Inputs are checked before any of this (:mod:`~causal_magic.estimate.validate`);
the result and the errors are in :mod:`~causal_magic.estimate.result`.

Choices made here, stated once:

* **Positivity.**  A stratum ``z`` with rows but no row at the treatment value
  makes ``P(y | x, z)`` undefined.  By default this raises
  :class:`PositivityError` naming the stratum and its row count.  With
  ``positivity="drop"`` those strata are left out and ``P(z)`` renormalised
  over the rest -- an estimate for a *different population*, flagged in the
  warnings and on the card.
* **Missing values.**  Rows with a missing value in any used column are
  dropped, counted and reported in ``warnings``.
* **Continuous adjusters.**  A float column with more than
  :data:`MAX_FLOAT_LEVELS` distinct values cannot be a stratum variable:
  ``method="auto"`` then estimates with models instead (aipw, or gformula for a
  numeric treatment; :mod:`~causal_magic.estimate.modelled`), and
  ``method="strata"`` refuses it with a hint to bin it.
* **Uncertainty.**  ``ci=0.95`` resamples the cells of the full count table
  from a multinomial (for a categorical table exactly the row bootstrap), a
  numeric outcome's cell sums from a normal with the cell's variance.
  Resamples in which a stratum loses its treated rows are excluded and counted.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import partial

import networkx as nx
import numpy as np

from ..backends import CountTable, count_table
from ..cards.do_card import UNNAMED_GRAPH
from ..graph import check_dag
from ..hints import near_match
from ..query import Query, parse_query
from .bootstrap import DEFAULT_RESAMPLES, add_interval, check_interval_options
from .bounded import bounded_result, bounds_instead, with_extras
from .compute import Calc
from .modelled import ModelOptions, check_options, choose_method, in_memory_rows, model_do
from .partitioned.estimate import model_do_partitioned
from .plan import Plan, plan_term
from .result import (
    DataError,
    DoResult,
    NotIdentifiableError,
    PositivityError,
    UnknownValueError,
)
from .strata import SMALL_STRATUM, term_result
from .validate import (
    MAX_FLOAT_LEVELS,
    adjust_names,
    as_graph,
    check_counts,
    check_names,
    check_numeric_outcome,
    check_spellings,
    check_strata_columns,
    check_table,
    graph_warnings,
    match_value,
)

__all__ = [
    "MAX_FLOAT_LEVELS",
    "SMALL_STRATUM",
    "DataError",
    "DoResult",
    "NotIdentifiableError",
    "PositivityError",
    "UnknownValueError",
    "bounds",
    "do",
    "match_value",
    "near_match",
]


def do(
    query: str | Query,
    data: object,
    dag: nx.DiGraph | None = None,
    adjust: Iterable[str] | None = None,
    ci: float | None = None,
    bootstrap: int | None = None,
    seed: int | None = None,
    dag_name: str | None = None,
    positivity: str = "error",
    bounds: bool | None = None,
    sensitivity: bool = False,
    method: str = "auto",
    outcome_model: object = None,
    propensity_model: object = None,
    folds: int = 5,
    trim: float | None = None,
    grid: int | None = None,
) -> DoResult:
    """Estimate ``P(Y=y | do(X=x))`` (or ``E[Y | do(X=x)]``, a contrast...) from data.

    Parameters
    ----------
    query : text such as ``"P(Sound=Great | do(Gear=Fancy))"`` or a parsed :class:`Query`.
    data : a pandas / polars / pyarrow / DuckDB / Dask / PySpark table.
    dag : the causal graph; nodes map to columns by name, other nodes are unobserved.
    adjust : force this adjustment set (checked against ``dag`` if given, with a warning).
    ci : level of a bootstrap interval, e.g. ``0.95``; ``bootstrap`` resamples (default
        1000; given explicitly with ipw/aipw, a bootstrap interval instead of the
        influence function's), ``seed``.
    dag_name : how the card names the graph.
    positivity : ``"error"`` refuses strata without treated rows; ``"drop"`` says it drops them.
    bounds : ``None``: ``result.bounds`` when not identified; ``True``: always; ``False``: refuse.
    sensitivity : the E-value of a ratio or difference (``result.sensitivity``).
    method, outcome_model, propensity_model, folds, trim, grid : the model-based methods
        (``"auto"``, ``"strata"``, ``"gformula"``, ``"ipw"``, ``"aipw"``): see ``modelled``,
        ``models``, and ``partitioned`` (Dask / PySpark: sums per partition, no rows collected).

    Raises
    ------
    QuerySyntaxError, NotIdentifiableError, PositivityError, UnknownColumnError,
    UnknownValueError, DataError -- each saying what and where.

    Examples
    --------
    >>> r = do("P(Sound=Great | do(Gear=Fancy))", df, dag=G)   # doctest: +SKIP
    >>> round(r.value, 3), round(r.naive, 3)                    # doctest: +SKIP
    (0.357, 0.625)
    """
    q = parse_query(query) if isinstance(query, str) else query
    if not isinstance(q, Query):
        raise TypeError(f"query must be text or a Query, got {type(query).__name__}")
    if positivity not in ("error", "drop"):
        raise ValueError(f"positivity is 'error' or 'drop', got {positivity!r}")
    G = as_graph(dag)
    if G is not None:
        check_dag(G)
    graph_name = dag_name or (UNNAMED_GRAPH if G is not None else None)
    adjust_t = adjust_names(adjust)
    columns = check_table(data)
    check_names(q, columns, adjust_t, G, graph_name)
    warnings = graph_warnings(G, columns)
    try:
        plans = _plan(q, columns, G, graph_name or "", adjust_t, warnings)
    except NotIdentifiableError as err:
        return bounds_instead(err, bounds, sensitivity, q, data, G, graph_name, columns, warnings)
    mo = _model_options(q, plans, data, locals())
    if mo.method != "strata":
        warnings += _strata_only(mo.method, bounds, sensitivity, positivity)
        run = model_do if in_memory_rows(data) else model_do_partitioned
        return run(q, data, plans, mo, graph_name if G is not None else None, warnings)
    shown_name = graph_name if G is not None else None
    result, calcs, table = _strata(q, data, plans, positivity, shown_name, warnings)
    if ci is not None:
        resamples = DEFAULT_RESAMPLES if bootstrap is None else bootstrap
        check_interval_options(ci, resamples)
        add_interval(result, calcs, table, ci, resamples, seed, q.op)
    again = partial(do, data=data, dag=G, adjust=adjust_t, ci=ci, bootstrap=bootstrap, seed=seed)
    return with_extras(result, bounds, sensitivity, q, table, partial(again, positivity=positivity))


def _strata(q: Query, data, plans: list[Plan], positivity: str, shown_name, warnings: list):
    """Today's exact counting: one count table, each term's strata, their contrast."""
    table, used = _count(data, plans, q.left.outcome if q.left.kind == "E" else None)
    calcs = [Calc(p, table, positivity) for p in plans]
    N0 = table.n.astype(float)[None, :]
    Y0 = None if table.ysum is None else table.ysum[None, :]
    parts = [term_result(c, shown_name, N0, Y0) for c in calcs]
    warnings += _rows_left_out(table, used)
    if q.right is None:
        result = parts[0]
        result.warnings = warnings + result.warnings
    else:
        result = _contrast(q, parts, warnings, table, shown_name)
    result.query = str(q)
    return result, calcs, table


def _model_options(q: Query, plans: list[Plan], data: object, args: dict) -> ModelOptions:
    """The model-based options of ``do()``, checked, with ``auto`` resolved."""
    o = ModelOptions(
        args["method"],
        args["outcome_model"],
        args["propensity_model"],
        args["folds"],
        args["trim"],
        args["ci"],
        0 if args["seed"] is None else args["seed"],  # reproducible folds and resamples
        DEFAULT_RESAMPLES if args["bootstrap"] is None else args["bootstrap"],
        boot_asked=args["bootstrap"] is not None,
    )
    o.grid = args["grid"]
    check_options(o)
    o = choose_method(o, q, plans, data)
    if o.ci is None and o.method in ("ipw", "aipw"):
        o.ci = 0.95  # the influence function gives it at no cost
    if o.method == "strata" and any(_needs_model(t) for t in q.terms):
        raise DataError(
            f"{q} needs a model (a threshold event or a dose-response curve): "
            "use --method gformula or aipw (or auto)"
        )
    return o


def _strata_only(method: str, bounds, sensitivity: bool, positivity: str) -> list[str]:
    if not (bounds or sensitivity or positivity != "error"):
        return []
    return [
        "bounds, sensitivity and positivity='drop' belong to exact counting; they were not "
        f"applied to this {method} estimate (use method='strata')"
    ]


def _needs_model(t) -> bool:
    return getattr(t, "outcome_op", "=") != "=" or any(v.kind == "all" for _, v in t.interventions)


def _rows_left_out(table, used: list[str]) -> list[str]:
    """Warnings for the rows the count table could not use (never dropped silently)."""
    out = []
    if table.n_nonfinite:
        out.append(
            f"{table.n_nonfinite:,} {'row' if table.n_nonfinite == 1 else 'rows'} with an "
            f"infinite value (±inf) in {used[-1]} left out: a mean cannot use them (fix or "
            "drop them to silence this)"
        )
    if table.n_dropped:
        out.append(
            f"{table.n_dropped:,} rows with a missing value in {', '.join(used)} "
            f"were dropped ({table.n_used:,} rows used)"
        )
    return out


def bounds(
    query: str | Query, data: object, dag: nx.DiGraph | None = None, dag_name: str | None = None
) -> DoResult:
    """Bounds on ``P(Y=y | do(X=x))`` (or a difference or ratio of two) from data.

    With no graph, the natural bounds (no assumption); with a graph, the effect
    if it is identified (the bounds collapse to it), else the sharpest bounds
    the graph gives here.  Returns a :class:`DoResult`: ``r.bounds`` is
    ``(low, high)``, ``r.bounds_info`` says how and what would narrow it.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"X": [1, 1, 0, 0], "Y": [1, 0, 1, 0]})
    >>> bounds("P(Y=1 | do(X=1))", df).bounds
    (0.25, 0.75)
    """
    if dag is not None:
        return do(query, data, dag=dag, bounds=True, dag_name=dag_name)
    q = parse_query(query) if isinstance(query, str) else query
    columns = check_table(data)
    check_names(q, columns, None, None, None)
    return bounded_result(q, data, None, "", columns, [], None)


def _plan(
    q: Query,
    columns: list[str],
    G: nx.DiGraph | None,
    graph_name: str,
    adjust: tuple[str, ...] | None,
    graph_warnings: list[str],
) -> list[Plan]:
    """One plan per term; a refusal mentions the graph's likely misspellings."""
    try:
        return [plan_term(t, columns, G, graph_name, adjust) for t in q.terms]
    except NotIdentifiableError as err:
        if graph_warnings:  # a misspelt node is the likeliest cause: say so in the error
            err.args = (str(err) + ". Note: " + "; ".join(graph_warnings),)
        raise


def _count(data: object, plans: list[Plan], value_col: str | None) -> tuple[CountTable, list]:
    """The one group-by every term is computed from, and the columns it used."""
    keys: list[str] = []
    for p in plans:
        for c in p.columns if value_col is None else p.columns[:-1]:
            if c not in keys:
                keys.append(c)
    check_numeric_outcome(data, value_col)
    table = count_table(data, keys, value=value_col)
    check_counts(table, keys, value_col)
    check_spellings(table, keys)
    for p in plans:
        check_strata_columns(table, p.strata_columns)
    return table, keys + ([value_col] if value_col else [])


def _contrast(
    q: Query, parts: list[DoResult], warnings: list[str], table: CountTable, graph_name
) -> DoResult:
    """``a - b`` or ``a / b`` of two estimated terms, with both kept as ``parts``."""
    a, b = parts
    if q.op == "-":
        value, naive = a.value - b.value, a.naive - b.naive
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            value = a.value / b.value if b.value else math.nan
            naive = a.naive / b.naive if b.naive else math.nan
        if not b.value:
            warnings.append(f"the denominator {b.query} is 0: the ratio is undefined")
    exact = None
    if a.exact is not None and b.exact is not None:
        exact = a.exact - b.exact if q.op == "-" else (a.exact / b.exact if b.exact else None)
    return DoResult(
        query=str(q),
        value=value,
        naive=naive,
        method=a.method if a.method == b.method else f"{a.method} / {b.method}",
        adjustment_set=tuple(sorted(set(a.adjustment_set) | set(b.adjustment_set), key=str)),
        frontdoor_set=tuple(sorted(set(a.frontdoor_set) | set(b.frontdoor_set), key=str)),
        n_used=table.n_used,
        n_dropped_missing=table.n_dropped,
        warnings=list(dict.fromkeys(warnings + a.warnings + b.warnings)),
        graph_name=graph_name,
        identification=a.identification,
        reason=a.reason,
        parts=(a, b),
        op=q.op,
        exact=exact,
    )
