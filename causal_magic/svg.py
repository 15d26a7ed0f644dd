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
from collections.abc import Hashable, Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import networkx as nx

from .graph import ROLE_COLORS, bidirected_pairs, visible_nodes

#: Node circle radius and font size, shared with the front end through the widget traits.
NODE_RADIUS = 26
FONT_SIZE = 13
TITLE_BAND = 34
MARGIN = 24
EDGE_COLOR = "#888888"
#: Okabe-Ito colours (safe for colour-blind readers), always with a line-style cue too.
CAUSAL_COLOR = "#009e73"
BIASING_COLOR = "#d55e00"
LABEL_COLOR = "#a67c00"
RING_COLOR = "#333333"
#: A contradicted implication (``DagWidget.show_fit``): red, dash-dot, with a "≠" glyph.
FIT_COLOR = "#c0392b"
FIT_DASH = "9 4 2 4"
FIT_GLYPH = "\u2260"


def role_color(role: str | None) -> str:
    """Fill colour of a node with ``role`` (the seed's palette; others default blue)."""
    return ROLE_COLORS.get(role, ROLE_COLORS[None])


def node_id(n: Hashable) -> str:
    """The string id a node has in the browser (node names are usually strings already)."""
    return n if isinstance(n, str) else str(n)


def drawing_data(
    G: nx.DiGraph, pos_px: Mapping[Hashable, tuple[float, float]]
) -> dict[str, list[dict[str, Any]]]:
    """The widget's drawing traits for ``G`` with node positions in pixels.

    Hidden ``<->`` nodes become entries of ``bidirected`` instead of nodes; their two
    edges are not listed as directed edges.
    """
    nodes = []
    for n in visible_nodes(G):
        d = G.nodes[n]
        role = d.get("role")
        x, y = pos_px[n]
        label = d.get("label")
        nodes.append(
            {
                "id": node_id(n),
                "label": str(label) if label not in (None, "") else node_id(n),
                "role": role if isinstance(role, str) else None,
                "latent": role == "latent",
                "x": round(float(x), 2),
                "y": round(float(y), 2),
            }
        )
    hidden = set()
    bidirected = []
    for h, a, b in bidirected_pairs(G):
        hidden.add(h)
        label = G.edges[h, a].get("label")
        bidirected.append(
            {
                "id": node_id(h),
                "a": node_id(a),
                "b": node_id(b),
                "label": "" if label is None else str(label),
            }
        )
    edges = []
    for u, v, d in G.edges(data=True):
        if u in hidden or G.nodes[u].get("bidirected"):
            continue
        label = d.get("label")
        edges.append(
            {
                "source": node_id(u),
                "target": node_id(v),
                "label": "" if label is None else str(label),
            }
        )
    return {"nodes": nodes, "edges": edges, "bidirected": bidirected}


# -- geometry (mirrors js/geometry.js) -------------------------------------------------


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


def bidirected_path(x1: float, y1: float, x2: float, y2: float, r: float) -> str:
    """A curved path between two circles (for ``a <-> b``), bent to the right of a→b."""
    dx, dy = x2 - x1, y2 - y1
    dist = math.hypot(dx, dy) or 1.0
    bend = 0.25 * dist
    cx, cy = (x1 + x2) / 2 - dy / dist * bend, (y1 + y2) / 2 + dx / dist * bend
    sx, sy, ex, ey = _curve_ends(x1, y1, x2, y2, cx, cy, r)
    return f"M{sx:.1f},{sy:.1f}Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}"


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
    """Path and glyph point of a fit mark between two circles (mirrors js/fitmarks.js).

    Bent to the left of a→b (a ``<->`` bends right), far enough that the curve and its
    glyph pass beside a node lying between the two (A -> B -> C drawn in one column).
    """
    dx, dy = x2 - x1, y2 - y1
    dist = math.hypot(dx, dy) or 1.0
    apex = max(2.5 * r, 0.2 * dist)  # how far the curve's middle is from the chord
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
    xs = [n["x"] for n in nodes]
    ys = [n["y"] for n in nodes]
    pad_x = r + 30  # names are often wider than the circle
    return (min(xs) - pad_x, min(ys) - r - 8, max(xs) + pad_x, max(ys) + r + 8)


# -- rendering -------------------------------------------------------------------------


