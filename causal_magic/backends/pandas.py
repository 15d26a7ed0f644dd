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


def _codes(s: pd.Series) -> tuple[np.ndarray, list, str]:
    """Integer codes (-1 for missing), the levels they index, and the kind."""
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        cats = list(dtype.categories)
        return np.asarray(s.cat.codes), cats, kind_of_values(cats)
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
        kind = kind_of_values(uniques)
    return codes, uniques, kind


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
    radices = [max(len(levels), 1) for _, levels, _ in per_col]
    total = math.prod(radices)
    missing = None
    for codes, _, _ in per_col:
        if codes.dtype.kind == "i" and n_rows and codes.min() < 0:
            m = codes < 0
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
    kinds = {c: k for c, (_, _, k) in zip(by, per_col, strict=False)}
    levels = [lv for _, lv, _ in per_col]
    codes = [c for c, _, _ in per_col]
    if total <= max(_DENSE_LIMIT, 2 * n_rows) and total < (1 << 62):
        table = _dense(by, codes, levels, kinds, radices, n_rows, missing, value, y, facts)
    else:
        table = _grouped(by, codes, levels, kinds, missing, value, y, facts)
    if value is not None:
        table.n_dropped -= table.n_nonfinite  # counted apart: infinite, not missing
    return table


def _dense(by, codes, levels, kinds, radices, n_rows, missing, value, y, facts) -> CountTable:
    """One mixed-radix index per row, counted with ``numpy.bincount``."""
    total = math.prod(radices)
    # Horner's scheme in place: idx = ((c0 * r1 + c1) * r2 + c2) ...
    idx = np.zeros(n_rows, dtype=np.int64) if not by else codes[0].astype(np.int64)
    for col_codes, r in zip(codes[1:], radices[1:], strict=False):
        idx *= r
        idx += col_codes
    length = total
    if missing is not None:
        idx[missing] = total  # one extra bin collects the dropped rows
        length = total + 1
    n = np.bincount(idx, minlength=length)
    ysum = ysumsq = None
    if y is not None:
        yy = np.where(missing, 0.0, y) if missing is not None else y
        ysum = np.bincount(idx, weights=yy, minlength=length)[:total]
        ys = yy * facts["ysq_scale"] if facts["ysq_scale"] != 1.0 else yy
        ysumsq = np.bincount(idx, weights=ys * ys, minlength=length)[:total]
    n_dropped = int(n[total]) if missing is not None else 0
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
