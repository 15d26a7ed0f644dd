"""Step 1 of ``%do``: which formula answers each term, and over which variables.

Why a module of its own: deciding *what* to compute is a question about the
graph, answered by the identification layer (:mod:`causal_magic.identify`):
a back-door adjustment set, a front-door set or an ID-algorithm formula; a
user-given set (``adjust=``) is checked against the graph when there is one.
This module turns that answer into a :class:`Plan` -- the variables each
step needs and the formula as a :mod:`causal_magic.formula` tree, which the
card writes out -- and turns "not identifiable" into an error that names the
open path.  Nothing here looks at the data beyond its column names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from ..formula import Expr, Prob, Product, Sum
from ..graph import is_hidden
from ..identify import (
    check_adjustment_set,
    identify_effect,
    paths,
)
from ..query import Term, format_name
from .id_formula import formula_variables
from .result import DataError, NotIdentifiableError

__all__ = ["Plan", "plan_term"]


@dataclass
class Plan:
    """How one term is computed: its method and the variables of each role."""

    term: Term
    method: str
    x: list[str]
    y: str
    w: list[str]
    z: list[str] = field(default_factory=list)
    m: list[str] = field(default_factory=list)
    v: list[str] = field(default_factory=list)  # the ID formula's other observed variables
    expression: Expr | None = None  # the formula, as a tree
    identification: object = None
    reason: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        """Every column the term's counts need (the outcome last)."""
        return self.x + self.w + self.z + self.m + self.v + [self.y]

    @property
    def strata_columns(self) -> list[str]:
        """Columns used as strata, which must be categorical."""
        return self.z + self.m + self.w + self.v


def _node_arg(names: list[str]):
    return names[0] if len(names) == 1 else set(names)


def _path_text(path) -> str:
    return "" if path is None else str(path)


def _set_text(names: list[str]) -> str:
    return "{" + ", ".join(names) + "}"


def plan_term(
    term: Term,
    columns: list[str],
    G: nx.DiGraph | None,
    graph_name: str,
    adjust: tuple[str, ...] | None,
) -> Plan:
    """The plan for one term: no do(), a user-given set, or the graph's answer."""
    x = [n for n, _ in term.interventions]
    w = [n for n, _ in term.conditions]
    plan = Plan(term, "", x, term.outcome, w)
    ident = None
    if not term.is_causal:
        plan.method = "observational (no do)"
        plan.reason = "no do(...): the plain conditional probability, no causal claim"
    elif adjust is not None:
        _plan_user_set(plan, G, graph_name, adjust)
    elif G is None:
        raise ValueError(
            "a causal query needs a graph (dag=G, --dag G) to find what to adjust for, "
            "or an adjustment set (adjust=['Z'], --adjust Z1,Z2)"
        )
    else:
        observed = {n for n in G.nodes if n in set(columns) and not is_hidden(G, n)}
        if w:
            ident = _plan_conditional(plan, G, graph_name, observed)
        else:
            ident = plan.identification = _plan_identified(plan, G, graph_name, observed)
    plan.expression = _expression(ident, plan)
    return plan


def _plan_user_set(plan: Plan, G, graph_name: str, adjust: tuple[str, ...]) -> None:
    """``adjust=`` forces the set; with a graph, say whether it is valid."""
    z = [c for c in dict.fromkeys(adjust) if c not in plan.w]
    clash = [c for c in z if c in plan.x or c == plan.y]
    if clash:
        raise ValueError(f"{clash[0]!r} is the treatment or outcome; it cannot be adjusted for")
    plan.z = z
    plan.method = "adjustment (user-given)"
    zs = _set_text(z) if z else "the empty set {}"
    if G is None:
        plan.reason = "no graph given: validity not checked"
        plan.warnings.append(
            f"adjusted for {zs} as given; no graph was given, so whether this set "
            "blocks every back-door path was not checked"
        )
        return
    check = check_adjustment_set(G, _node_arg(plan.x), plan.y, set(z) | set(plan.w))
    plan.identification = check
    if check.valid:
        plan.reason = f"{zs} is a valid adjustment set in {graph_name}: " + check.reason
        return
    path = _path_text(check.open_path)
    plan.reason = f"{zs} is NOT a valid adjustment set in {graph_name}: {check.reason}"
    plan.warnings.append(
        f"{zs} (the set given) is not a valid adjustment set in {graph_name}"
        + (f": the path {path} stays open" if path else f": {check.reason}")
        + "; the number below is not a causal effect under this graph"
    )


