"""do(): the seed's numbers, hand computations, simulated causal models with known truth."""

from __future__ import annotations

import math
from fractions import Fraction

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from causal_magic.backends import UnknownColumnError
from causal_magic.estimate import (
    DataError,
    NotIdentifiableError,
    PositivityError,
    UnknownValueError,
    do,
)
from causal_magic.graph import GraphError

SEED_QUERY = "P(Sound=Great | do(Gear=Fancy))"


@pytest.fixture(scope="module")
def reality() -> nx.DiGraph:
    return nx.DiGraph([("Talent", "Gear"), ("Talent", "Sound"), ("Gear", "Sound")])


# -- the seed ------------------------------------------------------------------------


def test_seed_adjusted_estimate_is_five_sevenths_times_one_half(players, reality):
    r = do(SEED_QUERY, players, dag=reality, dag_name="G2")
    assert r.exact == Fraction(5, 7) * Fraction(1, 2)
    assert r.value == pytest.approx(5 / 7 * 1 / 2, abs=1e-12)
    assert round(r.value, 3) == 0.357 and round(float(r), 3) == 0.357
    assert r.naive == 5 / 8 == 0.625
    assert r.adjustment_set == ("Talent",)
    assert r.method == "backdoor"
    assert r.graph_name == "G2"
    assert r.n_used == 16 and r.n_dropped_missing == 0
    assert r.difference == pytest.approx(5 / 14 - 5 / 8)


def test_seed_table_has_each_stratum_with_its_counts_and_terms(players, reality):
    t = do(SEED_QUERY, players, dag=reality).table.set_index("Talent")
    assert t.loc["High", "n"] == 8 and t.loc["Low", "n"] == 8
    assert t.loc["High", "n(x, z)"] == 7 and t.loc["High", "n(y, x, z)"] == 5
    assert t.loc["Low", "n(x, z)"] == 1 and t.loc["Low", "n(y, x, z)"] == 0
    assert t.loc["High", "P(y | x, z)"] == pytest.approx(5 / 7)
    assert list(t["P(z)"]) == [0.5, 0.5]
    assert t["product"].sum() == pytest.approx(5 / 14)


def test_the_why_names_the_backdoor_path_the_set_blocks(players, reality):
    r = do(SEED_QUERY, players, dag=reality)
    assert "Gear <- Talent -> Sound" in r.reason
    assert r.identification.method == "backdoor"


def test_distribution_query_gives_every_outcome_value(players, reality):
    r = do("P(Sound | do(Gear=Fancy))", players, dag=reality)
    assert r.value is None
    assert r.distribution == pytest.approx({"Bad": 9 / 14, "Great": 5 / 14})
    assert r.naive_distribution == pytest.approx({"Bad": 3 / 8, "Great": 5 / 8})
    with pytest.raises(TypeError, match="distribution"):
        float(r)


def test_contrast_and_ratio_are_exact_on_the_seed(players, reality):
    d = do(
        "P(Sound=Great | do(Gear=Fancy)) - P(Sound=Great | do(Gear=Cheap))",
        players,
        dag=reality,
    )
    assert d.exact == Fraction(5, 14) - Fraction(1, 7)
    assert d.value == pytest.approx(3 / 14)
    assert [p.value for p in d.parts] == pytest.approx([5 / 14, 1 / 7])
    assert d.naive == pytest.approx(5 / 8 - 2 / 8)
    r = do(
        "P(Sound=Great | do(Gear=Fancy)) / P(Sound=Great | do(Gear=Cheap))",
        players,
        dag=reality,
    )
    assert r.value == pytest.approx(2.5) and r.exact == Fraction(5, 2)


def test_no_do_conditional_is_the_plain_proportion(players):
    r = do("P(Sound=Great | Gear=Fancy)", players)
    assert r.value == 0.625 and r.method == "observational (no do)"


def test_unobserved_confounder_gives_no_number_and_names_the_open_path(players, reality):
    with pytest.raises(NotIdentifiableError) as info:
        do(SEED_QUERY, players.drop(columns="Talent"), dag=reality, bounds=False)
    assert str(info.value.open_path) == "Gear <- Talent -> Sound"
    assert "no number" in str(info.value)


