"""What every engine module shares: the count table, its levels, and column kinds.

An engine module (``pandas.py``, ``polars.py``, ...) knows how to ask its
engine for numbers; everything that does not depend on the engine lives
here, so that all engines hand back the *same* :class:`CountTable` -- levels
sorted the same way, cells in the same order, missing rows dropped and
counted the same way -- and a test written against one engine holds for all.

Nothing here imports an engine: only numpy and pandas (for
:meth:`CountTable.to_frame` and the small group-by results).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..hints import suggest

__all__ = [
    "BIG",
    "CountTable",
    "DataShapeError",
    "UnknownColumnError",
    "centred_scale",
    "finish_table",
    "kind_from_type_name",
    "kind_of_values",
    "mixed_spellings",
    "spellings_message",
    "square_scale",
    "table_from_groups",
    "unknown_column_message",
]


class DataShapeError(ValueError):
    """The table cannot be read by column name: duplicated names, or not a table at all."""


def check_unique_columns(names: list[str]) -> None:
    """Refuse a table whose column names repeat (after ``str``), naming the repeated ones.

    Two columns called ``Y`` (or a column ``1`` next to a column ``"1"``)
    make every name in a query ambiguous: which one did the user mean?

    >>> try:
    ...     check_unique_columns(["A", "B", "A"])
    ... except DataShapeError as e:
    ...     print(str(e)[:52])
    the data has duplicate column names: 'A' (2 columns)
    """
    seen: dict[str, int] = {}
    for n in names:
        seen[n] = seen.get(n, 0) + 1
    dup = [f"{n!r} ({k} columns)" for n, k in seen.items() if k > 1]
    if dup:
        shown = ", ".join(dup[:10]) + (f" and {len(dup) - 10} more" if len(dup) > 10 else "")
        raise DataShapeError(
            f"the data has duplicate column names: {shown}; rename them, e.g. "
            "df.columns = [...], or drop one (df.loc[:, ~df.columns.duplicated()])"
        )


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
    sum of squares per cell; rows whose value is ``±inf`` are left out and
    counted in ``n_nonfinite`` (not in ``n_dropped``, which counts missing
    values).  ``ysumsq`` is ``Σ (y · ysq_scale)²``: for values beyond
    :data:`BIG` the squares are summed scaled by a power of two (exact), so
    that they do not overflow; ``y_abs_max`` is the largest ``|y|`` used.
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
    n_nonfinite: int = 0
    ysq_scale: float = 1.0
    y_abs_max: float = 0.0

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


def unknown_column_message(name: str, have: list[str]) -> str:
    """``'x' is not a column of the data; did you mean 'X'? (columns: ...)``."""
    hint = suggest(name, have)
    more = f"; did you mean {hint!r}?" if hint else ""
    shown = ", ".join(map(str, have[:30])) + (", ..." if len(have) > 30 else "")
    return f"{name!r} is not a column of the data{more} (columns: {shown})"


#: Values whose square could overflow a float (sums of squares are scaled beyond it,
#: and below its inverse, where squares would underflow to 0).
BIG = 2.0**500


def square_scale(abs_max: float) -> float:
    """A power of two ``s`` with ``|y| · s`` near 1 when ``abs_max`` is beyond ``BIG`` or below
    ``1 / BIG`` (squares would overflow or underflow), else 1.

    >>> square_scale(3.0), square_scale(1e200) * 1e200 <= 1, square_scale(1e-200) * 1e-200 >= 0.5
    (1.0, True, True)
    """
    if not np.isfinite(abs_max) or not (abs_max > BIG or 0 < abs_max < 1 / BIG):
        return 1.0
    return float(2.0 ** -min(max(int(np.frexp(abs_max)[1]), -1000), 1000))


def centred_scale(abs_max: float | None) -> float:
    """The factor for values centred on their mean: ``|x - mean| <= 2 abs_max`` stays squarable.

    >>> centred_scale(None), centred_scale(1e300) * 1e300 <= 0.5
    (1.0, True)
    """
    return square_scale(float(abs_max or 0.0)) / (2.0 if abs_max and abs_max > BIG else 1.0)


# -- column kinds ------------------------------------------------------------------


def mixed_spellings(levels) -> list[tuple]:
    """Pairs of distinct levels that read the same (``1`` and ``"1"``), first seen first.

    A column holding both counts them as two values and splits their rows;
    the callers refuse such a column, naming both spellings.

    >>> mixed_spellings((1, "1", 2, "a"))
    [(1, '1')]
    """
    first: dict[str, object] = {}
    out = []
    for v in levels:
        key = str(v)
        if key in first and first[key] is not v and type(first[key]) is not type(v):
            out.append((first[key], v))
        else:
            first.setdefault(key, v)
    return out


def spellings_message(column: str, pairs: list[tuple]) -> str:
    """Column ``column`` mixes ``1`` (int) and ``'1'`` (str): what goes wrong, what to do."""
    a, b = pairs[0]
    more = f" (and {len(pairs) - 1} more such pairs)" if len(pairs) > 1 else ""
    return (
        f"column {column!r} mixes {a!r} ({type(a).__name__}) and {b!r} ({type(b).__name__}){more}: "
        "they would count as two different values and split the rows between them. Make the "
        f"column one type first, e.g. df[{column!r}] = df[{column!r}].astype(str)"
    )


def kind_of_values(values) -> str:
    """bool/int/float/string/other from the values themselves (None ignored)."""
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


def kind_from_type_name(name: str) -> str:
    """bool/int/float/string/other from an engine's type name (``Int64``, ``VARCHAR``...)."""
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


