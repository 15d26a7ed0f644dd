"""Behaviour of the %%dag edge language: parsing, errors, writers and round trips."""

from __future__ import annotations

import pickle
import textwrap

import networkx as nx
import pytest

from causal_magic.dsl import (
    DagCycleError,
    DagSyntaxError,
    format_error,
    parse_dag,
    to_dagitty,
    to_dot,
    to_dsl,
)
from causal_magic.graph import ROLES, GraphError, add_bidirected, bidirected_pairs, is_hidden


def roles(G: nx.DiGraph) -> dict:
    return {n: r for n, r in G.nodes(data="role") if r is not None and not is_hidden(G, n)}


def error_of(text: str) -> DagSyntaxError:
    with pytest.raises(DagSyntaxError) as info:
        parse_dag(text)
    return info.value


DAGITTY_NET_EXPORT = """\
dag {
bb="-4.6,-3.4,4.2,3.7"
A [pos="-2.2,-1.5"]
B [pos="1.4,-1.5"]
D [outcome,pos="1.4,1.6"]
E [exposure,pos="-2.2,1.6"]
Z [adjusted,pos="-0.4,0"]
A -> E
A -> Z [beta=-0.3]
B -> D
B -> Z
E -> D
Z -> D
Z -> E
}
"""

ANCHORS_EXAMPLE = """\
dag {
  "carry matches" [exposure]
  cancer [outcome]
  smoking -> {"carry matches" -> cancer}
  A [latent, pos="0.5,-1.2"]
  X <-> Y
}
"""


# -- the seed's graphs ----------------------------------------------------------------


def test_seed_gear_acquisition_graph_G():
    G = parse_dag("Gear [treatment] -> Sound [outcome]")
    assert list(G.nodes) == ["Gear", "Sound"]
    assert list(G.edges) == [("Gear", "Sound")]
    assert roles(G) == {"Gear": "treatment", "Sound": "outcome"}


def test_seed_reality_graph_G2_adds_talent_as_confounder():
    G2 = parse_dag(
        """
        Gear [treatment]
        Sound [outcome]
        Talent [confounder]
        Gear -> Sound
        Talent -> Gear, Sound
        """
    )
    assert list(G2.nodes) == ["Gear", "Sound", "Talent"]
    assert set(G2.edges) == {("Gear", "Sound"), ("Talent", "Gear"), ("Talent", "Sound")}
    assert roles(G2) == {"Gear": "treatment", "Sound": "outcome", "Talent": "confounder"}


def test_seed_recording_graph_G3_with_a_newline_in_a_name():
    G3 = parse_dag(
        r"""
        Talent -> Performance [confounder] -> Recording [confounder]
        Gear -> Recording
        Recording -> "Signal\nProc" [treatment] -> Sound [outcome]
        """
    )
    assert set(G3.nodes) == {"Talent", "Performance", "Gear", "Recording", "Signal\nProc", "Sound"}
    assert set(G3.edges) == {
        ("Talent", "Performance"),
        ("Performance", "Recording"),
        ("Gear", "Recording"),
        ("Recording", "Signal\nProc"),
        ("Signal\nProc", "Sound"),
    }
    assert roles(G3) == {
        "Performance": "confounder",
        "Recording": "confounder",
        "Signal\nProc": "treatment",
        "Sound": "outcome",
    }


# -- constructs -----------------------------------------------------------------------


def test_chain_adds_consecutive_edges():
    assert list(parse_dag("A -> B -> C").edges) == [("A", "B"), ("B", "C")]


def test_left_arrow_points_the_other_way_and_mixes_with_right_arrows():
    G = parse_dag("x <- z -> y")
    assert set(G.edges) == {("z", "x"), ("z", "y")}


def test_comma_lists_on_either_side_of_an_arrow():
    assert set(parse_dag("A -> B, C").edges) == {("A", "B"), ("A", "C")}
    assert set(parse_dag("A, B -> C").edges) == {("A", "C"), ("B", "C")}


