"""The worked formula of a ``%do`` card, written from the formula tree and the counts.

Why a module of its own: this is the part of the card a reader checks by
hand, and it must say the same thing in three outputs (text, LaTeX, HTML).
Each line is built once, as a list of :class:`Bit` -- a piece of text with its
LaTeX and HTML -- so the three can never drift apart and nothing is ever
re-parsed from text.  The lines come from walking the identified formula (a
:mod:`causal_magic.formula` tree, ``result.details.expression``):

* the symbolic line writes the tree with the query's values in place,
  ``Σ_{Talent} P(Sound=Great | Gear=Fancy, Talent) · P(Talent)``;
* the numbered lines walk the tree once per stratum (back-door) or mediator
  value (front-door), reading the typed counts of ``result.details``:
  ``P(Great | Fancy, High)·P(High) + ...``, ``5/7 × 8/16 + ...``,
  ``0.714×0.500 + ...``.

Inside a conditional ``P(...)`` the query's values come first, then the
summed variables in the order their sums are opened.
"""

from __future__ import annotations

import html
import math
import numbers
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, NamedTuple

from ..formula import Prob, Product, Ratio, Sum, tex_name, to_latex, to_text
from ..query import Term, Value, format_name, format_value
from .caps import clip

if TYPE_CHECKING:
    from ..estimate.result import DoResult

__all__ = ["MAX_TERMS", "Bit", "formula_lines", "html_of", "num", "tex_of", "text_of"]

#: Strata written out term by term; the rest are summarised (all are in the table).
MAX_TERMS = 8


class Bit(NamedTuple):
    """A piece of a line: its text, its LaTeX and (when not just the escaped text) its HTML."""

    text: str
    tex: str
    html: str | None = None


Line = list[Bit]


def text_of(line: Iterable[Bit]) -> str:
    return "".join(b.text for b in line)


def tex_of(line: Iterable[Bit]) -> str:
    return "".join(b.tex for b in line).strip()


def html_of(line: Iterable[Bit]) -> str:
    return "".join(html.escape(b.text, quote=True) if b.html is None else b.html for b in line)


# -- numbers and names ----------------------------------------------------------------


def num(v: float | None, digits: int = 3) -> str:
    """A number as the card shows it: three decimals, a true minus sign."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "undefined"
    if isinstance(v, float) and math.isinf(v):
        return "∞" if v > 0 else "−∞"
    s = f"{v:,.{digits}f}" if abs(v) < 1e6 else f"{v:.4g}"
    return s.replace("-", "−")


def short_value(v: object) -> str:
    """A column value in a formula (short form: just the value; a huge one cut short)."""
    return clip(format_name(str(v)) if isinstance(v, str) else str(v))


def _count(v: float) -> str:
    """A count as an integer; a sum of a numeric outcome to one decimal."""
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"


def _lit(s: str, tex: str | None = None) -> Bit:
    return Bit(s, s if tex is None else tex)


_BAR = Bit(" | ", r" \mid  ")
_COMMA = _lit(", ")
_PLUS = _lit(" + ")
_EQ = _lit("=")
_CDOT = Bit("·", r"\cdot ")
_SPACED_CDOT = Bit(" · ", r" \cdot  ")
_TIMES = Bit("×", r"\times ")
_SPACED_TIMES = Bit(" × ", r" \times  ")
_NOTHING = Bit("  (nothing to adjust for)", r" (\text{nothing to adjust for})")


def _num_bit(v: float | None) -> Bit:
    s = num(v)
    tex = r"\text{undefined}" if s == "undefined" else s.replace(",", "{,}").replace("−", "-")
    return Bit(s, tex)


def _frac_bit(top: str, bottom: str) -> Bit:
    digits = top.removeprefix("-")
    if digits.isdigit() and bottom.isdigit():
        sign = "-" if top.startswith("-") else ""
        return Bit(f"{top}/{bottom}", sign + r"\tfrac{" + digits + "}{" + bottom + "}")
    return _lit(f"{top}/{bottom}")


def _name(n: object) -> Bit:
    return Bit(format_name(n), tex_name(n))


def _value(v: object) -> Bit:
    if isinstance(v, numbers.Number) and not isinstance(v, bool):
        return _lit(short_value(v))
    return Bit(short_value(v), tex_name(clip(v)))


def _query_value(v: Value) -> Bit:
    if v.kind == "number":
        return _lit(str(v))
    return Bit(str(v), tex_name(v.value if v.kind == "string" else v.raw))


def _assign(n: object, value: Bit) -> Line:
    return [_name(n), _EQ, value]


def _column_assign(n: object, v: object) -> Line:
    """``Gear=Fancy`` with the column's value, as messages write it."""
    value = _value(v)
    return _assign(n, Bit(clip(format_value(v)), value.tex))


