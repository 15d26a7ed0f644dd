"""Property tests: any graph survives the writers, and no text crashes the parser."""

from __future__ import annotations

import networkx as nx
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from causal_magic.dsl import DagSyntaxError, parse_dag, to_dagitty, to_dot, to_dsl
from causal_magic.graph import ROLES, GraphError, add_bidirected

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

AWKWARD_NAMES = [
    "graph",
    "node",
    "edge",
    "dag",
    "strict",
    "subgraph",
    "->",
    "<->",
    "A<->B",
    "123",
    "-1",
    "0.5",
    "x-y",
    "a b",
    'say "hi"',
    "back\\slash",
    "\\n",
    "Signal\nProc",
    "tab\there",
    "#hash",
    "Größe",
    "体重",
    "",
    " ",
    "[x]",
    "{",
    ";",
]

text_chars = st.characters(exclude_categories=("Cs",))
names = st.one_of(st.sampled_from(AWKWARD_NAMES), st.text(text_chars, max_size=6))
values = st.one_of(
    st.sampled_from(["-0.3", "1e-05", "a b", 'q"', "\\", "\n", ""]), st.text(text_chars, max_size=5)
)
# Keys that are the graph model itself (role, pos, label, bidirected) are drawn above;
# keys that mean something to the parser when bare must survive as plain attributes.
node_keys = st.one_of(
    st.sampled_from(["observed", "dir", "style", "a", "G", "exposure"]),
    st.text(text_chars, max_size=5),
).filter(lambda k: k not in ("role", "pos", "label", "bidirected"))
# An edge's pos is its bend (DAGitty's control point: two numbers), drawn in dags().
edge_keys = st.one_of(
    st.sampled_from(["role", "dir", "style", "observed", "a", "b", "G"]),
    st.text(text_chars, max_size=5),
).filter(lambda k: k != "pos")
values = st.one_of(st.sampled_from(["no", "both", "dashed", "treatment"]), values)
coords = st.floats(allow_nan=False, allow_infinity=False, width=64)


@st.composite
def dags(draw) -> nx.DiGraph:
    """Random DAGs with awkward names, roles, positions, labels, attributes and ``<->``."""
    order = draw(st.lists(names, min_size=1, max_size=7, unique=True))
    G = nx.DiGraph()
    for n in order:
        attrs = {}
        role = draw(st.sampled_from((None, *ROLES)))
        if role:
            attrs["role"] = role
        if draw(st.booleans()):
            attrs["pos"] = (draw(coords), draw(coords))
        if draw(st.booleans()):
            attrs["label"] = draw(values)
        attrs.update(draw(st.dictionaries(node_keys, values, max_size=2)))
        G.add_node(n, **attrs)
    # Arcs only go forward in `order`, so the graph is acyclic by construction.
    pairs = [(order[i], order[j]) for i in range(len(order)) for j in range(i + 1, len(order))]
    if pairs:
        for u, v in draw(st.lists(st.sampled_from(pairs), max_size=10, unique=True)):
            G.add_edge(u, v, **draw(st.dictionaries(edge_keys, values, max_size=2)))
            if draw(st.booleans()):
                G.edges[u, v]["pos"] = (draw(coords), draw(coords))
        for a, b in draw(st.lists(st.sampled_from(pairs), max_size=2, unique=True)):
            try:
                hidden = add_bidirected(G, a, b)
            except GraphError:
                assume(False)  # a user node already carries the hidden node's name
            attrs = draw(st.dictionaries(edge_keys, values, max_size=1))
            G.edges[hidden, a].update(attrs)
            G.edges[hidden, b].update(attrs)
    return G


def snapshot(G: nx.DiGraph):
    nodes = {n: dict(d) for n, d in G.nodes(data=True)}
    edges = {(u, v): dict(d) for u, v, d in G.edges(data=True)}
    return nodes, edges


@FAST
@given(dags())
def test_random_dags_survive_the_dsl_round_trip(G):
    assert snapshot(parse_dag(to_dsl(G))) == snapshot(G)


@FAST
@given(dags())
def test_random_dags_survive_the_dagitty_round_trip(G):
    assert snapshot(parse_dag(to_dagitty(G))) == snapshot(G)


@FAST
@given(dags())
def test_random_dags_survive_the_dot_round_trip(G):
    assert snapshot(parse_dag(to_dot(G))) == snapshot(G)


@FAST
@given(dags())
def test_writers_are_deterministic(G):
    H = parse_dag(to_dsl(G))
    assert to_dagitty(H) == to_dagitty(G)
    assert to_dsl(parse_dag(to_dsl(H))) == to_dsl(H)


def parses_or_reports(text: str):
    """parse_dag either returns a DAG or raises DagSyntaxError with a usable position."""
    try:
        G = parse_dag(text)
    except DagSyntaxError as err:
        assert err.lineno >= 1 and err.offset >= 1
        assert err.lineno <= text.count("\n") + 1
        assert str(err).startswith(f"line {err.lineno}, column {err.offset}: ")
        return None
    assert nx.is_directed_acyclic_graph(G)
    return G


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=40))
def test_random_text_parses_or_raises_dag_syntax_error(text):
    parses_or_reports(text)


TOKENS = [
    "A",
    "a",
    "G",
    "b2",
    "x.y",
    "é",
    '"q r"',
    '"a\\"b"',
    '"',
    "\\",
    "->",
    "<-",
    "<->",
    "--",
    "@->",
    "<-@",
    "@-@",
    "-",
    "<",
    "@",
    "{",
    "}",
    "[",
    "]",
    ",",
    ";",
    "=",
    "\n",
    " ",
    "#c\n",
    "dag",
    "digraph",
    "strict",
    "pdag",
    "graph",
    "node",
    "edge",
    "subgraph",
    "exposure",
    "outcome",
    "confounder",
    "latent",
    "role",
    '"treatment"',
    "pos",
    '"1,2"',
    '"1;2"',
    "label",
    "-0.3",
    "x-y",
    "bb",
    "observed",
    '"no"',
    "dir",
    "both",
]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=25), st.sampled_from(["", " "]))
def test_token_soup_parses_or_raises_and_what_parses_round_trips(tokens, glue):
    G = parses_or_reports(glue.join(tokens))
    if G is not None and len(G):
        assert snapshot(parse_dag(to_dsl(G))) == snapshot(G)
        assert snapshot(parse_dag(to_dagitty(G))) == snapshot(G)
