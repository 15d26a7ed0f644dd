"""PySpark DataFrames: one ``groupBy().agg()``; only the aggregated rows are collected.

Column names are quoted with backticks, so names with dots or spaces work.
"""

from __future__ import annotations

import pandas as pd

from .core import CountTable, centred_scale, kind_from_type_name, table_from_groups

#: The rows stay in Spark: the fit tests use the sums it computes.
IN_MEMORY = False


def columns(sdf) -> list[str]:
    return [str(c) for c in sdf.columns]


def schema_kind(sdf, col: str) -> str:
    return kind_from_type_name(dict(sdf.dtypes)[col])


def count_table(sdf, by: list[str], value: str | None, scale: float = 1.0) -> CountTable:
    from pyspark.sql import functions as F

    types = dict(sdf.dtypes)
    kinds = {c: kind_from_type_name(types[c]) for c in by}
    aggs = [F.count(F.lit(1)).alias("n")]
    if value is not None:
        raw = F.col(f"`{value}`").cast("double")
        inf = F.abs(raw) == F.lit(float("inf"))
        y = F.when(F.isnan(raw) | inf, F.lit(None)).otherwise(raw)
        ys = y * F.lit(float(scale))
        aggs += [
            F.count(y).alias("ny"),
            F.sum(y).alias("sum"),
            F.sum(ys * ys).alias("sumsq"),
            F.sum(F.when(inf, 1).otherwise(0)).alias("ninf"),
            F.max(F.abs(y)).alias("ymax"),
        ]
    out = sdf.groupBy(*[F.col(f"`{c}`") for c in by]).agg(*aggs).collect()
    extra = ["ny", "sum", "sumsq", "ninf", "ymax"] if value is not None else []
    names = [*by, "n", *extra]
    small = pd.DataFrame.from_records([tuple(r) for r in out], columns=names)
    return table_from_groups(small, by, value, kinds, "pyspark", scale)


def moments(
    sdf, keys: list[str], nums: list[str], pairs: list[tuple[int, int]]
) -> tuple[pd.DataFrame, int, int, list[int]]:
    """Per cell of ``keys``: n, scaled shifted sums ``s{i}`` and products ``q{i}_{j}``.

    Also: all rows, rows with no missing value, and per numeric column the
    rows among those where it is ``±inf`` (left out of the sums).
    """
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
    n_ok, infs = None, []  # None: every row left (no numeric column can be infinite)
    if nums:
        inf = {i: F.abs(x[i]) == F.lit(float("inf")) for i in x}
        finite = ~inf[0]
        for i in list(x)[1:]:
            finite = finite & ~inf[i]
        stats = sdf.agg(
            F.count(F.lit(1)),
            *[F.sum(F.when(inf[i], 1).otherwise(0)) for i in x],
            *[F.avg(F.when(finite, x[i])) for i in x],
            *[F.max(F.when(finite, F.abs(x[i]))) for i in x],
        ).collect()[0]
        k = len(nums)
        n_ok, infs = int(stats[0]), [int(v or 0) for v in stats[1 : 1 + k]]
        sdf = sdf.filter(finite)
        means, tops = stats[1 + k : 1 + 2 * k], stats[1 + 2 * k :]
        x = {i: (x[i] - F.lit(float(means[i] or 0.0))) * F.lit(centred_scale(tops[i])) for i in x}
    aggs = [F.count(F.lit(1)).alias("n")] + [F.sum(x[i]).alias(f"s{i}") for i in x]
    aggs += [F.sum(x[i] * x[j]).alias(f"q{i}_{j}") for i, j in pairs]
    grouped = sdf.groupBy(*[F.col(f"`{c}`") for c in keys]) if keys else sdf.groupBy()
    rows = grouped.agg(*aggs).collect()
    names = keys + ["n"] + [f"s{i}" for i in x] + [f"q{i}_{j}" for i, j in pairs]
    return pd.DataFrame.from_records([tuple(r) for r in rows], columns=names), n_all, n_ok, infs


def map_partitions(sdf, cols: list[str], fn) -> list:
    """``fn(frame, index)`` on every partition of ``cols``; only its results come back.

    ``mapInPandas`` hands each task its partition as Arrow batches; they are
    joined into one pandas frame, and ``fn``'s result travels back pickled in
    one row per partition.  ``index`` is Spark's partition id, stable for a
    given DataFrame.
    """
    import pickle

    def run(batches):
        from pyspark import TaskContext

        frames = list(batches)
        frame = pd.concat(frames, ignore_index=True) if frames else None
        index = TaskContext.get().partitionId()
        if frame is None:
            return
        yield pd.DataFrame({"part": [index], "payload": [pickle.dumps(fn(frame, index))]})

    job = sdf.select(*[f"`{c}`" for c in cols]).mapInPandas(run, schema="part long, payload binary")
    try:
        rows = job.collect()
    except Exception as err:  # the worker's Python is not this kernel's
        if "ModuleNotFoundError" not in str(err) and "PYTHON_VERSION_MISMATCH" not in str(err):
            raise
        import sys

        raise ValueError(
            "Spark's Python workers cannot run causal_magic (they use another Python: "
            f"{_last_line(str(err))}). Start the Spark session with PYSPARK_PYTHON (or the "
            f"setting spark.pyspark.python) set to this kernel's Python, {sys.executable}"
        ) from None
    return [pickle.loads(r["payload"]) for r in sorted(rows, key=lambda r: r["part"])]


def _last_line(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1][:200] if lines else "no message"
