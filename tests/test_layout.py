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
