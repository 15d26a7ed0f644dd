"""Query + graph + data -> :class:`DoResult`: the adjustment formula in numbers.

Three steps, each checkable on its own:

1. *Identify* -- which formula answers the query.  The graph decides, through
   :mod:`causal_magic.identify` (back-door adjustment set or front-door set);
   DAG nodes that are not columns count as unobserved.  ``adjust=`` forces a
   set (checked against the graph when there is one, and said so when not).
2. *Count* -- one group-by over the used columns
   (:func:`causal_magic.backends.count_table`), in whatever engine holds the
   data.  Everything after this works on the small count table.
3. *Compute* -- the formula from the counts, vectorised over cell-count
   matrices so that a bootstrap of 1,000 resamples is a few array operations:

   * back-door: ``P(y | do(x), w) = Σ_z P(y | x, z, w) · P(z | w)``
   * front-door: ``P(y | do(x)) = Σ_m P(m | x) Σ_x' P(y | m, x') · P(x')``
   * ID algorithm (any other identified effect, categorical outcome): the
     formula evaluated on the joint of its variables, see
     :mod:`causal_magic.estimate_id`

Choices made here, stated once:

* **Positivity.**  A stratum ``z`` with rows but no row at the treatment value
  makes ``P(y | x, z)`` undefined.  By default this raises
  :class:`PositivityError` naming the stratum and its row count.  With
  ``positivity="drop"`` those strata are left out and ``P(z)`` renormalised
  over the rest -- an estimate for a *different population*, flagged in the
  warnings and on the card.
* **Missing values.**  Rows with a missing value in any used column are
  dropped, counted and reported in ``warnings``.
* **Continuous adjusters.**  A float column with more than
  :data:`MAX_FLOAT_LEVELS` distinct values cannot be a stratum variable; it is
  refused with a hint to bin it.
* **Uncertainty.**  ``ci=0.95`` resamples the cells of the full count table
  from a multinomial (for a categorical table exactly the row bootstrap), a
  numeric outcome's cell sums from a normal with the cell's variance.
  Resamples in which a stratum loses its treated rows are excluded and counted.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

import networkx as nx
import numpy as np
import pandas as pd

from .backends import CountTable, UnknownColumnError, columns_of, count_table, engine_of
from .hints import near_match, suggest
from .query import Query, Term, Value, format_name, parse_query

__all__ = [
    "MAX_FLOAT_LEVELS",
    "DataError",
    "DoResult",
    "NotIdentifiableError",
    "PositivityError",
    "UnknownValueError",
    "do",
    "near_match",
]

#: A float column with more distinct values than this is "continuous".
MAX_FLOAT_LEVELS = 20

#: Strata with fewer treated rows than this are pointed out (their term is noisy).
SMALL_STRATUM = 5


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


# -- names and values -------------------------------------------------------------


def _show_value(v: object) -> str:
    return repr(v) if isinstance(v, str) and (not v or v != v.strip() or "," in v) else str(v)


def _list_values(levels: tuple, limit: int = 12) -> str:
    shown = ", ".join(_show_value(v) for v in levels[:limit])
    return shown + (f", ... ({len(levels)} values)" if len(levels) > limit else "")


def match_value(column: str, value: Value, levels: tuple, kind: str) -> int:
    """Index in ``levels`` of the column value that ``value`` (as written) means.

    Typed first -- a number matches a numeric column numerically, ``true`` a
    boolean column, a word or quoted string a text column exactly -- then by
    text, so ``"1"`` finds the string ``"1"`` and ``1`` a text column's ``"1"``.
    """
    v = value.value
    idx = None
    if value.kind == "number" and kind in ("int", "float"):
        idx = [i for i, lv in enumerate(levels) if lv == v]
    elif value.kind == "number" and kind == "bool" and v in (0, 1):
        idx = [i for i, lv in enumerate(levels) if lv == bool(v)]
    elif value.kind == "bool" and kind == "bool":
        idx = [i for i, lv in enumerate(levels) if lv is v or lv == v]
    elif value.kind == "bool" and kind in ("int", "float"):
        idx = [i for i, lv in enumerate(levels) if lv == int(v)]
    if not idx:
        text = v if value.kind in ("string", "word") else value.raw
        idx = [i for i, lv in enumerate(levels) if str(lv) == text]
        if not idx and value.kind == "bool":
            idx = [i for i, lv in enumerate(levels) if str(lv).lower() == value.raw.lower()]
    if idx:
        return idx[0]
    hint = ""
    text = str(v)
    close = [lv for lv in levels if str(lv).casefold() == text.casefold()]
    if close:
        hint = f"; did you mean {_show_value(close[0])}?"
    elif value.kind in ("word", "string") and kind in ("int", "float"):
        hint = f"; {column} holds numbers"
    raise UnknownValueError(
        f"{column}={value} does not occur in column {column!r}{hint} "
        f"(values present: {_list_values(levels)})"
    )


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
    details: dict = field(default_factory=dict, repr=False)

    def __float__(self) -> float:
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
        from .do_card import render_text

        return render_text(self)

    def _repr_html_(self) -> str:
        from .do_card import render_html

        return render_html(self)

    def _repr_latex_(self) -> str:
        from .do_card import render_latex

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


# -- identification -------------------------------------------------------------------


@dataclass
class _Plan:
    term: Term
    method: str
    x: list[str]
    y: str
    w: list[str]
    z: list[str] = field(default_factory=list)
    m: list[str] = field(default_factory=list)
    v: list[str] = field(default_factory=list)  # the ID formula's other observed variables
    expr: object = None  # the ID formula (method "id")
    identification: object = None
    reason: str = ""
    warnings: list[str] = field(default_factory=list)


def _as_graph(dag: object) -> nx.DiGraph | None:
    if dag is None or isinstance(dag, nx.DiGraph):
        return dag
    inner = getattr(dag, "graph", None)  # a DagWidget carries its graph
    if isinstance(inner, nx.DiGraph):
        return inner
    raise TypeError(f"dag must be a networkx.DiGraph, got {type(dag).__name__}")


def _node_arg(names: list[str]):
    return names[0] if len(names) == 1 else set(names)


def _path_text(path) -> str:
    return "" if path is None else str(path)


def _hidden(G: nx.DiGraph, n) -> bool:
    return bool(G.nodes[n].get("bidirected", False))


def _plan_term(
    term: Term,
    columns: list[str],
    G: nx.DiGraph | None,
    graph_name: str,
    adjust: tuple[str, ...] | None,
) -> _Plan:
    x = [n for n, _ in term.interventions]
    w = [n for n, _ in term.conditions]
    plan = _Plan(term, "", x, term.outcome, w)
    if not term.is_causal:
        plan.method = "observational (no do)"
        plan.reason = "no do(...): the plain conditional probability, no causal claim"
        return plan
    if adjust is not None:
        z = [c for c in dict.fromkeys(adjust) if c not in w]
        clash = [c for c in z if c in x or c == term.outcome]
        if clash:
            raise ValueError(f"{clash[0]!r} is the treatment or outcome; it cannot be adjusted for")
        plan.z = z
        plan.method = "adjustment (user-given)"
        zs = "{" + ", ".join(z) + "}" if z else "the empty set {}"
        if G is None:
            plan.reason = "no graph given: validity not checked"
            plan.warnings.append(
                f"adjusted for {zs} as given; no graph was given, so whether this set "
                "blocks every back-door path was not checked"
            )
            return plan
        from .identify import check_adjustment_set

        check = check_adjustment_set(G, _node_arg(x), term.outcome, set(z) | set(w))
        plan.identification = check
        if check.valid:
            plan.reason = f"{zs} is a valid adjustment set in {graph_name}: " + check.reason
        else:
            path = _path_text(check.open_path)
            plan.reason = f"{zs} is NOT a valid adjustment set in {graph_name}: {check.reason}"
            plan.warnings.append(
                f"{zs} (the set given) is not a valid adjustment set in {graph_name}"
                + (f": the path {path} stays open" if path else f": {check.reason}")
                + "; the number below is not a causal effect under this graph"
            )
        return plan
    if G is None:
        raise ValueError(
            "a causal query needs a graph (dag=G, --dag G) to find what to adjust for, "
            "or an adjustment set (adjust=['Z'], --adjust Z1,Z2)"
        )
    from .identify import identify_effect, minimal_adjustment_set

    observed = {n for n in G.nodes if n in set(columns) and not _hidden(G, n)}
    if w:
        desc = set()
        for xi in x:
            desc |= nx.descendants(G, xi)
        post = [c for c in w if c in desc]
        if post:
            raise NotIdentifiableError(
                f"{post[0]} is affected by {', '.join(x)} in {graph_name}; a condition after "
                "'|' must not be a descendant of the treatment (that conditions on an outcome "
                "of the intervention, which %do does not estimate). Drop the condition, or "
                f"ask for its own distribution: P({post[0]} | do(...))."
            )
        zs = minimal_adjustment_set(
            G, _node_arg(x), term.outcome, observed=observed, included=set(w)
        )
        if zs is None:
            raise NotIdentifiableError(
                f"no valid adjustment set among the observed columns contains "
                f"{{{', '.join(w)}}} in {graph_name}; P(y | do(x), w) cannot be estimated "
                "by stratum-specific adjustment"
            )
        z = sorted((n for n in zs if n not in w), key=str)
        bad = [n for n in z if n in desc]
        if bad:
            raise NotIdentifiableError(
                f"the adjustment set for the conditional effect includes {bad[0]}, "
                f"a descendant of the treatment; P(y | do(x), w) is not estimated this way"
            )
        plan.z = z
        plan.method = "backdoor"
        plan.reason = (
            f"{{{', '.join(z + w)}}} is an adjustment set containing the conditions, "
            f"so within each stratum of {', '.join(w)} the back-door formula applies"
        )
        return plan
    ident = identify_effect(G, x=_node_arg(x), y=term.outcome, observed=observed)
    plan.identification = ident
    plan.reason = ident.reason
    plan.warnings.extend(getattr(ident, "warnings", ()) or ())
    if ident.method == "backdoor":
        plan.method = "backdoor"
        plan.z = sorted(ident.adjustment_set or (), key=str)
        if plan.z:
            plan.reason = _blocked_paths_text(G, x, term.outcome, plan.z) + ident.reason
    elif ident.method == "frontdoor":
        plan.method = "frontdoor"
        plan.m = sorted(ident.frontdoor_set or (), key=str)
    elif ident.method == "id":
        from .estimate_id import formula_variables

        if term.kind == "E":
            raise DataError(
                f"{term} is identified only by the ID formula ({ident.formula}), which %do "
                "estimates for probabilities of categorical outcomes; ask for "
                f"P({format_name(term.outcome)}=value | do(...)) instead"
            )
        plan.method = "id"
        plan.expr = ident.expression
        plan.v = sorted(
            (n for n in formula_variables(plan.expr) if n not in set(x) | {term.outcome}),
            key=str,
        )
    else:
        path = _path_text(ident.open_path)
        raise NotIdentifiableError(
            f"{term} is not identifiable from {graph_name} with the observed columns: "
            f"{ident.reason}" + (f" (open path: {path})" if path else "") + "; no number given",
            ident.reason,
            ident.open_path,
            ident,
        )
    return plan


def _blocked_paths_text(G: nx.DiGraph, x: list[str], y: str, z: list[str]) -> str:
    """'without adjustment the back-door path A <- B -> C is open; {B} blocks it. '"""
    from .identify import paths

    try:
        found = [p for p in paths(G, _node_arg(x), y, limit=20) if p.kind == "biasing" and p.open]
    except Exception:  # the reason is a courtesy; never let it stop an estimate
        return ""
    if not found:
        from .identify import check_adjustment_set

        try:
            empty_ok = check_adjustment_set(G, _node_arg(x), y, set()).valid
        except Exception:
            return ""
        if not empty_ok:
            return ""
        return (
            "no back-door path is open, so the empty set is valid too (under this graph the "
            f"naive P(y | x) is already causal); {{{', '.join(z)}}} is kept because it makes "
            "the estimate more precise. Set chosen: "
        )
    shown = ", ".join(str(p) for p in found[:3]) + (", ..." if len(found) > 3 else "")
    many = len(found) > 1
    return (
        f"without adjustment the back-door path{'s' if many else ''} {shown} "
        f"{'are' if many else 'is'} open; {{{', '.join(z)}}} blocks {'them' if many else 'it'}. "
        "Set chosen: "
    )


def _graph_warnings(G: nx.DiGraph, columns: list[str]) -> list[str]:
    cols = set(columns)
    out = []
    for n in G.nodes:
        if n in cols or _hidden(G, n):
            continue
        hit = near_match(n, columns)
        if hit is not None:
            out.append(
                f"DAG node {str(n)!r} is not a column; did you mean {hit!r}? "
                "It was treated as unobserved"
            )
    return out


# -- arithmetic on count matrices ---------------------------------------------------------


def _gsum(M: np.ndarray, g: np.ndarray, G: int) -> np.ndarray:
    """Sum the columns of ``M`` (B, C) within groups ``g`` (C,) -> (B, G)."""
    B = M.shape[0]
    if B == 1:
        return np.bincount(g, weights=M[0], minlength=G)[None, :]
    idx = (np.arange(B)[:, None] * G + g[None, :]).ravel()
    return np.bincount(idx, weights=M.ravel(), minlength=B * G).reshape(B, G)


def _group_ids(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Compact ids of distinct rows of ``codes`` (C, k) and the distinct rows."""
    if codes.shape[1] == 0:
        return np.zeros(len(codes), dtype=np.int64), np.zeros((1, 0), dtype=np.int64)
    uniq, inv = np.unique(codes, axis=0, return_inverse=True)
    return inv.reshape(-1).astype(np.int64), uniq


