"""Paths between treatment and outcome: listed (:func:`paths`), as edge sets for the
widget's overlay (:func:`path_edges`), and the one open biasing path that explains a
verdict (``_open_path``).

Why apart: these are the only functions that talk about *paths* rather than sets;
listing is Yen's algorithm on the skeleton, the overlay and the explanation are
Bayes-ball searches that remember where they came from.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Iterator

import networkx as nx

from ._problem import NodeArg, _node_tuple, _Problem
from ._reach import _ranked, _up
from .results import Path, PathEdges, _make_path


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
    z = set(given) | pb.selected
    causal = _causal_edges(pb)
    walks = _biasing_walks(pb, z, _up(pb.pred, z))
    biasing = {(v, u) if d == _UP else (u, v) for u, v, d in walks if d != _START}
    return PathEdges(frozenset(causal), frozenset(biasing))


def _causal_edges(pb: _Problem) -> set:
    """Edges of directed paths from X to Y that meet X only at their start.  O(n + m)."""
    succ, xs, ys, an_y = pb.succ, pb.xs, pb.ys, pb.an_y
    # causal-path nodes reached from X without passing through X or Y on the way
    cn: set = set()
    stack = list(pb.X)
    while stack:
        v = stack.pop()
        if v in ys:
            continue
        new = (succ[v].keys() & an_y) - cn - xs
        cn |= new
        stack.extend(new)
    return {(u, v) for u in (*pb.X, *(cn - ys)) for v in succ[u].keys() & cn}


# Walk states are (u, v, d): the walk stepped from u to v; d is _DOWN_CAUSAL (arrived from a
# parent on an all-forward walk from X), _DOWN (from a parent) or _UP (from a child); _START
# marks X itself.  Remembering u forbids stepping straight back, which a walk can do but a
# path cannot; it costs O(sum of squared degrees) instead of O(n + m).
_START, _DOWN_CAUSAL, _DOWN, _UP = -1, 0, 1, 2


def _biasing_walks(pb: _Problem, z: set, anc: set) -> set:
    """The walk states on some d-connecting non-causal walk from X to Y given ``z``.

    Forward (:func:`_walks_from_x`): every state reachable from X.  Backward: keep the
    states from which a state arriving in Y non-causally is reached.
    """
    into = _walks_from_x(pb, z, anc)
    accept = [s for s in into if s[1] in pb.ys and s[2] in (_DOWN, _UP)]
    good = set(accept)
    stack = list(accept)
    while stack:
        state = stack.pop()
        for prev in into.get(state, ()):
            if prev not in good:
                good.add(prev)
                stack.append(prev)
    return good


def _walks_from_x(pb: _Problem, z: set, anc: set) -> dict:
    """Bayes-ball over walk states from X given ``z`` (ancestors ``anc``): state -> the
    states it is entered from.  Walks stop on reaching X again or Y."""
    succ, pred, xs, ys = pb.succ, pb.pred, pb.xs, pb.ys
    into: dict = {}
    start = [(None, x, _START) for x in pb.X]
    seen = set(start)
    stack = list(start)
    while stack:
        state = stack.pop()
        u, v, d = state
        if d == _START:
            moves = [(v, c, _DOWN_CAUSAL) for c in succ[v]] + [(v, p, _UP) for p in pred[v]]
        elif v in xs or v in ys:
            continue
        elif d == _UP:
            moves = []
            if v not in z:
                moves = [(v, p, _UP) for p in pred[v] if p != u]
                moves += [(v, c, _DOWN) for c in succ[v] if c != u]
        else:
            moves = [(v, c, d) for c in succ[v] if c != u] if v not in z else []
            if v in anc:
                moves += [(v, p, _UP) for p in pred[v] if p != u]
        for nstate in moves:
            into.setdefault(nstate, []).append(state)
            if nstate not in seen:
                seen.add(nstate)
                stack.append(nstate)
    return into


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
