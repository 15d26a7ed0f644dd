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
    if len(points) < 3:
        a, b = route_ends(points[0], [], points[-1], radius)
        return [(a, b, 0)]
    ends = route_ends(points[0], points[1:-1], points[-1], radius)
    out = []
    start = ends[0]
    for i, (control, end) in enumerate(smooth_segments(ends)):
        if control is None:
            out.append((start, end, min(i, len(points) - 2)))
        else:
            prev = start
            for k in range(1, PER_PIECE + 1):
                t = k / PER_PIECE
                u = 1 - t
                q = (
                    u * u * start[0] + 2 * u * t * control[0] + t * t * end[0],
                    u * u * start[1] + 2 * u * t * control[1] + t * t * end[1],
                )
                out.append((prev, q, i - 1 if t < 0.5 else i))
                prev = q
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
        inner = list(routes.get((u, v), ()))
        for _ in range(MAX_DETOURS):
            points = [pos[u], *inner, pos[v]]
            hit = _first_blocker(points, {u, v}, grid, clear, radius)
            if hit is None:
                break
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
        if inner:
            out[(u, v)] = inner
    return out


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


def smooth_segments(points: Sequence[Pos]) -> list[tuple[Pos | None, Pos]]:
    """The pieces ``(control, end)`` of the smooth curve along ``points``: a straight line
    (control ``None``) to the middle of the first leg, a quadratic Bézier round each inner
    point to the middle of the next leg, a straight line to the end.

    The curve stays inside the polyline's corners (it never swings outwards past a route
    point, as an interpolating spline would), and its ends point along the first and last
    legs, so an arrowhead follows the last leg.

    >>> smooth_segments([(0, 0), (4, 4), (8, 0)])
    [(None, (2.0, 2.0)), ((4, 4), (6.0, 2.0)), (None, (8, 0))]
    """
    if len(points) < 3:
        return [(None, points[-1])]

    def mid(p: Pos, q: Pos) -> Pos:
        return ((p[0] + q[0]) / 2, (p[1] + q[1]) / 2)

    out: list[tuple[Pos | None, Pos]] = [(None, mid(points[0], points[1]))]
    for i in range(1, len(points) - 1):
        out.append((points[i], mid(points[i], points[i + 1])))
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
