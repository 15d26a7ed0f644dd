"""What the fit package returns, and the sentences that read it.

:class:`TestOutcome` is one independence test's numbers; :class:`FitResult`
(from ``check_fit``) and :class:`Comparison` (from ``compare``) hold the
table of all of them with the verdict and the notes a reader needs to trust
it.  The plain-language reading of a contradicted claim (:func:`reading`)
lives here, next to the data it reads, so that the card
(:mod:`causal_magic.cards.fit_card`) only reads fields and methods of these
results and never imports the rest of the fit package.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..style import plain_indep
from .correction import CORRECTION_NAMES

__all__ = [
    "COLUMNS",
    "Comparison",
    "FitResult",
    "TestOutcome",
    "frame_of",
    "isnan",
    "join_names",
    "reading",
    "records",
]

COLUMNS = [
    "independence",
    "a",
    "b",
    "given",
    "test",
    "statistic",
    "dof",
    "p_value",
    "effect",
    "effect_measure",
    "ci_low",
    "ci_high",
    "p_adjusted",
    "rejected",
    "n",
    "note",
]

_FLOATS = ("statistic", "dof", "p_value", "effect", "ci_low", "ci_high", "p_adjusted")


@dataclass
class TestOutcome:
    """One test of ``a ⫫ b | given``: the columns of a result row that a test fills.

    ``test`` names the method (``G_TEST``, ``FISHER_Z``, ``WILKS`` ...);
    ``p_value`` is NaN and ``note`` says why when the claim could not be
    tested.
    """

    __test__ = False  # not a pytest test class, despite the name

    test: str = ""
    statistic: float = math.nan
    dof: float = math.nan
    p_value: float = math.nan
    effect: float = math.nan
    effect_measure: str = ""
    ci_low: float = math.nan
    ci_high: float = math.nan
    n: int = 0
    note: str = ""
    nonfinite: dict = field(default_factory=dict)  # column -> rows left out for ±inf


# --------------------------------------------------------------------------- wording


def isnan(v) -> bool:
    """None or a float NaN: "no number here"."""
    return v is None or (isinstance(v, float) and math.isnan(v))


def records(df: pd.DataFrame) -> list[dict]:
    """The rows of ``df`` as dicts of plain Python values."""
    cols = {c: df[c].tolist() for c in df.columns}
    return [{c: v[i] for c, v in cols.items()} for i in range(len(df))]


def join_names(nodes: Iterable) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    nodes = [str(n) for n in nodes]
    if len(nodes) <= 1:
        return "".join(nodes)
    return ", ".join(nodes[:-1]) + " and " + nodes[-1]


def reading(row: dict, correction: str = "holm") -> str:
    """The plain-language sentence for a rejected implication."""
    a, b, given = row["a"], row["b"], list(row["given"])
    p = row["p_adjusted"] if not isnan(row["p_adjusted"]) else row["p_value"]
    tag = f" after {CORRECTION_NAMES[correction]}" if correction in CORRECTION_NAMES else ""
    eff = "" if isnan(row["effect"]) else f", {row['effect_measure']} {row['effect']:.2f}"
    if given:
        said = f"the data say {a} and {b} are still associated given {join_names(given)}"
        claim = "the graph says they are not"
    else:
        said = f"the data say {a} and {b} are associated"
        claim = "the graph says they are independent"
    ptext = "p < 1e-15" if p < 1e-15 else f"p = {p:.2g}"
    return (
        f"{said} ({ptext}{tag}{eff}); {claim} — an edge between them may be missing, "
        "or a common cause of both left out"
        + (f", or {join_names(given)} may not block every path between them" if given else "")
        + "."
    )


def _dtype(c: str):
    if c in _FLOATS:
        return float
    if c == "rejected":
        return bool
    if c == "n":
        return "int64"
    return object


def frame_of(rows: list[dict], extra_cols: Iterable[str] = ()) -> pd.DataFrame:
    """The result table: :data:`COLUMNS` (``extra_cols`` after ``given``), typed."""
    cols = COLUMNS[:4] + list(extra_cols) + COLUMNS[4:]
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=_dtype(c)) for c in cols})
    df = pd.DataFrame(rows)
    for c in cols:
        if c not in df:
            df[c] = np.nan
    df = df[cols]
    for c in _FLOATS:
        df[c] = df[c].astype(float)
    df["rejected"] = df["rejected"].astype(bool)
    df["n"] = df["n"].astype("int64")
    return df


# --------------------------------------------------------------------------- results


@dataclass
class FitResult:
    """The implications of a graph, each tested against the data.

    ``table`` has one row per implied conditional independence among the
    measured variables (columns listed in :data:`COLUMNS`); ``notes`` are the
    plain-language lines a reader needs to trust it (what was latent, how
    sparse strata were handled, what was skipped and why).  ``rejected`` is
    decided on ``p_adjusted`` at ``alpha``; a row with no test has NaN
    p-values and ``rejected`` False.  ``effect`` is Cramér's V (G-test),
    the partial correlation (Fisher z, with a 95% interval in
    ``ci_low``/``ci_high``) or the largest canonical correlation (Wilks).
    ``nonfinite`` maps a numeric column holding ``±inf`` to the rows left out
    for it (the notes say so too).
    """

    table: pd.DataFrame
    notes: list[str]
    alpha: float
    correction: str
    observed: list[str] = field(default_factory=list)
    latent: list[str] = field(default_factory=list)
    n_rows: int | None = None
    engine: str | None = None
    graph_name: str | None = None
    nonfinite: dict[str, int] = field(default_factory=dict)

    # -- reading the table ----------------------------------------------------

    @property
    def contradicted(self) -> pd.DataFrame:
        """Rows the data reject (after the correction)."""
        return self.table[self.table["rejected"]]

    @property
    def contradicted_pairs(self) -> list[tuple[str, str]]:
        """``(a, b)`` of each rejected implication -- the node pairs to mark on a drawing."""
        return [(r.a, r.b) for r in self.contradicted.itertuples()]

    def marks(self) -> list[dict]:
        """What a drawing needs to mark each contradicted claim: ``a``, ``b``, ``given``
        (node names) and ``text`` (the plain-language reading, for a tooltip)."""
        return [
            {"a": row["a"], "b": row["b"], "given": list(row["given"]), "text": text}
            for row, text in zip(records(self.contradicted), self.readings(), strict=True)
        ]

    @property
    def tested(self) -> int:
        return int(self.table["p_value"].notna().sum())

    @property
    def fits(self) -> bool | None:
        """False if any implication is rejected; True if some were tested and none was;
        None if nothing could be tested."""
        if self.tested == 0:
            return None
        return not bool(self.table["rejected"].any())

    @property
    def correction_name(self) -> str:
        """The correction as named in sentences: ``Holm`` ... or ``no correction``."""
        return CORRECTION_NAMES.get(self.correction, "no correction")

    def readings(self) -> list[str]:
        """One plain-language sentence per rejected implication."""
        return [reading(row, self.correction) for row in records(self.contradicted)]

    def summary(self) -> str:
        """The verdict in one sentence."""
        if len(self.table) == 0:
            return "The graph implies no testable independencies among the measured variables."
        k, t = int(self.table["rejected"].sum()), self.tested
        if t == 0:
            return f"None of the {len(self.table)} implied independencies could be tested."
        name = CORRECTION_NAMES.get(self.correction)
        corr = f", {name} correction" if name else ", no correction"
        if k == 0:
            return (
                f"The data contradict none of the {t} tested implications "
                f"(alpha = {self.alpha:g}{corr}); not rejecting is not proof of independence."
            )
        return (
            f"The data contradict {k} of the {t} tested implications "
            f"(alpha = {self.alpha:g}{corr})."
        )

    # -- DataFrame-like conveniences --------------------------------------------

    def __len__(self) -> int:
        return len(self.table)

    def __getitem__(self, key):
        return self.table[key]

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def __repr__(self) -> str:
        from ..cards.caps import MAX_ROWS, more_text

        lines = [self.summary()]
        for row in records(self.table.head(MAX_ROWS)):
            p = "untested" if isnan(row["p_value"]) else f"p = {row['p_value']:.3g}"
            flag = "  REJECTED" if row["rejected"] else ""
            lines.append(f"  {row['independence']}: {row['test'] or '-'}, {p}{flag}")
        more = more_text(len(self.table) - MAX_ROWS, "rows", "result.table")
        lines += [f"  {more}"] if more else []
        lines += [f"  note: {n}" for n in self.notes]
        return plain_indep("\n".join(lines))  # ⫫ is an empty box in common fonts

    def _repr_html_(self) -> str:
        from ..cards.fit_card import render_fit_html

        return render_fit_html(self)


@dataclass
class Comparison:
    """Two graphs' testable claims side by side (see :func:`~causal_magic.fit.compare`).

    ``table`` has one row per implication that one graph makes and the other
    does not (``implied_by`` names the graph), with the test columns of
    :class:`FitResult` when data were given.  ``shared`` lists the claims
    both make; ``not_comparable`` the claims about a variable the other graph
    does not have.  ``equivalent`` is True/False, or None when it was not
    decided (too many nodes); ``equivalence`` says how it was decided.
    """

    names: tuple[str, str]
    table: pd.DataFrame
    shared: list[str]
    not_comparable: list[str]
    equivalent: bool | None
    equivalence: str
    verdict: str
    notes: list[str]
    alpha: float
    has_data: bool
    implied_counts: tuple[int, int] = (0, 0)

    @property
    def only_first(self) -> pd.DataFrame:
        return self.table[self.table["implied_by"] == self.names[0]]

    @property
    def only_second(self) -> pd.DataFrame:
        return self.table[self.table["implied_by"] == self.names[1]]

    def readings(self) -> list[str]:
        """One sentence per rejected claim, after the name of the graph that makes it."""
        rejected = self.table[self.table["rejected"]]
        return [f"{row['implied_by']}: {reading(row)}" for row in records(rejected)]

    def __repr__(self) -> str:
        a, b = self.names
        from ..cards.caps import MAX_ROWS, more_text

        lines = [self.verdict, f"  equivalence: {self.equivalence}"]
        for row in records(self.table.head(MAX_ROWS)):
            p = ""
            if self.has_data:
                p = ": untested" if isnan(row["p_value"]) else f": p = {row['p_value']:.3g}"
                p += "  REJECTED" if row["rejected"] else ""
            other = b if row["implied_by"] == a else a
            lines.append(f"  {row['independence']} (only {row['implied_by']}, not {other}){p}")
        more = more_text(len(self.table) - MAX_ROWS, "rows", "result.table")
        lines += [f"  {more}"] if more else []
        lines += [f"  note: {n}" for n in self.notes]
        return plain_indep("\n".join(lines))  # ⫫ is an empty box in common fonts

    def _repr_html_(self) -> str:
        from ..cards.fit_card import render_compare_html

        return render_compare_html(self)
