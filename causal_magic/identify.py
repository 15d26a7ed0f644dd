"""Identification of causal effects on a ``networkx.DiGraph``.

The analysis engine of causal_magic: d-separation, causal and biasing paths,
adjustment sets (test, find, list, minimum, optimal), the front-door criterion,
instrumental variables and the independencies a graph implies.  Pure
functions on DiGraphs; nothing here imports IPython or pandas.

Conventions (see :mod:`causal_magic.graph`)
-------------------------------------------
* Treatment (``x``) and outcome (``y``) arguments take a node or a collection
  of nodes and default to the nodes whose ``role`` is ``treatment`` /
  ``outcome``.
* Nodes with role ``latent`` -- including the hidden nodes that stand for
  ``A <-> B`` -- are never adjustable.  ``observed=`` (any iterable of node
  names, e.g. a DataFrame's columns) narrows this further: a node not in it is
  unobserved.
* Nodes with role ``adjusted``, plus ``included=``, are *forced*: they are put
  into every adjustment set, and a function answers ``None`` when no valid set
  contains them (:func:`adjustment_problem` says why).
* Nodes with role ``selected`` mark selection: the data are conditioned on
  them.  They are handled the simplest correct way -- as if always conditioned
  on: forced into every adjustment set, into every separating set and into the
  ``given`` set of path queries.  (This is sound for the graph criteria here;
  recovering a population effect from selected data needs more assumptions,
  which :func:`identify_effect` states as a warning.)

Algorithms
----------
Everything that can be linear is linear, O(n + m), by reachability on the
adjacency dicts (Bayes-ball, [1]_) -- the graph is never copied:

* the *generalized adjustment criterion* ([2]_, [3]_) is tested via the proper
  back-door graph (the first edge of every proper causal path removed) and the
  forbidden set (descendants of nodes on proper causal paths) [3]_;
* a minimal adjustment set is found by the two-pass reachability of van der
  Zander & Liśkiewicz [4]_;
* all minimal sets are listed with polynomial delay as the minimal vertex
  separators of the moralized ancestral proper back-door graph ([3]_, listing
  by the Kloks-Kratsch step [5]_); a minimum set is a minimum vertex cut there;
* the optimal set is the O-set of Henckel, Perković & Maathuis [6]_;
* the front-door criterion is Pearl's [7]_; instruments use the nearest
  separator of [8]_.

When neither adjustment nor the front-door criterion applies, :func:`identify_effect`
falls back to the complete ID algorithm of Shpitser & Pearl, in
:mod:`causal_magic.id_algorithm`.

References
----------
.. [1] Shachter, R. D. "Bayes-ball: the rational pastime." UAI 1998.
.. [2] Shpitser, I., VanderWeele, T., Robins, J. M. "On the validity of
   covariate adjustment for estimating causal effects." UAI 2010.
.. [3] van der Zander, B., Liśkiewicz, M., Textor, J. "Separators and adjustment
   sets in causal graphs: complete criteria and an algorithmic framework."
   Artificial Intelligence 270 (2019).
.. [4] van der Zander, B., Liśkiewicz, M. "Finding minimal d-separators in
   linear time and applications." UAI 2020.
.. [5] Kloks, T., Kratsch, D. "Listing all minimal separators of a graph."
   SIAM J. Computing 27(3) (1998).
.. [6] Henckel, L., Perković, E., Maathuis, M. H. "Graphical criteria for
   efficient total effect estimation via adjustment in causal linear models."
   JRSS-B 84(2) (2022).
.. [7] Pearl, J. "Causal diagrams for empirical research." Biometrika 82 (1995).
.. [8] van der Zander, B., Textor, J., Liśkiewicz, M. "Efficiently finding
   conditional instruments for causal inference." IJCAI 2015.
"""

from __future__ import annotations

import difflib
import heapq
import itertools
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx

from .graph import BIDIRECTED_ATTR, find_cycle, format_cycle, is_hidden

__all__ = [
    "AdjustmentCheck",
    "Identification",
    "IdentificationError",
    "Independence",
    "Path",
    "PathEdges",
    "adjustment_problem",
    "adjustment_sets",
    "ancestors",
    "check_adjustment_set",
    "d_separated",
    "descendants",
    "frontdoor_set",
    "identify_effect",
    "implied_independencies",
    "instrumental_variables",
    "is_adjustment_set",
    "minimal_adjustment_set",
    "minimum_adjustment_set",
    "mutilated_graph",
    "optimal_adjustment_set",
    "path_edges",
    "paths",
]

Node = Hashable
NodeArg = Hashable | Iterable[Hashable] | None


class IdentificationError(ValueError):
    """Bad arguments to an identification function (unknown node, overlap, cycle...)."""


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Path:
    """A path in the skeleton of a graph, with the direction of each step.

    ``arrows[i]`` is ``"->"`` when the edge between ``nodes[i]`` and
    ``nodes[i + 1]`` points forward, ``"<-"`` when it points back.  ``kind`` is
    ``"causal"`` for a directed path from treatment to outcome, ``"biasing"``
    otherwise; ``open`` says whether it is d-connecting given the conditioning
    set it was computed for.  ``str(path)`` reads ``Gear <- Talent -> Sound``,
    with hidden ``<->`` nodes printed back as ``A <-> B``.
    """

    nodes: tuple
    arrows: tuple[str, ...]
    kind: str
    open: bool

    def __str__(self) -> str:
        out = [str(self.nodes[0])]
        i = 0
        while i < len(self.arrows):
            nxt = self.nodes[i + 1]
            hidden = self._hidden[i + 1] if self._hidden else False
            if (
                hidden
                and i + 1 < len(self.arrows)
                and self.arrows[i] == "<-"
                and self.arrows[i + 1] == "->"
            ):
                out.append(f"<-> {self.nodes[i + 2]}")
                i += 2
                continue
            out.append(f"{self.arrows[i]} {nxt}")
            i += 1
        return " ".join(out)

    _hidden: tuple[bool, ...] = field(default=(), repr=False, compare=False)


@dataclass(frozen=True)
class PathEdges:
    """Edges on proper causal paths and on open biasing paths (for drawing)."""

    causal: frozenset
    biasing: frozenset


@dataclass(frozen=True)
class AdjustmentCheck:
    """The verdict on one candidate adjustment set, with the reason in words."""

    valid: bool
    reason: str
    open_path: Path | None = None
    forbidden: Node | None = None

    def __bool__(self) -> bool:
        return self.valid


@dataclass(frozen=True)
class Identification:
    """How (and whether) P(y | do(x)) is identified from the observed nodes."""

    method: str
    adjustment_set: frozenset | None
    frontdoor_set: frozenset | None
    formula: str
    latex: str
    reason: str
    open_path: Path | None
    treatment: tuple
    outcome: tuple
    warnings: tuple[str, ...] = ()
    #: For ``method="id"``: the formula as an expression tree (causal_magic.id_algorithm),
    #: which the estimator evaluates; ``formula``/``latex`` are its printed forms.
    expression: object = field(default=None, repr=False, compare=False)

    @property
    def identifiable(self) -> bool:
        return self.method != "none"


@dataclass(frozen=True)
class Independence:
    """A conditional independence ``a ⫫ b | given`` implied by the graph."""

    a: Node
    b: Node
    given: frozenset

    def __str__(self) -> str:
        head = f"{self.a} ⫫ {self.b}"
        if not self.given:
            return head
        return head + " | " + ", ".join(sorted(map(str, self.given)))


# --------------------------------------------------------------------------- input checks


def _check_graph(G: nx.DiGraph) -> None:
    """Refuse what is not an acyclic DiGraph, naming the cycle.

    Kahn's peeling on the adjacency dicts (O(n + m), faster than
    ``nx.is_directed_acyclic_graph``); the cycle is looked up only on failure.
    """
    if not isinstance(G, nx.DiGraph) or G.is_multigraph():
        raise IdentificationError(f"expected a networkx.DiGraph, got {type(G).__name__}")
    succ = G._succ
    indeg = {v: len(p) for v, p in G._pred.items()}
    stack = [v for v, d in indeg.items() if d == 0]
    seen = 0
    while stack:
        v = stack.pop()
        seen += 1
        for c in succ[v]:
            d = indeg[c] - 1
            indeg[c] = d
            if d == 0:
                stack.append(c)
    if seen != len(indeg):
        cycle = find_cycle(G)
        raise IdentificationError(
            f"the graph has a cycle: {format_cycle(cycle or [])}; causal effects are defined "
            "here for acyclic graphs (DAGs) only -- remove or reverse one of these edges"
        )


def _unknown(G: nx.DiGraph, node: object, what: str) -> IdentificationError:
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
    out: dict[str, list] = {}
    for n, d in G._node.items():
        r = d.get("role")
        if r is not None:
            out.setdefault(r, []).append(n)
    return out


def _endpoints(G, x, y, roles) -> tuple[tuple, tuple]:
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


# --------------------------------------------------------------------------- reachability
#
# All traversals work on the adjacency dicts G._succ / G._pred with set
# operations on key views (C speed) and never copy the graph.  Removed edges
# (the proper back-door graph, G with some out-edges cut) are passed as two
# small dicts: cut_out[tail] = heads removed, cut_in[head] = tails removed.


