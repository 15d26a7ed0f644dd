"""Textbook graphs and messages for causal_magic.identify (graphs built with plain networkx)."""

from __future__ import annotations

import importlib
import itertools

import networkx as nx
import pytest

from causal_magic.graph import add_bidirected

idf = importlib.import_module("causal_magic.identify")


def dag(edges, **roles) -> nx.DiGraph:
    G = nx.DiGraph()
    for part in edges.split(","):
        chain = part.split()
        nodes = chain[::2]
        G.add_nodes_from(nodes)
        G.add_edges_from(itertools.pairwise(nodes))
    for role, names in roles.items():
        for n in names.split():
            G.nodes[n]["role"] = role
    return G


@pytest.fixture
def reality():
    """The seed post's graph: Talent confounds Gear -> Sound."""
    return dag("Talent -> Gear, Talent -> Sound, Gear -> Sound", treatment="Gear", outcome="Sound")


@pytest.fixture
def m_bias():
    return dag("a -> x, a -> m, b -> m, b -> y, x -> y", treatment="x", outcome="y")


# --------------------------------------------------------------------------- the seed


def test_seed_graph_needs_no_adjustment():
    G = dag("Gear -> Sound", treatment="Gear", outcome="Sound")
    r = idf.identify_effect(G)
    assert r.method == "backdoor" and r.adjustment_set == frozenset()
    assert r.formula == "P(Sound | Gear)"
    assert idf.minimal_adjustment_set(G) == frozenset()


def test_reality_adjusts_for_talent_and_says_why(reality):
    assert idf.minimal_adjustment_set(reality) == {"Talent"}
    assert list(idf.adjustment_sets(reality)) == [{"Talent"}]
    r = idf.identify_effect(reality)
    assert (r.method, r.adjustment_set) == ("backdoor", {"Talent"})
    assert r.formula == "Σ_Talent P(Sound | Gear, Talent) P(Talent)"
    assert r.latex == (
        r"\sum_{\text{Talent}} P(\text{Sound} \mid \text{Gear}, \text{Talent}) \, "
        r"P(\text{Talent})"
    )
    assert "optimal adjustment set" in r.reason
    assert r.treatment == ("Gear",) and r.outcome == ("Sound",)


def test_latent_talent_is_not_identifiable_and_the_open_path_is_named(reality):
    reality.nodes["Talent"]["role"] = "latent"
    assert idf.minimal_adjustment_set(reality) is None
    assert list(idf.adjustment_sets(reality)) == []
    r = idf.identify_effect(reality)
    assert r.method == "none"
    assert str(r.open_path) == "Gear <- Talent -> Sound"
    assert r.reason == (
        "not identifiable by adjustment or front-door: the biasing path "
        "Gear <- Talent -> Sound cannot be blocked because Talent is not observed"
    )


def test_unobserved_column_counts_as_latent(reality):
    assert idf.minimal_adjustment_set(reality, observed=["Gear", "Sound"]) is None
    assert idf.identify_effect(reality, observed=["Gear", "Sound"]).method == "none"


def test_none_and_empty_set_are_different_answers(reality):
    G = dag("Gear -> Sound")
    assert idf.minimal_adjustment_set(G, "Gear", "Sound") == frozenset()
    reality.nodes["Talent"]["role"] = "latent"
    assert idf.minimal_adjustment_set(reality) is None


# --------------------------------------------------------------------------- textbook graphs


def test_m_bias_needs_nothing_and_adjusting_the_collider_alone_is_invalid(m_bias):
    assert idf.minimal_adjustment_set(m_bias) == frozenset()
    assert list(idf.adjustment_sets(m_bias)) == [frozenset()]
    assert not idf.is_adjustment_set(m_bias, "x", "y", {"m"})
    assert idf.is_adjustment_set(m_bias, "x", "y", {"m", "a"})
    check = idf.check_adjustment_set(m_bias, "x", "y", {"m"})
    assert not check.valid
    assert str(check.open_path) == "x <- a -> m <- b -> y"
    assert "x <- a -> m <- b -> y" in check.reason


