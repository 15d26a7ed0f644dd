"""polars (DataFrame and LazyFrame): the engine's own group-by, lazily planned.

A DataFrame is made lazy so that polars plans the whole query (filter, means,
group-by) at once; only the small per-cell table is collected.
"""

from __future__ import annotations

import pandas as pd

from .core import CountTable, centred_scale, kind_from_type_name, table_from_groups

#: The rows stay in polars: the fit tests use the sums it computes.
IN_MEMORY = False


def _lazy(df):
    import polars as pl

    return df.lazy() if isinstance(df, pl.DataFrame) else df


def columns(df) -> list[str]:
    import polars as pl

    if isinstance(df, pl.LazyFrame):
        return list(df.collect_schema().names())
    return list(df.columns)


def schema_kind(df, col: str) -> str:
    import polars as pl

    schema = df.collect_schema() if isinstance(df, pl.LazyFrame) else df.schema
    return kind_from_type_name(str(schema[col]))


def count_table(df, by: list[str], value: str | None, scale: float = 1.0) -> CountTable:
    import polars as pl

    lf = _lazy(df)
    schema = lf.collect_schema()
    kinds = {c: kind_from_type_name(str(schema[c])) for c in by}
    aggs = [pl.len().alias("n")]
    if value is not None:
        raw = pl.col(value).cast(pl.Float64)
        y = pl.when(raw.is_finite()).then(raw).otherwise(None)
        aggs += [
            y.count().alias("ny"),
            raw.is_infinite().sum().alias("ninf"),
            y.abs().max().alias("ymax"),
            y.sum().alias("sum"),
            ((y * scale) * (y * scale)).sum().alias("sumsq"),
        ]
    out = lf.group_by(by).agg(aggs).collect()
    small = pd.DataFrame({c: out[c].to_list() for c in out.columns})
    return table_from_groups(small, by, value, kinds, "polars", scale)


def moments(
    df, keys: list[str], nums: list[str], pairs: list[tuple[int, int]]
) -> tuple[pd.DataFrame, int, int | None, list[int]]:
    """Per cell of ``keys``: n, scaled shifted sums ``s{i}`` and products ``q{i}_{j}``.

    Also: all rows, rows with no missing value, and per numeric column the
    rows among those where it is ``±inf`` (left out of the sums).
    """
    import polars as pl

    lf = _lazy(df)
    n_all = lf.select(pl.len()).collect().item()
    ok = [pl.col(c).is_not_null() for c in keys + nums]
    ok += [pl.col(c).cast(pl.Float64).is_not_nan() for c in nums]
    lf = lf.filter(pl.all_horizontal(ok)) if ok else lf
    x = {i: pl.col(c).cast(pl.Float64) for i, c in enumerate(nums)}
    n_ok, infs = None, []
    if nums:
        finite = pl.all_horizontal([x[i].is_finite() for i in x])
        stats = lf.select(
            [pl.len()]
            + [x[i].is_infinite().sum().alias(f"i{i}") for i in x]
            + [x[i].filter(finite).mean().alias(f"m{i}") for i in x]
            + [x[i].filter(finite).abs().max().alias(f"a{i}") for i in x]
        ).collect()
        row, k = stats.row(0), len(nums)
        n_ok, infs = int(row[0]), [int(v or 0) for v in row[1 : 1 + k]]
        means, tops = row[1 + k : 1 + 2 * k], row[1 + 2 * k :]
        lf = lf.filter(finite)
        x = {i: (x[i] - (means[i] or 0.0)) * centred_scale(tops[i]) for i in x}
    aggs = [pl.len().alias("n")] + [x[i].sum().alias(f"s{i}") for i in x]
    aggs += [(x[i] * x[j]).sum().alias(f"q{i}_{j}") for i, j in pairs]
    out = (lf.group_by(keys).agg(aggs) if keys else lf.select(aggs)).collect()
    return pd.DataFrame({c: out[c].to_list() for c in out.columns}), n_all, n_ok, infs
