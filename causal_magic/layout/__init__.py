"""Where each node is drawn: a layered (causal-order) layout, a force layout, and the
rules that combine them with positions the user already chose.

Positions are computed here, in Python, once, so that the live widget and the static
SVG in the notebook file (causal_magic/svg.py) show the same picture: node positions and
the route points of edges that would otherwise pass under a node are shipped to the
widget.  Units are DAGitty's (``G.nodes[n]["pos"]``, y grows downwards); the widget
converts to pixels with one ``scale`` per graph (:func:`choose_scale`).

Rooms: :mod:`.layered` (the Sugiyama layout), :mod:`.labels` (names' widths and
wrapping, without a browser), :mod:`.routes` (detours around nodes).  Whatever the text
says, every position that leaves here is finite and small enough for JSON and a viewBox:
a stored ``pos`` beyond :data:`POS_LIMIT` is ignored and said (:func:`position_notes`), and
the scale is bounded.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx

from ..graph import bidirected_pairs, visible_nodes
from ..style import NODE_RADIUS
from .labels import label_box, text_width, wrap_label
from .layered import Layered, layered
from .routes import clear_routes, passes_under

__all__ = [
    "DEFAULT_SCALE",
    "LAYOUTS",
    "TARGET_SPACING",
    "Plan",
    "choose_scale",
    "clear_routes",
    "force_layout",
    "layered_layout",
    "passes_under",
    "plan",
    "position_notes",
    "positions",
    "read_pos",
    "text_width",
    "wrap_label",
]

Pos = tuple[float, float]

#: Horizontal distance between neighbours in a force layout, vertical distance between
#: layers (at least), in DAGitty units.
NODE_GAP = 1.3
LAYER_GAP = 1.0
#: Clear space in px between two nodes' boxes in a row, and beside a long edge's lane.
BOX_SPACE = 48.0
LANE_SPACE = 22.0
#: Above this many nodes the spaces between boxes and lanes shrink (a big graph fits its
#: view with nodes big enough to see; zooming in shows the names).
COMPACT_FROM = 150
#: Pixels per DAGitty unit when the graph has no stored positions.
DEFAULT_SCALE = 100.0
#: Typical distance between neighbouring nodes on screen, in pixels.
TARGET_SPACING = 110.0
#: A stored coordinate beyond this (in DAGitty units) is ignored; the scale stays within
#: these bounds, so pixels stay finite (issue 11: 1e308 made the scale 0).
POS_LIMIT = 1e6
SCALE_BOUNDS = (1e-4, 1e4)
LAYOUTS = ("layered", "force")


def read_pos(value: object) -> Pos | None:
    """A stored ``pos`` as two finite floats, or ``None`` when absent or unusable.

    Accepts a pair of numbers or DAGitty's ``"x,y"`` string, since both occur in the wild.
    A coordinate that is not finite or beyond ``POS_LIMIT`` makes the position unusable.

    >>> read_pos("1,2"), read_pos("1e308,0")
    ((1.0, 2.0), None)
    """
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        return None
    try:
        x, y = float(value[0]), float(value[1])
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(x) and math.isfinite(y)) or max(abs(x), abs(y)) > POS_LIMIT:
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


def position_notes(G: nx.DiGraph) -> list[str]:
    """What the drawing says about stored positions it could not use (empty: none)."""
    bad = [
        n
        for n in visible_nodes(G)
        if G.nodes[n].get("pos") is not None and read_pos(G.nodes[n].get("pos")) is None
    ]
    if not bad:
        return []
    names = ", ".join(str(n)[:40] for n in bad[:5]) + (
        f" and {len(bad) - 5} more" if len(bad) > 5 else ""
    )
    return [
        f"pos ignored for {names}: a position must be two finite numbers within "
        f"\u00b1{POS_LIMIT:g}; these nodes were placed by the layout"
    ]


def label_boxes(G: nx.DiGraph, nodes: list[Hashable]) -> dict[Hashable, tuple[float, float]]:
    """Width and height in px of each node's box: its circle or its (wrapped) name."""
    out = {}
    for n in nodes:
        w, h = label_box(wrap_label(display_name(G, n))[0])
        out[n] = (max(w, 2 * NODE_RADIUS), max(h, 2 * NODE_RADIUS))
    return out


def display_name(G: nx.DiGraph, n: Hashable) -> str:
    """The name drawn for node ``n``: its ``label`` attribute, else its id."""
    label = G.nodes[n].get("label")
    return str(label) if label not in (None, "") else (n if isinstance(n, str) else str(n))