def _reach(adj, seeds, block, within, cut, seen) -> set:
    """Nodes reachable from ``seeds`` along ``adj`` (seeds included), one traversal for both
    directions: ``adj`` is ``G._pred`` for ancestors, ``G._succ`` for descendants."""
    if seen is None:
        seen = set()
    stack = [s for s in seeds if s not in seen]
    seen.update(stack)
    while stack:
        v = stack.pop()
        nbrs = adj[v].keys()
        if cut and v in cut:
            nbrs = nbrs - cut[v]
        new = nbrs - seen
        if within is not None:
            new &= within
        if block:
            new -= block
        if new:
            seen |= new
            stack.extend(new)
    return seen


def _up(pred, seeds, *, block=None, within=None, cut_in=None, seen=None) -> set:
    """Ancestors of ``seeds``, seeds included (not stepping into ``block``)."""
    return _reach(pred, seeds, block, within, cut_in, seen)


def _down(succ, seeds, *, block=None, within=None, cut_out=None) -> set:
    """Descendants of ``seeds``, seeds included (not stepping into ``block``)."""
    return _reach(succ, seeds, block, within, cut_out, None)


def _ball(succ, pred, starts, z, anc_z, cut_out=None, cut_in=None, targets=None):
    """Bayes-ball: the nodes d-connected to ``starts`` given ``z``.

    ``anc_z`` are the ancestors of ``z`` (z included) in the same graph.  With
    ``targets`` the search stops early and returns ``True`` on reaching one
    (``False`` if none is reached).  O(n + m).
    """
    up_seen = set(starts)  # visited moving up: arrived from a child (or a start)
    down_seen: set = set()  # visited moving down: arrived from a parent
    up = list(up_seen)
    down: list = []
    if targets is not None and up_seen & targets:
        return True
    while up or down:
        while up:
            v = up.pop()
            if v in z:
                continue
            ps = pred[v].keys()
            if cut_in and v in cut_in:
                ps = ps - cut_in[v]
            new = ps - up_seen
            if new:
                if targets is not None and new & targets:
                    return True
                up_seen |= new
                up.extend(new)
            cs = succ[v].keys()
            if cut_out and v in cut_out:
                cs = cs - cut_out[v]
            new = cs - down_seen
            if new:
                if targets is not None and new & targets:
                    return True
                down_seen |= new
                down.extend(new)
        while down:
            v = down.pop()
            if v not in z:
                cs = succ[v].keys()
                if cut_out and v in cut_out:
                    cs = cs - cut_out[v]
                new = cs - down_seen
                if new:
                    if targets is not None and new & targets:
                        return True
                    down_seen |= new
                    down.extend(new)
            if v in anc_z:
                ps = pred[v].keys()
                if cut_in and v in cut_in:
                    ps = ps - cut_in[v]
                new = ps - up_seen
                if new:
                    if targets is not None and new & targets:
                        return True
                    up_seen |= new
                    up.extend(new)
    if targets is not None:
        return False
    return up_seen | down_seen


def _closure(succ, pred, starts, A, z, cut_out=None, cut_in=None) -> set:
    """REACHABLE of van der Zander & Liśkiewicz [4]_ inside the ancestral set ``A``.

    Nodes of ``A`` connected to ``starts`` in the moral graph of ``G[A]`` minus
    ``z``, plus the ``z`` nodes on the boundary.  A node of ``z`` is passed only
    as a collider (entered from a parent, left to a parent).  O(|A| + m_A).
    """
    seen = set(starts)
    stack = list(seen)
    zopen: set = set()  # nodes of z entered from a parent: passed on to their parents
    while stack:
        v = stack.pop()
        ps = pred[v].keys()  # A is ancestral: parents of its nodes are in it
        if cut_in and v in cut_in:
            ps = ps - cut_in[v]
        if v in z:
            if v in zopen:
                new = ps - seen
                if new:
                    seen |= new
                    stack.extend(new)
            continue
        cs = succ[v].keys()
        if cut_out and v in cut_out:
            cs = cs - cut_out[v]
        cs = cs & A
        new = (cs | ps) - seen
        if new:
            seen |= new
            stack.extend(new)  # z nodes among them stop unless they are in zopen
        if z and not z.isdisjoint(cs):
            for c in cs & z:
                if c not in zopen:
                    zopen.add(c)
                    stack.append(c)
    return seen


# --------------------------------------------------------------------------- the problem


class _Problem:
    """One treatment/outcome question on one graph: checked input + cached structure."""

    def __init__(self, G, x=None, y=None, observed=None, included=None, *, check=True):
        if check:
            _check_graph(G)
        self.G = G
        self.succ = G._succ
        self.pred = G._pred
        roles = _roles(G)
        self.X, self.Y = _endpoints(G, x, y, roles)
        self.xs = frozenset(self.X)
        self.ys = frozenset(self.Y)
        unobs = set(roles.get("latent", ()))
        unobs.update(n for n, d in G._node.items() if d.get(BIDIRECTED_ATTR))
        if observed is not None:
            obs = observed if isinstance(observed, (set, frozenset)) else set(observed)
            unobs.update(n for n in G._node if n not in obs)
        self.unobs = unobs
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

    def ancestral(self, extra=()) -> set:
        """An(X ∪ Y ∪ extra) -- the same in G and in the proper back-door graph."""
        return _up(self.pred, [*self.X, *extra], seen=set(self.an_y))

    def adjustable(self, v) -> bool:
        return v not in self.unobs and v not in self.xs and v not in self.ys

    # -- the core tests ----------------------------------------------------------------
    def separated_pbd(self, z) -> bool:
        """Does ``z`` d-separate X and Y in the proper back-door graph?"""
        cut_out, cut_in = self.cut
        anc = _up(self.pred, z, cut_in=cut_in)
        return not _ball(self.succ, self.pred, self.xs, z, anc, cut_out, cut_in, self.ys)

    def is_adjustment(self, z) -> bool:
        z = set(z) | self.selected
        if z & self.xs or z & self.ys or z & self.forb:
            return False
        return self.separated_pbd(z)

    def find_minimal(self, forced=None, restricted=None) -> frozenset | None:
        """A minimal adjustment set containing ``forced`` within ``restricted`` [4]_."""
        forced = self.forced if forced is None else frozenset(forced)
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


def _bfs_parents(source, neighbours) -> dict:
    parent = {source: None}
    queue = deque([source])
    while queue:
        u = queue.popleft()
        for w in neighbours(u):
            if w not in parent:
                parent[w] = u
                queue.append(w)
    return parent


def _trace(parent, node) -> list:
    out = [node]
    while parent[node] is not None:
        node = parent[node]
        out.append(node)
    return out


# --------------------------------------------------------------------------- paths


def _make_path(G, nodes, given, anc_given) -> Path:
    succ = G._succ
    arrows = tuple("->" if b in succ[a] else "<-" for a, b in itertools.pairwise(nodes))
    kind = "causal" if all(a == "->" for a in arrows) else "biasing"
    is_open = True
    for i in range(1, len(nodes) - 1):
        collider = arrows[i - 1] == "->" and arrows[i] == "<-"
        if (collider and nodes[i] not in anc_given) or (not collider and nodes[i] in given):
            is_open = False
            break
    hidden = tuple(bool(G._node[n].get(BIDIRECTED_ATTR)) for n in nodes)
    return Path(tuple(nodes), arrows, kind, is_open, hidden)


def _skeleton_paths(G, X, Y, limit) -> Iterator[tuple]:
    """Proper simple skeleton paths from X to Y, shortest first, ties in graph order."""
    H = G.to_undirected(as_view=True)
    xs, ys = set(X), set(Y)
    rank = _ranked(G)
    gens = []
    for x, y in itertools.product(X, Y):
        if not nx.has_path(H, x, y):
            continue
        gen = nx.shortest_simple_paths(H, x, y)
        gens.append(p for p in gen if not (xs & set(p[1:]) or ys & set(p[:-1])))
    merged = heapq.merge(*gens, key=len)
    # Yen's order among paths of equal length follows set iteration: sort each length
    ordered = (
        p
        for _, same in itertools.groupby(merged, key=len)
        for p in sorted(same, key=lambda p: [rank[v] for v in p])
    )
    for p in itertools.islice(ordered, limit):
        yield tuple(p)


def paths(G: nx.DiGraph, x: NodeArg = None, y: NodeArg = None, given=(), limit=100) -> list[Path]:
    """List the simple paths between treatment and outcome, shortest first.

    Paths are taken in the skeleton (edge directions ignored) and are *proper*:
    they touch the treatment and outcome sets only at their ends.  Each is
    labelled ``"causal"`` (all arrows forward) or ``"biasing"`` and ``open``
    given ``given`` (plus the ``selected`` nodes).

    Parameters
    ----------
    G : nx.DiGraph
        An acyclic graph.
    x, y : node or collection of nodes, optional
        Treatment and outcome; default to the nodes with those roles.
    given : collection of nodes
        The conditioning set.
    limit : int or None
        At most this many paths (the count can be exponential).

    Complexity: Yen's algorithm, polynomial per path.

    Examples
    --------
    >>> G = nx.DiGraph([("Talent", "Gear"), ("Talent", "Sound"), ("Gear", "Sound")])
    >>> [str(p) for p in paths(G, "Gear", "Sound")]
    ['Gear -> Sound', 'Gear <- Talent -> Sound']
    """
    pb = _Problem(G, x, y)
    given = _node_tuple(G, given, "conditioning node") if given else ()
    z = set(given) | pb.selected
    anc = _up(pb.pred, z)
    return [_make_path(G, p, z, anc) for p in _skeleton_paths(G, pb.X, pb.Y, limit)]