def test_misspelt_dag_node_is_named_with_the_column_it_probably_means(players):
    G = nx.DiGraph([("talent", "Gear"), ("talent", "Sound"), ("Gear", "Sound")])
    with pytest.raises(NotIdentifiableError, match="did you mean 'Talent'"):
        do(SEED_QUERY, players, dag=G)
    # a near-match node that the estimate does not need still gets a warning
    G = nx.DiGraph([("Talent", "Gear"), ("Talent", "Sound"), ("Gear", "Sound"), ("year", "Gear")])
    r = do(SEED_QUERY, players.assign(Year=2020), dag=G)
    assert round(r.value, 3) == 0.357
    assert "DAG node 'year' is not a column; did you mean 'Year'? It was treated as unobserved" in (
        r.warnings
    )


def test_adjust_without_graph_says_validity_was_not_checked(players):
    r = do(SEED_QUERY, players, adjust=["Talent"])
    assert r.value == pytest.approx(5 / 14)
    assert r.method == "adjustment (user-given)"
    assert "no graph given: validity not checked" in r.reason
    assert any("not checked" in w for w in r.warnings)


def test_adjust_accepts_a_comma_separated_string(players):
    assert do(SEED_QUERY, players, adjust="Talent").adjustment_set == ("Talent",)


def test_neither_graph_nor_adjustment_set_is_refused(players):
    with pytest.raises(ValueError, match="needs a graph"):
        do(SEED_QUERY, players)


def test_variable_missing_from_the_graph_is_named(players):
    with pytest.raises(ValueError, match="'Talent' is not a node"):
        do("P(Sound=Great | do(Talent=High))", players, dag=nx.DiGraph([("Gear", "Sound")]))


def test_cyclic_graph_is_refused(players):
    with pytest.raises(GraphError, match="cycle"):
        do(SEED_QUERY, players, dag=nx.DiGraph([("Gear", "Sound"), ("Sound", "Gear")]))


# -- user-given sets checked against the graph -----------------------------------------


def _collider_frame(n=4000, seed=3):
    rng = np.random.default_rng(seed)
    z1 = rng.integers(0, 2, n)
    z2 = rng.integers(0, 2, n)
    x = (rng.random(n) < 0.3 + 0.4 * z1).astype(int)
    m = (rng.random(n) < 0.2 + 0.3 * z1 + 0.3 * z2).astype(int)
    y = (rng.random(n) < 0.2 + 0.3 * x + 0.3 * z2).astype(int)
    G = nx.DiGraph([("Z1", "X"), ("Z1", "M"), ("Z2", "M"), ("Z2", "Y"), ("X", "Y")])
    return pd.DataFrame({"Z1": z1, "Z2": z2, "X": x, "M": m, "Y": y}), G


def test_invalid_user_set_warns_with_the_path_it_leaves_open():
    df, G = _collider_frame()
    r = do("P(Y=1 | do(X=1))", df, dag=G, adjust=["M"])
    assert r.method == "adjustment (user-given)"
    warning = next(w for w in r.warnings if "not a valid adjustment set" in w)
    assert "X <- Z1 -> M <- Z2 -> Y" in warning
    assert r.value is not None  # forced sets are estimated, with the warning


def test_valid_user_set_is_said_valid():
    df, G = _collider_frame()
    r = do("P(Y=1 | do(X=1))", df, dag=G, adjust=["Z1", "M", "Z2"])
    assert "is a valid adjustment set" in r.reason
    assert not any("not a valid" in w for w in r.warnings)


# -- hand computations on small frames -------------------------------------------------


def _backdoor_by_hand(df, y, yv, x, xv, zs):
    """The seed notebook's routine, generalised to several confounders."""
    p_z = df.groupby(zs).size() / len(df)
    sub = df[df[x] == xv]
    p_y = sub[y].eq(yv).groupby([sub[z] for z in zs]).mean()
    return float((p_y * p_z).sum())


