"""Bounds when the effect is not identified: natural, Balke-Pearl, response-function LP.

Oracles: the true P(y | do(x)) of random structural models with a hidden
confounder (containment), constructed models that attain the bounds
(sharpness), Balke and Pearl's closed form and their published numbers for the
cholestyramine trial, and the back-door formula when nothing is hidden.
"""

from __future__ import annotations

import math
import sys

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from IPython.core.error import UsageError

import causal_magic as cm
from causal_magic.estimate import DataError, NotIdentifiableError, UnknownValueError, do
from causal_magic.estimate.bounds import contrast_bounds, natural_bounds
from causal_magic.estimate.response_lp import (
    InfeasibleModel,
    ModelTooLarge,
    Target,
    lp_bounds,
    response_model,
)

SEED_QUERY = "P(Sound=Great | do(Gear=Fancy))"
IV = nx.DiGraph([("Z", "X"), ("X", "Y"), ("U", "X"), ("U", "Y")])
CONFOUNDED = nx.DiGraph([("U", "X"), ("U", "Y"), ("X", "Y")])


def _random_confounded_scm(rng, kx: int, ky: int, ku: int):
    """P(u), P(x | u), P(y | x, u) of X -> Y with a hidden U -> X, Y."""
    pu = rng.dirichlet(np.ones(ku) * rng.uniform(0.2, 2))
    px_u = rng.dirichlet(np.ones(kx) * rng.uniform(0.2, 2), size=ku)  # [u, x]
    py_xu = rng.dirichlet(np.ones(ky) * rng.uniform(0.2, 2), size=(kx, ku))  # [x, u, y]
    return pu, px_u, py_xu


def _observed_and_truth(pu, px_u, py_xu, x: int, y: int):
    joint = np.einsum("u,ux,xuy->xy", pu, px_u, py_xu)  # P(x, y): U summed out
    truth = float(pu @ py_xu[x, :, y])  # sum_u P(u) P(y | x, u)
    return joint, truth


# -- natural bounds ----------------------------------------------------------------------


def test_seed_with_talent_unmeasured_gives_the_natural_bounds_5_16_to_13_16(players, reality):
    r = do(SEED_QUERY, players.drop(columns="Talent"), dag=cm.parse_dag(reality))
    assert r.value is None and r.bounds == (0.3125, 0.8125)
    assert r.naive == 0.625 and r.bounds_info.method == "natural"
    truth = do(SEED_QUERY, players, dag=cm.parse_dag(reality)).value  # Talent measured
    assert r.bounds[0] <= truth <= r.bounds[1] and round(truth, 3) == 0.357


def test_natural_bounds_contain_the_truth_in_1000_random_confounded_models():
    rng = np.random.default_rng(15)
    for _ in range(1000):
        kx, ky, ku = rng.integers(2, 4), rng.integers(2, 4), rng.integers(2, 6)
        pu, px_u, py_xu = _random_confounded_scm(rng, kx, ky, ku)
        x, y = rng.integers(kx), rng.integers(ky)
        joint, truth = _observed_and_truth(pu, px_u, py_xu, x, y)
        low, high = natural_bounds(joint[x, y], joint[x].sum())
        assert low - 1e-12 <= truth <= high + 1e-12


@pytest.mark.parametrize("end", ["low", "high"])
def test_natural_bounds_are_attained_by_constructed_models(end):
    """U decides who takes x; the units not at x get y always (high) or never (low)."""
    rng = np.random.default_rng(1)
    for _ in range(200):
        pu = rng.dirichlet([1, 1])
        px_u = np.array([[1.0, 0.0], [0.0, 1.0]])  # X = U
        py_xu = rng.dirichlet([1, 1], size=(2, 2))
        py_xu[1, 0] = [0.0, 1.0] if end == "high" else [1.0, 0.0]  # do(X=1) on the U=0 units
        joint, truth = _observed_and_truth(pu, px_u, py_xu, 1, 1)
        low, high = natural_bounds(joint[1, 1], joint[1].sum())
        assert truth == pytest.approx(high if end == "high" else low, abs=1e-12)


