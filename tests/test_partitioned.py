"""The partition-sum path of model-based %do (Dask / PySpark), checked on pandas rows.

The path that Dask and PySpark take (``estimate/partitioned``) only ever sees
partitions and adds up their sums.  Here it is run on a pandas table (one
partition, the same code) by routing ``do()`` to it, so it can be compared
fast and often with the in-memory path and with oracles written out by hand:
the standardisation influence function, and the sandwich of the stacked
estimating equations by numeric derivatives.  Multi-partition agreement on
real Dask and PySpark is in ``test_distributed.py``.
"""

from __future__ import annotations

from statistics import NormalDist

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import causal_magic.estimate as estimate
from causal_magic.estimate import do
from causal_magic.estimate.partitioned import dose


@pytest.fixture
def by_partitions(monkeypatch):
    """``do()`` as a Dask or Spark table gets it: the partition-sum path (pandas rows)."""

    def run(*args, **kw):
        with monkeypatch.context() as m:
            m.setattr(estimate, "in_memory_rows", lambda data: False)
            return do(*args, **kw)

    return run


def _mixed(n: int = 4000, seed: int = 0, levels: int = 2) -> pd.DataFrame:
    """Numeric Z1, Z2, a 3-level C, a text W with gaps, a duplicate and a constant column."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, 2))
    c = rng.integers(0, 3, n)
    w = rng.choice(["u", "v"], n).astype(object)
    lin = z @ [0.6, -0.4] + 0.3 * c + 0.4 * (w == "u")
    if levels == 2:
        x = (rng.random(n) < 1 / (1 + np.exp(-lin))).astype(int)
    else:
        x = np.where(rng.random(n) < 0.35, 2, (rng.random(n) < 1 / (1 + np.exp(-lin))) * 1)
    eta = -0.3 + 0.8 * x + z @ [0.5, 0.3] - 0.2 * c + 0.3 * (w == "v")
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    df = pd.DataFrame({"Z1": z[:, 0], "Z2": z[:, 1], "C": c, "W": w, "X": x, "Y": y})
    df["S"] = 5.0 + 2.0 * x + z[:, 0] + rng.normal(size=n)
    df["D"], df["K"] = df["Z1"], 7.0
    df.loc[rng.random(n) < 0.02, "W"] = None
    df.loc[rng.random(n) < 0.01, "Z2"] = np.nan
    return df


ADJ = ["Z1", "Z2", "C", "W", "D", "K"]
GM = nx.DiGraph(
    [(a, "X") for a in ADJ] + [(a, "Y") for a in ADJ] + [("X", "Y"), ("X", "S"), ("Z1", "S")]
)
QUERIES = [
    "P(Y=1 | do(X=1))",
    "P(Y=1 | do(X=1)) - P(Y=1 | do(X=0))",
    "E[S | do(X=1)] / E[S | do(X=0)]",
    "P(S > 1 | do(X=0))",
]


def _same_diagnostics(got, want) -> None:
    for key in ("propensity_range", "ess"):
        assert list(got.diagnostics[key]) == list(want.diagnostics[key])
        for a in want.diagnostics[key]:
            assert np.allclose(got.diagnostics[key][a], want.diagnostics[key][a], rtol=1e-8)
    pd.testing.assert_frame_equal(got.diagnostics["smd"], want.diagnostics["smd"], rtol=1e-7)
    assert got.models.overlap == want.models.overlap
    assert got.diagnostics["trimmed_share"] == pytest.approx(want.diagnostics["trimmed_share"])


@pytest.mark.parametrize("method", ["gformula", "ipw", "aipw"])
@pytest.mark.parametrize("query", QUERIES)
def test_partition_sums_give_the_in_memory_numbers_with_one_fold(by_partitions, method, query):
    df = _mixed()
    got = by_partitions(query, df, dag=GM, method=method, folds=1)
    want = do(query, df, dag=GM, method=method, folds=1)
    assert "partition by partition" in got.models.interval  # the partition-sum path ran
    assert got.value == pytest.approx(want.value, rel=1e-8, abs=1e-10)
    assert got.naive == pytest.approx(want.naive, rel=1e-12)
    assert (got.n_used, got.n_dropped_missing) == (want.n_used, want.n_dropped_missing)
    assert got.warnings == want.warnings and got.models.notes == want.models.notes
    assert got.models.outcome == want.models.outcome
    assert got.models.propensity == want.models.propensity
    if got.adjustment_set != ("Z1",):
        assert "Z1 duplicates D: left out of the models" in got.models.notes
        assert "K is constant in the rows used: left out of the models" in got.models.notes
    if method != "gformula":  # gformula in memory bootstraps; its oracle is below
        assert got.se == pytest.approx(want.se, rel=1e-8)
    _same_diagnostics(got, want)


@pytest.mark.parametrize("method", ["gformula", "ipw", "aipw"])
def test_a_three_level_treatment_gives_the_in_memory_numbers(by_partitions, method):
    df = _mixed(levels=3)
    query = "P(Y=1 | do(X=2)) - P(Y=1 | do(X=0))"
    got = by_partitions(query, df, dag=GM, method=method, folds=1)
    want = do(query, df, dag=GM, method=method, folds=1)
    assert got.value == pytest.approx(want.value, rel=1e-8)
    assert list(got.diagnostics["ess"]) == [0, 1, 2]
    _same_diagnostics(got, want)


def test_trimming_gives_the_in_memory_numbers(by_partitions):
    df = _mixed(6000, seed=3)
    kw = dict(dag=GM, method="aipw", folds=1, trim=0.15)
    got, want = by_partitions("P(Y=1 | do(X=1))", df, **kw), do("P(Y=1 | do(X=1))", df, **kw)
    assert 0.02 < got.diagnostics["trimmed_share"] < 0.5
    assert got.value == pytest.approx(want.value, rel=1e-8)
    assert got.se == pytest.approx(want.se, rel=1e-8)
    assert got.n_used == want.n_used < 6000 - want.n_dropped_missing
    assert any(n.startswith("trimmed at 0.15") for n in got.models.notes)
    assert got.models.notes == want.models.notes
    _same_diagnostics(got, want)


# -- the intervals against oracles ----------------------------------------------------------


def _categorical(n=3000, seed=2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a = rng.choice(["a", "b", "c"], n)
    b = rng.integers(0, 3, n)
    x = (rng.random(n) < 0.3 + 0.2 * (a == "a") + 0.1 * b).astype(int)
    y = (rng.random(n) < 0.2 + 0.3 * x + 0.1 * (a == "b") + 0.05 * b).astype(int)
    return pd.DataFrame({"A": a, "B": b, "X": x, "Y": y})


GC = nx.DiGraph([("A", "X"), ("A", "Y"), ("B", "X"), ("B", "Y"), ("X", "Y")])


def _standardisation_se(df: pd.DataFrame, arm: int) -> tuple[float, float]:
    """θ = Σ_c p_c ȳ_ac and its influence function A(y - ȳ_ac)/e_ac + ȳ_ac - θ, by hand."""
    cell = df["A"].astype(str) + "/" + df["B"].astype(str)
    at = df["X"] == arm
    ybar = df[at].groupby(cell[at])["Y"].mean().reindex(cell).to_numpy()
    e = at.groupby(cell).mean().reindex(cell).to_numpy()
    theta = ybar.mean()
    infl = at * (df["Y"] - ybar) / e + ybar - theta
    return float(theta), float(np.sqrt((infl**2).mean() / len(df)))


@pytest.mark.parametrize("method", ["gformula", "ipw", "aipw"])
def test_saturated_intervals_are_the_standardisation_influence_function(by_partitions, method):
    df = _categorical()
    theta, se = _standardisation_se(df, 1)
    got = by_partitions("P(Y=1 | do(X=1))", df, dag=GC, method=method, folds=1)
    assert got.value == pytest.approx(theta, rel=1e-12)
    assert got.se == pytest.approx(se, rel=1e-9)


def _logistic(X, t) -> np.ndarray:
    b = np.zeros(X.shape[1])
    for _ in range(30):
        p = 1 / (1 + np.exp(-X @ b))
        b += np.linalg.solve((X * (p * (1 - p))[:, None]).T @ X, X.T @ (t - p))
    return b


def _sandwich_se(psi, theta0: np.ndarray) -> float:
    """The last parameter's standard error: J⁻¹ M J⁻ᵀ / n, J by central differences."""
    n = len(psi(theta0))
    J = np.empty((len(theta0), len(theta0)))
    for j in range(len(theta0)):
        h = np.zeros(len(theta0))
        h[j] = 1e-6
        J[:, j] = (psi(theta0 + h).mean(axis=0) - psi(theta0 - h).mean(axis=0)) / 2e-6
    P = psi(theta0)
    Ji = np.linalg.inv(J)
    V = Ji @ (P.T @ P / n) @ Ji.T / n
    return float(np.sqrt(V[-1, -1]))


