"""Large graphs stay fast: what the widget skips past a size is said, and given on request.

The speed itself is measured by ``benchmarks/bench_large_graph.py`` (never timed here);
these tests check the behaviour of the size switches with the thresholds lowered, so that
small graphs exercise them.
"""

from __future__ import annotations

import importlib
import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import causal_magic.widget as widget_module
from causal_magic import layout
from causal_magic.dsl import parse_dag
from causal_magic.layout import big
from causal_magic.svg import drawing_data
from causal_magic.widget import DagWidget

#: the module (the package's function of the same name shadows it as an attribute)
layered = importlib.import_module("causal_magic.layout.layered")

CONFOUNDED = "X [treatment]\nY [outcome]\nZ -> X -> M -> Y\nZ -> Y\nW -> Z"


@pytest.fixture(autouse=True)
def _close_widgets():
    yield
    for w in widget_module.sync.live_widgets():
        w.close()


def edit(w: DagWidget, op: str, **payload) -> str | None:
    return w.handle_message({"type": "edit", "op": op, **payload})


@pytest.fixture
def small_live_limit(monkeypatch):
    """Graphs of more than 3 edges count as large."""
    monkeypatch.setattr(widget_module, "LIVE_OVERLAY_EDGES", 3)


def test_a_graph_within_the_live_limit_gets_its_overlay_at_once():
    G = parse_dag(CONFOUNDED)
    w = DagWidget(G)
    assert "deferred" not in w.overlay
    assert w.overlay == widget_module.overlay_for(G)
    assert w.overlay["minimal"] == ["Z"] and w.overlay["panel"]["adjustment"]["total"] >= 1


def test_past_the_live_limit_the_overlay_says_it_is_computed_on_request(small_live_limit):
    G = parse_dag(CONFOUNDED)
    w = DagWidget(G)
    assert w.overlay["deferred"] == G.number_of_edges()
    assert w.overlay["treatment"] == ["X"] and w.overlay["outcome"] == ["Y"]
    assert "panel" not in w.overlay  # nothing half-computed is shown
    assert w.overlay["causal"] == [] and w.overlay["minimal"] == []  # not "no set exists"


def test_the_panel_message_computes_the_full_overlay_in_any_mode(small_live_limit):
    G = parse_dag(CONFOUNDED)
    w = DagWidget(G, readonly=True)  # a question, not an edit: read-only views may ask
    assert w.handle_message({"type": "overlay"}) is None
    assert "deferred" not in w.overlay
    assert w.overlay == widget_module.overlay_for(G)


def test_compute_overlay_is_kept_through_a_drag_and_asked_again_after_an_edit(small_live_limit):
    G = parse_dag(CONFOUNDED)
    w = DagWidget(G)
    full = w.compute_overlay()
    assert full == widget_module.overlay_for(G) and full["causal"]
    assert edit(w, "move", id="Z", x=40, y=40) is None
    assert w.overlay == full  # a move changes no structure
    assert edit(w, "add_edge", source="W", target="Y") is None
    assert w.overlay["deferred"] == G.number_of_edges()
    assert w.compute_overlay() == widget_module.overlay_for(G)


def test_compute_overlay_follows_a_change_made_from_python_first(small_live_limit):
    G = parse_dag(CONFOUNDED)
    w = DagWidget(G)
    G.remove_edge("Z", "Y")  # from Python, before the end-of-cell redraw
    assert w.compute_overlay() == widget_module.overlay_for(G)
    assert all((e["source"], e["target"]) != ("Z", "Y") for e in w.edges)


def test_past_the_live_limit_a_graph_without_a_question_has_no_overlay(small_live_limit):
    w = DagWidget(nx.DiGraph([("a", "b"), ("b", "c"), ("c", "d"), ("a", "d")]))
    assert w.overlay == {}


# -- a move rebuilds only what it changes ---------------------------------------------------


def random_dag(draw_edges: list[tuple[int, int]], n: int) -> nx.DiGraph:
    G = nx.DiGraph()
    G.add_nodes_from(f"n{i}" for i in range(n))
    G.add_edges_from((f"n{min(a, b)}", f"n{max(a, b)}") for a, b in draw_edges if a != b)
    return G


def full_drawing(w: DagWidget) -> dict:
    return drawing_data(w.graph, w._px, w._routes)