def _joined(parts: Iterable[Line], sep: Bit) -> Line:
    out: Line = []
    for i, part in enumerate(parts):
        out += ([sep] if i else []) + part
    return out


def term_bits(t: Term) -> Line:
    """The query term, e.g. ``P(Sound=Great | do(Gear=Fancy))``."""
    e = t.kind == "E"
    out = [_lit("E[" if e else "P("), _name(t.outcome)]
    if t.outcome_value is not None:
        out += [_EQ, _query_value(t.outcome_value)]
    parts: list[Line] = []
    if t.interventions:
        inner = _joined((_assign(n, _query_value(v)) for n, v in t.interventions), _COMMA)
        parts.append([Bit("do(", r"\mathit{do}("), *inner, _lit(")")])
    parts += [_assign(n, _query_value(v)) for n, v in t.conditions]
    if parts:
        out += [_BAR, *_joined(parts, _COMMA)]
    return [*out, _lit("]" if e else ")")]


# -- walking the tree ---------------------------------------------------------------------


class _Walk(NamedTuple):
    """How one line writes the tree: its leaves, its product sign and its nested sums."""

    leaf: Callable  # (Prob, path, bound) -> Line
    times: Bit
    children: Callable | None  # (path) -> [(object, {var: value})]; None: symbolic heads
    fixed: frozenset = frozenset()  # treatments: summed over, they are written x'


def _write(e, walk: _Walk, path: tuple, bound: dict) -> Line:
    if isinstance(e, Prob):
        return walk.leaf(e, path, bound)
    if isinstance(e, Product):
        return _joined((_write(t, walk, path, bound) for t in e.terms), walk.times)
    if isinstance(e, Sum) and walk.children is None:
        inner = {**bound, **{v: None for v in e.over}}
        return [_sum_head(e.over, walk.fixed), *_write(e.term, walk, path, inner)]
    if isinstance(e, Sum):
        terms = [
            _write(e.term, walk, (*path, obj), {**bound, **{v: assign[v] for v in e.over}})
            for obj, assign in walk.children(path)
        ]
        return [_lit("["), *_joined(terms, _PLUS), _lit("]")]
    raise TypeError(f"not a formula the card writes: {e!r}")


def _sum_head(over: tuple, fixed: frozenset) -> Bit:
    if len(over) == 1 and over[0] in fixed:
        return Bit("Σ_x' ", r"\sum_{x'} ", "Σ<sub>x&#x27;</sub> ")
    names = ", ".join(format_name(v) for v in over)
    tex = r"\sum_{" + tex_name(", ".join(str(v) for v in over)) + "} "
    return Bit(f"Σ_{{{names}}} ", tex, f"Σ<sub>{html.escape(names, quote=True)}</sub> ")


def _prob(p: Prob, r: DoResult, bound: dict, label: Callable) -> Line:
    """``P(vars | given)`` (``E[...]`` for an expected outcome) with each variable's label."""
    t = r.term
    e = t.kind == "E" and t.outcome in p.vars
    given = [v for v in p.given if v not in bound] + [v for v in bound if v in p.given]
    heads = [b for b in (label(v, p, bound) for v in p.vars) if b is not None]
    conds = [b for b in (label(v, p, bound) for v in given) if b is not None]
    out = [_lit("E[" if e else "P("), *_joined(heads, _COMMA)]
    if conds:
        out += [_BAR, *_joined(conds, _COMMA)]
    return [*out, _lit("]" if e else ")")]