def _numeric(n=3000, seed=5) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, 2))
    x = (rng.random(n) < 1 / (1 + np.exp(-(z @ [0.9, -0.6])))).astype(int)
    y = (rng.random(n) < 1 / (1 + np.exp(-(-0.4 + x + z @ [0.7, 0.5])))).astype(int)
    df = pd.DataFrame({"Z1": z[:, 0], "Z2": z[:, 1], "X": x, "Y": y})
    Zs = (z - z.mean(axis=0)) / z.std(axis=0)
    return df, np.column_stack([np.ones(n), Zs])


GN = nx.DiGraph([("Z1", "X"), ("Z2", "X"), ("Z1", "Y"), ("Z2", "Y"), ("X", "Y")])


@pytest.mark.parametrize("arm", [0, 1])
def test_ipw_interval_is_the_sandwich_of_propensity_and_weighting_equations(by_partitions, arm):
    df, X = _numeric()
    x, y = df["X"].to_numpy(), df["Y"].to_numpy()
    A = (x == arm) * 1.0

    def psi(t):
        e1 = 1 / (1 + np.exp(-X @ t[:-1]))
        ea = e1 if arm == 1 else 1 - e1
        return np.column_stack([X * (x - e1)[:, None], A * (y - t[-1]) / ea])

    g = _logistic(X, x * 1.0)
    ea = 1 / (1 + np.exp(-X @ g)) if arm == 1 else 1 - 1 / (1 + np.exp(-X @ g))
    v = float((A * y / ea).sum() / (A / ea).sum())
    got = by_partitions(f"P(Y=1 | do(X={arm}))", df, dag=GN, method="ipw")
    assert got.value == pytest.approx(v, rel=1e-9)
    assert got.se == pytest.approx(_sandwich_se(psi, np.append(g, v)), rel=1e-5)


