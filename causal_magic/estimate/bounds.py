"""Natural bounds: what the observed joint says about ``P(y | do(x))`` with no assumption.

Why a module of its own: when the graph cannot identify an effect, the data
still fence it in.  Whatever a hidden confounder does, the units seen at
``X = x`` keep their outcome under ``do(X = x)``, and the others could have
any outcome (Robins 1989; Manski 1990)::

    P(X=x, Y=y)  <=  P(Y=y | do(X=x))  <=  P(X=x, Y=y) + 1 - P(X=x)

Pure arithmetic on probabilities, no data frames; the orchestration (which
query, which counts, whether a tighter linear program applies) is in
:mod:`~causal_magic.estimate.bounded`.  The bounds are sharp: a model that
gives every unit not at ``x`` the outcome ``y`` (or never) attains them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["BoundsInfo", "contrast_bounds", "natural_bounds"]


@dataclass(frozen=True)
class BoundsInfo:
    """How an interval for an effect was found, and what would narrow it.

    ``method`` is ``"natural"``, ``"Balke-Pearl"``, ``"response-function LP"``
    or ``"identified"`` (the bounds collapse to the point estimate);
    ``naive`` is the plain conditional the card marks on the interval;
    ``narrow`` are sentences on what would narrow it; ``notes`` say which
    tighter method was tried and why it was not used.
    """

    low: float
    high: float
    method: str
    naive: float | None = None
    narrow: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    parts: tuple[tuple[str, float, float], ...] = ()  # (term, low, high) of a contrast

    @property
    def width(self) -> float:
        return self.high - self.low


def natural_bounds(p_xy: float, p_x: float) -> tuple[float, float]:
    """``[P(x, y), P(x, y) + 1 - P(x)]``, from the joint ``P(x, y)`` and the margin ``P(x)``.

    >>> natural_bounds(5 / 16, 8 / 16)
    (0.3125, 0.8125)
    >>> natural_bounds(0.0, 0.0)   # nobody was treated: nothing is known
    (0.0, 1.0)
    """
    for name, v in (("P(x, y)", p_xy), ("P(x)", p_x)):
        if not (isinstance(v, (int, float)) and math.isfinite(v) and 0 <= v <= 1):
            raise ValueError(f"{name} must be a probability in [0, 1], got {v!r}")
    if p_xy > p_x + 1e-12:
        raise ValueError(f"P(x, y) = {p_xy} exceeds P(x) = {p_x}")
    low = float(p_xy)
    return low, min(1.0, low + 1.0 - float(p_x))


def contrast_bounds(a: tuple[float, float], b: tuple[float, float], op: str) -> tuple[float, float]:
    """Bounds of ``a - b`` or ``a / b`` from the bounds of each term.

    For a difference of natural bounds these are Manski's bounds (width 1 for
    a binary treatment), and sharp.  A ratio whose denominator can be 0 has
    no upper bound (``inf``).

    >>> contrast_bounds((0.3125, 0.8125), (0.0625, 0.5625), "-")
    (-0.25, 0.75)
    >>> contrast_bounds((0.2, 0.6), (0.0, 0.5), "/")
    (0.4, inf)
    """
    (al, ah), (bl, bh) = a, b
    if op == "-":
        return al - bh, ah - bl
    if op != "/":
        raise ValueError(f"op is '-' or '/', got {op!r}")
    low = al / bh if bh > 0 else math.inf if al > 0 else 0.0
    high = ah / bl if bl > 0 else math.inf if ah > 0 else 0.0
    return low, high