_small = st.lists(
    st.tuples(
        st.sampled_from([0, 1]),
        st.sampled_from("abc"),
        st.sampled_from([0, 1]),
        st.sampled_from(["u", "v"]),
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(rows=_small)
def test_random_small_frames_match_the_hand_computed_formula(rows):
    df = pd.DataFrame(rows, columns=["X", "Z", "Y", "W"])
    strata = df.groupby(["Z", "W"])["X"].apply(lambda s: (s == 1).any())
    if not (df["X"] == 1).any() or not (df["Y"] == 1).any():
        return
    if not strata.all():
        with pytest.raises(PositivityError):
            do("P(Y=1 | do(X=1))", df, adjust=["Z", "W"])
        return
    r = do("P(Y=1 | do(X=1))", df, adjust=["Z", "W"])
    assert r.value == pytest.approx(_backdoor_by_hand(df, "Y", 1, "X", 1, ["Z", "W"]), abs=1e-12)
    assert float(r.exact) == pytest.approx(r.value, abs=1e-12)


# -- data problems, never silent ------------------------------------------------------------


def _positivity_frame():
    return pd.DataFrame(
        {
            "Z": ["a"] * 6 + ["b"] * 6 + ["c"] * 3,
            "X": [1, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0],
            "Y": [1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 0, 1, 0, 1],
        }
    )


def test_stratum_without_treated_rows_raises_positivity_naming_it():
    with pytest.raises(PositivityError, match=r"stratum Z=c has 3 rows but none with X=1"):
        do("P(Y=1 | do(X=1))", _positivity_frame(), adjust=["Z"])


def test_positivity_drop_estimates_the_rest_and_says_so_loudly():
    df = _positivity_frame()
    r = do("P(Y=1 | do(X=1))", df, adjust=["Z"], positivity="drop")
    kept = df[df.Z != "c"]
    assert r.value == pytest.approx(_backdoor_by_hand(kept, "Y", 1, "X", 1, ["Z"]))
    assert any(w.startswith("POSITIVITY") and "Z=c (3 rows)" in w for w in r.warnings)
    assert "c" not in set(r.table["Z"])


def test_seed_low_talent_stratum_with_one_fancy_row_is_not_a_positivity_failure(players):
    r = do(SEED_QUERY, players, adjust=["Talent"])
    assert r.table.set_index("Talent").loc["Low", "n(x, z)"] == 1
    # ...but the card says that term rests on a single row
    assert any("smallest: Talent=Low, 1 row(s)" in w for w in r.warnings)


def test_rows_with_missing_values_are_dropped_counted_and_reported(players, reality):
    df = players.copy()
    df.loc[[0, 9], "Talent"] = None
    df.loc[3, "Sound"] = np.nan
    df.loc[5, "Name"] = None  # unused column: does not count
    r = do(SEED_QUERY, df, dag=reality)
    assert r.n_dropped_missing == 3 and r.n_used == 13
    assert any("3 rows with a missing value" in w for w in r.warnings)
    complete = df.dropna(subset=["Talent", "Sound"])
    assert r.value == pytest.approx(
        _backdoor_by_hand(complete, "Sound", "Great", "Gear", "Fancy", ["Talent"])
    )


def test_continuous_adjuster_is_refused_by_strata_with_a_binning_hint():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"Age": rng.normal(40, 10, 300), "X": rng.integers(0, 2, 300)})
    df["Y"] = rng.integers(0, 2, 300)
    with pytest.raises(DataError, match=r"'Age' is continuous .*pd\.qcut.*method"):
        do("P(Y=1 | do(X=1))", df, adjust=["Age"], method="strata")
    assert do("P(Y=1 | do(X=1))", df, adjust=["Age"]).method == "aipw"  # auto: a model


def test_binned_adjuster_is_accepted():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"Age": rng.normal(40, 10, 300), "X": rng.integers(0, 2, 300)})
    df["Y"] = rng.integers(0, 2, 300)
    df["Age"] = pd.qcut(df["Age"], 4)
    assert do("P(Y=1 | do(X=1))", df, adjust=["Age"]).table.shape[0] == 4


def test_value_not_in_column_lists_the_values_present(players, reality):
    with pytest.raises(UnknownValueError, match=r"Gear=Shiny does not occur .*Cheap, Fancy"):
        do("P(Sound=Great | do(Gear=Shiny))", players, dag=reality)
    with pytest.raises(UnknownValueError, match="did you mean Fancy"):
        do("P(Sound=Great | do(Gear=fancy))", players, dag=reality)


def test_unknown_column_suggests_the_near_match(players):
    with pytest.raises(UnknownColumnError, match=r"'Geer' is not a column.*did you mean 'Gear'"):
        do("P(Sound=Great | do(Geer=Fancy))", players, adjust=["Talent"])