def layered_plan(G: nx.DiGraph) -> Layered:
    """The layered layout in DAGitty units, with the route points of long edges."""
    nodes = visible_nodes(G)
    boxes = {
        n: (w / DEFAULT_SCALE, h / DEFAULT_SCALE) for n, (w, h) in label_boxes(G, nodes).items()
    }
    # A big graph is seen whole only from afar (zoom shows the names): pack it tighter.
    tight = 0.4 if len(nodes) > COMPACT_FROM else 1.0
    return layered(
        G,
        nodes,
        boxes,
        space=BOX_SPACE * tight / DEFAULT_SCALE,
        vspace=LANE_SPACE * max(tight, 0.5) / DEFAULT_SCALE,
        layer_gap=LAYER_GAP * (0.8 if tight < 1 else 1.0),
    )


def layered_layout(G: nx.DiGraph) -> dict[Hashable, Pos]:
    """Top-to-bottom layered layout of the visible nodes, in DAGitty units.

    Every directed edge between visible nodes points strictly downwards (parents on
    higher layers).  ``<->`` edges do not constrain layers.  Deterministic: the same graph
    (with the same insertion order) always gets the same picture.  Neighbours in a row
    stand far enough apart for their names (see :mod:`.labels`).

    >>> G = nx.DiGraph([("Talent", "Gear"), ("Gear", "Sound"), ("Talent", "Sound")])
    >>> pos = layered_layout(G)
    >>> pos["Talent"][1] < pos["Gear"][1] < pos["Sound"][1]
    True
    """
    return layered_plan(G).pos


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
    lo, hi = SCALE_BOUNDS
    return min(max(TARGET_SPACING / spacing, lo), hi)


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


@dataclass
class Plan:
    """Where a graph is drawn: node positions and the interior points of routed edges."""

    pos: dict[Hashable, Pos] = field(default_factory=dict)
    routes: dict[tuple[Hashable, Hashable], list[Pos]] = field(default_factory=dict)


def _nudge(x: float, y: float, out: Mapping[Hashable, Pos], typical: float) -> tuple[float, float]:
    """Move (x, y) right until it is off every placed node."""
    for _ in range(len(out) + 1):
        if all(math.hypot(x - a, y - b) >= 0.5 * typical for a, b in out.values()):
            break
        x += typical
    return x, y


