"""One treatment/outcome question, checked and set up once: the ``_Problem`` every criterion reads.

Why: every public function takes (G, x, y, observed, included) and must refuse the
same bad input with the same words, read the same roles (treatment, outcome,
latent, adjusted, selected) and compute the same structure (ancestors of Y,
proper causal paths, forbidden nodes, the proper back-door graph's cut edges).
Doing it here, once and cached, keeps the criteria short and consistent.
"""

from __future__ import annotations

import difflib
from collections.abc import Hashable, Iterable
from functools import cached_property

import networkx as nx

from ..graph import adjacency, check_dag, is_hidden, latent_nodes
from ._reach import _ball, _bfs_parents, _closure, _down, _trace, _up
from .results import Path, _make_path

Node = Hashable
NodeArg = Hashable | Iterable[Hashable] | None


class IdentificationError(ValueError):
    """Bad arguments to an identification function (unknown node, overlap, cycle...)."""


# --------------------------------------------------------------------------- input checks


def _check_graph(G: nx.DiGraph) -> None:
    """Refuse what is not an acyclic DiGraph, naming the cycle (:func:`graph.check_dag`)."""
    check_dag(
        G,
        error=IdentificationError,
        cycle_text="the graph has a cycle: {cycle}; causal effects are defined here for "
        "acyclic graphs (DAGs) only -- remove or reverse one of these edges",
    )


def _unknown(G: nx.DiGraph, node: object, what: str) -> IdentificationError:
    """The error for a name that is not a node, with up to three close spellings."""
    names = [str(n) for n in G.nodes if not is_hidden(G, n)]
    close = difflib.get_close_matches(str(node), names, n=3)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return IdentificationError(f"{what} {node!r} is not a node of the graph{hint}")


def _node_tuple(G: nx.DiGraph, arg: object, what: str) -> tuple:
    """A node or a collection of nodes -> tuple of nodes of ``G`` (order kept)."""
    try:
        if arg in G:
            return (arg,)
    except TypeError:  # unhashable: a list or set of nodes
        pass
    if isinstance(arg, str) or not isinstance(arg, Iterable):
        raise _unknown(G, arg, what)
    out = tuple(dict.fromkeys(arg))
    for n in out:
        try:
            ok = n in G
        except TypeError:
            ok = False
        if not ok:
            raise _unknown(G, n, what)
    return out


def _roles(G: nx.DiGraph) -> dict[str, list]:
    """Role -> its nodes, in graph order."""
    out: dict[str, list] = {}
    for n, data in G.nodes(data=True):  # not data="role": that one is a Python generator
        r = data.get("role")
        if r is not None:
            out.setdefault(r, []).append(n)
    return out


def _unobserved(G: nx.DiGraph, observed: Iterable | None) -> set:
    """Latent nodes (role or hidden ``<->`` node), plus the nodes not in ``observed``."""
    unobs = latent_nodes(G)
    if observed is not None:
        obs = observed if isinstance(observed, (set, frozenset)) else set(observed)
        unobs.update(n for n in G.nodes if n not in obs)
    return unobs


def _endpoints(G, x, y, roles) -> tuple[tuple, tuple]:
    """Treatment and outcome tuples: the arguments, else the role-marked nodes; checked."""
    if x is None:
        x = tuple(roles.get("treatment", ()))
        if not x:
            raise IdentificationError(
                "no treatment given and no node has role 'treatment'; "
                "pass x=... or mark a node as [treatment] / [exposure]"
            )
    else:
        x = _node_tuple(G, x, "treatment")
    if y is None:
        y = tuple(roles.get("outcome", ()))
        if not y:
            raise IdentificationError(
                "no outcome given and no node has role 'outcome'; "
                "pass y=... or mark a node as [outcome]"
            )
    else:
        y = _node_tuple(G, y, "outcome")
    if not x:
        raise IdentificationError("the treatment set is empty; give at least one node")
    if not y:
        raise IdentificationError("the outcome set is empty; give at least one node")
    both = [n for n in x if n in set(y)]
    if both:
        raise IdentificationError(
            f"{both[0]!r} is both a treatment and an outcome; "
            "a variable cannot be its own effect -- pick different nodes"
        )
    return x, y