def test_groups_connect_every_member():
    assert set(parse_dag("{A B} -> C").edges) == {("A", "C"), ("B", "C")}
    assert set(parse_dag("A -> {B C}").edges) == {("A", "B"), ("A", "C")}
    assert set(parse_dag("{A B} -> {C, D}").edges) == {
        ("A", "C"),
        ("A", "D"),
        ("B", "C"),
        ("B", "D"),
    }


def test_nested_groups_keep_their_inner_edges_like_dagitty():
    G = parse_dag("a -> {b -> {c}}")
    assert set(G.edges) == {("a", "b"), ("a", "c"), ("b", "c")}


def test_newlines_inside_a_group_do_not_end_the_statement():
    G = parse_dag("A -> {\n  B\n  C\n}\nD")
    assert set(G.edges) == {("A", "B"), ("A", "C")}
    assert "D" in G


def test_a_line_ending_with_an_arrow_or_comma_goes_on():
    assert set(parse_dag("A ->\n  B,\n  C").edges) == {("A", "B"), ("A", "C")}


def test_statements_end_at_semicolons_and_newlines():
    G = parse_dag("A -> B; C -> D\nE")
    assert set(G.edges) == {("A", "B"), ("C", "D")}
    assert list(G.nodes) == ["A", "B", "C", "D", "E"]


def test_nodes_keep_the_order_of_first_mention():
    G = parse_dag("Z [outcome]\nY -> Z\nX -> Y\nA")
    assert list(G.nodes) == ["Z", "Y", "X", "A"]


def test_comments_run_to_end_of_line_but_not_inside_quotes():
    G = parse_dag('A -> B  # A causes B\n"#x" -> A # another')
    assert set(G.edges) == {("A", "B"), ("#x", "A")}


def test_bidirected_edge_becomes_one_hidden_latent_node():
    G = parse_dag("X <-> Y\nY <-> X")
    assert bidirected_pairs(G) == [("X<->Y", "X", "Y")]
    assert G.nodes["X<->Y"] == {"role": "latent", "bidirected": True}
    assert not G.has_edge("X", "Y") and not G.has_edge("Y", "X")


def test_node_attributes_roles_pos_label_and_free_keys():
    G = parse_dag('A [latent; pos="0.5,-1.2", label="Ability", color=red, w=-1]')
    assert G.nodes["A"] == {
        "role": "latent",
        "pos": (0.5, -1.2),
        "label": "Ability",
        "color": "red",
        "w": "-1",
    }


@pytest.mark.parametrize(
    ("word", "role"),
    [
        ("treatment", "treatment"),
        ("exposure", "treatment"),
        ("e", "treatment"),
        ("source", "treatment"),
        ("o", "outcome"),
        ("target", "outcome"),
        ("a", "adjusted"),
        ("l", "latent"),
        ("unobserved", "latent"),
        ("u", "latent"),
        ("s", "selected"),
        ("Confounder", "confounder"),
        ("mediator", "mediator"),
    ],
)
def test_role_spellings_map_to_canonical_roles(word, role):
    assert parse_dag(f"X [{word}]").nodes["X"]["role"] == role


def test_role_key_value_is_read_as_a_role():
    assert parse_dag('X [role="confounder"]').nodes["X"]["role"] == "confounder"


def test_same_role_twice_is_fine():
    G = parse_dag("X [exposure, treatment]\nX [e] -> Y")
    assert G.nodes["X"]["role"] == "treatment"


def test_attributes_after_a_chain_apply_to_all_its_edges():
    G = parse_dag('A -> B, C [label="+", beta=-0.3]')
    for v in ("B", "C"):
        assert G.edges["A", v] == {"label": "+", "beta": "-0.3"}
    assert "label" not in G.nodes["C"]


