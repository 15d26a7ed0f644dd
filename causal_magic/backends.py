"""Count tables from any table engine, without bringing rows back.

Every estimate ``%do`` makes is arithmetic on one small table: the number of
rows in each cell of the used columns (plus, for a numeric outcome, the sum
and sum of squares of that outcome per cell).  This module makes that table
in a single pass with the engine the data already lives in, and nothing
else comes back to Python:

* pandas: integer codes per column (categorical codes, a small-range integer
  offset, or ``pd.factorize``) folded into one mixed-radix index and counted
  with ``numpy.bincount`` -- no hashing of row tuples;
* polars, pyarrow, DuckDB, Dask and PySpark: the engine's own group-by.

Engines are imported lazily and recognised by the module their type comes
from, so passing a pandas DataFrame never imports Spark.

Rows with a missing value (null or NaN) in a used column are dropped and
counted (``CountTable.n_dropped``); the estimator reports the count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["CountTable", "UnknownColumnError", "columns_of", "count_table", "engine_of"]

ENGINES = ("pandas", "polars", "pyarrow", "duckdb", "dask", "pyspark")

#: Largest dense mixed-radix index the pandas fast path will bincount.
_DENSE_LIMIT = 1 << 24


class UnknownColumnError(KeyError):
    """A name in the query or ``--adjust`` is not a column of the data."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0])


@dataclass
class CountTable:
    """Counts of complete rows per cell of ``columns``.

    ``codes[i, j]`` is the index into ``levels[columns[j]]`` of cell ``i``;
    ``n[i]`` its row count.  ``levels`` hold only values that occur (sorted,
    as plain Python scalars); ``kinds`` say what each column holds
    (``"bool"``, ``"int"``, ``"float"``, ``"string"`` or ``"other"``).  With a
    ``value_column`` (a numeric outcome), ``ysum``/``ysumsq`` are its sum and
    sum of squares per cell.
    """

    columns: tuple[str, ...]
    levels: dict[str, tuple]
    kinds: dict[str, str]
    codes: np.ndarray
    n: np.ndarray
    n_dropped: int = 0
    engine: str = "pandas"
    value_column: str | None = None
    ysum: np.ndarray | None = None
    ysumsq: np.ndarray | None = None

    @property
    def n_used(self) -> int:
        return int(self.n.sum())

    def col(self, name: str) -> np.ndarray:
        """Codes of one column, per cell."""
        return self.codes[:, self.columns.index(name)]

    def to_frame(self) -> pd.DataFrame:
        """The table as a DataFrame of values and counts (for reading, tests)."""
        out = {c: [self.levels[c][k] for k in self.col(c)] for c in self.columns}
        out["n"] = self.n
        if self.ysum is not None:
            out["sum"] = self.ysum
            out["sumsq"] = self.ysumsq
        return pd.DataFrame(out)


def engine_of(data: object) -> str | None:
    """Name of the engine a table belongs to, from its type's module."""
    for klass in type(data).__mro__:
        root = (klass.__module__ or "").split(".")[0]
        if root in ENGINES:
            return root
    return None


def columns_of(data: object) -> list[str]:
    """Column names of a table of any supported engine."""
    engine = engine_of(data)
    if engine == "polars":
        import polars as pl

        if isinstance(data, pl.LazyFrame):
            return list(data.collect_schema().names())
        return list(data.columns)
    if engine == "pyarrow":
        return list(data.column_names)
    if engine in ("pandas", "dask", "pyspark", "duckdb"):
        return [str(c) for c in data.columns]
    raise TypeError(
        f"--data must be a table (pandas, polars, pyarrow, DuckDB, Dask or PySpark), "
        f"got {type(data).__name__}"
    )


def _python(v: object) -> object:
    return v.item() if isinstance(v, np.generic) else v


def _kind_of_values(values) -> str:
    vals = [v for v in values if v is not None]
    if not vals:
        return "other"
    if all(isinstance(v, (bool, np.bool_)) for v in vals):
        return "bool"
    if all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in vals):
        return "int"
    if all(isinstance(v, (int, float, np.integer, np.floating)) for v in vals):
        return "float"
    if all(isinstance(v, str) for v in vals):
        return "string"
    return "other"


def _sort_levels(values: list) -> tuple[list, np.ndarray]:
    """Sort levels; return them and the permutation old index -> new index."""
    try:
        order = sorted(range(len(values)), key=lambda i: values[i])
    except TypeError:
        order = sorted(range(len(values)), key=lambda i: str(values[i]))
    inverse = np.empty(len(values), dtype=np.int64)
    inverse[order] = np.arange(len(values))
    return [values[i] for i in order], inverse


