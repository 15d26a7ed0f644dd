"""Large graphs stay fast: what the widget skips past a size is said, and given on request.

The speed itself is measured by ``benchmarks/bench_large_graph.py`` (never timed here);
these tests check the behaviour of the size switches with the thresholds lowered, so that
small graphs exercise them.
"""

from __future__ import annotations

import networkx as nx
import pytest

import causal_magic.widget as widget_module
from causal_magic.dsl import parse_dag
from causal_magic.widget import DagWidget

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
