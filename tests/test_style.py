"""One look for both drawings: style.py's values reach the static SVG, the widget and the JS.

The live drawing (js/) reads the same values from js/style.json, generated from
causal_magic/style.py; the geometry both sides compute is pinned by js/geometry-cases.json,
which js/geometry.test.js checks on the JS side.
"""

from __future__ import annotations

import json
import math
import pathlib
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from causal_magic import style
from causal_magic.graph import ROLE_COLORS, add_bidirected
from causal_magic.svg import (
    bidirected_path,
    bounds,
    drawing_data,
    edge_endpoints,
    fit_mark_shape,
    render_svg,
    route_label_point,
    route_path,
)
from causal_magic.widget import DagWidget

JS = pathlib.Path(__file__).resolve().parents[1] / "js"
NS = {"s": "http://www.w3.org/2000/svg"}


def test_the_front_ends_copy_is_current():
    assert style.STYLE_JSON == JS / "style.json"
    assert (JS / "style.json").read_text(encoding="utf-8") == style.json_text(), (
        "js/style.json is stale: run `python -m causal_magic.style` and `npm run build`"
    )


def test_role_colours_are_the_graphs():
    roles = style.as_json()["colors"]["roles"]
    assert roles["default"] == ROLE_COLORS[None]
    assert {k: v for k, v in roles.items() if k != "default"} == {
        k: v for k, v in ROLE_COLORS.items() if k is not None
    }


def test_the_widget_carries_the_same_values():
    w = DagWidget(nx.DiGraph([("A", "B")]))
    state = w.get_state()
    assert state["radius"] == style.NODE_RADIUS
    assert state["font_size"] == style.FONT_SIZE
    assert state["role_colors"] == style.as_json()["colors"]["roles"]


def _static_svg() -> ET.Element:
    G = nx.DiGraph([("Z", "X"), ("X", "Y"), ("Z", "Y"), ("U", "Y"), ("W", "Y")])
    G.nodes["X"]["role"] = "treatment"
    G.nodes["Y"]["role"] = "outcome"
    G.nodes["U"]["role"] = "latent"
    G.nodes["W"]["role"] = "adjusted"
    add_bidirected(G, "Z", "W")
    pos = {n: (i * 120.0, (i % 2) * 90.0) for i, n in enumerate(G)}
    overlay = {"causal": [["X", "Y"]], "biasing": [["Z", "Y"]], "minimal": ["Z"]}
    marks = [{"a": "Z", "b": "W", "text": "Z ⫫ W"}]
    text = render_svg(drawing_data(G, pos), title="T", overlay=overlay, fit_marks=marks)
    return ET.fromstring(text)


def test_the_static_svg_draws_with_style_values():
    root = _static_svg()
    paths = {p.get("data-source", "") + ">" + p.get("data-target", ""): p for p in root.iter()}
    assert float(paths["X>Y"].get("stroke-width")) == style.CAUSAL_WIDTH
    assert paths["Z>Y"].get("stroke-dasharray") == style.BIASING_DASH
    assert float(paths["Z>Y"].get("stroke-width")) == style.BIASING_WIDTH
    assert float(paths["Z>X"].get("stroke-width")) == style.EDGE_WIDTH
    bi = root.find(".//s:path[@data-a]", NS)
    assert bi.get("stroke-dasharray") == style.BIDIRECTED_DASH
    fit = root.find(".//s:path[@class='cm-fit-mark']", NS)
    assert fit.get("stroke-dasharray") == style.FIT_DASH
    assert float(fit.get("stroke-width")) == style.FIT_WIDTH
    glyph = root.find(".//s:g[@class='cm-fit-mark-group']/s:circle", NS)
    assert float(glyph.get("r")) == style.FIT_GLYPH_RADIUS
    circles = [float(c.get("r")) for c in root.iterfind(".//s:g[@data-id]/s:circle", NS)]
    assert set(circles) == {style.NODE_RADIUS, style.NODE_RADIUS + style.RING_GAP}
    latent = root.find(".//s:g[@data-id='U']/s:circle", NS)
    assert latent.get("stroke-dasharray") == style.LATENT_DASH
    marker = root.find(".//s:marker", NS)
    assert marker.get("viewBox") == style.MARKER["viewBox"]
    assert marker.find("s:path", NS).get("d") == style.MARKER["path"]
    label = root.find(".//s:g[@data-id='X']/s:text", NS)
    assert float(label.get("font-size")) == style.FONT_SIZE


CASES = json.loads((JS / "geometry-cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES["edgeEndpoints"])
def test_edge_endpoints_match_the_shared_cases(case):
    assert edge_endpoints(*case["args"]) == pytest.approx(case["out"], abs=1e-6)


@pytest.mark.parametrize("case", CASES["bidirectedPath"])
def test_bidirected_paths_match_the_shared_cases(case):
    assert bidirected_path(*case["a"], *case["b"], case["r"]) == case["d"]


@pytest.mark.parametrize("case", CASES["fitMarkShape"])
def test_fit_marks_match_the_shared_cases(case):
    d, mx, my = fit_mark_shape(*case["a"], *case["b"], case["r"])
    assert d == case["d"]
    assert math.isclose(mx, case["mx"], abs_tol=1e-6) and math.isclose(my, case["my"], abs_tol=1e-6)


@pytest.mark.parametrize("case", CASES["bounds"])
def test_bounds_match_the_shared_cases(case):
    nodes = [{"x": x, "y": y} for x, y in case["nodes"]]
    assert bounds(nodes, case["r"]) == pytest.approx(case["out"])


@pytest.mark.parametrize("case", CASES["routePath"])
def test_routed_edges_match_the_shared_cases(case):
    assert route_path(case["a"], case["inner"], case["b"], case["r"]) == case["d"]


@pytest.mark.parametrize("case", CASES["routeLabelPoint"])
def test_routed_edge_labels_match_the_shared_cases(case):
    assert route_label_point(case["a"], case["inner"], case["b"]) == pytest.approx(case["out"])


@pytest.mark.parametrize("case", CASES["boundsNamed"])
def test_bounds_with_name_widths_match_the_shared_cases(case):
    nodes = [{"x": x, "y": y, "w": w} for x, y, w in case["nodes"]]
    assert bounds(nodes, case["r"]) == pytest.approx(case["out"])