def _finish(
    columns, level_lists, kinds, cell_codes, n, n_dropped, engine, value_column, ysum, ysumsq
) -> CountTable:
    """Drop empty cells and unused levels, sort levels, pack a CountTable."""
    keep = n > 0
    cell_codes = cell_codes[keep]
    n = n[keep]
    if ysum is not None:
        ysum, ysumsq = ysum[keep], ysumsq[keep]
    levels = {}
    codes = np.empty_like(cell_codes, dtype=np.int64)
    for j, c in enumerate(columns):
        used = np.unique(cell_codes[:, j])
        vals = [_python(level_lists[j][k]) for k in used]
        if kinds[c] == "int":
            vals = [int(v) for v in vals]
        elif kinds[c] == "float":
            vals = [float(v) for v in vals]
        elif kinds[c] == "bool":
            vals = [bool(v) for v in vals]
        remap = np.full(len(level_lists[j]) if len(level_lists[j]) else 1, -1, dtype=np.int64)
        sorted_vals, perm = _sort_levels(vals)
        remap[used] = perm
        codes[:, j] = remap[cell_codes[:, j]]
        levels[c] = tuple(sorted_vals)
    if len(columns) and len(n):
        order = np.lexsort(codes.T[::-1])  # canonical cell order, whatever the engine
        codes, n = codes[order], n[order]
        if ysum is not None:
            ysum, ysumsq = ysum[order], ysumsq[order]
    return CountTable(
        tuple(columns),
        levels,
        dict(kinds),
        codes,
        n.astype(np.int64),
        int(n_dropped),
        engine,
        value_column,
        None if ysum is None else ysum.astype(float),
        None if ysumsq is None else ysumsq.astype(float),
    )


def _check_columns(data: object, wanted: list[str]) -> None:
    have = columns_of(data)
    missing = [c for c in wanted if c not in have]
    if missing:
        raise UnknownColumnError(_unknown_column_message(missing[0], have))


def _unknown_column_message(name: str, have: list[str]) -> str:
    from .hints import suggest

    hint = suggest(name, have)
    more = f"; did you mean {hint!r}?" if hint else ""
    shown = ", ".join(map(str, have[:30])) + (", ..." if len(have) > 30 else "")
    return f"{name!r} is not a column of the data{more} (columns: {shown})"


def count_table(data: object, by: list[str], value: str | None = None) -> CountTable:
    """Count complete rows per cell of ``by`` (and sum ``value`` and its square).

    One pass over the rows; only the count table comes back from a
    distributed engine.  Raises :class:`UnknownColumnError` for a name that is
    not a column and ``TypeError`` for an unsupported table type.
    """
    by = list(dict.fromkeys(by))
    engine = engine_of(data)
    if engine is None:
        columns_of(data)  # raises the TypeError with the supported list
    _check_columns(data, by + ([value] if value else []))
    if engine == "pandas":
        if isinstance(data, pd.Series):
            data = data.to_frame()
        return _pandas(data, by, value)
    small, kinds = {
        "polars": _polars,
        "pyarrow": _pyarrow,
        "duckdb": _duckdb,
        "dask": _dask,
        "pyspark": _spark,
    }[engine](data, by, value)
    return _from_small(small, by, value, kinds, engine)


# -- pandas fast path ---------------------------------------------------------


def _pandas_codes(s: pd.Series) -> tuple[np.ndarray, list, str]:
    """Integer codes (-1 for missing), the levels they index, and the kind."""
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        cats = list(dtype.categories)
        return np.asarray(s.cat.codes), cats, _kind_of_values(cats)
    if isinstance(dtype, np.dtype) and dtype == np.bool_:
        return s.to_numpy().view(np.int8), [False, True], "bool"
    if isinstance(dtype, np.dtype) and dtype.kind in "iu" and len(s):
        arr = s.to_numpy()
        lo, hi = int(arr.min()), int(arr.max())
        if hi - lo < max(1 << 16, 4 * len(arr)):
            width = hi - lo + 1
            small = np.int8 if width < 127 else np.int16 if width < 32767 else np.int64
            codes = (arr - lo).astype(small, copy=False) if lo else arr.astype(small, copy=False)
            return codes, list(range(lo, hi + 1)), "int"
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    uniques = list(uniques)
    if dtype.kind in "iu":
        kind = "int"
    elif dtype.kind == "f":
        kind = "float"
    elif dtype.kind == "b" or str(dtype) == "boolean":
        kind = "bool"
    elif str(dtype).startswith(("Int", "UInt")):
        kind = "int"
    elif str(dtype).startswith("Float"):
        kind = "float"
    else:
        kind = _kind_of_values(uniques)
    return codes, uniques, kind