# --------------------------------------------------------------------------- selection


def _cut_edges(edges) -> tuple[dict, dict]:
    """``cut_out`` / ``cut_in`` dicts for the Bayes-ball of a graph without ``edges``."""
    cut_out: dict = {}
    cut_in: dict = {}
    for a, b in edges:
        cut_out.setdefault(a, set()).add(b)
        cut_in.setdefault(b, set()).add(a)
    return cut_out, cut_in


def _selection_ignorable(succ, pred, X, ys, sel) -> bool:
    """Conditions (c) and (d) of the type-1 criterion of Correa, Tian & Bareinboim (2018).

    (c) Y ⫫ S | X in the graph without the edges into X; (d) every treatment that is an
    ancestor of S is d-separated from Y in the graph without the edges out of X.
    O(n + m) each.
    """
    xs = frozenset(X)
    cut_out, cut_in = _cut_edges((p, x) for x in X for p in pred[x])
    anc = _up(pred, xs, cut_in=cut_in)
    if _ball(succ, pred, set(ys), xs, anc, cut_out, cut_in, set(sel)):
        return False
    an_s = _up(pred, sel) & xs
    if not an_s:
        return True
    cut_out, cut_in = _cut_edges((x, c) for x in X for c in succ[x])
    return not _ball(succ, pred, an_s, set(), set(), cut_out, cut_in, set(ys))


# --------------------------------------------------------------------------- the problem