class _Labels:
    """How each variable of the query is written: named, valued, or by its value only."""

    def __init__(self, r: DoResult):
        t, d = r.term, r.details
        self.r, self.y, self.y_value = r, t.outcome, d.y_value
        self.x = dict(zip([n for n, _ in t.interventions], d.x_values, strict=True))
        self.x_query = dict(t.interventions)
        self.w = dict(t.conditions)
        self.fixed = d.fixed

    def symbolic(self, v, p: Prob, bound: dict) -> Line:
        if v in bound:
            return [Bit("x'", tex_name("x'"))] if v in self.fixed else [_name(v)]
        if v == self.y:
            return [_name(v)] + ([_EQ, _value(self.y_value)] if self.y_value is not None else [])
        if v in self.x:
            return _column_assign(v, self.x[v])
        if v in self.w:
            return _assign(v, _query_value(self.w[v]))
        return [_name(v)]  # a variable the query does not fix (a selection node)

    def stratum(self, v, p: Prob, bound: dict) -> Line | None:
        if v in bound:
            return [_value(bound[v])]
        if v == self.y:
            return [_value(self.y_value) if self.y_value is not None else _name(v)]
        if v in self.x:
            if self.r.method == "frontdoor":
                return _column_assign(v, self.x[v])
            return [_value(self.x_query[v].value)]
        if v not in self.w:
            return [_name(v)]
        if not any(x in p.given for x in self.x):
            return None  # P(z | w) is read within the conditions' stratum
        return _assign(v, _query_value(self.w[v]))


# -- the lines -----------------------------------------------------------------------------


def _backdoor_leaf(kind: str, r: DoResult) -> Callable:
    y, denominator = r.term.outcome, str(r.details.denominator)

    def leaf(p: Prob, path: tuple, bound: dict) -> Line:
        s = path[0]
        if y in p.vars:
            frac, value = (_count(s.top), _count(s.n_x)), s.ratio
        else:
            frac, value = (_count(s.n), denominator), s.weight
        return [_frac_bit(*frac) if kind == "counts" else _num_bit(value)]

    return leaf


def _frontdoor_leaf(kind: str, r: DoResult) -> Callable:
    y, mediators = r.term.outcome, set(r.frontdoor_set)

    def leaf(p: Prob, path: tuple, bound: dict) -> Line:
        m, inner = path[0], path[-1]
        if y in p.vars:
            frac, value = (_count(inner.num), str(inner.den)), inner.p_y
        elif set(p.vars) == mediators:
            frac, value = (_count(m.n_mx), _count(m.n_x)), m.p_m_x
        else:
            frac, value = (str(inner.n_x), str(inner.total)), inner.n_x / inner.total
        return [_frac_bit(*frac) if kind == "counts" else _num_bit(value)]

    return leaf


def _top_children(r: DoResult, limit: int) -> tuple[list[tuple], int]:
    """The first ``limit`` terms of the outer sum (with their values), and how many there are."""
    d = r.details
    if r.method == "frontdoor":
        terms, names = d.mediators, r.frontdoor_set
    else:
        terms, names = d.strata, d.strata_vars
    shown = [(t, dict(zip(names, t.values, strict=True))) for t in terms[:limit]]
    return shown, len(terms)


def _inner_children(r: DoResult) -> Callable:
    treatments = [n for n, _ in r.term.interventions]

    def children(path: tuple) -> list[tuple]:
        return [(i, dict(zip(treatments, i.x, strict=True))) for i in path[-1].inner]

    return children


def _truncated(terms: list[Line], total: int) -> Line:
    """The first :data:`MAX_TERMS` of ``total`` terms (only those are written), then "… more"."""
    extra = total - MAX_TERMS
    tail = []
    if extra > 0:
        text = f"… ({extra:,} more strata: see result.table)"
        tex = rf"\ldots  ({extra} \text{{more strata}}: \text{{see result.table}})"
        tail = [[Bit(text, tex)]]
    return _joined(terms[:MAX_TERMS] + tail, _PLUS)


def _in_sum_order(assign: dict, over: tuple) -> dict:
    """A stratum's values, the summed variables first in the order the sum names them."""
    return {**{v: assign[v] for v in over}, **assign}


