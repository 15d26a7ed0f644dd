"""What ``%do`` answers: :class:`DoResult`, the typed details the card reads, and the errors.

Why a module of its own: the estimator fills these types and the card
(:mod:`causal_magic.cards.do_card`) reads them, so they are the one contract
between the two.  Everything the card writes is a named field here -- the
strata of the back-door sum, the front-door terms, the identified formula
tree -- never a string key or a column name of ``result.table`` (that table is
for users, and keeps the column names they know).

The result shows itself through the card; the card imports these types only
for type checking, so the import runs one way: result -> card.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import pandas as pd

from ..formula import Expr
from ..query import Term
from .bounds import BoundsInfo
from .sensitivity import Sensitivity

__all__ = [
    "Computation",
    "DataError",
    "DoResult",
    "InnerTerm",
    "MediatorTerm",
    "ModelInfo",
    "NotIdentifiableError",
    "PositivityError",
    "StrataView",
    "Stratum",
    "UnknownValueError",
]


class NotIdentifiableError(ValueError):
    """The graph does not let the data answer the query: no number is given.

    ``reason`` is the engine's explanation, ``open_path`` the biasing path it
    found (``str(path)`` like ``"Gear <- Talent -> Sound"``), when there is one.
    """

    def __init__(self, message: str, reason: str = "", open_path=None, identification=None):
        super().__init__(message)
        self.reason = reason
        self.open_path = open_path
        self.identification = identification


class PositivityError(ValueError):
    """A stratum has rows but none at the treatment value, so P(y | x, z) is undefined."""

    def __init__(self, message: str, stratum: dict | None = None, rows: int = 0):
        super().__init__(message)
        self.stratum = stratum or {}
        self.rows = rows


class DataError(ValueError):
    """The data cannot answer as asked (continuous adjuster, wrong dtype...)."""


class UnknownValueError(DataError):
    """A value in the query does not occur in its column."""


# -- the worked formula, typed ---------------------------------------------------------


@dataclass(frozen=True)
class Stratum:
    """One term of the back-door sum ``Σ_z P(y | x, z) P(z)``.

    ``top`` is ``n(y, x, z)`` (or the outcome's sum for an expectation) and
    ``ratio`` = ``top / n_x``; both are ``None`` for a whole distribution.
    """

    values: tuple  # the adjustment set's values, in ``Computation.strata_vars`` order
    n: int  # rows in the stratum
    weight: float  # P(z) = n / denominator
    n_x: int  # rows in the stratum at the treatment value
    top: float | None = None
    ratio: float | None = None


@dataclass(frozen=True)
class InnerTerm:
    """One ``x'`` term of the front-door inner sum ``P(y | m, x') P(x')``."""

    x: tuple  # the treatment values x'
    num: float  # n(y, m, x') (or the outcome's sum)
    den: int  # n(m, x')
    p_y: float  # num / den
    n_x: int  # n(x')
    total: int  # rows


@dataclass(frozen=True)
class MediatorTerm:
    """One term of the front-door outer sum ``Σ_m P(m | x) [...]``."""

    values: tuple  # the mediators' values, in ``frontdoor_set`` order
    n_mx: int  # n(m, x)
    n_x: int  # n(x)
    p_m_x: float  # P(m | x)
    inner: tuple[InnerTerm, ...]


class StrataView(Sequence):
    """The back-door terms as a read-only sequence of :class:`Stratum`, each made when read.

    A query can have 600,000 strata and a card shows eight: building every
    frozen ``Stratum`` up front cost seconds.  Indexing, slicing, ``len`` and
    iteration work as on a tuple.
    """

    def __init__(self, values: list, n: list, weight: list, n_x: list, top: list, ratio: list):
        self._cols = (values, n, weight, n_x, top, ratio)

    def __len__(self) -> int:
        return len(self._cols[1])

    def _one(self, i: int) -> Stratum:
        return Stratum(*(col[i] for col in self._cols))

    def __getitem__(self, i):
        if isinstance(i, slice):
            return tuple(self._one(k) for k in range(*i.indices(len(self))))
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._one(i)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    def __repr__(self) -> str:
        return f"StrataView({len(self)} strata)"


@dataclass
class Computation:
    """Everything the card needs to write one term's formula with its numbers."""

    expression: Expr | None = None  # the identified formula (a formula tree)
    fixed: frozenset = frozenset()  # the treatments: summed over, they get a prime
    x_text: str = ""  # "Gear=Fancy"
    x_values: tuple = ()  # the treatments' column values, in query order
    y_value: object = None  # the outcome's column value, None for E[...] or P(Y | ...)
    strata: Sequence[Stratum] = ()  # back-door terms (a StrataView)
    strata_vars: tuple = ()  # the variables whose values ``Stratum.values`` hold
    denominator: int = 0  # rows in the kept strata (back-door)
    mediators: tuple[MediatorTerm, ...] = ()  # front-door terms
    id_formula: str = ""  # the ID formula as text (method "id")
    id_latex: str = ""
    ci_distribution: dict | None = None  # value -> (low, high) for a whole distribution


@dataclass
class ModelInfo:
    """How a model-based estimate (gformula, ipw, aipw) was made, for the card."""

    method: str
    why: str  # why this method (auto's reason, or "asked for")
    outcome: str = ""  # the outcome model in words ("" when not used)
    propensity: str = ""  # the propensity model in words
    folds: int = 1
    folds_by: str = "the seed"  # what fixes the cross-fitting folds
    interval: str = ""  # how the interval was computed
    notes: list[str] = field(default_factory=list)  # ridge, dropped columns, trimming...
    overlap: dict | None = None  # arm label -> counts of its propensity in 20 bins of [0, 1]
    overlap_of: str = ""  # which propensity the overlap plot shows


# -- the result ---------------------------------------------------------------------


@dataclass
class DoResult:
    """One estimate, with everything needed to check it by hand.

    ``value`` is the estimate (``float(result)`` works), ``None`` for a whole
    distribution ``P(Y | do(X=x))``, whose ``distribution`` maps each value of Y
    to its probability.  ``naive`` is the plain conditional ``P(y | x)``.
    ``table`` has one row per stratum with its counts and terms; ``exact`` the
    estimate as a :class:`fractions.Fraction` of counts when it is one.  For a
    contrast or ratio ``value`` is the contrast and ``parts`` the two terms.
    """

    query: str
    value: float | None
    naive: float | None
    method: str
    adjustment_set: tuple = ()
    frontdoor_set: tuple = ()
    distribution: dict | None = None
    naive_distribution: dict | None = None
    table: pd.DataFrame | None = None
    ci: tuple[float, float] | None = None
    ci_level: float | None = None
    n_used: int = 0
    n_dropped_missing: int = 0
    warnings: list[str] = field(default_factory=list)
    graph_name: str | None = None
    identification: object = None
    reason: str = ""
    parts: tuple[DoResult, ...] = ()
    op: str | None = None
    exact: Fraction | None = None
    bootstrap: int = 0
    bootstrap_excluded: int = 0
    term: Term | None = None
    details: Computation = field(default_factory=Computation, repr=False)
    bounds: tuple[float, float] | None = None  # (low, high) when not identified, or --bounds
    bounds_info: BoundsInfo | None = field(default=None, repr=False)
    sensitivity: Sensitivity | None = None  # the E-value (--sensitivity)
    se: float | None = None  # standard error (model-based methods)
    diagnostics: dict | None = None  # propensity_range, ess, trimmed_share, smd (ipw/aipw)
    curve: pd.DataFrame | None = None  # dose-response: x, value, ci_low, ci_high
    models: ModelInfo | None = field(default=None, repr=False)  # how a model-based one was made

    def __float__(self) -> float:
        if self.value is None and self.bounds is not None:
            raise TypeError(
                f"{self.query} is not identified: no number, only bounds; read result.bounds"
            )
        if self.value is None:
            raise TypeError(
                f"{self.query} is a whole distribution; read result.distribution "
                "or ask for one value, e.g. P(Y=y | do(X=x))"
            )
        return float(self.value)

    @property
    def difference(self) -> float | None:
        """Causal minus naive: how much confounding moved the answer."""
        if self.value is None or self.naive is None:
            return None
        return self.value - self.naive

    def __repr__(self) -> str:
        from ..cards.do_card import render_text

        return render_text(self)

    def _repr_html_(self) -> str:
        from ..cards.do_card import render_html

        return render_html(self)

    def _repr_latex_(self) -> str:
        from ..cards.do_card import render_latex

        return render_latex(self)

    @property
    def latex(self) -> str:
        """The formula with its numbers as LaTeX (``aligned``), for papers and PDFs."""
        return self._repr_latex_()

    @property
    def html(self) -> str:
        return self._repr_html_()

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        bundle = {
            "text/plain": repr(self),
            "text/html": self._repr_html_(),
            "text/latex": self._repr_latex_(),
        }
        if include:
            bundle = {k: v for k, v in bundle.items() if k in include}
        if exclude:
            bundle = {k: v for k, v in bundle.items() if k not in exclude}
        return bundle