def path_edges(G: nx.DiGraph, x: NodeArg = None, y: NodeArg = None, given=()) -> PathEdges:
    """Edges on proper causal paths, and edges on open biasing paths given ``given``.

    For drawing the causal overlay on large graphs: no path is listed.
    ``causal`` holds the edges ``(u, v)`` of directed paths from X to Y that
    meet X only at their start.  ``biasing`` holds the edges of d-connecting
    non-causal walks from X to Y given ``given`` (plus the ``selected`` nodes),
    found by a Bayes-ball over (edge, direction, still-causal) states and its
    reverse; walks that revisit X or pass through Y are not followed, and
    neither are immediate back-and-forth steps.  Every edge of an open simple
    path is reported; an edge of a longer detour that only a walk can take
    (rare) may be reported too.

    Parameters
    ----------
    G : nx.DiGraph
        An acyclic graph; roles as in the module docstring.
    x, y : node or collection of nodes, optional
        Treatment and outcome; default to the nodes with those roles.
    given : collection of nodes
        The conditioning set (the widget passes the ``adjusted`` nodes).

    Returns
    -------
    PathEdges
        ``causal`` and ``biasing``: frozensets of edges ``(u, v)`` of ``G``,
        hidden ``<->`` nodes' edges included as they are in ``G``.

    Complexity: O(n + m) for the causal edges; O(sum of squared degrees) for the
    biasing edges (the walk states are edges, so that no step is undone).

    Examples
    --------
    >>> G = nx.DiGraph([("Talent", "Gear"), ("Talent", "Sound"), ("Gear", "Sound")])
    >>> pe = path_edges(G, "Gear", "Sound")
    >>> sorted(pe.causal), sorted(pe.biasing)
    ([('Gear', 'Sound')], [('Talent', 'Gear'), ('Talent', 'Sound')])
    >>> path_edges(G, "Gear", "Sound", given={"Talent"}).biasing
    frozenset()
    """
    pb = _Problem(G, x, y)
    given = _node_tuple(G, given, "conditioning node") if given else ()
    succ, pred, xs, ys = pb.succ, pb.pred, pb.xs, pb.ys
    # causal-path nodes reached from X without passing through X or Y on the way
    an_y = pb.an_y
    cn: set = set()
    stack = list(pb.X)
    while stack:
        v = stack.pop()
        if v in ys:
            continue
        new = (succ[v].keys() & an_y) - cn - xs
        cn |= new
        stack.extend(new)
    causal = {(u, v) for u in (*pb.X, *(cn - ys)) for v in succ[u].keys() & cn}
    z = set(given) | pb.selected
    anc = _up(pred, z)
    # States: (u, v, d) -- the walk stepped from u to v; d is DOWN_CAUSAL (arrived
    # from a parent on an all-forward walk from X), DOWN (from a parent) or UP (from a
    # child).  Remembering u forbids stepping straight back, which a walk can do but a
    # path cannot; it costs O(sum of squared degrees) instead of O(n + m).
    DOWN_CAUSAL, DOWN, UP = 0, 1, 2
    into: dict = {}  # state -> states it is entered from
    start = [(None, x, -1) for x in pb.X]
    seen = set(start)
    stack = list(start)
    while stack:
        state = stack.pop()
        u, v, d = state
        if d != -1 and (v in xs or v in ys):
            continue
        if d == -1:
            moves = [(v, c, DOWN_CAUSAL) for c in succ[v]]
            moves += [(v, p, UP) for p in pred[v]]
        elif d == UP:
            moves = []
            if v not in z:
                moves = [(v, p, UP) for p in pred[v] if p != u]
                moves += [(v, c, DOWN) for c in succ[v] if c != u]
        else:
            moves = [(v, c, d) for c in succ[v] if c != u] if v not in z else []
            if v in anc:
                moves += [(v, p, UP) for p in pred[v] if p != u]
        for nstate in moves:
            into.setdefault(nstate, []).append(state)
            if nstate not in seen:
                seen.add(nstate)
                stack.append(nstate)
    accept = [s for s in seen if s[1] in ys and s[2] in (DOWN, UP)]
    good = set(accept)
    stack = list(accept)
    while stack:
        state = stack.pop()
        for prev in into.get(state, ()):
            if prev not in good:
                good.add(prev)
                stack.append(prev)
    biasing = set()
    for u, v, d in good:
        if d == -1:
            continue
        biasing.add((v, u) if d == UP else (u, v))
    return PathEdges(frozenset(causal), frozenset(biasing))


def _open_path(pb: _Problem, z) -> Path | None:
    """An open proper biasing path from X to Y given ``z`` in the proper back-door graph.

    A breadth-first Bayes-ball with parent pointers gives a shortest open walk;
    when that walk repeats a node, simple paths are searched instead (capped).
    """
    z = set(z)
    cut_out, cut_in = pb.cut
    succ, pred = pb.succ, pb.pred
    anc = _up(pred, z, cut_in=cut_in)
    UP, DOWN = 0, 1
    parent: dict = {}
    queue = deque()
    for x in pb.X:
        parent[(x, UP)] = None
        queue.append((x, UP))
    found = None
    while queue and found is None:
        state = queue.popleft()
        v, d = state
        nxt = []
        # adjacency order, not set order: the path reported must not vary between runs
        if v not in z:
            gone = cut_out.get(v, ())
            nxt += [(c, DOWN) for c in succ[v] if c not in gone]
        if (d == UP and v not in z) or (d == DOWN and v in anc):
            gone = cut_in.get(v, ())
            nxt += [(p, UP) for p in pred[v] if p not in gone]
        for s in nxt:
            if s not in parent:
                parent[s] = state
                if s[0] in pb.ys:
                    found = s
                    break
                queue.append(s)
    if found is None:
        return None
    walk = []
    s = found
    while s is not None:
        walk.append(s[0])
        s = parent[s]
    walk.reverse()
    anc_g = _up(pred, z)
    if len(set(walk)) == len(walk) and not (pb.xs & set(walk[1:])):
        return _make_path(pb.G, tuple(walk), z, anc_g)
    if len(pb.G) > 100:  # listing simple paths is only affordable on small graphs
        return None
    for p in _skeleton_paths(pb.G, pb.X, pb.Y, 5000):
        path = _make_path(pb.G, p, z, anc_g)
        if path.open and path.kind == "biasing":
            return path
    return None


# --------------------------------------------------------------------------- basics


def ancestors(G: nx.DiGraph, nodes) -> set:
    """All ancestors of a node or set of nodes (the union of ``nx.ancestors``).

    A given node is in the result only if it is an ancestor of another given
    node.  O(n + m).

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("d", "c")])
    >>> sorted(ancestors(G, {"b", "c"}))
    ['a', 'b', 'd']
    """
    nodes = _node_tuple(G, nodes, "node")
    pred = G._pred
    seeds = set()
    for n in nodes:
        seeds |= pred[n].keys()
    return _up(pred, seeds)


def descendants(G: nx.DiGraph, nodes) -> set:
    """All descendants of a node or set of nodes (the union of ``nx.descendants``).

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("d", "c")])
    >>> sorted(descendants(G, {"a", "d"}))
    ['b', 'c']
    """
    nodes = _node_tuple(G, nodes, "node")
    succ = G._succ
    seeds = set()
    for n in nodes:
        seeds |= succ[n].keys()
    return _down(succ, seeds)


def mutilated_graph(G: nx.DiGraph, x: NodeArg = None) -> nx.DiGraph:
    """A copy of ``G`` with the edges into ``x`` removed (the graph of do(x)).

    Examples
    --------
    >>> G = nx.DiGraph([("Talent", "Gear"), ("Talent", "Sound"), ("Gear", "Sound")])
    >>> sorted(mutilated_graph(G, "Gear").edges)
    [('Gear', 'Sound'), ('Talent', 'Sound')]
    """
    if x is None:
        x = tuple(_roles(G).get("treatment", ()))
        if not x:
            raise IdentificationError(
                "no treatment given and no node has role 'treatment'; pass x=..."
            )
    xs = _node_tuple(G, x, "treatment")
    H = G.copy()
    H.remove_edges_from([(p, v) for v in xs for p in G._pred[v]])
    return H


