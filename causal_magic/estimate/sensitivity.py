"""E-values: how strong an unmeasured confounder would have to be (VanderWeele & Ding 2017).

Why a module of its own: an identified estimate rests on "nothing else
confounds".  The E-value turns that into a number a class can argue about:
the minimum risk ratio that an unmeasured confounder would need with *both*
the treatment and the outcome, beyond the measured ones, to explain the
observed risk ratio away::

    E = RR + sqrt(RR * (RR - 1))      (RR >= 1; for RR < 1 use 1 / RR)

For an interval the E-value of the limit nearer to 1 says how strong a
confounder must be to move the interval to include 1 (it is 1 when the
interval already does).  A risk difference ``p1 - p0`` is read as the risk
ratio ``p1 / p0`` (the paper's recommendation for a binary outcome).
Pure arithmetic; :func:`sensitivity_of` reads a :class:`DoResult`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["Sensitivity", "e_value", "e_value_interval", "sensitivity_of"]


@dataclass(frozen=True)
class Sensitivity:
    """The E-value of one estimate (and of its interval's nearer limit)."""

    measure: str  # "RR" or "RD"
    estimate: float  # the contrast as given (a ratio, or a difference)
    risk_ratio: float  # the risk ratio the E-value is computed for
    e_value: float
    ci_limit: float | None = None  # the interval's limit nearer to no effect, as a risk ratio
    e_value_ci: float | None = None
    treatment: str = "the treatment"
    outcome: str = "the outcome"
    against: str = ""  # for one term: the treatment value it is compared with

    @property
    def sentence(self) -> str:
        """What the E-value means, in the card's words."""
        if self.e_value <= 1:
            return (
                f"The estimate shows no effect of {self.treatment} on {self.outcome} "
                "(risk ratio 1): there is nothing for a confounder to explain away."
            )
        vs = f" against {self.against}" if self.against else ""
        text = (
            f"An unmeasured confounder associated with both {self.treatment} and "
            f"{self.outcome} by a risk ratio of {self.e_value:.2f} each, beyond the measured "
            f"ones, could explain the estimate (risk ratio {self.risk_ratio:.3g}{vs}) away; "
            "a weaker one could not."
        )
        if self.e_value_ci is not None:
            if self.e_value_ci <= 1:
                text += " The interval already includes no effect."
            else:
                text += f" To move the interval to include no effect: {self.e_value_ci:.2f}."
        return text


def e_value(rr: float) -> float:
    """The E-value of a risk ratio: ``RR + sqrt(RR (RR - 1))``, with ``1/RR`` below 1.

    VanderWeele & Ding (2017)'s worked example: breastfeeding and infant death
    from respiratory infection, RR = 3.9 (95% CI 1.8 to 8.7).

    >>> round(e_value(3.9), 2), round(e_value(1.8), 2)
    (7.26, 3.0)
    >>> e_value(1.0), round(e_value(0.5), 3) == round(e_value(2.0), 3)
    (1.0, True)
    """
    if not (isinstance(rr, (int, float)) and math.isfinite(rr) and rr > 0):
        raise ValueError(f"a risk ratio must be a positive finite number, got {rr!r}")
    r = 1 / rr if rr < 1 else float(rr)
    return r + math.sqrt(r * (r - 1))


def e_value_interval(rr: float, low: float, high: float) -> tuple[float, float]:
    """The limit nearer to 1 and its E-value (1 when the interval contains 1).

    >>> e_value_interval(3.9, 1.8, 8.7)[0], round(e_value_interval(3.9, 1.8, 8.7)[1], 2)
    (1.8, 3.0)
    >>> e_value_interval(0.8, 0.6, 1.1)
    (1.0, 1.0)
    """
    if not low <= high:
        raise ValueError(f"the interval's limits are in the wrong order: [{low}, {high}]")
    if low <= 1 <= high:
        return 1.0, 1.0
    limit = low if rr >= 1 else high
    return limit, e_value(limit)


def _names(r) -> tuple[str, str]:
    term = r.parts[0].term if r.parts else r.term
    if term is None:
        return "the treatment", "the outcome"
    return ", ".join(map(str, (n for n, _ in term.interventions))), str(term.outcome)


def sensitivity_of(r) -> Sensitivity:
    """The E-value of an estimated ratio or difference of two ``P(Y=y | do(X=x))``.

    Raises ``ValueError`` saying why for anything else (a single probability has
    no effect size to explain away; an expectation is not a risk).
    """
    if not r.parts or r.op not in ("-", "/"):
        raise ValueError(
            "--sensitivity needs an effect to explain away: a ratio or difference of two "
            "terms, e.g. P(Y=1 | do(X=1)) / P(Y=1 | do(X=0))"
        )
    a, b = r.parts
    if any(p.term is None or p.term.kind != "P" or p.value is None for p in r.parts):
        raise ValueError(
            "the E-value is defined for risks: both terms must be P(Y=y | do(...)) "
            "of one outcome value"
        )
    if not (a.value > 0 and b.value > 0):
        raise ValueError(
            f"the risk ratio {a.value:.3g} / {b.value:.3g} has a zero term; "
            "no E-value (an empty cell makes the ratio 0 or undefined)"
        )
    rr = a.value / b.value
    limit = e_ci = None
    if r.ci is not None:
        lo, hi = r.ci if r.op == "/" else ((b.value + c) / b.value for c in r.ci)
        if not (math.isnan(lo) or math.isnan(hi)):  # nan: resamples with a zero denominator
            limit, e_ci = e_value_interval(rr, max(lo, 1e-12), hi)
    treatment, outcome = _names(r)
    return Sensitivity(
        measure="RR" if r.op == "/" else "RD",
        estimate=float(r.value),
        risk_ratio=rr,
        e_value=e_value(rr),
        ci_limit=limit,
        e_value_ci=e_ci,
        treatment=treatment,
        outcome=outcome,
    )
