"""A static SVG of a causal graph, with the same positions and colours as the widget.

Two jobs: (1) :func:`drawing_data` turns a graph plus positions into the plain lists the
widget syncs to the browser (``nodes``, ``edges``, ``bidirected``) -- one function, so the
live view and the static picture are built from the same data; (2) :func:`render_svg`
draws that data as a self-contained SVG string (no CSS classes needed, no script), which
goes into the widget's mimebundle so that a saved notebook shows the graph on GitHub, in
``nbconvert`` output and without a kernel, and into ``DagWidget.to_svg()`` / ``save()``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import networkx as nx

from . import style
from .graph import ROLE_COLORS, bidirected_pairs, visible_nodes
from .layout import read_pos
from .layout.bends import clipped, handle_of
from .layout.labels import label_box, wrap_label
from .layout.routes import route_ends, smooth_segments
from .style import (
    BIASING_COLOR,
    CAUSAL_COLOR,
    FIT_DASH,
    FIT_GLYPH,
    FONT_SIZE,
    LABEL_COLOR,
    NODE_RADIUS,
    TITLE_BAND,
)

#: The static picture's own frame and the colours the live view takes from the theme.
MARGIN = 24
EDGE_COLOR = "#888888"
RING_COLOR = "#333333"
#: A contradicted implication (``DagWidget.show_fit``): red, dash-dot, with a "≠" glyph.
FIT_COLOR = "#c0392b"
TEXT_COLOR = "#333333"
BACKGROUND = "#ffffff"


def role_color(role: str | None) -> str:
    """Fill colour of a node with ``role`` (the seed's palette; others default blue)."""
    return ROLE_COLORS.get(role, ROLE_COLORS[None])


def node_id(n: Hashable) -> str:
    """The string id a node has in the browser (node names are usually strings already)."""
    return n if isinstance(n, str) else str(n)


def _finite(v: float) -> float:
    """``v`` rounded to 0.01 px; never NaN or infinite (JSON and viewBoxes need finite)."""
    v = float(v)
    return round(v, 2) if math.isfinite(v) else 0.0


def drawing_data(
    G: nx.DiGraph,
    pos_px: Mapping[Hashable, tuple[float, float]],
    routes: Mapping[tuple[Hashable, Hashable], Sequence[tuple[float, float]]] | None = None,
    scale: float | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """The widget's drawing traits for ``G`` with node positions in pixels.

    Hidden ``<->`` nodes become entries of ``bidirected`` instead of nodes; their two
    edges are not listed as directed edges.  Each node carries the lines its name is
    drawn in (``lines``, wrapped at spaces, see :mod:`causal_magic.layout.labels`), whether
    the name was shortened (``short``: the full name then shows on hover) and the width of
    its name (``w``); an edge that ``routes`` (``causal_magic.layout.in_pixels``) sends
    round nodes carries its inner points (``route``), so both drawings bend it alike.
    With ``scale`` (px per DAGitty unit), an edge the user bent (its ``pos``, DAGitty's
    control point, see :mod:`causal_magic.layout.bends`) carries it in px as ``bend``
    instead of a route: the user's bend overrides the automatic route.
    """
    nodes = []
    routes = routes or {}
    for n in visible_nodes(G):
        d = G.nodes[n]
        role = d.get("role")
        x, y = pos_px[n]
        label = d.get("label")
        text = str(label) if label not in (None, "") else node_id(n)
        lines, short = wrap_label(text)
        nodes.append(
            {
                "id": node_id(n),
                "label": text,
                "lines": lines,
                "short": short,
                "w": round(label_box(lines)[0], 1),
                "role": role if isinstance(role, str) else None,
                "latent": role == "latent",
                "x": _finite(x),
                "y": _finite(y),
            }
        )
    hidden = set()
    bidirected = []
    for h, a, b in bidirected_pairs(G):
        hidden.add(h)
        label = G.edges[h, a].get("label")
        entry = {
            "id": node_id(h),
            "a": node_id(a),
            "b": node_id(b),
            "label": "" if label is None else str(label),
        }
        bend = _bend_px(G.edges[h, a].get("pos"), scale)  # a <-> b [pos=...]: both edges
        if bend is not None:
            entry["bend"] = bend
        bidirected.append(entry)
    edges = []
    for u, v, d in G.edges(data=True):
        if u in hidden or G.nodes[u].get("bidirected"):
            continue
        label = d.get("label")
        edge = {
            "source": node_id(u),
            "target": node_id(v),
            "label": "" if label is None else str(label),
        }
        bend = None if d.get("pos") is None else _bend_px(d["pos"], scale)
        if bend is not None:
            edge["bend"] = bend
        elif routes.get((u, v)):
            edge["route"] = [[_finite(x), _finite(y)] for x, y in routes[(u, v)]]
        edges.append(edge)
    return {"nodes": nodes, "edges": edges, "bidirected": bidirected}


def _bend_px(pos: Any, scale: float | None) -> list[float] | None:
    """An edge's stored bend (DAGitty units) in px, or None when absent or unusable."""
    c = read_pos(pos) if scale else None
    return None if c is None else [_finite(c[0] * scale), _finite(c[1] * scale)]


# -- geometry (the live view's js/geometry.js and js/fitmarks.js pass the same cases:
#    js/geometry-cases.json, checked by tests/test_style.py and js/geometry.test.js) ------


def edge_endpoints(
    x1: float, y1: float, x2: float, y2: float, r1: float, r2: float
) -> tuple[float, float, float, float]:
    """Start and end of a straight edge: on the source circle and on the target circle.

    The arrowhead's tip is the path's end, so it touches the target circle's edge.
    """
    dx, dy = x2 - x1, y2 - y1
    dist = math.hypot(dx, dy) or 1.0
    ux, uy = dx / dist, dy / dist
    return x1 + ux * r1, y1 + uy * r1, x2 - ux * r2, y2 - uy * r2


def route_path(
    a: Sequence[float], inner: Sequence[Sequence[float]], b: Sequence[float], r: float
) -> str:
    """Path of an edge from circle a to circle b along inner route points: straight to the
    middle of the first leg, a quadratic bend round each inner point, straight to the end
    (``layout.routes.smooth_segments``); with no inner point, the straight edge."""
    if not inner:
        sx, sy, ex, ey = edge_endpoints(a[0], a[1], b[0], b[1], r, r)
        return f"M{sx:.1f},{sy:.1f}L{ex:.1f},{ey:.1f}"
    pts = route_ends((a[0], a[1]), [(p[0], p[1]) for p in inner], (b[0], b[1]), r)
    out = [f"M{pts[0][0]:.1f},{pts[0][1]:.1f}"]
    for control, end in smooth_segments(pts):
        if control is None:
            out.append(f"L{end[0]:.1f},{end[1]:.1f}")
        else:
            out.append(f"Q{control[0]:.1f},{control[1]:.1f} {end[0]:.1f},{end[1]:.1f}")
    return "".join(out)


def bent_path(a: Sequence[float], c: Sequence[float], b: Sequence[float], r: float) -> str:
    """Path of a bent edge: the part outside both circles of the quadratic from centre
    ``a`` to centre ``b`` with control point ``c`` (DAGitty's edge ``pos``), so it passes
    the handle the user dragged (``layout.bends``)."""
    (sx, sy), (qx, qy), (ex, ey) = clipped(a, c, b, r)
    return f"M{sx:.1f},{sy:.1f}Q{qx:.1f},{qy:.1f} {ex:.1f},{ey:.1f}"


def bent_label_point(
    a: Sequence[float], c: Sequence[float], b: Sequence[float]
) -> tuple[float, float]:
    """Where a bent edge's label goes: its middle (the handle), a little above."""
    x, y = handle_of(a, c, b)
    return x, y - style.LABEL_RISE


def route_label_point(
    a: Sequence[float], inner: Sequence[Sequence[float]], b: Sequence[float]
) -> tuple[float, float]:
    """Where a (routed) edge's label goes: the middle point of its route, a little above."""
    pts = [a, *inner, b]
    k = len(pts)
    if k % 2:
        x, y = pts[k // 2][0], pts[k // 2][1]
    else:
        p, q = pts[k // 2 - 1], pts[k // 2]
        x, y = (p[0] + q[0]) / 2, (p[1] + q[1]) / 2
    return x, y - style.LABEL_RISE


def bidirected_path(x1: float, y1: float, x2: float, y2: float, r: float) -> str:
    """A curved path between two circles (for ``a <-> b``), bent to the right of a→b."""
    cx, cy = _arc_control(x1, y1, x2, y2)
    sx, sy, ex, ey = _curve_ends(x1, y1, x2, y2, cx, cy, r)
    return f"M{sx:.1f},{sy:.1f}Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}"


def _arc_control(x1: float, y1: float, x2: float, y2: float) -> tuple[float, float]:
    """The control point of a ``<->`` arc: ``style.BEND`` of its length to the right of a→b."""
    dx, dy = x2 - x1, y2 - y1
    dist = math.hypot(dx, dy) or 1.0
    bend = style.BEND * dist
    return (x1 + x2) / 2 - dy / dist * bend, (y1 + y2) / 2 + dx / dist * bend


def arc_label_point(x1: float, y1: float, x2: float, y2: float) -> tuple[float, float]:
    """Where a ``<->`` arc's label goes: the arc's middle, a little above.

    >>> arc_label_point(0, 0, 100, 0)
    (50.0, 6.5)
    """
    cx, cy = _arc_control(x1, y1, x2, y2)
    mx, my = 0.25 * x1 + 0.5 * cx + 0.25 * x2, 0.25 * y1 + 0.5 * cy + 0.25 * y2
    return mx, my - style.CURVE_LABEL_RISE


def _curve_ends(x1, y1, x2, y2, cx, cy, r) -> tuple[float, float, float, float]:
    """Where a quadratic curve with control point (cx, cy) leaves and enters two circles
    of radius ``r``: each end sits on its circle, pointing at the control point."""

    def on_circle(x: float, y: float) -> tuple[float, float]:
        ddx, ddy = cx - x, cy - y
        d = math.hypot(ddx, ddy) or 1.0
        return x + ddx / d * r, y + ddy / d * r

    return (*on_circle(x1, y1), *on_circle(x2, y2))


def fit_mark_shape(
    x1: float, y1: float, x2: float, y2: float, r: float
) -> tuple[str, float, float]:
    """Path and glyph point of a fit mark between two circles.

    Bent to the left of a→b (a ``<->`` bends right), far enough that the curve and its
    glyph pass beside a node lying between the two (A -> B -> C drawn in one column).
    """
    dx, dy = x2 - x1, y2 - y1
    dist = math.hypot(dx, dy) or 1.0
    # how far the curve's middle is from the chord
    apex = max(style.FIT_APEX_RADII * r, style.FIT_APEX_SHARE * dist)
    nx_, ny_ = dy / dist, -dx / dist  # left of a->b (screen y grows downwards)
    cx, cy = (x1 + x2) / 2 + nx_ * 2 * apex, (y1 + y2) / 2 + ny_ * 2 * apex
    sx, sy, ex, ey = _curve_ends(x1, y1, x2, y2, cx, cy, r)
    mx, my = 0.25 * sx + 0.5 * cx + 0.25 * ex, 0.25 * sy + 0.5 * cy + 0.25 * ey
    return f"M{sx:.1f},{sy:.1f}Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}", mx, my


def group_fit_marks(marks: Sequence[Mapping[str, Any]]) -> list[tuple[str, str, str]]:
    """``(a, b, tooltip)`` once per unordered pair, in first-seen order; texts joined."""
    pairs: dict[frozenset, list] = {}
    for m in marks:
        key = frozenset((m["a"], m["b"]))
        if key in pairs:
            if m.get("text"):
                pairs[key][2].append(m["text"])
        else:
            pairs[key] = [m["a"], m["b"], [m["text"]] if m.get("text") else []]
    return [(a, b, "\n".join(texts)) for a, b, texts in pairs.values()]


def bounds(nodes: Sequence[Mapping[str, Any]], r: float = NODE_RADIUS) -> tuple[float, ...]:
    """``(min_x, min_y, max_x, max_y)`` of the node circles plus room for labels."""
    if not nodes:
        return (0.0, 0.0, 200.0, 100.0)
    pad_y = style.BOUNDS_PAD_Y
    # names are often wider than circles: at least BOUNDS_PAD_X beyond, or half the name
    pads = [max(r + style.BOUNDS_PAD_X, n.get("w", 0) / 2) for n in nodes]
    x0 = min(n["x"] - p for n, p in zip(nodes, pads, strict=True))
    x1 = max(n["x"] + p for n, p in zip(nodes, pads, strict=True))
    ys = [n["y"] for n in nodes]
    return (x0, min(ys) - r - pad_y, x1, max(ys) + r + pad_y)


# -- rendering: render_svg's steps, each returning its SVG fragments ----------------------


@dataclass(frozen=True)
class _Frame:
    """Where the picture's parts go: the drawing's box, the view box and the pixel size."""

    x0: float
    y0: float
    x1: float
    y1: float
    band: float  # the title's band above the drawing
    foot: float  # the note's line under it
    w: int = 0  # the SVG's size in pixels
    h: int = 0

    @property
    def view_box(self) -> tuple[float, float, float, float]:
        vb_w = (self.x1 - self.x0) + 2 * MARGIN
        vb_h = (self.y1 - self.y0) + 2 * MARGIN + self.band + self.foot
        return self.x0 - MARGIN, self.y0 - MARGIN - self.band, vb_w, vb_h


def _frame(
    points: Sequence[Mapping[str, Any]],
    title: str,
    note: str,
    width: int | None,
    height: int | None,
) -> _Frame:
    """The frame around ``points`` (nodes and fit glyphs), the title band and the note."""
    x0, y0, x1, y1 = bounds(points, NODE_RADIUS)
    if note and x1 - x0 < 7 * len(note):  # room for the note under a narrow graph
        grow = (7 * len(note) - (x1 - x0)) / 2
        x0, x1 = x0 - grow, x1 + grow
    frame = _Frame(x0, y0, x1, y1, band=TITLE_BAND if title else 0, foot=18 if note else 0)
    _vb_x, _vb_y, vb_w, vb_h = frame.view_box
    w = width or int(min(max(vb_w, 200), 900))
    h = height or int(min(max(vb_h * w / vb_w, 160), 700))
    return replace(frame, w=w, h=h)


def _head(frame: _Frame, static_id: str) -> list[str]:
    """The ``<svg>`` tag, the three arrowheads and the white background."""
    vb_x, vb_y, vb_w, vb_h = frame.view_box
    m = style.MARKER
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{frame.w}" height="{frame.h}" '
        f'viewBox="{vb_x:.1f} {vb_y:.1f} {vb_w:.1f} {vb_h:.1f}" '
        f'preserveAspectRatio="xMidYMid meet" class="cm-static"'
        + (f" data-cm-static={quoteattr(static_id)}" if static_id else "")
        + ">",
        "<defs>",
    ]
    for key, color in (("e", EDGE_COLOR), ("c", CAUSAL_COLOR), ("b", BIASING_COLOR)):
        out.append(
            f'<marker id="cm-arrow-{key}" viewBox="{m["viewBox"]}" refX="{m["refX"]}" '
            f'refY="{m["refY"]}" markerWidth="{m["width"]}" markerHeight="{m["height"]}" '
            f'orient="auto-start-reverse"><path d="{m["path"]}" fill="{color}"/></marker>'
        )
    out.append("</defs>")
    out.append(
        f'<rect x="{vb_x:.1f}" y="{vb_y:.1f}" width="{vb_w:.1f}" height="{vb_h:.1f}" '
        f'fill="{BACKGROUND}" stroke="#cccccc" rx="6"/>'
    )
    return out


def _title(frame: _Frame, title: str) -> list[str]:
    if not title:
        return []
    return [
        f'<text x="{(frame.x0 + frame.x1) / 2:.1f}" y="{frame.y0 - MARGIN - frame.band / 2:.1f}" '
        f'dy="0.35em" text-anchor="middle" font-family="sans-serif" font-size="{style.TITLE_SIZE}" '
        f'font-weight="bold" fill="{TEXT_COLOR}">{escape(title)}</text>'
    ]


def _edge_style(key: tuple[str, str], causal: set, biasing: set) -> str:
    """Stroke and arrowhead of a directed edge: plain, causal (thick) or biasing (dashed)."""
    if key in causal:
        return (
            f'stroke="{CAUSAL_COLOR}" stroke-width="{style.CAUSAL_WIDTH}" '
            f'marker-end="url(#cm-arrow-c)"'
        )
    if key in biasing:
        return (
            f'stroke="{BIASING_COLOR}" stroke-width="{style.BIASING_WIDTH}" '
            f'stroke-dasharray="{style.BIASING_DASH}" marker-end="url(#cm-arrow-b)"'
        )
    return f'stroke="{EDGE_COLOR}" stroke-width="{style.EDGE_WIDTH}" marker-end="url(#cm-arrow-e)"'


def _edges(
    data: Mapping[str, Any], by_id: Mapping[str, Any], causal: set, biasing: set, labels: list
) -> list[str]:
    """The directed edges; their labels are appended to ``labels`` (drawn later, on top)."""
    out = []
    r = NODE_RADIUS
    for e in data.get("edges", []):
        a, b = by_id.get(e["source"]), by_id.get(e["target"])
        if a is None or b is None:
            continue
        ax, bx = (a["x"], a["y"]), (b["x"], b["y"])
        route, bend = e.get("route") or [], e.get("bend")
        stroke = _edge_style((e["source"], e["target"]), causal, biasing)
        d = bent_path(ax, bend, bx, r) if bend else route_path(ax, route, bx, r)
        out.append(
            f'<path d="{d}" fill="none" {stroke} '
            f"data-source={quoteattr(e['source'])} data-target={quoteattr(e['target'])}/>"
        )
        if e.get("label"):
            at = bent_label_point(ax, bend, bx) if bend else route_label_point(ax, route, bx)
            labels.append((*at, e["label"]))
    return out


def _bidirected(
    data: Mapping[str, Any], by_id: Mapping[str, Any], biasing: set, labels: list
) -> list[str]:
    """The ``<->`` curves (biasing-coloured when their hidden node is on a biasing path)."""
    out = []
    for e in data.get("bidirected", []):
        a, b = by_id.get(e["a"]), by_id.get(e["b"])
        if a is None or b is None:
            continue
        on_bias = any(k[0] == e["id"] for k in biasing)
        color, key = (BIASING_COLOR, "b") if on_bias else (EDGE_COLOR, "e")
        ax, bx, bend = (a["x"], a["y"]), (b["x"], b["y"]), e.get("bend")
        d = bent_path(ax, bend, bx, NODE_RADIUS) if bend else bidirected_path(*ax, *bx, NODE_RADIUS)
        out.append(
            f'<path d="{d}" '
            f'fill="none" stroke="{color}" stroke-width="{style.EDGE_WIDTH}" '
            f'stroke-dasharray="{style.BIDIRECTED_DASH}" '
            f'marker-start="url(#cm-arrow-{key})" marker-end="url(#cm-arrow-{key})" '
            f"data-a={quoteattr(e['a'])} data-b={quoteattr(e['b'])}/>"
        )
        if e.get("label") and bend:
            labels.append((*bent_label_point(ax, bend, bx), e["label"]))
        elif e.get("label"):  # on the arc, as the widget places it (geometry.labelPoint)
            labels.append((*arc_label_point(*ax, *bx), e["label"]))
    return out


def _fit_marks(marks: Sequence[tuple[str, str, str, str, float, float]]) -> list[str]:
    """Each contradicted pair: a red dash-dot curve with a "≠" glyph and the reading."""
    return [
        f'<g class="cm-fit-mark-group"><title>{escape(text)}</title>'
        f'<path class="cm-fit-mark" d="{d}" fill="none" stroke="{FIT_COLOR}" '
        f'stroke-width="{style.FIT_WIDTH}" stroke-dasharray="{FIT_DASH}" '
        f"data-a={quoteattr(a_id)} data-b={quoteattr(b_id)}/>"
        f'<circle cx="{mx:.1f}" cy="{my:.1f}" r="{style.FIT_GLYPH_RADIUS}" fill="{BACKGROUND}" '
        f'stroke="{FIT_COLOR}" stroke-width="{style.FIT_GLYPH_STROKE}"/>'
        f'<text x="{mx:.1f}" y="{my:.1f}" dy="0.35em" text-anchor="middle" '
        f'font-family="sans-serif" font-size="{style.FIT_GLYPH_SIZE}" font-weight="bold" '
        f'fill="{FIT_COLOR}">{FIT_GLYPH}</text></g>'
        for a_id, b_id, text, d, mx, my in marks
    ]


def _edge_labels(labels: Sequence[tuple[float, float, str]]) -> list[str]:
    return [
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" font-family="sans-serif" '
        f'font-size="{style.LABEL_SIZE}" font-weight="bold" fill="{LABEL_COLOR}" '
        f'stroke="{BACKGROUND}" stroke-width="4" stroke-linejoin="round" paint-order="stroke">'
        f"{escape(text)}</text>"
        for x, y, text in labels
    ]


def _text_lines(lines: Sequence[str], x: float, y: float, fill: str, halo: str) -> str:
    lh = FONT_SIZE * style.LINE_HEIGHT
    y0 = -((len(lines) - 1) * lh) / 2
    spans = "".join(
        f'<tspan x="{x:.1f}" y="{y + y0 + i * lh:.1f}" dy="0.35em">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return (
        f'<text text-anchor="middle" font-family="sans-serif" font-size="{FONT_SIZE}" '
        f'fill="{fill}" stroke="{halo}" stroke-width="{style.LABEL_HALO}" stroke-linejoin="round" '
        f'paint-order="stroke">{spans}</text>'
    )


def _badge(role: str | None, x: float, y: float, r: float) -> list[str]:
    """The role's letter badge (T, O, M, S) at the node's upper right: not colour alone."""
    letter = style.ROLE_BADGES.get(role or "")
    if not letter:
        return []
    bx, by = x + r * 0.72, y - r * 0.72
    return [
        f'<g class="cm-badge"><circle cx="{bx:.1f}" cy="{by:.1f}" r="{style.BADGE_RADIUS}" '
        f'fill="{BACKGROUND}" stroke="{TEXT_COLOR}" stroke-width="1.5"/>'
        f'<text x="{bx:.1f}" y="{by:.1f}" dy="0.35em" text-anchor="middle" '
        f'font-family="sans-serif" font-size="{style.BADGE_SIZE}" font-weight="bold" '
        f'fill="{TEXT_COLOR}">{letter}</text></g>'
    ]


def _node(n: Mapping[str, Any], ringed: bool) -> list[str]:
    """One node: its tooltip, ring (adjusted or in the overlay's set), circle, name, badge."""
    color = role_color(n.get("role"))
    x, y, r = n["x"], n["y"], NODE_RADIUS
    out = [f"<g data-id={quoteattr(n['id'])} data-role={quoteattr(n.get('role') or '')}>"]
    # hover: the whole name (also when the drawn one is shortened) and its role, as the
    # live widget's nodeTooltip (js/drawing-nodes.js) writes it
    label = str(n.get("label") or "")
    name = f"{label} ({n['id']})" if label and label != n["id"] else n["id"]
    tip = name + (f": {n['role']}" if n.get("role") else "")
    out.append(f"<title>{escape(tip)}</title>")
    lines = n.get("lines") or str(n["label"]).split("\n")
    if ringed:
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r + style.RING_GAP}" fill="none" '
            f'stroke="{RING_COLOR}" stroke-width="{style.RING_WIDTH}"/>'
        )
    if n.get("latent"):
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{BACKGROUND}" stroke="{color}" '
            f'stroke-width="{style.LATENT_WIDTH}" stroke-dasharray="{style.LATENT_DASH}"/>'
        )
        out.append(_text_lines(lines, x, y, TEXT_COLOR, BACKGROUND))
    else:
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{color}" stroke="{BACKGROUND}" '
            f'stroke-width="{style.NODE_OUTLINE}"/>'
        )
        out.append(_text_lines(lines, x, y, BACKGROUND, color))
    out += _badge(n.get("role"), x, y, r)
    out.append("</g>")
    return out