def test_difference_bounds_are_the_difference_of_the_terms_bounds(players):
    seen = players.drop(columns="Talent")
    r = cm.bounds(f"{SEED_QUERY} - P(Sound=Great | do(Gear=Cheap))", seen)
    (a_lo, a_hi), (b_lo, b_hi) = natural_bounds(5 / 16, 8 / 16), natural_bounds(2 / 16, 8 / 16)
    assert r.bounds == pytest.approx((a_lo - b_hi, a_hi - b_lo))
    assert r.bounds[1] - r.bounds[0] == pytest.approx(1.0)  # Manski: width 1 for binary X
    assert contrast_bounds((0.2, 0.6), (0.0, 0.5), "/") == (0.4, math.inf)


def test_bounds_without_a_graph_assume_nothing(players):
    r = cm.bounds(SEED_QUERY, players)
    assert r.bounds == (0.3125, 0.8125) and r.graph_name is None
    assert "no assumption" in r.reason


# -- the response-function LP: Balke-Pearl ---------------------------------------------


def _iv_joint(P_yx_z: dict, pz=(0.5, 0.5)) -> np.ndarray:
    J = np.zeros((2, 2, 2))  # [z, x, y]
    for z, cells in P_yx_z.items():
        for (y, x), p in cells.items():
            J[z, x, y] = pz[z] * p
    return J


def _balke_pearl_closed_form(J: np.ndarray) -> tuple[float, float]:
    """Balke and Pearl (1997)'s eight-term bounds on the ACE, p(y, x | z)."""
    P = J / J.sum(axis=(1, 2), keepdims=True)

    def p(y, x, z):
        return P[z, x, y]

    low = max(
        p(1, 1, 1) + p(0, 0, 0) - 1,
        p(1, 1, 0) + p(0, 0, 1) - 1,
        p(1, 1, 0) - p(1, 1, 1) - p(1, 0, 1) - p(0, 1, 0) - p(1, 0, 0),
        p(1, 1, 1) - p(1, 1, 0) - p(1, 0, 0) - p(0, 1, 1) - p(1, 0, 1),
        -p(0, 1, 1) - p(1, 0, 1),
        -p(0, 1, 0) - p(1, 0, 0),
        p(0, 0, 1) - p(0, 1, 1) - p(1, 0, 1) - p(0, 1, 0) - p(0, 0, 0),
        p(0, 0, 0) - p(0, 1, 0) - p(1, 0, 0) - p(0, 1, 1) - p(0, 0, 1),
    )
    high = min(
        1 - p(0, 1, 1) - p(1, 0, 0),
        1 - p(0, 1, 0) - p(1, 0, 1),
        -p(0, 1, 0) + p(0, 1, 1) + p(0, 0, 1) + p(1, 1, 0) + p(0, 0, 0),
        -p(0, 1, 1) + p(1, 1, 1) + p(0, 0, 1) + p(0, 1, 0) + p(0, 0, 0),
        p(1, 1, 1) + p(0, 0, 1),
        p(1, 1, 0) + p(0, 0, 0),
        -p(1, 0, 1) + p(1, 1, 1) + p(0, 0, 1) + p(1, 1, 0) + p(1, 0, 0),
        -p(1, 0, 0) + p(1, 1, 0) + p(0, 0, 0) + p(1, 1, 1) + p(1, 0, 1),
    )
    return low, high


ACE = [Target("Y", 1, (("X", 1),)), Target("Y", 1, (("X", 0),), -1.0)]


def _iv_model():
    return response_model(IV, {"Z", "X", "Y"}, {"Z": 2, "X": 2, "Y": 2}, ["X"], ["Y"])


