"""ipw's interval accounts for the estimated propensity: checked against oracles written here.

The oracles are independent of the package: the strata estimator's closed-form
influence function for a saturated design, and a brute-force sandwich of the
stacked estimating equations (ipw's and the propensity's score) whose Jacobian
is taken by complex-step differentiation, exact to rounding, and whose
propensity is fitted by a Newton whose Hessian is that same complex step.
"""

from __future__ import annotations

from statistics import NormalDist

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from causal_magic.estimate import do

G = nx.DiGraph([("Z1", "X"), ("Z2", "X"), ("Z1", "Y"), ("Z2", "Y"), ("X", "Y")])
ATE = "E[Y | do(X=1)] - E[Y | do(X=0)]"


def _confounded(n: int, seed: int) -> pd.DataFrame:
    """Z1, Z2 -> X (binary, logistic), Z1, Z2, X -> Y; the effect of X on E[Y] is 2."""
    rng = np.random.default_rng(seed)
    z1, z2 = rng.normal(size=n), rng.normal(size=n)
    x = (rng.random(n) < 1 / (1 + np.exp(-(0.8 * z1 - 0.5 * z2)))).astype(int)
    y = 1 + 2 * x + 1.5 * z1 - z2 + rng.normal(size=n)
    return pd.DataFrame({"Z1": z1, "Z2": z2, "X": x, "Y": y})


# -- the brute-force sandwich ---------------------------------------------------------------


def _probs(X: np.ndarray, gamma: np.ndarray, k: int) -> np.ndarray:
    """Softmax with level 0 the reference (k = 2: the logistic model); complex-safe."""
    eta = np.column_stack([np.zeros(len(X), dtype=gamma.dtype), X @ gamma.reshape(k - 1, -1).T])
    ex = np.exp(eta)
    return ex / ex.sum(axis=1, keepdims=True)


def _score(X, codes, k, gamma) -> np.ndarray:
    """Per-row score of the multinomial likelihood, n x (k-1)p."""
    P = _probs(X, gamma, k)
    Y = np.eye(k)[codes]
    return np.hstack([X * (Y[:, b] - P[:, b])[:, None] for b in range(1, k)])


def _jacobian(f, theta: np.ndarray) -> np.ndarray:
    """d f / d theta by complex step (no subtraction, so exact to rounding)."""
    h = 1e-30
    cols = []
    for j in range(len(theta)):
        t = theta.astype(complex)
        t[j] += 1j * h
        cols.append(np.imag(f(t)) / h)
    return np.column_stack(cols)


def _fit(X, codes, k) -> np.ndarray:
    gamma = np.zeros((k - 1) * X.shape[1])
    for _ in range(100):
        g = _score(X, codes, k, gamma).sum(axis=0)
        H = _jacobian(lambda t: _score(X, codes, k, t).sum(axis=0), gamma)
        step = np.linalg.solve(H, -g)
        gamma = gamma + step
        if np.abs(step).max() < 1e-13:
            break
    return gamma


def _sandwich(X, codes, k, y, arms) -> tuple[np.ndarray, np.ndarray]:
    """Hájek ipw of each arm and the covariance of those estimates, by M-estimation."""
    gamma = _fit(X, codes, k)
    P = _probs(X, gamma, k)
    w = [(codes == a) / P[:, a] for a in arms]
    v = np.array([np.sum(wa * y) / np.sum(wa) for wa in w])

    def psi(theta):
        vs, gam = theta[: len(arms)], theta[len(arms) :]
        Pt = _probs(X, gam, k)
        rows = [(codes == a) * (y - vs[i]) / Pt[:, a] for i, a in enumerate(arms)]
        return np.column_stack([*rows, _score(X, codes, k, gam)])

    theta = np.concatenate([v, gamma])
    n = len(y)
    A = _jacobian(lambda t: psi(t).mean(axis=0), theta)
    S = psi(theta)
    B = S.T @ S / n
    Ainv = np.linalg.inv(A)
    V = Ainv @ B @ Ainv.T / n
    return v, V[: len(arms), : len(arms)]