def test_values_match_the_column_dtype():
    df = pd.DataFrame(
        {
            "I": [1, 1, 0, 0],
            "S": ["1", "1", "0", "0"],
            "B": [True, True, False, False],
            "F": [1.0, 1.0, 0.0, 0.0],
            "Y": [1, 0, 1, 1],
        }
    )
    for col, raw in [
        ("I", "1"),
        ("S", "1"),
        ("S", '"1"'),
        ("B", "true"),
        ("B", "1"),
        ("F", "1"),
        ("I", "true"),
    ]:
        r = do(f"P(Y=1 | {col}={raw})", df)
        assert r.value == 0.5, (col, raw)
    with pytest.raises(UnknownValueError, match="holds numbers"):
        do("P(Y=1 | I=one)", df)


def test_not_a_table_is_refused():
    with pytest.raises(TypeError, match="data must be a table"):
        do(SEED_QUERY, [1, 2, 3], adjust=["Talent"])


# -- simulated structural causal models with known interventional truth ----------------------


def _sigmoid(v):
    return 1 / (1 + np.exp(-v))


def _scm_confounders(n, seed):
    """Z1 -> Z3; Z1, Z2, Z3 -> X; Z1, Z2, Z3, X -> Y (binary X, Y)."""
    rng = np.random.default_rng(seed)
    z1 = (rng.random(n) < 0.4).astype(np.int8)
    z2 = rng.choice(3, size=n, p=[0.5, 0.3, 0.2]).astype(np.int8)
    z3 = (rng.random(n) < 0.3 + 0.4 * z1).astype(np.int8)
    x = (rng.random(n) < _sigmoid(-1 + 1.2 * z1 + 0.8 * z2 - 0.9 * z3)).astype(np.int8)
    y = (rng.random(n) < 0.1 + 0.3 * x + 0.2 * z1 + 0.1 * z2 + 0.15 * z3).astype(np.int8)
    df = pd.DataFrame({"Z1": z1, "Z2": z2, "Z3": z3, "X": x, "Y": y})
    edges = "Z1>Z3 Z1>X Z2>X Z3>X Z1>Y Z2>Y Z3>Y X>Y"
    G = nx.DiGraph([tuple(e.split(">")) for e in edges.split()])
    # P(Y=1 | do(X=x)) = E_z[p(x, z)]: E[Z1]=0.4, E[Z2]=0.7, P(Z3=1)=0.3+0.4*0.4
    truth = {xv: 0.1 + 0.3 * xv + 0.2 * 0.4 + 0.1 * 0.7 + 0.15 * 0.46 for xv in (0, 1)}
    return df, G, truth


def _backdoor_se(r, n):
    """Delta-method standard error of the adjustment formula from the result's table."""
    t = r.table
    p = t["P(y | x, z)"]
    var_terms = (t["P(z)"] ** 2 * p * (1 - p) / t["n(x, z)"]).sum()
    var_weights = ((p - r.value) ** 2 * t["P(z)"]).sum() / n
    return math.sqrt(var_terms + var_weights)


def test_several_confounders_recover_the_interventional_truth():
    n = 300_000
    df, G, truth = _scm_confounders(n, seed=11)
    r1 = do("P(Y=1 | do(X=1))", df, dag=G)
    assert set(r1.adjustment_set) == {"Z1", "Z2", "Z3"}
    se = _backdoor_se(r1, n)
    assert abs(r1.value - truth[1]) < 5 * se
    assert abs(r1.naive - truth[1]) > 10 * se  # the test could fail: confounding is real
    diff = do("P(Y=1 | do(X=1)) - P(Y=1 | do(X=0))", df, dag=G)
    assert diff.value == pytest.approx(0.3, abs=10 * se)


def test_ci_contains_the_truth_and_shrinks_with_n():
    df, G, truth = _scm_confounders(200_000, seed=5)
    r = do("P(Y=1 | do(X=1))", df, dag=G, ci=0.95, bootstrap=400, seed=1)
    lo, hi = r.ci
    assert lo < truth[1] < hi and lo < r.value < hi
    small = do("P(Y=1 | do(X=1))", df.iloc[:12_500], dag=G, ci=0.95, bootstrap=400, seed=1)
    width_big, width_small = hi - lo, small.ci[1] - small.ci[0]
    assert width_big < width_small / 2  # 16x the rows: about 1/4 the width