def test_balke_pearl_published_cholestyramine_bounds_0_39_to_0_78():
    """Lipid Research Clinics trial (Balke & Pearl 1997; Pearl, Causality, 8.2.4)."""
    J = _iv_joint(
        {
            0: {(0, 0): 0.919, (0, 1): 0.0, (1, 0): 0.081, (1, 1): 0.0},
            1: {(0, 0): 0.315, (0, 1): 0.139, (1, 0): 0.073, (1, 1): 0.473},
        }
    )
    model = _iv_model()
    assert model.is_instrument_model() and model.n_types == 16
    low, high = lp_bounds(model, J, ACE)
    assert (round(low, 2), round(high, 2)) == (0.39, 0.78)


def _random_iv(rng, ku: int = 4):
    pz, pu = rng.dirichlet([1, 1]), rng.dirichlet(np.ones(ku))
    px = rng.uniform(size=(2, ku))  # P(X=1 | z, u)
    py = rng.uniform(size=(2, ku))  # P(Y=1 | x, u)
    J = np.zeros((2, 2, 2))
    for z in range(2):
        for u in range(ku):
            for x in range(2):
                for y in range(2):
                    J[z, x, y] += (
                        pz[z]
                        * pu[u]
                        * (px[z, u] if x else 1 - px[z, u])
                        * (py[x, u] if y else 1 - py[x, u])
                    )
    truth = {x: float(pu @ py[x]) for x in (0, 1)}  # P(Y=1 | do(X=x))
    return J, truth


def test_balke_pearl_contain_the_truth_never_exceed_natural_and_match_the_closed_form():
    rng = np.random.default_rng(1997)
    model = _iv_model()
    for _ in range(200):
        J, truth = _random_iv(rng)
        low, high = lp_bounds(model, J, ACE)
        assert low - 1e-7 <= truth[1] - truth[0] <= high + 1e-7
        assert (low, high) == pytest.approx(_balke_pearl_closed_form(J), abs=1e-7)
        for x in (0, 1):
            lo, hi = lp_bounds(model, J, [Target("Y", 1, (("X", x),))])
            assert lo - 1e-7 <= truth[x] <= hi + 1e-7
            pxy = J[:, x, 1].sum()
            n_lo, n_hi = natural_bounds(pxy, J[:, x, :].sum())
            assert n_lo - 1e-7 <= lo and hi <= n_hi + 1e-7  # never wider than natural


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 3), st.integers(2, 3))
def test_lp_for_a_plain_confounded_pair_equals_the_natural_bounds(seed, kx, ky):
    """X -> Y with X <-> Y: the graph adds nothing, so the sharp bounds are the natural ones."""
    rng = np.random.default_rng(seed)
    pu, px_u, py_xu = _random_confounded_scm(rng, kx, ky, 3)
    joint, _ = _observed_and_truth(pu, px_u, py_xu, 0, 0)
    model = response_model(CONFOUNDED, {"X", "Y"}, {"X": kx, "Y": ky}, ["X"], ["Y"])
    x, y = int(rng.integers(kx)), int(rng.integers(ky))
    lp = lp_bounds(model, joint, [Target("Y", y, (("X", x),))])
    assert lp == pytest.approx(natural_bounds(joint[x, y], joint[x].sum()), abs=1e-7)


def test_lp_with_nothing_hidden_collapses_to_the_backdoor_estimate(players, reality):
    G = cm.parse_dag(reality)
    t = cm.backends.count_table(players, ["Talent", "Gear", "Sound"])
    levels = {v: len(t.levels[v]) for v in t.columns}
    model = response_model(G, set(levels), levels, ["Gear"], ["Sound"])
    assert model.right == ("Sound",)
    joint = np.zeros([levels[v] for v in model.variables])
    np.add.at(joint, tuple(t.col(v) for v in model.variables), t.n)
    fancy, great = t.levels["Gear"].index("Fancy"), t.levels["Sound"].index("Great")
    low, high = lp_bounds(model, joint, [Target("Sound", great, (("Gear", fancy),))])
    assert low == pytest.approx(5 / 14) and high == pytest.approx(5 / 14)