def d_separated(G: nx.DiGraph, xs, ys, zs=()) -> bool:
    """Whether ``xs`` and ``ys`` are d-separated given ``zs`` in ``G``.

    Parameters
    ----------
    G : nx.DiGraph
        An acyclic graph (hidden ``<->`` nodes are ordinary latent parents).
    xs, ys, zs : node or collection of nodes
        Disjoint node sets; ``zs`` may be empty.

    Complexity: O(n + m), Bayes-ball [1]_ (one pass from ``xs``; stops at the
    first node of ``ys`` it reaches).

    Examples
    --------
    >>> G = nx.DiGraph([("a", "m"), ("b", "m"), ("a", "x"), ("b", "y")])
    >>> d_separated(G, "x", "y"), d_separated(G, "x", "y", "m")
    (True, False)
    >>> d_separated(G, "x", "y", {"m", "a"})
    True
    """
    _check_graph(G)
    xs = set(_node_tuple(G, xs, "node"))
    ys = set(_node_tuple(G, ys, "node"))
    zs = set(_node_tuple(G, zs, "node")) if zs not in (None, ()) else set()
    both = xs & ys or xs & zs or ys & zs
    if both:
        raise IdentificationError(f"the node sets must be disjoint; {next(iter(both))!r} repeats")
    anc = _up(G._pred, zs)
    return not _ball(G._succ, G._pred, xs, zs, anc, targets=ys)


# --------------------------------------------------------------------------- adjustment


def is_adjustment_set(
    G: nx.DiGraph, x: NodeArg, y: NodeArg, z, criterion: str = "generalized"
) -> bool:
    """Whether ``z`` is a valid adjustment set for the effect of ``x`` on ``y``.

    ``criterion="generalized"`` (default) is the generalized adjustment
    criterion [2]_, which is complete: ``z`` is valid iff no node of ``z``
    descends from a node on a proper causal path and ``z`` d-separates X and Y
    in the proper back-door graph [3]_.  ``criterion="backdoor"`` is Pearl's
    back-door criterion (sufficient, not complete): no node of ``z`` descends
    from X and ``z`` blocks every path into X.  Nodes with role ``selected``
    are counted as part of ``z``.

    Parameters
    ----------
    G : nx.DiGraph
        An acyclic graph; roles as in the module docstring.
    x, y : node or collection of nodes
        Treatment and outcome.
    z : collection of nodes
        The candidate set (may be empty).
    criterion : {"generalized", "backdoor"}

    Raises
    ------
    IdentificationError
        Unknown nodes, treatment = outcome, a cycle, an unknown criterion.

    Complexity: O(n + m).

    Examples
    --------
    M-bias: adjusting for the collider ``m`` alone opens ``x <- a -> m <- b -> y``.

    >>> G = nx.DiGraph([("a", "x"), ("a", "m"), ("b", "m"), ("b", "y"), ("x", "y")])
    >>> is_adjustment_set(G, "x", "y", set()), is_adjustment_set(G, "x", "y", {"m"})
    (True, False)
    >>> is_adjustment_set(G, "x", "y", {"m", "a"})
    True
    """
    return _check(_Problem(G, x, y), z, criterion, explain=False).valid


def _name_set(nodes) -> str:
    return "{" + ", ".join(str(n) for n in nodes) + "}"


def check_adjustment_set(
    G: nx.DiGraph, x: NodeArg, y: NodeArg, z, criterion: str = "generalized"
) -> AdjustmentCheck:
    """Test an adjustment set and say why it is or is not valid.

    Same test as :func:`is_adjustment_set`; the answer also carries a sentence
    (``reason``), an open biasing path the set leaves open (``open_path``) and
    a node of the set that must not be adjusted for (``forbidden``, a
    descendant of a node on a causal path).

    Examples
    --------
    >>> G = nx.DiGraph([("Talent", "Gear"), ("Talent", "Sound"), ("Gear", "Sound")])
    >>> c = check_adjustment_set(G, "Gear", "Sound", set())
    >>> c.valid, str(c.open_path)
    (False, 'Gear <- Talent -> Sound')
    """
    return _check(_Problem(G, x, y), z, criterion, explain=True)


def _check(pb: _Problem, z, criterion: str, explain: bool) -> AdjustmentCheck:
    """The adjustment test; with ``explain`` also the open path of the reason."""
    if criterion not in ("generalized", "backdoor"):
        raise IdentificationError(
            f"unknown criterion {criterion!r}; use 'generalized' or 'backdoor'"
        )
    G = pb.G
    zt = _node_tuple(G, z, "adjustment node") if z not in (None, ()) else ()
    zset = set(zt) | pb.selected
    bad = [n for n in zt if n in pb.xs or n in pb.ys]
    if bad:
        return AdjustmentCheck(False, f"{bad[0]} is a treatment or outcome, not a covariate")
    if criterion == "generalized":
        forb = pb.forb
        hit = next((n for n in (*zt, *pb.selected) if n in forb), None)
        if hit is not None:
            if not explain:
                return AdjustmentCheck(False, "", None, hit)
            return AdjustmentCheck(False, _forbidden_reason(pb, hit), None, hit)
        if pb.separated_pbd(zset):
            return AdjustmentCheck(True, _valid_reason(zset, "generalized adjustment criterion"))
        path = _open_path(pb, zset) if explain else None
        return AdjustmentCheck(False, _open_reason(path, zset), path, None)
    # Pearl's back-door criterion: no descendant of X; d-separation in G minus X's out-edges.
    de_x = _down(pb.succ, pb.xs)
    hit = next((n for n in (*zt, *pb.selected) if n in de_x), None)
    if hit is not None:
        reason = f"{hit} is a descendant of the treatment; the back-door criterion forbids it"
        return AdjustmentCheck(False, reason, None, hit)
    cut_out = {x: set(pb.succ[x]) for x in pb.X}
    cut_in: dict = {}
    for x, heads in cut_out.items():
        for h in heads:
            cut_in.setdefault(h, set()).add(x)
    anc = _up(pb.pred, zset, cut_in=cut_in)
    if not _ball(pb.succ, pb.pred, pb.xs, zset, anc, cut_out, cut_in, pb.ys):
        return AdjustmentCheck(True, _valid_reason(zset, "back-door criterion"))
    path = _open_path(pb, zset) if explain else None
    return AdjustmentCheck(False, _open_reason(path, zset), path, None)


def _valid_reason(z, criterion) -> str:
    if not z:
        return f"no adjustment is needed: no biasing path is open ({criterion})"
    return f"it blocks every biasing path and contains no mediator or its descendant ({criterion})"


def _open_reason(path, z) -> str:
    given = f"given {_name_set(z)}" if z else "without adjustment"
    if path is None:
        return f"a biasing path stays open {given}"
    return f"the biasing path {path} stays open {given}"


def _forbidden_what(pb: _Problem, node) -> str:
    """'a mediator (...)' / 'a descendant of M, which lies on ...' for messages."""
    if node in pb.xs:
        return "a treatment"
    cn = pb.cn
    if node in cn:
        path = pb.causal_path_through(node)
        where = f" {path}" if path is not None else ""
        return f"a mediator (it lies on the causal path{where})"
    back = _bfs_parents(node, lambda u: list(pb.pred[u]))
    anc = next((u for u in back if u in cn), None)
    if anc is None:  # pragma: no cover - forbidden nodes descend from cn
        return "a descendant of the treatment's effect"
    path = pb.causal_path_through(anc)
    where = f", which lies on the causal path {path}" if path is not None else ""
    return f"a descendant of {anc}{where}"


def _forbidden_reason(pb: _Problem, node) -> str:
    what = _forbidden_what(pb, node)
    tail = "removes part of the effect" if what.startswith("a mediator") else "biases the effect"
    return f"{node} is {what}; adjusting for it {tail}"


def minimal_adjustment_set(
    G: nx.DiGraph,
    x: NodeArg = None,
    y: NodeArg = None,
    observed=None,
    included=None,
) -> frozenset | None:
    """Return a minimal adjustment set, or ``None`` when no valid set exists.

    ``frozenset()`` means the empty set is valid (no adjustment needed); ``None``
    means no set of observed nodes works.  The set contains the forced nodes
    (role ``adjusted`` / ``selected``, ``included=``) and is minimal relative to
    them: no node can be dropped without breaking validity.

    Parameters
    ----------
    G : nx.DiGraph
        An acyclic graph; roles as in the module docstring.
    x, y : node or collection of nodes, optional
        Treatment and outcome (default: the role-marked nodes).
    observed : iterable of nodes, optional
        Only these may be adjusted for (e.g. a DataFrame's columns).
    included : node or collection of nodes, optional
        Forced into the set, on top of role ``adjusted``.

    Algorithm: start from the observed, allowed nodes of An(X ∪ Y ∪ forced)
    minus the forbidden nodes; a set exists iff that one separates X and Y in
    the proper back-door graph; then two reachability passes (from X, then
    from Y) keep only the nodes both sides reach [4]_, [3]_.

    Parameters
    ----------
    G : nx.DiGraph
        An acyclic graph; roles as in the module docstring.
    x, y, z, criterion
        As for :func:`is_adjustment_set`.

    Returns
    -------
    AdjustmentCheck
        ``valid``, ``reason``, ``open_path`` (a :class:`Path` or None),
        ``forbidden`` (a node or None).  Truthy when valid.

    Complexity: O(n + m).

    Examples
    --------
    >>> G = nx.DiGraph([("Talent", "Gear"), ("Talent", "Sound"), ("Gear", "Sound")])
    >>> minimal_adjustment_set(G, "Gear", "Sound")
    frozenset({'Talent'})
    >>> minimal_adjustment_set(G, "Gear", "Sound", observed={"Gear", "Sound"}) is None
    True
    """
    return _Problem(G, x, y, observed, included).find_minimal()


