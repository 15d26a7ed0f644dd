"""Where each node is drawn: a layered (causal-order) layout, a force layout, and the
rules that combine them with positions the user already chose.

Positions are computed here, in Python, once, so that the live widget and the static
SVG in the notebook file (causal_magic/svg.py) show the same picture.  Units are
DAGitty's (``G.nodes[n]["pos"]``, y grows downwards); the widget converts to pixels with
one ``scale`` per graph (:func:`choose_scale`).

The layered layout is a small Sugiyama scheme: longest-path layers (parents above their
children, so every edge points down), dummy nodes on long edges, barycentre sweeps to
reduce crossings, then x coordinates pulled towards neighbours under a minimum gap
(an isotonic regression, exact and O(k) per layer).  All steps are linear or close to it
per sweep, so 500 nodes take a few tens of milliseconds.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping

import networkx as nx

from .graph import bidirected_pairs, visible_nodes

Pos = tuple[float, float]

#: Horizontal distance between neighbours in a layer and vertical distance between
#: layers, in DAGitty units.
NODE_GAP = 1.3
LAYER_GAP = 1.0
#: Pixels per DAGitty unit when the graph has no stored positions.
DEFAULT_SCALE = 100.0
#: Typical distance between neighbouring nodes on screen, in pixels.
TARGET_SPACING = 110.0
#: Above this many dummy nodes, long edges are not split (keeps huge graphs fast).
MAX_DUMMIES = 20000
SWEEPS = 6
LAYOUTS = ("layered", "force")


def read_pos(value: object) -> Pos | None:
    """A stored ``pos`` as two finite floats, or ``None`` when absent or unusable.

    Accepts a pair of numbers or DAGitty's ``"x,y"`` string, since both occur in the wild.
    """
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        return None
    try:
        x, y = float(value[0]), float(value[1])
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(x) and math.isfinite(y)):
        return None
    return (x, y)


def stored_positions(G: nx.DiGraph) -> dict[Hashable, Pos]:
    """The usable stored ``pos`` of the visible nodes."""
    out = {}
    for n in visible_nodes(G):
        p = read_pos(G.nodes[n].get("pos"))
        if p is not None:
            out[n] = p
    return out


def _layers(G: nx.DiGraph, nodes: list[Hashable]) -> dict[Hashable, int]:
    """Longest-path layer of each node; a cycle (possible after a Python edit) shares a layer."""
    H = G.subgraph(nodes)
    cond = nx.condensation(H)
    comp_layer: dict[int, int] = {}
    for c in nx.topological_sort(cond):
        comp_layer[c] = max((comp_layer[p] + 1 for p in cond.predecessors(c)), default=0)
    mapping = cond.graph["mapping"]
    return {n: comp_layer[mapping[n]] for n in nodes}


def _isotonic_with_gap(desired: list[float], gap: float) -> list[float]:
    """Closest positions (least squares) to ``desired`` keeping order and ``gap`` apart."""
    shifted = [d - i * gap for i, d in enumerate(desired)]
    blocks: list[list[float]] = []  # [sum, count]
    for v in shifted:
        blocks.append([v, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            s, c = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += c
    out: list[float] = []
    for s, c in blocks:
        out.extend([s / c] * int(c))
    return [v + i * gap for i, v in enumerate(out)]


def layered_layout(G: nx.DiGraph) -> dict[Hashable, Pos]:
    """Top-to-bottom layered layout of the visible nodes, in DAGitty units.

    Every directed edge between visible nodes points strictly downwards (parents on
    higher layers).  ``<->`` edges do not constrain layers.  Deterministic: the same graph
    (with the same insertion order) always gets the same picture.

    >>> G = nx.DiGraph([("Talent", "Gear"), ("Gear", "Sound"), ("Talent", "Sound")])
    >>> pos = layered_layout(G)
    >>> pos["Talent"][1] < pos["Gear"][1] < pos["Sound"][1]
    True
    """
    nodes = visible_nodes(G)
    if not nodes:
        return {}
    layer = _layers(G, nodes)
    visible = set(nodes)
    # Build the layered graph with dummy nodes on edges spanning several layers.
    up: dict[Hashable, list[Hashable]] = {n: [] for n in nodes}
    down: dict[Hashable, list[Hashable]] = {n: [] for n in nodes}
    n_layers = max(layer.values()) + 1
    rows: list[list[Hashable]] = [[] for _ in range(n_layers)]
    for n in nodes:
        rows[layer[n]].append(n)
    edges = [(u, v) for u, v in G.edges if u in visible and v in visible and u != v]
    span_total = sum(max(0, layer[v] - layer[u] - 1) for u, v in edges)
    split = span_total <= MAX_DUMMIES
    for u, v in edges:
        lu, lv = layer[u], layer[v]
        if lu >= lv:  # only inside a cycle
            continue
        prev = u
        if split:
            for k in range(lu + 1, lv):
                d = ("__dummy__", u, v, k)
                rows[k].append(d)
                up[d], down[d] = [], []
                down[prev].append(d)
                up[d].append(prev)
                prev = d
        down[prev].append(v)
        up[v].append(prev)

    # Crossing reduction: barycentre sweeps down and up.
    index = {n: i for row in rows for i, n in enumerate(row)}
    for sweep in range(SWEEPS):
        order = range(1, n_layers) if sweep % 2 == 0 else range(n_layers - 2, -1, -1)
        nbrs = up if sweep % 2 == 0 else down
        for k in order:
            row = rows[k]

            bary = {
                n: (sum(index[m] for m in nbrs[n]) / len(nbrs[n]) if nbrs[n] else index[n])
                for n in row
            }
            row.sort(key=lambda n: (bary[n], index[n]))
            for i, n in enumerate(row):
                index[n] = i

    # Coordinates: start centred, then pull towards the mean of neighbours with a min gap.
    x: dict[Hashable, float] = {}
    for row in rows:
        offset = (len(row) - 1) / 2
        for i, n in enumerate(row):
            x[n] = (i - offset) * NODE_GAP
    for sweep in range(SWEEPS * 2):
        order = range(n_layers) if sweep % 2 == 0 else range(n_layers - 1, -1, -1)
        for k in order:
            row = rows[k]
            desired = []
            for n in row:
                ns = up[n] + down[n]
                desired.append(sum(x[m] for m in ns) / len(ns) if ns else x[n])
            for n, v in zip(row, _isotonic_with_gap(desired, NODE_GAP), strict=True):
                x[n] = v
    real_x = [x[n] for n in nodes]
    mid = (min(real_x) + max(real_x)) / 2
    return {n: (round(x[n] - mid, 4), float(layer[n] * LAYER_GAP)) for n in nodes}


def force_layout(G: nx.DiGraph, fixed: Mapping[Hashable, Pos] | None = None) -> dict[Hashable, Pos]:
    """Force-directed layout (``networkx.spring_layout``, seeded, so reproducible).

    ``<->`` pairs attract like edges.  Nodes in ``fixed`` keep their positions.
    """
    nodes = visible_nodes(G)
    if not nodes:
        return {}
    U = nx.Graph()
    U.add_nodes_from(nodes)
    visible = set(nodes)
    U.add_edges_from((u, v) for u, v in G.edges if u in visible and v in visible)
    U.add_edges_from((a, b) for _h, a, b in bidirected_pairs(G))
    fixed = {n: p for n, p in (fixed or {}).items() if n in visible}
    size = NODE_GAP * max(1.0, math.sqrt(len(nodes)))
    if fixed:
        pos = nx.spring_layout(U, pos=dict(fixed), fixed=list(fixed), seed=1, k=NODE_GAP)
    else:
        pos = nx.spring_layout(U, seed=1, scale=size)
    return {n: (round(float(p[0]), 4), round(float(p[1]), 4)) for n, p in pos.items()}


def _median_spacing(points: list[Pos], sample: int = 200) -> float | None:
    """Median nearest-neighbour distance (on at most ``sample`` points), or None."""
    pts = points[:sample]
    if len(pts) < 2:
        return None
    dists = []
    for i, (x, y) in enumerate(pts):
        best = min(
            (math.hypot(x - a, y - b) for j, (a, b) in enumerate(pts) if j != i),
            default=0.0,
        )
        if best > 0:
            dists.append(best)
    if not dists:
        return None
    dists.sort()
    return dists[len(dists) // 2]


def choose_scale(G: nx.DiGraph) -> float:
    """Pixels per DAGitty unit: stored positions end up about TARGET_SPACING px apart."""
    spacing = _median_spacing(list(stored_positions(G).values()))
    if spacing is None:
        return DEFAULT_SCALE
    return TARGET_SPACING / spacing


def _fit(
    layout: Mapping[Hashable, Pos], placed: Mapping[Hashable, Pos]
) -> tuple[float, float, float]:
    """Uniform scale and shift taking layout coordinates onto the placed nodes (least squares)."""
    common = [n for n in placed if n in layout]
    if not common:
        return 1.0, 0.0, 0.0
    lx = sum(layout[n][0] for n in common) / len(common)
    ly = sum(layout[n][1] for n in common) / len(common)
    px = sum(placed[n][0] for n in common) / len(common)
    py = sum(placed[n][1] for n in common) / len(common)
    num = den = 0.0
    for n in common:
        ax, ay = layout[n][0] - lx, layout[n][1] - ly
        bx, by = placed[n][0] - px, placed[n][1] - py
        num += ax * bx + ay * by
        den += ax * ax + ay * ay
    typical = _median_spacing([placed[n] for n in common])
    fallback = (typical / NODE_GAP) if typical else 1.0
    s = num / den if den > 0 else fallback
    if s < 0.3 * fallback:
        s = fallback
    return s, px - s * lx, py - s * ly


def positions(
    G: nx.DiGraph,
    *,
    layout: str = "layered",
    previous: Mapping[Hashable, Pos] | None = None,
) -> dict[Hashable, Pos]:
    """Position of every visible node, in DAGitty units.

    Priority: the node's stored ``pos``; else ``previous`` (where a view already showed
    it, so adding a node does not move the others); else the chosen layout, scaled and
    shifted onto the nodes already placed so that a new node lands near its neighbours.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, got {layout!r}")
    placed: dict[Hashable, Pos] = {}
    for n in visible_nodes(G):
        p = read_pos(G.nodes[n].get("pos"))
        if p is None and previous is not None and n in previous:
            p = previous[n]
        if p is not None:
            placed[n] = p
    missing = [n for n in visible_nodes(G) if n not in placed]
    if not missing:
        return placed
    if layout == "force":
        computed = force_layout(G, fixed=placed)
        return {n: placed.get(n, computed[n]) for n in visible_nodes(G)}
    computed = layered_layout(G)
    if not placed:
        return computed
    s, tx, ty = _fit(computed, placed)
    out = dict(placed)
    typical = _median_spacing(list(placed.values())) or s * NODE_GAP
    for n in missing:
        x, y = computed[n][0] * s + tx, computed[n][1] * s + ty
        if len(missing) <= 50:  # nudge off any node it would cover
            for _ in range(len(out) + 1):
                if all(math.hypot(x - a, y - b) >= 0.5 * typical for a, b in out.values()):
                    break
                x += typical
        out[n] = (round(x, 4), round(y, 4))
    return {n: out[n] for n in visible_nodes(G)}