def _text_lines(label: str, x: float, y: float, fill: str, halo: str) -> str:
    lines = label.split("\n")
    lh = FONT_SIZE * 1.2
    y0 = -((len(lines) - 1) * lh) / 2
    spans = "".join(
        f'<tspan x="{x:.1f}" y="{y + y0 + i * lh:.1f}" dy="0.35em">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return (
        f'<text text-anchor="middle" font-family="sans-serif" font-size="{FONT_SIZE}" '
        f'fill="{fill}" stroke="{halo}" stroke-width="3" stroke-linejoin="round" '
        f'paint-order="stroke">{spans}</text>'
    )


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
    r = NODE_RADIUS
    nodes = list(data.get("nodes", []))
    by_id = {n["id"]: n for n in nodes}
    marks = []
    for a_id, b_id, text in group_fit_marks(fit_marks):
        a, b = by_id.get(a_id), by_id.get(b_id)
        if a is not None and b is not None:
            marks.append((a_id, b_id, text, *fit_mark_shape(a["x"], a["y"], b["x"], b["y"], r)))
    # The marks' glyphs stand beside the nodes: the picture must include them.
    x0, y0, x1, y1 = bounds([*nodes, *({"x": m[4], "y": m[5]} for m in marks)], r)
    if note and x1 - x0 < 7 * len(note):  # room for the note under a narrow graph
        grow = (7 * len(note) - (x1 - x0)) / 2
        x0, x1 = x0 - grow, x1 + grow
    band = TITLE_BAND if title else 0
    vb_x, vb_y = x0 - MARGIN, y0 - MARGIN - band
    foot = 18 if note else 0
    vb_w, vb_h = (x1 - x0) + 2 * MARGIN, (y1 - y0) + 2 * MARGIN + band + foot
    w = width or int(min(max(vb_w, 200), 900))
    h = height or int(min(max(vb_h * w / vb_w, 160), 700))
    overlay = overlay or {}
    causal = {tuple(e) for e in overlay.get("causal", [])}
    biasing = {tuple(e) for e in overlay.get("biasing", [])}
    in_set = set(overlay.get("minimal") or [])

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="{vb_x:.1f} {vb_y:.1f} {vb_w:.1f} {vb_h:.1f}" '
        f'preserveAspectRatio="xMidYMid meet" class="cm-static"'
        + (f" data-cm-static={quoteattr(static_id)}" if static_id else "")
        + ">",
        "<defs>",
    ]
    for key, color in (("e", EDGE_COLOR), ("c", CAUSAL_COLOR), ("b", BIASING_COLOR)):
        out.append(
            f'<marker id="cm-arrow-{key}" viewBox="0 -5 10 10" refX="10" refY="0" '
            f'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
            f'<path d="M0,-5L10,0L0,5" fill="{color}"/></marker>'
        )
    out.append("</defs>")
    out.append(
        f'<rect x="{vb_x:.1f}" y="{vb_y:.1f}" width="{vb_w:.1f}" height="{vb_h:.1f}" '
        f'fill="#ffffff" stroke="#cccccc" rx="6"/>'
    )
    if title:
        out.append(
            f'<text x="{(x0 + x1) / 2:.1f}" y="{y0 - MARGIN - band / 2:.1f}" dy="0.35em" '
            f'text-anchor="middle" font-family="sans-serif" font-size="17" font-weight="bold" '
            f'fill="#333333">{escape(title)}</text>'
        )

    labels = []
    for e in data.get("edges", []):
        a, b = by_id.get(e["source"]), by_id.get(e["target"])
        if a is None or b is None:
            continue
        sx, sy, ex, ey = edge_endpoints(a["x"], a["y"], b["x"], b["y"], r, r)
        key = (e["source"], e["target"])
        if key in causal:
            style = f'stroke="{CAUSAL_COLOR}" stroke-width="3.5" marker-end="url(#cm-arrow-c)"'
        elif key in biasing:
            style = (
                f'stroke="{BIASING_COLOR}" stroke-width="2.5" stroke-dasharray="7 4" '
                f'marker-end="url(#cm-arrow-b)"'
            )
        else:
            style = f'stroke="{EDGE_COLOR}" stroke-width="2" marker-end="url(#cm-arrow-e)"'
        out.append(
            f'<path d="M{sx:.1f},{sy:.1f}L{ex:.1f},{ey:.1f}" fill="none" {style} '
            f"data-source={quoteattr(e['source'])} data-target={quoteattr(e['target'])}/>"
        )
        if e.get("label"):
            labels.append(((sx + ex) / 2, (sy + ey) / 2 - 8, e["label"]))
    for e in data.get("bidirected", []):
        a, b = by_id.get(e["a"]), by_id.get(e["b"])
        if a is None or b is None:
            continue
        on_bias = any(k[0] == e["id"] for k in biasing)
        color, key = (BIASING_COLOR, "b") if on_bias else (EDGE_COLOR, "e")
        out.append(
            f'<path d="{bidirected_path(a["x"], a["y"], b["x"], b["y"], r)}" fill="none" '
            f'stroke="{color}" stroke-width="2" stroke-dasharray="5 4" '
            f'marker-start="url(#cm-arrow-{key})" marker-end="url(#cm-arrow-{key})" '
            f"data-a={quoteattr(e['a'])} data-b={quoteattr(e['b'])}/>"
        )
        if e.get("label"):
            labels.append(((a["x"] + b["x"]) / 2, (a["y"] + b["y"]) / 2 - 8, e["label"]))
    for a_id, b_id, text, d, mx, my in marks:
        out.append(
            f'<g class="cm-fit-mark-group"><title>{escape(text)}</title>'
            f'<path class="cm-fit-mark" d="{d}" fill="none" stroke="{FIT_COLOR}" '
            f'stroke-width="2.5" stroke-dasharray="{FIT_DASH}" '
            f"data-a={quoteattr(a_id)} data-b={quoteattr(b_id)}/>"
            f'<circle cx="{mx:.1f}" cy="{my:.1f}" r="9" fill="#ffffff" stroke="{FIT_COLOR}" '
            f'stroke-width="1.5"/>'
            f'<text x="{mx:.1f}" y="{my:.1f}" dy="0.35em" text-anchor="middle" '
            f'font-family="sans-serif" font-size="14" font-weight="bold" '
            f'fill="{FIT_COLOR}">{FIT_GLYPH}</text></g>'
        )
    for x, y, text in labels:
        out.append(
            f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" font-family="sans-serif" '
            f'font-size="12" font-weight="bold" fill="{LABEL_COLOR}">{escape(text)}</text>'
        )

    for n in nodes:
        color = role_color(n.get("role"))
        x, y = n["x"], n["y"]
        out.append(f"<g data-id={quoteattr(n['id'])} data-role={quoteattr(n.get('role') or '')}>")
        if n.get("role") == "adjusted" or n["id"] in in_set:
            out.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r + 5}" fill="none" '
                f'stroke="{RING_COLOR}" stroke-width="2"/>'
            )
        if n.get("latent"):
            out.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="#ffffff" stroke="{color}" '
                f'stroke-width="2" stroke-dasharray="5 3"/>'
            )
            out.append(_text_lines(n["label"], x, y, "#333333", "#ffffff"))
        else:
            out.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{color}" stroke="#ffffff" '
                f'stroke-width="1.5"/>'
            )
            out.append(_text_lines(n["label"], x, y, "#ffffff", color))
        out.append("</g>")
    if note:
        out.append(
            f'<text x="{x0 - MARGIN + 8:.1f}" y="{y1 + MARGIN + foot - 8:.1f}" '
            f'font-family="sans-serif" font-size="11" fill="#777777">{escape(note)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def side_by_side(svgs: Sequence[str], gap: int = 12) -> str:
    """Several SVG strings (from :func:`render_svg`) in one SVG, left to right."""
    sizes = []
    for s in svgs:
        w = float(s.split('width="', 1)[1].split('"', 1)[0])
        h = float(s.split('height="', 1)[1].split('"', 1)[0])
        sizes.append((w, h))
    total = sum(w for w, _ in sizes) + gap * max(0, len(svgs) - 1)
    tallest = max((h for _, h in sizes), default=0)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{total:.0f}" height="{tallest:.0f}">']
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


def render_tikz(data: Mapping[str, Any], *, scale: float = 100.0) -> str:
    """A TikZ picture of drawing ``data`` (positions in px, ``scale`` px per cm).

    Needs ``\\usetikzlibrary{arrows.meta}`` in the preamble.  Latent nodes are dashed,
    ``<->`` edges dashed and bent; y is flipped (TikZ's y grows upwards).
    """
    ids = {n["id"]: f"n{i}" for i, n in enumerate(data.get("nodes", []))}
    lines = [
        r"\begin{tikzpicture}[>={Stealth[length=2.5mm]}, every node/.style={circle, draw, "
        r"align=center, minimum size=8mm, font=\small}]"
    ]
    for n in data.get("nodes", []):
        style = ", dashed" if n.get("latent") else ""
        if n.get("role") == "adjusted":
            style += ", double"
        x, y = n["x"] / scale, -n["y"] / scale
        lines.append(
            f"  \\node[{style.lstrip(', ')}] ({ids[n['id']]}) at ({x:.2f}, {y:.2f}) "
            f"{{{_tikz_text(n['label'])}}};"
        )
    for e in data.get("edges", []):
        if e["source"] in ids and e["target"] in ids:
            label = f" node[midway, above, draw=none] {{{_tikz_text(e['label'])}}}"
            lines.append(
                f"  \\draw[->] ({ids[e['source']]}) -- ({ids[e['target']]})"
                f"{label if e.get('label') else ''};"
            )
    for e in data.get("bidirected", []):
        if e["a"] in ids and e["b"] in ids:
            lines.append(f"  \\draw[<->, dashed, bend left=25] ({ids[e['a']]}) to ({ids[e['b']]});")
    lines.append(r"\end{tikzpicture}")
    return "\n".join(lines) + "\n"