class _Calc:
    """The formula of one term as a function of cell counts (B resamples at once)."""

    def __init__(self, plan: _Plan, table: CountTable, positivity: str):
        self.plan = plan
        self.t = table
        self.positivity = positivity
        term = plan.term
        C = len(table.n)
        self.numeric = term.kind == "E"
        self.x_match = np.ones(C, dtype=bool)
        self.x_codes = []
        for name, val in term.interventions:
            k = match_value(name, val, table.levels[name], table.kinds[name])
            self.x_codes.append(k)
            self.x_match &= table.col(name) == k
        self.w_match = np.ones(C, dtype=bool)
        for name, val in term.conditions:
            k = match_value(name, val, table.levels[name], table.kinds[name])
            self.w_match &= table.col(name) == k
        if self.numeric:
            self.levels = None
            self.y_code = None
        else:
            y = term.outcome
            self.y_levels = table.levels[y]
            self.ycodes = table.col(y)
            if term.outcome_value is not None:
                self.y_code = match_value(y, term.outcome_value, self.y_levels, table.kinds[y])
                self.L = 1
            else:
                self.y_code = None
                self.L = len(self.y_levels)
        self.cells = np.flatnonzero(self.w_match)  # cells in the conditioning stratum
        if plan.method == "frontdoor":
            xcols = [table.columns.index(c) for c in plan.x]
            self.xid, self.xrows = _group_ids(table.codes[self.cells][:, xcols])
            hit = np.flatnonzero((self.xrows == np.array(self.x_codes)).all(axis=1))
            self.xt = int(hit[0]) if len(hit) else -1
            mcols = [table.columns.index(c) for c in plan.m]
            self.mid, self.mrows = _group_ids(table.codes[self.cells][:, mcols])
        else:
            zcols = [table.columns.index(c) for c in plan.z]
            self.sid, self.srows = _group_ids(table.codes[self.cells][:, zcols])
        if plan.method == "id":
            from .estimate_id import IdFormula

            self.id_formula = IdFormula(
                plan.expr,
                list(table.columns),
                table.codes,
                table.levels,
                dict(zip(plan.x, self.x_codes, strict=True)),
                plan.y,
                self.y_code,
            )

    # numerators per cell: y-match indicator (P), y sum (E), or y-level id (distribution)
    def _num_groups(self, g: np.ndarray, G: int) -> tuple[np.ndarray, int]:
        if self.numeric or self.y_code is not None:
            return g, G
        return g * self.L + self.ycodes[self.cells], G * self.L

    def _num_weights(self, N: np.ndarray, Y: np.ndarray | None) -> np.ndarray:
        if self.numeric:
            return Y
        if self.y_code is not None:
            return N * (self.ycodes[self.cells] == self.y_code)
        return N

    def stats(self, N: np.ndarray, Y: np.ndarray | None) -> dict:
        """Per-stratum counts from cell counts ``N`` (B, C) (and outcome sums ``Y``)."""
        if self.plan.method == "id":  # no conditions: the formula reads the whole table
            return {"N": N}
        N = N[:, self.cells]
        Y = None if Y is None else Y[:, self.cells]
        xm = self.x_match[self.cells]
        num_w = self._num_weights(N, Y) * xm
        if self.plan.method == "frontdoor":
            K, Mn = len(self.xrows), len(self.mrows)
            g = self.mid * K + self.xid
            n_x = _gsum(N, self.xid, K)
            n_mx = _gsum(N, g, Mn * K).reshape(-1, Mn, K)
            gg, GG = self._num_groups(g, Mn * K)
            num = _gsum(self._num_weights(N, Y), gg, GG).reshape(-1, Mn, K, self._L())
            return {"n_x": n_x, "n_mx": n_mx, "num": num}
        S = len(self.srows)
        n_s = _gsum(N, self.sid, S)
        nx_s = _gsum(N * xm, self.sid, S)
        gg, GG = self._num_groups(self.sid, S)
        num = _gsum(num_w, gg, GG).reshape(-1, S, self._L())
        return {"n_s": n_s, "nx_s": nx_s, "num": num}

    def _L(self) -> int:
        return 1 if (self.numeric or self.y_code is not None) else self.L

    def value(self, st: dict) -> tuple[np.ndarray, np.ndarray]:
        """(estimates (B, L), positivity-failure flags (B,))."""
        if self.plan.method == "id":
            est, failed, _ = self.id_formula.evaluate(st["N"])
            return est, failed
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.plan.method == "frontdoor":
                return self._frontdoor(st)
            n_s, nx_s, num = st["n_s"], st["nx_s"], st["num"]
            bad = (n_s > 0) & (nx_s == 0)
            weight = n_s * ~bad if self.positivity == "drop" else n_s
            p_s = weight / weight.sum(axis=1, keepdims=True)
            ratio = np.where(nx_s[..., None] > 0, num / nx_s[..., None], 0.0)
            est = (ratio * p_s[..., None]).sum(axis=1)
            failed = bad.any(axis=1) if self.positivity != "drop" else bad.all(axis=1)
            if self.plan.method == "observational (no do)" or not self.plan.term.is_causal:
                failed = nx_s.sum(axis=1) == 0
            return est, failed

    def _frontdoor(self, st: dict) -> tuple[np.ndarray, np.ndarray]:
        n_x, n_mx, num = st["n_x"], st["n_mx"], st["num"]
        total = n_x.sum(axis=1, keepdims=True)
        if self.xt < 0:
            B = n_x.shape[0]
            return np.full((B, self._L()), np.nan), np.ones(B, dtype=bool)
        p_x = n_x / total  # (B, K)
        p_m_x = n_mx[:, :, self.xt] / n_x[:, [self.xt]]  # (B, M)
        ratio = np.where(n_mx[..., None] > 0, num / n_mx[..., None], 0.0)  # (B, M, K, L)
        inner = (ratio * p_x[:, None, :, None]).sum(axis=2)  # (B, M, L)
        est = (p_m_x[..., None] * inner).sum(axis=1)
        reached = n_mx[:, :, self.xt] > 0  # (B, M)
        gap = ((n_mx == 0) & (n_x[:, None, :] > 0)).any(axis=2)
        failed = (reached & gap).any(axis=1) | (n_x[:, self.xt] == 0)
        return est, failed

    def naive(self, N: np.ndarray, Y: np.ndarray | None) -> np.ndarray:
        """Plain P(y | x, w) (or E[y | x, w]): (B, L)."""
        N = N[:, self.cells]
        Y = None if Y is None else Y[:, self.cells]
        xm = self.x_match[self.cells]
        den = (N * xm).sum(axis=1)
        g = np.zeros(len(self.cells), dtype=np.int64)
        gg, GG = self._num_groups(g, 1)
        num = _gsum(self._num_weights(N, Y) * xm, gg, GG)
        with np.errstate(divide="ignore", invalid="ignore"):
            return num / den[:, None]


