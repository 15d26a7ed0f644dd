"""One formula model: probability expressions as trees, and one writer per output.

Every identification result -- back-door, front-door, the ID algorithm -- is a
small tree of four node types: :class:`Prob` (``P(vars | given)`` of the
observed distribution), :class:`Product`, :class:`Sum` (``Σ_over term``) and
:class:`Ratio` (``num / den``).  The tree is built once, low in the stack, and
then read by whoever needs it: :func:`to_text` writes plain text,
:func:`to_latex` writes LaTeX (through :func:`tex_name`, the package's only
LaTeX escaper), :func:`evaluate` computes it on a small joint table, and the
``%do`` card writes its numbered lines from the same tree.  Nothing is ever
re-parsed from text.

A summed variable that is also fixed by ``do()`` (the front-door formula's
``x'``) is written with a prime: pass the fixed variables as ``fixed``.

Nothing here imports networkx, IPython or pandas.

>>> e = Sum(("Talent",), Product((Prob(("Sound",), ("Gear", "Talent")), Prob(("Talent",)))))
>>> to_text(e)
'Σ_Talent P(Sound | Gear, Talent) P(Talent)'
>>> print(to_latex(Prob(("Sound",), ("Gear",))))
P(\\text{Sound} \\mid \\text{Gear})
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "Expr",
    "Prob",
    "Product",
    "Ratio",
    "Sum",
    "evaluate",
    "mentions",
    "product",
    "sum_over",
    "tex_name",
    "to_latex",
    "to_text",
]


@dataclass(frozen=True)
class Prob:
    """``P(vars | given)`` of the observed distribution; ``Prob(())`` is the constant 1."""

    vars: tuple
    given: tuple = ()


@dataclass(frozen=True)
class Product:
    """The product of ``terms`` (each an expression), written side by side."""

    terms: tuple


@dataclass(frozen=True)
class Sum:
    """``Σ_over term``: the sum of ``term`` over every joint level of the variables ``over``."""

    over: tuple
    term: Expr


@dataclass(frozen=True)
class Ratio:
    """``num / den`` -- the ID algorithm's conditionals of a formula (not a number type)."""

    num: Expr
    den: Expr


Expr = Prob | Product | Sum | Ratio


# --------------------------------------------------------------------------- building


def mentions(e: Expr, v: Hashable) -> bool:
    """True when ``v`` occurs free in ``e`` (a variable summed over inside does not count)."""
    if isinstance(e, Prob):
        return v in e.vars or v in e.given
    if isinstance(e, Product):
        return any(mentions(t, v) for t in e.terms)
    if isinstance(e, Sum):
        return v not in e.over and mentions(e.term, v)
    return mentions(e.num, v) or mentions(e.den, v)


def product(terms: Iterable[Expr]) -> Expr:
    """The product of ``terms``, flattened; one term stands alone."""
    flat: list = []
    for t in terms:
        flat.extend(t.terms if isinstance(t, Product) else (t,))
    return flat[0] if len(flat) == 1 else Product(tuple(flat))


def sum_over(over: Iterable[Hashable], term: Expr, order: Sequence[Hashable]) -> Expr:
    """``Σ_over term``, simplified: marginals of a ``P(...)`` and factors that sum to one drop out.

    ``order`` (a topological order of the graph) fixes the order in which the
    summed variables are written, so equal formulas print alike.
    """
    over = set(over)
    if isinstance(term, Sum) and set(term.over).isdisjoint(over):
        over, term = over | set(term.over), term.term
    over = [v for v in order if v in over]
    if isinstance(term, Product):
        terms = list(term.terms)
        for v in list(over):
            holders = [t for t in terms if mentions(t, v)]
            if len(holders) == 1 and holders[0] == Prob((v,), holders[0].given):
                if v not in holders[0].given:
                    terms.remove(holders[0])  # Σ_v P(v | ...) = 1
                    over.remove(v)
            elif not holders:
                over.remove(v)
        if not terms:
            return Prob((), ())
        term = product(terms)
    if not over:
        return term
    if isinstance(term, Prob) and set(over) <= set(term.vars):
        return Prob(tuple(v for v in term.vars if v not in over), term.given)
    if isinstance(term, Sum):
        return Sum(tuple(v for v in order if v in set(over) | set(term.over)), term.term)
    return Sum(tuple(over), term)


# --------------------------------------------------------------------------- writing


