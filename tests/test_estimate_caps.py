"""A %do card shows the first rows of a huge table, says how many more, and stays small.

The whole table stays on the result (``r.table``); the caps are in
:mod:`causal_magic.cards.caps`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import causal_magic as cm
from causal_magic.cards.caps import MAX_CARD_BYTES, MAX_ITEMS, MAX_ROWS
from causal_magic.estimate import do


def _many_strata(k: int, n: int, seed: int = 0) -> tuple[pd.DataFrame, object]:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "Z1": rng.integers(0, k, n),
            "Z2": rng.integers(0, k, n),
            "X": rng.integers(0, 2, n),
            "Y": rng.integers(0, 2, n),
        }
    )
    return df, cm.parse_dag("Z1 -> X; Z2 -> X; Z1 -> Y; Z2 -> Y; X -> Y")


def _sizes(r) -> dict[str, int]:
    bundle = r._repr_mimebundle_()
    return {k: len(v.encode()) for k, v in bundle.items()}


def test_a_card_with_20k_strata_shows_50_rows_and_stays_under_the_cap():
    df, G = _many_strata(150, 150_000)
    r = do("P(Y=1 | do(X=1))", df, dag=G, positivity="drop")
    assert len(r.table) > 15_000  # the full table stays on the result
    sizes = _sizes(r)
    assert all(size < MAX_CARD_BYTES for size in sizes.values()), sizes
    html = r._repr_html_()
    strata = html.split('class="cm-strata"')[1].split("</table>")[0]
    assert strata.count("<tr>") == MAX_ROWS + 1  # the header row and MAX_ROWS strata
    assert f"… and {len(r.table) - MAX_ROWS:,} more strata (all in result.table)" in html
    assert f"{len(r.table) - 8:,} more strata: see result.table" in repr(r._repr_html_())
    # the formula's sum and the table's first rows are the table's own first strata
    first = r.table.iloc[0]
    assert f"<td>{int(first['Z1'])}</td><td>{int(first['Z2'])}</td>" in html


def test_the_strata_table_is_the_same_numbers_as_before_the_caps():
    df, G = _many_strata(4, 5_000)
    r = do("P(Y=1 | do(X=1))", df, dag=G)
    # brute force: Σ_z P(y | x, z) P(z)
    want = 0.0
    for _, g in df.groupby(["Z1", "Z2"]):
        treated = g[g["X"] == 1]
        want += treated["Y"].mean() * len(g) / len(df)
    assert r.value == pytest.approx(want, abs=1e-12)
    assert float(r.exact) == pytest.approx(want, abs=1e-12)
    t = r.table
    assert list(t.columns) == [
        "Z1",
        "Z2",
        "n",
        "P(z)",
        "n(x, z)",
        "n(y, x, z)",
        "P(y | x, z)",
        "product",
    ]
    assert t["n"].sum() == len(df) and t["product"].sum() == pytest.approx(want)
    assert len(r.details.strata) == 16 and r.details.strata[3].n == t["n"][3]
    assert r.details.strata[-1].values == (t["Z1"].iloc[-1], t["Z2"].iloc[-1])


def test_huge_values_and_many_warnings_are_cut_short_in_every_rendering():
    rng = np.random.default_rng(1)
    n = 400
    z = np.array(["v" * 50_000 + str(i) for i in rng.integers(0, 3, n)], dtype=object)
    df = pd.DataFrame({"Z": z, "X": rng.integers(0, 2, n), "Y": rng.integers(0, 2, n)})
    r = do("P(Y=1 | do(X=1))", df, adjust=["Z"])
    r.warnings = [f"warning {i}: " + "w" * 10_000 for i in range(200)]
    sizes = _sizes(r)
    assert all(size < MAX_CARD_BYTES for size in sizes.values()), sizes
    assert "more characters" in r._repr_html_()
    assert f"… and {200 - MAX_ITEMS} more warnings (all in result.warnings)" in r._repr_html_()
    assert len(r.warnings[0]) > 10_000  # the result keeps every word


def test_a_distribution_over_many_values_is_capped():
    rng = np.random.default_rng(2)
    df = pd.DataFrame({"X": rng.integers(0, 2, 20_000), "Y": rng.integers(0, 3_000, 20_000)})
    r = do("P(Y | do(X=1))", df, adjust=[])
    assert len(r.distribution) > 2_500
    sizes = _sizes(r)
    assert all(size < MAX_CARD_BYTES for size in sizes.values()), sizes
    assert "more values (all in result.distribution)" in r._repr_html_()
