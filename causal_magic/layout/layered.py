"""The layered (Sugiyama) layout: layers, an order with few crossings, coordinates, routes.

Why our own and not Graphviz or a JavaScript library: the static SVG is made in Python
(seen without a kernel) and the live widget must show the very same picture, so the
layout is computed once, here, with NetworkX only, and shipped to the widget as node
positions plus the route points of long edges.  ``benchmarks/bench_layout.py`` compares
its crossings with Graphviz ``dot`` on DAGitty's example graphs and random DAGs.

The steps are the classic ones (Gansner et al. 1993, "A technique for drawing directed
graphs"): longest-path layers, sources pulled down next to their children and, for big
graphs, a width bound so that the picture is not a thin strip; a virtual node on every
layer a long edge crosses (it reserves room, so no edge passes under a node); weighted
median and barycentre sweeps with adjacent transpositions, keeping the order with the
fewest crossings (counted exactly, O(E log V) per layer pair); then x coordinates pulled
towards neighbours by weighted isotonic regression under per-pair gaps taken from the
names' widths, with long edges pulled straight.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

import networkx as nx

Pos = tuple[float, float]

#: Iterations of the ordering sweeps (each a down and an up sweep), fewer on big graphs.
SWEEPS = 24
#: Above this many nodes in the grid (real ones plus a long edge's lane points) the
#: ordering and placement do a few cheap passes instead of many: at 5,000 nodes and
#: 20,000 edges the full effort took 15 s, and a view must appear in about a second.
BIG_GRID = 20_000
#: Above this many nodes a layer holds at most about sqrt(2 n) nodes.
WIDTH_BOUND_FROM = 80
#: Up to this many nodes the layers are exact (least total edge length), above it a
#: fast local search.
EXACT_LAYERS_UP_TO = 1500
#: A picture wider than MAX_ASPECT times its height gets its rows spread, up to
#: MAX_STRETCH times, so that it fills a view instead of a thin strip.
MAX_ASPECT = 2.5
MAX_STRETCH = 2.0
#: Weights pulling x together: an edge between two real nodes, with one virtual, two.
WEIGHTS = (1.0, 2.0, 8.0)


@dataclass
class Layered:
    """A layered layout: positions of the nodes and interior points of long edges."""

    pos: dict[Hashable, Pos] = field(default_factory=dict)
    routes: dict[tuple[Hashable, Hashable], list[Pos]] = field(default_factory=dict)
    layers: dict[Hashable, int] = field(default_factory=dict)


def assign_layers(G: nx.DiGraph, nodes: list[Hashable]) -> dict[Hashable, int]:
    """Layer of each node: parents above children; a cycle (made in Python) shares one."""
    H = G if len(nodes) == G.number_of_nodes() else G.subgraph(nodes)
    if len(nodes) > EXACT_LAYERS_UP_TO and nx.is_directed_acyclic_graph(H):
        # a big DAG is its own condensation: no copy of 20,000 edges (60 ms at that size)
        order = list(nx.topological_sort(H))
        return _layers_of(H, order, {n: n for n in nodes}, nodes)
    cond = nx.condensation(H)
    order = list(nx.topological_sort(cond))
    return _layers_of(cond, order, cond.graph["mapping"], nodes)


def _layers_of(
    cond: nx.DiGraph, order: list, mapping: Mapping, nodes: list[Hashable]
) -> dict[Hashable, int]:
    """:func:`assign_layers` on the acyclic ``cond`` in topological ``order``."""
    L: dict[int, int] = {}
    for c in order:
        L[c] = max((L[p] + 1 for p in cond.predecessors(c)), default=0)
    if cond.number_of_nodes() <= EXACT_LAYERS_UP_TO and cond.number_of_edges():
        L = _shortest_layers(cond)
    else:
        _shorten_edges(cond, order, L)
    if len(order) > WIDTH_BOUND_FROM:
        cap = max(8, math.ceil(math.sqrt(1.2 * len(order))))
        count: dict[int, int] = {}
        bounded: dict[int, int] = {}
        for c in sorted(order, key=lambda c: L[c]):
            k = max([L[c], *(bounded[p] + 1 for p in cond.predecessors(c))])
            while count.get(k, 0) >= cap:
                k += 1
            bounded[c] = k
            count[k] = count.get(k, 0) + 1
        L = bounded
    return {n: L[mapping[n]] for n in nodes}


def _shortest_layers(cond: nx.DiGraph) -> dict[int, int]:
    """Layers with the least total edge length (dot's objective), exactly.

    The layering LP (min sum of L(b) - L(a) over edges, each at least 1) is solved through
    its dual, a min-cost flow (``networkx.network_simplex``): then the layers are any
    solution of the difference constraints (every edge >= 1, edges carrying flow == 1),
    found as shortest distances by Bellman-Ford.
    """
    F = nx.DiGraph()
    for c in cond:
        F.add_node(c, demand=cond.in_degree(c) - cond.out_degree(c))
    F.add_edges_from(cond.edges, weight=-1)
    _cost, flow = nx.network_simplex(F)
    D = nx.DiGraph()
    D.add_nodes_from(cond)
    for a, b in cond.edges:
        D.add_edge(b, a, weight=-1)  # L(a) - L(b) <= -1
        if flow[a][b] > 0:
            D.add_edge(a, b, weight=1)  # tight: L(b) - L(a) <= 1
    source = object()
    D.add_edges_from(((source, c) for c in cond), weight=0)
    dist = nx.single_source_bellman_ford_path_length(D, source)
    low = min(dist[c] for c in cond)
    return {c: int(dist[c] - low) for c in cond}


def _shorten_edges(cond: nx.DiGraph, order: list[int], L: dict[int, int]) -> None:
    """Move nodes between their parents and children to shorten the edges (in place).

    A node with more parents than children sits just under its lowest parent, one with
    more children just above its highest child: coordinate descent on dot's objective
    (total edge length), a few passes; fewer virtual nodes means fewer crossings.
    """
    for _ in range(12):
        moved = False
        for c in order:
            net = cond.in_degree(c) - cond.out_degree(c)
            if net > 0:
                best = max(L[p] for p in cond.predecessors(c)) + 1
            elif net < 0:
                best = min(L[s] for s in cond.successors(c)) - 1
            else:
                continue
            if best != L[c]:
                L[c] = best
                moved = True
        if not moved:
            break
    low = min(L.values(), default=0)
    for c in L:
        L[c] -= low


class _Grid:
    """The layered graph with integer ids: real nodes first, then virtual ones."""

    def __init__(self, n_real: int) -> None:
        self.n_real = n_real
        self.up: list[list[int]] = [[] for _ in range(n_real)]
        self.down: list[list[int]] = [[] for _ in range(n_real)]
        self.rows: list[list[int]] = []
        self.row_of: list[int] = []

    def link(self, a: int, b: int) -> None:
        self.down[a].append(b)
        self.up[b].append(a)


def _build(
    G: nx.DiGraph, nodes: list[Hashable], layer: Mapping[Hashable, int]
) -> tuple[_Grid, dict[tuple[Hashable, Hashable], list[int]]]:
    """The layered graph, with a virtual node on each layer a long edge crosses."""
    idx = {n: i for i, n in enumerate(nodes)}
    grid = _Grid(len(nodes))
    grid.rows = [[] for _ in range(max(layer.values()) + 1)]
    grid.row_of = [layer[n] for n in nodes]
    for n in nodes:
        grid.rows[layer[n]].append(idx[n])
    chains: dict[tuple[Hashable, Hashable], list[int]] = {}
    up, down, rows, row_of = grid.up, grid.down, grid.rows, grid.row_of  # (inlined: 90,000
    for u, v in G.edges:  # lane points at 20,000 edges)
        if u not in idx or v not in idx or u == v or layer[u] >= layer[v]:
            continue  # a <-> node, a loop, or an edge inside a cycle: drawn straight
        prev, chain = idx[u], []
        for k in range(layer[u] + 1, layer[v]):
            d = len(up)  # a lane point on row k, linked below prev
            up.append([prev])
            down.append([])
            row_of.append(k)
            rows[k].append(d)
            down[prev].append(d)
            chain.append(d)
            prev = d
        grid.link(prev, idx[v])
        if chain:
            chains[(u, v)] = chain
    return grid, chains


def _pair_crossings(top: list[int], index: list[int], down: list[list[int]], width: int) -> int:
    """Crossings between one row and the next: inversions of the lower ends taken in the
    order of the upper ends, counted with a sorted list (bisect: C-speed for rows of a few
    hundred; ``width`` is the lower row's length, kept for the callers)."""
    ends = sorted((index[u], index[v]) for u in top for v in down[u])
    seen: list[int] = []
    total = 0
    for _a, b in ends:
        at = bisect.bisect_right(seen, b)
        total += len(seen) - at  # earlier ends strictly to the right of b
        seen.insert(at, b)
    return total


def crossings(grid: _Grid, index: list[int]) -> int:
    """Total crossings of the layered graph in the order ``index`` (position in its row)."""
    rows = grid.rows
    return sum(
        _pair_crossings(rows[k], index, grid.down, len(rows[k + 1])) for k in range(len(rows) - 1)
    )


def _median(values: list[int]) -> float:
    """Gansner's weighted median of neighbour positions (sorted)."""
    m = len(values)
    if m % 2 == 1:
        return float(values[m // 2])
    if m == 2:
        return (values[0] + values[1]) / 2
    left = values[m // 2 - 1] - values[0]
    right = values[-1] - values[m // 2]
    if left + right == 0:
        return (values[m // 2 - 1] + values[m // 2]) / 2
    return (values[m // 2 - 1] * right + values[m // 2] * left) / (left + right)


def _sort_row(row: list[int], nbrs: list[list[int]], index: list[int]) -> None:
    """Order one row by its neighbours' weighted median; a node without neighbours keeps
    its slot (dot's ``reorder``)."""
    keyed, free = [], []
    for slot, n in enumerate(row):
        ns = nbrs[n]
        if not ns:
            continue
        # one neighbour (every lane point): its place is the median
        key = float(index[ns[0]]) if len(ns) == 1 else _median(sorted([index[m] for m in ns]))
        keyed.append((key, slot, n))
        free.append(slot)
    keyed.sort()
    for slot, (_k, _s, n) in zip(free, keyed, strict=True):
        row[slot] = n
    for i, n in enumerate(row):
        index[n] = i


def _cross_pair(a: int, b: int, nbrs: list[list[int]], index: list[int]) -> int:
    """Crossings between the edges of a (left) and b (right) to one neighbouring row."""
    na, nb = nbrs[a], nbrs[b]
    if not na or not nb:
        return 0
    if len(na) == 1 and len(nb) == 1:  # two lane points, most pairs of a big grid
        return int(index[na[0]] > index[nb[0]])
    pb = [index[m] for m in nb]
    return sum(1 for m in na for q in pb if index[m] > q)


def _transpose(grid: _Grid, index: list[int], reverse: bool, passes: int = 8) -> None:
    """Swap neighbours in a row while that removes crossings (dot's ``transpose``); with
    ``reverse``, equal swaps are made too (to leave a plateau)."""
    for _ in range(passes):
        improved = 0
        for row in grid.rows:
            for i in range(len(row) - 1):
                a, b = row[i], row[i + 1]
                now = _cross_pair(a, b, grid.up, index) + _cross_pair(a, b, grid.down, index)
                if now == 0:
                    continue
                swapped = _cross_pair(b, a, grid.up, index) + _cross_pair(b, a, grid.down, index)
                if swapped < now or (reverse and swapped == now):
                    row[i], row[i + 1] = b, a
                    index[a], index[b] = i + 1, i
                    improved += now - swapped
        if improved <= 0:
            return


def _bfs_rows(grid: _Grid) -> list[list[int]]:
    """Initial order: rows filled in breadth-first order from the top row (dot's)."""
    rows: list[list[int]] = [[] for _ in grid.rows]
    seen = [False] * len(grid.up)
    for start in (n for row in grid.rows for n in row):
        if seen[start]:
            continue
        seen[start] = True
        queue = [start]
        for n in queue:
            rows[grid.row_of[n]].append(n)
            for m in grid.down[n] + grid.up[n]:
                if not seen[m]:
                    seen[m] = True
                    queue.append(m)
    return rows


def _improve(grid: _Grid, rows: list[list[int]], sweeps: int) -> tuple[int, list[list[int]]]:
    """Median sweeps with transposition from ``rows``; the best order met and its count."""
    grid.rows = [list(r) for r in rows]
    index = [0] * len(grid.up)
    for row in grid.rows:
        for i, n in enumerate(row):
            index[n] = i
    best, best_rows = crossings(grid, index), [list(r) for r in grid.rows]
    stale = 0
    for it in range(sweeps):
        if best == 0 or stale >= 8:
            break
        if it % 2 == 0:
            for k in range(1, len(grid.rows)):
                _sort_row(grid.rows[k], grid.up, index)
        else:
            for k in range(len(grid.rows) - 2, -1, -1):
                _sort_row(grid.rows[k], grid.down, index)
        n = len(grid.up)
        if n < BIG_GRID:  # transposition is the costly refinement: small grids only
            _transpose(grid, index, reverse=it % 4 < 2, passes=8 if n < 1000 else 2)
        c = crossings(grid, index)
        if c < best:
            best, best_rows, stale = c, [list(r) for r in grid.rows], 0
        else:
            stale += 1
    return best, best_rows


def order_rows(grid: _Grid) -> None:
    """Reorder ``grid.rows`` in place to few crossings: from two starts (the given order
    and a breadth-first one), median sweeps with transposition; the best order is kept."""
    n = len(grid.up)
    sweeps = SWEEPS if n < 1500 else 6 if n < BIG_GRID else 2
    starts = [grid.rows, _bfs_rows(grid)] if n < BIG_GRID else [grid.rows]
    results = [_improve(grid, rows, sweeps) for rows in starts]
    grid.rows = min(results, key=lambda r: r[0])[1]


def _isotonic(desired: list[float], weights: list[float], gaps: list[float]) -> list[float]:
    """Closest positions (weighted least squares) to ``desired``, in order, ``gaps`` apart.

    ``gaps[i]`` is the least distance between items i and i+1 (pool adjacent violators on
    the positions shifted by the cumulative gaps: exact, O(k)).
    """
    shift = [0.0]
    for g in gaps:
        shift.append(shift[-1] + g)
    blocks: list[list[float]] = []  # [weighted sum, weight, count]
    for d, w, s in zip(desired, weights, shift, strict=True):
        blocks.append([(d - s) * w, w, 1])
        while len(blocks) > 1 and blocks[-2][0] * blocks[-1][1] > blocks[-1][0] * blocks[-2][1]:
            ws, wt, c = blocks.pop()
            blocks[-1][0] += ws
            blocks[-1][1] += wt
            blocks[-1][2] += c
    out: list[float] = []
    for ws, wt, c in blocks:
        out.extend([ws / wt] * int(c))
    return [v + s for v, s in zip(out, shift, strict=True)]


def assign_x(grid: _Grid, half: list[float], space: float, vspace: float) -> list[float]:
    """x of every node: centred rows, then pulled to neighbours under the width gaps.

    ``half[i]`` is half the width of node i's box; two real boxes stay ``space`` apart, a
    virtual node (a long edge's lane) ``vspace`` from its neighbours.
    """
    if len(grid.up) >= BIG_GRID:  # every row at once, in NumPy (see .big)
        from .big import assign_x_big

        return assign_x_big(grid, half, space, vspace, WEIGHTS)
    n_real = grid.n_real
    x = [0.0] * len(grid.up)

    def gap(a: int, b: int) -> float:
        return half[a] + half[b] + (space if a < n_real and b < n_real else vspace)

    row_gaps = [[gap(a, b) for a, b in itertools.pairwise(r)] for r in grid.rows]
    for row, gaps in zip(grid.rows, row_gaps, strict=True):
        pos = 0.0
        for i, n in enumerate(row):
            x[n] = pos
            pos += gaps[i] if i < len(gaps) else 0.0
        for n in row:
            x[n] -= pos / 2

    def weight(a: int, b: int) -> float:
        return WEIGHTS[(a >= n_real) + (b >= n_real)]

    for sweep in range(16):
        rows = range(len(grid.rows)) if sweep % 2 == 0 else range(len(grid.rows) - 1, -1, -1)
        for k in rows:
            row = grid.rows[k]
            desired, weights = [], []
            for n in row:
                ns = grid.up[n] + grid.down[n]
                ws = [weight(n, m) for m in ns]
                total = sum(ws)
                desired.append(
                    sum(w * x[m] for w, m in zip(ws, ns, strict=True)) / total if ns else x[n]
                )
                weights.append(total if ns else 0.01)
            for n, v in zip(row, _isotonic(desired, weights, row_gaps[k]), strict=True):
                x[n] = v
    return x


def layered(
    G: nx.DiGraph,
    nodes: list[Hashable],
    boxes: Mapping[Hashable, tuple[float, float]],
    *,
    space: float,
    vspace: float,
    layer_gap: float,
) -> Layered:
    """Lay out ``nodes`` of ``G`` top to bottom; ``boxes`` are each node's width and height.

    Distances (``space`` between boxes in a row, ``vspace`` beside an edge's lane, the
    least ``layer_gap`` between rows' centres) are in the units of ``boxes``.
    """
    if not nodes:
        return Layered()
    layer = assign_layers(G, nodes)
    grid, chains = _build(G, nodes, layer)
    order_rows(grid)
    half = [boxes[n][0] / 2 for n in nodes] + [0.0] * (len(grid.up) - len(nodes))
    x = assign_x(grid, half, space, vspace)
    y = _row_heights(grid, nodes, layer, boxes, x, vspace, layer_gap)
    mid = (min(x[: len(nodes)]) + max(x[: len(nodes)])) / 2
    out = Layered(layers=dict(layer))
    for i, n in enumerate(nodes):
        out.pos[n] = (round(x[i] - mid, 4), round(y[layer[n]], 4))
    ids = {n: i for i, n in enumerate(nodes)}
    if len(grid.up) >= BIG_GRID:  # all edges at once, in NumPy (see .big)
        _big_routes(G, out, ids, chains, grid, [v - mid for v in x], y, half, boxes, nodes)
        return out
    for u, v in G.edges:
        if u not in ids or v not in ids or layer[u] >= layer[v]:
            continue
        chain = [ids[u], *chains.get((u, v), []), ids[v]]
        points = [(x[c] - mid, y[grid.row_of[c]]) for c in chain]
        caps = [half[c] * 0.5 for c in chain]
        drops = [boxes[nodes[c]][1] / 2 if c < len(nodes) else 0.0 for c in chain]
        inner = _bend_ends(points, caps, drops)
        if inner:
            out.routes[(u, v)] = [(round(px, 4), round(py, 4)) for px, py in inner]
    return out


def _big_routes(G, out, ids, chains, grid, x, y, half, boxes, nodes) -> None:
    """:func:`layered`'s routes for a big grid, through :func:`.big.lane_routes`."""
    from .big import lane_routes

    layer = out.layers
    edges = [(u, v) for u, v in G.edges if u in ids and v in ids and layer[u] < layer[v]]
    paths = [[ids[u], *chains.get((u, v), []), ids[v]] for u, v in edges]
    y_of = [y[r] for r in grid.row_of]
    drop = [boxes[n][1] / 2 for n in nodes] + [0.0] * (len(grid.up) - len(nodes))
    for e, inner in zip(edges, lane_routes(paths, x, y_of, half, drop), strict=True):
        if inner:
            out.routes[e] = inner


def _row_heights(grid, nodes, layer, boxes, x, vspace: float, layer_gap: float) -> list[float]:
    """y of each row: far enough apart for the tallest names of two neighbouring rows, and
    stretched (up to twice) when the picture is much wider than tall, so it fills a view."""
    tall = [0.0] * len(grid.rows)
    for n in nodes:
        tall[layer[n]] = max(tall[layer[n]], boxes[n][1])
    y = [0.0]
    for k in range(1, len(grid.rows)):
        y.append(y[-1] + max(layer_gap, (tall[k - 1] + tall[k]) / 2 + vspace))
    width = max(x) - min(x)
    if y[-1] > 0 and width > MAX_ASPECT * y[-1]:
        stretch = min(MAX_STRETCH, width / (MAX_ASPECT * y[-1]))
        y = [v * stretch for v in y]
    return y


def _bend_ends(points: list[Pos], caps: list[float], drops: list[float]) -> list[Pos]:
    """Interior points of an edge through ``points`` (its ends and virtual nodes), with a
    steep start and end added to every shallow step.

    A step between two rows that runs more sideways than down would pass under the
    neighbours of its ends in their rows; it leaves its upper end downwards (within
    ``caps`` sideways, below the node's box: ``drops``) and enters its lower end from
    above, so it crosses the band between the rows and nothing else.
    """
    inner: list[Pos] = []
    for i in range(len(points) - 1):
        (px, py), (qx, qy) = points[i], points[i + 1]
        dx, dy = qx - px, qy - py
        if i > 0:
            inner.append(points[i])
        if abs(dx) <= 0.5 * dy:
            continue
        drop_p = min(0.45 * dy, max(0.3 * dy, drops[i] + 0.08))
        drop_q = min(0.45 * dy, max(0.3 * dy, drops[i + 1] + 0.08))
        off_p = max(-caps[i], min(caps[i], 0.25 * dx))
        off_q = max(-caps[i + 1], min(caps[i + 1], 0.25 * dx))
        inner.append((px + off_p, py + drop_p))
        inner.append((qx - off_q, qy - drop_q))
    return inner