def plan(
    G: nx.DiGraph,
    *,
    layout: str = "layered",
    previous: Mapping[Hashable, Pos] | None = None,
) -> Plan:
    """Position of every visible node, in DAGitty units, and the layout's edge routes.

    Priority: the node's stored ``pos``; else ``previous`` (where a view already showed
    it, so adding a node does not move the others); else the chosen layout, scaled and
    shifted onto the nodes already placed so that a new node lands near its neighbours.
    Routes come from the layered layout's virtual nodes, for edges whose two ends it placed.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, got {layout!r}")
    placed: dict[Hashable, Pos] = {}
    for n in visible_nodes(G):
        p = read_pos(G.nodes[n].get("pos"))
        if p is None and previous is not None and n in previous:
            p = read_pos(previous[n])
        if p is not None:
            placed[n] = p
    missing = [n for n in visible_nodes(G) if n not in placed]
    if not missing:
        return Plan(placed)
    if layout == "force":
        computed = force_layout(G, fixed=placed)
        return Plan({n: placed.get(n, computed[n]) for n in visible_nodes(G)})
    lay = layered_plan(G)
    if not placed:
        return Plan(lay.pos, lay.routes)
    s, tx, ty = _fit(lay.pos, placed)
    out = dict(placed)
    typical = _median_spacing(list(placed.values())) or s * NODE_GAP
    for n in missing:
        x, y = lay.pos[n][0] * s + tx, lay.pos[n][1] * s + ty
        if len(missing) <= 50:  # nudge off any node it would cover
            x, y = _nudge(x, y, out, typical)
        out[n] = (round(x, 4), round(y, 4))
    kept = set(missing)
    routes = {
        (u, v): [(px * s + tx, py * s + ty) for px, py in pts]
        for (u, v), pts in lay.routes.items()
        if u in kept and v in kept
    }
    return Plan({n: out[n] for n in visible_nodes(G)}, routes)


def positions(
    G: nx.DiGraph,
    *,
    layout: str = "layered",
    previous: Mapping[Hashable, Pos] | None = None,
) -> dict[Hashable, Pos]:
    """Position of every visible node, in DAGitty units (:func:`plan` without routes)."""
    return plan(G, layout=layout, previous=previous).pos


def drawn_edges(G: nx.DiGraph) -> list[tuple[Hashable, Hashable]]:
    """The directed edges drawn between visible nodes (a ``<->``'s hidden node left out)."""
    visible = set(visible_nodes(G))
    return [(u, v) for u, v in G.edges if u in visible and v in visible and u != v]


#: Above this many edges no edge is checked for passing under a node (about 0.5 ms an
#: edge): a drawing that size is an overview, and it must appear in about a second.
MAX_CHECKED_EDGES = 5000

Earlier = tuple[
    Mapping[Hashable, Pos], Mapping[tuple[Hashable, Hashable], list[Pos]], "set | frozenset"
]


def in_pixels(
    G: nx.DiGraph,
    layout_plan: Plan,
    scale: float,
    radius: float = NODE_RADIUS,
    earlier: Earlier | None = None,
    edges: list[tuple[Hashable, Hashable]] | None = None,
) -> tuple[dict[Hashable, Pos], dict[tuple[Hashable, Hashable], list[Pos]]]:
    """The plan in pixels, with every edge routed clear of the nodes it does not touch.

    ``edges``: :func:`drawn_edges` of ``G``, when the caller has them already.

    ``earlier`` is what a view drew before: node px, routes, and the edges it drew.  An
    edge it drew whose two ends have not moved keeps its route, so dragging one node does
    not reshape unrelated edges; and such an edge is checked again only if a moved node now
    lies near it -- a drag on a 20,000-edge graph re-routes a handful of edges, not all.
    """
    pos = {n: (x * scale, y * scale) for n, (x, y) in layout_plan.pos.items()}
    given = {k: [(x * scale, y * scale) for x, y in pts] for k, pts in layout_plan.routes.items()}
    edges = drawn_edges(G) if edges is None else edges
    if len(edges) > MAX_CHECKED_EDGES:  # past reading anyway: the layout's lanes only
        return pos, _lanes_kept(pos, edges, given, earlier)
    if earlier is None:
        return pos, clear_routes(pos, edges, given, radius)
    old_pos, old_routes, old_edges = earlier

    def still(n: Hashable) -> bool:
        return n in pos and n in old_pos and math.dist(pos[n], old_pos[n]) < 0.5

    moved = [pos[n] for n in pos if not still(n)]
    recheck, kept = [], {}
    for u, v in edges:
        pts = old_routes.get((u, v), [])
        if (u, v) in given or (u, v) not in old_edges or not (still(u) and still(v)):
            recheck.append((u, v))
        elif moved and _near(moved, [pos[u], *pts, pos[v]], 2.5 * radius):
            given[(u, v)] = list(pts)
            recheck.append((u, v))
        elif pts:
            kept[(u, v)] = pts  # the very list: the widget rebuilds only changed routes
    routes = clear_routes(pos, recheck, given, radius)
    routes.update(kept)
    return pos, routes


def _lanes_kept(
    pos: Mapping[Hashable, Pos],
    edges: list[tuple[Hashable, Hashable]],
    given: dict[tuple[Hashable, Hashable], list[Pos]],
    earlier: Earlier | None,
) -> dict[tuple[Hashable, Hashable], list[Pos]]:
    """Routes of a graph past :data:`MAX_CHECKED_EDGES`: the layout's lanes, unchecked.

    An edge the layout did not place now keeps the route a view drew (the very list) while
    neither end moved; an edge at a moved node is drawn straight."""
    if earlier is None:
        return {e: given[e] for e in edges if e in given}
    old_pos, old_routes, old_edges = earlier
    still = {n for n, p in pos.items() if n in old_pos and math.dist(p, old_pos[n]) < 0.5}
    routes = {}
    for e in edges:
        if e in given:
            routes[e] = given[e]
        elif e in old_routes and e[0] in still and e[1] in still and e in old_edges:
            routes[e] = old_routes[e]
    return routes


def _near(points: Sequence[Pos], line: Sequence[Pos], margin: float) -> bool:
    """Whether any of ``points`` lies in the box of the polyline ``line`` grown by ``margin``."""
    xs, ys = [p[0] for p in line], [p[1] for p in line]
    x0, x1, y0, y1 = min(xs) - margin, max(xs) + margin, min(ys) - margin, max(ys) + margin
    return any(x0 <= x <= x1 and y0 <= y <= y1 for x, y in points)


def carry_positions(old: nx.DiGraph, new: nx.DiGraph, shown: Sequence[Mapping] = ()) -> int:
    """Copy ``pos`` to the nodes of ``new`` that have none from the same node in ``old``.

    ``%%dag G`` re-run: a node the text does not place keeps where it was (its ``pos`` in
    the old graph, else where a view of the old graph showed it: ``shown`` maps node to
    DAGitty units).  Returns how many positions were carried.
    """
    carried = 0
    for n in visible_nodes(new):
        if n not in old or read_pos(new.nodes[n].get("pos")) is not None:
            continue
        p = read_pos(old.nodes[n].get("pos"))
        for view in shown:
            if p is None and n in view:
                p = read_pos(view[n])
        if p is not None:
            new.nodes[n]["pos"] = (round(p[0], 3), round(p[1], 3))
            carried += 1
    return carried