# -- formatting helpers shared with the card ------------------------------------------------


def _vals(t: CountTable, names: list[str], codes) -> list:
    """Column values of level codes, e.g. (["Talent"], [0]) -> ["High"]."""
    return [t.levels[c][int(k)] for c, k in zip(names, codes, strict=True)]


def _assign_text(names: list[str], values: list) -> str:
    return ", ".join(
        f"{format_name(n)}={_show_value(v)}" for n, v in zip(names, values, strict=False)
    )


def _frac(a: float, b: float) -> Fraction | None:
    if b == 0 or a != int(a) or b != int(b):
        return None
    return Fraction(int(a), int(b))


def _positivity_message(calc: _Calc, st: dict) -> str:
    t, plan = calc.t, calc.plan
    xtext = _assign_text(plan.x, _vals(t, plan.x, calc.x_codes))
    if plan.method == "frontdoor":
        if calc.xt < 0:
            return f"positivity fails: no rows with {xtext}"
        n_x, n_mx = st["n_x"][0], st["n_mx"][0]
        for mi in range(len(calc.mrows)):
            if n_mx[mi, calc.xt] == 0:
                continue
            for k in range(len(calc.xrows)):
                if n_x[k] > 0 and n_mx[mi, k] == 0:
                    mtext = _assign_text(
                        plan.m,
                        _vals(t, plan.m, calc.mrows[mi]),
                    )
                    xk = _assign_text(
                        plan.x,
                        _vals(t, plan.x, calc.xrows[k]),
                    )
                    return (
                        f"positivity fails for the front-door formula: no rows with {mtext} and "
                        f"{xk}, so P({format_name(plan.y)} | {mtext}, {xk}) is undefined"
                    )
        return f"positivity fails for the front-door formula at {xtext}"
    n_s, nx_s = st["n_s"][0], st["nx_s"][0]
    bad = np.flatnonzero((n_s > 0) & (nx_s == 0))
    i = int(bad[0])
    stratum = dict(zip(plan.z, _vals(t, plan.z, calc.srows[i]), strict=True))
    stext = _assign_text(plan.z, list(stratum.values())) or "(the whole data)"
    more = f" ({len(bad) - 1} more such strata)" if len(bad) > 1 else ""
    return (
        f"positivity fails: stratum {stext} has {int(n_s[i])} rows but none with {xtext}{more}, "
        f"so P({format_name(plan.y)} | {xtext}, {stext}) is undefined. Coarsen or merge the "
        "stratum, choose another adjustment set, or pass positivity='drop' (--positivity drop) "
        "to estimate over the strata that have treated rows only (a different population)"
    )