def _numbered_lines(r: DoResult, labels: _Labels) -> list[Line]:
    """The symbolic terms, the counts and the numbers: one walk of the tree each."""
    expr = r.details.expression
    front = r.method == "frontdoor"
    children = _inner_children(r) if front else None
    make_leaf = _frontdoor_leaf if front else _backdoor_leaf
    walks = [
        _Walk(lambda p, path, b: _prob(p, r, b, labels.stratum), _CDOT, children),
        _Walk(make_leaf("counts", r), _SPACED_TIMES, children),
        _Walk(make_leaf("numbers", r), _TIMES, children),
    ]
    shown, total = _top_children(r, MAX_TERMS)  # writing 100,000 unshown terms took minutes
    return [
        _truncated(
            [_write(expr.term, w, (obj,), _in_sum_order(a, expr.over)) for obj, a in shown],
            total,
        )
        for w in walks
    ]


def _no_adjustment_lines(r: DoResult, lhs: Line, symbolic: Line) -> list[tuple]:
    """``P(y | x)`` itself: one count and its ratio."""
    lines = [(lhs, symbolic + ([_NOTHING] if r.term.is_causal else []))]
    s = r.details.strata[0]
    if s.top is not None:
        lines.append((None, [_frac_bit(_count(s.top), _count(s.n_x))]))
        lines.append((None, [_num_bit(s.ratio)]))
    return lines


def _id_lines(r: DoResult) -> list[tuple]:
    d = r.details
    formula = Bit(
        to_text(d.expression, fixed=d.fixed),
        to_latex(d.expression, fixed=d.fixed),
        _id_html(d.expression, {}, set(d.fixed)),
    )
    lines = [(term_bits(r.term), [formula])]
    if r.value is not None:
        lines.append((None, [_num_bit(r.value)]))
    return lines


def formula_lines(r: DoResult) -> list[tuple[Line | None, Line]]:
    """(lhs, rhs) lines of the worked formula; ``lhs`` is ``None`` after the first line."""
    if r.term is None:
        return []
    if r.method == "id":
        return _id_lines(r)
    if r.table is None:
        return []
    labels = _Labels(r)
    expr, lhs = r.details.expression, term_bits(r.term)
    walk = _Walk(
        lambda p, path, b: _prob(p, r, b, labels.symbolic), _SPACED_CDOT, None, r.details.fixed
    )
    symbolic = _write(expr, walk, (), {})
    if not isinstance(expr, Sum):
        return _no_adjustment_lines(r, lhs, symbolic)
    lines: list[tuple] = [(lhs, symbolic)]
    if r.method != "frontdoor" and r.value is None:
        return lines  # a whole distribution: the table carries the terms
    lines += [(None, line) for line in _numbered_lines(r, labels)]
    lines.append((None, [_num_bit(r.value)]))
    return lines


def _id_html(e, ren: dict, fixed: set) -> str:
    """The ID formula as :func:`~causal_magic.formula.to_text` writes it, as HTML."""

    def names(vs) -> str:
        return ", ".join(html.escape(ren.get(v, str(v)), quote=True) for v in vs)

    if isinstance(e, Prob):
        return f"P({names(e.vars)}" + (f" | {names(e.given)})" if e.given else ")")
    if isinstance(e, Product):
        parts = [_id_html(t, ren, fixed) for t in e.terms]
        last = len(parts) - 1
        return " ".join(
            f"[{s}]" if isinstance(t, Sum) and i < last else s
            for i, (t, s) in enumerate(zip(e.terms, parts, strict=True))
        )
    if isinstance(e, Sum):
        inner = {**ren, **{v: ren.get(v, str(v)) + "'" for v in e.over if v in fixed}}
        over = [html.escape(inner[v] if v in inner else str(v), quote=True) for v in e.over]
        head = f"Σ_{over[0]}" if len(over) == 1 else f"Σ<sub>{','.join(over)}</sub>"
        return f"{head} {_id_html(e.term, inner, fixed - set(e.over))}"
    if isinstance(e, Ratio):
        return f"({_id_html(e.num, ren, fixed)}) / ({_id_html(e.den, ren, fixed)})"
    raise TypeError(f"not an expression: {e!r}")