def _ranked(G) -> dict:
    return {v: i for i, v in enumerate(G._node)}


class _Sep:
    """The undirected separation problem behind adjustment sets [3]_.

    The moral graph of the ancestral proper back-door graph An(X ∪ Y ∪ forced),
    with the forced nodes deleted (they are in every set), X merged into one
    source ``s`` and Y into one sink ``t``, and every connected group of nodes
    that may not be adjusted for contracted into one node that separators may
    not contain.  Minimal adjustment sets are exactly forced ∪ the minimal s-t
    vertex separators made of allowed nodes.
    """

    S = ("__source__",)
    T = ("__sink__",)

    def __init__(self, pred, A, sources, sinks, forced, banned, cut_in, rank):
        """Build from parts: ``A`` ancestral, ``banned(v)`` for nodes no set may contain."""
        m = {v: (self.S if v in sources else self.T if v in sinks else v) for v in A}
        adj: dict = {v: set() for v in set(m.values()) if v not in forced}

        def link(a, b):
            if a != b and a in adj and b in adj:
                adj[a].add(b)
                adj[b].add(a)

        for v in A:
            ps = [p for p in pred[v] if p in A and not (v in cut_in and p in cut_in[v])]
            mv = m[v]
            for p in ps:
                link(m[p], mv)
            for p, q in itertools.combinations(ps, 2):
                link(m[p], m[q])
        bad = {v for v in adj if v is not self.S and v is not self.T and banned(v)}
        # Each connected group of such nodes becomes one "blocked" node that no separator
        # may contain (contracting, rather than joining its neighbours into a clique,
        # keeps the graph linear in size).
        self.blocked = set()
        for i, comp in enumerate(_components(adj, bad)):
            b = ("__blocked__", i)
            border = set()
            for v in comp:
                border |= adj.pop(v)
            border -= comp
            for w in border:
                adj[w] -= comp
                adj[w].add(b)
            adj[b] = border
            self.blocked.add(b)
        self.adj = adj
        self.rank = lambda v: rank.get(v, -1)

    @classmethod
    def for_problem(cls, pb: _Problem, forced) -> _Sep:
        """The adjustment problem of ``pb`` with ``forced`` nodes in every set."""
        A = pb.ancestral(forced)
        forb_a = _down(pb.succ, pb.cn, within=A) | pb.xs
        unobs = pb.unobs

        def banned(v):
            return v in forb_a or v in unobs

        return cls(pb.pred, A, pb.xs, pb.ys, forced, banned, pb.cut[1], _ranked(pb.G))

    def close(self, side: set, t=None) -> frozenset | None:
        """The minimal separator of ``side`` and ``t`` inside N(side), nearest ``side`` [5]_.

        ``t`` is the sink by default; ``close({T}, S)`` is the separator nearest the sink.
        """
        adj = self.adj
        t = self.T if t is None else t
        border = set()
        for v in side:
            border |= adj[v]
        absorbed = border & self.blocked  # blocked nodes go with the side they touch
        if absorbed:
            side = side | absorbed
            for v in absorbed:
                border |= adj[v]
        border -= side
        if t in border:
            return None
        blocked = side | border
        comp = {t}
        stack = [t]
        while stack:
            v = stack.pop()
            for w in adj[v]:
                if w not in comp and w not in blocked:
                    comp.add(w)
                    stack.append(w)
        return frozenset(v for v in border if adj[v] & comp)

    def min_cut(self, price) -> set:
        """A minimum-price s-t vertex cut: Edmonds-Karp on the vertex-split graph.

        Each allowed node v is split into v_in -> v_out with capacity price(v); an
        edge u - w becomes u_out -> w_in and w_out -> u_in of unbounded capacity;
        s, t and the blocked nodes are not split (they cannot be cut).  The
        residual graph is walked implicitly -- nothing is copied -- so each round
        is one breadth-first search, and the rounds are few when the cut is small.
        """
        S, T, adj = self.S, self.T, self.adj
        whole = {S, T} | self.blocked
        nbrs = {v: sorted(adj[v], key=self.rank) for v in adj}  # deterministic ties
        cap = {v: price(v) for v in adj if v not in whole}
        inner: dict = dict.fromkeys(cap, 0)  # flow v_in -> v_out
        flow: dict = {}  # flow on out(u) -> in(w), keyed (u, w)

        def steps(node):
            """Residual moves from node = (v, side): side 0 is v_in, 1 is v_out."""
            v, side = node
            out = []
            if v in whole or side == 1:
                out += [((w, 0), ("e", (v, w)), 1) for w in nbrs[v]]
            if v not in whole:
                if side == 0 and inner[v] < cap[v]:
                    out.append(((v, 1), ("v", v), 1))
                if side == 1 and inner[v] > 0:
                    out.append(((v, 0), ("v", v), -1))
            if v in whole or side == 0:
                out += [((u, 1), ("e", (u, v)), -1) for u in nbrs[v] if flow.get((u, v), 0) > 0]
            return out

        def norm(node):
            return (node[0], 0) if node[0] in whole else node

        source, sink = (S, 0), (T, 0)
        while True:
            parent = {source: None}
            queue = deque([source])
            while queue and sink not in parent:
                node = queue.popleft()
                for nxt, key, sign in steps(node):
                    nxt = norm(nxt)
                    if nxt not in parent:
                        parent[nxt] = (node, key, sign)
                        queue.append(nxt)
            if sink not in parent:
                break
            path, node = [], sink
            while parent[node] is not None:
                prev, key, sign = parent[node]
                path.append((key, sign))
                node = prev
            room = float("inf")
            for (kind, key), sign in path:
                if kind == "e":  # an edge out(u) -> in(w): unbounded forwards
                    if sign < 0:
                        room = min(room, flow[key])
                elif sign > 0:
                    room = min(room, cap[key] - inner[key])
                else:
                    room = min(room, inner[key])
            for (kind, key), sign in path:
                if kind == "e":
                    flow[key] = flow.get(key, 0) + sign * room
                else:
                    inner[key] += sign * room
        reach = set(parent)
        return {v for v in cap if (v, 0) in reach and (v, 1) not in reach}

    def component(self, sep) -> set:
        adj, s = self.adj, self.S
        comp = {s}
        stack = [s]
        while stack:
            v = stack.pop()
            for w in adj[v]:
                if w not in comp and w not in sep:
                    comp.add(w)
                    stack.append(w)
        return comp

    def minimal_separators(self) -> Iterator[frozenset]:
        """All minimal s-t separators, breadth-first from the one nearest s (Kloks-Kratsch)."""
        first = self.close({self.S})
        if first is None:
            return
        seen = {first}
        queue = deque([first])
        while queue:
            sep = queue.popleft()
            yield sep
            cs = self.component(sep)
            for v in sorted(sep, key=self.rank):
                if self.T in self.adj[v]:
                    continue
                nxt = self.close(cs | {v})
                if nxt is not None and nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)


def _components(adj, nodes) -> list[set]:
    out, seen = [], set()
    for v in nodes:
        if v in seen:
            continue
        comp = {v}
        stack = [v]
        seen.add(v)
        while stack:
            u = stack.pop()
            for w in adj[u]:
                if w in nodes and w not in seen:
                    seen.add(w)
                    comp.add(w)
                    stack.append(w)
        out.append(comp)
    return out


def adjustment_sets(
    G: nx.DiGraph,
    x: NodeArg = None,
    y: NodeArg = None,
    observed=None,
    included=None,
    minimal: bool = True,
    limit: int | None = None,
) -> Iterator[frozenset]:
    """Generate the adjustment sets for the effect of ``x`` on ``y``.

    With ``minimal=True`` (default) every minimal adjustment set (minimal
    relative to the forced nodes) is generated exactly once, with polynomial
    delay: they are the minimal vertex separators of the moralized ancestral
    proper back-door graph [3]_, listed breadth-first by the Kloks-Kratsch
    step [5]_ -- the first is the one nearest the treatment.  With
    ``minimal=False`` every valid set of observed nodes is generated (there
    can be exponentially many) by the branch-and-test ``ListSep`` of [3]_:
    each branch is kept only if a valid set remains in it, so the delay is
    polynomial too.  ``limit`` caps the count.  The order is deterministic.

    An empty generator means no valid set exists; a generator yielding
    ``frozenset()`` means no adjustment is needed.

    Parameters
    ----------
    G : nx.DiGraph
        An acyclic graph; roles as in the module docstring.
    x, y : node or collection of nodes, optional
        Treatment and outcome; default to the nodes with those roles.
    observed : iterable of nodes, optional
        Only these may be used (e.g. a DataFrame's columns); latent nodes never.
    included : node or collection of nodes, optional
        Forced into every set, on top of the roles ``adjusted`` and ``selected``.
    minimal : bool
        List the minimal sets (default) or every valid set.
    limit : int, optional
        Stop after this many sets.

    Returns
    -------
    iterator of frozenset

    Complexity: O(n (n + m)) per minimal set (the moral graph can be O(n^2)).

    Examples
    --------
    >>> G = nx.DiGraph([("a", "x"), ("a", "m"), ("b", "m"), ("b", "y"), ("x", "y"), ("m", "y")])
    >>> [sorted(s) for s in adjustment_sets(G, "x", "y")]
    [['a'], ['b', 'm']]
    """
    pb = _Problem(G, x, y, observed, included)
    gen = _minimal_sets(pb) if minimal else _all_sets(pb)
    return itertools.islice(gen, limit) if limit is not None else gen