#: The legend's words per role (roles present are listed), as in the live widget.
_LEGEND_ROLES = {
    "treatment": "treatment",
    "outcome": "outcome",
    "confounder": "confounder",
    "mediator": "mediator",
    "adjusted": "adjusted for",
    "latent": "latent (unobserved)",
    "selected": "selected on",
}
LEGEND_LINE = 18


def legend_items(
    data: Mapping[str, Any], overlay: Mapping[str, Any], fit_marks: Sequence[Any] = ()
) -> list[tuple[str, str]]:
    """``(kind, words)`` for what the drawing shows, in the live widget's legend order.

    >>> legend_items({"nodes": [{"role": "treatment"}], "edges": [1]}, {})
    [('role:treatment', 'T treatment'), ('edge', 'direct effect')]
    """
    roles = {n.get("role") for n in data.get("nodes", [])}
    items = []
    for role, words in _LEGEND_ROLES.items():
        if role in roles:
            badge = style.ROLE_BADGES.get(role)
            items.append((f"role:{role}", f"{badge} {words}" if badge else words))
    if data.get("edges"):
        items.append(("edge", "direct effect"))
    if overlay.get("causal"):
        items.append(("causal", "causal path"))
    if overlay.get("biasing"):
        items.append(("biasing", "open biasing path"))
    if data.get("bidirected"):
        items.append(("bidirected", "<-> hidden common cause"))
    if overlay.get("minimal"):
        items.append(("ring", "ring: adjust for it"))
    if fit_marks:
        items.append(("fit", f"{FIT_GLYPH} contradicted by the data"))
    return items


