"""DuckDB relations: the counts and sums as one SQL aggregate each.

Column names are quoted as SQL identifiers (:func:`_quote`), so any name a
DataFrame allows works; only the aggregated rows are fetched.
"""

from __future__ import annotations

import pandas as pd

from .core import CountTable, centred_scale, kind_from_type_name, table_from_groups

#: The rows stay in DuckDB: the fit tests use the sums it computes.
IN_MEMORY = False


def _quote(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _types(rel) -> dict[str, str]:
    return dict(zip(rel.columns, map(str, rel.types), strict=False))


def columns(rel) -> list[str]:
    return [str(c) for c in rel.columns]


def schema_kind(rel, col: str) -> str:
    return kind_from_type_name(_types(rel)[col])


def count_table(rel, by: list[str], value: str | None, scale: float = 1.0) -> CountTable:
    types = _types(rel)
    kinds = {c: kind_from_type_name(types[c]) for c in by}
    keys = ", ".join(_quote(c) for c in by)
    aggs = "count(*) AS n"
    if value is not None:
        raw = f"CAST({_quote(value)} AS DOUBLE)"
        y = f"(CASE WHEN isfinite({raw}) THEN {raw} ELSE NULL END)"
        ys = f"({y} * {float(scale)!r})"
        aggs += (
            f", count({y}) AS ny, count_if(isinf({raw})) AS ninf, max(abs({y})) AS ymax,"
            f" sum({y}) AS sum, sum({ys} * {ys}) AS sumsq"
        )
    out = rel.aggregate(f"{keys}, {aggs}" if by else aggs, keys)
    small = pd.DataFrame.from_records(out.fetchall(), columns=out.columns)
    return table_from_groups(small, by, value, kinds, "duckdb", scale)


def moments(
    rel, keys: list[str], nums: list[str], pairs: list[tuple[int, int]]
) -> tuple[pd.DataFrame, int, int | None, list[int]]:
    """Per cell of ``keys``: n, scaled shifted sums ``s{i}`` and products ``q{i}_{j}``.

    Also: all rows, rows with no missing value, and per numeric column the
    rows among those where it is ``±inf`` (left out of the sums).
    """
    q = _quote
    n_all = rel.aggregate("count(*)").fetchall()[0][0]
    ok = [f"{q(c)} IS NOT NULL" for c in keys + nums]
    ok += [f"NOT isnan(CAST({q(c)} AS DOUBLE))" for c in nums]
    if ok:
        rel = rel.filter(" AND ".join(ok))
    x = {i: f"CAST({q(c)} AS DOUBLE)" for i, c in enumerate(nums)}
    n_ok, infs = None, []
    if nums:
        finite = " AND ".join(f"isfinite({x[i]})" for i in x)
        stats = rel.aggregate(
            ", ".join(
                ["count(*)"]
                + [f"count_if(isinf({x[i]}))" for i in x]
                + [f"avg({x[i]}) FILTER (WHERE {finite})" for i in x]
                + [f"max(abs({x[i]})) FILTER (WHERE {finite})" for i in x]
            )
        ).fetchall()[0]
        k = len(nums)
        n_ok, infs = int(stats[0]), [int(v or 0) for v in stats[1 : 1 + k]]
        means, tops = stats[1 + k : 1 + 2 * k], stats[1 + 2 * k :]
        rel = rel.filter(finite)
        x = {i: f"(({x[i]} - {float(means[i] or 0.0)!r}) * {centred_scale(tops[i])!r})" for i in x}
    aggs = ["count(*) AS n"] + [f"sum({x[i]}) AS s{i}" for i in x]
    aggs += [f"sum({x[i]} * {x[j]}) AS q{i}_{j}" for i, j in pairs]
    group = ", ".join(q(c) for c in keys)
    out = rel.aggregate(", ".join(([group] if keys else []) + aggs), group)
    return pd.DataFrame.from_records(out.fetchall(), columns=out.columns), n_all, n_ok, infs
