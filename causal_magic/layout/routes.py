"""Edges that do not pass under nodes: route points around the nodes an edge would cross.

Why a second router beside the layered layout's virtual nodes: positions also come from
the user (``pos=`` in the text, a drag), and an edge drawn straight between two placed
nodes may run under a third -- in the demo's Sim graph, Age -> Y ran under X and read as a
second Age -> X edge.  So after positions are final (in pixels), every edge's polyline is
checked against every node circle it does not touch (a grid keeps this near linear), and
each crossing gets a detour point beside the node, on the side the edge already passes.
The drawings then run a smooth curve through the points (``svg.route_path`` and
``js/geometry.js``'s ``routePath``, which pass the same cases).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable, Mapping, Sequence

from ..style import ROUTE_CORNER

Pos = tuple[float, float]
#: Most detour points added to one edge.
MAX_DETOURS = 6
#: Samples per curve piece when checking what the drawn curve passes.
PER_PIECE = 6


class _NodeGrid:
    """Node centres bucketed into square cells, for "which nodes are near this segment"."""

    def __init__(self, pos: Mapping[Hashable, Pos], cell: float) -> None:
        self.cell = cell
        self.cells: dict[tuple[int, int], list[Hashable]] = {}
        self.pos = pos
        for n, (x, y) in pos.items():
            self.cells.setdefault((int(x // cell), int(y // cell)), []).append(n)

    def near(self, a: Pos, b: Pos) -> set[Hashable]:
        """Nodes within one cell of the segment a-b."""
        c = self.cell
        out: set[Hashable] = set()
        if abs(b[0] - a[0]) < c and abs(b[1] - a[1]) < c:  # short: the cells round its box
            x0, x1 = int(min(a[0], b[0]) // c) - 1, int(max(a[0], b[0]) // c) + 1
            y0, y1 = int(min(a[1], b[1]) // c) - 1, int(max(a[1], b[1]) // c) + 1
            for cx in range(x0, x1 + 1):
                for cy in range(y0, y1 + 1):
                    out.update(self.cells.get((cx, cy), ()))
            return out
        steps = max(1, int(math.hypot(b[0] - a[0], b[1] - a[1]) / (c / 2)))
        if steps > 2 * len(self.pos) + 64:  # a very long segment: every node is cheaper
            return set(self.pos)
        seen: set[tuple[int, int]] = set()
        for i in range(steps + 1):
            t = i / steps
            cx = int((a[0] + (b[0] - a[0]) * t) // c)
            cy = int((a[1] + (b[1] - a[1]) * t) // c)
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    key = (cx + dx, cy + dy)
                    if key not in seen:
                        seen.add(key)
                        out.update(self.cells.get(key, ()))
        return out


def segment_distance(p: Pos, a: Pos, b: Pos) -> tuple[float, float]:
    """Distance from p to the segment a-b, and the signed side (>0: left of a->b)."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length2 = dx * dx + dy * dy
    t = (
        0.0
        if length2 == 0
        else max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2))
    )
    qx, qy = a[0] + t * dx, a[1] + t * dy
    side = dx * (p[1] - a[1]) - dy * (p[0] - a[0])
    return math.hypot(p[0] - qx, p[1] - qy), side


def _pieces_of(points: list[Pos], radius: float) -> list[tuple[Pos, Pos, int]]:
    """The drawn curve as short segments, each with the leg (i: points i to i+1) it is on."""
    ends = route_ends(points[0], points[1:-1], points[-1], radius)
    out = []
    start = ends[0]
    leg = 0
    for control, end in smooth_segments(ends):
        if control is None:
            out.append((start, end, leg))
        else:
            prev = start
            for k in range(1, PER_PIECE + 1):
                t = k / PER_PIECE
                u = 1 - t
                q = (
                    u * u * start[0] + 2 * u * t * control[0] + t * t * end[0],
                    u * u * start[1] + 2 * u * t * control[1] + t * t * end[1],
                )
                out.append((prev, q, leg if t < 0.5 else leg + 1))
                prev = q
            leg += 1
        start = end
    return out


def _first_blocker(
    points: list[Pos], ends: set[Hashable], grid: _NodeGrid, clear: float, radius: float
) -> tuple[int, Hashable, float] | None:
    """(leg index, node, side) of the first node the drawn curve along ``points`` passes
    under, or None.  Leg i runs from points i to i+1."""
    for a, b, leg in _pieces_of(points, radius):
        pa, pb = points[leg], points[leg + 1]
        best = None
        for n in grid.near(a, b):
            if n in ends:
                continue
            d, _ = segment_distance(grid.pos[n], a, b)
            if d < clear and (best is None or d < best[0]):
                best = (d, n, segment_distance(grid.pos[n], pa, pb)[1])
        if best is not None:
            return leg, best[1], best[2]
    return None


def clear_routes(
    pos: Mapping[Hashable, Pos],
    edges: Sequence[tuple[Hashable, Hashable]],
    routes: Mapping[tuple[Hashable, Hashable], list[Pos]],
    radius: float,
) -> dict[tuple[Hashable, Hashable], list[Pos]]:
    """Interior route points of every edge that needs them, none passing under a node.

    ``routes`` are the points already known (the layered layout's virtual nodes); an edge
    whose polyline comes within ``radius`` (plus a margin) of a node it does not touch gets
    a detour point beside that node.
    """
    clear = radius * 1.15
    grid = _NodeGrid(pos, cell=max(4 * radius, 1.0))
    out: dict[tuple[Hashable, Hashable], list[Pos]] = {}
    for u, v in edges:
        if u not in pos or v not in pos or u == v:
            continue
        known = list(routes.get((u, v), ()))
        inner = _detoured(pos, u, v, known, grid, clear, radius)
        if inner:
            out[(u, v)] = inner
    return out


