"""Counts and sums from any table engine, without bringing rows back.

Every estimate ``%do`` makes is arithmetic on one small table: the number of
rows in each cell of the used columns (plus, for a numeric outcome, the sum
and sum of squares of that outcome per cell).  Every fit test ``check_fit``
runs needs that table, or per-cell sums of products of numeric columns.
This package makes those tables in a single pass with the engine the data
already lives in, and nothing else comes back to Python:

* pandas: integer codes folded into one mixed-radix index and counted with
  ``numpy.bincount`` -- no hashing of row tuples (:mod:`.pandas`);
* polars, pyarrow, DuckDB, Dask and PySpark: the engine's own group-by
  (:mod:`.polars`, :mod:`.arrow`, :mod:`.duckdb`, :mod:`.dask`, :mod:`.spark`).

All engine knowledge lives in those modules, one per engine; the shared,
engine-neutral parts (:class:`CountTable`, level sorting, column kinds) in
:mod:`.core`; this module only recognises a table's engine and dispatches.
Engines are recognised by the module their type comes from and their module
here is imported on first use, so passing a pandas DataFrame never imports
Spark.

Adding an engine
----------------
Write ``backends/<name>.py`` with ``IN_MEMORY`` (True when the rows are
Python objects already, as in pandas and pyarrow) and the functions

* ``columns(data) -> list[str]``;
* ``schema_kind(data, col) -> str`` (from the schema, reading no rows);
* ``count_table(data, by, value, scale=1.0) -> CountTable`` (usually the
  engine's group-by handed to :func:`.core.table_from_groups`; ``±inf``
  values count as ``ninf``, squares are of ``value * scale``);
* ``local_frame(data, cols) -> pandas.DataFrame`` if ``IN_MEMORY``, else
  ``moments(data, keys, nums, pairs) -> (small frame, rows before dropping)``;

and, for an engine that keeps its rows and should run the model-based
``%do`` methods, ``map_partitions(data, cols, fn) -> list`` (``fn(frame,
index)`` on each partition as pandas, results brought back);
then add one line to :data:`ENGINES` (the engine's top-level module, this
module's name, the engine's name in messages).

Rows with a missing value (null or NaN) in a used column are dropped and
counted (``CountTable.n_dropped``); the estimator reports the count.
"""

from __future__ import annotations

import importlib
from types import ModuleType

import pandas as pd

from .core import (
    CountTable,
    DataShapeError,
    UnknownColumnError,
    check_unique_columns,
    square_scale,
    unknown_column_message,
)

__all__ = [
    "ENGINES",
    "CountTable",
    "DataShapeError",
    "UnknownColumnError",
    "columns_of",
    "count_table",
    "engine_of",
    "in_memory",
    "local_frame",
    "map_partitions",
    "moments",
    "rows_frame",
    "schema_kind",
    "unknown_column_message",
]

#: Engine name (the top-level module its table types come from) ->
#: (its module in this package, its name in messages).
ENGINES: dict[str, tuple[str, str]] = {
    "pandas": ("pandas", "pandas"),
    "polars": ("polars", "polars"),
    "pyarrow": ("arrow", "pyarrow"),
    "duckdb": ("duckdb", "DuckDB"),
    "dask": ("dask", "Dask"),
    "pyspark": ("spark", "PySpark"),
}


def engine_of(data: object) -> str | None:
    """Name of the engine a table belongs to, from its type's module."""
    for klass in type(data).__mro__:
        root = (klass.__module__ or "").split(".")[0]
        if root in ENGINES:
            return root
    return None


#: Type names of one-column objects (a Series, an Arrow array): refused with a hint.
_ONE_COLUMN = ("Series", "Array", "ChunkedArray", "Column")


def _engine(data: object) -> ModuleType:
    """The module of this package that knows ``data``'s engine; TypeError if none does."""
    engine = engine_of(data)
    kind = type(data).__name__
    if engine is not None and kind.endswith(_ONE_COLUMN):
        name = getattr(data, "name", None) or getattr(data, "_name", None)
        called = f" ({name!r})" if isinstance(name, str) and name else ""
        raise TypeError(
            f"--data must be a table with one column per variable, got a {ENGINES[engine][1]} "
            f"{kind}{called}: one column cannot hold the treatment and the outcome. Pass the "
            "DataFrame it came from, or join the columns, e.g. pd.concat([x, y], axis=1)"
        )
    if engine is None:
        names = [name for _, name in ENGINES.values()]
        listed = ", ".join(names[:-1]) + " or " + names[-1]
        raise TypeError(f"--data must be a table ({listed}), got {type(data).__name__}")
    return importlib.import_module(f"{__name__}.{ENGINES[engine][0]}")


def columns_of(data: object) -> list[str]:
    """Column names (as text) of a table of any supported engine; refuses repeated names.

    Non-text labels (``df.columns = [0, 1]``) are named by their text: the
    column ``1`` is the variable ``1`` of a graph or query.
    """
    names = _engine(data).columns(data)
    check_unique_columns(names)
    return names


def _check_columns(data: object, wanted: list[str]) -> None:
    have = columns_of(data)
    missing = [c for c in wanted if c not in have]
    if missing:
        raise UnknownColumnError(unknown_column_message(missing[0], have))