def _iv_frame(rng, n: int = 4000, k: int = 2) -> pd.DataFrame:
    u = rng.integers(0, k, n)
    z = rng.integers(0, k, n)
    x = (z + u + (rng.uniform(size=n) < 0.2)) % k
    y = (x * (u + 1) + (rng.uniform(size=n) < 0.3)) % k
    return pd.DataFrame({"Z": z, "X": x, "Y": y})


def test_do_uses_balke_pearl_for_an_instrument_and_is_narrower_than_natural():
    df = _iv_frame(np.random.default_rng(3))
    G = cm.parse_dag("Z -> X -> Y\nX <-> Y")
    r = do("P(Y=1 | do(X=1))", df, dag=G)
    nat = cm.bounds("P(Y=1 | do(X=1))", df).bounds
    assert r.bounds_info.method == "Balke-Pearl" and r.value is None
    assert nat[0] <= r.bounds[0] <= r.bounds[1] <= nat[1]
    assert r.bounds_info.width < nat[1] - nat[0] - 1e-3
    assert not any("find an instrument" in s for s in r.bounds_info.narrow)


# -- bad input and limits ------------------------------------------------------------------


def test_identified_query_with_bounds_collapses_to_the_estimate_and_says_so(players, reality):
    r = do(SEED_QUERY, players, dag=cm.parse_dag(reality), bounds=True)
    assert r.bounds == (r.value, r.value) and r.bounds_info.method == "identified"
    assert "collapse to the point estimate" in r.bounds_info.notes[0]
    assert "collapse to the point estimate" in r._repr_html_()


def test_non_binary_model_too_large_for_the_lp_falls_back_to_natural_and_says_why():
    df = _iv_frame(np.random.default_rng(4), n=3000, k=5)
    with pytest.raises(ModelTooLarge, match="more than 20,000 response types"):
        response_model(IV, {"Z", "X", "Y"}, {"Z": 5, "X": 5, "Y": 5}, ["X"], ["Y"])
    r = do("P(Y=1 | do(X=1))", df, dag=cm.parse_dag("Z -> X -> Y\nX <-> Y"))
    assert r.bounds_info.method == "natural"
    assert "more than 20,000 response types" in r.bounds_info.notes[0]
    assert r.bounds == pytest.approx(cm.bounds("P(Y=1 | do(X=1))", df).bounds)


def test_data_contradicting_the_instrument_give_natural_bounds_and_say_so():
    df = pd.DataFrame({"Z": [0, 1] * 50, "X": [0] * 100, "Y": [0, 1] * 50})  # Z moves Y, not X
    r = do("P(Y=1 | do(X=0))", df, dag=cm.parse_dag("Z -> X -> Y\nX <-> Y"))
    assert r.bounds_info.method == "natural" and r.bounds == (0.5, 0.5)
    assert "instrument inequalities fail" in r.bounds_info.notes[0]
    with pytest.raises(InfeasibleModel):
        J = df.groupby(["Z", "X", "Y"]).size()
        joint = np.zeros((2, 1, 2))
        for (z, x, y), n in J.items():
            joint[z, x, y] = n
        levels = {"Z": 2, "X": 1, "Y": 2}
        lp_bounds(response_model(IV, set(levels), levels, ["X"], ["Y"]), joint, ACE[:1])


def test_expectation_and_conditional_queries_are_refused_plainly(players, reality):
    seen = players.drop(columns="Talent").assign(Score=range(16))
    G = cm.parse_dag(reality + "\nSound -> Score")
    with pytest.raises(NotIdentifiableError, match="Gear <- Talent -> Sound"):
        do("E[Score | do(Gear=Fancy)]", seen, dag=G)  # not boundable: the refusal stands
    with pytest.raises(DataError, match="probabilities of one outcome value"):
        cm.bounds("E[Score | do(Gear=Fancy)]", seen)
    with pytest.raises(DataError, match="without conditions"):
        cm.bounds("P(Sound=Great | do(Gear=Fancy), Score=1)", seen)