def _term_result(
    plan: _Plan, calc: _Calc, table: CountTable, graph_name: str | None, N0, Y0
) -> DoResult:
    """Point estimate of one term, with its table of strata and the card's details."""
    t, term = table, plan.term
    st = calc.stats(N0, Y0)
    est, failed = calc.value(st)
    naive = calc.naive(N0, Y0)[0]
    warnings = list(plan.warnings)
    if failed[0]:
        if not term.is_causal:
            raise PositivityError(f"no rows match the conditions of {term}")
        if plan.method == "id":
            _, _, events = calc.id_formula.evaluate(st["N"], trace=True)
            xtext = _assign_text(plan.x, _vals(t, plan.x, calc.x_codes))
            raise PositivityError(
                calc.id_formula.failure(events, xtext)
                + " (positivity='drop' does not apply to the ID formula)",
                rows=0,
            )
        raise PositivityError(_positivity_message(calc, st), rows=0)
    est = est[0]
    L = calc._L()
    details: dict = {"x_text": _assign_text(plan.x, _vals(t, plan.x, calc.x_codes))}
    y_label = None if calc.numeric or calc.y_code is None else t.levels[plan.y][calc.y_code]
    details["y_value"] = y_label
    details["w"] = [(n, v) for n, v in term.conditions]
    exact = None
    tbl = None
    if plan.method == "id":
        tbl = None  # the formula is not a sum over strata; the card shows it whole
        details["id_formula"] = getattr(plan.identification, "formula", "")
        details["id_latex"] = getattr(plan.identification, "latex", "")
        if calc.id_formula.extra:
            extra = ", ".join(map(str, calc.id_formula.extra))
            plan.reason += (
                f". The formula holds at every value of {extra}; the estimate averages it "
                f"over the observed distribution of {extra}"
            )
    elif plan.method == "frontdoor":
        n_x, n_mx, num = st["n_x"][0], st["n_mx"][0], st["num"][0]
        total = n_x.sum()
        rows = []
        ex = Fraction(0) if not calc.numeric else None
        for mi, mrow in enumerate(calc.mrows):
            if n_mx[mi, calc.xt] == 0:
                continue
            rec = dict(zip(plan.m, _vals(t, plan.m, mrow), strict=True))
            rec["n(m, x)"] = int(n_mx[mi, calc.xt])
            rec["n(x)"] = int(n_x[calc.xt])
            rec["P(m | x)"] = n_mx[mi, calc.xt] / n_x[calc.xt]
            inner_terms = []
            inner_val = np.zeros(L)
            inner_ex = Fraction(0)
            for k, xrow in enumerate(calc.xrows):
                if n_x[k] == 0:
                    continue
                r = num[mi, k] / n_mx[mi, k]
                inner_val += r * n_x[k] / total
                xk = dict(zip(plan.x, _vals(t, plan.x, xrow), strict=True))
                inner_terms.append(
                    {
                        "x": xk,
                        "num": float(num[mi, k, 0]),
                        "den": int(n_mx[mi, k]),
                        "p_y": float(r[0]),
                        "n_x": int(n_x[k]),
                        "total": int(total),
                    }
                )
                if ex is not None and L == 1:
                    inner_ex += Fraction(int(num[mi, k, 0]), int(n_mx[mi, k])) * Fraction(
                        int(n_x[k]), int(total)
                    )
            rec["Σx' P(y | m, x') P(x')"] = inner_val[0] if L == 1 else inner_val
            if L == 1:
                rec["product"] = rec["P(m | x)"] * inner_val[0]
            rec["_inner"] = inner_terms
            if ex is not None and L == 1:
                ex += Fraction(int(n_mx[mi, calc.xt]), int(n_x[calc.xt])) * inner_ex
            rows.append(rec)
        details["inner"] = [r.pop("_inner") for r in rows]
        tbl = pd.DataFrame(rows)
        exact = ex if L == 1 and not calc.numeric else None
    else:
        n_s, nx_s, num = st["n_s"][0], st["nx_s"][0], st["num"][0]
        keep = n_s > 0
        dropped_strata = []
        rows = []
        if calc.positivity == "drop":
            bad = keep & (nx_s == 0)
            for i in np.flatnonzero(bad):
                dropped_strata.append(
                    (
                        _assign_text(
                            plan.z,
                            _vals(t, plan.z, calc.srows[i]),
                        ),
                        int(n_s[i]),
                    )
                )
            keep = keep & ~bad
        denom = n_s[keep].sum()
        ex = Fraction(0)
        for i in np.flatnonzero(keep):
            rec = dict(zip(plan.z, _vals(t, plan.z, calc.srows[i]), strict=True))
            rec["n"] = int(n_s[i])
            rec["P(z)"] = n_s[i] / denom
            rec["n(x, z)"] = int(nx_s[i])
            if calc.numeric:
                rec["sum(y | x, z)"] = float(num[i, 0])
                rec["E[y | x, z]"] = num[i, 0] / nx_s[i]
                rec["product"] = rec["E[y | x, z]"] * rec["P(z)"]
                ex = None
            elif L == 1:
                rec["n(y, x, z)"] = int(num[i, 0])
                rec["P(y | x, z)"] = num[i, 0] / nx_s[i]
                rec["product"] = rec["P(y | x, z)"] * rec["P(z)"]
                if ex is not None:
                    ex += Fraction(int(num[i, 0]), int(nx_s[i])) * Fraction(int(n_s[i]), int(denom))
            else:
                for j, lv in enumerate(calc.y_levels):
                    rec[f"n(y={lv}, x, z)"] = int(num[i, j])
                for j, lv in enumerate(calc.y_levels):
                    rec[f"P(y={lv} | x, z)"] = num[i, j] / nx_s[i]
                ex = None
            rows.append(rec)
        tbl = pd.DataFrame(rows)
        if not plan.z and len(tbl):
            tbl.index = ["(all rows)"] * len(tbl)
        exact = ex if (L == 1 and not calc.numeric and plan.term.is_causal) else None
        if dropped_strata:
            lost = sum(n for _, n in dropped_strata)
            warnings.append(
                f"POSITIVITY: {len(dropped_strata)} strata with no row at {details['x_text']} were "
                f"dropped ({lost} rows: "
                + "; ".join(f"{s} ({n} rows)" for s, n in dropped_strata[:5])
                + "). The estimate is for the remaining population only, not everyone"
            )
        details["denominator"] = int(denom)
        if plan.z and plan.term.is_causal and len(tbl):
            thin = tbl[tbl["n(x, z)"] < SMALL_STRATUM]
            if len(thin):
                i = int(thin["n(x, z)"].to_numpy().argmin())
                where = _assign_text(plan.z, [thin[c].iloc[i] for c in plan.z])
                warnings.append(
                    f"{len(thin)} of {len(tbl)} strata have fewer than {SMALL_STRATUM} rows with "
                    f"{details['x_text']} (smallest: {where}, {int(thin['n(x, z)'].iloc[i])} "
                    "row(s)); their P(y | x, z) rest on very few observations"
                )
        if not plan.term.is_causal:
            n_xw = int(nx_s.sum())
            details["n_xw"] = n_xw
    value = distribution = naive_dist = None
    if L == 1:
        value = float(est[0])
        naive_value = float(naive[0])
    else:
        distribution = {lv: float(p) for lv, p in zip(calc.y_levels, est, strict=False)}
        naive_dist = {lv: float(p) for lv, p in zip(calc.y_levels, naive, strict=False)}
        naive_value = None
    n_x_total = float(((N0[0] * calc.x_match)[calc.cells]).sum())
    details["n_naive_den"] = int(n_x_total)
    if L == 1 and not calc.numeric:
        details["n_naive_num"] = round(naive[0] * n_x_total) if n_x_total else 0
    return DoResult(
        query=str(term),
        value=value,
        naive=naive_value,
        method=plan.method,
        adjustment_set=tuple(sorted(plan.z, key=str)),
        frontdoor_set=tuple(sorted(plan.m, key=str)),
        distribution=distribution,
        naive_distribution=naive_dist,
        table=tbl,
        n_used=t.n_used,
        n_dropped_missing=t.n_dropped,
        warnings=warnings,
        graph_name=graph_name,
        identification=plan.identification,
        reason=plan.reason,
        exact=exact,
        term=term,
        details=details,
    )


