"""E-values (VanderWeele & Ding 2017): the published worked example, the defining
property (the bounding factor of a confounder at the E-value explains the estimate
away exactly), and how %do reports them."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import causal_magic as cm
from causal_magic.estimate import do
from causal_magic.estimate.sensitivity import e_value, e_value_interval

RATIO = "P(Sound=Great | do(Gear=Fancy)) / P(Sound=Great | do(Gear=Cheap))"
DIFFERENCE = "P(Sound=Great | do(Gear=Fancy)) - P(Sound=Great | do(Gear=Cheap))"


def test_published_example_breastfeeding_rr_3_9_gives_7_26_and_3_0_for_the_interval():
    """VanderWeele & Ding (2017): RR 3.9 (95% CI 1.8 to 8.7) -> E-values 7.26 and 3.0."""
    assert round(e_value(3.9), 2) == 7.26
    limit, e_ci = e_value_interval(3.9, 1.8, 8.7)
    assert limit == 1.8 and round(e_ci, 1) == 3.0


def test_protective_ratio_uses_its_inverse_and_the_upper_limit():
    assert e_value(1 / 3.9) == pytest.approx(e_value(3.9))
    limit, e_ci = e_value_interval(0.5, 0.3, 0.8)
    assert limit == 0.8 and e_ci == pytest.approx(e_value(1 / 0.8))


def test_interval_containing_no_effect_has_e_value_1():
    assert e_value_interval(1.3, 0.9, 1.9) == (1.0, 1.0)
    assert e_value(1.0) == 1.0


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=1.0001, max_value=1e6))
def test_a_confounder_at_the_e_value_explains_the_ratio_away_exactly(rr):
    """The bounding factor RR_U·RR_Y / (RR_U + RR_Y - 1) at RR_U = RR_Y = E equals RR."""
    e = e_value(rr)
    assert e * e / (2 * e - 1) == pytest.approx(rr, rel=1e-9)
    assert e >= rr and e_value(rr * 1.01) > e  # stronger estimates need stronger confounders


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf])
def test_a_ratio_that_is_not_positive_and_finite_is_refused(bad):
    with pytest.raises(ValueError, match="positive finite"):
        e_value(bad)


def test_seed_ratio_and_difference_with_talent_measured(players, reality):
    G = cm.parse_dag(reality)
    r = do(RATIO, players, dag=G, sensitivity=True)
    s = r.sensitivity
    assert s.risk_ratio == pytest.approx(2.5) and s.measure == "RR"
    assert s.e_value == pytest.approx(2.5 + math.sqrt(2.5 * 1.5))
    assert "Gear and Sound by a risk ratio of 4.44" in s.sentence
    d = do(DIFFERENCE, players, dag=G, sensitivity=True).sensitivity
    assert d.measure == "RD" and d.risk_ratio == pytest.approx(2.5)  # p1 / p0
    assert d.estimate == pytest.approx(5 / 14 - 1 / 7)


def _confounded_frame(n: int = 20_000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    z = rng.uniform(size=n) < 0.5
    x = rng.uniform(size=n) < np.where(z, 0.7, 0.3)
    y = rng.uniform(size=n) < 0.1 + 0.2 * x + 0.2 * z
    return pd.DataFrame({"Z": z.astype(int), "X": x.astype(int), "Y": y.astype(int)})


def test_interval_of_a_bootstrap_estimate_gets_the_e_value_of_its_nearer_limit():
    df = _confounded_frame()
    G = cm.parse_dag("Z -> X, Y\nX -> Y")
    r = do("P(Y=1 | do(X=1)) / P(Y=1 | do(X=0))", df, dag=G, ci=0.95, seed=0, sensitivity=True)
    s = r.sensitivity
    assert s.ci_limit == pytest.approx(r.ci[0]) and 1 < r.ci[0] < r.value
    assert s.e_value_ci == pytest.approx(e_value(r.ci[0])) and s.e_value_ci < s.e_value
    html = r._repr_html_()
    assert f"E-value {s.e_value:.2f}" in html and f"interval: {s.e_value_ci:.2f}" in html


def test_one_term_of_a_binary_treatment_is_compared_with_its_other_value(players, reality):
    G = cm.parse_dag(reality)
    r = do("P(Sound=Great | do(Gear=Fancy))", players, dag=G, sensitivity=True)
    assert round(r.value, 3) == 0.357  # the estimate itself is unchanged
    s = r.sensitivity
    assert s.risk_ratio == pytest.approx(2.5) and s.against == "Gear=Cheap"
    assert "risk ratio 2.5 against Gear=Cheap" in s.sentence
    assert r"(\text{E-value: } 4.44)" in r.latex
    spaced = players.assign(Gear=players.Gear.map({"Fancy": "Very fancy", "Cheap": "Cheap"}))
    r = do('P(Sound=Great | do(Gear="Very fancy"))', spaced, dag=G, sensitivity=True)
    assert r.sensitivity.risk_ratio == pytest.approx(2.5)


def test_zero_risk_and_many_valued_treatments_are_refused_plainly(players, reality):
    G = cm.parse_dag(reality)
    three = players.assign(Gear=["Fancy", "Cheap", "Mid", "Mid"] * 4)
    with pytest.raises(ValueError, match="Gear has 3 values; ask for a ratio"):
        do("P(Sound=Great | do(Gear=Fancy))", three, dag=G, sensitivity=True)
    with pytest.raises(ValueError, match="needs an effect to explain away"):
        do("E[Score | do(Gear=Fancy)]", players.assign(Score=1.0), adjust=[], sensitivity=True)
    zero = players.assign(Sound=np.where(players.Gear == "Cheap", "Bad", players.Sound))
    with pytest.raises(ValueError, match="zero term"):
        do(RATIO, zero, dag=G, sensitivity=True)


def test_not_identified_query_gives_bounds_and_says_there_is_no_e_value(players, reality):
    r = do(RATIO, players.drop(columns="Talent"), dag=cm.parse_dag(reality), sensitivity=True)
    assert r.sensitivity is None and r.bounds is not None
    assert any("no E-value" in w for w in r.warnings)


def test_magic_sensitivity_shows_the_sentence_on_the_card(ip, players, reality):
    ip.user_ns["players"] = players
    ip.run_cell("%%dag R\n" + reality)
    r = ip.run_line_magic("do", f"{RATIO} --data players --dag R --sensitivity")
    assert r.sensitivity.e_value == pytest.approx(4.436, abs=1e-3)
    assert "could explain the estimate" in r._repr_html_() and "E-value 4.44" in repr(r)
