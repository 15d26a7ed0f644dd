"""``check_fit``: test every independence a graph implies against the data.

A DAG is a claim about the data: every pair of variables it separates must
be independent given the separating set.  :func:`check_fit` lists those
claims among the measured variables
(:func:`~causal_magic.identify.implied_independencies`, separators drawn from
measured nodes only, so no test is lost to a latent node) and tests each one
-- DAGitty's ``localTests`` as one call.  This module only sequences the
steps (check inputs, profile columns, run the registered test, correct,
explain); each step lives in its own module.
"""

from __future__ import annotations

import networkx as nx

from ..backends import engine_of
from ..graph import is_hidden
from .correction import apply_correction, check_alpha, normalise_correction
from .errors import FitError
from .measured import MAX_INT_LEVELS, Column, adjacent_pairs, observed, prepare, profile
from .registry import DEFAULT_TEST, find_test, nonfinite_counts, run_tests
from .result import FitResult, frame_of, isnan, join_names

__all__ = ["check_fit"]


def _nothing_testable_note(G: nx.DiGraph, obs: list) -> str:
    if len(obs) < 2:
        return (
            "The graph implies no testable independencies: fewer than two of its "
            "variables are measured."
        )
    pairs, adj = adjacent_pairs(G, obs)
    if adj == pairs:
        return (
            "The graph implies no testable independencies: every pair of its measured "
            "variables is joined by an edge (the graph is complete over them), so any data "
            "fit it. Only a graph that leaves an edge out makes a claim the data can contradict."
        )
    return (
        "The graph implies no testable independencies: each pair of measured variables that "
        "is not joined by an edge is connected through an unmeasured variable that no set "
        "of measured variables can block."
    )


def _column_notes(used: list[str], prof: dict[str, Column]) -> list[str]:
    """What was numeric, and which columns were empty or constant."""
    notes = []
    nums = [c for c in used if prof[c].numeric]
    if nums:
        cats = [c for c in used if not prof[c].numeric]
        notes.append(
            f"Treated as numeric: {join_names(nums)}"
            + (f"; as categorical: {join_names(cats)}" if cats else "")
            + f" (text, booleans and integers with at most {MAX_INT_LEVELS} values are "
            "categorical)."
        )
    constant = [c for c in used if prof[c].constant and prof[c].levels]
    empty = [c for c in used if prof[c].constant and not prof[c].levels]
    if empty:
        notes.append(
            f"{join_names(empty)} {'has' if len(empty) == 1 else 'have'} no values in the data "
            "(no rows, or all missing): nothing about it can be tested."
        )
    if constant:
        notes.append(
            f"{join_names(constant)} {'is' if len(constant) == 1 else 'are'} constant in the "
            "data: an implication about a constant variable cannot be tested (it is "
            "trivially true), and conditioning on one changes nothing."
        )
    return notes


def _tested_rows(data, imps, notes: list[str], alpha, correction, test) -> list[dict]:
    """Profile the used columns, test each implication, correct; notes say how."""
    used = sorted({str(v) for i in imps for v in (i.a, i.b, *i.given)})
    prof = profile(data, used)
    notes += _column_notes(used, prof)
    rows = run_tests(data, [(i, {}) for i in imps], prof, notes, test)
    apply_correction(rows, alpha, correction)
    untested = [r for r in rows if isnan(r["p_value"])]
    if untested:
        notes.append(
            f"{len(untested)} of {len(rows)} implications could not be tested (see the "
            "note column); the correction counts only the tests that ran."
        )
    return rows


def check_fit(
    G: nx.DiGraph,
    data,
    alpha: float = 0.05,
    correction: str | None = "holm",
    *,
    graph_name: str | None = None,
    test: str = DEFAULT_TEST,
) -> FitResult:
    """Test every conditional independence the graph implies among the measured columns.

    Parameters
    ----------
    G : nx.DiGraph
        The causal graph.  Nodes that are not columns of ``data``, nodes with
        role ``latent`` and the hidden nodes of ``<->`` edges are unmeasured.
    data : table
        pandas, polars, pyarrow, DuckDB, Dask or PySpark.
    alpha : float
        Level at which an adjusted p-value counts as a rejection.
    correction : {"holm", "bonferroni", "bh", "none"}
        Multiple-testing correction over the tests that ran (Holm's step-down
        controls the family-wise error rate at ``alpha``).
    test : str
        Name of the independence test in :data:`~causal_magic.fit.registry.TESTS`:
        ``"auto"`` (G-test for categorical claims, the linear test otherwise),
        ``"g-test"`` or ``"linear"``.

    Returns
    -------
    FitResult
        ``.table`` (one row per implication), ``.notes``, a card in notebooks.

    Raises
    ------
    FitError
        Not a DiGraph, a cycle, no node of the graph is a column, or an
        unknown ``test``.

    Examples
    --------
    >>> import numpy as np, pandas as pd, networkx as nx
    >>> rng = np.random.default_rng(0)
    >>> a = rng.integers(0, 2, 500); b = a ^ (rng.random(500) < .2); c = b ^ (rng.random(500) < .2)
    >>> fit = check_fit(nx.DiGraph([("A", "B"), ("B", "C")]), pd.DataFrame(dict(A=a, B=b, C=c)))
    >>> list(fit.table["independence"]), bool(fit.table["rejected"][0])
    (['A ⫫ C | B'], False)
    """
    from ..identify import implied_independencies

    correction = normalise_correction(correction)
    check_alpha(alpha)
    find_test(test)
    if data is None:
        raise FitError(
            "check_fit needs data (a table whose columns are the graph's nodes); to list "
            "the graph's implications without data, use implied_independencies(G)"
        )
    cols = prepare(G, data)
    notes: list[str] = []
    obs, lat = observed(G, cols, notes)
    imps = implied_independencies(G, observed=obs)
    if imps:
        rows = _tested_rows(data, imps, notes, alpha, correction, test)
    else:
        rows = []
        notes.append(_nothing_testable_note(G, obs))
    return FitResult(
        frame_of(rows),
        notes,
        alpha,
        correction,
        [str(o) for o in obs],
        [str(x) for x in lat if not is_hidden(G, x)],
        max((r["n"] for r in rows), default=0) if imps else None,
        engine_of(data),
        graph_name,
        nonfinite_counts(rows),
    )
