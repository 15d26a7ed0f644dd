"""check_fit / compare: tests agree with hand computations, and across engines."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from causal_magic.fit import (
    FISHER_Z,
    G_TEST,
    WILKS,
    FitError,
    adjust,
    check_fit,
    compare,
    g_test,
    linear_test,
    linear_test_engine,
)

scipy_stats = pytest.importorskip("scipy.stats")

GAS = nx.DiGraph([("Gear", "Sound")])
REALITY = nx.DiGraph([("Talent", "Gear"), ("Talent", "Sound"), ("Gear", "Sound")])


def _binary_chain(n: int, seed: int, flip: float = 0.2) -> pd.DataFrame:
    """A -> B -> C with binary noise, plus an independent D."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 2, n)
    b = a ^ (rng.random(n) < flip)
    c = b ^ (rng.random(n) < flip)
    d = rng.integers(0, 2, n)
    return pd.DataFrame({"A": a, "B": b.astype(int), "C": c.astype(int), "D": d})


def _gaussian(kind: str, n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    e = rng.normal(size=(3, n))
    if kind == "chain":  # X -> Y -> Z
        x = e[0]
        y = x + e[1]
        z = y + e[2]
    elif kind == "fork":  # X <- Y -> Z
        y = e[1]
        x = y + e[0]
        z = y + e[2]
    else:  # collider X -> Y <- Z
        x, z = e[0], e[2]
        y = x + z + e[1]
    return pd.DataFrame({"X": x, "Y": y, "Z": z})


# -- the seed: GAS vs Reality -------------------------------------------------------------


def test_seed_graphs_are_complete_and_imply_nothing_testable(players):
    df = players
    for G in (GAS, REALITY):
        fit = check_fit(G, df)
        assert len(fit.table) == 0 and fit.fits is None
        assert any("complete" in n for n in fit.notes)
        assert "no testable" in fit.summary()


def test_seed_comparison_says_the_data_cannot_tell_gas_from_reality(players):
    c = compare(GAS, REALITY, players, names=("GAS", "Reality"))
    assert len(c.table) == 0
    assert c.verdict.startswith("These data cannot tell GAS and Reality apart")
    assert "joins every pair" in c.verdict  # the why: both complete over their variables
    assert c.equivalent is False and "Talent only in Reality" in c.equivalence
    assert "same independencies" in c.equivalence
    html = c._repr_html_()
    assert "cannot tell GAS and Reality apart" in html and "<script" not in html


# -- the statistics against hand computations --------------------------------------------


def test_g_statistic_matches_a_hand_computation_over_two_strata():
    # two 2x2 tables, stratum z=0 and z=1
    tables = {0: [[10, 20], [30, 15]], 1: [[5, 5], [8, 2]]}
    rows = []
    for z, t in tables.items():
        for a in (0, 1):
            for b in (0, 1):
                rows += [(a, b, z)] * t[a][b]
    df = pd.DataFrame(rows, columns=["A", "B", "Z"])
    G = 0.0
    for t in tables.values():
        o = np.array(t, dtype=float)
        e = o.sum(1, keepdims=True) * o.sum(0, keepdims=True) / o.sum()
        G += 2 * (o * np.log(o / e)).sum()
    res = g_test(df, "A", "B", ["Z"])
    assert res.test == G_TEST and res.dof == 2 and res.n == len(df)
    assert res.statistic == pytest.approx(G, rel=1e-12)
    assert res.p_value == pytest.approx(scipy_stats.chi2.sf(G, 2), rel=1e-12)


def test_unconditional_g_matches_scipy_log_likelihood_chi2():
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"A": rng.integers(0, 3, 400), "B": rng.integers(0, 4, 400)})
    df["B"] = np.where(rng.random(400) < 0.3, df["A"], df["B"])
    obs = pd.crosstab(df["A"], df["B"]).to_numpy()
    stat, p, dof, _ = scipy_stats.chi2_contingency(obs, correction=False, lambda_="log-likelihood")
    res = g_test(df, "A", "B")
    assert (res.statistic, res.dof) == (pytest.approx(stat, rel=1e-10), dof)
    assert res.p_value == pytest.approx(p, rel=1e-8)


def test_stratum_with_one_value_adds_nothing_to_g_or_dof():
    # stratum z=1 has only A=0: it carries no information about A-B association
    rows = [(0, 0, 0)] * 10 + [(0, 1, 0)] * 12 + [(1, 0, 0)] * 9 + [(1, 1, 0)] * 14
    rows_plus = rows + [(0, 0, 1)] * 7 + [(0, 1, 1)] * 3
    a = g_test(pd.DataFrame(rows, columns=["A", "B", "Z"]), "A", "B", ["Z"])
    b = g_test(pd.DataFrame(rows_plus, columns=["A", "B", "Z"]), "A", "B", ["Z"])
    assert (a.statistic, a.dof) == (pytest.approx(b.statistic), b.dof) == (a.statistic, 1)
    assert "1 of 2 strata" in b.note


