"""Which of the graph's variables the data measure, and what kind each column is.

Before any test: the graph must be an acyclic ``DiGraph`` and share at least
one column with the data (:func:`prepare`); nodes that are not columns, or
are marked latent, are unmeasured, and the notes say why in words
(:func:`observed`); each used column is categorical or numeric, and constant
columns are found, from the engine's schema and one count per column
(:func:`profile`).  The choice of test per claim is made from that profile
(:mod:`.registry`).
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from ..backends import columns_of, count_table, schema_kind
from ..backends.core import mixed_spellings, spellings_message
from ..graph import check_dag, is_hidden
from ..hints import suggest
from .errors import FitError
from .result import join_names

__all__ = [
    "MAX_INT_LEVELS",
    "Column",
    "adjacent_pairs",
    "check_graph",
    "observed",
    "prepare",
    "profile",
    "table_columns",
]

#: Integer columns with at most this many distinct values are categorical.
MAX_INT_LEVELS = 10


def check_graph(G) -> None:
    """Refuse what is not an acyclic ``networkx.DiGraph``, saying what to do instead."""
    check_dag(
        G,
        "a causal graph (a networkx.DiGraph, e.g. from %%dag)",
        error=FitError,
        cycle_text="the graph has a cycle ({cycle}); the implications tested here are those "
        "of acyclic graphs -- remove or reverse one of these edges",
    )


def table_columns(data) -> list[str]:
    """The columns of ``data``; :class:`FitError` for what is not a table."""
    try:
        return columns_of(data)
    except TypeError as e:
        raise FitError(str(e).replace("--data", "data")) from None


def prepare(G, data) -> list[str] | None:
    """Check the graph and that it shares a column with the data; return the columns."""
    check_graph(G)
    if data is None:
        return None
    cols = table_columns(data)
    shared = [n for n in G.nodes if not is_hidden(G, n) and str(n) in set(cols)]
    if not shared:
        names = [str(n) for n in G.nodes if not is_hidden(G, n)]
        hint = ""
        for n in names:
            s = suggest(n, cols)
            if s is not None:
                hint = f"; did you mean column {s!r} for node {n!r}?"
                break
        shown = ", ".join(cols[:20]) + (", ..." if len(cols) > 20 else "")
        raise FitError(
            f"none of the graph's nodes ({', '.join(names[:20]) or 'none'}) is a column of "
            f"the data (columns: {shown}){hint}"
        )
    return cols


def observed(G: nx.DiGraph, columns: list[str] | None, notes: list[str]) -> tuple[list, list]:
    """Measured nodes (graph order) and latent ones; notes say why each latent is latent."""
    obs, lat, missing, marked = [], [], [], []
    colset = None if columns is None else set(columns)
    for n in G.nodes:
        if is_hidden(G, n):
            lat.append(n)
        elif colset is not None and str(n) not in colset:
            lat.append(n)
            missing.append(n)
        elif G.nodes[n].get("role") == "latent":
            lat.append(n)
            if colset is not None:
                marked.append(n)
        else:
            obs.append(n)
    if missing:
        notes.append(_missing_note(missing, columns or []))
    if marked:
        notes.append(
            f"{join_names(marked)} {'is' if len(marked) == 1 else 'are'} marked latent in the "
            "graph but present in the data: left out as the graph says (remove the latent "
            "role to use the column)."
        )
    return obs, lat


def _missing_note(missing: list, columns: list[str]) -> str:
    hints = []
    for n in missing:
        s = suggest(str(n), columns)
        if s is not None:
            hints.append(f"{n!s} (did you mean column {s!r}?)")
    one = len(missing) == 1
    return (
        f"{join_names(missing)} {'is' if one else 'are'} not "
        f"{'a column' if one else 'columns'} of the data: treated as "
        "unmeasured (latent); the tests use separators made of measured variables only."
        + (" Possible misspellings: " + "; ".join(hints) + "." if hints else "")
    )


def adjacent_pairs(G: nx.DiGraph, obs: list) -> tuple[int, int]:
    """(number of observed pairs, number of those that are adjacent)."""
    pairs = adj = 0
    for i, a in enumerate(obs):
        for b in obs[i + 1 :]:
            pairs += 1
            adj += G.has_edge(a, b) or G.has_edge(b, a)
    return pairs, adj


@dataclass
class Column:
    """How a column enters the tests."""

    name: str
    numeric: bool
    levels: tuple | None  # categorical: the values seen
    constant: bool


def profile(data, cols: list[str]) -> dict[str, Column]:
    """Decide categorical vs numeric per column; find constant columns."""
    out = {}
    for c in cols:
        kind = schema_kind(data, c)
        if kind == "float":
            out[c] = Column(c, True, None, False)
            continue
        levels = count_table(data, [c]).levels[c]
        pairs = mixed_spellings(levels)
        if pairs:
            raise FitError(spellings_message(c, pairs))
        numeric = kind == "int" and len(levels) > MAX_INT_LEVELS
        out[c] = Column(c, numeric, None if numeric else levels, len(levels) < 2)
    return out