def _plan_conditional(plan: Plan, G, graph_name: str, observed: set):
    """``P(y | do(x), w)``: the back-door formula within each stratum of ``w``."""
    x, w = plan.x, plan.w
    ident = identify_effect(G, _node_arg(x), plan.y, observed=observed, given=tuple(w))
    if ident.descendant_condition is not None:
        post = ident.descendant_condition
        raise NotIdentifiableError(
            f"{post} is affected by {', '.join(x)} in {graph_name}; a condition after "
            "'|' must not be a descendant of the treatment (that conditions on an outcome "
            "of the intervention, which %do does not estimate). Drop the condition, or "
            f"ask for its own distribution: P({post} | do(...))."
        )
    if ident.method == "none" and ident.reason.startswith("no valid adjustment set"):
        raise NotIdentifiableError(
            f"no valid adjustment set among the observed columns contains "
            f"{_set_text(w)} in {graph_name}; P(y | do(x), w) cannot be estimated "
            "by stratum-specific adjustment"
        )
    if ident.method == "none":
        raise NotIdentifiableError(f"{ident.reason}; P(y | do(x), w) is not estimated this way")
    plan.z = sorted(ident.adjustment_set, key=str)
    plan.method = "backdoor"
    plan.reason = ident.reason
    return ident


def _plan_identified(plan: Plan, G, graph_name: str, observed: set):
    """``P(y | do(x))``: back-door, front-door or the ID formula, as the graph says."""
    term = plan.term
    ident = identify_effect(G, x=_node_arg(plan.x), y=term.outcome, observed=observed)
    plan.reason = ident.reason
    plan.warnings.extend(getattr(ident, "warnings", ()) or ())
    if ident.method == "backdoor":
        plan.method = "backdoor"
        plan.z = sorted(ident.adjustment_set or (), key=str)
        if plan.z:
            plan.reason = _blocked_paths_text(G, plan.x, term.outcome, plan.z) + ident.reason
    elif ident.method == "frontdoor":
        plan.method = "frontdoor"
        plan.m = sorted(ident.frontdoor_set or (), key=str)
    elif ident.method == "id":
        if term.kind == "E":
            raise DataError(
                f"{term} is identified only by the ID formula ({ident.formula}), which %do "
                "estimates for probabilities of categorical outcomes; ask for "
                f"P({format_name(term.outcome)}=value | do(...)) instead"
            )
        plan.method = "id"
        plan.v = sorted(
            (n for n in formula_variables(ident.expression) if n not in {*plan.x, term.outcome}),
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
    return ident


def _expression(ident, plan: Plan) -> Expr:
    """The plan's formula as a tree: the identification's, else built from the plan's sets.

    User-given sets and terms without do() have no identification: their tree is
    built here.
    """
    expr = getattr(ident, "expression", None)
    if expr is not None:
        return expr
    x, y, w = tuple(plan.x), (plan.y,), tuple(plan.w)
    z = tuple(sorted(plan.z, key=str))  # as the result's adjustment_set
    if not z:
        return Prob(y, x + w)
    return Sum(z, Product((Prob(y, x + z + w), Prob(z, w))))


def _blocked_paths_text(G: nx.DiGraph, x: list[str], y: str, z: list[str]) -> str:
    """'without adjustment the back-door path A <- B -> C is open; {B} blocks it. '"""
    try:
        found = [p for p in paths(G, _node_arg(x), y, limit=20) if p.kind == "biasing" and p.open]
    except Exception:  # the reason is a courtesy; never let it stop an estimate
        return ""
    if not found:
        try:
            empty_ok = check_adjustment_set(G, _node_arg(x), y, set()).valid
        except Exception:
            return ""
        if not empty_ok:
            return ""
        return (
            "no back-door path is open, so the empty set is valid too (under this graph the "
            f"naive P(y | x) is already causal); {_set_text(z)} is kept because it makes "
            "the estimate more precise. Set chosen: "
        )
    shown = ", ".join(str(p) for p in found[:3]) + (", ..." if len(found) > 3 else "")
    many = len(found) > 1
    return (
        f"without adjustment the back-door path{'s' if many else ''} {shown} "
        f"{'are' if many else 'is'} open; {_set_text(z)} blocks {'them' if many else 'it'}. "
        "Set chosen: "
    )