def test_partial_correlation_matches_numpy_regression_residuals():
    df = _gaussian("chain", 300, 5)
    df["W"] = np.random.default_rng(6).normal(size=300) + 0.5 * df["Y"]
    res = linear_test(df, "X", "Z", ["Y", "W"], categorical=set())
    Z = np.column_stack([np.ones(300), df["Y"], df["W"]])

    def resid(v):
        return v - Z @ np.linalg.lstsq(Z, v, rcond=None)[0]

    rx, rz = resid(df["X"].to_numpy()), resid(df["Z"].to_numpy())
    r = rx @ rz / math.sqrt((rx @ rx) * (rz @ rz))
    z = math.atanh(r) * math.sqrt(300 - 2 - 3)
    assert res.test == FISHER_Z
    assert res.effect == pytest.approx(r, abs=1e-12)
    assert res.statistic == pytest.approx(z, rel=1e-9)
    assert res.p_value == pytest.approx(2 * scipy_stats.norm.sf(abs(z)), rel=1e-9)
    half = scipy_stats.norm.ppf(0.975) / math.sqrt(300 - 2 - 3)
    assert (res.ci_low, res.ci_high) == (
        pytest.approx(math.tanh(math.atanh(r) - half)),
        pytest.approx(math.tanh(math.atanh(r) + half)),
    )


def test_categorical_conditioning_set_enters_as_indicators():
    rng = np.random.default_rng(8)
    n = 500
    k = rng.integers(0, 3, n)
    x = k + rng.normal(size=n)
    y = 2.0 * k + rng.normal(size=n)
    df = pd.DataFrame({"X": x, "Y": y, "K": np.array(["a", "b", "c"])[k]})
    res = linear_test(df, "X", "Y", ["K"], categorical={"K"})
    D = np.column_stack([np.ones(n), k == 1, k == 2]).astype(float)

    def resid(v):
        return v - D @ np.linalg.lstsq(D, v, rcond=None)[0]

    rx, ry = resid(x), resid(y)
    r = rx @ ry / math.sqrt((rx @ rx) * (ry @ ry))
    assert res.effect == pytest.approx(r, abs=1e-12)
    assert res.statistic == pytest.approx(math.atanh(r) * math.sqrt(n - 2 - 3), rel=1e-9)


def test_multilevel_category_against_numeric_uses_wilks_and_finds_the_association():
    rng = np.random.default_rng(9)
    n = 600
    k = rng.integers(0, 3, n)
    df = pd.DataFrame({"K": np.array(["lo", "mid", "hi"])[k], "Y": (k == 1) + rng.normal(size=n)})
    res = linear_test(df, "K", "Y", [], categorical={"K"})
    assert res.test == WILKS and res.dof == 2 and res.p_value < 1e-6


def test_holm_adjustment_is_the_step_down_formula():
    p = np.array([0.01, 0.04, 0.03, np.nan, 0.005])
    got = adjust(p, "holm")
    # sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 then running max
    assert got[4] == pytest.approx(0.02) and got[0] == pytest.approx(0.03)
    assert got[2] == pytest.approx(0.06) and got[1] == pytest.approx(0.06)
    assert math.isnan(got[3])
    assert adjust(p, "bonferroni")[1] == pytest.approx(0.16)
    with pytest.raises(ValueError, match="holm"):
        adjust(p, "tukey")


# -- the graph's claims against simulated data --------------------------------------------


def test_graph_missing_a_needed_edge_is_rejected_at_large_n():
    df = _binary_chain(5000, 1)
    wrong = nx.DiGraph([("A", "B"), ("D", "C")])  # B -> C left out
    fit = check_fit(wrong, df)
    rejected = set(map(tuple, fit.contradicted[["a", "b"]].to_numpy()))
    assert ("B", "C") in rejected and fit.fits is False
    assert ("B", "C") in fit.contradicted_pairs
    mark = next(m for m in fit.marks() if (m["a"], m["b"]) == ("B", "C"))
    assert mark["given"] == [] and mark["text"].startswith("the data say B and C")
    reading = next(r for r in fit.readings() if r.startswith("the data say B and C"))
    assert "the graph says they are independent" in reading and "edge" in reading
    assert check_fit(nx.DiGraph([("A", "B"), ("B", "C"), ("D", "C")]), df).fits is True


