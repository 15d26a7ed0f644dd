"""The independence-test registry: check_fit(test=...), compare(test=...), %dag --check --test."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from IPython.core.error import UsageError
from IPython.utils.capture import capture_output

from causal_magic.fit import FISHER_Z, G_TEST, TESTS, WILKS, FitError, check_fit, compare

pytest.importorskip("scipy.stats")

CHAIN = nx.DiGraph([("Talent", "Gear"), ("Gear", "Sound")])  # Talent ⫫ Sound | Gear
FORK = nx.DiGraph([("Talent", "Gear"), ("Talent", "Sound")])  # Gear ⫫ Sound | Talent
LINEAR = {FISHER_Z, WILKS}
EXPECTED = {"auto": {G_TEST}, "g-test": {G_TEST}, "linear": LINEAR}


def _numeric(n: int = 400, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n)
    b = a + rng.normal(size=n)
    return pd.DataFrame({"A": a, "B": b, "C": b + rng.normal(size=n)})


def test_the_registry_names_the_three_tests_and_auto_comes_first():
    assert list(TESTS) == ["auto", "g-test", "linear"]


@pytest.mark.parametrize("name", list(TESTS))
def test_every_registered_test_runs_on_the_seed_data(players, name):
    fit = check_fit(CHAIN, players, test=name)
    assert list(fit.table["independence"]) == ["Talent ⫫ Sound | Gear"]
    assert set(fit.table["test"]) <= EXPECTED[name]
    assert 0 < fit.table["p_value"][0] <= 1 and fit.fits is True
    both = compare(CHAIN, FORK, players, test=name)
    assert len(both.table) == 2 and set(both.table["test"]) <= EXPECTED[name]
    assert all(0 < p <= 1 for p in both.table["p_value"])


def test_auto_is_the_default_and_chooses_by_column_kind(players):
    default = check_fit(CHAIN, players)
    auto = check_fit(CHAIN, players, test="auto")
    pd.testing.assert_frame_equal(default.table, auto.table)
    assert default.notes == auto.notes
    numeric = check_fit(nx.DiGraph([("A", "B"), ("B", "C")]), _numeric())
    assert list(numeric.table["test"]) == [FISHER_Z]


def test_a_named_test_overrides_the_choice_by_kind(players):
    forced = check_fit(CHAIN, players, test="linear")
    assert list(forced.table["test"]) == [FISHER_Z]
    assert any("linear association only" in n for n in forced.notes)
    assert not any(n.startswith("Categorical tests") for n in forced.notes)
    g = check_fit(nx.DiGraph([("A", "B"), ("B", "C")]), _numeric(), test="g-test")
    assert list(g.table["test"]) == [G_TEST]
    assert math.isnan(g.table["p_value"][0]) and "not testable" in g.table["note"][0]


def test_the_linear_test_gives_the_same_numbers_in_an_engine(players):
    pl = pytest.importorskip("polars")
    here = check_fit(CHAIN, players, test="linear").table
    there = check_fit(CHAIN, pl.from_pandas(players), test="linear").table
    assert list(there["test"]) == list(here["test"])
    assert there["statistic"][0] == pytest.approx(here["statistic"][0], rel=1e-9)
    assert there["p_value"][0] == pytest.approx(here["p_value"][0], rel=1e-9)


@pytest.mark.parametrize("name", ["chi2", "G-TEST", "", None])
def test_an_unknown_test_is_refused_with_the_registered_names(players, name):
    listed = "use one of auto, g-test, linear"
    with pytest.raises(FitError, match=f"test={name!r} is unknown; {listed}"):
        check_fit(CHAIN, players, test=name)
    with pytest.raises(FitError, match=listed):
        compare(CHAIN, FORK, players, test=name)


def test_the_magic_passes_test_to_check_fit(ip, players, monkeypatch):
    import causal_magic.fit as fit

    seen = []
    real = fit.check_fit

    def spy(*args, **kwargs):
        seen.append(kwargs.get("test"))
        return real(*args, **kwargs)

    monkeypatch.setattr(fit, "check_fit", spy)
    ip.user_ns["players"] = players
    with capture_output():
        ip.run_cell("%%dag Chain\nTalent -> Gear -> Sound")
        result = ip.run_line_magic("dag", "Chain --check players --test linear")
        default = ip.run_line_magic("dag", "Chain --check players")
    assert seen == ["linear", "auto"]
    assert list(result.table["test"]) == [FISHER_Z]
    assert list(default.table["test"]) == [G_TEST]


def test_the_magic_passes_test_to_compare_and_refuses_an_unknown_one(ip, players):
    ip.user_ns["players"] = players
    with capture_output():
        ip.run_cell("%%dag Chain\nTalent -> Gear -> Sound")
        ip.run_cell("%%dag Fork\nTalent -> Gear\nTalent -> Sound")
    both = ip.run_line_magic("dag", "Chain Fork --check players --test linear")
    assert set(both.table["test"]) == {FISHER_Z}
    with pytest.raises(UsageError, match=r"^%dag --check: test='nope' is unknown; use one of"):
        ip.run_line_magic("dag", "Chain --check players --test nope")