def count_table(data: object, by: list[str], value: str | None = None) -> CountTable:
    """Count complete rows per cell of ``by`` (and sum ``value`` and its square).

    One pass over the rows; only the count table comes back from a
    distributed engine.  Raises :class:`UnknownColumnError` for a name that is
    not a column and ``TypeError`` for an unsupported table type.

    >>> t = count_table(pd.DataFrame({"x": ["b", "a", "b", None]}), ["x"])
    >>> t.levels["x"], t.n.tolist(), t.n_dropped
    (('a', 'b'), [1, 2], 1)

    With a ``value``, rows where it is missing are dropped (``n_dropped``)
    and rows where it is ``±inf`` left out and counted apart
    (``n_nonfinite``); values so large that their squares would overflow
    have their squares summed scaled (``ysq_scale``), in a second pass for
    the engines that keep their rows.
    """
    by = list(dict.fromkeys(by))
    engine = _engine(data)
    _check_columns(data, by + ([value] if value else []))
    table = engine.count_table(data, by, value)
    scale = square_scale(table.y_abs_max)
    if value is not None and scale != table.ysq_scale:  # squares overflowed: sum them scaled
        table = engine.count_table(data, by, value, scale=scale)
    return table


def schema_kind(data: object, col: str) -> str:
    """``"bool"``, ``"int"``, ``"float"``, ``"string"`` or ``"other"``, from the schema alone.

    >>> schema_kind(pd.DataFrame({"x": [1.5]}), "x")
    'float'
    """
    return _engine(data).schema_kind(data, col)


def in_memory(data: object) -> bool:
    """True when the rows are Python objects already (pandas, pyarrow): test on them.

    Otherwise the rows live in an engine (polars, DuckDB, Dask, Spark) and
    :func:`moments` brings back only per-cell sums.
    """
    return bool(_engine(data).IN_MEMORY)


def local_frame(data: object, cols: list[str]) -> pd.DataFrame:
    """The columns ``cols`` of an in-memory table (see :func:`in_memory`) as pandas."""
    engine = _engine(data)
    if not engine.IN_MEMORY:
        raise TypeError(f"{engine_of(data)} keeps its rows; use moments() for its sums")
    return engine.local_frame(data, cols)


def rows_frame(data: object, cols: list[str]) -> pd.DataFrame:
    """Every row of ``cols`` as pandas, for the model-based ``%do`` methods.

    pandas and pyarrow hold their rows already; polars and DuckDB are local
    engines whose selected columns are brought over once.  Dask and PySpark
    keep their rows on purpose: they are refused here with a message (the
    model-based methods read them with :func:`map_partitions` instead).
    """
    name = engine_of(data)
    if name in ("dask", "pyspark"):
        raise TypeError(
            f"rows_frame would collect every row of a {ENGINES[name][1]} table; "
            "read it partition by partition with map_partitions()"
        )
    if name == "polars":
        out = data.select(cols)
        return (out.collect() if hasattr(out, "collect") else out).to_pandas()
    if name == "duckdb":
        from .duckdb import _quote

        return data.project(", ".join(_quote(c) for c in cols)).df()
    return local_frame(data, cols)


def map_partitions(data: object, cols: list[str], fn) -> list:
    """``fn(frame, index)`` on each partition of ``cols`` where the rows live; the results.

    For the model-based ``%do`` methods on Dask and PySpark: ``fn`` turns one
    partition (a pandas DataFrame) into small sums, and only those come back.
    A table held in Python (pandas, pyarrow, polars, DuckDB) is one partition,
    index 0.  ``fn`` must not depend on anything but its arguments (it may run
    in another process).
    """
    engine = _engine(data)
    _check_columns(data, cols)
    if hasattr(engine, "map_partitions"):
        return engine.map_partitions(data, cols, fn)
    return [fn(rows_frame(data, cols), 0)]


def moments(
    data: object, keys: list[str], nums: list[str]
) -> tuple[pd.DataFrame, int, int, dict[str, int]]:
    """Per cell of ``keys``: ``n``, ``s{i}`` = Σ x_i and ``q{i}_{j}`` = Σ x_i x_j (i ≤ j).

    ``x_i`` is the numeric column ``nums[i]``, shifted by its mean (so that
    the within-cell sums of squares do not cancel catastrophically) and, when
    its values are so large that their squares would overflow, scaled by a
    power of two: the sums are those of a linear transform of each column,
    which leaves correlations as they are.  Rows with a missing value in any
    used column are left out (the second value counts them), and so are rows
    where a numeric column is ``±inf`` (the third value counts them; the
    fourth says per column how many).  Only the small table comes back to
    Python.  For engines that keep their rows (see :func:`in_memory`); a
    pandas or pyarrow table raises ``TypeError``.
    """
    engine = _engine(data)
    if engine.IN_MEMORY:
        raise TypeError(f"{engine_of(data)} rows are in memory; use local_frame()")
    pairs = [(i, j) for i in range(len(nums)) for j in range(i, len(nums))]
    small, n_all, n_ok, infs = engine.moments(data, keys, nums, pairs)
    small = small.reset_index(drop=True)
    n_used = int(small["n"].sum())
    n_ok = n_used if n_ok is None else int(n_ok)
    nonfinite = {c: k for c, k in zip(nums, infs, strict=False) if k}
    return small, int(n_all - n_ok), int(n_ok - n_used), nonfinite
