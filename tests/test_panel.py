"""The widget panel's lists (causal_magic.panel) and the explorer's message, in Python.

Each list is checked against the engine's own answer or a known truth, and each is capped.
"""

from __future__ import annotations

import json
import math

import networkx as nx
import pytest

import causal_magic as cm
from causal_magic import panel
from causal_magic.identify import explain_paths, instrumental_variables
from causal_magic.widget import DagWidget


def two_sets_graph():
    # X <- A -> B -> Y and X <- ... : {A} and {B} both block the only back-door path
    return cm.parse_dag("A -> X; A -> B; B -> Y; X -> Y; X [treatment]; Y [outcome]")


def test_two_minimal_sets_are_both_listed_with_the_one_in_use_marked():
    w = DagWidget(two_sets_graph())
    adj = w.overlay["panel"]["adjustment"]
    assert sorted(adj["items"]) == [["A"], ["B"]]
    assert adj["total"] == 2 and not adj["more"]
    assert adj["items"][adj["in_use"]] == w.overlay["minimal"]


def test_forced_nodes_are_shown_apart_from_the_minimal_set():
    G = cm.parse_dag(
        "Talent -> Gear -> Sound; Talent -> Sound; Practice -> Sound; Gear [treatment]; "
        "Sound [outcome]; Practice [adjusted]"
    )
    adj = DagWidget(G).overlay["panel"]["adjustment"]
    assert adj["forced"] == ["Practice"]
    assert adj["items"] == [["Talent"]]


def test_the_set_list_is_capped_and_counted():
    # k independent back-door paths, each blockable two ways: 2**k minimal sets
    G = nx.DiGraph([("X", "Y")])
    for i in range(5):
        G.add_edges_from([(f"a{i}", "X"), (f"a{i}", f"b{i}"), (f"b{i}", "Y")])
    G.nodes["X"]["role"], G.nodes["Y"]["role"] = "treatment", "outcome"
    adj = DagWidget(G).overlay["panel"]["adjustment"]
    assert len(adj["items"]) == panel.MAX_SETS and adj["total"] == 32


def test_an_instrument_is_listed_for_an_iv_graph():
    G = cm.parse_dag("Z -> X -> Y; X <-> Y; X [treatment]; Y [outcome]")
    ov = DagWidget(G).overlay["panel"]
    assert ov["instruments"] == [{"z": "Z", "given": []}]
    assert instrumental_variables(G, "X", "Y") == [("Z", frozenset())]


def test_implications_are_listed_in_plain_glyphs_with_pair_and_separator():
    G = cm.parse_dag("A -> B -> C; A [treatment]; C [outcome]")
    imp = DagWidget(G).overlay["panel"]["implications"]
    assert imp["items"] == [{"a": "A", "b": "C", "given": ["B"], "text": "A ⊥⊥ C | B"}]
    assert imp["total"] == 1


def test_without_adjustment_the_panel_says_what_identify_effect_says():
    G = cm.parse_dag("X -> M -> Y; X <-> Y; X [treatment]; Y [outcome]")
    beyond = DagWidget(G).overlay["panel"]["beyond"]
    assert beyond["method"] == "frontdoor" and beyond["frontdoor"] == ["M"]
    assert cm.identify_effect(G, "X", "Y").reason == beyond["reason"]
    none = DagWidget(cm.parse_dag("X -> Y; X <-> Y; X [treatment]; Y [outcome]"))
    assert none.overlay["panel"]["beyond"]["method"] == "none"
    assert DagWidget(two_sets_graph()).overlay["panel"]["beyond"] is None


def test_ancestor_view_classes_follow_the_graph():
    G = cm.parse_dag(
        "A -> X; A -> Y; B -> X; C -> Y; X -> M -> Y; Y -> D; E; X [treatment]; Y [outcome]"
    )
    anc = DagWidget(G).overlay["panel"]["ancestry"]
    assert anc == {
        "A": "both",
        "B": "treatment",
        "C": "outcome",
        "M": "causal",
        "D": "irrelevant",
        "E": "irrelevant",
    }