def test_butterfly_has_two_minimal_sets_both_containing_the_collider():
    G = dag("a -> x, a -> m, b -> m, b -> y, m -> x, m -> y, x -> y")
    sets = list(idf.adjustment_sets(G, "x", "y"))
    assert sorted(sorted(s) for s in sets) == [["a", "m"], ["b", "m"]]
    assert not idf.is_adjustment_set(G, "x", "y", {"m"})
    assert len(idf.minimum_adjustment_set(G, "x", "y")) == 2


def test_mediator_must_not_be_adjusted_for():
    G = dag("x -> m -> y")
    assert idf.minimal_adjustment_set(G, "x", "y") == frozenset()
    check = idf.check_adjustment_set(G, "x", "y", {"m"})
    assert not check.valid and check.forbidden == "m"
    assert "mediator" in check.reason and "x -> m -> y" in check.reason
    assert idf.minimal_adjustment_set(G, "x", "y", included={"m"}) is None
    problem = idf.adjustment_problem(G, "x", "y", included="m")
    assert problem.startswith("m is forced into the adjustment set but it is a mediator")


def test_front_door_graph_has_no_adjustment_set_but_a_front_door_set():
    G = dag("U -> X, U -> Y, X -> M -> Y", latent="U", treatment="X", outcome="Y")
    assert idf.minimal_adjustment_set(G) is None
    assert idf.frontdoor_set(G) == {"M"}
    r = idf.identify_effect(G)
    assert r.method == "frontdoor" and r.frontdoor_set == {"M"}
    assert r.adjustment_set is None
    assert r.formula == "Σ_M P(M | X) Σ_X' P(Y | X', M) P(X')"
    assert str(r.open_path) == "X <- U -> Y"
    assert r.reason.startswith("front-door set {M} (Pearl's front-door criterion)")


def test_bidirected_edge_is_a_hidden_confounder_printed_back_as_such():
    G = dag("X -> M -> Y", treatment="X", outcome="Y")
    add_bidirected(G, "X", "Y")
    assert idf.minimal_adjustment_set(G) is None
    assert idf.frontdoor_set(G) == {"M"}
    assert [str(p) for p in idf.paths(G)] == ["X -> M -> Y", "X <-> Y"]
    r = idf.identify_effect(G)
    assert r.method == "frontdoor"
    assert "X <-> Y" in r.reason


def test_front_door_fails_when_the_mediator_is_confounded_with_the_outcome():
    G = dag("U -> X, U -> Y, X -> M -> Y, V -> M, V -> Y", latent="U V")
    assert idf.frontdoor_set(G, "X", "Y") is None
    assert idf.identify_effect(G, "X", "Y").method == "none"


def test_two_exposures_two_outcomes_have_two_minimal_sets():
    G = dag(
        "X1 -> Y1, X2 -> Y2, C -> X1, C -> D, D -> Y2",
        treatment="X1 X2",
        outcome="Y1 Y2",
    )
    assert sorted(sorted(s) for s in idf.adjustment_sets(G)) == [["C"], ["D"]]


def test_forced_collider_is_blamed_with_the_path_it_opens(m_bias):
    for n in ("a", "b"):
        m_bias.nodes[n]["role"] = "latent"
    m_bias.nodes["m"]["role"] = "adjusted"
    assert idf.minimal_adjustment_set(m_bias) is None
    problem = idf.adjustment_problem(m_bias)
    assert problem == (
        "m is forced into the adjustment set but adjusting for it opens the biasing path "
        "x <- a -> m <- b -> y, on which it is a collider; no observed set blocks that path"
    )
    r = idf.identify_effect(m_bias)
    assert r.method == "none" and problem in r.warnings


def test_forced_nodes_are_in_every_set(reality):
    reality.add_edge("Age", "Sound")
    reality.nodes["Age"]["role"] = "adjusted"
    assert idf.minimal_adjustment_set(reality) == {"Talent", "Age"}
    assert list(idf.adjustment_sets(reality)) == [{"Talent", "Age"}]
    r = idf.identify_effect(reality)
    assert r.adjustment_set == {"Talent", "Age"}
    assert "forced" in r.reason