def _legend(frame: _Frame, items: Sequence[tuple[str, str]], y: float) -> list[str]:
    """The legend, one line of small swatches and words under the drawing, at ``y``."""
    if not items:
        return []
    out = ['<g class="cm-legend" font-family="sans-serif" font-size="11">']
    x = frame.x0 - MARGIN + 8
    swatch = {
        "edge": (EDGE_COLOR, ""),
        "causal": (CAUSAL_COLOR, ""),
        "biasing": (BIASING_COLOR, style.BIASING_DASH),
        "bidirected": (EDGE_COLOR, style.BIDIRECTED_DASH),
        "fit": (FIT_COLOR, FIT_DASH),
    }
    for kind, words in items:
        if kind.startswith("role:"):
            color = role_color(kind[5:])
            out.append(f'<circle cx="{x + 6:.1f}" cy="{y - 4:.1f}" r="5" fill="{color}"/>')
        elif kind == "ring":
            out.append(
                f'<circle cx="{x + 6:.1f}" cy="{y - 4:.1f}" r="5" fill="none" '
                f'stroke="{RING_COLOR}" stroke-width="{style.RING_WIDTH}"/>'
            )
        else:
            color, dash = swatch[kind]
            out.append(
                f'<path d="M{x:.1f},{y - 4:.1f}h14" stroke="{color}" stroke-width="2.5" '
                f'stroke-linecap="round"' + (f' stroke-dasharray="{dash}"' if dash else "") + "/>"
            )
        out.append(f'<text x="{x + 18:.1f}" y="{y:.1f}" fill="{TEXT_COLOR}">{escape(words)}</text>')
        x += 26 + 6.2 * len(words)
    out.append("</g>")
    return out