def test_empty_treatment_cell_gives_the_whole_unit_interval_and_no_naive_value():
    df = pd.DataFrame({"A": [0, 0, 1, 1], "B": [0, 1, 0, 0], "Y": [0, 1, 1, 0]})
    r = cm.bounds("P(Y=1 | do(A=1, B=1))", df)  # A=1 and B=1 each occur, never together
    assert r.bounds == (0.0, 1.0) and r.naive is None
    assert "[0, 1]" in repr(r)
    with pytest.raises(UnknownValueError, match="does not occur"):
        cm.bounds("P(Y=1 | do(A=7))", df)


def test_bad_probabilities_are_refused():
    with pytest.raises(ValueError, match="must be a probability"):
        natural_bounds(float("nan"), 0.5)
    with pytest.raises(ValueError, match="exceeds"):
        natural_bounds(0.6, 0.5)


# -- how it reads ---------------------------------------------------------------------------


def test_card_draws_the_interval_marks_the_naive_value_and_says_what_would_narrow_it(
    players, reality
):
    r = do(SEED_QUERY, players.drop(columns="Talent"), dag=cm.parse_dag(reality))
    html = r._repr_html_()
    assert "[0.3125, 0.8125]" in html and "<svg" in html and "cm-bounds-naive" in html
    assert "measure Talent" in html and "find an instrument" in html
    assert "<script" not in html and len(html) < 20_000
    assert r.latex.startswith("$$") and r"\in [0.3125, 0.8125]" in r.latex
    with pytest.raises(TypeError, match=r"read result\.bounds"):
        float(r)


def test_card_escapes_user_strings_in_the_bounds_section():
    df = pd.DataFrame({"<b>X</b>": [0, 1, 1, 0], "Y": [0, 1, 0, 1]})
    G = nx.DiGraph([("<i>U</i>", "<b>X</b>"), ("<i>U</i>", "Y"), ("<b>X</b>", "Y")])
    r = do('P(Y=1 | do("<b>X</b>"=1))', df, dag=G)
    html = r._repr_html_()
    assert "<i>U</i>" not in html and "&lt;i&gt;U&lt;/i&gt;" in html


def test_magic_bounds_option_and_automatic_bounds(ip, players, reality):
    ip.user_ns["players"] = players
    ip.user_ns["seen"] = players.drop(columns="Talent")
    ip.run_cell("%%dag R\n" + reality)
    r = ip.run_line_magic("do", f"{SEED_QUERY} --data seen --dag R")
    assert r.bounds == (0.3125, 0.8125) and r.value is None
    r = ip.run_line_magic("do", f"{SEED_QUERY} --data players --dag R --bounds")
    assert r.bounds == (r.value, r.value)
    with pytest.raises(UsageError, match="no DataFrame named 'nope'"):
        ip.run_line_magic("do", f"{SEED_QUERY} --data nope --dag R --bounds")


def test_without_scipy_natural_bounds_still_work_and_the_lp_says_it_needs_the_extra(
    monkeypatch,
):
    monkeypatch.setitem(sys.modules, "scipy.optimize", None)  # as if scipy were not installed
    df = _iv_frame(np.random.default_rng(3))
    r = do("P(Y=1 | do(X=1))", df, dag=cm.parse_dag("Z -> X -> Y\nX <-> Y"))
    assert r.bounds_info.method == "natural"
    assert r.bounds == pytest.approx(cm.bounds("P(Y=1 | do(X=1))", df).bounds)
    assert "pip install 'causal_magic[bounds]'" in r.bounds_info.notes[0]


# -- the general response-function LP ------------------------------------------------------

GENERAL = nx.DiGraph([("Z", "X"), ("X", "Y"), ("W", "Y"), ("U", "X"), ("U", "Y")])