class _Problem:
    """One treatment/outcome question on one graph: checked input + cached structure."""

    def __init__(self, G, x=None, y=None, observed=None, included=None, *, check=True):
        if check:
            _check_graph(G)
        self.G = G
        self.succ, self.pred = adjacency(G)
        roles = _roles(G)
        self.X, self.Y = _endpoints(G, x, y, roles)
        self.xs = frozenset(self.X)
        self.ys = frozenset(self.Y)
        self.unobs = _unobserved(G, observed)
        inc = () if included is None else _node_tuple(G, included, "included node")
        self.selected = frozenset(roles.get("selected", ()))
        forced = dict.fromkeys([*roles.get("adjusted", ()), *inc, *roles.get("selected", ())])
        clash = [n for n in forced if n in self.xs or n in self.ys]
        if clash:
            raise IdentificationError(
                f"{clash[0]!r} is a treatment or outcome and cannot also be adjusted for"
            )
        self.forced_order = tuple(forced)
        self.forced = frozenset(forced)

    # -- structure -------------------------------------------------------------------
    @cached_property
    def an_y(self) -> set:
        """Ancestors of Y in G with X's out-edges removed (Y included, X excluded)."""
        return _up(self.pred, self.ys, block=self.xs)

    @cached_property
    def cn(self) -> set:
        """Nodes on proper causal paths X -> ... -> Y, X excluded (Y included if reached)."""
        succ = self.succ
        seeds = set()
        for x in self.X:
            seeds |= succ[x].keys() & self.an_y
        seeds -= self.xs
        return _down(succ, seeds, within=self.an_y, block=self.xs)

    @cached_property
    def cut(self) -> tuple[dict, dict]:
        """The edges removed in the proper back-door graph: first edges X -> cn."""
        cn = self.cn
        cut_out: dict = {}
        cut_in: dict = {}
        for x in self.X:
            heads = self.succ[x].keys() & cn
            if heads:
                cut_out[x] = heads
                for h in heads:
                    cut_in.setdefault(h, set()).add(x)
        return cut_out, cut_in

    @cached_property
    def forb(self) -> set:
        """Forbidden nodes: descendants of proper-causal-path nodes, and X."""
        return _down(self.succ, self.cn) | self.xs

    @cached_property
    def population(self) -> str | None:
        """Which population an adjustment answer holds for, given the selection nodes.

        ``None`` without selection.  ``"whole"`` when the data selected on S still give
        the effect in the whole population by Σ_z P(y | x, z, s) P(z | s): the generalized
        adjustment criterion under selection (Correa, Tian & Bareinboim 2018, type 1) adds
        to the usual conditions, which do not depend on Z, that (c) Y ⫫ S | X once the
        edges into X are cut, and (d) every treatment that is an ancestor of S is
        d-separated from Y once the edges out of X are cut.  ``"selected"`` when that
        fails but no selection node descends from the treatment: the same formula is
        then the effect within the selected population, P(y | do(x), s) (the documented
        difference with DAGitty, which answers only for the whole population).
        ``"none"`` otherwise -- selection depends on the treatment and no adjustment
        set recovers the effect from these data.
        """
        sel = self.selected
        if not sel:
            return None
        succ, pred = self.succ, self.pred
        if _selection_ignorable(succ, pred, self.X, self.ys, sel):
            return "whole"
        if _down(succ, self.xs) & sel:
            return "none"
        return "selected"

    def ancestral(self, extra=()) -> set:
        """An(X ∪ Y ∪ extra) -- the same in G and in the proper back-door graph."""
        return _up(self.pred, [*self.X, *extra], seen=set(self.an_y))

    def adjustable(self, v) -> bool:
        """May ``v`` be adjusted for at all (observed, neither treatment nor outcome)?"""
        return v not in self.unobs and v not in self.xs and v not in self.ys

    # -- the core tests ----------------------------------------------------------------
    def separated_pbd(self, z) -> bool:
        """Does ``z`` d-separate X and Y in the proper back-door graph?"""
        cut_out, cut_in = self.cut
        anc = _up(self.pred, z, cut_in=cut_in)
        return not _ball(self.succ, self.pred, self.xs, z, anc, cut_out, cut_in, self.ys)

    def is_adjustment(self, z) -> bool:
        """Is ``z`` (plus the selected nodes) a valid adjustment set?"""
        z = set(z) | self.selected
        if self.population == "none":
            return False
        if z & self.xs or z & self.ys or z & self.forb:
            return False
        return self.separated_pbd(z)

    def find_minimal(self, forced=None, restricted=None) -> frozenset | None:
        """A minimal adjustment set containing ``forced`` within ``restricted`` [4]_."""
        forced = self.forced if forced is None else frozenset(forced)
        if self.population == "none":
            return None
        A = self.ancestral(forced)
        forb_a = _down(self.succ, self.cn, within=A) | self.xs
        if forced & forb_a or forced & self.unobs:
            return None
        ys = self.ys
        unobs = self.unobs
        z0 = {v for v in A if v not in forb_a and v not in ys and v not in unobs}
        if restricted is not None:
            z0 = (z0 & restricted) | forced
        cut_out, cut_in = self.cut
        cx = _closure(self.succ, self.pred, self.xs, A, z0, cut_out, cut_in)
        if cx & ys:
            return None
        z1 = z0 & (cx | forced)
        cy = _closure(self.succ, self.pred, ys, A, z1, cut_out, cut_in)
        return frozenset(z1 & (cy | forced))

    def any_valid(self, forced, restricted) -> bool:
        """Is there a valid set Z with forced ⊆ Z ⊆ restricted?  O(n + m)."""
        return self.find_minimal(forced, restricted) is not None

    # -- messages ----------------------------------------------------------------------
    def causal_path_through(self, v) -> Path | None:
        """A proper causal path X -> ... -> v -> ... -> Y through ``v`` (v in cn)."""
        if v not in self.cn:
            return None
        succ, pred, cn = self.succ, self.pred, self.cn
        back = _bfs_parents(v, lambda u: [p for p in pred[u] if p in cn or p in self.xs])
        start = next((u for u in back if u in self.xs), None)
        fwd = _bfs_parents(v, lambda u: [c for c in succ[u] if c in cn] if u not in self.ys else [])
        end = next((u for u in fwd if u in self.ys), None)
        if start is None or end is None:
            return None
        left = _trace(back, start)  # start ... v
        right = _trace(fwd, end)[::-1]  # v ... end
        return _make_path(self.G, tuple(left) + tuple(right[1:]), set(), set())
