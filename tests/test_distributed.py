"""Dask and PySpark (local mode) give the pandas numbers; only the count table comes back.

Run with ``pytest -m distributed``.  Without the engine (or Java for Spark)
these tests skip on a laptop but FAIL under ``CI=true``: a CI that silently
skips them would claim support it never checked.
"""

from __future__ import annotations

import importlib
import os
import shutil

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from causal_magic.estimate import do
from causal_magic.fit import TESTS, check_fit

pytestmark = [
    pytest.mark.distributed,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]

IN_CI = os.environ.get("CI", "").lower() == "true"


def _need(module: str):
    try:
        return importlib.import_module(module)
    except ImportError as err:
        message = f"{module} is not installed ({err}); pip install causal_magic[distributed]"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


def _need_java() -> None:
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") or (
        java_home and os.path.exists(os.path.join(java_home, "bin", "java"))
    ):
        return
    message = "PySpark needs Java (no java on PATH, JAVA_HOME unset)"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


REALITY = nx.DiGraph([("Talent", "Gear"), ("Talent", "Sound"), ("Gear", "Sound")])


def _scm(n=20_000, seed=2):
    rng = np.random.default_rng(seed)
    z = rng.integers(0, 3, n)
    w = rng.choice(["u", "v"], n).astype(object)
    x = (rng.random(n) < 0.2 + 0.2 * z + 0.2 * (w == "u")).astype(int)
    y = (rng.random(n) < 0.2 + 0.3 * x + 0.1 * z).astype(int)
    score = 1.0 + x + z + rng.normal(size=n)
    w[rng.random(n) < 0.02] = None
    score[rng.random(n) < 0.02] = np.nan
    df = pd.DataFrame({"Z": z, "W": w, "X": x, "Y": y, "Score": score})
    edges = "Z>X Z>Y W>X W>Y X>Y Z>Score X>Score W>Score"
    G = nx.DiGraph([tuple(e.split(">")) for e in edges.split()])
    return df, G


QUERIES = [
    "P(Y=1 | do(X=1))",
    "P(Y | do(X=0))",
    "P(Y=1 | do(X=1)) / P(Y=1 | do(X=0))",
    "E[Score | do(X=1)]",
    "P(Y=1 | do(X=1), W=v)",
]


def _same(got, want) -> None:
    if want.value is None:
        assert got.distribution == pytest.approx(want.distribution, abs=1e-12)
    else:
        assert got.value == pytest.approx(want.value, abs=1e-12)
        assert got.naive == pytest.approx(want.naive, abs=1e-12)
    assert (got.n_used, got.n_dropped_missing) == (want.n_used, want.n_dropped_missing)


# -- Dask ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dd():
    _need("dask")
    return _need("dask.dataframe")


def test_dask_seed_numbers(dd, players):
    r = do("P(Sound=Great | do(Gear=Fancy))", dd.from_pandas(players, npartitions=3), dag=REALITY)
    assert round(r.value, 3) == 0.357 and r.naive == 0.625
    assert r.adjustment_set == ("Talent",)


@pytest.mark.parametrize("query", QUERIES)
def test_dask_gives_the_pandas_numbers(dd, query):
    df, G = _scm()
    _same(do(query, dd.from_pandas(df, npartitions=4), dag=G), do(query, df, dag=G))


def test_dask_ci_matches_pandas_with_the_same_seed(dd):
    df, G = _scm(5_000)
    kw = {"dag": G, "ci": 0.95, "bootstrap": 200, "seed": 4}
    got = do("P(Y=1 | do(X=1))", dd.from_pandas(df, npartitions=2), **kw)
    assert got.ci == pytest.approx(do("P(Y=1 | do(X=1))", df, **kw).ci, abs=1e-12)