@pytest.mark.parametrize("arm", [0, 1])
def test_gformula_interval_is_the_sandwich_of_outcome_and_averaging_equations(by_partitions, arm):
    df, X = _numeric()
    x, y = df["X"].to_numpy(), df["Y"].to_numpy()
    A = (x == arm) * 1.0

    def psi(t):
        mu = 1 / (1 + np.exp(-X @ t[:-1]))
        return np.column_stack([X * (A * (y - mu))[:, None], mu - t[-1]])

    b = _logistic(X[A > 0], y[A > 0] * 1.0)
    theta = float((1 / (1 + np.exp(-X @ b))).mean())
    got = by_partitions(f"P(Y=1 | do(X={arm}))", df, dag=GN, method="gformula")
    assert got.value == pytest.approx(theta, rel=1e-9)
    assert got.se == pytest.approx(_sandwich_se(psi, np.append(b, theta)), rel=1e-5)
    assert "delta method" in got.models.interval


def test_ipw_and_gformula_intervals_cover_the_truth(by_partitions):
    """E[S | do(X=1)] = 3 exactly; 200 data sets of 400 rows; rate in a binomial band."""
    hits = {"ipw": 0, "gformula": 0}
    runs = 200
    for seed in range(runs):
        rng = np.random.default_rng(1000 + seed)
        z = rng.normal(size=(400, 2))
        x = (rng.random(400) < 1 / (1 + np.exp(-(z @ [0.8, -0.5])))).astype(int)
        s = 1 + 2 * x + 1.5 * z[:, 0] - z[:, 1] + rng.normal(size=400)
        df = pd.DataFrame({"Z1": z[:, 0], "Z2": z[:, 1], "X": x, "S": s})
        g = nx.DiGraph([("Z1", "X"), ("Z2", "X"), ("Z1", "S"), ("Z2", "S"), ("X", "S")])
        for method in hits:
            r = by_partitions("E[S | do(X=1)]", df, dag=g, method=method)
            hits[method] += r.ci[0] <= 3 <= r.ci[1]
    band = 3 * np.sqrt(0.95 * 0.05 / runs)
    for method, h in hits.items():
        assert abs(h / runs - 0.95) <= band, (method, h)