def test_selected_node_is_conditioned_on_and_warned_about(reality):
    reality.add_edge("Talent", "Signed")
    reality.nodes["Signed"]["role"] = "selected"
    r = idf.identify_effect(reality)
    assert "Signed" in r.adjustment_set
    assert r.formula == "Σ_Talent P(Sound | Gear, Talent, Signed) P(Talent | Signed)"
    assert any("selected on Signed" in w for w in r.warnings)


def test_generalized_criterion_accepts_a_harmless_descendant_that_backdoor_refuses():
    G = dag("x -> y, x -> z")
    assert idf.is_adjustment_set(G, "x", "y", {"z"})
    assert not idf.is_adjustment_set(G, "x", "y", {"z"}, criterion="backdoor")


def test_optimal_set_prefers_outcome_parents(m_bias):
    assert idf.optimal_adjustment_set(m_bias) == {"b"}
    assert idf.identify_effect(m_bias).adjustment_set == {"b"}


def test_optimal_set_needing_a_latent_node_is_the_best_observed_one():
    G = dag("a -> x, a -> y, u -> y, x -> y", latent="u")
    assert idf.optimal_adjustment_set(G, "x", "y") == {"a"}  # the O-set {a, u} needs u
    assert idf.identify_effect(G, "x", "y").adjustment_set == {"a"}


def test_minimum_set_is_smallest_and_respects_costs():
    G2 = dag("a -> x, a -> y, b -> x, b -> y, c -> a, c -> b, x -> y")
    assert idf.minimum_adjustment_set(G2, "x", "y") == {"a", "b"}
    G3 = dag("c -> a -> x, c -> b -> x, c -> y, x -> y")
    assert idf.minimum_adjustment_set(G3, "x", "y") == {"c"}
    pricey = idf.minimum_adjustment_set(G3, "x", "y", cost={"c": 10})
    assert pricey == {"a", "b"}


# --------------------------------------------------------------------------- paths


def test_paths_are_listed_shortest_first_with_kind_and_openness(reality):
    listed = idf.paths(reality)
    assert [str(p) for p in listed] == ["Gear -> Sound", "Gear <- Talent -> Sound"]
    assert [p.kind for p in listed] == ["causal", "biasing"]
    assert [p.open for p in listed] == [True, True]
    assert listed[1].arrows == ("<-", "->")
    assert [p.open for p in idf.paths(reality, given={"Talent"})] == [True, False]


def test_path_edges_colour_causal_and_biasing_edges(reality):
    pe = idf.path_edges(reality)
    assert pe.causal == {("Gear", "Sound")}
    assert pe.biasing == {("Talent", "Gear"), ("Talent", "Sound")}
    assert idf.path_edges(reality, given={"Talent"}).biasing == frozenset()


def test_path_edges_show_a_path_opened_by_a_collider(m_bias):
    assert idf.path_edges(m_bias).biasing == frozenset()
    opened = idf.path_edges(m_bias, given={"m"}).biasing
    assert opened == {("a", "x"), ("a", "m"), ("b", "m"), ("b", "y")}


# --------------------------------------------------------------------------- errors


def test_unknown_treatment_is_named_with_a_suggestion(reality):
    with pytest.raises(idf.IdentificationError, match=r"'Gearr' is not a node.*'Gear'"):
        idf.minimal_adjustment_set(reality, "Gearr", "Sound")


def test_treatment_equal_to_outcome_is_refused(reality):
    with pytest.raises(idf.IdentificationError, match="both a treatment and an outcome"):
        idf.identify_effect(reality, "Gear", "Gear")


def test_cycle_is_refused_and_named():
    G = dag("x -> y -> z -> x")
    with pytest.raises(idf.IdentificationError, match=r"the graph has a cycle: x -> y -> z -> x"):
        idf.minimal_adjustment_set(G, "x", "z")
    with pytest.raises(idf.IdentificationError, match=r"cycle: x -> y -> z -> x"):
        idf.identify_effect(G, "x", "z")