def test_explore_message_is_answered_like_explain_paths_and_follows_edits():
    G = cm.parse_dag("Talent -> Gear -> Sound; Talent -> Sound; Sound -> Applause")
    w = DagWidget(G)
    msg = {"type": "explore", "a": "Gear", "b": "Sound", "given": ["Talent"]}
    assert w.handle_message(msg) is None
    e = explain_paths(G, "Gear", "Sound", ["Talent"])
    assert w.explore["separated"] is e.separated is False
    assert [p["text"] for p in w.explore["paths"]] == [str(p) for p in e.paths]
    assert [p["reason"] for p in w.explore["paths"]] == [p.reason for p in e.paths]
    json.dumps(w.explore)  # all of it travels as JSON
    w.handle_message({"type": "edit", "op": "delete_edge", "source": "Gear", "target": "Sound"})
    assert w.explore["separated"] is True  # recomputed after the edit
    w.handle_message({"type": "edit", "op": "delete_node", "id": "Talent"})
    assert w.explore == {}  # the question named a node that is gone


@pytest.mark.parametrize(
    "msg",
    [
        {"a": "Nope", "b": "Sound"},
        {"a": "Gear", "b": "Gear"},
        {"a": "Gear", "b": "Sound", "given": "Talent"},
        {"a": "Gear", "b": "Sound", "given": ["Gear"]},
        {"a": math.nan, "b": "Sound"},
        {"a": "Gear", "b": "Sound", "given": ["x"] * 1000},
    ],
)
def test_a_bad_explore_message_is_refused_and_changes_nothing(msg):
    G = cm.parse_dag("Talent -> Gear -> Sound; Talent -> Sound")
    w = DagWidget(G)
    w.handle_message({"type": "explore", "a": "Gear", "b": "Sound"})
    before = dict(w.explore)
    assert w.handle_message({"type": "explore", **msg})
    assert w.explore == before and w.message


def test_explore_answers_in_a_readonly_view_too():
    w = DagWidget(two_sets_graph(), readonly=True)
    assert w.handle_message({"type": "explore", "a": "A", "b": "Y", "given": ["B", "X"]}) is None
    assert w.explore["separated"] is True


def test_presenting_mode_makes_the_static_svg_larger_with_the_same_picture():
    from causal_magic.style import PRESENT_SCALE

    G = two_sets_graph()
    plain, big = DagWidget(G).to_svg(), DagWidget(G, present=True).to_svg()

    def size(svg):
        import re

        head = svg.split(">", 1)[0]
        return [float(v) for v in re.findall(r'\b(?:width|height)="([0-9.]+)"', head)]

    assert [round(v * PRESENT_SCALE) for v in size(plain)] == size(big)
    assert plain.split(">", 1)[1] == big.split(">", 1)[1]  # same drawing, legend included
    assert "cm-legend" in big


def test_a_large_graph_skips_live_implications_and_says_so():
    G = nx.DiGraph([(f"v{i}", f"v{i + 1}") for i in range(panel.IMPLICATION_NODES + 5)])
    assert panel.implications(G) == {"items": [], "total": None, "skipped": G.number_of_nodes()}


def test_a_drag_reuses_the_panel_and_a_structural_edit_recomputes_it():
    G = two_sets_graph()
    w = DagWidget(G)
    first = w.overlay["panel"]
    w.handle_message({"type": "edit", "op": "move", "id": "A", "x": 5.0, "y": 7.0})
    assert w.overlay["panel"] is first  # positions only: the cached lists
    w.handle_message({"type": "edit", "op": "add_edge", "source": "A", "target": "Y"})
    assert w.overlay["panel"] is not first
    assert sorted(w.overlay["panel"]["adjustment"]["items"]) == [["A"]]
