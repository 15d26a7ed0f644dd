"""Layout: layered causal order by default, force as an option, stored pos respected."""

from __future__ import annotations

import itertools
import math
import random

import networkx as nx
import pytest

from causal_magic.graph import add_bidirected
from causal_magic.layout import (
    DEFAULT_SCALE,
    TARGET_SPACING,
    choose_scale,
    force_layout,
    layered_layout,
    positions,
    read_pos,
)


def random_dag(n: int, p: float, seed: int) -> nx.DiGraph:
    rng = random.Random(seed)
    G = nx.DiGraph()
    G.add_nodes_from(range(n))
    G.add_edges_from((i, j) for i in range(n) for j in range(i + 1, n) if rng.random() < p)
    return G


@pytest.mark.parametrize("seed", range(8))
def test_every_edge_points_downward(seed):
    G = random_dag(40, 0.08, seed)
    pos = layered_layout(G)
    assert all(pos[u][1] < pos[v][1] for u, v in G.edges)


def test_nodes_in_a_layer_keep_their_distance():
    G = nx.DiGraph([("R", c) for c in "abcdefgh"])
    pos = layered_layout(G)
    xs = sorted(pos[c][0] for c in "abcdefgh")
    assert min(b - a for a, b in itertools.pairwise(xs)) >= 1.0


def test_layout_is_deterministic_and_centred():
    G = random_dag(30, 0.1, 3)
    assert layered_layout(G) == layered_layout(G.copy())
    xs = [x for x, _ in layered_layout(G).values()]
    assert min(xs) == pytest.approx(-max(xs))


def test_hidden_bidirected_nodes_are_not_laid_out():
    G = nx.DiGraph([("A", "B")])
    hidden = add_bidirected(G, "A", "B")
    assert hidden not in layered_layout(G)
    assert hidden not in positions(G)


def test_a_cycle_made_in_python_does_not_break_the_layout():
    G = nx.DiGraph([("A", "B"), ("B", "C"), ("C", "A"), ("C", "D")])
    pos = layered_layout(G)
    assert set(pos) == {"A", "B", "C", "D"}
    assert pos["D"][1] > pos["C"][1]


def test_stored_pos_is_respected():
    G = nx.DiGraph([("A", "B")])
    G.nodes["A"]["pos"] = (0.5, -1.2)
    G.nodes["B"]["pos"] = "3,4"  # DAGitty's string form
    assert positions(G) == {"A": (0.5, -1.2), "B": (3.0, 4.0)}


def test_previous_positions_keep_nodes_still_when_another_is_added():
    G = nx.DiGraph([("A", "B")])
    first = positions(G)
    G.add_edge("B", "C")
    second = positions(G, previous=first)
    assert second["A"] == first["A"] and second["B"] == first["B"]
    assert second["C"][1] > second["B"][1], "the new child lands below its parent"


def test_a_new_node_does_not_land_on_a_placed_one():
    G = nx.DiGraph([("A", "B"), ("A", "C")])
    G.nodes["A"]["pos"] = (0.0, 0.0)
    G.nodes["B"]["pos"] = (0.0, 1.0)
    pos = positions(G)
    assert math.dist(pos["C"], pos["B"]) >= 0.5
    assert math.dist(pos["C"], pos["A"]) >= 0.5


def test_force_layout_keeps_fixed_nodes_and_places_the_rest():
    G = nx.DiGraph([("A", "B"), ("B", "C")])
    G.nodes["A"]["pos"] = (5.0, 5.0)
    pos = positions(G, layout="force")
    assert pos["A"] == (5.0, 5.0)
    assert set(pos) == {"A", "B", "C"}
    free = force_layout(nx.DiGraph([("A", "B")]))
    assert free["A"] != free["B"]


def test_unknown_layout_is_refused():
    with pytest.raises(ValueError, match="layered, force"):
        positions(nx.DiGraph(), layout="grid")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ((1, 2), (1.0, 2.0)),
        ("0.5,-1.2", (0.5, -1.2)),
        ([3, "4"], (3.0, 4.0)),
        ("x,y", None),
        ((1, 2, 3), None),
        ((math.inf, 0), None),
        (None, None),
    ],
)
def test_read_pos(value, expected):
    assert read_pos(value) == expected