def test_ci_is_reproducible_with_a_seed(players, reality):
    a = do(SEED_QUERY, players, dag=reality, ci=0.9, bootstrap=200, seed=3)
    b = do(SEED_QUERY, players, dag=reality, ci=0.9, bootstrap=200, seed=3)
    assert a.ci == b.ci and a.ci_level == 0.9


def test_resamples_that_lose_a_stratum_are_excluded_and_counted(players, reality):
    r = do(SEED_QUERY, players, dag=reality, ci=0.95, bootstrap=500, seed=0)
    # P(the single Low/Fancy row is not drawn) ~ (15/16)^16 ~ 0.36
    assert 100 < r.bootstrap_excluded < 260
    assert any(f"{r.bootstrap_excluded} of 500 bootstrap resamples" in w for w in r.warnings)


def test_frontdoor_with_latent_confounder_recovers_the_truth():
    n = 400_000
    rng = np.random.default_rng(21)
    u = rng.random(n) < 0.5
    x = rng.random(n) < 0.2 + 0.6 * u
    m = rng.random(n) < 0.1 + 0.7 * x
    y = rng.random(n) < 0.1 + 0.5 * m + 0.3 * u
    df = pd.DataFrame({"X": x.astype(int), "M": m.astype(int), "Y": y.astype(int)})
    G = nx.DiGraph([("U", "X"), ("U", "Y"), ("X", "M"), ("M", "Y")])
    r1 = do("P(Y=1 | do(X=1))", df, dag=G)
    r0 = do("P(Y=1 | do(X=0))", df, dag=G)
    assert r1.method == "frontdoor" and r1.frontdoor_set == ("M",)
    min_cell = df.groupby(["X", "M"]).size().min()
    tol = 6 * math.sqrt(0.25 / min_cell)
    assert abs(r1.value - 0.65) < tol and abs(r0.value - 0.30) < tol
    assert abs(r1.naive - 0.65) > 3 * tol  # confounded
    # the front-door formula, by hand from the counts
    p_m_x = df[df.X == 1].M.value_counts(normalize=True)
    p_x = df.X.value_counts(normalize=True)
    p_y_mx = df.groupby(["M", "X"]).Y.mean()
    hand = sum(p_m_x[mv] * sum(p_y_mx[(mv, xv)] * p_x[xv] for xv in (0, 1)) for mv in (0, 1))
    assert r1.value == pytest.approx(hand, abs=1e-12)
    assert r1.exact is not None and float(r1.exact) == pytest.approx(hand, abs=1e-12)


def test_frontdoor_ci_brackets_the_truth():
    n = 100_000
    rng = np.random.default_rng(8)
    u = rng.random(n) < 0.5
    x = rng.random(n) < 0.2 + 0.6 * u
    m = rng.random(n) < 0.1 + 0.7 * x
    y = rng.random(n) < 0.1 + 0.5 * m + 0.3 * u
    df = pd.DataFrame({"X": x, "M": m, "Y": y})
    G = nx.DiGraph([("U", "X"), ("U", "Y"), ("X", "M"), ("M", "Y")])
    r = do("P(Y=true | do(X=true))", df, dag=G, ci=0.99, bootstrap=300, seed=2)
    assert r.ci[0] < 0.65 < r.ci[1]


def test_continuous_outcome_expectation_recovers_the_truth():
    n = 200_000
    rng = np.random.default_rng(4)
    z = rng.integers(0, 4, n)
    x = (rng.random(n) < 0.2 + 0.2 * z).astype(int)
    y = 1 + 2 * x + 1.5 * z + rng.normal(0, 1, n)
    df = pd.DataFrame({"Z": z, "X": x, "Y": y})
    G = nx.DiGraph([("Z", "X"), ("Z", "Y"), ("X", "Y")])
    r = do("E[Y | do(X=1)]", df, dag=G, ci=0.99, bootstrap=300, seed=0)
    t = r.table
    se = math.sqrt((t["P(z)"] ** 2 / t["n(x, z)"]).sum() + 1.5**2 * 1.25 / n)
    assert abs(r.value - (3 + 1.5 * 1.5)) < 5 * se
    assert r.ci[0] < 5.25 < r.ci[1]
    assert r.naive > 5.25 + 10 * se  # confounded upwards
    ate = do("E[Y | do(X=1)] - E[Y | do(X=0)]", df, dag=G)
    assert ate.value == pytest.approx(2.0, abs=0.03)


