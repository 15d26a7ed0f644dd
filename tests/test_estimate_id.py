"""%do on effects identified only by the ID algorithm (the napkin graph)."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from causal_magic import do, parse_dag
from causal_magic.estimate import PositivityError
from causal_magic.estimate.id_formula import IdFormula
from causal_magic.identify import identify_effect
from causal_magic.identify.id_algorithm import evaluate, id_formula

N = 200_000
# The estimator's standard error here is about 0.0025 (bootstrap); 4 / sqrt(n) ~ 0.009
# leaves room for it and for the simulated truth's own error (about 0.001).
TOL = 4 / math.sqrt(N)

NAPKIN = "W1 -> W2 -> X -> Y\nW1 <-> X\nW1 <-> Y"


def simulate(n: int, seed: int, do_x: int | None = None) -> pd.DataFrame:
    """The napkin model: U1 (W1 <-> X) and U2 (W1 <-> Y) hidden, all binary."""
    rng = np.random.default_rng(seed)
    u1 = rng.random(n) < 0.5
    u2 = rng.random(n) < 0.5
    w1 = rng.random(n) < 0.1 + 0.3 * u1 + 0.5 * u2
    w2 = rng.random(n) < 0.15 + 0.7 * w1
    x = rng.random(n) < 0.05 + 0.45 * w2 + 0.45 * u1
    if do_x is not None:
        x = np.full(n, bool(do_x))
    y = rng.random(n) < 0.1 + 0.3 * x + 0.55 * u2
    cols = {"W1": w1, "W2": w2, "X": x, "Y": y}
    return pd.DataFrame({k: v.astype(int) for k, v in cols.items()})


@pytest.fixture(scope="module")
def napkin():
    return parse_dag(NAPKIN)


@pytest.fixture(scope="module")
def napkin_data():
    return simulate(N, seed=7)


@pytest.fixture(scope="module")
def truth():
    return float(simulate(N, seed=7, do_x=1)["Y"].mean())


def test_napkin_is_identified_only_by_the_id_algorithm(napkin):
    ident = identify_effect(napkin, "X", "Y", observed={"W1", "W2", "X", "Y"})
    assert ident.method == "id"


def test_napkin_estimate_recovers_the_simulated_intervention(napkin, napkin_data, truth):
    r = do("P(Y=1 | do(X=1))", napkin_data, dag=napkin)
    assert r.method == "id"
    assert abs(r.value - truth) < TOL
    # and the naive conditional is biased by more than the tolerance
    assert abs(r.naive - truth) > 2 * TOL
    assert r.naive == pytest.approx(napkin_data.loc[napkin_data.X == 1, "Y"].mean())
    assert "ID algorithm" in r.reason
    assert r.table is None


def test_napkin_estimate_equals_the_formula_by_enumeration(napkin, napkin_data):
    """The vectorised evaluation agrees with id_algorithm.evaluate on the same joint."""
    names = ("W1", "W2", "X", "Y")
    joint = napkin_data.value_counts(list(names), normalize=True).to_dict()
    expr = id_formula(napkin, {"X"}, {"Y"}, {n for n in napkin if "<->" in str(n)})
    r = do("P(Y=1 | do(X=1))", napkin_data, dag=napkin)
    p_w2 = napkin_data["W2"].value_counts(normalize=True)
    by_hand = sum(
        p_w2[w2] * evaluate(expr, joint, names, {"X": 1, "Y": 1, "W2": w2}) for w2 in (0, 1)
    )
    assert r.value == pytest.approx(by_hand, rel=1e-9)


def test_napkin_distribution_sums_to_one(napkin, napkin_data):
    r = do("P(Y | do(X=1))", napkin_data, dag=napkin)
    assert r.method == "id"
    assert sum(r.distribution.values()) == pytest.approx(1.0)
    one = do("P(Y=1 | do(X=1))", napkin_data, dag=napkin)
    assert r.distribution[1] == pytest.approx(one.value)


def test_napkin_bootstrap_interval_brackets_the_truth(napkin, napkin_data, truth):
    r = do("P(Y=1 | do(X=1))", napkin_data, dag=napkin, ci=0.95, bootstrap=200, seed=3)
    lo, hi = r.ci
    assert lo < r.value < hi
    assert lo - TOL < truth < hi + TOL
    assert hi - lo < 4 * TOL


def test_napkin_card_shows_the_id_formula_and_the_number(napkin, napkin_data):
    r = do("P(Y=1 | do(X=1))", napkin_data, dag=napkin)
    ident = identify_effect(napkin, "X", "Y", observed={"W1", "W2", "X", "Y"})
    text, html, tex = repr(r), r._repr_html_(), r.latex
    assert ident.formula in text and f"{r.value:.3f}" in text
    assert "P(X | W1, W2)" in html and f"{r.value:.3f}" in html
    assert ident.latex in tex


def test_napkin_contrast_goes_through_the_id_formula(napkin, napkin_data):
    r = do("P(Y=1 | do(X=1)) - P(Y=1 | do(X=0))", napkin_data, dag=napkin)
    assert r.method == "id"
    assert r.value == pytest.approx(0.3, abs=3 * TOL)


def test_napkin_zero_denominator_is_refused_and_named(napkin, napkin_data):
    holes = napkin_data[~((napkin_data.W1 == 1) & (napkin_data.W2 == 0))]
    with pytest.raises(PositivityError, match=r"W1=1, W2=0.*P\(X \| W1, W2\)"):
        do("P(Y=1 | do(X=1))", holes, dag=napkin)


def test_frontdoor_and_backdoor_graphs_keep_their_methods():
    rng = np.random.default_rng(0)
    n = 5_000
    u = rng.random(n) < 0.5
    x = rng.random(n) < 0.2 + 0.6 * u
    m = rng.random(n) < 0.2 + 0.6 * x
    y = rng.random(n) < 0.1 + 0.4 * m + 0.4 * u
    df = pd.DataFrame({"U": u, "X": x, "M": m, "Y": y}).astype(int)
    front = nx.DiGraph([("U", "X"), ("U", "Y"), ("X", "M"), ("M", "Y")])
    r = do("P(Y=1 | do(X=1))", df.drop(columns="U"), dag=front)
    assert r.method == "frontdoor" and r.frontdoor_set == ("M",)
    r = do("P(Y=1 | do(X=1))", df, dag=front)
    assert r.method == "backdoor" and r.adjustment_set == ("U",)


def test_id_formula_free_variable_is_averaged_over_its_distribution():
    """With one stratum of W2 only, the estimate is the formula at that stratum."""
    joint_cols = ["W1", "W2", "X", "Y"]
    df = simulate(20_000, seed=1)
    one = df[df.W2 == 1]
    G = parse_dag(NAPKIN)
    expr = id_formula(G, {"X"}, {"Y"}, {n for n in G if "<->" in str(n)})
    table = one[joint_cols].value_counts().reset_index()
    codes = table[joint_cols].to_numpy()
    levels = {c: (0, 1) for c in joint_cols}
    f = IdFormula(expr, joint_cols, codes, levels, {"X": 1}, "Y", 1)
    est, failed, _ = f.evaluate(table["count"].to_numpy(float)[None, :])
    joint = one.value_counts(joint_cols, normalize=True).to_dict()
    assert not failed[0]
    assert est[0, 0] == pytest.approx(
        evaluate(expr, joint, tuple(joint_cols), {"X": 1, "Y": 1, "W2": 1})
    )