def _detoured(pos, u, v, known: list[Pos], grid: _NodeGrid, clear: float, radius: float):
    """``known`` with detour points added until the edge u -> v clears every other node.

    A node lying on an end (dragged onto it) cannot be gone round: it does not count.
    When no clear route is found in MAX_DETOURS steps, ``known`` is kept as it was, so a
    route fed back in (an unmoved edge keeps its route) never grows from redraw to redraw.
    """
    ends = {u, v}
    for end in (pos[u], pos[v]):
        ends |= {n for n in grid.near(end, end) if math.dist(pos[n], end) < 2 * radius}
    inner = list(known)
    for _ in range(MAX_DETOURS):
        points = [pos[u], *inner, pos[v]]
        hit = _first_blocker(points, ends, grid, clear, radius)
        if hit is None:
            return inner
        i, n, side = hit
        a, b = points[i], points[i + 1]
        dx, dy = b[0] - a[0], b[1] - a[1]
        length = math.hypot(dx, dy) or 1.0
        # the normal pointing from the node towards the side the edge passes on
        sign = -1.0 if side >= 0 else 1.0
        nx_, ny_ = -dy / length * sign, dx / length * sign
        cx, cy = pos[n]
        detour = (round(cx + nx_ * radius * 2.2, 2), round(cy + ny_ * radius * 2.2, 2))
        if detour in inner:
            break
        inner.insert(i, detour)
    return known


def passes_under(
    pos: Mapping[Hashable, Pos],
    edge: tuple[Hashable, Hashable],
    inner: Sequence[Pos],
    radius: float,
) -> list[Hashable]:
    """The nodes (other than its ends) whose circle the edge's drawn curve enters."""
    u, v = edge
    curve = sample_curve(route_ends(pos[u], inner, pos[v], radius))
    grid = _NodeGrid(pos, cell=max(4 * radius, 1.0))
    out = set()
    for a, b in itertools.pairwise(curve):
        for n in grid.near(a, b):
            if n not in (u, v) and segment_distance(pos[n], a, b)[0] < radius:
                out.add(n)
    return sorted(out, key=str)


def route_ends(a: Pos, inner: Sequence[Pos], b: Pos, r: float) -> list[Pos]:
    """The points a routed edge's curve passes: on a's circle, the inner points, on b's."""

    def towards(c: Pos, p: Pos) -> Pos:
        dx, dy = p[0] - c[0], p[1] - c[1]
        d = math.hypot(dx, dy) or 1.0
        return (c[0] + dx / d * r, c[1] + dy / d * r)

    first = inner[0] if inner else b
    last = inner[-1] if inner else a
    return [towards(a, first), *inner, towards(b, last)]


def smooth_segments(
    points: Sequence[Pos], corner: float = ROUTE_CORNER
) -> list[tuple[Pos | None, Pos]]:
    """The pieces ``(control, end)`` of the drawn curve along ``points``: straight legs
    (control ``None``) whose corners are rounded by a quadratic Bézier that starts and ends
    at most ``corner`` px (and half a leg) from the corner.

    The curve keeps close to the polyline (an interpolating spline would swing outwards
    past a route point, a midpoint spline would cut corners by half a leg), so the room
    the layout keeps round each lane is room the curve keeps too.

    >>> smooth_segments([(0, 0), (0, 100), (100, 100)], corner=10)
    [(None, (0.0, 90.0)), ((0, 100), (10.0, 100.0)), (None, (100, 100))]
    """
    out: list[tuple[Pos | None, Pos]] = []
    for i in range(1, len(points) - 1):
        (ax, ay), (px, py), (bx, by) = points[i - 1], points[i], points[i + 1]
        din, dout = math.hypot(px - ax, py - ay), math.hypot(bx - px, by - py)
        ra, rb = min(corner, din / 2), min(corner, dout / 2)
        s = (px - (px - ax) / din * ra, py - (py - ay) / din * ra) if din else (px, py)
        e = (px + (bx - px) / dout * rb, py + (by - py) / dout * rb) if dout else (px, py)
        out.append((None, s))
        out.append((points[i], e))
    out.append((None, points[-1]))
    return out


def sample_curve(points: Sequence[Pos], per_piece: int = 6) -> list[Pos]:
    """Points along the smooth curve through ``points`` (for measuring what is drawn);
    ``per_piece`` samples on each inner point's bend."""
    if len(points) < 3:
        return list(points)
    out = [points[0]]
    start = points[0]
    for control, end in smooth_segments(points):
        if control is None:
            out.append(end)
        else:
            for k in range(1, per_piece + 1):
                t = k / per_piece
                u = 1 - t
                out.append(
                    (
                        u * u * start[0] + 2 * u * t * control[0] + t * t * end[0],
                        u * u * start[1] + 2 * u * t * control[1] + t * t * end[1],
                    )
                )
        start = end
    return out