def test_attributes_before_an_arrow_belong_to_the_node():
    G = parse_dag('X [e] -> M [pos="1,2"] -> Y [o]')
    assert roles(G) == {"X": "treatment", "Y": "outcome"}
    assert G.nodes["M"]["pos"] == (1.0, 2.0)
    assert G.edges["M", "Y"] == {}


def test_attributes_on_bidirected_edges_reach_both_hidden_arcs():
    G = parse_dag("X <-> Y [label=U, a=1, b=2, G=3]")
    assert G.edges["X<->Y", "X"] == {"label": "U", "a": "1", "b": "2", "G": "3"}
    assert G.edges["X<->Y", "Y"] == G.edges["X<->Y", "X"]


def test_unicode_letters_and_digits_are_bare_names():
    G = parse_dag("Größe -> 体重 -> x_1.2 -> 42")
    assert list(G.nodes) == ["Größe", "体重", "x_1.2", "42"]


def test_quoted_names_take_escapes():
    G = parse_dag(r'"say \"hi\"" -> "back\\slash" -> "two\nlines"')
    assert list(G.nodes) == ['say "hi"', "back\\slash", "two\nlines"]


def test_a_lone_node_can_be_declared():
    G = parse_dag("Lonely")
    assert list(G.nodes) == ["Lonely"] and G.number_of_edges() == 0


def test_quoted_reserved_words_are_ordinary_names():
    assert set(parse_dag('"graph" -> "node"').edges) == {("graph", "node")}


def test_wrappers_dag_named_strict_and_digraph():
    assert parse_dag("dag { A -> B }").graph == {}
    assert parse_dag("dag Smoking { A -> B }").graph["name"] == "Smoking"
    assert set(parse_dag("strict dag {A -> B}").edges) == {("A", "B")}
    assert set(parse_dag("STRICT Dag {A -> B}").edges) == {("A", "B")}
    assert parse_dag('digraph "my g" {\n  A -> B;\n}').graph["name"] == "my g"


def test_empty_dag_wrapper_gives_an_empty_graph():
    assert len(parse_dag("dag {}")) == 0


def test_graph_attributes_are_stored_on_the_graph():
    G = parse_dag('bb="0,0,1,1"\ngraph [rankdir=LR]\nnode [shape=box]\nA')
    assert G.graph == {"bb": "0,0,1,1", "rankdir": "LR", "node": {"shape": "box"}}


def test_dagitty_net_export_parses_unchanged():
    G = parse_dag(DAGITTY_NET_EXPORT)
    assert G.graph == {"bb": "-4.6,-3.4,4.2,3.7"}
    assert list(G.nodes) == ["A", "B", "D", "E", "Z"]
    assert roles(G) == {"D": "outcome", "E": "treatment", "Z": "adjusted"}
    assert G.nodes["Z"]["pos"] == (-0.4, 0.0)
    assert G.edges["A", "Z"] == {"beta": "-0.3"}
    assert G.number_of_edges() == 7


def test_dagitty_manual_example_with_carry_matches():
    G = parse_dag(ANCHORS_EXAMPLE)
    assert roles(G) == {"carry matches": "treatment", "cancer": "outcome", "A": "latent"}
    assert G.nodes["A"]["pos"] == (0.5, -1.2)
    visible = {(u, v) for u, v in G.edges if not is_hidden(G, u)}
    assert visible == {
        ("smoking", "carry matches"),
        ("smoking", "cancer"),
        ("carry matches", "cancer"),
    }
    assert bidirected_pairs(G) == [("X<->Y", "X", "Y")]


def test_r_style_one_liner():
    G = parse_dag("dag{ x -> y; x <- z -> y }")
    assert set(G.edges) == {("x", "y"), ("z", "x"), ("z", "y")}