def test_missing_roles_say_how_to_give_them():
    G = dag("x -> y")
    with pytest.raises(idf.IdentificationError, match=r"no treatment given.*x="):
        idf.identify_effect(G)
    with pytest.raises(idf.IdentificationError, match="no outcome given"):
        idf.identify_effect(G, "x")


def test_identification_error_is_a_value_error():
    assert issubclass(idf.IdentificationError, ValueError)


# --------------------------------------------------------------------------- the rest


def test_d_separated_sets_and_refuses_overlap(m_bias):
    assert idf.d_separated(m_bias, "a", "b")
    assert not idf.d_separated(m_bias, "a", "b", "m")
    assert idf.d_separated(m_bias, {"a", "x"}, "b")
    with pytest.raises(idf.IdentificationError, match="disjoint"):
        idf.d_separated(m_bias, "a", "a")


def test_implied_independencies_form_a_basis_and_skip_latent_links():
    G = dag("A -> B -> C")
    assert [str(i) for i in idf.implied_independencies(G)] == ["A ⫫ C | B"]
    G2 = dag("U -> A, U -> B, A -> C", latent="U")
    found = [str(i) for i in idf.implied_independencies(G2)]
    assert found == ["B ⫫ C | A"]  # A and B share a latent cause: no testable separation
    assert idf.implied_independencies(G2, observed=["B", "C"]) == []


def test_instrumental_variables_plain_and_conditional():
    G = dag("Z -> X, U -> X, U -> Y, X -> Y", latent="U")
    assert idf.instrumental_variables(G, "X", "Y") == [("Z", frozenset())]
    G2 = dag("W -> Z, W -> Y, Z -> X, U -> X, U -> Y, X -> Y", latent="U")
    assert ("Z", frozenset({"W"})) in idf.instrumental_variables(G2, "X", "Y")


def test_mutilated_graph_ancestors_descendants(reality):
    H = idf.mutilated_graph(reality, "Gear")
    assert not H.has_edge("Talent", "Gear") and reality.has_edge("Talent", "Gear")
    assert idf.ancestors(reality, {"Sound"}) == {"Talent", "Gear"}
    assert idf.descendants(reality, ["Talent"]) == {"Gear", "Sound"}


def test_answers_are_deterministic_across_insertion_orders():
    edges = [("a", "x"), ("a", "m"), ("b", "m"), ("b", "y"), ("m", "x"), ("m", "y"), ("x", "y")]
    G1, G2 = nx.DiGraph(edges), nx.DiGraph(edges)
    assert list(idf.adjustment_sets(G1, "x", "y")) == list(idf.adjustment_sets(G2, "x", "y"))
    assert idf.identify_effect(G1, "x", "y") == idf.identify_effect(G2, "x", "y")


def test_adjustment_sets_limit_and_all_valid_sets(reality):
    reality.add_edge("Age", "Sound")
    every = list(idf.adjustment_sets(reality, minimal=False))
    assert sorted(sorted(s) for s in every) == [["Age", "Talent"], ["Talent"]]
    assert len(list(idf.adjustment_sets(reality, minimal=False, limit=1))) == 1


# --------------------------------------------------------------------------- ID algorithm


def test_napkin_graph_is_identified_by_the_id_algorithm_only():
    G = dag("W1 -> W2 -> X -> Y", treatment="X", outcome="Y")
    add_bidirected(G, "W1", "X")
    add_bidirected(G, "W1", "Y")
    r = idf.identify_effect(G)
    assert r.method == "id" and r.adjustment_set is None and r.frontdoor_set is None
    assert r.formula == ("(Σ_W1 P(W1) P(X | W1, W2) P(Y | W1, W2, X)) / (Σ_W1 P(W1) P(X | W1, W2))")
    assert r.latex.startswith(r"\frac{\sum_{\text{W1}}")
    assert r.reason.startswith("identified by the ID algorithm")


