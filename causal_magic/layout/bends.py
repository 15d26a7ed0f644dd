"""Bent edges: a user-set point that an edge curves through, kept as DAGitty keeps it.

Why a module of its own: a bend is not a route.  Routes are what the layout computes to
keep edges clear of nodes (:mod:`.routes`); a bend is what the user chose by dragging the
middle of an edge, so it overrides the route of that edge, survives redraws and goes into
the text.  DAGitty stores it as the edge's ``pos="x,y"``: the **control point of a
quadratic Bézier** from the source centre to the target centre (its GUI draws ``M a Q pos
b``; its TikZ export turns ``pos`` into the two cubic controls ``a/3 + 2 pos/3`` and
``b/3 + 2 pos/3``).  We keep exactly that in ``G.edges[u, v]["pos"]`` (DAGitty units), so
a bent graph pastes into dagitty.net and back with the same curve.

The user drags the curve's *middle* (its handle), which lies on the curve: the point at
t = 1/2, ``(a + 2 c + b) / 4``.  :func:`control_from_handle` turns the dropped handle into
the control point, so the drawn curve passes through the point the user let go of.  Both
drawings (``svg.bent_path`` and ``js/geometry.js``'s ``bentPath``) draw the part of that
one quadratic outside the two node circles, and pass the same cases
(``js/geometry-cases.json``).

When an end node moves, the bend follows it (:func:`carry`): the control point keeps its
place relative to the two ends (the similarity that takes the old ends to the new ones),
so a bent edge keeps its shape instead of pointing at where the nodes used to be.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Pos = tuple[float, float]

#: Bisection steps when finding where the curve leaves a node circle (2**-40 of t).
STEPS = 40


def handle_of(a: Sequence[float], c: Sequence[float], b: Sequence[float]) -> Pos:
    """The curve's middle (t = 1/2) for control point ``c``: where its handle is drawn.

    >>> handle_of((0, 0), (50, 100), (100, 0))
    (50.0, 50.0)
    """
    return ((a[0] + 2 * c[0] + b[0]) / 4, (a[1] + 2 * c[1] + b[1]) / 4)


def control_from_handle(a: Sequence[float], h: Sequence[float], b: Sequence[float]) -> Pos:
    """The control point whose curve from ``a`` to ``b`` passes through ``h`` at its middle.

    >>> control_from_handle((0, 0), (50, 50), (100, 0))
    (50.0, 100.0)
    """
    return (2 * h[0] - (a[0] + b[0]) / 2, 2 * h[1] - (a[1] + b[1]) / 2)


def point_at(a: Sequence[float], c: Sequence[float], b: Sequence[float], t: float) -> Pos:
    """The quadratic Bézier a-c-b at ``t``."""
    u = 1 - t
    return (
        u * u * a[0] + 2 * u * t * c[0] + t * t * b[0],
        u * u * a[1] + 2 * u * t * c[1] + t * t * b[1],
    )


def _leave(a: Sequence[float], c: Sequence[float], b: Sequence[float], r: float) -> float:
    """The t in [0, 1/2] where the curve leaves the circle of radius ``r`` round ``a``."""
    lo, hi = 0.0, 0.5
    p = point_at(a, c, b, hi)
    if math.hypot(p[0] - a[0], p[1] - a[1]) < r:
        return hi  # the ends overlap: nothing of the curve is outside the circle
    for _ in range(STEPS):
        mid = (lo + hi) / 2
        p = point_at(a, c, b, mid)
        if math.hypot(p[0] - a[0], p[1] - a[1]) < r:
            lo = mid
        else:
            hi = mid
    return hi


def clipped(
    a: Sequence[float], c: Sequence[float], b: Sequence[float], r: float
) -> tuple[Pos, Pos, Pos]:
    """Start, control and end of the part of the curve a-c-b outside both node circles.

    That part is itself a quadratic (its control is the blossom of the two cut points),
    so the drawn path is exactly the piece of the full curve, which passes the handle.
    """
    t0 = _leave(a, c, b, r)
    t1 = 1 - _leave(b, c, a, r)
    u0, u1 = 1 - t0, 1 - t1
    w0, w1, w2 = u0 * u1, u0 * t1 + t0 * u1, t0 * t1
    control = (w0 * a[0] + w1 * c[0] + w2 * b[0], w0 * a[1] + w1 * c[1] + w2 * b[1])
    return point_at(a, c, b, t0), control, point_at(a, c, b, t1)


def carry(
    c: Sequence[float],
    a: Sequence[float],
    b: Sequence[float],
    a2: Sequence[float],
    b2: Sequence[float],
) -> Pos:
    """Where control point ``c`` goes when the ends move from ``a``, ``b`` to ``a2``, ``b2``.

    The similarity (turn, scale, shift) that takes the old ends to the new keeps the
    bend's shape; when either pair of ends coincides, it is shifted by the ends' mean move.

    >>> carry((50, 50), (0, 0), (100, 0), (0, 0), (0, 100))
    (-50.0, 50.0)
    """
    dx, dy = b[0] - a[0], b[1] - a[1]
    ex, ey = b2[0] - a2[0], b2[1] - a2[1]
    d2 = dx * dx + dy * dy
    if d2 < 1e-12 or ex * ex + ey * ey < 1e-12:
        sx = ((a2[0] - a[0]) + (b2[0] - b[0])) / 2
        sy = ((a2[1] - a[1]) + (b2[1] - b[1])) / 2
        return (c[0] + sx, c[1] + sy)
    # the complex ratio (e / d): turn and scale
    re = (ex * dx + ey * dy) / d2
    im = (ey * dx - ex * dy) / d2
    px, py = c[0] - a[0], c[1] - a[1]
    return (a2[0] + re * px - im * py, a2[1] + im * px + re * py)