EDIT = st.one_of(
    st.tuples(st.just("move"), st.integers(0, 13), st.integers(-400, 400)),
    st.tuples(st.just("add_edge"), st.integers(0, 13), st.integers(0, 13)),
    st.tuples(st.just("delete_edge"), st.integers(0, 13), st.integers(0, 13)),
    st.tuples(
        st.just("set_role"), st.integers(0, 13), st.sampled_from([None, "latent", "outcome"])
    ),
    st.tuples(st.just("rename"), st.integers(0, 13), st.integers(0, 99)),
    st.tuples(st.just("delete_node"), st.integers(0, 13), st.none()),
    st.tuples(st.just("label"), st.integers(0, 13), st.sampled_from(["", "A long name here", "B"])),
    st.tuples(st.just("undo"), st.none(), st.none()),
)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(3, 14),
    edges=st.lists(st.tuples(st.integers(0, 13), st.integers(0, 13)), max_size=30),
    steps=st.lists(EDIT, min_size=1, max_size=8),
    checked=st.sampled_from([5000, 0]),  # edges checked against nodes, or the lanes only
)
def test_after_any_edits_the_drawing_equals_a_full_rebuild(n, edges, steps, checked):
    G = random_dag([(a % n, b % n) for a, b in edges], n)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(layout, "MAX_CHECKED_EDGES", checked)
        w = DagWidget(G)
        for op, a, b in steps:
            names = [d["id"] for d in w.nodes] or ["none"]
            node = names[(a or 0) % len(names)]
            if op == "move":
                edit(w, op, id=node, x=b, y=b)
            elif op in ("add_edge", "delete_edge"):
                edit(w, op, source=node, target=names[b % len(names)])
            elif op == "set_role":
                edit(w, op, id=node, role=b)
            elif op == "rename":
                edit(w, op, id=node, new=f"r{b}")
            elif op == "delete_node":
                edit(w, op, id=node)
            elif op == "label" and node in G:  # from Python, then the end-of-cell redraw
                G.nodes[node]["label"] = b
                w.refresh_if_changed()
            elif op == "undo":
                edit(w, op)
            full = full_drawing(w)
            assert (w.nodes, w.edges, w.bidirected) == (
                full["nodes"],
                full["edges"],
                full["bidirected"],
            )


def test_past_the_checked_size_a_move_keeps_the_lanes_of_edges_it_does_not_touch(monkeypatch):
    monkeypatch.setattr(layout, "MAX_CHECKED_EDGES", 0)
    G = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "d"), ("a", "d"), ("x", "y")])
    w = DagWidget(G)
    routed = {(e["source"], e["target"]): e["route"] for e in w.edges if "route" in e}
    assert ("a", "d") in routed  # the long edge has a lane
    assert edit(w, "move", id="y", x=900, y=900) is None
    after = {(e["source"], e["target"]): e.get("route") for e in w.edges}
    assert after[("a", "d")] == routed[("a", "d")]
    assert edit(w, "move", id="a", x=-900, y=0) is None
    assert "route" not in next(e for e in w.edges if (e["source"], e["target"]) == ("a", "d"))


def test_a_move_after_a_change_made_from_python_redraws_everything():
    G = parse_dag(CONFOUNDED)
    w = DagWidget(G)
    G.nodes["W"]["label"] = "Weather"  # from Python, not yet redrawn
    assert edit(w, "move", id="Z", x=10, y=10) is None
    assert any(d["label"] == "Weather" for d in w.nodes)


def test_state_sent_to_the_browser_is_what_ipywidgets_would_send():
    from ipywidgets import Widget

    w = DagWidget(parse_dag(CONFOUNDED))
    sent: list = []
    w._send = lambda msg, buffers=None: sent.append((msg, buffers))
    w.send_state()
    Widget.send_state(w)
    ours, theirs = sent
    assert ours[0]["state"] == theirs[0]["state"] and ours[0]["buffer_paths"] == []
    assert ours[1] == theirs[1] == []