def _codes(s: pd.Series) -> np.ndarray:
    return pd.Index(sorted(pd.unique(s))).get_indexer(s)


def test_binary_ipw_se_equals_the_brute_force_sandwich_of_the_stacked_equations():
    df = _confounded(1500, 7)
    X = np.column_stack([np.ones(len(df)), df[["Z1", "Z2"]].to_numpy()])
    v, V = _sandwich(X, df["X"].to_numpy(), 2, df["Y"].to_numpy(float), [1, 0])
    one = do("E[Y | do(X=1)]", df, dag=G, method="ipw")
    assert one.value == pytest.approx(v[0], rel=1e-10)
    assert one.se == pytest.approx(np.sqrt(V[0, 0]), rel=1e-8)
    zero = do("E[Y | do(X=0)]", df, dag=G, method="ipw")
    assert zero.se == pytest.approx(np.sqrt(V[1, 1]), rel=1e-8)
    ate = do(ATE, df, dag=G, method="ipw")
    assert ate.value == pytest.approx(v[0] - v[1], rel=1e-10)
    assert ate.se == pytest.approx(np.sqrt(V[0, 0] + V[1, 1] - 2 * V[0, 1]), rel=1e-8)
    ratio = do("E[Y | do(X=1)] / E[Y | do(X=0)]", df, dag=G, method="ipw")
    grad = np.array([1 / v[1], -v[0] / v[1] ** 2])
    assert ratio.se == pytest.approx(np.sqrt(grad @ V @ grad), rel=1e-8)
    assert "accounts for the estimated propensity" in ate.models.interval


def test_three_level_ipw_se_equals_the_brute_force_sandwich_of_the_multinomial_fit():
    rng = np.random.default_rng(3)
    n = 2000
    z = rng.normal(size=n)
    logits = np.column_stack([np.zeros(n), 0.8 * z, -0.6 * z])
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    x = (rng.random(n)[:, None] > p.cumsum(axis=1)).sum(axis=1)
    df = pd.DataFrame({"Z": z, "T": np.array(["lo", "mid", "hi"])[x]})
    df["Y"] = 1 + np.array([0, 1, 3])[x] + 2 * z + rng.normal(size=n)
    g = nx.DiGraph([("Z", "T"), ("Z", "Y"), ("T", "Y")])
    codes = _codes(df["T"])  # hi=0, lo=1, mid=2 (sorted), as the package codes them
    X = np.column_stack([np.ones(n), z])
    hi, mid = 0, 2
    v, V = _sandwich(X, codes, 3, df["Y"].to_numpy(), [hi, mid])
    r = do("E[Y | do(T=hi)] - E[Y | do(T=mid)]", df, dag=g, method="ipw")
    assert "multinomial logistic" in r.models.propensity
    assert r.value == pytest.approx(v[0] - v[1], rel=1e-10)
    assert r.se == pytest.approx(np.sqrt(V[0, 0] + V[1, 1] - 2 * V[0, 1]), rel=1e-8)
    assert r.parts[1].se == pytest.approx(np.sqrt(V[1, 1]), rel=1e-8)