def _note(frame: _Frame, note: str) -> list[str]:
    if not note:
        return []
    return [
        f'<text x="{frame.x0 - MARGIN + 8:.1f}" y="{frame.y1 + MARGIN + frame.foot - 8:.1f}" '
        f'font-family="sans-serif" font-size="11" fill="#777777">{escape(note)}</text>'
    ]


def _placed_fit_marks(
    fit_marks: Sequence[Mapping[str, Any]], by_id: Mapping[str, Any]
) -> list[tuple[str, str, str, str, float, float]]:
    """``(a, b, text, path, glyph x, glyph y)`` of each mark whose two nodes are drawn."""
    marks = []
    for a_id, b_id, text in group_fit_marks(fit_marks):
        a, b = by_id.get(a_id), by_id.get(b_id)
        if a is not None and b is not None:
            shape = fit_mark_shape(a["x"], a["y"], b["x"], b["y"], NODE_RADIUS)
            marks.append((a_id, b_id, text, *shape))
    return marks


def scaled(svg: str, factor: float) -> str:
    """``svg`` drawn ``factor`` times larger (its ``width``/``height``; the viewBox stays).

    >>> scaled('<svg xmlns="x" width="200" height="100" viewBox="0 0 200 100">', 1.5)
    '<svg xmlns="x" width="300" height="150" viewBox="0 0 200 100">'
    """

    def grow(m: re.Match) -> str:
        return f'{m.group(1)}="{round(float(m.group(2)) * factor)}"'

    head, sep, rest = svg.partition(">")
    return re.sub(r'\b(width|height)="([0-9.]+)"', grow, head) + sep + rest


