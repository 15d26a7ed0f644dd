"""Evaluate an ID-algorithm formula on counted categorical data.

Why this exists: when neither back-door adjustment nor the front-door
criterion applies, :func:`causal_magic.identify.identify_effect` may still
identify ``P(y | do(x))`` through the ID algorithm (method ``"id"``), as an
expression of :mod:`causal_magic.formula` (``Prob``, ``Product``,
``Sum``, ``Ratio``).  Such a formula only mentions observed variables, so
one count table over them is enough: it is normalised into a joint array
``P[v1, v2, ...]`` and every ``P(A | B)`` is a ratio of two of its marginals.

How: every sub-expression is an array over the same axes as the joint (size
one on the axes it does not depend on), so a product is broadcasting, a sum is
a sum over axes and a fraction a division.  The leading axis holds resamples,
so the bootstrap evaluates a thousand count vectors at once.  At the end the
treatment axes are fixed to the ``do()`` values and the outcome axis to its
value.  A variable left free by the formula that is neither treatment nor
outcome (``W2`` in the napkin graph) is one at which the formula holds for
*every* value; the estimate averages it over that variable's observed
distribution, which uses all the rows instead of one stratum.

Positivity: a conditional ``P(A | B)`` (or a fraction) whose denominator is
zero is undefined.  Where it is multiplied by an exact zero (the weight of an
empty stratum) the term is zero, as in the back-door sum; where it is needed,
the value is undefined and :meth:`IdFormula.failure` names the term and the
stratum so that the caller can refuse.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import numpy as np

from ..formula import Prob, Product, Ratio, Sum, to_text

__all__ = ["IdFormula", "formula_variables"]


def formula_variables(e) -> set:
    """Every variable the expression mentions, bound or free."""
    if isinstance(e, Prob):
        return set(e.vars) | set(e.given)
    if isinstance(e, Product):
        return set().union(*(formula_variables(t) for t in e.terms))
    if isinstance(e, Sum):
        return set(e.over) | formula_variables(e.term)
    if isinstance(e, Ratio):
        return formula_variables(e.num) | formula_variables(e.den)
    raise TypeError(f"not an ID expression: {e!r}")


def _free(e) -> set:
    if isinstance(e, Prob):
        return set(e.vars) | set(e.given)
    if isinstance(e, Product):
        return set().union(*(_free(t) for t in e.terms))
    if isinstance(e, Sum):
        return _free(e.term) - set(e.over)
    return _free(e.num) | _free(e.den)


@dataclass
class _Event:
    """A zero denominator met during evaluation: ``mask`` marks where it still matters."""

    what: str  # the term, e.g. "P(X | W1, W2)"
    given: tuple  # the variables naming its stratum
    mask: np.ndarray  # bool, broadcastable to the joint's shape
    first: np.ndarray  # bool over the term's own axes (no resample axis)


class IdFormula:
    """An ID expression bound to a count table: ``evaluate(N)`` for (B, C) cell counts.

    Parameters
    ----------
    expr : a :mod:`causal_magic.formula` expression.
    columns, codes, levels : the count table's column names, (C, k) level codes
        and per-column levels (:class:`causal_magic.backends.CountTable`).
    x_codes : treatment name -> level code of its ``do()`` value.
    y : the outcome; ``y_code`` its level code, ``None`` for the whole distribution.
    """

    def __init__(
        self,
        expr,
        columns: list,
        codes: np.ndarray,
        levels: Mapping[Hashable, tuple],
        x_codes: Mapping[Hashable, int],
        y: Hashable,
        y_code: int | None,
    ):
        self.expr = expr
        mentioned = formula_variables(expr) | set(x_codes) | {y}
        missing = [v for v in mentioned if v not in columns]
        if missing:
            raise ValueError(f"the ID formula mentions {missing[0]!r}, which is not a column")
        self.names = [c for c in columns if c in mentioned]
        self.axis = {n: i + 1 for i, n in enumerate(self.names)}
        self.sizes = tuple(len(levels[n]) for n in self.names)
        self.levels = levels
        self.x_codes = dict(x_codes)
        self.y, self.y_code = y, y_code
        self.extra = [n for n in self.names if n in _free(expr) - set(x_codes) - {y}]
        cols = [columns.index(n) for n in self.names]
        self.flat = np.ravel_multi_index(tuple(codes[:, cols].T), self.sizes).astype(np.int64)
        self.cells = int(np.prod(self.sizes))
        self.fixed = frozenset(x_codes)

    # -- the joint and its marginals ----------------------------------------------------

    def joint(self, N: np.ndarray) -> np.ndarray:
        """(B, C) cell counts -> (B, *sizes) joint probabilities."""
        B = N.shape[0]
        idx = (np.arange(B)[:, None] * self.cells + self.flat[None, :]).ravel()
        J = np.bincount(idx, weights=N.ravel(), minlength=B * self.cells)
        J = J.reshape((B, *self.sizes))
        total = J.reshape(B, -1).sum(axis=1).reshape((B,) + (1,) * len(self.sizes))
        with np.errstate(divide="ignore", invalid="ignore"):
            return J / total

    def _marg(self, J: np.ndarray, keep) -> np.ndarray:
        drop = tuple(self.axis[n] for n in self.names if n not in set(keep))
        return J.sum(axis=drop, keepdims=True) if drop else J

    # -- evaluation -----------------------------------------------------------------------

    def _ev(self, e, J, events, trace):
        with np.errstate(divide="ignore", invalid="ignore"):
            if isinstance(e, Prob):
                num = self._marg(J, set(e.vars) | set(e.given))
                if not e.given:
                    return num
                den = self._marg(J, e.given)
                zero = den == 0
                if trace and zero.any():
                    text = to_text(e)
                    events.append(_Event(text, tuple(e.given), zero, zero[0]))
                return np.where(zero, np.nan, num / np.where(zero, 1.0, den))
            if isinstance(e, Product):
                vals = [self._ev(t, J, events, trace) for t in e.terms]
                out = vals[0]
                hit_zero = vals[0] == 0
                for v in vals[1:]:
                    out = out * v
                    hit_zero = hit_zero | (v == 0)
                out = np.where(hit_zero, 0.0, out)  # an empty stratum's weight wins
                self._narrow(events, out)
                return out
            if isinstance(e, Sum):
                inner = self._ev(e.term, J, events, trace)
                return inner.sum(axis=tuple(self.axis[v] for v in e.over), keepdims=True)
            if isinstance(e, Ratio):
                num = self._ev(e.num, J, events, trace)
                den = self._ev(e.den, J, events, trace)
                zero = den == 0
                if trace and zero.any():
                    events.append(_Event(f"({to_text(e.den)})", (), zero, zero[0]))
                out = np.where(zero, np.nan, num / np.where(zero, 1.0, den))
                self._narrow(events, out)
                return out
        raise TypeError(f"not an ID expression: {e!r}")

    @staticmethod
    def _narrow(events, out):
        bad = np.isnan(out)
        for ev in events:
            ev.mask = ev.mask & bad

    def _select(self, T: np.ndarray) -> np.ndarray:
        """Fix treatment and outcome axes (keeping size-one axes), as in the query."""
        return T[(slice(None), *self._select_index(T.shape[1:]))]

    def evaluate(self, N: np.ndarray, trace: bool = False):
        """(estimates (B, L), undefined flags (B,), zero-denominator events if ``trace``)."""
        J = self.joint(N)
        events: list[_Event] = []
        T = self._select(self._ev(self.expr, J, events, trace))
        B = N.shape[0]
        if self.extra:
            w = self._select(self._marg(J, self.extra))
            with np.errstate(invalid="ignore"):
                T = np.where(w > 0, T * w, 0.0)
        keep_y = self.y_code is None and self.y in self.axis
        axes = tuple(self.axis[n] for n in self.names if not (keep_y and n == self.y))
        out = T.sum(axis=axes) if axes else T
        out = out.reshape(B, -1)
        failed = np.isnan(out).any(axis=1)
        if trace:
            shape = J.shape[1:]
            sel = np.zeros(shape, dtype=bool)
            sel[self._select_index(shape)] = True
            if self.extra:
                sel &= np.broadcast_to(self._marg(J, self.extra)[0] > 0, shape)
            full = [np.broadcast_to(ev.mask[0], shape) for ev in events]
            needed = [m & sel for m in full]
            chosen = [(ev, m) for ev, m in zip(events, needed, strict=True) if m.any()]
            if not chosen:  # undefined only where a bound variable takes another value
                chosen = [(ev, m) for ev, m in zip(events, full, strict=True) if m.any()]
            events = chosen
        return out, failed, events

    def _select_index(self, shape) -> tuple:
        idx = []
        for n, size in zip(self.names, shape, strict=True):
            if n in self.x_codes and size > 1:
                idx.append(slice(self.x_codes[n], self.x_codes[n] + 1))
            elif n == self.y and self.y_code is not None and size > 1:
                idx.append(slice(self.y_code, self.y_code + 1))
            else:
                idx.append(slice(None))
        return tuple(idx)

    def failure(self, events, value_text: str) -> str:
        """Why the formula is undefined: the first needed zero denominator, with its stratum."""
        if not events:
            return f"positivity fails: the ID formula has a zero denominator at {value_text}"
        ev, mask = events[0]
        cell = np.argwhere(mask)[0]
        names = ev.given or tuple(n for n in self.names if ev.first.shape[self.axis[n] - 1] > 1)
        where = [f"{n}={self.levels[n][int(cell[self.axis[n] - 1])]}" for n in names]
        stratum = ", ".join(where) or "(the whole data)"
        if not ev.given:  # a fraction's denominator
            return (
                f"positivity fails for the ID formula: its denominator {ev.what} is 0 at "
                f"{stratum}, so the formula at {value_text} has no value"
            )
        return (
            f"positivity fails for the ID formula: no rows with {stratum}, so {ev.what} is "
            f"undefined there and the formula at {value_text} has no value"
        )