def test_dagitty_juxtaposed_statements_and_group_attributes():
    G = parse_dag("dag { {x[e]} <- a -> m <- b -> {y[o]} }")
    assert roles(G) == {"x": "treatment", "y": "outcome"}
    assert set(G.edges) == {("a", "x"), ("a", "m"), ("b", "m"), ("b", "y")}
    G = parse_dag(" strict Dag { x y ; z \n q }")
    assert list(G.nodes) == ["x", "y", "z", "q"]


def test_dagitty_pos_with_spaces_and_flags_without_separators():
    G = parse_dag('dag { y [ outcome  pos = " 0.774 , 0.285 " ] }')
    assert G.nodes["y"] == {"role": "outcome", "pos": (0.774, 0.285)}


def test_dot_subgraph_is_a_group_and_its_graph_attributes_are_ignored():
    G = parse_dag('digraph { subgraph cluster_0 { graph [label="A"]; a -> b; } -> c; rankdir=LR; }')
    assert set(G.edges) == {("a", "b"), ("a", "c"), ("b", "c")}
    assert G.graph == {"rankdir": "LR"}


def test_dowhy_dot_conventions_read_as_bidirected_and_latent():
    G = parse_dag('digraph { U [observed="no"]; U -> X; X -> Y [dir=both, style=dashed]; }')
    assert G.nodes["U"]["role"] == "latent"
    assert bidirected_pairs(G) == [("X<->Y", "X", "Y")]
    assert G.edges["X<->Y", "X"] == {}


def test_a_byte_order_mark_is_ignored():
    assert list(parse_dag("\ufeffA -> B").nodes) == ["A", "B"]


# -- errors -----------------------------------------------------------------------------


def test_missing_node_after_arrow_names_what_was_expected():
    err = error_of("A -> B\nC -> }")
    assert (err.lineno, err.offset, err.text) == (2, 6, "C -> }")
    assert "expected a node name" in err.msg and "after '->'" in err.msg and "'}'" in err.msg
    assert str(err) == f"line 2, column 6: {err.msg}"


def test_missing_node_at_end_of_text_points_after_the_arrow():
    err = error_of("A ->\n\n")
    assert (err.lineno, err.offset) == (1, 5)
    assert "end of text" in err.msg


def test_format_error_shows_line_and_caret_under_the_column():
    err = error_of("dag {\n  A -> }\n")
    assert format_error(err) == (
        "line 2, column 8: expected a node name after '->', found '}'\n"
        "  2 |   A -> }\n"
        "    |        ^"
    )
    assert err.format() == format_error(err)


def test_format_error_underlines_the_whole_token():
    err = error_of("A [treatmnt]")
    assert format_error(err).splitlines()[-1] == "    |    ^^^^^^^^"


def test_cycle_is_refused_and_named_at_the_closing_edge():
    err = error_of("A -> B\nB -> C\nC -> A")
    assert isinstance(err, DagCycleError)
    assert "A -> B -> C -> A" in err.msg
    assert (err.lineno, err.offset, err.end_offset) == (3, 3, 5)
    assert err.cycle == ["A", "B", "C", "A"]


def test_two_opposite_arcs_are_a_cycle():
    err = error_of("A -> B\nA <- B")
    assert isinstance(err, DagCycleError)
    assert "A -> B -> A" in err.msg and "the edge B -> A" in err.msg
    assert (err.lineno, err.offset) == (2, 3)


def test_self_loop_is_a_cycle():
    err = error_of("A -> {A B}")
    assert isinstance(err, DagCycleError) and "A -> A" in err.msg


def test_node_cannot_be_bidirected_with_itself():
    err = error_of("X <-> X")
    assert (err.lineno, err.offset) == (1, 3)


def test_unknown_role_lists_valid_roles_and_suggests_one():
    err = error_of("X [treatmnt]")
    assert (err.lineno, err.offset) == (1, 4)
    assert "did you mean 'treatment'" in err.msg
    for word in (*ROLES, "exposure", "unobserved", "target"):
        assert word in err.msg