# -- the layered layout of a big grid --------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-50, 50), st.sampled_from([0.01, 1.0, 2.0, 3.5, 8.0]), st.floats(0, 3)),
        min_size=1,
        max_size=14,
    ),
    st.integers(1, 4),
)
def test_pooling_all_rows_at_once_equals_the_exact_isotonic_regression(items, rows):
    desired = [d for d, _w, _g in items]
    weights = [w for _d, w, _g in items]
    cut = sorted({len(items) * k // rows for k in range(rows)})  # row starts
    expected: list[float] = []
    shift = np.zeros(len(items))
    for a, b in zip(cut, [*cut[1:], len(items)], strict=True):
        gaps = [g for _d, _w, g in items[a + 1 : b]]
        expected += layered._isotonic(desired[a:b], weights[a:b], gaps)
        shift[a:b] = np.concatenate([[0.0], np.cumsum(gaps)])
    first = np.zeros(len(items), dtype=bool)
    first[cut] = True
    got = big._pool(np.array(desired) - shift, np.array(weights), first) + shift
    assert np.allclose(got, expected, atol=1e-7)


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(2, 25),
    edges=st.lists(st.tuples(st.integers(0, 24), st.integers(0, 24)), max_size=60),
)
def test_the_big_grid_pass_keeps_every_gap_and_every_edge_pointing_down(n, edges):
    G = random_dag([(a % n, b % n) for a, b in edges], n)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(layered, "BIG_GRID", 0)  # every grid is big
        plan = layout.layered_plan(G)
    for u, v in G.edges:
        assert plan.pos[u][1] < plan.pos[v][1]
    rows: dict[float, list[float]] = {}
    for x, y in plan.pos.values():
        rows.setdefault(y, []).append(x)
    for xs in rows.values():
        xs.sort()
        assert all(b - a >= 0.19 - 1e-6 for a, b in itertools.pairwise(xs))  # a circle apart


def test_a_big_grid_is_placed_as_well_as_the_exact_pass_places_it():
    """Same objective (weight x squared x-distance over the grid's edges) within 2%."""
    rng = np.random.default_rng(3)
    G = nx.DiGraph()
    G.add_nodes_from(range(300))
    for _ in range(900):
        i = int(rng.integers(0, 299))
        G.add_edge(i, min(299, i + 1 + int(rng.exponential(8))))
    nodes = list(G)
    boxes = layout.label_boxes(G, nodes)
    half_of = {n: boxes[n][0] / 200 for n in nodes}
    grid, _ = layered._build(G, nodes, layered.assign_layers(G, nodes))
    layered.order_rows(grid)
    half = [half_of[n] for n in nodes] + [0.0] * (len(grid.up) - len(nodes))

    def objective(x: list[float]) -> float:
        w = layered.WEIGHTS
        return sum(
            w[(a >= grid.n_real) + (b >= grid.n_real)] * (x[a] - x[b]) ** 2
            for a, lows in enumerate(grid.down)
            for b in lows
        )

    exact = layered.assign_x(grid, half, 0.2, 0.1)
    fast = big.assign_x_big(grid, half, 0.2, 0.1, layered.WEIGHTS)
    assert objective(fast) <= 1.02 * objective(exact)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 19), min_size=2, max_size=7), max_size=12),
    st.lists(st.floats(-20, 20), min_size=20, max_size=20),
    st.lists(st.floats(0.0, 0.5), min_size=20, max_size=20),
)
def test_routes_of_a_big_grid_are_the_ones_edge_by_edge_bending_gives(chains, xs, halves):
    y_of = [float(i) for i in range(20)]  # each chain steps down one row a point
    chains = [sorted(set(c)) for c in chains if len(set(c)) >= 2]
    drop = [h / 2 for h in halves]
    got = big.lane_routes(chains, xs, y_of, halves, drop)
    for chain, inner in zip(chains, got, strict=True):
        points = [(xs[c], y_of[c]) for c in chain]
        caps = [halves[c] * 0.5 for c in chain]
        expected = layered._bend_ends(points, caps, [drop[c] for c in chain])
        assert len(inner) == len(expected)
        assert np.allclose(inner, expected, atol=1e-4) if inner else True


# -- implied independencies: kept ancestor sets change no answer -----------------------------


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(3, 12),
    edges=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=30),
    latent=st.sets(st.integers(0, 11), max_size=3),
    selected=st.sets(st.integers(0, 11), max_size=1),
)
def test_implied_independencies_with_kept_ancestors_equal_the_searched_ones(
    n, edges, latent, selected
):
    from causal_magic.identify import implied_independencies, separation

    G = random_dag([(a % n, b % n) for a, b in edges], n)
    for i in latent:
        G.nodes[f"n{i % n}"]["role"] = "latent"
    for i in selected - latent:
        G.nodes[f"n{i % n}"]["role"] = "selected"
    kept = [(i.a, i.b, i.given) for i in implied_independencies(G)]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(separation, "_KEPT_ANCESTORS", 0)  # every pair searched, as before
        searched = [(i.a, i.b, i.given) for i in implied_independencies(G)]
    assert kept == searched