def test_a_ridge_fitted_propensity_adds_the_ridge_to_the_hessian_of_the_correction():
    rng = np.random.default_rng(11)
    n = 400
    z = rng.normal(size=n)
    x = (z > 0).astype(int)  # the propensity separates perfectly: the fit needs the ridge
    df = pd.DataFrame({"Z": z, "X": x, "Y": x + z + rng.normal(size=n)})
    g = nx.DiGraph([("Z", "X"), ("Z", "Y"), ("X", "Y")])
    r = do("E[Y | do(X=1)]", df, dag=g, method="ipw")
    assert any("ridge" in note for note in r.models.notes)
    # oracle: the penalised fit on the standardised column (as the models document), by
    # plain Newton, and the formula with the ridge's Hessian in H, in dense algebra
    ridge = 1e-3
    X = np.column_stack([np.ones(n), (z - z.mean()) / z.std()])
    pen = np.diag([0.0, ridge * n])
    gamma = np.zeros(2)
    for _ in range(100):
        e1 = 1 / (1 + np.exp(-X @ gamma))
        hessian = (X * (e1 * (1 - e1))[:, None]).T @ X + pen
        gamma += np.linalg.solve(hessian, X.T @ (x - e1) - pen @ gamma)
    e1 = 1 / (1 + np.exp(-X @ gamma))
    A, y = x == 1, df["Y"].to_numpy()
    w = A / e1
    v = np.sum(w * y) / np.sum(w)
    H = (X * (e1 * (1 - e1))[:, None]).T @ X / n + pen / n
    G = -((A * (y - v) * e1 * (1 - e1) / e1**2) @ X) / n
    infl = (A * (y - v) / e1 + (X @ np.linalg.solve(H, G)) * (x - e1)) / w.mean()
    assert r.value == pytest.approx(v, rel=1e-8)
    assert r.se == pytest.approx(float(np.sqrt(np.mean(infl**2) / n)), rel=1e-6)


# -- the saturated design: the strata estimator's influence function ------------------------


def _strata_if(df: pd.DataFrame, arm, cells: list[str]) -> tuple[float, np.ndarray]:
    """v = Σ_c (n_c / n) ȳ_c,a and its IF  A/e_c (y - ȳ_c,a) + ȳ_c,a - v, by groupby."""
    key = df[cells].astype(str).agg("|".join, axis=1)
    at = (df["X"] == arm).to_numpy()
    e = at.astype(float)
    e = pd.Series(e).groupby(key.to_numpy()).transform("mean").to_numpy()
    ybar = df["Y"].where(at).groupby(key.to_numpy()).transform("mean").to_numpy()
    v = float(np.mean(ybar))
    return v, np.where(at, (df["Y"].to_numpy() - ybar) / e, 0.0) + ybar - v


@pytest.mark.parametrize("arms", [(1,), (0,), (1, 0)])
def test_saturated_ipw_se_equals_the_strata_estimators_influence_function(arms):
    rng = np.random.default_rng(9)
    n = 4000
    a, b = rng.choice(["a", "b", "c"], n), rng.integers(0, 3, n)
    x = (rng.random(n) < 0.25 + 0.2 * (a == "a") + 0.15 * b).astype(int)
    y = 1.0 * (rng.random(n) < 0.2 + 0.3 * x + 0.1 * (a == "b") + 0.05 * b)
    df = pd.DataFrame({"A": a, "B": b, "X": x, "Y": y})
    g = nx.DiGraph([("A", "X"), ("A", "Y"), ("B", "X"), ("B", "Y"), ("X", "Y")])
    query = " - ".join(f"P(Y=1 | do(X={arm}))" for arm in arms)
    r = do(query, df, dag=g, method="ipw")
    parts = [_strata_if(df, arm, ["A", "B"]) for arm in arms]
    value = parts[0][0] - (parts[1][0] if len(arms) > 1 else 0)
    infl = parts[0][1] - (parts[1][1] if len(arms) > 1 else 0)
    assert r.value == pytest.approx(value, abs=1e-12)
    assert r.se == pytest.approx(float(np.sqrt(np.mean(infl**2) / n)), rel=1e-8)