def render_svg(
    data: Mapping[str, Any],
    *,
    title: str = "",
    width: int | None = None,
    height: int | None = None,
    overlay: Mapping[str, Any] | None = None,
    fit_marks: Sequence[Mapping[str, Any]] = (),
    static_id: str = "",
    note: str = "",
) -> str:
    """A self-contained SVG of drawing ``data`` (as built by :func:`drawing_data`).

    ``static_id`` marks the SVG (``data-cm-static``) so that a live view of the same widget
    can hide this static copy (see ``DagWidget._ipython_display_``); ``note`` is a small line
    of text under the drawing (the static copy says it cannot be edited).

    ``overlay`` is the widget's overlay trait: ``causal``/``biasing`` edge lists and the
    ``minimal`` adjustment set; causal edges are drawn solid and thick, biasing ones
    dashed, in two colours, and the set's nodes get a ring.

    ``fit_marks`` (the widget's trait, from ``DagWidget.show_fit``) are the contradicted
    implications: a red dash-dot curve between the pair with a "≠" glyph in the middle and
    the reading as its ``<title>``, under the nodes.
    """
    nodes = list(data.get("nodes", []))
    by_id = {n["id"]: n for n in nodes}
    marks = _placed_fit_marks(fit_marks, by_id)
    # The marks' glyphs stand beside the nodes: the picture must include them.
    overlay = overlay or {}
    legend = legend_items(data, overlay, marks)
    # The legend's line goes under the drawing, in the note's band (a longer "note").
    room = " " * int(sum(26 + 6.2 * len(w) for _k, w in legend) / 7)
    foot_text = max(note, room, key=len)  # _frame sizes the foot band for the longer line
    points = [*nodes, *({"x": m[4], "y": m[5]} for m in marks), *_bend_handles(data, by_id)]
    frame = _frame(points, title, foot_text, width, height)
    if legend and note:
        frame = replace(frame, foot=frame.foot + LEGEND_LINE)
    causal = {tuple(e) for e in overlay.get("causal", [])}
    biasing = {tuple(e) for e in overlay.get("biasing", [])}
    in_set = set(overlay.get("minimal") or [])
    labels: list[tuple[float, float, str]] = []
    out = [*_head(frame, static_id), *_title(frame, title)]
    out += _edges(data, by_id, causal, biasing, labels)
    out += _bidirected(data, by_id, biasing, labels)
    out += _fit_marks(marks)
    out += _edge_labels(labels)
    for n in nodes:
        out += _node(n, ringed=n.get("role") == "adjusted" or n["id"] in in_set)
    out += _legend(frame, legend, frame.y1 + MARGIN + 10)
    out += _note(frame, note)
    out.append("</svg>")
    return "".join(out)