def test_reading_names_the_conditioning_set():
    rng = np.random.default_rng(2)
    n = 4000
    t = rng.integers(0, 2, n)
    g = t ^ (rng.random(n) < 0.2)
    s = (g & (rng.random(n) < 0.8)) | (t & (rng.random(n) < 0.5))
    df = pd.DataFrame({"Talent": t, "Gear": g.astype(int), "Sound": s.astype(int)})
    no_edge = nx.DiGraph([("Talent", "Gear"), ("Talent", "Sound")])
    fit = check_fit(no_edge, df)
    assert fit.readings()[0].startswith(
        "the data say Gear and Sound are still associated given Talent"
    )
    assert (
        "the graph says they are not — an edge between them may be missing" in (fit.readings()[0])
    )
    html = fit._repr_html_()
    assert "cm-rejected" in html and "still associated given Talent" in html


@pytest.mark.parametrize("truth", ["chain", "fork", "collider"])
def test_chain_fork_and_collider_are_told_apart(truth):
    df = _gaussian(truth, 3000, 11)
    graphs = {
        "chain": nx.DiGraph([("X", "Y"), ("Y", "Z")]),
        "fork": nx.DiGraph([("Y", "X"), ("Y", "Z")]),
        "collider": nx.DiGraph([("X", "Y"), ("Z", "Y")]),
    }
    fits = {k: check_fit(G, df).fits for k, G in graphs.items()}
    if truth == "collider":
        assert fits == {"chain": False, "fork": False, "collider": True}
    else:  # chain and fork are Markov equivalent: both fit, the collider does not
        assert fits == {"chain": True, "fork": True, "collider": False}
    c = compare(graphs["chain"], graphs["collider"], df, names=("chain", "collider"))
    favoured = "collider" if truth == "collider" else "chain"
    assert c.verdict.endswith(f"they favour {favoured}.")
    assert c.equivalent is False and "X → Y ← Z only in collider" in c.equivalence


def test_chain_and_fork_are_markov_equivalent_without_data():
    c = compare(nx.DiGraph([("X", "Y"), ("Y", "Z")]), nx.DiGraph([("Y", "X"), ("Y", "Z")]))
    assert c.equivalent is True and "same skeleton" in c.equivalence
    assert len(c.table) == 0 and c.shared == ["X ⫫ Z | Y"]
    assert c.verdict.startswith("No conditional-independence test can tell")


def test_latent_node_keeps_tests_through_observed_separators():
    # U is not a column: A <- U -> B -> C; A ⫫ C | B is still testable
    G = nx.DiGraph([("U", "A"), ("U", "B"), ("B", "C")])
    df = _binary_chain(400, 4)[["A", "B", "C"]]
    fit = check_fit(G, df)
    assert list(fit.table["independence"]) == ["A ⫫ C | B"]
    assert fit.latent == ["U"] and any("U is not a column" in n for n in fit.notes)


def test_compare_with_latent_confounder_checks_d_separation_over_measured_nodes():
    # X <-> Y by a latent U, versus X -> Y: same (no) independencies between X and Y
    G1 = nx.DiGraph([("U", "X"), ("U", "Y")])
    G1.nodes["U"]["role"] = "latent"
    G2 = nx.DiGraph([("X", "Y")])
    c = compare(G1, G2)
    assert c.equivalent is True and "d-separations" in c.equivalence
    assert "equality constraints" in c.equivalence


# -- bad input, said plainly --------------------------------------------------------------


def test_constant_column_is_not_tested_and_said_so():
    df = _binary_chain(300, 0)
    df["D"] = 1
    fit = check_fit(nx.DiGraph([("A", "B"), ("B", "C"), ("D", "C")]), df)
    rows = fit.table.set_index("independence")
    assert math.isnan(rows.loc["A ⫫ D", "p_value"]) and not rows.loc["A ⫫ D", "rejected"]
    assert "D is constant" in rows.loc["A ⫫ D", "note"]
    assert any("constant" in n for n in fit.notes)
    assert not math.isnan(rows.loc["A ⫫ C | B", "p_value"])


def test_strata_too_sparse_give_no_p_value():
    # every stratum of Z has two rows, (0, 0) and (1, 1): informative, but 4 cells for 2 rows
    rows = [(0, 0, z) for z in range(6)] + [(1, 1, z) for z in range(6)]
    res = g_test(pd.DataFrame(rows, columns=["A", "B", "Z"]), "A", "B", ["Z"])
    assert math.isnan(res.p_value) and res.dof == 6
    assert res.note.startswith("too sparse to test: 24 cells")
    fit = check_fit(
        nx.DiGraph([("Z", "A"), ("Z", "B")]), pd.DataFrame(rows, columns=["A", "B", "Z"])
    )
    assert not fit.table["rejected"].any() and fit.fits is None


