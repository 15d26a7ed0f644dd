"""check_fit's error rates on data from the true graph, over many seeds.

Each test simulates from a known DAG with fixed seeds and checks that the
tests hold their level: the uncorrected per-test rejection rate lies inside a
binomial band around alpha, and Holm's family-wise rejection rate is at most
alpha (up to the same band).  Small n, many seeds, a few seconds in all.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from causal_magic.fit import check_fit, compare

pytest.importorskip("scipy")

ALPHA = 0.05
SEEDS = 300


def _band(p: float, m: int, z: float = 3.5) -> tuple[float, float]:
    """A two-sided binomial band for a rate over ``m`` trials (about 3.5 standard errors)."""
    sd = math.sqrt(p * (1 - p) / m)
    return p - z * sd, p + z * sd


#: Four binary variables: A -> B -> C <- D, plus A -> D' ... kept small: three claims.
TRUE_CAT = nx.DiGraph([("A", "B"), ("B", "C"), ("D", "C")])


def _cat_data(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 2, n)
    b = a ^ (rng.random(n) < 0.25)
    d = rng.integers(0, 3, n)
    c = (b + (d == 2) + (rng.random(n) < 0.3)) % 2
    return pd.DataFrame({"A": a, "B": b.astype(int), "C": c, "D": d})


TRUE_NUM = nx.DiGraph([("X", "Y"), ("Y", "Z"), ("W", "Z"), ("W", "V")])


def _num_data(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    e = rng.normal(size=(5, n))
    x = e[0]
    y = 0.8 * x + e[1]
    w = e[3]
    z = 0.7 * y - 0.6 * w + e[2]
    v = 0.5 * w + e[4]
    return pd.DataFrame({"X": x, "Y": y, "Z": z, "W": w, "V": v})


TRUE_MIX = nx.DiGraph([("K", "X"), ("X", "Y"), ("K", "W")])


def _mix_data(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    k = rng.integers(0, 3, n)
    x = np.array([0.0, 1.0, -0.5])[k] + rng.normal(size=n)
    y = 0.7 * x + rng.normal(size=n)
    w = np.array([0.0, -1.0, 1.0])[k] + rng.normal(size=n)
    return pd.DataFrame({"K": np.array(["lo", "mid", "hi"])[k], "X": x, "Y": y, "W": w})


@pytest.mark.parametrize(
    ("graph", "simulate", "n"),
    [(TRUE_CAT, _cat_data, 400), (TRUE_NUM, _num_data, 150), (TRUE_MIX, _mix_data, 150)],
    ids=["categorical-G-test", "numeric-partial-correlation", "mixed-indicators-Wilks"],
)
def test_true_graph_is_rejected_at_about_alpha(graph, simulate, n):
    per_test = []
    family = []
    for seed in range(SEEDS):
        t = check_fit(graph, simulate(n, seed), alpha=ALPHA).table
        assert t["p_value"].notna().all()
        per_test.append((t["p_value"] <= ALPHA).to_numpy())
        family.append(bool(t["rejected"].any()))
    per_test = np.array(per_test)
    m = per_test.size
    lo, hi = _band(ALPHA, m)
    assert lo <= per_test.mean() <= hi, (per_test.mean(), (lo, hi))
    for j in range(per_test.shape[1]):  # each claim on its own, too
        lo1, hi1 = _band(ALPHA, SEEDS)
        assert lo1 <= per_test[:, j].mean() <= hi1
    assert np.mean(family) <= _band(ALPHA, SEEDS)[1]
    assert per_test.shape[1] >= 3  # a family, so Holm has something to correct


def test_uncorrected_family_rate_exceeds_alpha_so_the_correction_matters():
    family = [
        bool((check_fit(TRUE_NUM, _num_data(150, s), correction="none").table["rejected"]).any())
        for s in range(SEEDS)
    ]
    holm = [
        bool(check_fit(TRUE_NUM, _num_data(150, s)).table["rejected"].any()) for s in range(SEEDS)
    ]
    assert np.mean(holm) < np.mean(family)


def test_wrong_graph_loses_against_the_true_one_at_large_n():
    wrong = nx.DiGraph([("X", "Y"), ("Z", "Y"), ("W", "Z"), ("W", "V")])  # collider at Y
    c = compare(TRUE_NUM, wrong, _num_data(4000, 1), names=("true", "wrong"))
    assert c.verdict.endswith("they favour true.")


def _random_dag(rng: np.random.Generator, n: int, p: float) -> nx.DiGraph:
    order = list("ABCDE"[:n])
    rng.shuffle(order)
    G = nx.DiGraph()
    G.add_nodes_from("ABCDE"[:n])
    for i in range(n):
        for j in range(i + 1, n):
            if rng.random() < p:
                G.add_edge(order[i], order[j])
    return G


def test_skeleton_and_v_structures_agree_with_every_d_separation():
    from causal_magic.fit.equivalence import _dsep_equivalent_mixed

    rng = np.random.default_rng(0)
    seen = {True: 0, False: 0}
    for _ in range(150):
        G1 = _random_dag(rng, 4, 0.5)
        G2 = G1.copy()
        for u, v in list(G2.edges):  # reverse some edges when that keeps it acyclic
            if rng.random() < 0.5:
                G2.remove_edge(u, v)
                G2.add_edge(v, u)
                if not nx.is_directed_acyclic_graph(G2):
                    G2.remove_edge(v, u)
                    G2.add_edge(u, v)
        nodes = sorted(G1.nodes)
        want = _dsep_equivalent_mixed(G1, G2, nodes, nodes)
        got = compare(G1, G2).equivalent
        assert got == want, (list(G1.edges), list(G2.edges))
        seen[want] += 1
    assert min(seen.values()) > 10  # both answers were exercised


def _awkward_frame(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Columns of every awkward kind: few levels, floats, text, constants, gaps."""
    makers = [
        lambda: rng.integers(0, 3, n),
        lambda: rng.normal(size=n),
        lambda: np.array(["x", "y", "z"])[rng.integers(0, 3, n)],
        lambda: np.full(n, 7),
        lambda: np.where(rng.random(n) < 0.3, np.nan, rng.normal(size=n)),
        lambda: rng.integers(0, 50, n),
        lambda: rng.random(n) < 0.5,
    ]
    return pd.DataFrame({c: makers[rng.integers(0, len(makers))]() for c in "ABCDE"})


def test_any_graph_on_awkward_data_gives_honest_rows_and_no_crash():
    rng = np.random.default_rng(5)
    for _ in range(120):
        G = _random_dag(rng, 5, 0.35)
        df = _awkward_frame(rng, int(rng.integers(0, 40)))
        fit = check_fit(G, df)
        t = fit.table
        p = t["p_value"]
        assert ((p >= 0) & (p <= 1) | p.isna()).all()
        assert not (t["rejected"] & p.isna()).any()  # no verdict without a test
        assert (t.loc[p.isna(), "note"].str.len() > 0).all()  # an untested row says why
        assert fit._repr_html_().count("<script") == 0