def _minimal_sets(pb: _Problem) -> Iterator[frozenset]:
    forced = pb.forced
    if pb.find_minimal() is None:
        return
    sep = _Sep.for_problem(pb, forced)
    for s in sep.minimal_separators():
        yield frozenset(s | forced)


def _all_sets(pb: _Problem) -> Iterator[frozenset]:
    forb = pb.forb
    rank = _ranked(pb.G)
    pool = [v for v in pb.G._node if pb.adjustable(v) and v not in forb]
    allowed = frozenset(pool)
    forced = pb.forced
    if not forced <= allowed:
        return
    free = [v for v in pool if v not in forced]
    free.sort(key=rank.__getitem__)
    # depth-first: (index of next free node to decide, chosen, excluded)
    stack = [(0, frozenset(forced), frozenset())]
    while stack:
        i, chosen, excluded = stack.pop()
        if not pb.any_valid(chosen, allowed - excluded):
            continue
        if i == len(free):
            yield chosen
            continue
        v = free[i]
        stack.append((i + 1, chosen | {v}, excluded))
        stack.append((i + 1, chosen, excluded | {v}))


def minimum_adjustment_set(
    G: nx.DiGraph,
    x: NodeArg = None,
    y: NodeArg = None,
    observed=None,
    included=None,
    cost: Mapping | Callable | None = None,
) -> frozenset | None:
    """Return an adjustment set of smallest size (or total ``cost``), or ``None``.

    ``cost`` maps a node to a positive number (a dict or a function); by default
    every node costs 1.  A minimum set is minimal, so it lies in the moralized
    ancestral proper back-door graph [3]_; it is a minimum s-t vertex cut there,
    found by max-flow (Edmonds-Karp) on the vertex-split graph.

    Parameters
    ----------
    G : nx.DiGraph
        An acyclic graph; roles as in the module docstring.
    x, y : node or collection of nodes, optional
        Treatment and outcome; default to the nodes with those roles.
    observed : iterable of nodes, optional
        Only these may be used (e.g. a DataFrame's columns); latent nodes never.
    included : node or collection of nodes, optional
        Forced into every set, on top of the roles ``adjusted`` and ``selected``.
    cost : mapping or callable, optional
        Price of each node (default 1); the total is minimised.

    Returns
    -------
    frozenset or None
        ``None`` when no valid set exists.

    Complexity: O(k (n + m)) for a cut of size k with unit costs.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "x"), ("a", "m"), ("b", "m"), ("b", "y"), ("x", "y"), ("m", "y")])
    >>> sorted(minimum_adjustment_set(G, "x", "y"))
    ['a']
    """
    pb = _Problem(G, x, y, observed, included)
    if pb.find_minimal() is None:
        return None
    sep = _Sep.for_problem(pb, pb.forced)
    if cost is None:

        def price(v):
            return 1

    elif callable(cost):
        price = cost
    else:

        def price(v):
            return cost.get(v, 1)

    return frozenset(sep.min_cut(price) | pb.forced)


def optimal_adjustment_set(
    G: nx.DiGraph, x: NodeArg = None, y: NodeArg = None, observed=None
) -> frozenset | None:
    """Return the optimal adjustment set (the O-set), or ``None``.

    O(X, Y) = pa(cn(X, Y)) \\ forb(X, Y): the parents of the nodes on proper
    causal paths, minus the forbidden nodes [6]_.  Among valid adjustment sets it
    gives the smallest asymptotic variance of the adjusted estimator (shown for
    linear models; a good default in general).  Forced nodes (role ``adjusted`` /
    ``selected``) are added to it.  ``None`` when the result is not a valid set
    of observed nodes -- e.g. it needs a latent node -- so callers fall back to
    :func:`minimal_adjustment_set`.

    Parameters
    ----------
    G : nx.DiGraph
        An acyclic graph; roles as in the module docstring.
    x, y : node or collection of nodes, optional
        Treatment and outcome; default to the nodes with those roles.
    observed : iterable of nodes, optional
        Only these may be used (e.g. a DataFrame's columns); latent nodes never.

    Returns
    -------
    frozenset or None

    Complexity: O(n + m).

    Examples
    --------
    >>> G = nx.DiGraph([("a", "x"), ("a", "m"), ("b", "m"), ("b", "y"), ("x", "y")])
    >>> optimal_adjustment_set(G, "x", "y")
    frozenset({'b'})
    """
    pb = _Problem(G, x, y, observed)
    return _optimal(pb)


def _optimal(pb: _Problem) -> frozenset | None:
    o = set()
    for v in pb.cn:
        o |= pb.pred[v].keys()
    o -= pb.forb
    o |= pb.forced
    if any(not pb.adjustable(v) for v in o):
        return None
    if not pb.is_adjustment(o):
        return None
    return frozenset(o)


def adjustment_problem(
    G: nx.DiGraph, x: NodeArg = None, y: NodeArg = None, observed=None, included=None
) -> str | None:
    """Say which forced node makes adjustment impossible, and why; else ``None``.

    A forced node (role ``adjusted`` / ``selected``, or ``included=``) can break
    every adjustment set in three ways: it is not observed; it is a mediator or
    a descendant of one (a descendant of a node on a causal path); or it is a
    collider (or a collider's descendant) that opens a biasing path no observed
    set can block.  DAGitty users ask for exactly this warning.

    Returns ``None`` when a valid set containing the forced nodes exists, or
    when no valid set exists even without them (then the forced nodes are not
    the problem).

    Examples
    --------
    >>> G = nx.DiGraph([("x", "m"), ("m", "y")])
    >>> print(adjustment_problem(G, "x", "y", included="m"))  # doctest: +NORMALIZE_WHITESPACE
    m is forced into the adjustment set but it is a mediator (it lies on the causal
    path x -> m -> y); adjusting for it removes part of the effect
    """
    pb = _Problem(G, x, y, observed, included)
    return _problem_text(pb)


def _problem_text(pb: _Problem) -> str | None:
    if not pb.forced or pb.find_minimal() is not None:
        return None
    if pb.find_minimal(forced=frozenset()) is None:
        return None  # impossible anyway: the forced nodes are not the problem
    for f in pb.forced_order:
        if f in pb.unobs:
            return f"{f} is forced into the adjustment set but it is not observed"
    forb = pb.forb
    for f in pb.forced_order:
        if f in forb:
            what = _forbidden_what(pb, f)
            tail = "removes part of the effect" if what.startswith("a mediator") else "biases it"
            head = f"{f} is forced into the adjustment set but it is {what}"
            return f"{head}; adjusting for it {tail}"
    # a collider opened by forced nodes: drop them one at a time to find the culprit
    A = pb.ancestral(pb.forced)
    forb_a = _down(pb.succ, pb.cn, within=A) | pb.xs
    z0 = {v for v in A if v not in forb_a and pb.adjustable(v)}
    path = _open_path(pb, z0)
    culprit = None
    for f in pb.forced_order:
        if pb.find_minimal(forced=pb.forced - {f}) is not None:
            culprit = f
            break
    if culprit is None:
        culprit = pb.forced_order[0]
    where = f" {path}" if path is not None else ""
    if path is not None:
        anc_f = _up(pb.pred, pb.forced)
        colliders = [
            path.nodes[i]
            for i in range(1, len(path.nodes) - 1)
            if path.arrows[i - 1] == "->" and path.arrows[i] == "<-" and path.nodes[i] in anc_f
        ]
        if colliders:
            c = colliders[0]
            role = "a collider" if c == culprit else f"a collider ({c}) whose descendant it is"
            return (
                f"{culprit} is forced into the adjustment set but adjusting for it opens the "
                f"biasing path{where}, on which it is {role}; no observed set blocks that path"
            )
    return (
        f"{culprit} is forced into the adjustment set but adjusting for it opens a biasing "
        f"path{where} that no observed set blocks"
    )


# --------------------------------------------------------------------------- front door