def test_the_card_says_how_the_interval_was_made(by_partitions):
    df, _ = _numeric()
    r = by_partitions("P(Y=1 | do(X=1)) - P(Y=1 | do(X=0))", df, dag=GN, method="aipw")
    assert "partition by partition" in r.models.interval
    html = r._repr_html_()
    assert "partition by partition" in html and "aipw" in html
    lo, hi = r.ci
    z = NormalDist().inv_cdf(0.975)
    assert (hi - lo) / 2 == pytest.approx(z * r.se)
    assert [p.se for p in r.parts] == [pytest.approx(p.se) for p in r.parts]


def _softmax(X, B) -> np.ndarray:
    eta = np.column_stack([np.zeros(len(X)), X @ B])
    e = np.exp(eta - eta.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("arm", [0, 2])
def test_ipw_interval_with_three_levels_is_the_sandwich_of_the_multinomial_equations(
    by_partitions, arm
):
    rng = np.random.default_rng(11)
    n = 3000
    z = rng.normal(size=(n, 2))
    P = _softmax(z, np.array([[0.6, -0.3], [-0.4, 0.5]]))
    x = (rng.random(n)[:, None] > P.cumsum(axis=1)).sum(axis=1)
    y = (rng.random(n) < 1 / (1 + np.exp(-(-0.2 + 0.4 * x + z @ [0.7, 0.5])))).astype(int)
    df = pd.DataFrame({"Z1": z[:, 0], "Z2": z[:, 1], "X": x, "Y": y})
    X = np.column_stack([np.ones(n), (z - z.mean(axis=0)) / z.std(axis=0)])
    Y = np.eye(3)[x][:, 1:]
    A = (x == arm) * 1.0

    def psi(t):
        e = _softmax(X, t[:-1].reshape(2, 3).T)
        score = np.hstack([X * (Y[:, j] - e[:, j + 1])[:, None] for j in range(2)])
        return np.column_stack([score, A * (y - t[-1]) / e[:, arm]])

    B = np.zeros((3, 2))
    for _ in range(30):  # multinomial Newton, by hand
        e = _softmax(X, B)
        g = np.concatenate([X.T @ (Y[:, j] - e[:, j + 1]) for j in range(2)])
        H = np.block(
            [
                [(X * (e[:, a + 1] * ((a == c) - e[:, c + 1]))[:, None]).T @ X for c in range(2)]
                for a in range(2)
            ]
        )
        B += np.linalg.solve(H, g).reshape(2, 3).T
    e = _softmax(X, B)
    v = float((A * y / e[:, arm]).sum() / (A / e[:, arm]).sum())
    got = by_partitions(f"P(Y=1 | do(X={arm}))", df, dag=GN, method="ipw")
    assert got.value == pytest.approx(v, rel=1e-9)
    assert got.se == pytest.approx(_sandwich_se(psi, np.append(B.T.ravel(), v)), rel=1e-5)


# -- a numeric treatment: exact quantiles, the spline g-formula --------------------------------


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(
        st.one_of(st.integers(-3, 3).map(float), st.floats(-1e3, 1e3, allow_nan=False)),
        min_size=1,
        max_size=300,
    ),
    cuts=st.lists(st.integers(0, 300), max_size=4),
    qs=st.lists(st.floats(0, 1), min_size=1, max_size=6),
)
def test_quantiles_from_partitions_equal_numpy_quantile(values, cuts, qs):
    """Tiny bins, so that crowded bins are histogrammed again (several rounds)."""
    v = np.array(values)
    parts = np.split(v, sorted(c for c in cuts if c < len(v)))

    def map_parts(fn):
        return [fn(p, i) for i, p in enumerate(parts)]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(dose, "BINS", 4)
        mp.setattr(dose, "MAX_BIN_VALUES", 3)
        got = dose.quantiles(map_parts, lambda p, i: p, len(v), qs, v.min(), v.max())
    assert np.allclose(got, np.quantile(v, qs), rtol=1e-12, atol=1e-12)