def test_expectation_by_hand_with_missing_outcomes():
    df = pd.DataFrame(
        {"Z": [0, 0, 1, 1, 1, 0], "X": [1, 0, 1, 1, 0, 1], "Y": [2.0, 1.0, 5.0, np.nan, 3.0, 4.0]}
    )
    r = do("E[Y | do(X=1)]", df, adjust=["Z"])
    # complete rows: Z=0: X=1 -> 2, 4 (mean 3); Z=1: X=1 -> 5; P(Z=0)=3/5, P(Z=1)=2/5
    assert r.value == pytest.approx(3 * 3 / 5 + 5 * 2 / 5)
    assert r.n_dropped_missing == 1


def test_conditional_effect_adjusts_within_the_stratum():
    n = 300_000
    rng = np.random.default_rng(9)
    w = (rng.random(n) < 0.5).astype(int)
    z = (rng.random(n) < 0.3 + 0.4 * w).astype(int)
    x = (rng.random(n) < 0.2 + 0.3 * z + 0.3 * w).astype(int)
    p = 0.1 + 0.3 * x + 0.3 * z + 0.2 * w
    y = (rng.random(n) < p).astype(int)
    df = pd.DataFrame({"W": w, "Z": z, "X": x, "Y": y})
    G = nx.DiGraph([("W", "Z"), ("W", "X"), ("W", "Y"), ("Z", "X"), ("Z", "Y"), ("X", "Y")])
    r = do("P(Y=1 | do(X=1), W=1)", df, dag=G)
    truth = 0.1 + 0.3 + 0.3 * 0.7 + 0.2  # P(Z=1 | W=1) = 0.7
    assert r.adjustment_set == ("Z",)
    assert abs(r.value - truth) < 0.01
    sub = df[df.W == 1]
    assert r.value == pytest.approx(_backdoor_by_hand(sub, "Y", 1, "X", 1, ["Z"]), abs=1e-12)


def test_condition_on_a_descendant_of_the_treatment_is_refused():
    df = pd.DataFrame({"X": [0, 1] * 4, "M": [0, 1, 1, 0] * 2, "Y": [0, 1, 1, 1] * 2})
    G = nx.DiGraph([("X", "M"), ("M", "Y"), ("X", "Y")])
    with pytest.raises(NotIdentifiableError, match="descendant of the treatment"):
        do("P(Y=1 | do(X=1), M=1)", df, dag=G)


def test_two_interventions_at_once():
    n = 200_000
    rng = np.random.default_rng(13)
    z = (rng.random(n) < 0.5).astype(int)
    x1 = (rng.random(n) < 0.2 + 0.6 * z).astype(int)
    x2 = (rng.random(n) < 0.7 - 0.4 * z).astype(int)
    y = (rng.random(n) < 0.1 + 0.3 * x1 + 0.2 * x2 + 0.3 * z).astype(int)
    df = pd.DataFrame({"Z": z, "X1": x1, "X2": x2, "Y": y})
    G = nx.DiGraph([("Z", "X1"), ("Z", "X2"), ("Z", "Y"), ("X1", "Y"), ("X2", "Y")])
    r = do("P(Y=1 | do(X1=1, X2=0))", df, dag=G)
    assert r.adjustment_set == ("Z",)
    assert abs(r.value - (0.1 + 0.3 + 0.15)) < 0.01


# -- the card ---------------------------------------------------------------------------------


def test_card_writes_the_formula_out_in_the_data_numbers(players, reality):
    r = do(SEED_QUERY, players, dag=reality, dag_name="G2")
    h = r._repr_html_()
    assert "P(Great | Fancy, High)·P(High) + P(Great | Fancy, Low)·P(Low)" in h
    assert "5/7 × 8/16 + 0/1 × 8/16" in h
    assert "0.714×0.500 + 0.000×0.500" in h
    assert "0.357" in h and "0.625" in h and "naive P(y | x)" in h
    assert "adjusted for {Talent}" in h and "Gear &lt;- Talent -&gt; Sound" in h
    assert "graph G2" in h
    assert "<script" not in h and "http" not in h  # self-contained, works offline


