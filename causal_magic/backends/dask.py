"""Dask DataFrames: one distributed group-by; only the per-cell table is computed.

Categorical key columns are grouped with ``observed=True`` so that unused
categories do not become empty cells.
"""

from __future__ import annotations

import pandas as pd

from .core import CountTable, centred_scale, kind_from_type_name, table_from_groups

#: The rows stay in Dask: the fit tests use the sums it computes.
IN_MEMORY = False


def columns(ddf) -> list[str]:
    return [str(c) for c in ddf.columns]


def schema_kind(ddf, col: str) -> str:
    t = str(ddf[col].dtype)
    return "other" if t == "category" else kind_from_type_name(t)


def count_table(ddf, by: list[str], value: str | None, scale: float = 1.0) -> CountTable:
    kinds = {c: kind_from_type_name(str(ddf[c].dtype)) for c in by}
    for c in by:
        if str(ddf[c].dtype) == "category":
            kinds[c] = "string"
    frame = ddf[by].assign(__one=1)
    aggs = {"n": ("__one", "sum")}
    if value is not None:
        raw = ddf[value].astype("float64")
        inf = raw.abs() == float("inf")
        y = raw.mask(inf)
        frame = frame.assign(__y=y, __y2=(y * scale) ** 2, __inf=inf.astype("int64"), __abs=y.abs())
        aggs.update(
            ny=("__y", "count"),
            sum=("__y", "sum"),
            sumsq=("__y2", "sum"),
            ninf=("__inf", "sum"),
            ymax=("__abs", "max"),
        )
    out = frame.groupby(by, dropna=False, observed=True).agg(**aggs).compute()
    return table_from_groups(out.reset_index(), by, value, kinds, "dask", scale)


def moments(
    ddf, keys: list[str], nums: list[str], pairs: list[tuple[int, int]]
) -> tuple[pd.DataFrame, int, int | None, list[int]]:
    """Per cell of ``keys``: n, scaled shifted sums ``s{i}`` and products ``q{i}_{j}``.

    Also: all rows, rows with no missing value, and per numeric column the
    rows among those where it is ``±inf`` (left out of the sums).
    """
    import dask

    d = ddf[keys + nums]
    n_all = int(d.shape[0].compute())
    d = d.dropna()
    n_ok, infs = None, []
    if nums:
        vals = d[nums].astype("float64")
        inf = vals.abs() == float("inf")
        finite = ~inf.any(axis=1)
        fin = vals[finite]
        n_ok, inf_n, means, tops = dask.compute(d.shape[0], inf.sum(), fin.mean(), fin.abs().max())
        n_ok, infs = int(n_ok), [int(inf_n[c]) for c in nums]
        d = d[finite]
    frame = d[keys].assign(n=1) if keys else d[[]].assign(n=1)
    if nums:
        xs = [
            (d[c].astype("float64") - float(means[c])) * centred_scale(float(tops[c])) for c in nums
        ]
        frame = frame.assign(**{f"s{i}": x for i, x in enumerate(xs)})
        frame = frame.assign(**{f"q{i}_{j}": xs[i] * xs[j] for i, j in pairs})
    if keys:
        out = frame.groupby(keys, observed=True).sum().compute().reset_index()
    else:
        out = frame.sum().compute().to_frame().T
    return out, n_all, n_ok, infs


def map_partitions(ddf, cols: list[str], fn) -> list:
    """``fn(frame, index)`` on every partition of ``cols``; only its results come back.

    Each partition is a pandas DataFrame in the worker that holds it; ``index``
    is its position in ``ddf.to_delayed()``, stable for a given DataFrame.
    """
    import dask

    parts = ddf[cols].to_delayed()
    return list(dask.compute(*[dask.delayed(fn)(p, i) for i, p in enumerate(parts)]))