# -- PySpark (local mode) ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def spark():
    _need("pyspark")
    _need_java()
    import sys

    from pyspark.sql import SparkSession

    # the model-based methods run Python in Spark's workers: this interpreter's
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)

    session = (
        SparkSession.builder.master("local[1]")
        .appName("causal_magic-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _to_spark(spark, df: pd.DataFrame):
    # NaN in a float column stays NaN in Spark; None in an object column becomes null
    clean = df.astype(object).where(df.notna(), None)
    return spark.createDataFrame(clean.to_dict("records"), schema=_schema(df))


def _schema(df: pd.DataFrame):
    from pyspark.sql import types as T

    fields = []
    for c, dt in df.dtypes.items():
        if dt.kind in "iu":
            t = T.LongType()
        elif dt.kind == "f":
            t = T.DoubleType()
        elif dt.kind == "b":
            t = T.BooleanType()
        else:
            t = T.StringType()
        fields.append(T.StructField(c, t, True))
    return T.StructType(fields)


def test_spark_seed_numbers(spark, players):
    r = do("P(Sound=Great | do(Gear=Fancy))", _to_spark(spark, players), dag=REALITY)
    assert round(r.value, 3) == 0.357 and r.naive == 0.625
    assert r.exact is not None and float(r.exact) == pytest.approx(5 / 14)


@pytest.mark.parametrize("query", QUERIES)
def test_spark_gives_the_pandas_numbers(spark, query):
    df, G = _scm(5_000)
    _same(do(query, _to_spark(spark, df), dag=G), do(query, df, dag=G))


def test_spark_nan_outcome_counts_as_missing(spark):
    df = pd.DataFrame({"Z": [0, 0, 1, 1], "X": [1, 0, 1, 1], "Y": [1.0, 2.0, np.nan, 4.0]})
    sdf = spark.createDataFrame(df)  # float NaN, not null
    r = do("E[Y | do(X=1)]", sdf, adjust=["Z"])
    assert r.n_dropped_missing == 1
    assert r.value == pytest.approx(do("E[Y | do(X=1)]", df, adjust=["Z"]).value)


def _same_fit(got, want) -> None:
    cols = ["independence", "test", "statistic", "dof", "p_value", "effect", "n", "note"]
    assert got.engine != want.engine
    pd.testing.assert_frame_equal(got.table[cols], want.table[cols], rtol=1e-9)


@pytest.mark.parametrize("test", list(TESTS))
def test_spark_check_fit_gives_the_pandas_numbers(spark, test):
    df, G = _scm(5_000)  # Z ⫫ W, and Y ⫫ Score | W, X, Z: categorical and mixed claims
    want = check_fit(G, df, test=test)
    _same_fit(check_fit(G, _to_spark(spark, df), test=test), want)


@pytest.mark.parametrize("test", list(TESTS))
def test_dask_check_fit_gives_the_pandas_numbers(dd, test):
    df, G = _scm(5_000)
    _same_fit(
        check_fit(G, dd.from_pandas(df, npartitions=3), test=test), check_fit(G, df, test=test)
    )


def test_missing_engine_fails_under_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setitem(globals(), "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="no_such_engine is not installed"):
        _need("no_such_engine")
    monkeypatch.setitem(globals(), "IN_CI", False)
    with pytest.raises(pytest.skip.Exception):
        _need("no_such_engine")


# -- hostile numbers: ±inf and values near 1e200 (the engines' own code paths) -------------


def _chain_with_inf(scale: float = 1.0) -> tuple[pd.DataFrame, pd.DataFrame, nx.DiGraph]:
    rng = np.random.default_rng(0)
    a = rng.normal(size=1500)
    b = a + rng.normal(size=1500)
    clean = pd.DataFrame({"A": a, "B": b, "C": b + rng.normal(size=1500)}) * scale
    hostile = clean.copy()
    hostile.loc[[4, 9], "B"] = [np.inf, -np.inf]
    return hostile, clean.drop(index=[4, 9]), nx.DiGraph([("A", "B"), ("B", "C")])


def _outcome_with_inf() -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(1)
    z = rng.integers(0, 3, 2000)
    x = (rng.random(2000) < 0.3 + 0.2 * z).astype(int)
    clean = pd.DataFrame({"Z": z, "X": x, "Y": (2.0 * x + z + rng.normal(size=2000)) * 1e200})
    hostile = clean.copy()
    hostile.loc[[3, 7], "Y"] = [np.inf, -np.inf]
    return hostile, clean.drop(index=[3, 7])


def _check_hostile(make) -> None:
    import warnings

    hostile, oracle, G = _chain_with_inf(1e200)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        got = check_fit(G, make(hostile))
    want = check_fit(G, oracle)
    assert got.table["p_value"][0] == pytest.approx(want.table["p_value"][0], rel=1e-6)
    assert got.nonfinite == {"B": 2} and "infinite" in got.table["note"][0]
    hostile, oracle = _outcome_with_inf()
    r = do("E[Y | do(X=1)]", make(hostile), adjust=["Z"], ci=0.9, bootstrap=100, seed=1)
    want = do("E[Y | do(X=1)]", oracle, adjust=["Z"], ci=0.9, bootstrap=100, seed=1)
    assert r.value == pytest.approx(want.value, rel=1e-9)
    assert r.ci == pytest.approx(want.ci, rel=1e-6)
    assert any("2 rows with an infinite value" in w for w in r.warnings)


def test_dask_leaves_inf_out_and_does_not_overflow(dd):
    _check_hostile(lambda df: dd.from_pandas(df, npartitions=3))


def test_spark_leaves_inf_out_and_does_not_overflow(spark):
    _check_hostile(lambda df: _to_spark(spark, df))


# -- model-based methods: partition sums, no rows collected ---------------------------------


def _modelled(n=4000, seed=7):
    """Numeric Z1, Z2, an integer C with gaps, a text W with gaps; binary X and Y, numeric S."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, 2))
    c = rng.integers(0, 3, n).astype(float)
    w = rng.choice(["u", "v"], n).astype(object)
    x = (rng.random(n) < 1 / (1 + np.exp(-(z @ [0.7, -0.4] + 0.3 * c)))).astype(int)
    eta = -0.3 + 0.9 * x + z @ [0.5, 0.3] - 0.2 * c + 0.3 * (w == "v")
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    s = 4.0 + 2.0 * x + z[:, 0] + rng.normal(size=n)
    c[rng.random(n) < 0.02] = np.nan
    w[rng.random(n) < 0.02] = None
    df = pd.DataFrame({"Z1": z[:, 0], "Z2": z[:, 1], "C": c, "W": w, "X": x, "Y": y, "S": s})
    adj = ["Z1", "Z2", "C", "W"]
    G = nx.DiGraph([(a, "X") for a in adj] + [(a, "Y") for a in adj] + [("X", "Y")])
    G.add_edges_from([("X", "S"), ("Z1", "S")])
    return df, G


MODEL_QUERIES = ["P(Y=1 | do(X=1)) - P(Y=1 | do(X=0))", "E[S | do(X=1)]", "P(S > 6 | do(X=0))"]


def _same_model(got, want, se: bool = True) -> None:
    assert got.value == pytest.approx(want.value, rel=1e-8)
    assert got.naive == pytest.approx(want.naive, rel=1e-12)
    if se:
        assert got.se == pytest.approx(want.se, rel=1e-8)
    assert (got.n_used, got.n_dropped_missing) == (want.n_used, want.n_dropped_missing)
    assert got.warnings == want.warnings and got.models.notes == want.models.notes
    for a, ess in want.diagnostics["ess"].items():
        assert got.diagnostics["ess"][a] == pytest.approx(ess, rel=1e-8)
    pd.testing.assert_frame_equal(got.diagnostics["smd"], want.diagnostics["smd"], rtol=1e-7)
    assert got.models.overlap == want.models.overlap
    assert "partition by partition" in got.models.interval


@pytest.mark.parametrize("method", ["ipw", "aipw"])
@pytest.mark.parametrize("query", MODEL_QUERIES)
def test_dask_model_methods_give_the_pandas_numbers_with_one_fold(dd, method, query):
    df, G = _modelled()
    ddf = dd.from_pandas(df, npartitions=4)
    _same_model(
        do(query, ddf, dag=G, method=method, folds=1), do(query, df, dag=G, method=method, folds=1)
    )


def test_dask_gformula_gives_the_pandas_estimate_and_a_delta_method_interval(dd):
    df, G = _modelled()
    query = MODEL_QUERIES[0]
    got = do(query, dd.from_pandas(df, npartitions=3), dag=G, method="gformula")
    want = do(query, df, dag=G, method="gformula", ci=0.95, bootstrap=400, seed=1)
    _same_model(got, want, se=False)
    assert "delta method" in got.models.interval and "bootstrap" in want.models.interval
    assert got.se == pytest.approx(want.se, rel=0.15)  # the bootstrap's own noise: ~5%


def test_dask_trimming_and_a_three_level_treatment_give_the_pandas_numbers(dd):
    df, G = _modelled(6000, seed=8)
    df["X"] = np.where(np.random.default_rng(8).random(len(df)) < 0.3, 2, df["X"])
    ddf = dd.from_pandas(df, npartitions=3)
    query = "P(Y=1 | do(X=2)) - P(Y=1 | do(X=0))"
    kw = {"dag": G, "method": "aipw", "folds": 1, "trim": 0.05}
    got, want = do(query, ddf, **kw), do(query, df, **kw)
    _same_model(got, want)
    assert got.diagnostics["trimmed_share"] == want.diagnostics["trimmed_share"] > 0


def test_dask_cross_fitting_folds_are_fixed_by_the_seed_and_the_partitions(dd):
    df, G = _modelled()
    ddf = dd.from_pandas(df, npartitions=4)
    query = MODEL_QUERIES[0]
    first, again = do(query, ddf, dag=G, seed=3), do(query, ddf, dag=G, seed=3)
    assert first.method == "aipw" and first.models.folds == 5
    assert "the seed with the partitioning fixes the folds" in first._repr_html_()
    assert first.value == again.value and first.se == again.se
    other = do(query, ddf, dag=G, seed=4)
    assert other.value != first.value
    pandas = do(query, df, dag=G, seed=3)
    assert abs(first.value - pandas.value) < first.se  # other folds, the same estimate


def test_dask_auto_chooses_aipw_for_a_numeric_confounder(dd):
    df, G = _modelled()
    r = do(MODEL_QUERIES[0], dd.from_pandas(df, npartitions=2), dag=G)
    assert r.method == "aipw" and "Z1, Z2 are numeric" in r.models.why


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"method": "aipw", "bootstrap": 50}, "influence function"),
        ({"method": "aipw", "outcome_model": object()}, "partition sums"),
        ({"method": "ipw", "query": "E[S | do(Z1=0.5)]"}, "numeric treatment"),
    ],
)
def test_dask_refuses_what_needs_every_row_in_one_process(dd, kw, match):
    from causal_magic.estimate import DataError

    df, G = _modelled(500)
    G.add_edge("Z1", "Y")
    query = kw.pop("query", MODEL_QUERIES[0])
    if "outcome_model" in kw:
        kw["outcome_model"] = _Fitter()
    with pytest.raises(DataError, match=match):
        do(query, dd.from_pandas(df, npartitions=2), dag=G, **kw)


def test_dask_numeric_treatment_gives_the_pandas_gformula_and_curve(dd):
    rng = np.random.default_rng(4)
    z = rng.normal(size=5000)
    d = np.round(rng.gamma(2.0, 2.0, 5000) + z, 1)
    df = pd.DataFrame({"Z": z, "D": d, "Y": 1 + np.sqrt(np.abs(d)) + z + rng.normal(size=5000)})
    G = nx.DiGraph([("Z", "D"), ("Z", "Y"), ("D", "Y")])
    ddf = dd.from_pandas(df, npartitions=4)
    got, want = do("E[Y | do(D)]", ddf, dag=G, grid=8), do("E[Y | do(D)]", df, dag=G, grid=8)
    cols = ["x", "value", "naive"]
    pd.testing.assert_frame_equal(got.curve[cols], want.curve[cols], rtol=1e-9)
    assert got.method == "gformula" and "delta method" in got.models.interval
    one = do("E[Y | do(D=3)]", ddf, dag=G)
    assert one.value == pytest.approx(do("E[Y | do(D=3)]", df, dag=G).value, rel=1e-9)


class _Fitter:
    def fit(self, X, y):
        return self

    def predict(self, X):
        return np.zeros(len(X))


def test_dask_model_estimate_in_the_magic_shows_its_card(dd, ip):
    df, _ = _modelled(2000)
    ip.user_ns["ddf"] = dd.from_pandas(df, npartitions=2)
    ip.run_cell_magic("dag", "H", "Z1 -> X, Y; Z2 -> X, Y; X -> Y")
    r = ip.run_line_magic("do", "P(Y=1 | do(X=1)) --data ddf --dag H --method ipw")
    assert r.method == "ipw" and r.ci is not None
    assert "partition by partition" in r._repr_html_()


@pytest.mark.parametrize("method", ["ipw", "aipw"])
def test_spark_model_methods_give_the_pandas_numbers_with_one_fold(spark, method):
    df, G = _modelled(3000)
    sdf = _to_spark(spark, df).repartition(3)
    query = MODEL_QUERIES[0]
    _same_model(
        do(query, sdf, dag=G, method=method, folds=1), do(query, df, dag=G, method=method, folds=1)
    )


def test_spark_empty_table_is_refused_with_a_message(spark):
    from causal_magic.estimate import DataError

    df, G = _modelled(10)
    empty = _to_spark(spark, df).limit(0)
    with pytest.raises(DataError, match=r"too few complete rows \(0\)"):
        do(MODEL_QUERIES[0], empty, dag=G, method="aipw")


def test_spark_cross_fitting_is_fixed_by_the_seed(spark):
    df, G = _modelled(3000)
    sdf = _to_spark(spark, df)
    a = do("E[S | do(X=1)]", sdf, dag=G, method="aipw", seed=2)
    b = do("E[S | do(X=1)]", sdf, dag=G, method="aipw", seed=2)
    assert a.value == b.value and a.models.folds == 5
    assert abs(a.value - do("E[S | do(X=1)]", df, dag=G, method="aipw").value) < a.se