def _random_general(rng):
    """Z (3 levels) -> X -> Y <- W, hidden U -> X, Y: P(z, w, x, y) and the truth."""
    pz, pw, pu = rng.dirichlet(np.ones(3)), rng.dirichlet(np.ones(2)), rng.dirichlet(np.ones(3))
    px = rng.dirichlet([0.5, 0.5], size=(3, 3))  # [z, u, x]
    py = rng.dirichlet([0.5, 0.5], size=(2, 2, 3))  # [x, w, u, y]
    joint = np.einsum("z,w,u,zux,xwuy->zwxy", pz, pw, pu, px, py)
    truth = float(np.einsum("w,u,wu->", pw, pu, py[1, :, :, 1]))
    return joint, truth


def test_general_lp_contains_the_truth_and_is_never_wider_than_natural():
    rng = np.random.default_rng(2022)
    levels = {"Z": 3, "W": 2, "X": 2, "Y": 2}
    model = response_model(GENERAL, set(levels), levels, ["X"], ["Y"])
    assert model.left == ("Z", "W") and model.right == ("X", "Y")
    assert model.n_types == 8 * 16 and not model.is_instrument_model()
    narrower = 0
    for _ in range(150):
        joint, truth = _random_general(rng)
        low, high = lp_bounds(model, joint, [Target("Y", 1, (("X", 1),))])
        assert low - 1e-7 <= truth <= high + 1e-7
        n_low, n_high = natural_bounds(joint[:, :, 1, 1].sum(), joint[:, :, 1, :].sum())
        assert n_low - 1e-7 <= low and high <= n_high + 1e-7
        narrower += high - low < n_high - n_low - 1e-6
    assert narrower > 0  # the instrument does narrow some of them


# -- the card in a real browser, offline ------------------------------------------------------


@pytest.mark.browser
def test_card_interval_is_drawn_to_scale_offline_in_chromium(tmp_path, players, reality):
    """The saved card alone (no kernel, no network): the bar spans 0.3125..0.8125 of the
    axis and the naive marker sits at 0.625."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.chromium import find_chromium, missing

    chromium = find_chromium()
    if not chromium:
        missing("chromium not found (apt-get install -y chromium, or set CHROMIUM=/path)")
    r = do(SEED_QUERY, players.drop(columns="Talent"), dag=cm.parse_dag(reality))
    page = tmp_path / "card.html"
    page.write_text(f"<!doctype html><meta charset=utf-8><body>{r._repr_html_()}</body>")
    with ThreadPoolExecutor(max_workers=1) as pool:  # Playwright's sync API wants its own thread
        boxes = pool.submit(_measure_card, chromium, page).result()
    axis, bar, naive = boxes["axis"], boxes["bar"], boxes["naive"]
    assert bar["x"] - axis["x"] == pytest.approx(0.3125 * axis["width"], abs=1.0)
    assert bar["x"] + bar["width"] - axis["x"] == pytest.approx(0.8125 * axis["width"], abs=1.0)
    assert naive["x"] + naive["width"] / 2 - axis["x"] == pytest.approx(
        0.625 * axis["width"], abs=1.0
    )
    assert boxes["narrow_visible"] and boxes["blocked"] == []


def _measure_card(chromium: str, page) -> dict:
    from tests.chromium import offline_page

    with offline_page(chromium, page, (900, 700)) as (p, blocked):

        def box(selector: str) -> dict:
            return p.locator(selector).first.bounding_box()

        return {
            "axis": box(".cm-bounds svg line"),
            "bar": box(".cm-bounds-bar"),
            "naive": box(".cm-bounds-naive"),
            "narrow_visible": p.get_by_text("What would narrow it").is_visible(),
            "blocked": blocked,
        }


@pytest.mark.parametrize("engine", ["polars", "pyarrow", "duckdb"])
def test_bounds_from_other_engines_match_pandas(engine, players, reality):
    seen = players.drop(columns="Talent")
    mod = pytest.importorskip(engine)
    table = {
        "polars": lambda: mod.from_pandas(seen),
        "pyarrow": lambda: mod.Table.from_pandas(seen),
        "duckdb": lambda: mod.from_df(seen),
    }[engine]()
    assert do(SEED_QUERY, table, dag=cm.parse_dag(reality)).bounds == (0.3125, 0.8125)