def test_unknown_role_in_role_key():
    err = error_of('X [role="boss"]')
    assert (err.lineno, err.offset) == (1, 9) and "unknown role 'boss'" in err.msg


def test_two_roles_in_one_bracket_are_refused():
    err = error_of("X [exposure, outcome]")
    assert (err.lineno, err.offset) == (1, 14)
    assert "two roles" in err.msg and "treatment" in err.msg and "outcome" in err.msg


def test_two_roles_across_statements_are_refused_with_the_first_place():
    err = error_of("X [exposure]\nY -> X [o] -> Z")
    assert (err.lineno, err.offset) == (2, 9)
    assert "line 1, column 4" in err.msg


def test_empty_text_is_refused():
    for text in ("", "   \n\t", "# only a comment\n\n# and another"):
        err = error_of(text)
        assert "the graph is empty" in err.msg
        assert err.lineno >= 1 and err.offset >= 1


def test_bad_pos_is_refused_at_its_value():
    err = error_of('A\nB [pos="1;2"]')
    assert (err.lineno, err.offset) == (2, 8) and "pos" in err.msg
    assert error_of('A [pos="nan,1"]').offset == 8
    assert error_of('A [pos="1,2,3"]').offset == 8


@pytest.mark.parametrize("mark", ["--", "@->", "<-@", "@-@", "@--", "--@"])
def test_non_dag_edge_marks_are_refused_at_their_column(mark):
    err = error_of(f"A -> B\nB {mark} C")
    assert (err.lineno, err.offset) == (2, 3)
    assert mark in err.msg and "a DAG cannot hold" in err.msg


@pytest.mark.parametrize("header", ["pdag", "mag", "pag", "graph"])
def test_non_dag_headers_are_refused(header):
    err = error_of(f"\n  {header} {{ A -> B }}")
    assert (err.lineno, err.offset) == (2, 3) and "a DAG cannot hold" in err.msg


def test_reserved_words_must_be_quoted_as_names():
    err = error_of("A -> graph")
    assert (err.lineno, err.offset) == (1, 6) and '"graph"' in err.msg


def test_hyphenated_bare_names_get_a_hint_to_quote():
    err = error_of("smoking-status -> cancer")
    assert (err.lineno, err.offset) == (1, 1) and '"smoking-status"' in err.msg


def test_unterminated_quote_points_at_its_start():
    err = error_of('A -> "B\n')
    assert (err.lineno, err.offset) == (1, 6) and "closing" in err.msg


def test_unclosed_group_bracket_and_wrapper():
    assert "group opened at line 1, column 6" in error_of("A -> {B C\n").msg
    assert "attribute list opened at line 1, column 3" in error_of("A [latent").msg
    err = error_of("dag {\n A -> B\n")
    assert "graph opened at line 1, column 5" in err.msg and err.lineno == 2


def test_text_after_the_closing_brace_is_refused():
    err = error_of("dag { A }\nB")
    assert (err.lineno, err.offset) == (2, 1)


def test_unmatched_closing_brace_is_refused():
    assert (error_of("A }").offset) == 3


def test_line_starting_with_an_arrow_explains_line_continuation():
    err = error_of("A\n-> B")
    assert (err.lineno, err.offset) == (2, 1) and "ends with the arrow" in err.msg


def test_a_role_after_the_last_node_of_a_chain_belongs_to_that_node():
    G = parse_dag('A -> B [latent, label="b"]')
    assert G.nodes["B"] == {"role": "latent", "label": "b"}
    assert G.edges["A", "B"] == {}
    err = error_of("A -> B [fooo]")
    assert (err.lineno, err.offset) == (1, 9) and "unknown role 'fooo'" in err.msg


def test_attributes_after_a_lone_group_are_refused():
    assert error_of("{A B} [latent]").offset == 7