def test_card_latex_has_the_counts_as_fractions(players, reality):
    tex = do(SEED_QUERY, players, dag=reality).latex
    assert tex.startswith("$$\\begin{aligned}") and tex.endswith("\\end{aligned}$$")
    assert r"\tfrac{5}{7} \times  \tfrac{8}{16}" in tex
    assert r"\sum_{\text{Talent}}" in tex


def test_mimebundle_has_plain_html_and_latex(players, reality):
    r = do(SEED_QUERY, players, dag=reality, ci=0.95, seed=0)
    b = r._repr_mimebundle_()
    assert set(b) == {"text/plain", "text/html", "text/latex"}
    assert b["text/plain"].startswith("P(Sound=Great | do(Gear=Fancy)) = 0.357  [95% CI")
    assert "excluded" in b["text/html"]
    assert set(r._repr_mimebundle_(include=["text/plain"])) == {"text/plain"}


def test_card_escapes_every_user_string():
    df = pd.DataFrame(
        {
            "<b>T</b>": ["<script>alert(1)</script>", "x&y"] * 4,
            "X": [1, 0, 0, 1, 1, 0, 1, 0],
            "Y": [1, 1, 0, 0, 1, 0, 1, 1],
        }
    )
    G = nx.DiGraph([("<b>T</b>", "X"), ("<b>T</b>", "Y"), ("X", "Y")])
    r = do("P(Y=1 | do(X=1))", df, dag=G, dag_name="<i>G</i>")
    h = r._repr_html_()
    assert "<script>" not in h and "<b>T</b>" not in h and "<i>G</i>" not in h
    assert "&lt;script&gt;" in h and "&lt;i&gt;G&lt;/i&gt;" in h
    assert "\\textbackslash" not in r.latex and "\\&" in r.latex


def test_card_for_contrast_distribution_frontdoor_and_expectation_renders(players, reality):
    cards = [
        do(
            "P(Sound=Great | do(Gear=Fancy)) - P(Sound=Great | do(Gear=Cheap))",
            players,
            dag=reality,
        ),
        do("P(Sound | do(Gear=Fancy))", players, dag=reality, ci=0.9, bootstrap=100, seed=0),
        do(
            "E[Y | do(X=1)]",
            pd.DataFrame({"Z": [0, 0, 1, 1], "X": [1, 0, 1, 0], "Y": [1.5, 2.0, 3.0, 4.0]}),
            adjust=["Z"],
        ),
    ]
    for r in cards:
        assert r._repr_html_().startswith('<div class="cm-do-card">')
        assert r.latex.startswith("$$") and repr(r)
    assert "difference: 0.357 − 0.143 = 0.214" in cards[0]._repr_html_()
    assert "90% CI" in cards[1]._repr_html_()
    assert "1.5/1 × 2/4" in cards[2]._repr_html_()


def test_expectation_of_a_text_column_is_refused_with_the_probability_to_ask(players):
    with pytest.raises(DataError, match=r"needs a numeric column.*P\(Sound=value"):
        do("E[Sound | do(Gear=Fancy)]", players, adjust=["Talent"])


def test_precision_set_is_explained_when_no_backdoor_path_is_open(players):
    G = nx.DiGraph([("Gear", "Sound"), ("Talent", "Sound")])  # Talent is no confounder here
    r = do(SEED_QUERY, players, dag=G)
    assert "no back-door path is open, so the empty set is valid too" in r.reason


def test_a_graph_passed_without_a_name_is_called_so_on_the_card(players):
    G = nx.DiGraph([("Talent", "Gear"), ("Talent", "Sound"), ("Gear", "Sound")])
    r = do("P(Sound=Great | do(Gear=Fancy))", players, dag=G)
    assert "the graph passed as dag=" in str(r) and "the graph passed as dag=" in r._repr_html_()
    assert "graph the graph" not in str(r) + r._repr_html_()
    named = do("P(Sound=Great | do(Gear=Fancy))", players, dag=G, dag_name="Reality")
    assert "graph Reality" in str(named) and "graph Reality" in named._repr_html_()
