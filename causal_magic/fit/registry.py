"""Which independence test checks each claim: a small registry, name -> function.

``check_fit(G, data, test=NAME)``, ``compare(..., test=NAME)`` and
``%dag G --check df --test NAME`` look ``NAME`` up in :data:`TESTS`:

* ``"auto"`` (the default): the G-test when every column of the claim is
  categorical (text, booleans, integers with at most ``MAX_INT_LEVELS``
  values), the linear test otherwise -- the choice by column kind;
* ``"g-test"``: the G-test for every claim (a numeric column's values become
  its categories, so sparse strata will often leave it untested);
* ``"linear"``: the linear test for every claim (categorical columns enter as
  indicators).

Adding a test
-------------
Write a function ::

    def my_test(data, a: str, b: str, given: list[str],
                categorical: frozenset[str]) -> TestOutcome: ...

where ``data`` is the table (any engine: use :mod:`causal_magic.backends`
to read it), ``a ⫫ b | given`` the claim (column names; constant
conditioning columns already removed), and ``categorical`` the used columns
that are categorical.  Return a :class:`~causal_magic.fit.result.TestOutcome`
with ``test`` (the method's name, shown in the table), ``statistic``,
``dof``, ``p_value`` (NaN, with a ``note`` saying why, when the claim
cannot be tested), ``effect``/``effect_measure``, ``n`` and ``note``.  Then
add one line ``"my-test": my_test`` to :data:`TESTS`.  The correction,
the verdict, the card and the drawing's marks need nothing more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..backends import engine_of, in_memory, local_frame
from .errors import FitError
from .gtest import G_TEST, g_test
from .linear import FISHER_Z, WILKS, linear_test, linear_test_engine
from .measured import Column
from .result import TestOutcome, join_names

__all__ = ["DEFAULT_TEST", "TESTS", "TestFunction", "find_test", "nonfinite_counts", "run_tests"]

#: ``(data, a, b, given, categorical) -> TestOutcome``; see the module docstring.
TestFunction = Callable[[object, str, str, list[str], frozenset[str]], TestOutcome]

DEFAULT_TEST = "auto"


def _g(data, a: str, b: str, given: list[str], categorical: frozenset[str]) -> TestOutcome:
    return g_test(data, a, b, given)


def _linear(data, a: str, b: str, given: list[str], categorical: frozenset[str]) -> TestOutcome:
    cols = [a, b, *given]
    cats = set(categorical & set(cols))
    if in_memory(data):  # the rows are here already: test on them
        return linear_test(local_frame(data, cols), a, b, given, cats)
    return linear_test_engine(data, a, b, given, cats)  # sums per cell, computed by the engine


def _auto(data, a: str, b: str, given: list[str], categorical: frozenset[str]) -> TestOutcome:
    if all(v in categorical for v in (a, b, *given)):
        return _g(data, a, b, given, categorical)
    return _linear(data, a, b, given, categorical)


#: Every test ``check_fit`` can run, by the name users give.
TESTS: dict[str, TestFunction] = {
    "auto": _auto,
    "g-test": _g,
    "linear": _linear,
}


def find_test(name: str) -> TestFunction:
    """The registered test called ``name``; :class:`FitError` listing the names otherwise."""
    fn = TESTS.get(name) if isinstance(name, str) else None
    if fn is None:
        raise FitError(f"test={name!r} is unknown; use one of {', '.join(TESTS)}")
    return fn


def _outcome(
    data, a: str, b: str, given: list[str], profile: dict[str, Column], test: TestFunction
) -> TestOutcome:
    """One claim: refuse a constant variable, drop constant conditions, run the test."""
    const = [v for v in (a, b) if profile[v].constant]
    const_z = [g for g in given if profile[g].constant]
    if const:
        lv = profile[const[0]].levels
        if lv:
            return TestOutcome(
                note=f"not testable: {const[0]} is constant in the data (only {lv[0]!r})"
            )
        return TestOutcome(note=f"not testable: {const[0]} has no values in the data")
    use_given = [g for g in given if g not in const_z]
    categorical = frozenset(v for v in (a, b, *use_given) if not profile[v].numeric)
    res = test(data, a, b, use_given, categorical)
    if const_z:
        said = f"{join_names(const_z)} constant: conditioning on it changes nothing"
        res.note = "; ".join(x for x in (said, res.note) if x)
    return res


def run_tests(
    data,
    items: Iterable[tuple[Any, dict]],
    profile: dict[str, Column],
    notes: list[str],
    test: str = DEFAULT_TEST,
) -> list[dict]:
    """Run one test per ``(Independence, extra columns)``; rows without the correction columns.

    ``profile`` says which columns are numeric or constant
    (:func:`causal_magic.fit.measured.profile`); a note on each method that
    ran is appended to ``notes``.
    """
    fn = find_test(test)
    rows = []
    for imp, extra in items:
        a, b = str(imp.a), str(imp.b)
        given = [str(g) for g in sorted(imp.given, key=str)]
        res = _outcome(data, a, b, given, profile, fn)
        row = {"independence": str(imp), "a": a, "b": b, "given": tuple(given), **extra}
        row.update(
            test=res.test,
            statistic=res.statistic,
            dof=res.dof,
            p_value=res.p_value,
            effect=res.effect,
            effect_measure=res.effect_measure,
            ci_low=res.ci_low,
            ci_high=res.ci_high,
            n=res.n,
            note=res.note,
            nonfinite=res.nonfinite,
        )
        rows.append(row)
    notes += _method_notes({r["test"] for r in rows}, data)
    bad = nonfinite_counts(rows)
    if bad:
        notes.append(_nonfinite_note(bad))
    return rows


def nonfinite_counts(rows: list[dict]) -> dict[str, int]:
    """Per numeric column, the most rows a test left out because it held ``±inf``."""
    out: dict[str, int] = {}
    for r in rows:
        for c, k in (r.get("nonfinite") or {}).items():
            out[c] = max(out.get(c, 0), int(k))
    return out


def _nonfinite_note(bad: dict[str, int]) -> str:
    parts = [f"{c} ({k:,} {'row' if k == 1 else 'rows'})" for c, k in bad.items()]
    return (
        "Infinite values (±inf) are not numbers a test can use: the rows holding one were left "
        "out of every test that uses the column: " + "; ".join(parts) + ". Check how they "
        "arose (a division by zero, a log of 0) and fix or drop them."
    )


def _method_notes(methods: set[str], data) -> list[str]:
    """How the methods that ran work, in words (G-test first, then the linear tests)."""
    out = []
    if G_TEST in methods:
        out.append(
            "Categorical tests: G-test summed over the strata of the conditioning set; a "
            "stratum where either variable shows a single value adds nothing (to G or to its "
            "degrees of freedom); no p-value when the informative strata have fewer rows than "
            "cells, and a flag when over 20% of expected counts are below 5."
        )
    if methods & {FISHER_Z, WILKS}:
        engine = engine_of(data)
        out.append(
            "Numeric and mixed tests: partial correlation with Fisher's z (Wilks' lambda when "
            "a categorical variable under test has more than two values); categorical columns "
            "enter as indicators, a categorical conditioning set as its strata. These tests "
            "see linear association only."
            + (
                f" Computed from per-cell counts, sums and sums of products returned by {engine}."
                if not in_memory(data)
                else ""
            )
        )
    return out