def test_unexpected_character_is_refused_with_quoting_hint():
    err = error_of("A -> B$")
    assert (err.lineno, err.offset) == (1, 7) and "quote" in err.msg


def test_hidden_node_names_cannot_be_reused():
    err = error_of('X <-> Y\n"X<->Y" -> Z')
    assert (err.lineno, err.offset) == (2, 1)
    err = error_of('"X<->Y" -> Z\nX <-> Y')
    assert (err.lineno, err.offset) == (2, 3)


def test_bidirected_attribute_is_reserved():
    assert error_of("A [bidirected=1]").offset == 4


def test_deeply_nested_groups_are_refused_not_crashed():
    err = error_of("A -> " + "{" * 5000 + "B" + "}" * 5000)
    assert "nested" in err.msg


def test_errors_are_syntax_errors_and_pickle():
    err = error_of("A -> B -> A")
    assert isinstance(err, SyntaxError)
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is DagCycleError
    assert (again.msg, again.lineno, again.offset, again.cycle) == (
        err.msg,
        err.lineno,
        err.offset,
        err.cycle,
    )


def test_parse_dag_refuses_non_text():
    with pytest.raises(TypeError):
        parse_dag(b"A -> B")  # type: ignore[arg-type]


# -- writers -------------------------------------------------------------------------


def seed_g3() -> nx.DiGraph:
    G3 = nx.DiGraph()
    G3.add_node("Talent", role="default")
    G3.add_node("Performance", role="confounder")
    G3.add_node("Gear", role="default")
    G3.add_node("Recording", role="confounder")
    G3.add_node("Signal\nProc", role="treatment")
    G3.add_node("Sound", role="outcome")
    G3.add_edges_from(
        [
            ("Talent", "Performance"),
            ("Performance", "Recording"),
            ("Gear", "Recording"),
            ("Recording", "Signal\nProc"),
            ("Signal\nProc", "Sound"),
        ]
    )
    return G3


def test_to_dsl_declares_attributed_nodes_first_then_edges_grouped_by_source():
    G = parse_dag(
        'Talent [confounder, pos="1,2.5"]\nTalent -> Gear, Sound\nGear -> Sound [label="+"]\n'
        "X <-> Sound\nLonely"
    )
    assert to_dsl(G) == textwrap.dedent(
        """\
        Talent [confounder, pos="1,2.5"]
        Lonely
        Talent -> Gear, Sound
        Gear -> Sound [label="+"]
        X <-> Sound
        """
    )


def test_to_dsl_of_the_seed_graph_treats_role_default_as_no_role():
    text = to_dsl(seed_g3())
    assert '"Signal\\nProc" [treatment]' in text
    assert "default" not in text
    G = parse_dag(text)
    assert roles(G) == {
        "Performance": "confounder",
        "Recording": "confounder",
        "Signal\nProc": "treatment",
        "Sound": "outcome",
    }


def test_to_dagitty_matches_dagitty_canonical_form():
    G = parse_dag(DAGITTY_NET_EXPORT)
    assert to_dagitty(G) == DAGITTY_NET_EXPORT.replace("beta=-0.3", 'beta="-0.3"')


def test_to_dagitty_spells_roles_the_dagitty_way():
    G = parse_dag("T [treatment] -> Y [outcome]\nC [confounder] -> T\nM [mediator]\nS [s]")
    text = to_dagitty(G)
    assert "T [exposure]" in text and "Y [outcome]" in text and "S [selected]" in text
    assert 'C [role="confounder"]' in text and 'M [role="mediator"]' in text
    assert text.startswith("dag {\n") and text.endswith("}\n")


def test_to_dagitty_quotes_names_dagitty_cannot_read_bare():
    G = nx.DiGraph([("Größe", "node"), ("a b", "x.1")])
    text = to_dagitty(G)
    assert '"Größe" -> "node"' in text and '"a b" -> x.1' in text


