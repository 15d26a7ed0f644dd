"""Tables of awkward shape: repeated column names, a Series, non-text column labels.

The plain functions (``do``, ``check_fit``, ``backends``) give the messages;
the magics pass them on as a UsageError (no traceback).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from IPython.core.error import UsageError

import causal_magic as cm
from causal_magic.backends import DataShapeError, columns_of, count_table
from causal_magic.estimate import DataError, do
from causal_magic.fit import FitError, check_fit


def _binary(cols, n=200, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(rng.integers(0, 2, (n, len(cols))), columns=cols)


# -- duplicate column names --------------------------------------------------------


def test_duplicate_column_is_refused_by_do_naming_it():
    df = _binary(list("XYX"))
    with pytest.raises(DataShapeError, match=r"duplicate column names: 'X' \(2 columns\)"):
        do("P(Y=1 | do(X=1))", df, adjust=[])


def test_duplicate_column_is_refused_by_check_fit_naming_it():
    df = _binary(list("ABCB"))
    with pytest.raises(ValueError, match=r"duplicate column names: 'B' \(2 columns\)"):
        check_fit(cm.parse_dag("A -> B -> C"), df)


def test_a_label_1_next_to_a_label_text_1_counts_as_a_duplicate():
    df = pd.DataFrame({1: [0, 1], "1": [1, 0], "Y": [0, 1]})
    with pytest.raises(DataShapeError, match="'1' \\(2 columns\\)"):
        columns_of(df)


def test_duplicate_columns_in_pyarrow_are_refused_too():
    pa = pytest.importorskip("pyarrow")
    t = pa.table([pa.array([0, 1]), pa.array([1, 0]), pa.array([0, 0])], names=["X", "Y", "X"])
    with pytest.raises(DataShapeError, match="'X'"):
        do("P(Y=1 | do(X=1))", t, adjust=[])


def test_magics_refuse_duplicate_columns_without_a_traceback(ip):
    ip.user_ns["df"] = _binary(list("XYX"))
    ip.run_cell_magic("dag", "G", "X -> Y")
    with pytest.raises(UsageError, match="%do: the data has duplicate column names: 'X'"):
        ip.run_line_magic("do", "P(Y=1 | do(X=1)) --data df")
    with pytest.raises(UsageError, match="--check: the data has duplicate column names: 'X'"):
        ip.run_line_magic("dag", "G --check df")


# -- a Series ----------------------------------------------------------------------


def test_a_series_as_data_is_refused_with_what_to_pass_instead():
    s = _binary(["Y"])["Y"]
    with pytest.raises(TypeError, match=r"got a pandas Series \('Y'\).*pd.concat"):
        do("P(Y=1 | do(X=1))", s, adjust=[])
    with pytest.raises(FitError, match=r"got a pandas Series \('Y'\)"):
        check_fit(cm.parse_dag("X -> Y"), s)


def test_magic_refuses_a_series_without_a_traceback(ip):
    ip.user_ns["s"] = _binary(["Y"])["Y"]
    ip.run_cell_magic("dag", "G", "X -> Y")
    with pytest.raises(UsageError, match=r"%do: --data must be a table .* pandas Series"):
        ip.run_line_magic("do", "P(Y=1 | do(X=1)) --data s")


def test_a_polars_series_is_refused_too():
    pl = pytest.importorskip("polars")
    with pytest.raises(TypeError, match="polars Series"):
        count_table(pl.Series("Y", [0, 1]), ["Y"])


# -- non-text labels ----------------------------------------------------------------


def test_integer_labels_are_the_variables_their_text_names():
    df = _binary([0, 1, 2], n=400, seed=3)
    G = cm.parse_dag('"0" -> "1" -> "2"; "0" -> "2"')
    r = do('P("2"=1 | do("1"=1))', df, dag=G)
    named = df.rename(columns=str)
    assert r.value == do('P("2"=1 | do("1"=1))', named, dag=G).value
    # brute force: Σ_z P(y | x, z) P(z) over the integer-labelled columns
    want = sum(df[(df[1] == 1) & (df[0] == z)][2].mean() * (df[0] == z).mean() for z in (0, 1))
    assert r.value == pytest.approx(want)


def test_check_fit_reads_integer_labels():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 2, 800)
    b = a ^ (rng.random(800) < 0.2)
    c = b ^ (rng.random(800) < 0.2)
    df = pd.DataFrame({0: a, 1: b, 2: c})
    fit = check_fit(cm.parse_dag('"0" -> "1" -> "2"'), df)
    assert list(fit.table["independence"]) == ["0 ⫫ 2 | 1"]
    assert fit.table["n"][0] == 800


def test_magic_answers_on_integer_labelled_columns(ip):
    ip.user_ns["df"] = _binary([0, 1], n=100)
    ip.run_cell_magic("dag", "G", '"0" -> "1"')
    r = ip.run_line_magic("do", 'P("1"=1 | do("0"=1)) --data df')
    df = ip.user_ns["df"]
    assert r.value == pytest.approx(df[df[0] == 1][1].mean())


# -- one value, two spellings -------------------------------------------------------


def _mixed() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    x = rng.integers(0, 2, 300)
    y = (rng.random(300) < 0.3 + 0.4 * x).astype(int)
    xs = pd.Series(x, dtype=object)
    xs[::2] = xs[::2].astype(str)  # half the rows say "1", the other half 1
    return pd.DataFrame({"X": xs, "Y": y})


def test_treatment_mixing_1_and_text_1_is_refused_naming_both_spellings():
    with pytest.raises(
        DataError,
        match=r"column 'X' mixes ('0' \(str\) and 0 \(int\)|0 \(int\) and '0' \(str\))"
        r" \(and 1 more",
    ):
        do("P(Y=1 | do(X=1))", _mixed(), adjust=[])


def test_outcome_and_adjuster_columns_are_checked_too():
    df = _mixed().rename(columns={"X": "Z"}).assign(X=np.arange(300) % 2)
    with pytest.raises(DataError, match="column 'Z' mixes"):
        do("P(Y=1 | do(X=1))", df, adjust=["Z"])
    df = _mixed().rename(columns={"X": "Y", "Y": "X"})
    with pytest.raises(DataError, match="column 'Y' mixes"):
        do("P(Y=1 | do(X=1))", df, adjust=[])


def test_check_fit_refuses_a_column_mixing_spellings():
    df = _mixed().assign(Z=np.arange(300) % 3)
    with pytest.raises(FitError, match=r"column 'X' mixes .*astype\(str\)"):
        check_fit(cm.parse_dag("X -> Z -> Y"), df)


def test_magic_refuses_mixed_spellings_without_a_traceback(ip):
    ip.user_ns["df"] = _mixed()
    ip.run_cell_magic("dag", "G", "X -> Y")
    with pytest.raises(UsageError, match="%do: column 'X' mixes"):
        ip.run_line_magic("do", "P(Y=1 | do(X=1)) --data df")


def test_one_spelling_throughout_is_answered_in_full():
    df = _mixed()
    df["X"] = df["X"].astype(str)
    r = do('P(Y=1 | do(X="1"))', df, adjust=[])
    assert r.n_used == 300
    assert r.value == pytest.approx(df[df["X"] == "1"]["Y"].mean())
