"""The fast paths of the model-based %do give the numbers of the plain ones.

Each fast path (one product for every balance number, one pass for the overlap
histograms and the per-arm weights, Newton from a subsample's fit, the propensity
alone without sorting) is checked against a plain loop written here.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from causal_magic.estimate import do, models
from causal_magic.estimate.diagnostics import BINS, _smd, histograms
from causal_magic.estimate.models import Design, make_design


def _smd_loop(d: Design, x, e, a0, a1) -> pd.DataFrame:
    """The balance table column by column with np.average (the plain definition)."""
    A = x == a0
    B = (x == a1) if a1 is not None else ~A
    wa = 1.0 / e[A, a0]
    wb = 1.0 / (e[B, a1] if a1 is not None else 1.0 - e[B, a0])
    rows = {}
    for j, name in enumerate(d.names, start=1):
        va, vb = d.matrix[A, j], d.matrix[B, j]
        pooled = np.sqrt((va.var() + vb.var()) / 2) or 1.0
        ma, mb = np.average(va, weights=wa), np.average(vb, weights=wb)
        sa = np.average((va - ma) ** 2, weights=wa)
        sb = np.average((vb - mb) ** 2, weights=wb)
        after = (ma - mb) / (np.sqrt((sa + sb) / 2) or pooled)
        rows[name] = ((va.mean() - vb.mean()) / pooled, after)
    return pd.DataFrame.from_dict(rows, orient="index", columns=["before", "after"])


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(2, 4), contrast=st.booleans())
def test_balance_table_by_one_product_equals_the_column_by_column_definition(seed, k, contrast):
    rng = np.random.default_rng(seed)
    n = 400
    x = rng.integers(0, k, n)
    x[:k] = np.arange(k)  # every arm occurs
    frame = pd.DataFrame(
        {
            "Z": rng.normal(3, 2, n),
            "C": rng.choice(["a", "b", "c"], n),
            # a level that only one arm has: constant (0) within every other arm
            "R": np.where((x == 0) & (rng.random(n) < 0.3), "rare", "common"),
        }
    )
    d = make_design(frame, ["Z", "C", "R"], 20)
    e = rng.dirichlet(np.ones(k), n) * 0.9 + 0.1 / k
    a1 = 1 if contrast else None
    got, want = _smd(d, x, list(e.T), 0, a1), _smd_loop(d, x, e, 0, a1)
    assert list(got.index) == list(want.index)
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-10, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(
        st.one_of(
            st.floats(0, 1),
            st.sampled_from(
                [0.0, 1.0, 0.05, 0.1, 0.15, 0.35, 0.7, 0.95, 0.55, np.nextafter(0.05, 0)]
            ),
            st.just(float("nan")),
        ),
        min_size=1,
        max_size=60,
    ),
    k=st.integers(1, 3),
)
def test_overlap_histograms_in_one_pass_equal_numpys_per_arm(values, k):
    v = np.array(values)
    x = np.arange(len(v)) % k
    got = histograms(v, x, k)
    for a in range(k):
        want = np.histogram(v[(x == a) & ~np.isnan(v)], bins=BINS, range=(0, 1))[0]
        assert got[a].tolist() == want.tolist()


def test_newton_from_a_subsample_reaches_the_maximum_as_closely_as_from_the_mean(monkeypatch):
    rng = np.random.default_rng(4)
    n = 150_000
    X = np.column_stack([np.ones(n), rng.normal(size=(n, 4))])
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ [-0.3, 0.8, -0.5, 0.2, 0.1])))).astype(float)
    exact = np.zeros(5)  # oracle: plain Newton, a fresh Hessian every step, far past 1e-8
    for _ in range(25):
        p = 1 / (1 + np.exp(-X @ exact))
        exact += np.linalg.solve((X * (p * (1 - p))[:, None]).T @ X, X.T @ (y - p))
    fast = models._newton(X, y, 0.0)
    monkeypatch.setattr(models, "SUBSAMPLE_FROM", 10**12)
    plain = models._newton(X, y, 0.0)
    # both stop once a step is below 1e-8 (Hessians reused: linear convergence at the end)
    np.testing.assert_allclose(fast, exact, rtol=0, atol=2e-9)
    np.testing.assert_allclose(plain, exact, rtol=0, atol=2e-9)


def test_per_arm_weights_and_ranges_equal_a_loop_over_the_arms():
    rng = np.random.default_rng(8)
    n = 3000
    z = rng.normal(size=n)
    logits = np.column_stack([np.zeros(n), 0.9 * z, -0.7 * z])
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    x = (rng.random(n)[:, None] > p.cumsum(axis=1)).sum(axis=1)
    df = pd.DataFrame({"Z": z, "T": np.array(["lo", "mid", "hi"])[x], "Y": z + x})
    g = nx.DiGraph([("Z", "T"), ("Z", "Y"), ("T", "Y")])
    r = do("E[Y | do(T=hi)]", df, dag=g, method="ipw")
    # oracle: the same multinomial propensity, refitted here by plain Newton on (1, z)
    codes = pd.Index(["hi", "lo", "mid"]).get_indexer(df["T"])
    X = np.column_stack([np.ones(n), z])
    B = np.zeros((2, 2))
    for _ in range(30):
        P = np.exp(np.column_stack([np.zeros(n), X @ B.T]))
        P /= P.sum(axis=1, keepdims=True)
        g_ = np.concatenate([X.T @ ((codes == b) - P[:, b]) for b in (1, 2)])
        H = np.block(
            [
                [(X * (P[:, b] * ((b == c) - P[:, c]))[:, None]).T @ X for c in (1, 2)]
                for b in (1, 2)
            ]
        )
        B += np.linalg.solve(H, g_).reshape(2, 2)
    for a, name in enumerate(["hi", "lo", "mid"]):
        own = P[codes == a, a]
        w = 1 / own
        assert r.diagnostics["propensity_range"][name] == pytest.approx(
            (own.min(), own.max()), rel=1e-9
        )
        assert r.diagnostics["ess"][name] == pytest.approx(w.sum() ** 2 / (w**2).sum(), rel=1e-9)


def test_a_fast_newton_gone_astray_is_not_taken_for_separation():
    """A common event (98%) on one adjuster: a kept Hessian overshoots, plain Newton converges.

    Only plain Newton's own failure may put a ridge on the model (and a note on the card).
    """
    rng = np.random.default_rng(10)
    z = rng.normal(size=1600)
    y = (rng.random(1600) < 1 / (1 + np.exp(-(5.0 + z + rng.normal(size=1600))))).astype(float)
    X = np.asfortranarray(np.column_stack([np.ones(1600), (z - z.mean()) / z.std()]))
    assert models._newton([X], [y], 0.0) is None  # the fast path alone gives up here
    b = np.zeros(2)
    b[0] = np.log(y.mean() / (1 - y.mean()))
    for _ in range(40):  # plain Newton, by hand
        p = 1 / (1 + np.exp(-X @ b))
        b = b + np.linalg.solve((X * (p * (1 - p))[:, None]).T @ X, X.T @ (y - p))
    notes: list[str] = []
    coef, ridge = models.fit_logistic_ridge([X], [y], notes, "outcome")
    assert ridge == 0.0 and notes == []
    assert coef == pytest.approx(b, rel=1e-8)