def test_saturated_ipw_with_three_treatment_levels_equals_the_strata_influence_function():
    rng = np.random.default_rng(12)
    n = 5000
    a = rng.choice(["a", "b"], n)
    x = np.where(rng.random(n) < 0.4 + 0.2 * (a == "a"), rng.integers(0, 2, n), 2)
    y = 1.0 * (rng.random(n) < 0.2 + 0.15 * x + 0.1 * (a == "b"))
    df = pd.DataFrame({"A": a, "X": x, "Y": y})
    g = nx.DiGraph([("A", "X"), ("A", "Y"), ("X", "Y")])
    r = do("P(Y=1 | do(X=2)) - P(Y=1 | do(X=0))", df, dag=g, method="ipw")
    (v2, i2), (v0, i0) = _strata_if(df, 2, ["A"]), _strata_if(df, 0, ["A"])
    assert r.value == pytest.approx(v2 - v0, abs=1e-12)
    assert r.se == pytest.approx(float(np.sqrt(np.mean((i2 - i0) ** 2) / n)), rel=1e-8)


# -- the interval's behaviour over data sets --------------------------------------------------


def test_ipw_interval_covers_the_truth_at_its_level_and_its_se_matches_the_spread():
    runs, hits, values, ses = 300, 0, [], []
    for seed in range(runs):
        r = do(ATE, _confounded(2000, 3000 + seed), dag=G, method="ipw")
        hits += r.ci[0] <= 2.0 <= r.ci[1]
        values.append(r.value)
        ses.append(r.se)
    # binomial band: 0.95 +- about 3 standard deviations of a proportion over 300 runs
    assert 0.91 <= hits / runs <= 0.99, hits
    spread = np.std(values, ddof=1)
    assert 0.85 < np.mean(ses) / spread < 1.15, (np.mean(ses), spread)


def test_ipw_se_agrees_with_a_row_bootstrap_on_a_large_data_set():
    df = _confounded(20000, 41)
    plain = do(ATE, df, dag=G, method="ipw")
    boot = do(ATE, df, dag=G, method="ipw", bootstrap=200, seed=3)
    assert boot.value == plain.value
    assert 0.85 < plain.se / boot.se < 1.15, (plain.se, boot.se)
    zq = NormalDist().inv_cdf(0.975)
    assert plain.ci == pytest.approx((plain.value - zq * plain.se, plain.value + zq * plain.se))


class _Logistic:
    """A user's propensity model (scikit-learn style, no scikit-learn needed)."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        A = np.column_stack([np.ones(len(X)), X.to_numpy(float)])
        t = (np.asarray(y) == self.classes_[-1]).astype(float)
        beta = np.zeros(A.shape[1])
        for _ in range(30):
            p = 1 / (1 + np.exp(-A @ beta))
            beta += np.linalg.solve((A * (p * (1 - p))[:, None]).T @ A, A.T @ (t - p))
        self.coef_ = beta
        return self

    def predict_proba(self, X):
        A = np.column_stack([np.ones(len(X)), X.to_numpy(float)])
        p = 1 / (1 + np.exp(-A @ self.coef_))
        return np.column_stack([1 - p, p])


def test_a_users_propensity_keeps_the_known_propensity_interval_and_says_it_is_conservative():
    df = _confounded(3000, 31)
    r = do("E[Y | do(X=1)]", df, dag=G, method="ipw", propensity_model=_Logistic())
    default = do("E[Y | do(X=1)]", df, dag=G, method="ipw")
    assert r.value == pytest.approx(default.value, rel=1e-9)  # the same model, fitted by the user
    e = _Logistic().fit(df[["Z1", "Z2"]], df["X"]).predict_proba(df[["Z1", "Z2"]])[:, 1]
    w = np.where(df["X"] == 1, 1 / e, 0.0)
    infl = w * (df["Y"] - r.value) / w.mean()
    assert r.se == pytest.approx(float(np.sqrt(np.mean(infl**2) / len(df))), rel=1e-8)
    assert r.se > 1.2 * default.se  # known-propensity: conservative here
    assert "treats your propensity model's probabilities as known" in r.models.interval
    assert "conservative" in r.html and "conservative" in r.__repr__()
