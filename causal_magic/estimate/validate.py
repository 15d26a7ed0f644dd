"""Checks before counting: is the input one that ``do()`` can answer, and said how if not?

Why a module of its own: every refusal the user can meet before a number is
computed -- not a table, an unknown column or node, a value that does not
occur in its column, a continuous adjuster, an expectation of a text column --
lives here with its message, so the steps that follow can assume clean input.
Also here: how values are matched to a column's dtype (:func:`match_value`)
and written back in messages, and the warnings about DAG nodes that look like
misspelt columns.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import pandas as pd

from ..backends import CountTable, UnknownColumnError, columns_of, engine_of
from ..backends.core import mixed_spellings, spellings_message
from ..graph import is_hidden
from ..hints import near_match, suggest
from ..query import Query, Value, format_name, format_value
from .result import DataError, UnknownValueError

__all__ = ["MAX_FLOAT_LEVELS", "match_value"]

#: A float column with more distinct values than this is "continuous".
MAX_FLOAT_LEVELS = 20


# -- names and values -------------------------------------------------------------


def _list_values(levels: tuple, limit: int = 12) -> str:
    shown = ", ".join(format_value(v) for v in levels[:limit])
    return shown + (f", ... ({len(levels)} values)" if len(levels) > limit else "")


def assign_text(names: list[str], values: list) -> str:
    """``Talent=High, Gear=Fancy``: names as the query language writes them."""
    return ", ".join(
        f"{format_name(n)}={format_value(v)}" for n, v in zip(names, values, strict=False)
    )


def level_values(t: CountTable, names: list[str], codes) -> list:
    """Column values of level codes, e.g. (["Talent"], [0]) -> ["High"]."""
    return [t.levels[c][int(k)] for c, k in zip(names, codes, strict=True)]


def _typed_matches(value: Value, levels: tuple, kind: str) -> list[int]:
    v = value.value
    if value.kind == "number" and kind in ("int", "float"):
        return [i for i, lv in enumerate(levels) if lv == v]
    if value.kind == "number" and kind == "bool" and v in (0, 1):
        return [i for i, lv in enumerate(levels) if lv == bool(v)]
    if value.kind == "bool" and kind == "bool":
        return [i for i, lv in enumerate(levels) if lv is v or lv == v]
    if value.kind == "bool" and kind in ("int", "float"):
        return [i for i, lv in enumerate(levels) if lv == int(v)]
    return []


def match_value(column: str, value: Value, levels: tuple, kind: str) -> int:
    """Index in ``levels`` of the column value that ``value`` (as written) means.

    Typed first -- a number matches a numeric column numerically, ``true`` a
    boolean column, a word or quoted string a text column exactly -- then by
    text, so ``"1"`` finds the string ``"1"`` and ``1`` a text column's ``"1"``.
    """
    v = value.value
    idx = _typed_matches(value, levels, kind)
    if not idx:
        text = v if value.kind in ("string", "word") else value.raw
        idx = [i for i, lv in enumerate(levels) if str(lv) == text]
        if not idx and value.kind == "bool":
            idx = [i for i, lv in enumerate(levels) if str(lv).lower() == value.raw.lower()]
    if idx:
        return idx[0]
    hint = ""
    text = str(v)
    close = [lv for lv in levels if str(lv).casefold() == text.casefold()]
    if close:
        hint = f"; did you mean {format_value(close[0])}?"
    elif value.kind in ("word", "string") and kind in ("int", "float"):
        hint = f"; {column} holds numbers"
    raise UnknownValueError(
        f"{column}={value} does not occur in column {column!r}{hint} "
        f"(values present: {_list_values(levels)})"
    )


# -- the arguments of do() -----------------------------------------------------------


def as_graph(dag: object) -> nx.DiGraph | None:
    """The graph itself, from a graph or a widget that carries one."""
    if dag is None or isinstance(dag, nx.DiGraph):
        return dag
    inner = getattr(dag, "graph", None)  # a DagWidget carries its graph
    if isinstance(inner, nx.DiGraph):
        return inner
    raise TypeError(f"dag must be a networkx.DiGraph, got {type(dag).__name__}")


def adjust_names(adjust: Iterable[str] | str | None) -> tuple[str, ...] | None:
    """``adjust=`` as a tuple of names; one comma-separated string is split."""
    if adjust is None:
        return None
    names = (adjust,) if isinstance(adjust, str) else tuple(adjust)
    if len(names) == 1 and isinstance(names[0], str) and "," in names[0]:
        names = tuple(a.strip() for a in names[0].split(",") if a.strip())
    return names


def check_table(data: object) -> list[str]:
    """The table's column names; anything that is not a table is refused."""
    if engine_of(data) is None:
        raise TypeError(
            "data must be a table (pandas, polars, pyarrow, DuckDB, Dask or PySpark), "
            f"got {type(data).__name__}"
        )
    return columns_of(data)


