"""PySpark DataFrames: one ``groupBy().agg()``; only the aggregated rows are collected.

Column names are quoted with backticks, so names with dots or spaces work.
"""

from __future__ import annotations

import pandas as pd

from .core import CountTable, kind_from_type_name, table_from_groups

#: The rows stay in Spark: the fit tests use the sums it computes.
IN_MEMORY = False


def columns(sdf) -> list[str]:
    return [str(c) for c in sdf.columns]


def schema_kind(sdf, col: str) -> str:
    return kind_from_type_name(dict(sdf.dtypes)[col])


def count_table(sdf, by: list[str], value: str | None) -> CountTable:
    from pyspark.sql import functions as F

    types = dict(sdf.dtypes)
    kinds = {c: kind_from_type_name(types[c]) for c in by}
    aggs = [F.count(F.lit(1)).alias("n")]
    if value is not None:
        y = F.col(value).cast("double")
        y = F.when(F.isnan(y), F.lit(None)).otherwise(y)
        aggs += [F.count(y).alias("ny"), F.sum(y).alias("sum"), F.sum(y * y).alias("sumsq")]
    out = sdf.groupBy(*[F.col(f"`{c}`") for c in by]).agg(*aggs).collect()
    names = list(by) + ["n"] + (["ny", "sum", "sumsq"] if value is not None else [])
    small = pd.DataFrame.from_records([tuple(r) for r in out], columns=names)
    return table_from_groups(small, by, value, kinds, "pyspark")


def moments(
    sdf, keys: list[str], nums: list[str], pairs: list[tuple[int, int]]
) -> tuple[pd.DataFrame, int]:
    """Per cell of ``keys``: n, shifted sums ``s{i}`` and products ``q{i}_{j}``; and all rows."""
    from pyspark.sql import functions as F

    n_all = sdf.count()
    cond = None
    for c in keys + nums:
        ok = F.col(f"`{c}`").isNotNull()
        if c in nums:
            ok = ok & ~F.isnan(F.col(f"`{c}`").cast("double"))
        cond = ok if cond is None else cond & ok
    if cond is not None:
        sdf = sdf.filter(cond)
    x = {i: F.col(f"`{c}`").cast("double") for i, c in enumerate(nums)}
    if nums:
        means = sdf.agg(*[F.avg(x[i]) for i in x]).collect()[0]
        x = {i: x[i] - F.lit(float(means[i] or 0.0)) for i in x}
    aggs = [F.count(F.lit(1)).alias("n")] + [F.sum(x[i]).alias(f"s{i}") for i in x]
    aggs += [F.sum(x[i] * x[j]).alias(f"q{i}_{j}") for i, j in pairs]
    grouped = sdf.groupBy(*[F.col(f"`{c}`") for c in keys]) if keys else sdf.groupBy()
    rows = grouped.agg(*aggs).collect()
    names = keys + ["n"] + [f"s{i}" for i in x] + [f"q{i}_{j}" for i, j in pairs]
    return pd.DataFrame.from_records([tuple(r) for r in rows], columns=names), n_all
