"""How a causal graph looks: every size, offset, dash pattern and shared colour, once.

Why this module: the graph is drawn twice -- as a static SVG in Python (``svg.py``, for
viewers without a kernel: GitHub, nbconvert, a reopened notebook) and live in the browser
(``js/``) -- and the two must look alike.  Both read their numbers from here: ``svg.py``
imports the constants, and the front end imports ``js/style.json``, which is generated
from this module (``python -m causal_magic.style``) and checked by
``tests/test_style.py`` so that it can never drift.

Why a generated file and not a synced trait: these numbers belong to the package version,
not to one widget -- the pure JS helpers and their node unit tests need them with no
model at hand, the saved notebook already carries the bundle (``_esm``) that was built
with them, and copying them into every widget's saved state would only add bytes.

What is *not* here: the colours the live widget takes from the notebook's theme (text,
background, plain edges, the fit marks' red, the selection accent: ``js/widget.css``),
which a static file cannot follow and so fixes in ``svg.py``; and sizes used by only one
of the two drawings (the static picture's margins, the live view's zoom limits).
"""

from __future__ import annotations

import json
import pathlib
from typing import Any

from .graph import ROLE_COLORS

#: Where the generated front-end copy lives (in the repository, next to the JS sources).
STYLE_JSON = pathlib.Path(__file__).resolve().parents[1] / "js" / "style.json"

# -- nodes ------------------------------------------------------------------------------
NODE_RADIUS = 26
#: The ring of an adjusted node (or one in the overlay's set) sits this far outside it.
RING_GAP = 5
RING_WIDTH = 2
NODE_OUTLINE = 1.5
FONT_SIZE = 13
#: Distance between the lines of a multi-line name, in font sizes.
LINE_HEIGHT = 1.2
#: Width of the outline in the node's colour around a name (readable past the circle).
LABEL_HALO = 3
LATENT_WIDTH = 2
LATENT_DASH = "5 3"
#: Letter badges on the node's upper right: the roles told apart by more than colour
#: (red and green look alike to a deuteranope; mediator and selected have no colour).
ROLE_BADGES = {"treatment": "T", "outcome": "O", "mediator": "M", "selected": "S"}
BADGE_RADIUS = 8
BADGE_SIZE = 10
#: A name wider than this (px) wraps at spaces; past LABEL_MAX_LINES lines it is shortened
#: with "…" and the full name shows on hover (``<title>``).
LABEL_MAX_WIDTH = 120
LABEL_MAX_LINES = 3

# -- edges ------------------------------------------------------------------------------
EDGE_WIDTH = 2
CAUSAL_WIDTH = 3.5
BIASING_WIDTH = 2.5
BIASING_DASH = "7 4"
#: ``<->`` (a hidden common cause): dotted, so it never reads as a dashed biasing path.
BIDIRECTED_DASH = "1 5"
#: How far a ``<->`` curve bends away from the chord, as a share of the chord's length.
BEND = 0.25
#: How far an edge's label sits above the edge's middle (a straight edge / a curve).
LABEL_RISE = 8
CURVE_LABEL_RISE = 6
LABEL_SIZE = 12
#: A routed edge (one bent round nodes) rounds each corner within this many px of it.
ROUTE_CORNER = 24
#: The arrowhead (an SVG ``<marker>``); its tip is the path's end.
MARKER = {
    "viewBox": "0 -5 10 10",
    "refX": 10,
    "refY": 0,
    "width": 7,
    "height": 7,
    "path": "M0,-5L10,0L0,5",
}

# -- fit marks (contradicted implications, DagWidget.show_fit) ----------------------------
FIT_WIDTH = 2.5
FIT_DASH = "9 4 2 4"
FIT_GLYPH = "\u2260"
FIT_GLYPH_RADIUS = 9
FIT_GLYPH_STROKE = 1.5
FIT_GLYPH_SIZE = 14
#: The curve's middle stands max(APEX_RADII * r, APEX_SHARE * chord) beside the chord.
FIT_APEX_RADII = 2.5
FIT_APEX_SHARE = 0.2

# -- frame ------------------------------------------------------------------------------
TITLE_BAND = 34
TITLE_SIZE = 17
#: Room around the node circles for names wider than a circle (x) and below/above (y).
BOUNDS_PAD_X = 30
BOUNDS_PAD_Y = 8