def test_to_dagitty_writes_the_graph_name():
    G = parse_dag("dag Smoking { A -> B }")
    assert to_dagitty(G).startswith("dag Smoking {\n")


def test_to_dot_writes_bidirected_as_dashed_dir_both_and_roles_as_attributes():
    G = parse_dag('X [treatment, label="the \\"X\\""] -> Y [outcome]\nX <-> Y\nU [latent] -> Y')
    text = to_dot(G)
    assert text.startswith("digraph {\n") and text.endswith("}\n")
    assert 'X [role="treatment", label="the \\"X\\""];' in text
    assert "X -> Y [dir=both, style=dashed];" in text
    assert 'U [role="latent", observed="no"];' in text
    assert "X<->Y" not in text


def test_to_dot_quotes_dot_keywords_and_non_identifiers():
    text = to_dot(nx.DiGraph([("edge", "1.5"), ("a\nb", "c")]))
    assert '"edge" -> "1.5";' in text and '"a\\nb" -> c;' in text


def test_writers_refuse_unknown_roles_and_bad_positions():
    G = nx.DiGraph()
    G.add_node("A", role="boss")
    for writer in (to_dsl, to_dagitty, to_dot):
        with pytest.raises(GraphError, match="boss"):
            writer(G)
    G = nx.DiGraph()
    G.add_node("A", pos=("left", 1))
    with pytest.raises(GraphError, match="pos"):
        to_dsl(G)


def test_writers_accept_python_numbers_as_positions():
    G = nx.DiGraph()
    G.add_node("A", pos=[1, 2.25])
    assert to_dsl(G) == 'A [pos="1,2.25"]\n'
    assert parse_dag(to_dsl(G)).nodes["A"]["pos"] == (1.0, 2.25)


def test_empty_graph_round_trips_through_every_writer():
    for writer in (to_dsl, to_dagitty, to_dot):
        assert len(parse_dag(writer(nx.DiGraph()))) == 0


# -- round trips ----------------------------------------------------------------------


def snapshot(G: nx.DiGraph):
    """What a round trip must keep: nodes, arcs, roles, positions, labels, attributes."""
    nodes = {n: dict(d) for n, d in G.nodes(data=True)}
    for d in nodes.values():
        if d.get("role") == "default":
            del d["role"]
    return nodes, {(u, v): dict(d) for u, v, d in G.edges(data=True)}


@pytest.mark.parametrize("writer", [to_dsl, to_dagitty, to_dot])
@pytest.mark.parametrize(
    "text", [DAGITTY_NET_EXPORT, ANCHORS_EXAMPLE, "a -> {b -> {c}}\n'q' <-> b".replace("'", '"')]
)
def test_writers_round_trip_through_the_parser(writer, text):
    G = parse_dag(text)
    H = parse_dag(writer(G))
    assert snapshot(H) == snapshot(G)


@pytest.mark.parametrize("writer", [to_dsl, to_dagitty, to_dot])
def test_seed_graph_round_trips(writer):
    assert snapshot(parse_dag(writer(seed_g3()))) == snapshot(seed_g3())


def test_graph_built_in_python_with_bidirected_and_labels_round_trips():
    G = nx.DiGraph()
    G.add_node("graph", role="treatment", pos=(0.25, -3.0), label='say "hi"\\')
    G.add_node("->", role="outcome")
    G.add_edge("graph", "->", label="+", beta="-0.3", note="a b")
    G.add_node("123")
    add_bidirected(G, "graph", "->")
    for writer in (to_dsl, to_dagitty, to_dot):
        assert snapshot(parse_dag(writer(G))) == snapshot(G), writer.__name__


def test_quoted_keys_are_plain_attributes_even_when_bare_ones_mean_something():
    G = parse_dag('A [ "observed"="no" ] -> B ["role"=x, "dir"=both]')
    assert G.nodes["A"] == {"observed": "no"}
    assert G.edges["A", "B"] == {"role": "x", "dir": "both"}