def check_names(
    q: Query, columns: list[str], adjust: tuple[str, ...] | None, G, graph_name: str | None
) -> None:
    """Every name in the query (and ``adjust``) is a column, and a node of the graph."""
    for name in q.variables + list(adjust or ()):
        if name not in columns:
            from ..backends import unknown_column_message

            raise UnknownColumnError(unknown_column_message(name, columns))
    if G is not None:
        for name in q.variables:
            if name not in G:
                hint = suggest(name, G.nodes)
                raise ValueError(
                    f"{name!r} is not a node of {graph_name}"
                    + (f"; did you mean {hint!r}?" if hint else "")
                    + f" (nodes: {', '.join(map(str, list(G.nodes)[:20]))})"
                )
    if q.left.kind == "E" and q.right is not None and q.right.outcome != q.left.outcome:
        raise ValueError("a contrast of expectations needs the same outcome on both sides")


def graph_warnings(G: nx.DiGraph | None, columns: list[str]) -> list[str]:
    """DAG nodes that are not columns but nearly match one: probably misspelt."""
    if G is None:
        return []
    out = []
    for n in G.nodes:
        if n in columns or is_hidden(G, n):
            continue
        hit = near_match(n, columns)
        if hit is not None:
            out.append(
                f"DAG node {str(n)!r} is not a column; did you mean {hit!r}? "
                "It was treated as unobserved"
            )
    return out


def check_numeric_outcome(data: object, value_col: str | None) -> None:
    """``E[Y | ...]`` needs a numeric ``Y`` (checked up front for pandas)."""
    if value_col is None or engine_of(data) != "pandas":
        return
    from ..backends.pandas import column

    dtype = column(data, value_col).dtype
    if not (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)):
        raise DataError(
            f"E[{value_col} | ...] needs a numeric column; {value_col!r} holds {dtype}. "
            f"Ask for a probability instead, e.g. P({format_name(value_col)}=value | ...)"
        )


def check_counts(table: CountTable, keys: list[str], value_col: str | None) -> None:
    """Some complete rows remain."""
    if table.n_used == 0:
        used = keys + ([value_col] if value_col else [])
        raise DataError(
            "no complete rows: every row has a missing value in one of "
            + ", ".join(used)
            + (f" (is {value_col!r} numeric?)" if value_col else "")
        )


def check_spellings(table: CountTable, keys: Iterable[str]) -> None:
    """A used column holding ``1`` and ``"1"`` is refused: it would split its rows silently."""
    for c in keys:
        pairs = mixed_spellings(table.levels[c])
        if pairs:
            raise DataError(spellings_message(c, pairs))


def check_strata_columns(table: CountTable, names: Iterable[str]) -> None:
    """Stratum variables are categorical: a float column with many values is refused."""
    for c in names:
        if table.kinds[c] == "float" and len(table.levels[c]) > MAX_FLOAT_LEVELS:
            raise DataError(
                f"{c!r} is continuous ({len(table.levels[c])} distinct float values); "
                f"adjustment needs strata: bin it first, e.g. "
                f"df[{c!r}] = pd.qcut(df[{c!r}], 4), or estimate with models: "
                "method='aipw' (--method aipw) or 'auto'"
            )