# -- colours that do not follow the theme (Okabe-Ito: safe for colour-blind readers) ------
CAUSAL_COLOR = "#009e73"
BIASING_COLOR = "#d55e00"
LABEL_COLOR = "#a67c00"

# -- presenting mode (a graph projected on a wall) ---------------------------------------
#: How much larger presenting mode draws: the live view's height and zoom, the static SVG's size.
PRESENT_SCALE = 1.6
#: The type size of the toolbar, legend and panel in presenting mode (px).
PRESENT_FONT_SIZE = 18

# -- text -------------------------------------------------------------------------------
#: "is independent of". U+2AEB (⫫) is an empty box in Linux's default fonts (DejaVu,
#: Liberation); U+22A5 twice is in every one of them, and reads the same.
INDEP_SIGN = "\u22a5\u22a5"


def plain_indep(text: str) -> str:
    """``text`` with every ⫫ written with :data:`INDEP_SIGN`, a glyph every font has.

    >>> plain_indep("A \u2aeb C | B")
    'A \u22a5\u22a5 C | B'
    """
    return text.replace("\u2aeb", INDEP_SIGN)


def role_colors() -> dict[str, str]:
    """Node fill per role, from ``graph.ROLE_COLORS``, with ``"default"`` for no role."""
    return {("default" if k is None else k): v for k, v in ROLE_COLORS.items()}


def as_json() -> dict[str, Any]:
    """Everything above as the front end reads it (``js/style.json``).

    >>> as_json()["node"]["radius"] == NODE_RADIUS
    True
    """
    return {
        "node": {
            "radius": NODE_RADIUS,
            "ringGap": RING_GAP,
            "ringWidth": RING_WIDTH,
            "outline": NODE_OUTLINE,
            "fontSize": FONT_SIZE,
            "lineHeight": LINE_HEIGHT,
            "labelHalo": LABEL_HALO,
            "latentWidth": LATENT_WIDTH,
            "latentDash": LATENT_DASH,
            "badges": dict(ROLE_BADGES),
            "badgeRadius": BADGE_RADIUS,
            "badgeSize": BADGE_SIZE,
            "labelMaxWidth": LABEL_MAX_WIDTH,
            "labelMaxLines": LABEL_MAX_LINES,
        },
        "edge": {
            "width": EDGE_WIDTH,
            "causalWidth": CAUSAL_WIDTH,
            "biasingWidth": BIASING_WIDTH,
            "biasingDash": BIASING_DASH,
            "bidirectedDash": BIDIRECTED_DASH,
            "bend": BEND,
            "labelRise": LABEL_RISE,
            "curveLabelRise": CURVE_LABEL_RISE,
            "labelSize": LABEL_SIZE,
            "routeCorner": ROUTE_CORNER,
        },
        "marker": dict(MARKER),
        "fit": {
            "width": FIT_WIDTH,
            "dash": FIT_DASH,
            "glyph": FIT_GLYPH,
            "glyphRadius": FIT_GLYPH_RADIUS,
            "glyphStroke": FIT_GLYPH_STROKE,
            "glyphSize": FIT_GLYPH_SIZE,
            "apexRadii": FIT_APEX_RADII,
            "apexShare": FIT_APEX_SHARE,
        },
        "title": {"band": TITLE_BAND, "size": TITLE_SIZE},
        "present": {"scale": PRESENT_SCALE, "fontSize": PRESENT_FONT_SIZE},
        "indepSign": INDEP_SIGN,
        "bounds": {"padX": BOUNDS_PAD_X, "padY": BOUNDS_PAD_Y},
        "colors": {
            "causal": CAUSAL_COLOR,
            "biasing": BIASING_COLOR,
            "label": LABEL_COLOR,
            "roles": role_colors(),
        },
    }


def json_text() -> str:
    """The exact text of ``js/style.json`` (sorted keys, so regenerating is stable)."""
    return json.dumps(as_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":  # python -m causal_magic.style: regenerate js/style.json
    STYLE_JSON.write_text(json_text(), encoding="utf-8")
    print(f"wrote {STYLE_JSON}")
