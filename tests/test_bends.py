"""Bent edges: DAGitty's edge ``pos`` (a quadratic's control point) through the text, the
``bend``/``straighten`` edits, undo, moves, the drawings.  The browser gesture itself is
tested in tests/browser/test_bend.py; the live geometry in js/bends.test.js."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from IPython.core.interactiveshell import InteractiveShell

from causal_magic import sync
from causal_magic.dsl import DagSyntaxError, parse_dag, to_dagitty, to_dot, to_dsl
from causal_magic.graph import add_bidirected
from causal_magic.layout import POS_LIMIT
from causal_magic.layout.bends import carry, clipped, control_from_handle, handle_of, point_at
from causal_magic.svg import bent_path, render_svg, render_tikz
from causal_magic.widget import DagWidget

CASES = json.loads(
    (Path(__file__).resolve().parents[1] / "js" / "bend-cases.json").read_text(encoding="utf-8")
)


@pytest.fixture(autouse=True)
def _close_widgets():
    yield
    for w in sync.live_widgets():
        w.close()


def placed() -> nx.DiGraph:
    """A -> B -> C on a line, A -> C under B (so the layout routes it round B)."""
    return parse_dag('A [pos="0,0"]\nB [pos="2,0"]\nC [pos="4,0"]\nA -> B -> C\nA -> C')


def edit(w: DagWidget, op: str, **payload) -> str | None:
    return w.handle_message({"type": "edit", "op": op, **payload})


def drawn(w: DagWidget, u: str, v: str) -> dict:
    return next(e for e in w.edges if (e["source"], e["target"]) == (u, v))


def px(w: DagWidget, n: str) -> tuple[float, float]:
    d = next(d for d in w.nodes if d["id"] == n)
    return (d["x"], d["y"])


# -- geometry: the cases the live drawing passes too ---------------------------------------


@pytest.mark.parametrize("case", CASES["bentPath"])
def test_bent_paths_match_the_shared_cases(case):
    assert bent_path(case["a"], case["c"], case["b"], case["r"]) == case["d"]


@pytest.mark.parametrize("case", CASES["handle"])
def test_handles_match_the_shared_cases(case):
    assert handle_of(case["a"], case["c"], case["b"]) == pytest.approx(case["out"])


@pytest.mark.parametrize("case", CASES["controlFromHandle"])
def test_controls_from_handles_match_the_shared_cases(case):
    assert control_from_handle(case["a"], case["h"], case["b"]) == pytest.approx(case["out"])


@pytest.mark.parametrize("case", CASES["carry"])
def test_carried_bends_match_the_shared_cases(case):
    got = carry(case["c"], case["a"], case["b"], case["a2"], case["b2"])
    assert got == pytest.approx(case["out"])


coord = st.floats(-1000, 1000, allow_nan=False)
pt = st.tuples(coord, coord)


@settings(deadline=None, max_examples=200)
@given(a=pt, h=pt, b=pt)
def test_the_curve_passes_through_the_dropped_handle_at_its_middle(a, h, b):
    c = control_from_handle(a, h, b)
    assert point_at(a, c, b, 0.5) == pytest.approx(h, abs=1e-6)
    assert handle_of(a, c, b) == pytest.approx(h, abs=1e-6)


@settings(deadline=None, max_examples=200)
@given(a=pt, c=pt, b=pt)
def test_the_drawn_piece_is_the_curve_outside_both_circles(a, c, b):
    r = 26
    start, q, end = clipped(a, c, b, r)
    if math.dist(point_at(a, c, b, 0.5), a) >= r and math.dist(point_at(a, c, b, 0.5), b) >= r:
        assert math.dist(start, a) == pytest.approx(r, abs=1e-6)
        assert math.dist(end, b) == pytest.approx(r, abs=1e-6)
    # the piece is the same curve: its own middle is on the full curve
    mid = point_at(start, q, end, 0.5)
    nearest = min(math.dist(mid, point_at(a, c, b, k / 4000)) for k in range(4001))
    assert nearest < 1.0


@settings(deadline=None, max_examples=200)
@given(c=pt, a=pt, b=pt, a2=pt, b2=pt)
def test_a_carried_bend_keeps_its_place_relative_to_the_ends(c, a, b, a2, b2):
    if math.dist(a, b) < 1 or math.dist(a2, b2) < 1:
        return
    # the ends themselves map onto the new ends, and the control's distances scale alike
    assert carry(a, a, b, a2, b2) == pytest.approx(a2, abs=1e-6)
    assert carry(b, a, b, a2, b2) == pytest.approx(b2, abs=1e-6)
    c2 = carry(c, a, b, a2, b2)
    k = math.dist(a2, b2) / math.dist(a, b)
    assert math.dist(c2, a2) == pytest.approx(k * math.dist(c, a), rel=1e-6, abs=1e-6)
    assert math.dist(c2, b2) == pytest.approx(k * math.dist(c, b), rel=1e-6, abs=1e-6)


# -- the text: DAGitty's edge pos -------------------------------------------------------


def test_dagitty_edge_pos_is_read_as_the_bend_numbers():
    # as dagitty.net exports a bent edge (GraphSerializer: pos with three decimals)
    G = parse_dag(
        'dag {\nA [pos="0.000,0.000"]\nB [pos="2.000,0.000"]\nA -> B [pos="1.000,1.500"]\n}'
    )
    assert G.edges["A", "B"]["pos"] == (1.0, 1.5)


def test_to_dagitty_writes_the_bend_as_dagitty_does_and_reads_it_back():
    G = placed()
    G.edges["A", "C"]["pos"] = (2.0, 1.25)
    G.edges["A", "C"]["label"] = "direct"
    text = to_dagitty(G)
    assert 'A -> C [pos="2,1.25",label="direct"]' in text.splitlines()
    H = parse_dag(text)
    assert H.edges["A", "C"] == {"pos": (2.0, 1.25), "label": "direct"}
    assert sorted(H.edges(data=True)) == sorted(G.edges(data=True))


@pytest.mark.parametrize("write", [to_dagitty, to_dsl, to_dot])
def test_every_writer_round_trips_bends_on_directed_and_bidirected_edges(write):
    G = placed()
    G.edges["A", "B"]["pos"] = (1.0, -0.5)
    h = add_bidirected(G, "B", "C")
    G.edges[h, "B"]["pos"] = G.edges[h, "C"]["pos"] = (3.0, 0.75)
    H = parse_dag(write(G))
    assert H.edges["A", "B"]["pos"] == (1.0, -0.5)
    assert H.edges[h, "B"]["pos"] == (3.0, 0.75)


def test_a_bend_set_as_dagittys_string_from_python_is_written_as_numbers():
    G = placed()
    G.edges["A", "B"]["pos"] = "1.5,-2"
    assert 'A -> B [pos="1.5,-2"]' in to_dagitty(G)


@pytest.mark.parametrize("bad", ["1", "1,x", "nan,1", "1,2,3", "inf,0"])
def test_a_bad_edge_pos_is_refused_with_its_place(bad):
    with pytest.raises(DagSyntaxError) as err:
        parse_dag(f'A -> B [pos="{bad}"]')
    assert "pos must be two numbers" in str(err.value)
    assert "line 1, column 13" in str(err.value)


def test_a_legacy_edge_bend_is_the_same_numbers():
    H = parse_dag("x E\ny O\nz 1\n\nx y @0.1,0.2 z")
    assert H.edges["x", "y"]["pos"] == (0.1, 0.2)
    assert 'x -> y [pos="0.1,0.2"]' in to_dagitty(H)


# -- the bend edit -------------------------------------------------------------------------


def test_bending_an_edge_stores_the_control_point_whose_curve_passes_the_drop():
    G = placed()
    w = DagWidget(G)
    assert drawn(w, "A", "C")["route"]  # A -> C would pass under B: routed round it
    (ax, ay), (cx, cy) = px(w, "A"), px(w, "C")
    assert edit(w, "bend", source="A", target="C", x=(ax + cx) / 2, y=ay + 80) is None
    s = w.scale
    control = tuple(p * s for p in G.edges["A", "C"]["pos"])
    assert handle_of((ax, ay), control, (cx, cy)) == pytest.approx(
        ((ax + cx) / 2, ay + 80), abs=0.1
    )
    e = drawn(w, "A", "C")
    assert e["bend"] == pytest.approx(list(control), abs=0.01)
    assert "route" not in e  # the user's bend overrides the automatic route round B
    assert w.dirty and not w.structure_changed  # a bend is a position: no text area
    # straightened, the edge goes round B again
    assert edit(w, "straighten", source="A", target="C") is None
    assert "bend" not in drawn(w, "A", "C") and drawn(w, "A", "C")["route"]


def test_a_bend_on_an_unplaced_graph_writes_every_position():
    G = nx.DiGraph([("A", "B"), ("B", "C")])
    w = DagWidget(G)
    (ax, ay), (bx, by) = px(w, "A"), px(w, "B")
    assert edit(w, "bend", source="A", target="B", x=(ax + bx) / 2 + 40, y=(ay + by) / 2) is None
    assert all("pos" in G.nodes[n] for n in G)  # else the text could not place the bend
    H = parse_dag(to_dagitty(G))
    assert H.edges["A", "B"]["pos"] == G.edges["A", "B"]["pos"]


HOSTILE = [
    ({"source": "A", "target": "Z", "x": 1, "y": 1}, "no node 'Z'"),
    ({"source": "C", "target": "A", "x": 1, "y": 1}, "no edge C -> A"),
    ({"source": "A", "target": "B", "x": float("nan"), "y": 1}, "'x' must be a finite"),
    ({"source": "A", "target": "B", "x": 1, "y": float("inf")}, "'y' must be a finite"),
    ({"source": "A", "target": "B", "x": 10**400, "y": 1}, "'x' must be a finite"),
    ({"source": "A", "target": "B", "x": 1e308, "y": 1}, "'x' must be a finite"),
    ({"source": "A", "target": "B", "x": "10", "y": 1}, "'x' must be a number"),
    ({"source": "A", "target": "B", "x": True, "y": 1}, "'x' must be a number"),
    ({"source": "A", "target": "B", "x": 1}, "'y' must be a number"),
    ({"source": 3, "target": "B", "x": 1, "y": 1}, "'source' must be a node name"),
    ({"target": "B", "x": 1, "y": 1}, "'source' must be a node name"),
]


@pytest.mark.parametrize(("payload", "says"), HOSTILE)
def test_a_bad_bend_message_is_refused_and_changes_nothing(payload, says):
    G = placed()
    w = DagWidget(G)
    before, px_before = sync.fingerprint(G), dict(w._px)
    sent = []
    w.send = sent.append
    w._on_msg(w, {"type": "edit", "op": "bend", **payload})
    assert says in w.message
    assert sync.fingerprint(G) == before and w._px == px_before
    assert not w.can_undo
    assert sent == [{"type": "ack"}]  # answered, so the view does not wait


def test_a_bend_of_a_hidden_bidirected_edge_is_refused():
    G = placed()
    h = add_bidirected(G, "A", "C")
    w = DagWidget(G)
    before = sync.fingerprint(G)
    assert "no node" in edit(w, "bend", source=h, target="A", x=1, y=1)
    assert sync.fingerprint(G) == before


def test_a_bend_far_outside_the_drawing_is_refused():
    G = nx.DiGraph()
    G.add_node("A", pos=(0, 0))
    G.add_node("B", pos=(1e-3, 0))  # tiny units: a large scale would be chosen...
    G.add_edge("A", "B")
    w = DagWidget(G)
    w.scale = 1e-4  # ...so force the smallest: 1e7 px is 1e11 units
    before = sync.fingerprint(G)
    refusal = edit(w, "bend", source="A", target="B", x=9e6, y=9e6)
    assert refusal and f"±{POS_LIMIT:.0e}" in refusal and "unchanged" in refusal
    assert sync.fingerprint(G) == before


def test_a_read_only_view_refuses_bends_and_straightening():
    G = placed()
    G.edges["A", "B"]["pos"] = (1.0, 1.0)
    w = DagWidget(G, readonly=True)
    before = sync.fingerprint(G)
    assert "read-only" in edit(w, "bend", source="A", target="C", x=50, y=50)
    assert "read-only" in edit(w, "straighten", source="A", target="B")
    assert sync.fingerprint(G) == before


# -- undo, straighten, moves, deletes ---------------------------------------------------------


def test_undo_and_redo_take_a_bend_back_and_forth():
    G = placed()
    w = DagWidget(G)
    edit(w, "bend", source="A", target="C", x=110, y=90)
    bent = G.edges["A", "C"]["pos"]
    assert edit(w, "undo") is None
    assert "pos" not in G.edges["A", "C"] and "bend" not in drawn(w, "A", "C")
    assert edit(w, "redo") is None
    assert G.edges["A", "C"]["pos"] == bent and "bend" in drawn(w, "A", "C")


def test_straighten_removes_the_bend_and_undo_brings_it_back():
    G = placed()
    G.edges["A", "B"]["pos"] = (1.0, 1.0)
    w = DagWidget(G)
    assert "bend" in drawn(w, "A", "B")
    assert edit(w, "straighten", source="A", target="B") is None
    assert "pos" not in G.edges["A", "B"] and "bend" not in drawn(w, "A", "B")
    assert "A -> B\n" in to_dagitty(G)
    assert edit(w, "undo") is None
    assert G.edges["A", "B"]["pos"] == (1.0, 1.0)


def test_straightening_a_straight_edge_is_refused():
    G = placed()
    w = DagWidget(G)
    before = sync.fingerprint(G)
    assert edit(w, "straighten", source="A", target="B") == "the edge A -> B is not bent"
    assert sync.fingerprint(G) == before


def test_a_bend_follows_its_moved_node_and_undo_puts_both_back():
    G = placed()
    G.edges["A", "B"]["pos"] = (1.0, 1.0)  # a bump below the middle of A -> B
    w = DagWidget(G)
    s = w.scale
    assert edit(w, "move", id="B", x=0, y=2 * s) is None  # B swings a quarter turn round A
    assert G.nodes["B"]["pos"] == (0.0, 2.0)
    assert G.edges["A", "B"]["pos"] == pytest.approx((-1.0, 1.0), abs=1e-3)
    assert drawn(w, "A", "B")["bend"] == pytest.approx([-s, s], abs=0.1)
    assert edit(w, "undo") is None
    assert G.nodes["B"]["pos"] == (2.0, 0.0) and G.edges["A", "B"]["pos"] == (1.0, 1.0)


def test_moving_an_unrelated_node_leaves_bends_alone():
    G = placed()
    G.edges["A", "B"]["pos"] = (1.0, 1.0)
    w = DagWidget(G)
    assert edit(w, "move", id="C", x=300, y=300) is None
    assert G.edges["A", "B"]["pos"] == (1.0, 1.0)


def test_deleting_a_bent_edge_drops_its_bend():
    G = placed()
    G.edges["A", "B"]["pos"] = (1.0, 1.0)
    w = DagWidget(G)
    assert edit(w, "delete_edge", source="A", target="B") is None
    assert edit(w, "add_edge", source="A", target="B") is None
    assert "pos" not in G.edges["A", "B"]  # a new edge is straight
    edit(w, "undo")
    edit(w, "undo")
    assert G.edges["A", "B"]["pos"] == (1.0, 1.0)


def test_a_new_layout_straightens_every_edge_as_dagitty_does():
    G = placed()
    G.edges["A", "B"]["pos"] = (1.0, 1.0)
    w = DagWidget(G)
    assert edit(w, "relayout", layout="layered") is None
    assert all("pos" not in d for _u, _v, d in G.edges(data=True))
    edit(w, "undo")
    assert G.edges["A", "B"]["pos"] == (1.0, 1.0)


def test_a_bend_survives_renaming_an_end():
    G = placed()
    G.edges["A", "B"]["pos"] = (1.0, 1.0)
    w = DagWidget(G)
    assert edit(w, "rename", id="B", new="Bee") is None
    assert G.edges["A", "Bee"]["pos"] == (1.0, 1.0)


# -- Python owns the truth: a bend set from Python redraws ---------------------------------


def test_a_bend_set_from_python_in_a_cell_redraws_the_widget():
    shell = InteractiveShell.instance()
    sync.register(shell)
    try:
        G = placed()
        shell.user_ns["G"] = G
        w = DagWidget(G, name="G")
        assert "bend" not in drawn(w, "A", "C")
        shell.run_cell("G.edges['A', 'C']['pos'] = (2, -1.5)")
        assert drawn(w, "A", "C")["bend"] == pytest.approx([2 * w.scale, -1.5 * w.scale])
        assert "route" not in drawn(w, "A", "C")
        shell.run_cell("del G.edges['A', 'C']['pos']")
        assert "bend" not in drawn(w, "A", "C")
    finally:
        sync.unregister(shell)
        shell.user_ns.pop("G", None)


def test_an_unusable_bend_from_python_is_drawn_straight():
    G = placed()
    G.edges["A", "B"]["pos"] = ("x", float("nan"))
    w = DagWidget(G)
    assert "bend" not in drawn(w, "A", "B")
    json.dumps(w.edges, allow_nan=False)


# -- the drawings --------------------------------------------------------------------------


def test_the_static_svg_draws_the_bent_curve_and_frames_it():
    G = placed()
    G.edges["A", "B"]["pos"] = (1.0, 6.0)  # far below the row of nodes
    w = DagWidget(G)
    svg = w.to_svg()
    a, b, c = px(w, "A"), px(w, "B"), drawn(w, "A", "B")["bend"]
    d = re.search(r'<path d="([^"]*)"[^>]*data-source="A" data-target="B"', svg)[1]
    assert d == bent_path(a, c, b, 26) and "Q" in d
    _x, vb_y, _w, vb_h = (float(v) for v in re.search(r'viewBox="([^"]*)"', svg)[1].split())
    assert vb_y + vb_h >= handle_of(a, c, b)[1]  # the curve's middle is in the picture


def test_tikz_draws_a_bent_edge_with_dagittys_cubic_controls():
    data = {
        "nodes": [
            {"id": "A", "label": "A", "x": 0, "y": 0},
            {"id": "B", "label": "B", "x": 300, "y": 0},
        ],
        "edges": [{"source": "A", "target": "B", "label": "", "bend": [150, 150]}],
        "bidirected": [],
    }
    tikz = render_tikz(data, scale=100)
    assert r"\draw[->] (n0) .. controls (1.00, -1.00) and (2.00, -1.00) .. (n1);" in tikz


def test_render_svg_without_bends_is_unchanged_by_the_bend_code():
    data = {
        "nodes": [
            {"id": "A", "label": "A", "x": 0, "y": 0},
            {"id": "B", "label": "B", "x": 100, "y": 0},
        ],
        "edges": [{"source": "A", "target": "B", "label": ""}],
        "bidirected": [],
    }
    assert 'd="M26.0,0.0L74.0,0.0"' in render_svg(data)


# -- <-> edges bend the same way (DAGitty keeps a pos on them too) -------------------------


def with_bidirected() -> tuple[nx.DiGraph, str]:
    G = placed()
    G.remove_edge("A", "C")
    return G, add_bidirected(G, "A", "C")


def test_bending_a_bidirected_edge_writes_the_pos_on_both_hidden_edges():
    G, h = with_bidirected()
    w = DagWidget(G)
    (ax, ay), (cx, cy) = px(w, "A"), px(w, "C")
    assert edit(w, "bend", a="C", b="A", x=(ax + cx) / 2, y=ay - 60) is None
    c = G.edges[h, "A"]["pos"]
    assert G.edges[h, "C"]["pos"] == c
    control = (c[0] * w.scale, c[1] * w.scale)
    assert handle_of((ax, ay), control, (cx, cy)) == pytest.approx(
        ((ax + cx) / 2, ay - 60), abs=0.1
    )
    entry = w.bidirected[0]
    assert entry["bend"] == pytest.approx(list(control), abs=0.01)
    assert f'A <-> C [pos="{c[0]:g},{c[1]:g}"]' in to_dagitty(G)
    H = parse_dag(to_dagitty(G))
    assert H.edges[h, "A"]["pos"] == c
    d = re.search(r'<path d="([^"]*)"[^>]*data-a="A" data-b="C"', w.to_svg())[1]
    assert d == bent_path(px(w, "A"), entry["bend"], px(w, "C"), 26)


def test_a_bidirected_bend_follows_a_moved_end_and_straightens():
    G, h = with_bidirected()
    G.edges[h, "A"]["pos"] = G.edges[h, "C"]["pos"] = (2.0, -2.0)
    w = DagWidget(G)
    assert "bend" in w.bidirected[0]
    assert edit(w, "move", id="C", x=8 * w.scale, y=0) is None  # C twice as far from A
    assert G.edges[h, "A"]["pos"] == pytest.approx((4.0, -4.0), abs=1e-3)
    assert G.edges[h, "C"]["pos"] == G.edges[h, "A"]["pos"]
    assert edit(w, "straighten", a="A", b="C") is None
    assert "pos" not in G.edges[h, "A"] and "pos" not in G.edges[h, "C"]
    assert "bend" not in w.bidirected[0]
    assert edit(w, "straighten", a="A", b="C") == "the edge A <-> C is not bent"
    edit(w, "undo")
    edit(w, "undo")
    assert G.edges[h, "A"]["pos"] == (2.0, -2.0) and G.nodes["C"]["pos"] == (4.0, 0.0)


@pytest.mark.parametrize(
    ("payload", "says"),
    [
        ({"a": "A", "b": "B", "x": 1, "y": 1}, "no edge A <-> B"),
        ({"a": "A", "x": 1, "y": 1}, "'b' must be a node name"),
        ({"a": "A", "b": "C", "x": float("nan"), "y": 1}, "'x' must be a finite"),
    ],
)
def test_a_bad_bidirected_bend_is_refused_and_changes_nothing(payload, says):
    G, _h = with_bidirected()
    w = DagWidget(G)
    before = sync.fingerprint(G)
    assert says in edit(w, "bend", **payload)
    assert sync.fingerprint(G) == before
