"""Count tables: the pandas fast path and the polars / pyarrow / DuckDB group-bys agree."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import causal_magic.backends.pandas as backends
from causal_magic.backends import UnknownColumnError, count_table
from causal_magic.estimate import do


def _by_groupby(df: pd.DataFrame, by: list[str], value: str | None = None) -> pd.DataFrame:
    """The reference: plain pandas group-by over complete rows."""
    used = by + ([value] if value else [])
    complete = df.dropna(subset=used)
    g = complete.groupby(by, observed=True, sort=True)
    out = g.size().rename("n").reset_index()
    if value:
        y = complete[value].astype(float)
        s = y.groupby([complete[c] for c in by], observed=True, sort=True)
        out["sum"] = s.sum().to_numpy()
        out["sumsq"] = (y * y).groupby([complete[c] for c in by], observed=True).sum().to_numpy()
    return out


def _normalise(frame: pd.DataFrame, by: list[str]) -> list[tuple]:
    rows = []
    for rec in frame.to_dict("records"):
        rows.append(
            tuple(str(rec[c]) for c in by)
            + tuple(round(float(rec[k]), 6) for k in ("n", "sum", "sumsq") if k in rec)
        )
    return sorted(rows)


# -- pandas fast path ------------------------------------------------------------------


def test_seed_count_table_has_the_six_cells(players):
    t = count_table(players, ["Talent", "Gear", "Sound"])
    assert t.engine == "pandas" and t.n_used == 16 and t.n_dropped == 0
    assert t.levels["Gear"] == ("Cheap", "Fancy")
    f = t.to_frame().set_index(["Talent", "Gear", "Sound"])["n"]
    assert f[("High", "Fancy", "Great")] == 5 and f[("Low", "Fancy", "Bad")] == 1
    assert len(f) == 6


_frames = st.integers(0, 2**31 - 1).flatmap(
    lambda seed: st.tuples(st.just(seed), st.integers(1, 200), st.floats(0, 0.3))
)


def _random_frame(seed: int, n: int, p_missing: float) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "i8": rng.integers(-3, 3, n).astype(np.int8),
            "cat": pd.Categorical(rng.choice(["a", "b", "c"], n), categories=["c", "b", "a", "z"]),
            "s": rng.choice(["x", "y", "long text"], n),
            "b": rng.random(n) < 0.5,
            "big": rng.integers(0, 10**12, n) // 10**11,
            "f": rng.choice(
                [0.5, 1.5, np.nan], n, p=[0.5 - p_missing / 2, 0.5 - p_missing / 2, p_missing]
            ),
            "nullable": pd.array(
                np.where(rng.random(n) < p_missing, None, rng.integers(0, 3, n)), dtype="Int64"
            ),
            "y": np.where(rng.random(n) < p_missing, np.nan, rng.normal(size=n)),
        }
    )
    miss = rng.random(n) < p_missing
    df.loc[miss, "s"] = None
    df.loc[rng.random(n) < p_missing, "cat"] = None
    return df


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    args=_frames,
    cols=st.sets(
        st.sampled_from(["i8", "cat", "s", "b", "big", "f", "nullable"]), min_size=1, max_size=4
    ),
)
def test_fast_path_equals_plain_pandas_groupby(args, cols):
    df = _random_frame(*args)
    by = sorted(cols)
    t = count_table(df, by, value="y")
    ref = _by_groupby(df, by, "y")
    assert _normalise(t.to_frame(), by) == _normalise(ref, by)
    assert t.n_dropped == len(df) - len(df.dropna(subset=[*by, "y"]))


def test_sparse_fallback_equals_dense_path(monkeypatch):
    df = _random_frame(1, 500, 0.1)
    by = ["i8", "cat", "s", "b", "nullable"]
    dense = count_table(df, by, value="y")
    monkeypatch.setattr(backends, "_DENSE_LIMIT", 1)
    sparse = backends.count_table(df.iloc[:40], by, "y")  # total cells > 2 * rows: grouped path
    ref = _by_groupby(df.iloc[:40], by, "y")
    assert _normalise(sparse.to_frame(), by) == _normalise(ref, by)
    assert dense.n_used + dense.n_dropped == len(df)


def test_unused_categories_do_not_become_levels():
    df = pd.DataFrame({"c": pd.Categorical(["a", "a"], categories=["a", "b"]), "y": [1, 0]})
    assert count_table(df, ["c", "y"]).levels["c"] == ("a",)


def test_integer_codes_keep_integer_levels():
    t = count_table(pd.DataFrame({"x": [10, 12, 12], "y": [1, 0, 1]}), ["x", "y"])
    assert t.levels["x"] == (10, 12) and t.kinds["x"] == "int"
    assert all(type(v) is int for v in t.levels["x"])


def test_unknown_column_is_named_with_the_columns_present(players):
    with pytest.raises(UnknownColumnError, match=r"'Gaer' is not a column.*did you mean 'Gear'"):
        count_table(players, ["Gaer"])


def test_unsupported_table_type_is_refused():
    with pytest.raises(TypeError, match="pandas, polars, pyarrow"):
        count_table({"a": [1]}, ["a"])


def test_pandas_only_use_imports_no_other_engine():
    code = (
        "import sys, pandas as pd, networkx as nx\n"
        "df = pd.DataFrame({'Z': [0, 1, 0, 1], 'X': [0, 1, 1, 0], 'Y': [1, 0, 1, 1]})\n"
        "before = set(sys.modules)  # pandas itself may load pyarrow for its strings\n"
        "from causal_magic.estimate import do\n"
        "do('P(Y=1 | do(X=1))', df, adjust=['Z'], ci=0.9, bootstrap=50)\n"
        "new = {m.split('.')[0] for m in set(sys.modules) - before}\n"
        "bad = new & {'polars', 'pyarrow', 'duckdb', 'dask', 'pyspark', 'IPython'}\n"
        "assert not bad, bad\n"
    )
    root = Path(__file__).resolve().parents[1]
    subprocess.run(
        [sys.executable, "-c", code], check=True, cwd=root, env={"PYTHONPATH": str(root)}
    )


# -- polars / pyarrow / duckdb give the pandas numbers --------------------------------------


def _scm(n=20_000, seed=2):
    rng = np.random.default_rng(seed)
    z = rng.integers(0, 3, n)
    w = rng.choice(["u", "v"], n)
    x = (rng.random(n) < 0.2 + 0.2 * z + 0.2 * (w == "u")).astype(int)
    y = (rng.random(n) < 0.2 + 0.3 * x + 0.1 * z).astype(int)
    score = 1.0 + x + z + rng.normal(size=n)
    df = pd.DataFrame({"Z": z, "W": w, "X": x, "Y": y, "Score": score})
    df.loc[rng.random(n) < 0.02, "W"] = None
    df.loc[rng.random(n) < 0.02, "Score"] = np.nan
    G = nx.DiGraph(
        [
            ("Z", "X"),
            ("Z", "Y"),
            ("W", "X"),
            ("W", "Y"),
            ("X", "Y"),
            ("Z", "Score"),
            ("X", "Score"),
            ("W", "Score"),
        ]
    )
    return df, G


QUERIES = [
    "P(Y=1 | do(X=1))",
    "P(Y | do(X=0))",
    "P(Y=1 | do(X=1)) - P(Y=1 | do(X=0))",
    "E[Score | do(X=1)]",
    "P(Y=1 | do(X=1), W=u)",
]


def _convert(engine: str, df: pd.DataFrame):
    if engine == "polars":
        pl = pytest.importorskip("polars")
        return pl.from_pandas(df)
    if engine == "polars-lazy":
        pl = pytest.importorskip("polars")
        return pl.from_pandas(df).lazy()
    if engine == "pyarrow":
        pa = pytest.importorskip("pyarrow")
        return pa.Table.from_pandas(df, preserve_index=False)
    if engine == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        return duckdb.connect().from_df(df)
    raise AssertionError(engine)


ENGINES = ["polars", "polars-lazy", "pyarrow", "duckdb"]


@pytest.mark.parametrize("engine", ENGINES)
def test_seed_numbers_are_the_same_in_every_engine(engine, players):
    data = _convert(engine, players)
    G = nx.DiGraph([("Talent", "Gear"), ("Talent", "Sound"), ("Gear", "Sound")])
    r = do("P(Sound=Great | do(Gear=Fancy))", data, dag=G)
    assert round(r.value, 3) == 0.357 and r.naive == 0.625
    assert r.exact == pytest.approx(5 / 14)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("query", QUERIES)
def test_engine_gives_the_pandas_numbers(engine, query):
    df, G = _scm()
    want = do(query, df, dag=G)
    got = do(query, _convert(engine, df), dag=G)
    if want.value is None:
        assert got.distribution == pytest.approx(want.distribution, abs=1e-12)
    else:
        assert got.value == pytest.approx(want.value, abs=1e-12)
        assert got.naive == pytest.approx(want.naive, abs=1e-12)
    assert (got.n_used, got.n_dropped_missing) == (want.n_used, want.n_dropped_missing)
    for g, w in zip(got.parts or [got], want.parts or [want], strict=True):
        pd.testing.assert_frame_equal(
            g.table.reset_index(drop=True), w.table.reset_index(drop=True), check_dtype=False
        )


@pytest.mark.parametrize("engine", ENGINES)
def test_engine_count_table_equals_pandas_with_nulls(engine):
    df = _random_frame(7, 300, 0.15)[["i8", "s", "b", "y"]]
    want = count_table(df, ["i8", "s", "b"], value="y")
    got = count_table(_convert(engine, df), ["i8", "s", "b"], value="y")
    assert got.engine == engine.split("-")[0]
    assert got.n_dropped == want.n_dropped
    assert _normalise(got.to_frame(), ["i8", "s", "b"]) == _normalise(
        want.to_frame(), ["i8", "s", "b"]
    )
    assert got.kinds == want.kinds


@pytest.mark.parametrize("engine", ENGINES)
def test_engine_ci_matches_pandas_with_the_same_seed(engine):
    df, G = _scm(5_000)
    want = do("P(Y=1 | do(X=1))", df, dag=G, ci=0.95, bootstrap=200, seed=4)
    got = do("P(Y=1 | do(X=1))", _convert(engine, df), dag=G, ci=0.95, bootstrap=200, seed=4)
    assert got.ci == pytest.approx(want.ci, abs=1e-12)


# -- the int64 fast path: raw columns, offsets, blocks -------------------------------------


def _int_frame(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "neg": rng.integers(-7, -2, n),  # int64 with a negative offset
            "far": rng.integers(10**12, 10**12 + 3, n),  # a large offset
            "u32": rng.integers(5, 9, n).astype(np.uint32),
            "u64": rng.integers(0, 4, n).astype(np.uint64),
            "cat": pd.Categorical.from_codes(rng.integers(0, 60, n), [f"c{i}" for i in range(60)]),
            "wide": rng.integers(0, 400, n),  # many cells: the whole-index path
            "y": rng.normal(size=n),
        }
    )


@pytest.mark.parametrize(
    "by",
    [
        ["neg", "far", "u32"],
        ["cat", "neg"],  # int8 category codes >= 32 must not wrap when multiplied (blocked)
        ["cat", "neg", "u64"],  # the same on the whole-index path
        ["u64", "cat", "far", "neg"],
        ["wide", "cat", "neg"],
    ],
)
def test_int_columns_used_as_they_are_count_like_groupby(by, monkeypatch):
    # 3 blocks, min/max taken block by block; <= 512 cells counted per block, more as a whole
    monkeypatch.setattr(backends, "_BLOCK", 1 << 12)
    df = _int_frame(10_000)
    t = count_table(df, by, value="y")
    ref = _by_groupby(df, by, "y")
    assert _normalise(t.to_frame(), by) == _normalise(ref, by)
    assert t.n_used == len(df) and t.n_dropped == 0


def test_blocked_counts_keep_missing_rows_apart(monkeypatch):
    monkeypatch.setattr(backends, "_BLOCK", 1 << 9)
    df = _int_frame(5_000, seed=3)
    df.loc[::7, "y"] = np.nan
    df.loc[::11, "cat"] = None
    t = count_table(df, ["cat", "neg"], value="y")
    ref = _by_groupby(df, ["cat", "neg"], "y")
    assert _normalise(t.to_frame(), ["cat", "neg"]) == _normalise(ref, ["cat", "neg"])
    assert t.n_dropped == len(df) - len(df.dropna(subset=["cat", "neg", "y"]))