def test_low_expected_counts_are_flagged():
    rows = [(0, 0)] * 30 + [(0, 1)] * 3 + [(1, 0)] * 2 + [(1, 1)] * 1
    res = g_test(pd.DataFrame(rows, columns=["A", "B"]), "A", "B")
    assert not math.isnan(res.p_value) and "approximate" in res.note


def test_no_informative_stratum_is_not_testable():
    df = pd.DataFrame({"A": [0, 0, 1, 1], "B": [0, 1, 0, 1], "Z": [0, 0, 1, 1]})
    res = g_test(df, "A", "B", ["Z"])
    assert math.isnan(res.p_value) and "no stratum of Z shows two values" in res.note


def test_complete_graph_implies_nothing_and_gives_no_p_values():
    G = nx.complete_graph(4, create_using=nx.DiGraph)  # i -> j both ways: make it a DAG
    G = nx.DiGraph((u, v) for u, v in G.edges if u < v)
    G = nx.relabel_nodes(G, dict(enumerate("ABCD")))
    fit = check_fit(G, _binary_chain(200, 0))
    assert len(fit.table) == 0 and list(fit.table.columns)[:3] == ["independence", "a", "b"]
    assert "complete" in fit.notes[-1] and fit.fits is None
    assert "no testable" in fit._repr_html_()


def test_unknown_graph_and_columns_are_refused_plainly():
    df = _binary_chain(50, 0)
    with pytest.raises(FitError, match="expected a causal graph"):
        check_fit("A -> B", df)
    with pytest.raises(FitError, match="cycle"):
        check_fit(nx.DiGraph([("A", "B"), ("B", "A")]), df)
    with pytest.raises(FitError, match="none of the graph's nodes"):
        check_fit(nx.DiGraph([("P", "Q")]), df)
    with pytest.raises(FitError, match=r"must be a table"):
        check_fit(nx.DiGraph([("A", "B")]), [1, 2, 3])
    with pytest.raises(ValueError, match="correction"):
        check_fit(nx.DiGraph([("A", "B")]), df, correction="tukey")
    with pytest.raises(ValueError, match="between 0 and 1"):
        check_fit(nx.DiGraph([("A", "B")]), df, alpha=5)
    with pytest.raises(FitError, match="needs data"):
        check_fit(nx.DiGraph([("A", "B")]), None)
    with pytest.raises(FitError, match=r"^G2: expected a causal graph"):
        compare(nx.DiGraph([("A", "B")]), {"A": "B"})


def test_misspelt_node_is_latent_with_a_hint():
    df = _binary_chain(200, 0)
    fit = check_fit(nx.DiGraph([("a", "B"), ("B", "C")]), df)
    assert "did you mean column 'A'" in " ".join(fit.notes)


def test_missing_values_are_dropped_and_counted():
    df = _binary_chain(300, 0).astype(float)
    df.loc[:9, "A"] = np.nan
    fit = check_fit(nx.DiGraph([("A", "B"), ("B", "C")]), df.astype({"B": int, "C": int}))
    row = fit.table.iloc[0]
    assert row["n"] == 290


def test_card_escapes_names_and_has_no_script():
    df = _binary_chain(500, 0).rename(columns={"A": "<b>A&</b>"})
    G = nx.DiGraph([("<b>A&</b>", "C"), ("B", "C")])  # wrong on purpose: A -> B is needed
    html = check_fit(G, df, graph_name="<i>g</i>")._repr_html_()
    assert "<b>A&" not in html and "&lt;b&gt;A&amp;&lt;/b&gt;" in html
    assert "<i>g</i>" not in html and "<script" not in html
    assert "contradicted" in html


# -- engines --------------------------------------------------------------------------------


def _mixed_frame() -> pd.DataFrame:
    df = _binary_chain(800, 7)
    df["C"] = df["C"].map({0: "no", 1: "yes"})
    rng = np.random.default_rng(7)
    df["N"] = df["B"] + rng.normal(size=len(df))
    return df


def _mixed_graph() -> nx.DiGraph:
    return nx.DiGraph([("A", "B"), ("B", "C"), ("D", "C"), ("B", "N")])


def _comparable(fit) -> pd.DataFrame:
    return fit.table[["independence", "test", "statistic", "dof", "p_value", "n"]]