def frontdoor_set(
    G: nx.DiGraph, x: NodeArg = None, y: NodeArg = None, observed=None
) -> frozenset | None:
    """Return a set satisfying Pearl's front-door criterion [7]_, or ``None``.

    M satisfies the criterion relative to (X, Y) when (i) M intercepts every
    directed path from X to Y, (ii) no back-door path from X to M is open
    (X ⫫ m in G with X's out-edges removed, for every m in M), and (iii) every
    back-door path from M to Y is blocked by X (m ⫫ Y | X in G with m's
    out-edges removed).  Candidates are the observed nodes on causal paths
    that pass (ii) and (iii); if together they intercept every causal path,
    nodes are dropped in graph order while the rest still do, which leaves an
    inclusion-minimal set.  One treatment and one outcome only (``None``
    otherwise).

    Parameters
    ----------
    G : nx.DiGraph
        An acyclic graph; roles as in the module docstring.
    x, y : node or collection of nodes, optional
        Treatment and outcome; default to the nodes with those roles.
    observed : iterable of nodes, optional
        Only these may be used (e.g. a DataFrame's columns); latent nodes never.
    included : node or collection of nodes, optional
        Forced into every set, on top of the roles ``adjusted`` and ``selected``.

    Returns
    -------
    str or None
        One sentence naming the forced node and what it does.

    Parameters
    ----------
    G : nx.DiGraph
        An acyclic graph; roles as in the module docstring.
    x, y : node, optional
        One treatment and one outcome (default: the role-marked nodes).
    observed : iterable of nodes, optional
        Only these may be used (e.g. a DataFrame's columns); latent nodes never.

    Returns
    -------
    frozenset or None
        ``frozenset()`` when there is no causal path at all (the formula is P(y)).

    Complexity: O(k (n + m)) for k candidates.

    Examples
    --------
    >>> G = nx.DiGraph([("U", "X"), ("U", "Y"), ("X", "M"), ("M", "Y")])
    >>> G.nodes["U"]["role"] = "latent"
    >>> frontdoor_set(G, "X", "Y")
    frozenset({'M'})
    """
    pb = _Problem(G, x, y, observed)
    return _frontdoor(pb)


def _frontdoor(pb: _Problem) -> frozenset | None:
    if len(pb.X) != 1 or len(pb.Y) != 1:
        return None
    (x,), (y,) = pb.X, pb.Y
    succ, pred = pb.succ, pb.pred
    cn = pb.cn - pb.ys
    if not pb.cn:  # no causal path: the empty set intercepts them all (formula gives P(y))
        return frozenset()
    if y in succ[x]:  # a direct edge cannot be intercepted
        return None
    # (ii) for all candidates at once: nodes reached by an open back-door walk from x
    cut_x = {x: set(succ[x])}
    back_x = _ball(succ, pred, {x}, set(), set(), cut_x, {c: {x} for c in succ[x]})
    cands = []
    rank = _ranked(pb.G)
    for m in sorted(cn, key=rank.__getitem__):
        if not pb.adjustable(m) or m in back_x:
            continue
        # (iii) m ⫫ y | x in G with m's out-edges removed
        cut_m = {m: set(succ[m])}
        cut_in = {c: {m} for c in succ[m]}
        anc = _up(pred, {x})
        if _ball(succ, pred, {m}, {x}, anc, cut_m, cut_in, {y}):
            continue
        cands.append(m)
    chosen = list(cands)
    if not _intercepts(succ, x, y, set(chosen)):
        return None
    for m in list(chosen):
        rest = set(chosen) - {m}
        if rest and _intercepts(succ, x, y, rest):
            chosen.remove(m)
    return frozenset(chosen)


def _intercepts(succ, x, y, M) -> bool:
    """Does every directed path from x to y pass through M?"""
    reach = _down(succ, [c for c in succ[x] if c not in M], block=M)
    return y not in reach


# --------------------------------------------------------------------------- identify


def _tex_name(n) -> str:
    s = str(n)
    for a, b in (("\\", r"\textbackslash{}"), ("_", r"\_"), ("{", r"\{"), ("}", r"\}")):
        s = s.replace(a, b)
    for ch in "&%$#":
        s = s.replace(ch, "\\" + ch)
    s = s.replace("^", r"\^{}").replace("~", r"\~{}")
    return r"\text{" + s + "}"


def _plain_list(nodes) -> str:
    return ", ".join(str(n) for n in nodes)


def _tex_list(nodes) -> str:
    return ", ".join(_tex_name(n) for n in nodes)


def _sum_sub(nodes, tex=False) -> str:
    if tex:
        return r"\sum_{" + _tex_list(nodes) + "}"
    if len(nodes) == 1:
        return f"Σ_{nodes[0]}"
    return "Σ_{" + ",".join(str(n) for n in nodes) + "}"


def _backdoor_formula(X, Y, Z, S) -> tuple[str, str]:
    cond = [*X, *Z, *S]
    plain = f"P({_plain_list(Y)} | {_plain_list(cond)})"
    tex = rf"P({_tex_list(Y)} \mid {_tex_list(cond)})"
    if Z:
        pz = f"P({_plain_list(Z)}" + (f" | {_plain_list(S)})" if S else ")")
        tz = f"P({_tex_list(Z)}" + (rf" \mid {_tex_list(S)})" if S else ")")
        plain = f"{_sum_sub(Z)} {plain} {pz}"
        tex = rf"{_sum_sub(Z, True)} {tex} \, {tz}"
    return plain, tex


def _frontdoor_formula(x, y, M) -> tuple[str, str]:
    xp = f"{x}'"
    plain = (
        f"{_sum_sub(M)} P({_plain_list(M)} | {x}) "
        f"{_sum_sub([xp])} P({y} | {xp}, {_plain_list(M)}) P({xp})"
    )
    txp = _tex_name(x) + "'"
    tex = (
        rf"{_sum_sub(M, True)} P({_tex_list(M)} \mid {_tex_name(x)}) \sum_{{{txp}}} "
        rf"P({_tex_name(y)} \mid {txp}, {_tex_list(M)}) \, P({txp})"
    )
    return plain, tex


def _blocking_failure(pb: _Problem) -> tuple[str, Path | None]:
    """Why no adjustment set exists: an open path and the nodes that cannot block it."""
    forced = pb.forced
    A = pb.ancestral(forced)
    forb_a = _down(pb.succ, pb.cn, within=A) | pb.xs
    z0 = {v for v in A if v not in forb_a and pb.adjustable(v)} | forced
    path = _open_path(pb, z0)
    if path is None:
        return "no observed set blocks every biasing path", None
    nodes, arrows = path.nodes, path.arrows
    inner, colliders = [], []
    for i in range(1, len(nodes) - 1):
        (colliders if arrows[i - 1] == "->" and arrows[i] == "<-" else inner).append(i)
    hidden = [f"{nodes[i - 1]} <-> {nodes[i + 1]}" for i in inner if is_hidden(pb.G, nodes[i])]
    unseen = [nodes[i] for i in inner if nodes[i] in pb.unobs and not is_hidden(pb.G, nodes[i])]
    below = [nodes[i] for i in inner if nodes[i] not in pb.unobs and nodes[i] in pb.forb]
    why = []
    if hidden:
        many = len(hidden) > 1
        tail = " are unobserved common causes" if many else " stands for an unobserved common cause"
        why.append(" and ".join(hidden) + tail)
    if unseen:
        why.append(_plain_list(unseen) + (" are" if len(unseen) > 1 else " is") + " not observed")
    for v in below:
        why.append(f"{v} is a descendant of a node on a causal path")
    if not inner:
        why.append("it has no node that could be adjusted for")
    anc_forced = _up(pb.pred, forced)
    by_force = [nodes[i] for i in colliders if nodes[i] in anc_forced]
    if by_force:
        why.append(f"adjusting for {_plain_list(pb.forced_order)} opens it at {by_force[0]}")
    elif colliders:
        c = nodes[colliders[0]]
        what = c if c in z0 else f"a descendant of {c}"
        why.append(f"adjusting for {what} to block other paths opens it at the collider {c}")
    because = " and ".join(why) if why else "every node that would block it is unavailable"
    return f"the biasing path {path} cannot be blocked because {because}", path