# -- packing a CountTable ----------------------------------------------------------


def _python(v: object) -> object:
    return v.item() if isinstance(v, np.generic) else v


def _sort_levels(values: list) -> tuple[list, np.ndarray]:
    """Sort levels; return them and the permutation old index -> new index."""
    try:
        order = sorted(range(len(values)), key=lambda i: values[i])
    except TypeError:
        order = sorted(range(len(values)), key=lambda i: str(values[i]))
    inverse = np.empty(len(values), dtype=np.int64)
    inverse[order] = np.arange(len(values))
    return [values[i] for i in order], inverse


_AS_KIND = {"int": int, "float": float, "bool": bool}


def finish_table(
    columns,
    level_lists,
    kinds,
    cell_codes,
    n,
    n_dropped,
    engine,
    value_column,
    ysum,
    ysumsq,
    **value_facts,
) -> CountTable:
    """Drop empty cells and unused levels, sort levels, pack a CountTable.

    ``cell_codes[i, j]`` indexes ``level_lists[j]`` (any order, unused
    levels allowed); the result's levels are sorted and its cells in
    canonical order, whatever the engine.
    """
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
        if kinds[c] in _AS_KIND:
            vals = [_AS_KIND[kinds[c]](v) for v in vals]
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
        **value_facts,
    )


def table_from_groups(
    small: pd.DataFrame,
    by: list[str],
    value: str | None,
    kinds: dict[str, str],
    engine: str,
    ysq_scale: float = 1.0,
) -> CountTable:
    """Turn an engine's small group-by result into a CountTable.

    ``small`` has the key columns and ``n`` (rows per group), and with a
    ``value`` also ``ny`` (rows with a finite value), ``ninf`` (rows with
    ``±inf``), ``ymax`` (largest ``|y|``), ``sum`` and ``sumsq`` (of the value
    times ``ysq_scale``, squared).  Engines keep null keys as groups; they are
    dropped (and counted) here, as are rows whose value is missing or infinite.
    """
    small = small.reset_index(drop=True)
    n = small["n"].to_numpy(dtype=np.int64)
    key_missing = np.zeros(len(small), dtype=bool)
    for c in by:
        key_missing |= small[c].isna().to_numpy()
    n_dropped = int(n[key_missing].sum())
    small = small[~key_missing].reset_index(drop=True)
    ysum = ysumsq = None
    facts: dict = {}
    if value is not None:
        ny = small["ny"].fillna(0).to_numpy(dtype=np.int64)
        ninf = int(small["ninf"].fillna(0).sum())
        n_dropped += int((small["n"].to_numpy(dtype=np.int64) - ny).sum()) - ninf
        small["n"] = ny
        ysum = small["sum"].fillna(0).to_numpy(dtype=float)
        ysumsq = small["sumsq"].fillna(0).to_numpy(dtype=float)
        ymax = small["ymax"].astype(float).max() if len(small) else 0.0
        facts = dict(n_nonfinite=ninf, ysq_scale=ysq_scale, y_abs_max=float(np.nan_to_num(ymax)))
    n = small["n"].to_numpy(dtype=np.int64)
    codes_cols, level_lists, kinds_out = [], [], {}
    for c in by:
        vals = small[c].tolist()
        kind = kinds.get(c, "other")
        if kind == "other" or (kind == "string" and not all(isinstance(v, str) for v in vals)):
            kind = kind_of_values(vals)
        uniq: dict = {}
        codes = np.fromiter((uniq.setdefault(v, len(uniq)) for v in vals), np.int64, len(vals))
        codes_cols.append(codes)
        level_lists.append(list(uniq))
        kinds_out[c] = kind
    cell_codes = np.stack(codes_cols, axis=1) if by else np.zeros((len(n), 0), dtype=np.int64)
    return finish_table(
        by, level_lists, kinds_out, cell_codes, n, n_dropped, engine, value, ysum, ysumsq, **facts
    )