def _pandas(df: pd.DataFrame, by: list[str], value: str | None) -> CountTable:
    n_rows = len(df)
    per_col = [_pandas_codes(df[c]) for c in by]
    radices = [max(len(levels), 1) for _, levels, _ in per_col]
    total = math.prod(radices)
    missing = None
    for codes, _, _ in per_col:
        if codes.dtype.kind == "i" and n_rows and codes.min() < 0:
            m = codes < 0
            missing = m if missing is None else missing | m
    y = None
    if value is not None:
        y = pd.to_numeric(df[value], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        ym = np.isnan(y)
        if ym.any():
            missing = ym if missing is None else missing | ym
    kinds = {c: k for c, (_, _, k) in zip(by, per_col, strict=False)}
    levels = [lv for _, lv, _ in per_col]

    if total <= max(_DENSE_LIMIT, 2 * n_rows) and total < (1 << 62):
        # Horner's scheme in place: idx = ((c0 * r1 + c1) * r2 + c2) ...
        idx = np.zeros(n_rows, dtype=np.int64) if not by else per_col[0][0].astype(np.int64)
        for (codes, _, _), r in zip(per_col[1:], radices[1:], strict=False):
            idx *= r
            idx += codes
        length = total
        if missing is not None:
            idx[missing] = total  # one extra bin collects the dropped rows
            length = total + 1
        n = np.bincount(idx, minlength=length)
        ysum = ysumsq = None
        if y is not None:
            yy = np.where(missing, 0.0, y) if missing is not None else y
            ysum = np.bincount(idx, weights=yy, minlength=length)[:total]
            ysumsq = np.bincount(idx, weights=yy * yy, minlength=length)[:total]
        n_dropped = int(n[total]) if missing is not None else 0
        n = n[:total]
        nz = np.flatnonzero(n)
        cell_codes = (
            np.stack(np.unravel_index(nz, radices), axis=1)
            if by
            else np.zeros((len(nz), 0), dtype=np.int64)
        )
        return _finish(
            by,
            levels,
            kinds,
            cell_codes,
            n[nz],
            n_dropped,
            "pandas",
            value,
            None if ysum is None else ysum[nz],
            None if ysumsq is None else ysumsq[nz],
        )

    # Too many possible cells for a dense index: group the code columns.
    frame = pd.DataFrame({f"c{j}": codes for j, (codes, _, _) in enumerate(per_col)})
    if y is not None:
        frame["y"] = y
        frame["y2"] = y * y
    if missing is not None:
        n_dropped = int(missing.sum())
        frame = frame[~missing]
    else:
        n_dropped = 0
    keys = list(frame.columns[: len(by)])
    g = frame.groupby(keys, sort=False)
    small = g.size().rename("n").reset_index()
    if y is not None:
        sums = g[["y", "y2"]].sum().reset_index(drop=True)
        small["sum"], small["sumsq"] = sums["y"].to_numpy(), sums["y2"].to_numpy()
    return _finish(
        by,
        levels,
        kinds,
        small[keys].to_numpy(dtype=np.int64),
        small["n"].to_numpy(),
        n_dropped,
        "pandas",
        value,
        None if y is None else small["sum"].to_numpy(),
        None if y is None else small["sumsq"].to_numpy(),
    )


# -- engines with their own group-by --------------------------------------------
# Each returns (small pandas frame with the key columns and n [, ny, sum, sumsq],
# rows dropped for a missing outcome, kinds per key column).  Null keys are kept
# as groups by the engine and dropped (and counted) in _from_small.


def _kind_from_type_name(name: str) -> str:
    t = name.lower()
    if t.startswith(("bool",)):
        return "bool"
    if any(k in t for k in ("int", "long", "short", "byte")) and "interval" not in t:
        return "int"
    if any(k in t for k in ("float", "double", "decimal", "real")):
        return "float"
    if any(k in t for k in ("str", "utf8", "varchar", "string", "char", "text", "categorical")):
        return "string"
    return "other"


def _polars(df, by, value):
    import polars as pl

    lf = df.lazy() if isinstance(df, pl.DataFrame) else df
    schema = lf.collect_schema()
    kinds = {c: _kind_from_type_name(str(schema[c])) for c in by}
    aggs = [pl.len().alias("n")]
    if value is not None:
        y = pl.col(value).cast(pl.Float64).fill_nan(None)
        aggs += [
            y.count().alias("ny"),
            y.sum().alias("sum"),
            (y * y).sum().alias("sumsq"),
        ]
    out = lf.group_by(by).agg(aggs).collect()
    return pd.DataFrame({c: out[c].to_list() for c in out.columns}), kinds


def _pyarrow(table, by, value):
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    kinds = {c: _kind_from_type_name(str(table.schema.field(c).type)) for c in by}
    cols = {c: table[c] for c in by}
    for c in by:
        if pa.types.is_dictionary(cols[c].type):
            cols[c] = cols[c].cast(cols[c].type.value_type)
            kinds[c] = _kind_from_type_name(str(cols[c].type))
    aggs = [([], "count_all")]
    if value is not None:
        y = pc.cast(table[value], pa.float64())
        y = pc.if_else(pc.is_nan(y), pa.scalar(None, pa.float64()), y)
        cols["__y"] = y
        cols["__y2"] = pc.multiply(y, y)
        aggs += [("__y", "count"), ("__y", "sum"), ("__y2", "sum")]
    t = pa.table(cols)
    out = t.group_by(by, use_threads=True).aggregate(aggs)
    names = {"count_all": "n", "__y_count": "ny", "__y_sum": "sum", "__y2_sum": "sumsq"}
    out = out.rename_columns([names.get(c, c) for c in out.column_names])
    return pd.DataFrame({c: out[c].to_pylist() for c in out.column_names}), kinds


def _quote_sql(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _duckdb(rel, by, value):
    kinds = {
        c: _kind_from_type_name(str(t))
        for c, t in zip(rel.columns, rel.types, strict=False)
        if c in by
    }
    keys = ", ".join(_quote_sql(c) for c in by)
    aggs = "count(*) AS n"
    if value is not None:
        y = f"CAST({_quote_sql(value)} AS DOUBLE)"
        y = f"(CASE WHEN isnan({y}) THEN NULL ELSE {y} END)"
        aggs += f", count({y}) AS ny, sum({y}) AS sum, sum({y} * {y}) AS sumsq"
    out = rel.aggregate(f"{keys}, {aggs}" if by else aggs, keys)
    cols = out.columns
    rows = out.fetchall()
    return pd.DataFrame.from_records(rows, columns=cols), kinds


def _dask(ddf, by, value):
    kinds = {c: _kind_from_type_name(str(ddf[c].dtype)) for c in by}
    for c in by:
        if str(ddf[c].dtype) == "category":
            kinds[c] = "string"
    frame = ddf[by].assign(__one=1)
    aggs = {"n": ("__one", "sum")}
    if value is not None:
        y = ddf[value].astype("float64")
        frame = frame.assign(__y=y, __y2=y * y)
        aggs.update(ny=("__y", "count"), sum=("__y", "sum"), sumsq=("__y2", "sum"))
    out = frame.groupby(by, dropna=False, observed=True).agg(**aggs).compute()
    return out.reset_index(), kinds


def _spark(sdf, by, value):
    from pyspark.sql import functions as F

    types = dict(sdf.dtypes)
    kinds = {c: _kind_from_type_name(types[c]) for c in by}
    aggs = [F.count(F.lit(1)).alias("n")]
    if value is not None:
        y = F.col(value).cast("double")
        y = F.when(F.isnan(y), F.lit(None)).otherwise(y)
        aggs += [F.count(y).alias("ny"), F.sum(y).alias("sum"), F.sum(y * y).alias("sumsq")]
    out = sdf.groupBy(*[F.col(f"`{c}`") for c in by]).agg(*aggs).collect()
    names = list(by) + ["n"] + (["ny", "sum", "sumsq"] if value is not None else [])
    return pd.DataFrame.from_records([tuple(r) for r in out], columns=names), kinds


def _from_small(small, by, value, kinds, engine, n_dropped_extra=0) -> CountTable:
    """Turn an engine's small group-by result into a CountTable."""
    small = small.reset_index(drop=True)
    n = small["n"].to_numpy(dtype=np.int64)
    key_missing = np.zeros(len(small), dtype=bool)
    for c in by:
        key_missing |= small[c].isna().to_numpy()
    n_dropped = int(n[key_missing].sum()) + int(n_dropped_extra or 0)
    small = small[~key_missing].reset_index(drop=True)
    ysum = ysumsq = None
    if value is not None:
        ny = small["ny"].fillna(0).to_numpy(dtype=np.int64)
        n_dropped += int((small["n"].to_numpy(dtype=np.int64) - ny).sum())
        small["n"] = ny
        ysum = small["sum"].fillna(0).to_numpy(dtype=float)
        ysumsq = small["sumsq"].fillna(0).to_numpy(dtype=float)
    n = small["n"].to_numpy(dtype=np.int64)
    codes_cols, level_lists, kinds_out = [], [], {}
    for c in by:
        vals = small[c].tolist()
        kind = kinds.get(c, "other")
        if kind == "other" or (kind == "string" and not all(isinstance(v, str) for v in vals)):
            kind = _kind_of_values(vals)
        uniq: dict = {}
        codes = np.fromiter((uniq.setdefault(v, len(uniq)) for v in vals), np.int64, len(vals))
        codes_cols.append(codes)
        level_lists.append(list(uniq))
        kinds_out[c] = kind
    cell_codes = np.stack(codes_cols, axis=1) if by else np.zeros((len(n), 0), dtype=np.int64)
    return _finish(
        by, level_lists, kinds_out, cell_codes, n, n_dropped, engine, value, ysum, ysumsq
    )