def test_scale_makes_stored_positions_about_target_spacing_apart():
    G = nx.DiGraph([("A", "B"), ("B", "C")])
    assert choose_scale(G) == DEFAULT_SCALE
    for i, n in enumerate("ABC"):
        G.nodes[n]["pos"] = (0.0, i * 250.0)  # pixel-like units from another tool
    assert choose_scale(G) * 250.0 == pytest.approx(TARGET_SPACING)


def test_500_nodes_lay_out_with_downward_edges():
    G = random_dag(500, 0.004, 1)
    pos = layered_layout(G)
    assert len(pos) == 500
    assert all(pos[u][1] < pos[v][1] for u, v in G.edges)


# -- issue 12 §2: a layout fit to print ---------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from causal_magic.layout import in_pixels, passes_under, plan, wrap_label  # noqa: E402
from causal_magic.layout.labels import text_width  # noqa: E402
from causal_magic.layout.layered import (  # noqa: E402
    _build,
    _pair_crossings,
    assign_layers,
    crossings,
    order_rows,
)
from causal_magic.style import NODE_RADIUS  # noqa: E402

MATERNAL = [
    "Maternal smoking during pregnancy",
    "Maternal age at delivery",
    "Access to prenatal care",
    "Maternal education level",
]


def _drawn(G: nx.DiGraph):
    """The widget's picture of G: node px and edge routes (what both drawings draw)."""
    p = plan(G)
    return in_pixels(G, p, DEFAULT_SCALE)


@given(
    st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), max_size=25, unique=True),
    st.permutations(range(6)),
    st.permutations(range(6)),
)
def test_crossing_count_is_the_brute_force_count(edges, top, bottom):
    index = [0] * 12
    for i, n in enumerate(top):
        index[n] = i
    for i, n in enumerate(bottom):
        index[6 + n] = i
    down = [[6 + b for a2, b in edges if a2 == a] for a in range(6)] + [[] for _ in range(6)]
    brute = sum(
        1
        for (a, b), (c, d) in itertools.combinations(edges, 2)
        if (index[a] - index[c]) * (index[6 + b] - index[6 + d]) < 0
    )
    assert _pair_crossings(list(range(6)), index, down, 6) == brute


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 6), st.integers(0, 10**6))
def test_layers_have_the_least_total_edge_length(n, seed):
    G = random_dag(n, 0.5, seed)
    nodes = list(G.nodes)
    layer = assign_layers(G, nodes)
    assert all(layer[v] > layer[u] for u, v in G.edges)
    ours = sum(layer[v] - layer[u] for u, v in G.edges)
    best = min(
        sum(L[v] - L[u] for u, v in G.edges)
        for L in (dict(zip(nodes, ks, strict=True)) for ks in itertools.product(range(n), repeat=n))
        if all(L[v] > L[u] for u, v in G.edges)
    )
    assert ours == best


@pytest.mark.parametrize("seed", range(6))
def test_trees_are_drawn_without_crossings(seed):
    T = nx.random_labeled_tree(25, seed=seed)
    G = nx.bfs_tree(T, 0)  # edges point away from the root
    nodes = list(G.nodes)
    grid, _chains = _build(G, nodes, assign_layers(G, nodes))
    order_rows(grid)
    index = [0] * len(grid.up)
    for row in grid.rows:
        for i, x in enumerate(row):
            index[x] = i
    assert crossings(grid, index) == 0


def test_the_sim_graphs_age_to_y_does_not_run_under_x():
    G = nx.DiGraph([(c, t) for c in ("Age", "Income", "Region") for t in ("X", "Y")])
    G.add_edge("X", "Y")
    pos, routes = _drawn(G)
    for e in G.edges:
        assert passes_under(pos, e, routes.get(e, []), NODE_RADIUS) == [], e


@pytest.mark.parametrize(("n", "seed"), [(30, 1), (30, 2), (45, 3), (60, 4)])
def test_no_edge_passes_under_a_node_it_does_not_touch(n, seed):
    G = random_dag(n, 2.8 / n, seed)
    pos, routes = _drawn(G)
    under = {e: passes_under(pos, e, routes.get(e, []), NODE_RADIUS) for e in G.edges}
    assert {e: ns for e, ns in under.items() if ns} == {}