def tex_name(name: object) -> str:
    r"""A variable name as LaTeX text: ``\text{...}`` with TeX's specials escaped.

    Trailing primes stay outside the ``\text{}`` so they render as primes.

    >>> tex_name("Y_1&2'")
    "\\text{Y\\_1\\&2}'"
    """
    s = str(name)
    base = s.rstrip("'")
    esc = base.replace("\\", r"\textbackslash{}").replace("_", r"\_")
    for ch in "&%$#{}":
        esc = esc.replace(ch, "\\" + ch)
    for ch, word in (("^", r"\^{}"), ("~", r"\~{}")):
        esc = esc.replace(ch, word)
    return r"\text{" + esc + "}" + "'" * (len(s) - len(base))


def to_text(e: Expr, fixed: Iterable[Hashable] = frozenset()) -> str:
    """Plain text: ``Σ_Z P(Y | X, Z) P(Z)``; a summed variable also in ``fixed`` gets a prime."""
    return _Writer(tex=False).write(e, {}, set(fixed))


def to_latex(e: Expr, fixed: Iterable[Hashable] = frozenset()) -> str:
    r"""LaTeX: ``\sum_{Z} P(Y \mid X, Z) \, P(Z)``, names through :func:`tex_name`."""
    return _Writer(tex=True).write(e, {}, set(fixed))


class _Writer:
    """Writes one tree as text or LaTeX; ``ren`` maps renamed (primed) variables."""

    def __init__(self, tex: bool):
        self.tex = tex

    def name(self, v: Hashable, ren: Mapping) -> str:
        s = ren.get(v, str(v))
        return tex_name(s) if self.tex else s

    def names(self, vs: Iterable[Hashable], ren: Mapping) -> str:
        return ", ".join(self.name(v, ren) for v in vs)

    def write(self, e: Expr, ren: Mapping, fixed: set) -> str:
        tex = self.tex
        if isinstance(e, Prob):
            head = self.names(e.vars, ren)
            if e.given:
                head += (r" \mid " if tex else " | ") + self.names(e.given, ren)
            return f"P({head})"
        if isinstance(e, Product):
            parts = []
            for i, t in enumerate(e.terms):
                s = self.write(t, ren, fixed)
                if isinstance(t, Sum) and i < len(e.terms) - 1:
                    s = (r"\left[" + s + r"\right]") if tex else f"[{s}]"
                parts.append(s)
            return (r" \, " if tex else " ").join(parts)
        if isinstance(e, Sum):
            inner = dict(ren)
            for v in e.over:
                if v in fixed:
                    inner[v] = ren.get(v, str(v)) + "'"
            names = [self.name(v, inner) for v in e.over]
            if tex:
                head = r"\sum_{" + ", ".join(names) + "}"
            else:
                head = f"Σ_{names[0]}" if len(names) == 1 else "Σ_{" + ",".join(names) + "}"
            return f"{head} {self.write(e.term, inner, fixed - set(e.over))}"
        if isinstance(e, Ratio):
            num = self.write(e.num, ren, fixed)
            den = self.write(e.den, ren, fixed)
            return rf"\frac{{{num}}}{{{den}}}" if tex else f"({num}) / ({den})"
        raise TypeError(f"not an expression: {e!r}")


# --------------------------------------------------------------------------- evaluating


def evaluate(e: Expr, joint: Mapping[tuple, float], names: tuple, values: Mapping) -> float:
    """Value of ``e`` at ``values`` given the joint table ``joint[(v1, v2, ...)] = p``.

    ``names`` orders the keys of ``joint``; each variable's levels are read off
    the table.  Meant for tests and small tables (it sums by enumeration); the
    estimator evaluates trees vectorised on count tables instead.

    >>> joint = {(0, 0): 0.25, (0, 1): 0.25, (1, 0): 0.1, (1, 1): 0.4}
    >>> round(evaluate(Prob(("Y",), ("X",)), joint, ("X", "Y"), {"X": 1, "Y": 1}), 3)
    0.8
    """
    levels = {n: sorted({k[i] for k in joint}) for i, n in enumerate(names)}
    index = {n: i for i, n in enumerate(names)}

    def marg(assign):
        return sum(p for k, p in joint.items() if all(k[index[v]] == a for v, a in assign.items()))

    def ev(e, val):
        if isinstance(e, Prob):
            both = {v: val[v] for v in (*e.vars, *e.given)}
            den = marg({v: val[v] for v in e.given}) if e.given else 1.0
            return marg(both) / den if den else 0.0
        if isinstance(e, Product):
            out = 1.0
            for t in e.terms:
                out *= ev(t, val)
            return out
        if isinstance(e, Sum):
            total = 0.0
            for combo in itertools.product(*(levels[v] for v in e.over)):
                total += ev(e.term, {**val, **dict(zip(e.over, combo, strict=True))})
            return total
        if isinstance(e, Ratio):
            d = ev(e.den, val)
            return ev(e.num, val) / d if d else 0.0
        raise TypeError(e)

    return ev(e, dict(values))