def _dose(n=3000, seed=4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    z = rng.normal(size=n)
    d = np.round(rng.gamma(2.0, 2.0, n) + z, 1)  # ties, as real doses have
    y = 1 + np.sqrt(np.abs(d)) + z + rng.normal(size=n)
    return pd.DataFrame({"Z": z, "D": d, "Y": y})


GD = nx.DiGraph([("Z", "D"), ("Z", "Y"), ("D", "Y")])


@pytest.mark.parametrize(
    "query", ["E[Y | do(D=4)]", "E[Y | do(D=6)] - E[Y | do(D=2)]", "E[Y | do(D)]"]
)
def test_a_numeric_treatment_gives_the_in_memory_gformula(by_partitions, query):
    df = _dose()
    got = by_partitions(query, df, dag=GD)
    want = do(query, df, dag=GD, ci=0.95, bootstrap=200)
    assert got.method == want.method == "gformula"
    if want.curve is not None:
        pd.testing.assert_frame_equal(
            got.curve[["x", "value", "naive"]], want.curve[["x", "value", "naive"]], rtol=1e-9
        )
        width = (got.curve.ci_high - got.curve.ci_low) / (want.curve.ci_high - want.curve.ci_low)
        assert 0.7 < width.median() < 1.4  # delta method against a 200-resample bootstrap
    else:
        assert got.value == pytest.approx(want.value, rel=1e-9)
        assert got.naive == pytest.approx(want.naive, rel=1e-9)
        assert got.se == pytest.approx(want.se, rel=0.25)
    assert "delta method" in got.models.interval


def test_a_numeric_treatment_interval_is_the_sandwich_of_least_squares(by_partitions):
    from causal_magic.estimate.curve import _basis

    df = _dose()
    z, d, y = (df[c].to_numpy() for c in "ZDY")
    knots = np.unique(np.quantile(d, np.linspace(0.1, 0.9, 9)))
    B = _basis(d, knots, d.mean(), d.std())
    X = np.column_stack([np.ones(len(d)), (z - z.mean()) / z.std(), B])
    bv = _basis(np.array([4.0]), knots, d.mean(), d.std())[0]
    M = X.copy()
    M[:, 2:] = bv  # every row's design with the treatment set to 4

    def psi(t):
        beta = t[:-1]
        return np.column_stack([X * (y - X @ beta)[:, None], M @ beta - t[-1]])

    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    theta = float((M @ beta).mean())
    got = by_partitions("E[Y | do(D=4)]", df, dag=GD)
    assert got.value == pytest.approx(theta, rel=1e-10)
    assert got.se == pytest.approx(_sandwich_se(psi, np.append(beta, theta)), rel=1e-5)


def test_a_numeric_treatment_outside_the_data_is_refused(by_partitions):
    with pytest.raises(estimate.DataError, match="outside the data"):
        by_partitions("E[Y | do(D=99)]", _dose(), dag=GD)
