"""Does the graph fit the data?  Testing a DAG's implications, and comparing two DAGs.

A DAG is a claim about the data: every pair of variables it separates must be
independent given the separating set.  :func:`check_fit` lists those claims
among the measured variables and tests each one -- DAGitty's ``localTests``
as one call.  :func:`compare` puts two graphs side by side: which claims one
makes and the other does not, which of those the data reject, and whether
the two are Markov equivalent (then no data can tell them apart).

>>> import networkx as nx, pandas as pd
>>> df = pd.DataFrame({"A": [0, 0, 1, 1] * 50, "B": [0, 1, 0, 1] * 50, "C": [0, 1, 1, 0] * 50})
>>> check_fit(nx.DiGraph([("A", "C"), ("B", "C")]), df).fits
True

The package, one job per module
-------------------------------
* :mod:`.check` -- :func:`check_fit`: inputs, profile, tests, correction, notes.
* :mod:`.comparison` -- :func:`compare` and its verdict;
  :mod:`.equivalence` -- Markov equivalence.
* :mod:`.registry` -- the independence tests by name (``test="auto"``,
  ``"g-test"``, ``"linear"``) and how to add one.
* :mod:`.gtest` -- the G-test for categorical claims; :mod:`.linear` --
  partial correlation (Fisher z) and Wilks' lambda for numeric and mixed
  ones, on rows in memory or on sums the engine computes.
* :mod:`.measured` -- which nodes the data measure, what kind each column is.
* :mod:`.correction` -- Holm (default), Bonferroni, Benjamini-Hochberg, none.
* :mod:`.result` -- :class:`FitResult`, :class:`Comparison` and the sentences
  that read them (the card in :mod:`causal_magic.cards.fit_card` reads these).

Every count and sum comes from :mod:`causal_magic.backends`, so the tests run
inside the engine the data lives in (pandas, polars, pyarrow, DuckDB, Dask,
PySpark).  p-values come from ``scipy.stats`` (imported when a test runs).
Nothing here imports IPython.
"""

from __future__ import annotations

from .check import check_fit
from .comparison import compare
from .correction import CORRECTION_NAMES, CORRECTIONS, adjust
from .equivalence import MAX_EXHAUSTIVE
from .errors import FitError
from .gtest import G_TEST, LOW_EXPECTED_SHARE, g_test
from .linear import FISHER_Z, WILKS, linear_test, linear_test_engine
from .measured import MAX_INT_LEVELS
from .registry import TESTS
from .result import COLUMNS, Comparison, FitResult, TestOutcome

__all__ = [
    "COLUMNS",
    "CORRECTIONS",
    "CORRECTION_NAMES",
    "FISHER_Z",
    "G_TEST",
    "LOW_EXPECTED_SHARE",
    "MAX_EXHAUSTIVE",
    "MAX_INT_LEVELS",
    "TESTS",
    "WILKS",
    "Comparison",
    "FitError",
    "FitResult",
    "TestOutcome",
    "adjust",
    "check_fit",
    "compare",
    "g_test",
    "linear_test",
    "linear_test_engine",
]