def test_an_edge_between_placed_nodes_goes_round_the_node_between_them():
    G = nx.DiGraph([("A", "B"), ("B", "C"), ("A", "C")])
    for i, n in enumerate("ABC"):
        G.nodes[n]["pos"] = (0.0, float(i))  # one column: A -> C would run under B
    pos, routes = _drawn(G)
    assert routes.get(("A", "C")), "A -> C is routed"
    assert passes_under(pos, ("A", "C"), routes[("A", "C")], NODE_RADIUS) == []


def test_long_names_in_one_row_do_not_overlap():
    G = nx.DiGraph([("Infant health", m) for m in MATERNAL])
    G = G.reverse()  # the four names in the top row, one child
    pos, _routes = _drawn(G)
    from causal_magic.layout import label_boxes

    boxes = label_boxes(G, list(G.nodes))
    for a, b in itertools.combinations(G.nodes, 2):
        (ax, ay), (bx, by) = pos[a], pos[b]
        apart_x = abs(ax - bx) >= (boxes[a][0] + boxes[b][0]) / 2
        apart_y = abs(ay - by) >= (boxes[a][1] + boxes[b][1]) / 2
        assert apart_x or apart_y, (a, b)


def test_a_long_name_wraps_at_spaces_and_an_endless_one_is_shortened():
    lines, short = wrap_label("Maternal smoking during pregnancy")
    assert lines == ["Maternal smoking ", "during pregnancy"] and not short
    lines, short = wrap_label("Supercalifragilisticexpialidocious_variable_name_here")
    assert short and lines[0].endswith("\u2026") and text_width(lines[0]) <= 160
    lines, short = wrap_label(" ".join(["word"] * 40))
    assert short and len(lines) == 3 and lines[-1].endswith("\u2026")
    assert wrap_label("Signal\nProc") == (["Signal", "Proc"], False)


def test_wide_letters_measure_wider_than_narrow_ones():
    assert text_width("WWWW") > text_width("MMM") > text_width("iiii") > 0


@pytest.mark.parametrize(("n", "least_px"), [(200, 14), (500, 8)])
def test_a_big_graph_fills_its_view(n, least_px):
    from causal_magic.svg import bounds
    from causal_magic.widget import DagWidget

    G = random_dag(n, 1.4 / (n / 2), 5)
    w = DagWidget(G)
    x0, y0, x1, y1 = bounds(w.nodes)
    width, height = 900 - 24, w.height - 24  # the view (a typical output area) less margins
    k = min(width / (x1 - x0), height / (y1 - y0))
    filled = ((x1 - x0) * k * (y1 - y0) * k) / (width * height)
    assert filled > 0.45, f"the drawing fills {filled:.0%} of the view"
    assert 2 * NODE_RADIUS * k >= least_px, f"nodes are {2 * NODE_RADIUS * k:.1f} px wide at fit"
    w.close()


# -- issue 11: extreme positions ------------------------------------------------------------

_coord = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -1e308, 1e-308, 5e-324, 1e6, -1e6 - 1, 1e-12, 0.0]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_coord, _coord), min_size=2, max_size=5))
def test_every_position_and_view_box_is_finite_whatever_the_text_says(coords):
    import json
    import re

    from causal_magic.widget import DagWidget

    G = nx.DiGraph()
    names = [f"N{i}" for i in range(len(coords))]
    for name, (x, y) in zip(names, coords, strict=True):
        G.add_node(name, pos=f"{x!r},{y!r}")
    G.add_edges_from(itertools.pairwise(names))
    w = DagWidget(G)
    state = {k: getattr(w, k) for k in ("nodes", "edges", "bidirected", "scale", "height")}
    json.dumps(state, allow_nan=False)  # valid JSON: no NaN, no Infinity
    assert 0 < w.scale < math.inf
    box = re.search(r'viewBox="([^"]+)"', w.to_svg()).group(1).split()
    assert all(math.isfinite(float(v)) for v in box)
    bad = [n for n, (x, y) in zip(names, coords, strict=True) if read_pos((x, y)) is None]
    if bad:
        assert "pos ignored" in w.message and bad[0] in w.message
    w.handle_message({"type": "edit", "op": "move", "id": names[0], "x": 10.0, "y": 20.0})
    json.dumps([w.nodes, w.edges], allow_nan=False)
    w.close()