def _bend_handles(data: Mapping[str, Any], by_id: Mapping[str, Any]) -> list[dict]:
    """The middles of the bent edges: the picture must include the curves."""
    out = []
    pairs = [(e["source"], e["target"], e) for e in data.get("edges", [])]
    pairs += [(e["a"], e["b"], e) for e in data.get("bidirected", [])]
    for u, v, e in pairs:
        a, b, c = by_id.get(u), by_id.get(v), e.get("bend")
        if a is not None and b is not None and c:
            x, y = handle_of((a["x"], a["y"]), c, (b["x"], b["y"]))
            out.append({"x": x, "y": y})
    return out


def side_by_side(svgs: Sequence[str], gap: int = 12) -> str:
    """Several SVG strings (from :func:`render_svg`) in one SVG, left to right."""
    sizes = []
    for s in svgs:
        w = float(s.split('width="', 1)[1].split('"', 1)[0])
        h = float(s.split('height="', 1)[1].split('"', 1)[0])
        sizes.append((w, h))
    total = sum(w for w, _ in sizes) + gap * max(0, len(svgs) - 1)
    tallest = max((h for _, h in sizes), default=0)
    # a viewBox, so a row wider than the output area scales down instead of being cut off
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total:.0f}" height="{tallest:.0f}" '
        f'viewBox="0 0 {total:.0f} {tallest:.0f}" style="max-width:100%;height:auto">'
    ]
    x = 0.0
    for s, (w, _h) in zip(svgs, sizes, strict=True):
        inner = s.replace('xmlns="http://www.w3.org/2000/svg" ', "", 1)
        parts.append(inner.replace("<svg ", f'<svg x="{x:.0f}" y="0" ', 1))
        x += w + gap
    parts.append("</svg>")
    return "".join(parts)