def _bootstrap(
    calcs: list[_Calc], table: CountTable, B: int, seed: int | None, op: str | None
) -> tuple[np.ndarray, int]:
    """B resampled estimates (B, L) of the query (contrast applied) and the excluded count."""
    rng = np.random.default_rng(seed)
    n = table.n.astype(float)
    total = int(n.sum())
    p = n / n.sum()
    C = len(n)
    numeric = table.ysum is not None
    if numeric:
        mean = table.ysum / n
        var = np.maximum(table.ysumsq / n - mean**2, 0.0)
        sd = np.sqrt(var * n / np.maximum(n - 1, 1))  # cell sample sd
    chunk = max(1, min(B, 4_000_000 // max(C, 1)))
    out, excluded = [], 0
    done = 0
    while done < B:
        b = min(chunk, B - done)
        N = rng.multinomial(total, p, size=b).astype(float)
        Y = None
        if numeric:
            Y = N * mean + np.sqrt(N) * sd * rng.standard_normal((b, C))
        vals = []
        fail = np.zeros(b, dtype=bool)
        for calc in calcs:
            est, failed = calc.value(calc.stats(N, Y))
            vals.append(est)
            fail |= failed
        v = vals[0] if op is None else (vals[0] - vals[1] if op == "-" else vals[0] / vals[1])
        v = np.where(fail[:, None], np.nan, v)
        excluded += int(fail.sum())
        out.append(v)
        done += b
    return np.concatenate(out, axis=0), excluded


# -- the entry points -----------------------------------------------------------------


def do(
    query: str | Query,
    data: object,
    dag: nx.DiGraph | None = None,
    adjust: Iterable[str] | None = None,
    ci: float | None = None,
    bootstrap: int = 1000,
    seed: int | None = None,
    dag_name: str | None = None,
    positivity: str = "error",
) -> DoResult:
    """Estimate ``P(Y=y | do(X=x))`` (or ``E[Y | do(X=x)]``, a contrast...) from data.

    Parameters
    ----------
    query : text such as ``"P(Sound=Great | do(Gear=Fancy))"`` or a parsed :class:`Query`.
    data : a pandas / polars / pyarrow / DuckDB / Dask / PySpark table.
    dag : the causal graph; nodes map to columns by name, other nodes are unobserved.
    adjust : force this adjustment set (checked against ``dag`` if given, with a warning).
    ci : level of a bootstrap interval, e.g. ``0.95``; ``bootstrap`` resamples, ``seed``.
    dag_name : how the card names the graph.
    positivity : ``"error"`` (default) refuses strata without treated rows;
        ``"drop"`` leaves them out and says so loudly.

    Raises
    ------
    QuerySyntaxError, NotIdentifiableError, PositivityError, UnknownColumnError,
    UnknownValueError, DataError -- each saying what and where.

    Examples
    --------
    >>> r = do("P(Sound=Great | do(Gear=Fancy))", df, dag=G)   # doctest: +SKIP
    >>> round(r.value, 3), round(r.naive, 3)                    # doctest: +SKIP
    (0.357, 0.625)
    """
    q = parse_query(query) if isinstance(query, str) else query
    if not isinstance(q, Query):
        raise TypeError(f"query must be text or a Query, got {type(query).__name__}")
    if positivity not in ("error", "drop"):
        raise ValueError(f"positivity is 'error' or 'drop', got {positivity!r}")
    G = _as_graph(dag)
    if G is not None:
        from .graph import check_dag

        check_dag(G)
    graph_name = dag_name or ("the graph" if G is not None else None)
    adjust_t = None
    if adjust is not None:
        adjust_t = (adjust,) if isinstance(adjust, str) else tuple(adjust)
        if len(adjust_t) == 1 and isinstance(adjust_t[0], str) and "," in adjust_t[0]:
            adjust_t = tuple(a.strip() for a in adjust_t[0].split(",") if a.strip())
    if engine_of(data) is None:
        raise TypeError(
            "data must be a table (pandas, polars, pyarrow, DuckDB, Dask or PySpark), "
            f"got {type(data).__name__}"
        )
    columns = columns_of(data)
    for name in q.variables + list(adjust_t or ()):
        if name not in columns:
            from .backends import _unknown_column_message

            raise UnknownColumnError(_unknown_column_message(name, columns))
    if G is not None:
        for name in q.variables:
            if name not in G:
                hint = suggest(name, G.nodes)
                raise ValueError(
                    f"{name!r} is not a node of {graph_name}"
                    + (f"; did you mean {hint!r}?" if hint else "")
                    + f" (nodes: {', '.join(map(str, list(G.nodes)[:20]))})"
                )
    if q.left.kind == "E" and q.right is not None and q.right.outcome != q.left.outcome:
        raise ValueError("a contrast of expectations needs the same outcome on both sides")

    graph_warnings = _graph_warnings(G, columns) if G is not None else []
    try:
        plans = [_plan_term(t, columns, G, graph_name or "", adjust_t) for t in q.terms]
    except NotIdentifiableError as err:
        if graph_warnings:  # a misspelt node is the likeliest cause: say so in the error
            err.args = (str(err) + ". Note: " + "; ".join(graph_warnings),)
        raise
    numeric = q.left.kind == "E"
    value_col = q.left.outcome if numeric else None
    keys: list[str] = []
    for p in plans:
        for c in p.x + p.w + p.z + p.m + p.v + ([] if numeric else [p.y]):
            if c not in keys:
                keys.append(c)
    if value_col is not None and engine_of(data) == "pandas":
        dtype = data[value_col].dtype
        if not (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)):
            raise DataError(
                f"E[{value_col} | ...] needs a numeric column; {value_col!r} holds {dtype}. "
                f"Ask for a probability instead, e.g. P({format_name(value_col)}=value | ...)"
            )
    table = count_table(data, keys, value=value_col)
    if table.n_used == 0:
        used = keys + ([value_col] if value_col else [])
        raise DataError(
            "no complete rows: every row has a missing value in one of "
            + ", ".join(used)
            + (f" (is {value_col!r} numeric?)" if value_col else "")
        )
    for p in plans:
        for c in p.z + p.m + p.w + p.v:
            if table.kinds[c] == "float" and len(table.levels[c]) > MAX_FLOAT_LEVELS:
                raise DataError(
                    f"{c!r} is continuous ({len(table.levels[c])} distinct float values); "
                    f"adjustment needs strata: bin it first, e.g. "
                    f"df[{c!r}] = pd.qcut(df[{c!r}], 4)"
                )
    calcs = [_Calc(p, table, positivity) for p in plans]
    N0 = table.n.astype(float)[None, :]
    Y0 = None if table.ysum is None else table.ysum[None, :]
    shown_name = graph_name if G is not None else None
    parts = [
        _term_result(p, c, table, shown_name, N0, Y0) for p, c in zip(plans, calcs, strict=False)
    ]

    warnings: list[str] = list(graph_warnings)
    if table.n_dropped:
        warnings.append(
            f"{table.n_dropped:,} rows with a missing value in "
            f"{', '.join(keys + ([value_col] if value_col else []))} "
            f"were dropped ({table.n_used:,} rows used)"
        )
    if q.right is None:
        result = parts[0]
        result.warnings = warnings + result.warnings
    else:
        a, b = parts
        if q.op == "-":
            value, naive = a.value - b.value, a.naive - b.naive
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                value = a.value / b.value if b.value else math.nan
                naive = a.naive / b.naive if b.naive else math.nan
            if not b.value:
                warnings.append(f"the denominator {b.query} is 0: the ratio is undefined")
        seen = set()
        merged = []
        for w in warnings + a.warnings + b.warnings:
            if w not in seen:
                seen.add(w)
                merged.append(w)
        result = DoResult(
            query=str(q),
            value=value,
            naive=naive,
            method=a.method if a.method == b.method else f"{a.method} / {b.method}",
            adjustment_set=tuple(sorted(set(a.adjustment_set) | set(b.adjustment_set), key=str)),
            frontdoor_set=tuple(sorted(set(a.frontdoor_set) | set(b.frontdoor_set), key=str)),
            n_used=table.n_used,
            n_dropped_missing=table.n_dropped,
            warnings=merged,
            graph_name=shown_name,
            identification=a.identification,
            reason=a.reason,
            parts=(a, b),
            op=q.op,
            exact=(a.exact - b.exact if q.op == "-" else (a.exact / b.exact if b.exact else None))
            if a.exact is not None and b.exact is not None
            else None,
        )
    result.query = str(q)
    if ci is not None:
        if not 0 < ci < 1:
            raise ValueError(f"ci is a level between 0 and 1 such as 0.95, got {ci}")
        if bootstrap < 10:
            raise ValueError(f"bootstrap needs at least 10 resamples, got {bootstrap}")
        draws, excluded = _bootstrap(calcs, table, int(bootstrap), seed, q.op)
        lo_q, hi_q = (1 - ci) / 2, 1 - (1 - ci) / 2
        ok = ~np.isnan(draws).any(axis=1)
        result.bootstrap = int(bootstrap)
        result.bootstrap_excluded = excluded
        result.ci_level = ci
        if ok.sum() < 2:
            result.warnings.append(
                f"no interval: {excluded} of {bootstrap} resamples lost a stratum's treated rows"
            )
        else:
            good = draws[ok]
            lo, hi = np.quantile(good, [lo_q, hi_q], axis=0)
            if result.value is not None:
                result.ci = (float(lo[0]), float(hi[0]))
            else:
                result.details["ci_distribution"] = {
                    lv: (float(a), float(b))
                    for lv, a, b in zip(result.distribution, lo, hi, strict=True)
                }
            if excluded:
                result.warnings.append(
                    f"{excluded} of {bootstrap} bootstrap resamples lost every treated row of a "
                    "stratum (positivity failed in the resample) and were excluded from the "
                    "interval, which may therefore be too narrow"
                )
    return result