def test_writers_keep_edge_attributes_named_like_syntax():
    G = nx.DiGraph()
    G.add_node("U", observed="no")
    G.add_edge("U", "X", role="instrument", dir="both", style="dashed")
    for writer in (to_dsl, to_dagitty, to_dot):
        assert snapshot(parse_dag(writer(G))) == snapshot(G), writer.__name__


def test_newlines_inside_brackets_are_white_space():
    G = parse_dag('A [\n  latent,\n  pos = "1,2"\n] -> B')
    assert G.nodes["A"] == {"role": "latent", "pos": (1.0, 2.0)}


def test_a_ten_thousand_edge_chain_parses():
    G = parse_dag(" -> ".join(f"v{i}" for i in range(10_001)))
    assert G.number_of_edges() == 10_000
    assert next(iter(G.nodes)) == "v0"


def test_the_language_summary_in_the_module_docstring_parses():
    import causal_magic.dsl as dsl

    doc = dsl.__doc__
    G = parse_dag(doc[doc.index("    dag Smoking") : doc.index("Why hand-written")])
    assert G.graph == {"name": "Smoking", "bb": "0,0,1,1"}
    assert roles(G) == {"Gear": "treatment", "Y": "outcome"}
    assert G.edges["A", "C"] == {"beta": "-0.3"}
    assert "Signal\nProc" in G


def test_windows_line_endings_parse_and_errors_show_clean_lines():
    assert set(parse_dag("dag {\r\nA -> B\r\nB -> C\r\n}\r\n").edges) == {("A", "B"), ("B", "C")}
    err = error_of("A -> B\r\nC -> ]\r\n")
    assert (err.lineno, err.offset, err.text) == (2, 6, "C -> ]")


# --------------------------------------------------------------------------- DAGitty legacy text


def test_legacy_text_is_read_as_dagitty_reads_it():
    # DAGitty test/test/misc.js: two exposures, X1 -> X2 (not three isolated nodes)
    G = parse_dag("X1 E\nX2 E\n\nX1 X2")
    assert list(G.edges) == [("X1", "X2")]
    assert dict(G.nodes(data="role")) == {"X1": "treatment", "X2": "treatment"}


def test_legacy_text_reads_every_role_letter_and_positions():
    G = parse_dag("x E @0.264,-0.027\ny O @0.537,-0.015\nz A\nu U\ns S\nw 1\n\nx y z\nu y\ny s")
    roles = dict(G.nodes(data="role"))
    assert roles == {
        "x": "treatment",
        "y": "outcome",
        "z": "adjusted",
        "u": "latent",
        "s": "selected",
        "w": None,
    }
    assert G.nodes["x"]["pos"] == (0.264, -0.027)
    assert sorted(G.edges) == [("u", "y"), ("x", "y"), ("x", "z"), ("y", "s")]


def test_legacy_adjacency_matrix_and_edge_bends_and_encoded_names():
    G = parse_dag("a%20b E\nc O\nd 1\n\n0 1 0\n0 0 0\n1 1 0")
    assert sorted(G.edges) == [("a b", "c"), ("d", "a b"), ("d", "c")]
    H = parse_dag("x E\ny O\nz 1\n\nx y @0.1,0.2 z")
    assert H.edges["x", "y"]["pos"] == (0.1, 0.2) and H.has_edge("x", "z")


def test_legacy_text_cycle_is_refused_and_named():
    with pytest.raises(DagCycleError, match=r"legacy text\) has a cycle: A -> B -> A"):
        parse_dag("A E\nB O\n\nA B\nB A")


@pytest.mark.parametrize("text", ["A B\n\nC D", "A\nB", "x y -> z", "A E -> B"])
def test_edge_language_with_bare_names_is_not_taken_for_legacy_text(text):
    G = parse_dag(text)
    assert not any(r for _n, r in G.nodes(data="role"))
