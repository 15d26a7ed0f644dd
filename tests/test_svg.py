"""The static SVG: same positions and colours as the widget, safe with any node name."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from causal_magic.graph import ROLE_COLORS, add_bidirected
from causal_magic.svg import (
    BIASING_COLOR,
    CAUSAL_COLOR,
    bidirected_path,
    drawing_data,
    edge_endpoints,
    render_svg,
    render_tikz,
    side_by_side,
)

NS = {"s": "http://www.w3.org/2000/svg"}


def draw(G: nx.DiGraph, **kw) -> ET.Element:
    pos = {n: (i * 100.0, i * 80.0) for i, n in enumerate(G)}
    return ET.fromstring(render_svg(drawing_data(G, pos), **kw))


def test_nodes_are_circles_in_their_role_colour_with_their_name():
    G = nx.DiGraph([("Gear", "Sound")])
    G.nodes["Gear"]["role"] = "treatment"
    root = draw(G, title="GAS")
    gear = root.find(".//s:g[@data-id='Gear']", NS)
    assert gear.get("data-role") == "treatment"
    assert gear.find("s:circle", NS).get("fill") == ROLE_COLORS["treatment"]
    assert "".join(gear.find("s:text", NS).itertext()) == "Gear"
    # Not colour alone: a "T" badge, and the name and role as the node's tooltip.
    assert gear.find("s:g[@class='cm-badge']/s:text", NS).text == "T"
    assert gear.find("s:title", NS).text == "Gear: treatment"
    sound = root.find(".//s:g[@data-id='Sound']", NS)
    assert sound.find("s:circle", NS).get("fill") == ROLE_COLORS[None]
    assert "GAS" in "".join(root.itertext())


def test_user_strings_are_escaped_text_never_markup():
    G = nx.DiGraph([("<script>alert(1)</script>", 'quote"s & more')])
    G.edges["<script>alert(1)</script>", 'quote"s & more']["label"] = "<b>x</b>"
    svg = render_svg(drawing_data(G, {n: (0.0, i * 50.0) for i, n in enumerate(G)}), title="<i>")
    assert "<script>" not in svg and "<b>" not in svg and "<i>" not in svg
    root = ET.fromstring(svg)  # still well-formed
    assert root.find(".//s:g[@data-id='<script>alert(1)</script>']", NS) is not None


def test_multi_line_names_become_tspans():
    G = nx.DiGraph()
    G.add_node("Signal\nProc")
    root = draw(G)
    spans = root.findall(".//s:g/s:text/s:tspan", NS)
    assert [s.text for s in spans] == ["Signal", "Proc"]


def test_bidirected_is_a_dashed_two_headed_curve_not_a_node():
    G = nx.DiGraph([("A", "B")])
    hidden = add_bidirected(G, "A", "B")
    data = drawing_data(G, {"A": (0.0, 0.0), "B": (100.0, 0.0)})
    assert [n["id"] for n in data["nodes"]] == ["A", "B"]
    assert data["edges"] == [{"source": "A", "target": "B", "label": ""}]
    assert data["bidirected"] == [{"id": hidden, "a": "A", "b": "B", "label": ""}]
    root = ET.fromstring(render_svg(data))
    path = root.find(".//s:path[@data-a='A']", NS)
    assert path.get("stroke-dasharray") and path.get("marker-start") and path.get("marker-end")
    assert "Q" in path.get("d")
    assert root.find(f".//s:g[@data-id='{hidden}']", NS) is None


def test_a_bidirected_label_sits_on_the_arc_as_in_the_widget():
    from causal_magic.style import BEND, CURVE_LABEL_RISE

    G = nx.DiGraph([("A", "B")])
    add_bidirected(G, "A", "B")
    data = drawing_data(G, {"A": (0.0, 0.0), "B": (100.0, 0.0)})
    data["bidirected"][0]["label"] = "u"
    root = ET.fromstring(render_svg(data))
    text = next(t for t in root.iter("{http://www.w3.org/2000/svg}text") if t.text == "u")
    # js/geometry.js labelPoint(a, b, true): the quadratic's middle, CURVE_LABEL_RISE above
    control_y = BEND * 100.0
    assert float(text.get("x")) == pytest.approx(50.0, abs=0.1)
    assert float(text.get("y")) == pytest.approx(0.5 * control_y - CURVE_LABEL_RISE, abs=0.1)


def test_latent_nodes_are_hollow_and_dashed_and_adjusted_nodes_ringed():
    G = nx.DiGraph([("U", "Y"), ("Z", "Y")])
    G.nodes["U"]["role"] = "latent"
    G.nodes["Z"]["role"] = "adjusted"
    root = draw(G)
    u = root.find(".//s:g[@data-id='U']/s:circle", NS)
    assert u.get("fill") == "#ffffff" and u.get("stroke-dasharray")
    assert len(root.findall(".//s:g[@data-id='Z']/s:circle", NS)) == 2


def test_overlay_styles_differ_by_line_not_only_colour():
    G = nx.DiGraph([("T", "X"), ("T", "Y"), ("X", "Y")])
    overlay = {"causal": [["X", "Y"]], "biasing": [["T", "X"], ["T", "Y"]], "minimal": ["T"]}
    root = draw(G, overlay=overlay)
    causal = root.find(".//s:path[@data-source='X'][@data-target='Y']", NS)
    biasing = root.find(".//s:path[@data-source='T'][@data-target='X']", NS)
    assert causal.get("stroke") == CAUSAL_COLOR and not causal.get("stroke-dasharray")
    assert biasing.get("stroke") == BIASING_COLOR and biasing.get("stroke-dasharray")
    assert float(causal.get("stroke-width")) > float(biasing.get("stroke-width"))
    assert len(root.findall(".//s:g[@data-id='T']/s:circle", NS)) == 2


def test_arrow_ends_on_the_target_circle():
    sx, sy, ex, ey = edge_endpoints(0, 0, 30, 40, 10, 10)
    assert math.dist((sx, sy), (0, 0)) == 10
    assert math.isclose(math.dist((ex, ey), (30, 40)), 10)


def test_bidirected_curve_starts_and_ends_on_the_circles():
    d = bidirected_path(0, 0, 200, 0, 20)
    start, rest = d[1:].split("Q")
    sx, sy = map(float, start.split(","))
    ex, ey = map(float, rest.split(" ")[1].split(","))
    assert math.isclose(math.dist((sx, sy), (0, 0)), 20, abs_tol=0.1)
    assert math.isclose(math.dist((ex, ey), (200, 0)), 20, abs_tol=0.1)


def test_side_by_side_is_one_well_formed_svg():
    a = render_svg(drawing_data(nx.DiGraph([("A", "B")]), {"A": (0, 0), "B": (0, 100)}))
    b = render_svg(drawing_data(nx.DiGraph([("C", "D")]), {"C": (0, 0), "D": (0, 100)}))
    root = ET.fromstring(side_by_side([a, b]))
    inner = root.findall("s:svg", NS)
    assert len(inner) == 2 and float(inner[1].get("x")) > 0


def test_a_row_wider_than_the_page_scales_down_instead_of_being_cut():
    a = render_svg(drawing_data(nx.DiGraph([("A", "B")]), {"A": (0, 0), "B": (0, 100)}))
    root = ET.fromstring(side_by_side([a, a, a, a]))
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert "max-width:100%" in root.get("style")


def test_explicit_size_is_used():
    root = draw(nx.DiGraph([("A", "B")]), width=330, height=320)
    assert (root.get("width"), root.get("height")) == ("330", "320")


def test_tikz_escapes_names_and_draws_bidirected_edges_bent():
    G = nx.DiGraph([("Gear_1", "Sound & 100%")])
    G.add_node("Signal\nProc", role="latent")
    add_bidirected(G, "Gear_1", "Signal\nProc")
    data = drawing_data(G, {n: (0.0, i * 100.0) for i, n in enumerate(G)})
    tex = render_tikz(data)
    assert r"{Gear\_1}" in tex and r"{Sound \& 100\%}" in tex and r"{Signal\\Proc}" in tex
    assert "[dashed]" in tex and "<->, dashed, bend left" in tex
    assert tex.count("\\draw[->]") == 1


# -- issue 12 §2: the static SVG draws the widget's positions and routes -------------------


def test_the_static_svg_bends_each_edge_along_the_widgets_route():
    import random
    import re

    from causal_magic.svg import route_path
    from causal_magic.widget import DagWidget

    rng = random.Random(4)
    G = nx.DiGraph()
    G.add_edges_from(
        (f"V{a}", f"V{b}") for a in range(30) for b in range(a + 1, 30) if rng.random() < 0.1
    )
    w = DagWidget(G)
    at = {n["id"]: (n["x"], n["y"]) for n in w.nodes}
    svg = w.to_svg()
    routed = 0
    for e in w.edges:
        d = route_path(at[e["source"]], e.get("route", []), at[e["target"]], w.radius)
        pattern = (
            f'<path d="{re.escape(d)}"[^>]*data-source="{e["source"]}" data-target="{e["target"]}"'
        )
        assert re.search(pattern, svg), e
        routed += bool(e.get("route"))
    assert routed > 0, "some edges of a 30-node graph are routed"
    w.close()


def test_a_shortened_name_shows_whole_on_hover_and_wrapped_names_are_drawn_in_lines():
    from causal_magic.widget import DagWidget

    long = "a_variable_name_far_too_long_to_draw_whole_in_a_node_label"
    G = nx.DiGraph([("Maternal smoking during pregnancy", long)])
    w = DagWidget(G)
    svg = w.to_svg()
    assert f"<title>{long}</title>" in svg
    assert ">Maternal smoking </tspan>" in svg and ">during pregnancy</tspan>" in svg
    node = next(n for n in w.nodes if n["id"] == long)
    assert node["short"] and node["label"] == long and node["lines"][0].endswith("\u2026")
    w.close()


def test_an_escaped_name_stays_text_when_wrapped():
    from causal_magic.widget import DagWidget

    G = nx.DiGraph([("<b>bold</b> & a very long name with <script> in it", "Y")])
    svg = DagWidget(G).to_svg()
    assert "<script>" not in svg and "<b>" not in svg and "&lt;script&gt;" in svg