@pytest.mark.parametrize("engine", ["polars", "pyarrow", "duckdb"])
def test_other_engines_give_the_pandas_numbers(engine):
    df = _mixed_frame()
    if engine == "polars":
        pl = pytest.importorskip("polars")
        other = pl.from_pandas(df)
    elif engine == "pyarrow":
        pa = pytest.importorskip("pyarrow")
        other = pa.Table.from_pandas(df)
    else:
        duckdb = pytest.importorskip("duckdb")
        con = duckdb.connect()
        con.register("df_view", df)
        other = con.sql("SELECT * FROM df_view")
    want = check_fit(_mixed_graph(), df)
    got = check_fit(_mixed_graph(), other)
    assert {G_TEST, FISHER_Z} <= set(want.table["test"])
    pd.testing.assert_frame_equal(_comparable(got), _comparable(want), rtol=1e-9)
    assert got.engine == engine


def test_dask_gives_the_pandas_numbers_from_sums_computed_in_dask():
    dd = pytest.importorskip("dask.dataframe")
    df = _mixed_frame()
    df.loc[::50, "N"] = np.nan  # missing values are left out the same way
    got = check_fit(_mixed_graph(), dd.from_pandas(df, npartitions=3))
    want = check_fit(_mixed_graph(), df)
    assert {G_TEST, FISHER_Z} <= set(want.table["test"])
    pd.testing.assert_frame_equal(_comparable(got), _comparable(want), rtol=1e-9)


def test_engine_sums_match_the_rows_for_wilks_with_strata_and_far_from_zero_means():
    pl = pytest.importorskip("polars")
    rng = np.random.default_rng(12)
    n = 900
    k = rng.integers(0, 3, n)
    s = rng.integers(0, 2, n)
    x = 1e6 + k + s + rng.normal(size=n)  # a large mean: sums of squares would cancel
    y = 1e6 + 0.5 * x - 0.5e6 + (k == 2) + rng.normal(size=n)
    df = pd.DataFrame({"K": np.array(["a", "b", "c"])[k], "S": s, "X": x, "Y": y})
    for args in (("K", "Y", ["X", "S"]), ("X", "Y", ["K", "S"]), ("K", "S", ["X"])):
        cats = {"K", "S"}
        want = linear_test(df, *args, categorical=cats)
        got = linear_test_engine(pl.from_pandas(df), *args, categorical=cats)
        assert (got.test, got.dof, got.n) == (want.test, want.dof, want.n)
        assert got.statistic == pytest.approx(want.statistic, rel=1e-7)
        assert got.p_value == pytest.approx(want.p_value, rel=1e-6, abs=1e-300)


def test_docstring_examples_run():
    import doctest

    import causal_magic.fit as fit

    result = doctest.testmod(fit)
    assert result.attempted > 0 and result.failed == 0


def test_claims_about_a_variable_one_graph_lacks_are_listed_apart():
    c = compare(
        nx.DiGraph([("A", "B"), ("B", "C")]), nx.DiGraph([("A", "B")]), names=("long", "short")
    )
    assert c.not_comparable == ["A ⫫ C | B (long; short does not measure C)"]
    assert "only one graph measures" in c.verdict and c.equivalent is False


def test_empty_and_all_missing_columns_are_said_plainly():
    G = nx.DiGraph([("A", "B"), ("B", "C")])
    empty = pd.DataFrame({c: pd.Series([], dtype=int) for c in "ABC"})
    fit = check_fit(G, empty)
    assert fit.table["note"][0] == "not testable: A has no values in the data"
    assert fit.fits is None and any("no values" in n for n in fit.notes)
    nan_a = pd.DataFrame({"A": [np.nan] * 5, "B": [1.0, 2, 1, 2, 1], "C": [0.0, 1, 0, 1, 1]})
    note = check_fit(G, nan_a).table["note"][0]
    assert note.startswith("not testable: no row has values for all of A, C and B")


def test_seed_with_talent_unmeasured_is_still_indistinguishable(players):
    reality = REALITY.copy()
    reality.nodes["Talent"]["role"] = "latent"  # the blog: "we're not going to measure Talent"
    c = compare(GAS, reality, players[["Gear", "Sound"]], names=("GAS", "Reality"))
    assert c.verdict.startswith("These data cannot tell GAS and Reality apart")
    assert c.equivalent is True and "equality constraints" in c.equivalence
    no_edge = nx.DiGraph([("Talent", "Gear"), ("Talent", "Sound")])
    c2 = compare(GAS, no_edge, players[["Gear", "Sound"]], names=("GAS", "Confounded"))
    assert "Confounded leaves no pair of Gear and Sound separable" in c2.verdict
    assert c2.equivalent is True
