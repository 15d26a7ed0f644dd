"""The d-separation explorer (`explain_paths`) against a brute-force oracle and networkx.

The oracle enumerates every simple path of the skeleton with networkx (not the module's
own search) and applies the textbook rules; the verdict must agree exactly with
``networkx.is_d_separator`` on random DAGs with latent nodes and ``<->`` edges.
"""

from __future__ import annotations

import itertools

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import causal_magic as cm
from causal_magic.graph import add_bidirected, is_hidden
from causal_magic.identify import IdentificationError, explain_paths


@st.composite
def graphs(draw, max_nodes=7):
    n = draw(st.integers(2, max_nodes))
    names = [f"v{i}" for i in range(n)]
    G = nx.DiGraph()
    G.add_nodes_from(names)
    for i, j in itertools.combinations(range(n), 2):
        if draw(st.booleans()) and draw(st.booleans()):
            G.add_edge(names[i], names[j])
    for v in names:
        if draw(st.integers(0, 5)) == 0:
            G.nodes[v]["role"] = "latent"
    pairs = list(itertools.combinations(names, 2))
    for a, b in draw(st.lists(st.sampled_from(pairs), max_size=3, unique=True)):
        if not G.has_edge(a, b):
            add_bidirected(G, a, b)
    return G


def oracle_open(G, p, Z) -> bool:
    """Textbook rule on one path: colliders in or above Z, every other node outside Z."""
    for i in range(1, len(p) - 1):
        u, v, w = p[i - 1], p[i], p[i + 1]
        collider = G.has_edge(u, v) and G.has_edge(w, v)
        if collider:
            if not ({v} | nx.descendants(G, v)) & Z:
                return False
        elif v in Z:
            return False
    return True


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(), st.data())
def test_open_paths_and_verdict_match_brute_force_and_networkx(G, data):
    drawn = [n for n in G if not is_hidden(G, n)]
    a, b = data.draw(st.lists(st.sampled_from(drawn), min_size=2, max_size=2, unique=True))
    rest = [n for n in drawn if n not in (a, b)]
    Z = set(data.draw(st.lists(st.sampled_from(rest), unique=True))) if rest else set()
    e = explain_paths(G, a, b, given=sorted(Z), limit=10_000)
    H = G.to_undirected()
    every = {tuple(p) for p in nx.all_simple_paths(H, a, b)}
    assert {p.nodes for p in e.paths} == every
    assert not e.truncated
    assert {p.nodes for p in e.paths if p.open} == {p for p in every if oracle_open(G, p, Z)}
    assert e.separated == nx.is_d_separator(G, {a}, {b}, Z)
    assert e.separated == (not any(p.open for p in e.paths))
    for p in e.paths:
        assert p.reason.startswith("open: " if p.open else "blocked: ")
        assert all(G.has_edge(u, v) for u, v in p.edges())


def seed_graph():
    return cm.parse_dag(
        "Talent -> Practice -> Sound; Talent -> Sound; Sound -> Applause; Luck -> Applause"
    )


def test_conditioning_on_a_fork_blocks_the_back_door_path_and_says_so():
    e = explain_paths(seed_graph(), "Practice", "Sound", given=["Talent"])
    by = {str(p): p for p in e.paths}
    assert by["Practice <- Talent -> Sound"].reason == "blocked: Talent is conditioned on (a fork)"
    assert not by["Practice <- Talent -> Sound"].open
    assert by["Practice -> Sound"].open


def test_conditioning_on_a_chain_node_is_called_a_chain():
    e = explain_paths(seed_graph(), "Talent", "Applause", given=["Sound"])
    assert all(not p.open for p in e.paths)
    assert "blocked: Sound is conditioned on (a chain)" in {p.reason for p in e.paths}
    assert e.separated


def test_a_collider_opens_when_its_descendant_is_conditioned_on():
    G = cm.parse_dag("Talent -> Sound; Practice -> Sound; Sound -> Applause")
    closed = explain_paths(G, "Talent", "Practice")
    assert closed.separated
    assert closed.paths[0].reason == (
        "blocked: Sound is a collider and neither it nor a descendant is conditioned on"
    )
    opened = explain_paths(G, "Talent", "Practice", given="Applause")
    assert not opened.separated
    assert opened.paths[0].reason == (
        "open: Sound is a collider and Applause, its descendant, is conditioned on"
    )
    assert "d-connected given {Applause}: 1 open path." in repr(opened)


def test_a_bidirected_edge_is_one_hidden_common_cause_on_the_path():
    G = cm.parse_dag("X -> Y; X <-> Y")
    e = explain_paths(G, "X", "Y")
    hidden = [p for p in e.paths if len(p.nodes) == 3]
    assert len(hidden) == 1 and is_hidden(G, hidden[0].nodes[1])
    assert hidden[0].open and hidden[0].arrows == ("<-", "->")


def test_the_listing_is_capped_but_the_verdict_stays_exact():
    G = nx.DiGraph()
    for i in range(6):  # 2**6 paths from a to b through six diamonds
        G.add_edges_from([(f"n{i}", f"l{i}"), (f"n{i}", f"r{i}")])
        G.add_edges_from([(f"l{i}", f"n{i + 1}"), (f"r{i}", f"n{i + 1}")])
    e = explain_paths(G, "n0", "n6", limit=5)
    assert len(e.paths) == 5 and e.truncated and not e.separated
    assert "only the first 5 paths" in repr(e)


def test_html_display_escapes_user_names():
    G = nx.DiGraph([("<b>x</b>", "y")])
    out = explain_paths(G, "<b>x</b>", "y")._repr_html_()
    assert "<b>x</b>" not in out  # the name is never markup
    assert "&lt;b&gt;x&lt;/b&gt;" in out


@pytest.mark.parametrize(
    ("a", "b", "given_", "words"),
    [
        ("Talent", "Nope", (), "not a node"),
        ("Talent", "Talent", (), "two different nodes"),
        ("Talent", "Sound", ("Talent",), "cannot also be given"),
        ("Talent", "Sound", ("Sond",), "did you mean 'Sound'"),
    ],
)
def test_bad_questions_are_refused_with_what_and_where(a, b, given_, words):
    with pytest.raises(IdentificationError, match=words):
        explain_paths(seed_graph(), a, b, given=given_)