def _tikz_text(text: str) -> str:
    """Escape LaTeX specials; a newline in a name becomes a line break."""
    special = {
        "\\": r"\textbackslash{}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "{": r"\{",
        "}": r"\}",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
    return "".join(special.get(c, c) for c in text).replace("\n", r"\\")


def _tikz_link(e: Mapping[str, Any], a: Mapping, b: Mapping, scale: float, straight="--") -> str:
    """``--``, or for a bent edge DAGitty's own TikZ curve: the quadratic's control point
    ``c`` as the two cubic controls ``a/3 + 2c/3`` and ``b/3 + 2c/3`` (TikZ cuts the curve
    at the node borders)."""
    c = e.get("bend")
    if not c:
        return straight
    p1 = ((a["x"] + 2 * c[0]) / 3 / scale, -(a["y"] + 2 * c[1]) / 3 / scale)
    p2 = ((b["x"] + 2 * c[0]) / 3 / scale, -(b["y"] + 2 * c[1]) / 3 / scale)
    return f".. controls ({p1[0]:.2f}, {p1[1]:.2f}) and ({p2[0]:.2f}, {p2[1]:.2f}) .."


def render_tikz(data: Mapping[str, Any], *, scale: float = 100.0) -> str:
    """A TikZ picture of drawing ``data`` (positions in px, ``scale`` px per cm).

    Needs ``\\usetikzlibrary{arrows.meta}`` in the preamble.  Latent nodes are dashed,
    ``<->`` edges dashed and bent; y is flipped (TikZ's y grows upwards).
    """
    ids = {n["id"]: f"n{i}" for i, n in enumerate(data.get("nodes", []))}
    by_id = {n["id"]: n for n in data.get("nodes", [])}
    lines = [
        r"\begin{tikzpicture}[>={Stealth[length=2.5mm]}, every node/.style={circle, draw, "
        r"align=center, minimum size=8mm, font=\small}]"
    ]
    for n in data.get("nodes", []):
        opts = ", dashed" if n.get("latent") else ""
        if n.get("role") == "adjusted":
            opts += ", double"
        x, y = n["x"] / scale, -n["y"] / scale
        lines.append(
            f"  \\node[{opts.lstrip(', ')}] ({ids[n['id']]}) at ({x:.2f}, {y:.2f}) "
            f"{{{_tikz_text(n['label'])}}};"
        )
    for e in data.get("edges", []):
        if e["source"] in ids and e["target"] in ids:
            label = f" node[midway, above, draw=none] {{{_tikz_text(e['label'])}}}"
            link = _tikz_link(e, by_id[e["source"]], by_id[e["target"]], scale)
            lines.append(
                f"  \\draw[->] ({ids[e['source']]}) {link} ({ids[e['target']]})"
                f"{label if e.get('label') else ''};"
            )
    for e in data.get("bidirected", []):
        if e["a"] in ids and e["b"] in ids:
            link = _tikz_link(e, by_id[e["a"]], by_id[e["b"]], scale, "to")
            bent = "" if e.get("bend") else ", bend left=25"
            lines.append(f"  \\draw[<->, dashed{bent}] ({ids[e['a']]}) {link} ({ids[e['b']]});")
    lines.append(r"\end{tikzpicture}")
    return "\n".join(lines) + "\n"