def test_huge_positions_in_a_cell_are_ignored_and_later_cells_work(ip):
    ip.run_cell_magic("dag", "G", 'A [pos="1e308,1e308"]\nB [pos="-1e308,0"]\nA -> B')
    ip.run_cell_magic("dag", "H", "X -> Y")  # issue 11: a ZeroDivisionError followed here
    from causal_magic import sync

    (w,) = sync.widgets_for(ip.user_ns["G"])
    assert "pos ignored for A, B" in w.message
    assert all(math.isfinite(n["x"]) and math.isfinite(n["y"]) for n in w.nodes)


def test_tiny_spacing_gives_a_finite_scale():
    G = nx.DiGraph([("A", "B")])
    G.nodes["A"]["pos"] = (0.0, 0.0)
    G.nodes["B"]["pos"] = (0.0, 1e-300)
    assert math.isfinite(choose_scale(G) * 1e6)


# -- re-running a %%dag cell keeps positions -------------------------------------------------


def _px(w) -> dict[str, tuple[float, float]]:
    return {n["id"]: (n["x"], n["y"]) for n in w.nodes}


def test_rerunning_a_cell_keeps_dragged_and_shown_positions(ip):
    from causal_magic import sync

    ip.run_cell_magic("dag", "G", "A -> B\nA -> C")
    (w,) = sync.widgets_for(ip.user_ns["G"])
    assert (
        w.handle_message({"type": "edit", "op": "move", "id": "A", "x": 333.0, "y": -40.0}) is None
    )
    before = _px(w)
    ip.run_cell_magic("dag", "G", "A -> B\nA -> C\nC -> D")  # one node more
    views = sync.widgets_for(ip.user_ns["G"])  # the old view followed; the new one shows
    assert w in views and _px(views[-1]) == _px(w)
    after = _px(w)
    k = after["A"][0] / before["A"][0] if before["A"][0] else 1.0  # the view may rescale
    for n in "ABC":
        assert after[n] == pytest.approx((before[n][0] * k, before[n][1] * k), abs=0.5), n
    assert "D" in after


def test_positions_in_the_text_win_over_the_old_ones(ip):
    from causal_magic import sync

    ip.run_cell_magic("dag", "G", "A -> B")
    ip.run_cell_magic("dag", "G", 'A [pos="5,5"]\nA -> B')
    assert ip.user_ns["G"].nodes["A"]["pos"] in ((5.0, 5.0), "5,5", [5.0, 5.0])
    for w in sync.widgets_for(ip.user_ns["G"]):
        assert {n["id"] for n in w.nodes} == {"A", "B"}


def test_dragging_a_node_keeps_the_routes_of_edges_it_does_not_touch():
    from causal_magic.widget import DagWidget

    G = random_dag(30, 0.1, 2)
    w = DagWidget(G)
    before = {(e["source"], e["target"]): e.get("route") for e in w.edges}
    moved = w.nodes[0]["id"]
    assert (
        w.handle_message({"type": "edit", "op": "move", "id": moved, "x": -900.0, "y": 0.0}) is None
    )
    after = {(e["source"], e["target"]): e.get("route") for e in w.edges}
    untouched = [e for e in before if moved not in e and before[e]]
    assert untouched, "the graph has routed edges away from the moved node"
    for e in untouched:
        flat = [v for point in before[e] for v in point]
        assert [v for point in after[e] or [] for v in point] == pytest.approx(flat, abs=0.5), e
    w.close()


def test_routes_do_not_grow_when_a_node_is_dragged_onto_another():
    from causal_magic.dsl import parse_dag

    """A node on an edge's end cannot be gone round; redraws must not pile up detours."""
    from causal_magic.widget import DagWidget

    G = parse_dag("X [treatment]\nY [outcome]\nZ -> X -> Y\nZ -> Y\nW -> Y")
    w = DagWidget(G)
    z = next(n for n in w.nodes if n["id"] == "Z")
    w.handle_message({"type": "edit", "op": "move", "id": "X", "x": z["x"] + 1, "y": z["y"]})
    sizes = [len(e.get("route") or ()) for e in w.edges]
    for _ in range(3):
        w.refresh()
        assert [len(e.get("route") or ()) for e in w.edges] == sizes
    assert max(sizes) <= 6
    w.close()
