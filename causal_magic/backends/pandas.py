"""pandas: count tables without hashing rows, and the rows themselves for the fit tests.

pandas has no engine to push work into, so the count is made here as fast as
numpy allows: integer codes per column (categorical codes, a small-range
integer offset, or ``pd.factorize``) folded into one mixed-radix index and
counted with ``numpy.bincount``.  When the index would be too large to count
densely, the code columns are grouped instead.  The rows are already in
memory, so the linear fit tests run on them (:func:`local_frame`).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import pandas as pd

from .core import CountTable, finish_table, kind_of_values, square_scale

#: The rows are in Python's memory: tests run on them, not on engine sums.
IN_MEMORY = True

#: Largest dense mixed-radix index the fast path will bincount.
_DENSE_LIMIT = 1 << 24


def columns(df: pd.DataFrame) -> list[str]:
    return [str(c) for c in df.columns]


def _label(df: pd.DataFrame, name: str) -> object:
    """The label that reads ``name``: labels need not be text (``1`` for ``"1"``)."""
    if isinstance(name, str) and name in df.columns:
        return name
    for label in df.columns:
        if str(label) == name:
            return label
    raise KeyError(name)


def column(df: pd.DataFrame, name: str) -> pd.Series:
    """The column whose label reads ``name`` (``df[1]`` for ``"1"``).

    Callers have checked that no two labels read the same
    (:func:`causal_magic.backends.columns_of`).
    """
    return df[_label(df, name)]


def schema_kind(df: pd.DataFrame, col: str) -> str:
    """bool/int/float/other from the dtype, without reading rows."""
    s = column(df, col)
    kind = getattr(s.dtype, "kind", "O")
    if kind == "b" or str(s.dtype) == "boolean":
        return "bool"
    if kind in "iu" or str(s.dtype).startswith(("Int", "UInt")):
        return "int"
    if kind == "f" or str(s.dtype).startswith("Float"):
        return "float"
    return "other"


def local_frame(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    out = df[[_label(df, c) for c in cols]]
    out.columns = list(cols)
    return out


#: Rows per block when one pass takes both the min and the max (the block stays in cache).
_BLOCK = 1 << 17


def _min_max(arr: np.ndarray) -> tuple[int, int]:
    """``(arr.min(), arr.max())`` reading the memory once: block by block, both from cache."""
    if len(arr) <= 2 * _BLOCK:
        return int(arr.min()), int(arr.max())
    los, his = [], []
    for i in range(0, len(arr), _BLOCK):
        block = arr[i : i + _BLOCK]
        los.append(block.min())
        his.append(block.max())
    return int(min(los)), int(max(his))


class _Codes(NamedTuple):
    """One column as integers for the mixed-radix index.

    ``codes - offset`` indexes ``levels`` (``offset`` lets an integer column
    be used as it is, without a shifted copy); ``can_miss`` is False when no
    code can be the missing marker -1, so no pass looks for one.
    """

    codes: np.ndarray
    levels: list
    kind: str
    offset: int = 0
    can_miss: bool = True


def _codes(s: pd.Series) -> _Codes:
    """Integer codes (-1 for missing), the levels they index, and the kind."""
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        cats = list(dtype.categories)
        return _Codes(np.asarray(s.cat.codes), cats, kind_of_values(cats))
    if isinstance(dtype, np.dtype) and dtype == np.bool_:
        return _Codes(s.to_numpy().view(np.int8), [False, True], "bool", 0, False)
    if isinstance(dtype, np.dtype) and dtype.kind in "iu" and len(s):
        arr = s.to_numpy()
        lo, hi = _min_max(arr)
        if hi - lo < max(1 << 16, 4 * len(arr)):
            levels = list(range(lo, hi + 1))
            if dtype.kind == "i" or dtype.itemsize < 8:  # used as they are: no copy
                return _Codes(arr, levels, "int", lo, False)
            return _Codes((arr - lo).astype(np.int64), levels, "int", 0, False)
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
        kind = kind_of_values(uniques)
    return _Codes(codes, uniques, kind)


def _value(df: pd.DataFrame, value: str) -> tuple[np.ndarray, np.ndarray, dict]:
    """The outcome as floats, which rows to leave out (missing or ±inf), and its facts."""
    y = pd.to_numeric(column(df, value), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    finite = np.isfinite(y)
    inf = ~finite & ~np.isnan(y)
    abs_max = float(np.abs(y, where=finite, out=np.zeros_like(y)).max()) if len(y) else 0.0
    facts = {"inf": inf, "ysq_scale": square_scale(abs_max), "y_abs_max": abs_max}
    return y, ~finite, facts


def count_table(
    df: pd.DataFrame, by: list[str], value: str | None, scale: float = 1.0
) -> CountTable:
    """Count complete rows per cell of ``by`` (dense bincount, else a grouped fallback).

    ``scale`` is not needed here (the rows are at hand: the scale of the
    squares is chosen from them); it is accepted like every engine's.
    """
    n_rows = len(df)
    per_col = [_codes(column(df, c)) for c in by]
    radices = [max(len(c.levels), 1) for c in per_col]
    total = math.prod(radices)
    missing = None
    for c in per_col:
        if c.can_miss and c.codes.dtype.kind == "i" and n_rows and c.codes.min() < 0:
            m = c.codes < 0
            missing = m if missing is None else missing | m
    y = None
    facts: dict = {}
    if value is not None:
        y, ym, facts = _value(df, value)
        keys_missing = missing
        if ym.any():
            missing = ym if missing is None else missing | ym
        inf = facts.pop("inf")
        facts["n_nonfinite"] = int((inf if keys_missing is None else inf & ~keys_missing).sum())
    kinds = {name: c.kind for name, c in zip(by, per_col, strict=True)}
    levels = [c.levels for c in per_col]
    if total <= max(_DENSE_LIMIT, 2 * n_rows) and total < (1 << 62):
        table = _dense(by, per_col, levels, kinds, radices, n_rows, missing, value, y, facts)
    else:
        codes = [c.codes - c.offset if c.offset else c.codes for c in per_col]
        table = _grouped(by, codes, levels, kinds, missing, value, y, facts)
    if value is not None:
        table.n_dropped -= table.n_nonfinite  # counted apart: infinite, not missing
    return table


def _offset(per_col: list[_Codes], radices: list[int]) -> int:
    """What the columns' offsets add to the index (Horner's scheme is linear)."""
    offset = per_col[0].offset if per_col else 0
    for c, r in zip(per_col[1:], radices[1:], strict=True):
        offset = offset * r + c.offset
    return offset


def _fold(per_col: list[_Codes], radices: list[int], offset: int, start: int, out) -> None:
    """Write the rows ``start : start + len(out)`` of the index into ``out``."""
    stop = start + len(out)
    if not per_col:
        out[...] = 0
        return
    out[...] = per_col[0].codes[start:stop]
    for c, r in zip(per_col[1:], radices[1:], strict=True):
        out *= r
        out += c.codes[start:stop]
    if offset:
        out -= offset


def _index(per_col: list[_Codes], radices: list[int], n_rows: int) -> np.ndarray:
    """The mixed-radix index ``((c0 * r1 + c1) * r2 + c2) ...`` of every row.

    Computed block by block (:data:`_BLOCK` rows stay in cache while every
    column is folded in), so the index is written to memory once rather than
    read and written once per column; integer columns are read as they are,
    their offsets taken off at the end, never copied shifted.
    """
    idx = np.empty(n_rows, dtype=np.int64)
    offset = _offset(per_col, radices)
    for start in range(0, n_rows, _BLOCK):
        _fold(per_col, radices, offset, start, idx[start : start + _BLOCK])
    return idx


def _counts(per_col, radices, n_rows, missing, y, scale) -> tuple:
    """Rows (and outcome sums) per index value; the last bin holds the dropped rows.

    With few cells the index never reaches memory: each block is folded,
    counted and added while it is in cache.  With many cells (a bincount
    per block would cost as much as the cells) the whole index is made first.
    """
    total = math.prod(radices)
    length = total + 1
    if length > _BLOCK // 8:
        idx = _index(per_col, radices, n_rows)
        return _bincounts(idx, missing, y, scale, total)
    n = np.zeros(length, dtype=np.int64)
    sums = None if y is None else (np.zeros(length), np.zeros(length))
    buf = np.empty(min(_BLOCK, n_rows), dtype=np.int64)
    offset = _offset(per_col, radices)
    for start in range(0, n_rows, _BLOCK):
        out = buf[: min(_BLOCK, n_rows - start)]
        _fold(per_col, radices, offset, start, out)
        block = slice(start, start + len(out))
        got = _bincounts(
            out,
            None if missing is None else missing[block],
            None if y is None else y[block],
            scale,
            total,
        )
        n += got[0]
        if sums is not None:
            sums[0][:] += got[1]
            sums[1][:] += got[2]
    return (n, None, None) if sums is None else (n, *sums)


def _bincounts(idx, missing, y, scale, total) -> tuple:
    """``bincount`` of the index (missing rows into bin ``total``), with outcome sums."""
    length = total + 1
    if missing is not None:
        idx[missing] = total  # one extra bin collects the dropped rows
    n = np.bincount(idx, minlength=length)
    if y is None:
        return n, None, None
    yy = np.where(missing, 0.0, y) if missing is not None else y
    ys = yy * scale if scale != 1.0 else yy
    return (
        n,
        np.bincount(idx, weights=yy, minlength=length),
        np.bincount(idx, weights=ys * ys, minlength=length),
    )


def _dense(by, per_col, levels, kinds, radices, n_rows, missing, value, y, facts) -> CountTable:
    """One mixed-radix index per row, counted with ``numpy.bincount``."""
    total = math.prod(radices)
    n, ysum, ysumsq = _counts(per_col, radices, n_rows, missing, y, facts.get("ysq_scale", 1.0))
    n_dropped = int(n[total])
    n = n[:total]
    nz = np.flatnonzero(n)
    cell_codes = (
        np.stack(np.unravel_index(nz, radices), axis=1)
        if by
        else np.zeros((len(nz), 0), dtype=np.int64)
    )
    return finish_table(
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
        **facts,
    )


def _grouped(by, codes, levels, kinds, missing, value, y, facts) -> CountTable:
    """Too many possible cells for a dense index: group the code columns."""
    frame = pd.DataFrame({f"c{j}": col_codes for j, col_codes in enumerate(codes)})
    if y is not None:
        frame["y"] = y
        ys = y * facts["ysq_scale"]
        with np.errstate(invalid="ignore", over="ignore"):  # inf rows are left out below
            frame["y2"] = ys * ys
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
    return finish_table(
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
        **facts,
    )