def test_bow_arc_is_not_identifiable():
    G = dag("X -> Y", treatment="X", outcome="Y")
    add_bidirected(G, "X", "Y")
    r = idf.identify_effect(G)
    assert r.method == "none" and r.formula == ""
    assert r.reason == (
        "not identifiable by adjustment or front-door: the biasing path X <-> Y cannot be "
        "blocked because X <-> Y stands for an unobserved common cause"
    )


def test_confounded_mediator_is_a_hedge():
    G = dag("X -> M -> Y, X -> Y", treatment="X", outcome="Y")
    add_bidirected(G, "X", "M")
    assert idf.identify_effect(G).method == "none"


def test_no_causal_path_under_confounding_gives_the_marginal():
    G = dag("X, Y", treatment="X", outcome="Y")
    add_bidirected(G, "X", "Y")
    assert idf.frontdoor_set(G) == frozenset()
    r = idf.identify_effect(G)
    assert (r.method, r.formula) == ("id", "P(Y)")


def test_docstring_examples_run():
    import doctest

    for module in (idf, importlib.import_module("causal_magic.identify.id_algorithm")):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__


# --------------------------------------------------------------------------- formula trees


def test_every_identified_method_carries_its_formula_tree(reality):
    fm = importlib.import_module("causal_magic.formula")
    r = idf.identify_effect(reality)
    assert r.expression == fm.Sum(
        ("Talent",),
        fm.Product((fm.Prob(("Sound",), ("Gear", "Talent")), fm.Prob(("Talent",)))),
    )
    assert fm.to_text(r.expression) == r.formula and fm.to_latex(r.expression) == r.latex
    G = dag("X -> M -> Y", treatment="X", outcome="Y")
    add_bidirected(G, "X", "Y")
    r = idf.identify_effect(G)
    assert r.method == "frontdoor"
    assert (
        fm.to_text(r.expression, fixed={"X"}) == r.formula == "Σ_M P(M | X) Σ_X' P(Y | X', M) P(X')"
    )
    G.nodes["X<->Y"]["role"] = "latent"
    G.add_edge("M", "Y")
    assert idf.identify_effect(G, observed={"X", "Y"}).expression is None  # method "none"


# --------------------------------------------------------------------------- P(y | do(x), w)


@pytest.fixture
def reality_with_genre():
    return dag(
        "Talent -> Gear, Talent -> Sound, Gear -> Sound, Genre -> Sound",
        treatment="Gear",
        outcome="Sound",
    )


def test_conditional_effect_adjusts_within_strata_of_the_condition(reality_with_genre):
    fm = importlib.import_module("causal_magic.formula")
    r = idf.identify_effect(reality_with_genre, given=["Genre"])
    assert (r.method, r.adjustment_set, r.given) == ("backdoor", {"Talent"}, ("Genre",))
    assert r.formula == "Σ_Talent P(Sound | Gear, Talent, Genre) P(Talent | Genre)"
    assert r.expression == fm.Sum(
        ("Talent",),
        fm.Product(
            (fm.Prob(("Sound",), ("Gear", "Talent", "Genre")), fm.Prob(("Talent",), ("Genre",)))
        ),
    )
    assert r.reason == (
        "{Talent, Genre} is an adjustment set containing the conditions, "
        "so within each stratum of Genre the back-door formula applies"
    )
    assert r.descendant_condition is None and r.identifiable


def test_conditioning_on_the_confounder_needs_no_further_adjustment(reality_with_genre):
    r = idf.identify_effect(reality_with_genre, given="Talent")
    assert (r.method, r.adjustment_set, r.given) == ("backdoor", frozenset(), ("Talent",))
    assert r.formula == "P(Sound | Gear, Talent)"


def test_a_condition_downstream_of_the_treatment_is_not_identified():
    G = dag("Gear -> Sound, Gear -> Tone", treatment="Gear", outcome="Sound")
    r = idf.identify_effect(G, given=["Tone"])
    assert (r.method, r.descendant_condition, r.given) == ("none", "Tone", ("Tone",))
    assert "Tone is a descendant of the treatment" in r.reason and not r.identifiable
    assert r.expression is None and r.formula == ""


