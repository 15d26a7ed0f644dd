"""Hostile numbers: ±inf and values near 1e200 in numeric columns, on every engine.

Oracles: a table with ±inf must give what the same table without those rows
gives (and say how many were left out); a table multiplied by 1e200 must
give the same p-values (the tests are scale-free) and 1e200 times the means.
No numpy warning may reach the user.
"""

from __future__ import annotations

import warnings

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from causal_magic.backends import count_table, moments
from causal_magic.estimate import do
from causal_magic.fit import check_fit

ENGINES = ["pandas", "polars", "pyarrow", "duckdb"]
CHAIN = nx.DiGraph([("A", "B"), ("B", "C")])


def _as(engine: str, df: pd.DataFrame):
    if engine == "pandas":
        return df
    if engine == "polars":
        return pytest.importorskip("polars").from_pandas(df)
    if engine == "pyarrow":
        return pytest.importorskip("pyarrow").Table.from_pandas(df, preserve_index=False)
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    con.register("t", df)
    return con.sql("SELECT * FROM t")


def _chain(n=2000, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n)
    b = a + rng.normal(size=n)
    return pd.DataFrame({"A": a, "B": b, "C": b + rng.normal(size=n)})


def _outcome(n=3000, seed=1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    z = rng.integers(0, 3, n)
    x = (rng.random(n) < 0.3 + 0.2 * z).astype(int)
    return pd.DataFrame({"Z": z, "X": x, "Y": 2.0 * x + z + rng.normal(size=n)})


def _quiet(fn, *args, **kw):
    """Run ``fn``; any warning (numpy's overflow, invalid value...) fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return fn(*args, **kw)


# -- check_fit ---------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_one_inf_does_not_flip_the_check_verdict_and_is_said(engine):
    df = _chain()
    hostile = df.copy()
    hostile.loc[[5, 17], "B"] = [np.inf, -np.inf]
    got = _quiet(check_fit, CHAIN, _as(engine, hostile))
    want = check_fit(CHAIN, df.drop(index=[5, 17]))  # the oracle: those rows left out
    assert got.table["p_value"][0] == pytest.approx(want.table["p_value"][0], rel=1e-9)
    assert not got.table["rejected"][0] and got.table["n"][0] == 1998
    assert "2 rows with an infinite value (±inf) left out" in got.table["note"][0]
    assert "does not vary" not in got.table["note"][0]
    assert got.nonfinite == {"B": 2}
    assert any("Infinite values" in n and "B (2 rows)" in n for n in got.notes)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("size", [1e200, 1e-200, 1e300])
def test_huge_and_tiny_values_give_the_same_p_values(engine, size):
    df = _chain()
    got = _quiet(check_fit, CHAIN, _as(engine, df * size))
    want = check_fit(CHAIN, df)
    assert got.table["p_value"][0] == pytest.approx(want.table["p_value"][0], rel=1e-6)
    assert got.table["note"][0] == ""


@pytest.mark.parametrize("engine", ENGINES)
def test_inf_with_a_categorical_conditioning_set_is_left_out_too(engine):
    rng = np.random.default_rng(3)
    z = rng.integers(0, 3, 1500)
    df = pd.DataFrame({"Z": z, "A": z + rng.normal(size=1500), "C": z + rng.normal(size=1500)})
    hostile = df.copy()
    hostile.loc[9, "C"] = np.inf
    hostile[["A", "C"]] *= 1e200
    G = nx.DiGraph([("Z", "A"), ("Z", "C")])
    got = _quiet(check_fit, G, _as(engine, hostile))
    want = check_fit(G, df.drop(index=[9]))
    assert got.table["p_value"][0] == pytest.approx(want.table["p_value"][0], rel=1e-6)
    assert got.nonfinite == {"C": 1}


def test_moments_count_infinite_rows_apart_from_missing_ones():
    pl = pytest.importorskip("polars")
    df = pd.DataFrame({"K": [0, 0, 1, 1, None], "U": [1.0, np.inf, 2.0, np.nan, 3.0]})
    small, missing, infinite, per_column = moments(pl.from_pandas(df), ["K"], ["U"])
    assert (missing, infinite, per_column) == (2, 1, {"U": 1})
    assert int(small["n"].sum()) == 2


# -- %do: E[Y | do(X)] ---------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_inf_in_a_numeric_outcome_is_left_out_counted_and_said(engine):
    df = _outcome()
    hostile = df.copy()
    hostile.loc[[3, 4, 8], "Y"] = [np.inf, -np.inf, np.nan]
    r = _quiet(do, "E[Y | do(X=1)]", _as(engine, hostile), adjust=["Z"])
    want = do("E[Y | do(X=1)]", df.drop(index=[3, 4, 8]), adjust=["Z"])
    assert r.value == pytest.approx(want.value, rel=1e-12)
    assert r.n_used == len(df) - 3 and r.n_dropped_missing == 1
    assert any("2 rows with an infinite value (±inf) in Y left out" in w for w in r.warnings)
    assert "infinite" in r._repr_html_()


@pytest.mark.parametrize("engine", ENGINES)
def test_outcome_near_1e200_gives_1e200_times_the_mean_and_interval(engine):
    df = _outcome()
    kw = {"adjust": ["Z"], "ci": 0.9, "bootstrap": 200, "seed": 7}
    big = df.assign(Y=df["Y"] * 1e200)
    r = _quiet(do, "E[Y | do(X=1)] - E[Y | do(X=0)]", _as(engine, big), **kw)
    want = do("E[Y | do(X=1)] - E[Y | do(X=0)]", df, **kw)
    assert r.value == pytest.approx(want.value * 1e200, rel=1e-9)
    assert r.ci == pytest.approx((want.ci[0] * 1e200, want.ci[1] * 1e200), rel=1e-6)


def test_count_table_scales_squares_only_when_they_would_overflow():
    y = pd.DataFrame({"k": [0, 0, 1], "y": [1e200, 3e200, 2e200]})
    t = _quiet(count_table, y, ["k"], value="y")
    assert t.ysq_scale < 1 and np.isfinite(t.ysumsq).all()
    s = t.ysq_scale
    assert t.ysumsq.tolist() == pytest.approx(
        [(1e200 * s) ** 2 + (3e200 * s) ** 2, (2e200 * s) ** 2]
    )
    assert t.ysum.tolist() == pytest.approx([4e200, 2e200])
    small = _quiet(count_table, y.assign(y=[1.0, 3.0, 2.0]), ["k"], value="y")
    assert small.ysq_scale == 1.0 and small.ysumsq.tolist() == [10.0, 4.0]


def test_magics_show_no_numpy_warning_for_a_column_with_inf(ip):
    hostile = _chain()
    hostile.loc[5, "B"] = np.inf
    ip.user_ns["df"] = hostile
    ip.run_cell_magic("dag", "G", "A -> B -> C")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = ip.run_line_magic("dag", "G --check df")
    assert fit.nonfinite == {"B": 1} and not fit.table["rejected"][0]