def identify_effect(
    G: nx.DiGraph, x: NodeArg = None, y: NodeArg = None, observed=None, included=None
) -> Identification:
    """Decide how P(y | do(x)) is identified from the observed nodes, with the formula.

    Tries, in order: back-door adjustment (the optimal O-set [6]_ when it is
    valid and observed, else a minimal set [4]_ -- ``reason`` says which); the
    front-door criterion [7]_; then the ID algorithm (``method="id"``, a formula
    with nested sums and possibly ratios; see :mod:`causal_magic.id_algorithm` --
    not tried under selection or with forced nodes); otherwise ``method="none"``
    with an open biasing path that no observed set can block.  ``warnings``
    carries :func:`adjustment_problem`'s sentence and a note on selection.

    Parameters
    ----------
    G : nx.DiGraph
        An acyclic graph; roles as in the module docstring.
    x, y : node or collection of nodes, optional
        Treatment and outcome; default to the nodes with those roles.
    observed : iterable of nodes, optional
        Only these may be used (e.g. a DataFrame's columns); latent nodes never.
    included : node or collection of nodes, optional
        Forced into every set, on top of the roles ``adjusted`` and ``selected``.

    Returns
    -------
    Identification
        ``method`` ("backdoor", "frontdoor", "id" or "none"), ``adjustment_set``,
        ``frontdoor_set``, ``formula`` (plain text), ``latex``, ``reason``,
        ``open_path``, ``treatment``, ``outcome``, ``warnings``.

    Complexity: O(n + m) for the adjustment part; O(k (n + m)) for front-door;
    polynomial for the ID algorithm.

    Examples
    --------
    >>> G = nx.DiGraph([("Talent", "Gear"), ("Talent", "Sound"), ("Gear", "Sound")])
    >>> r = identify_effect(G, "Gear", "Sound")
    >>> r.method, sorted(r.adjustment_set), r.formula
    ('backdoor', ['Talent'], 'Σ_Talent P(Sound | Gear, Talent) P(Talent)')
    >>> G.nodes["Talent"]["role"] = "latent"
    >>> r = identify_effect(G, "Gear", "Sound")
    >>> r.method
    'none'
    >>> print(r.reason)  # doctest: +NORMALIZE_WHITESPACE
    not identifiable by adjustment or front-door: the biasing path
    Gear <- Talent -> Sound cannot be blocked because Talent is not observed
    """
    pb = _Problem(G, x, y, observed, included)
    rank = _ranked(G)
    warnings = []
    problem = _problem_text(pb)
    if problem:
        warnings.append(problem)
    S = sorted(pb.selected, key=rank.__getitem__)
    if S:
        warnings.append(
            f"the data are selected on {_plain_list(S)}; it is treated as conditioned on, "
            "so the formula holds for the selected population unless selection is "
            "ignorable for the effect"
        )
    Z = _optimal(pb)
    how = "optimal adjustment set (O-set: parents of causal-path nodes, minus forbidden nodes)"
    if Z is None:
        Z = pb.find_minimal()
        how = "minimal adjustment set (generalized adjustment criterion)"
    if Z is not None:
        zs = [v for v in sorted(Z, key=rank.__getitem__) if v not in pb.selected]
        plain, tex = _backdoor_formula(pb.X, pb.Y, zs, S)
        if not Z:
            how = "the empty set is a valid adjustment set: no biasing path is open"
        elif pb.forced:
            how += f", containing the forced {_name_set(pb.forced_order)}"
        return Identification(
            "backdoor", frozenset(Z), None, plain, tex, how, None, pb.X, pb.Y, tuple(warnings)
        )
    failure, path = _blocking_failure(pb)
    M = _frontdoor(pb)
    if M:  # an empty front-door set means no causal path: the ID algorithm says P(y)
        ms = sorted(M, key=rank.__getitem__)
        plain, tex = _frontdoor_formula(pb.X[0], pb.Y[0], ms)
        reason = f"front-door set {_name_set(ms)} (Pearl's front-door criterion); no adjustment "
        reason += f"set exists: {failure}"
        return Identification(
            "frontdoor", None, frozenset(M), plain, tex, reason, path, pb.X, pb.Y, tuple(warnings)
        )
    expr = _id_expression(pb)
    if expr is not None:
        from .formula import to_latex, to_text

        plain, tex = to_text(expr, fixed=pb.xs), to_latex(expr, fixed=pb.xs)
        reason = "identified by the ID algorithm (Shpitser & Pearl), not by a simple formula: "
        reason += f"no adjustment set or front-door set exists: {failure}"
        return Identification(
            "id", None, None, plain, tex, reason, path, pb.X, pb.Y, tuple(warnings), expr
        )
    reason = f"not identifiable by adjustment or front-door: {failure}"
    return Identification("none", None, None, "", "", reason, path, pb.X, pb.Y, tuple(warnings))


def _id_expression(pb: _Problem):
    """The ID algorithm's expression, or None (not identifiable, or not applicable here).

    Not tried under selection (the algorithm assumes unselected data), with an
    unobserved treatment or outcome, or when nodes are forced into the adjustment
    set (its formula would silently ignore them).
    """
    if pb.selected or pb.forced or pb.unobs & (pb.xs | pb.ys):
        return None
    from .id_algorithm import id_formula

    return id_formula(pb.G, pb.xs, pb.ys, pb.unobs)


# --------------------------------------------------------------------------- IVs, tests


def instrumental_variables(
    G: nx.DiGraph, x: NodeArg = None, y: NodeArg = None, observed=None
) -> list[tuple[Node, frozenset]]:
    """List instruments for the effect of ``x`` on ``y``, each with a conditioning set.

    ``(z, W)`` is a (conditional) instrument when z and W are observed, neither
    descends from X, z is d-connected to X given W in G, and z is d-separated
    from Y given W in G with X's out-edges removed (the only way from z to Y is
    through X).  For each z the conditioning sets tried are the empty set, then
    the separator of z and Y nearest to Y among the ancestors of {z, Y} [8]_.
    So every z with an *ancestral* conditioning set is found, and the list is
    empty only when no instrument exists at all; a z that needs a
    non-ancestral W (conditioning on a collider below z to make it relevant)
    may be left out when another instrument serves.  One treatment and one
    outcome.

    Parameters
    ----------
    G : nx.DiGraph
        An acyclic graph; roles as in the module docstring.
    x, y : node, optional
        One treatment and one outcome (default: the role-marked nodes).
    observed : iterable of nodes, optional
        Only these may be used (e.g. a DataFrame's columns); latent nodes never.

    Returns
    -------
    list of (node, frozenset)
        Instrument and conditioning set, in graph order.

    Complexity: O(n (n + m)).

    Examples
    --------
    >>> G = nx.DiGraph([("Z", "X"), ("U", "X"), ("U", "Y"), ("X", "Y")])
    >>> G.nodes["U"]["role"] = "latent"
    >>> instrumental_variables(G, "X", "Y")
    [('Z', frozenset())]
    """
    pb = _Problem(G, x, y, observed)
    if len(pb.X) != 1 or len(pb.Y) != 1:
        raise IdentificationError("instrumental_variables needs one treatment and one outcome")
    (x,), (y,) = pb.X, pb.Y
    succ, pred = pb.succ, pb.pred
    de_x = _down(succ, {x})
    allowed = {v for v in pb.G._node if pb.adjustable(v) and v not in de_x}
    cut_out = {x: set(succ[x])}
    cut_in = {c: {x} for c in succ[x]}
    rank = _ranked(pb.G)
    out = []
    for z in pb.G._node:
        if z not in allowed:
            continue
        rest = allowed - {z}
        candidates = [set()]
        # the separator of z and y nearest to y keeps z as connected to x as can be [8]_
        A = _up(pred, {z, y} | pb.selected, cut_in=cut_in)
        banned = {v for v in A if v not in rest}
        sep = _Sep(pred, A, {z}, {y}, pb.selected, banned.__contains__, cut_in, rank)
        near = sep.close({sep.T}, sep.S)
        if near is None:
            continue
        candidates.append(set(near))
        for W in candidates:
            W = set(W) | pb.selected
            if z in W:
                continue
            anc_cut = _up(pred, W, cut_in=cut_in)
            if _ball(succ, pred, {z}, W, anc_cut, cut_out, cut_in, {y}):
                continue  # z still reaches y other than through x
            anc = _up(pred, W)
            if not _ball(succ, pred, {z}, W, anc, targets={x}):
                continue  # z is not relevant for x
            out.append((z, frozenset(W)))
            break
    return out


def _min_sep(succ, pred, a, b, restricted, included, cut_out=None, cut_in=None):
    """A minimal d-separator of ``a`` and ``b`` within ``restricted`` ⊇ included, or None [4]_."""
    A = _up(pred, a | b | set(included), cut_in=cut_in)
    z0 = (A & restricted) | set(included)
    z0 -= a | b
    cx = _closure(succ, pred, a, A, z0, cut_out, cut_in)
    if cx & b:
        return None
    z1 = z0 & (cx | set(included))
    cy = _closure(succ, pred, b, A, z1, cut_out, cut_in)
    return frozenset(z1 & (cy | set(included)))


def implied_independencies(G: nx.DiGraph, observed=None) -> list[Independence]:
    """A basis of the conditional independencies the graph implies among observed nodes.

    For every pair of non-adjacent observed nodes (graph order), one minimal
    separating set drawn from the observed nodes [4]_; pairs that no observed set
    separates (e.g. joined through a latent common cause) are skipped, pairs
    that a set of observed nodes separates are never lost.  Nodes with role
    ``selected`` are in every conditioning set (the data are conditioned on
    them) and are not tested themselves.

    Parameters
    ----------
    G : nx.DiGraph
        An acyclic graph; roles as in the module docstring.
    observed : iterable of nodes, optional
        The measured variables; default: every node that is not latent.

    Returns
    -------
    list of Independence
        In graph order of the pairs; ``str()`` gives ``A ⫫ C | B``.

    Complexity: O(n^2 (n + m)).

    Examples
    --------
    >>> G = nx.DiGraph([("A", "B"), ("B", "C")])
    >>> [str(i) for i in implied_independencies(G)]
    ['A ⫫ C | B']
    """
    _check_graph(G)
    roles = _roles(G)
    unobs = set(roles.get("latent", ()))
    unobs.update(n for n, d in G._node.items() if d.get(BIDIRECTED_ATTR))
    if observed is not None:
        obs = set(observed)
        unobs.update(n for n in G._node if n not in obs)
    sel = frozenset(roles.get("selected", ())) - unobs
    nodes = [n for n in G._node if n not in unobs and n not in sel]
    restricted = {n for n in G._node if n not in unobs}
    succ, pred = G._succ, G._pred
    out = []
    for i, a in enumerate(nodes):
        for b in nodes[i + 1 :]:
            if b in succ[a] or a in succ[b]:
                continue
            z = _min_sep(succ, pred, {a}, {b}, restricted - {a, b}, sel)
            if z is not None:
                out.append(Independence(a, b, frozenset(z)))
    return out