def test_no_observed_set_containing_the_condition_is_reported(m_bias):
    for n in ("a", "b"):
        m_bias.nodes[n]["role"] = "latent"
    r = idf.identify_effect(m_bias, given=["m"])
    assert r.method == "none" and r.descendant_condition is None
    assert r.reason == "no valid adjustment set among the observed nodes contains {m}"


def test_a_set_needing_a_descendant_of_a_treatment_is_refused():
    # Y -> E -> X2 must be blocked; the only sets containing A do it with D, E below X1
    G = dag("A -> Y -> E -> X2, A -> X1 -> D -> E, X1 -> X2")
    assert idf.minimal_adjustment_set(G, ["X2", "X1"], "Y", included="A") == {"A", "D", "E"}
    r = idf.identify_effect(G, ["X2", "X1"], "Y", given=["A"])
    assert r.method == "none" and r.descendant_condition is None
    assert r.reason == (
        "the adjustment set for the conditional effect includes D, a descendant of the treatment"
    )


def test_unknown_condition_is_refused_with_a_hint(reality):
    with pytest.raises(idf.IdentificationError, match="did you mean 'Talent'"):
        idf.identify_effect(reality, given=["Talnet"])


def test_empty_conditions_are_the_unconditional_question(reality):
    assert idf.identify_effect(reality, given=[]) == idf.identify_effect(reality)


def test_implied_independencies_use_minimum_separators_on_y0_identifiability_2():
    # y0's identifiability_2 graph (src/y0/examples): Z4 ⫫ W1 needs only {X}
    G = dag("Z1 > Z2 > X > W0 > Y, Z1 > Z3 > X > W1 > W2 > Y, Z4 > Z3 > Y, Z4 > Z5 > Y")
    for a, b in [("Z1", "X"), ("Z2", "Z3"), ("Z3", "Z5"), ("Z4", "Y")]:
        add_bidirected(G, a, b)
    claims = {frozenset((i.a, i.b)): set(i.given) for i in idf.implied_independencies(G)}
    for a, b in [("Z4", "W1"), ("W1", "Z5")]:
        assert claims[frozenset((a, b))] == {"X"}
    for a, b in [("W2", "Z4"), ("W2", "Z5")]:
        assert claims[frozenset((a, b))] == {"W1"}


def test_implied_independencies_without_latents_prune_the_parent_set():
    # A -> B -> C <- D: A ⫫ C needs B only (pa(C) = {B, D}); B ⫫ D needs nothing
    G = nx.DiGraph([("A", "B"), ("B", "C"), ("D", "C")])
    assert sorted(map(str, idf.implied_independencies(G))) == ["A ⫫ C | B", "A ⫫ D", "B ⫫ D"]


@pytest.mark.parametrize(
    ("edges", "observed", "expected"),
    [
        # DoWhy's efficient back-door cases (Smucler, Sapienza & Rotnitzky 2021)
        ("T>X T>F F>X U>F U>Y X>M M>Y", "XYTFM", {"F", "T"}),  # ssr21_fig3
        (
            "Z1>Z2 Z2>Z3 Z3>Z4 Z4>Z5 Z5>Y Z1>X X>M1 M1>M2 M2>M3 M3>Y U1>X U1>Z1 U2>Z2 U2>M1",
            ["Z1", "Z2", "Z3", "Z4", "Z5", "X", "Y", "M1", "M2", "M3"],
            {"Z1", "Z2", "Z5"},  # taheri_graph2
        ),
        ("X>Y Z1>X Z1>Z2 U>Z2 U>Y", ["X", "Y", "Z1", "Z2"], None),  # ssr21_fig5: no optimum
    ],
)
def test_optimal_set_with_an_unobserved_O_set_node_is_the_best_observed_set(
    edges, observed, expected
):
    G = nx.DiGraph([tuple(e.split(">")) for e in edges.split()])
    best = idf.optimal_adjustment_set(G, "X", "Y", observed=list(observed))
    assert (set(best) if best is not None else None) == expected
    r = idf.identify_effect(G, "X", "Y", observed=list(observed))
    if expected is not None:
        assert r.adjustment_set == expected
        assert "optimum under that restriction" in r.reason
