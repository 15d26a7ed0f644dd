"""How fast are the model-based ``%do`` methods?  Ratios against anchors measured in the same run.

    .venv/bin/python benchmarks/bench_models.py              # 1 million rows
    .venv/bin/python benchmarks/bench_models.py --rows 2e5

Data: five numeric confounders Z1..Z5 -> binary X, Z and X -> binary Y (logistic models,
the true effect known).  Each line prints the best of ``--repeat`` warm runs and a
ratio; the runs are timed round-robin (every contender once per round), so a burst of
load on a shared machine hits all of them alike.  Nothing is asserted (timings belong
in a report, not in a test).

1. ``do(..., method="aipw", folds=5)`` (the ATE: two arms, 5-fold cross-fitting,
   default NumPy models, influence-function interval, diagnostics) vs one
   ``numpy.linalg.lstsq`` on the same design matrix (intercept, Z, X): a
   model-based estimate needs at least that one solve (target: within 20x);
2. ``method="ipw"`` and ``method="gformula"`` vs the same anchor;
3. DoWhy's back-door propensity-score weighting and linear regression, DoubleML's
   ``DoubleMLIRM`` and EconML's ``LinearDRLearner`` (5 folds, linear/logistic
   learners) -- each only where importable; the script says when one is not.
   They are no dependency of the project: put them in a throw-away environment,

       python3 -m venv /tmp/benchvenv
       /tmp/benchvenv/bin/pip install -e . dowhy doubleml econml
       /tmp/benchvenv/bin/python benchmarks/bench_models.py

   DoWhy's weighting line has no standard error (it would bootstrap); "its time /
   ours" above 1 means causal_magic is faster.

All estimates are printed with their standard errors, to check that they agree (ipw's
from its influence function with the estimated propensity's correction).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from causal_magic.estimate import do

ZS = [f"Z{i}" for i in range(1, 6)]
G = nx.DiGraph([(z, "X") for z in ZS] + [(z, "Y") for z in ZS] + [("X", "Y")])
ATE = "P(Y=1 | do(X=1)) - P(Y=1 | do(X=0))"


def make_data(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    Z = rng.normal(size=(n, 5))
    x = (rng.random(n) < 1 / (1 + np.exp(-(Z @ [0.5, -0.4, 0.3, 0.2, -0.1])))).astype(np.int8)
    eta = -0.5 + 1.0 * x + Z @ [0.6, 0.3, -0.5, 0.2, 0.1]
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(np.int8)
    df = pd.DataFrame(Z, columns=ZS)
    df["X"], df["Y"] = x, y
    return df


def best_interleaved(runs: list[tuple[str, object]], repeat: int) -> dict[str, tuple]:
    """Best wall time and last result of each run, timed round-robin (warm).

    Each round times every contender once, so a burst of load on a shared machine
    hits them all alike instead of whichever happened to be timed then.
    """
    out = {name: (float("inf"), f()) for name, f in runs}  # warm-up (imports, caches)
    for _ in range(repeat):
        for name, f in runs:
            t0 = time.perf_counter()
            got = f()
            t = time.perf_counter() - t0
            out[name] = (min(out[name][0], t), got)
    return out


def _peers(df: pd.DataFrame) -> list[tuple[str, object, object]]:
    """(name, run, read) of each importable peer (``read`` gives estimate and se)."""
    out = []
    for name, module, make in (
        ("DoWhy", "dowhy", _dowhy),
        ("DoubleML", "doubleml", _doubleml),
        ("EconML", "econml", _econml),
    ):
        if importlib.util.find_spec(module) is None or importlib.util.find_spec("sklearn") is None:
            print(f"  {name}: not installed here (pip install {module}): no line")
            continue
        out += make(df)
    return out


def _sk():
    from sklearn.linear_model import LinearRegression, LogisticRegression

    # an unpenalised-in-effect logistic regression, as causal_magic's default GLM
    return LinearRegression(), LogisticRegression(C=1e6, max_iter=1000)


def _dowhy(df: pd.DataFrame) -> list:
    """Back-door propensity-score weighting and linear regression, identified once (warm)."""
    import logging

    from dowhy import CausalModel

    logging.getLogger("dowhy").setLevel(logging.ERROR)
    model = CausalModel(data=df, treatment="X", outcome="Y", common_causes=ZS)
    estimand = model.identify_effect(proceed_when_unidentifiable=True)

    def read_lin(e):  # analytic there; weighting's would bootstrap
        return float(e.value), float(np.ravel(e.get_standard_error())[0])

    return [
        (
            "DoWhy psw",
            lambda: model.estimate_effect(
                estimand, method_name="backdoor.propensity_score_weighting"
            ),
            lambda e: (float(e.value), float("nan")),
        ),
        (
            "DoWhy lin",
            lambda: model.estimate_effect(estimand, method_name="backdoor.linear_regression"),
            read_lin,
        ),
    ]


def _doubleml(df: pd.DataFrame) -> list:
    import doubleml as dml

    _, logit = _sk()
    data = dml.DoubleMLData(df, y_col="Y", d_cols="X", x_cols=ZS)

    def fit():
        return dml.DoubleMLIRM(data, ml_g=logit, ml_m=logit, n_folds=5).fit()

    return [("DoubleML", fit, lambda m: (float(m.coef[0]), float(m.se[0])))]


def _econml(df: pd.DataFrame) -> list:
    from econml.dr import LinearDRLearner

    lin, logit = _sk()
    y, x, w = df["Y"].to_numpy(), df["X"].to_numpy(), df[ZS].to_numpy()

    def fit():
        m = LinearDRLearner(model_propensity=logit, model_regression=lin, cv=5, random_state=0)
        return m.fit(y, x, X=None, W=w)

    def read(m):
        se = float(np.ravel(m.ate_inference().stderr_mean)[0])
        return float(np.ravel(m.ate())[0]), se

    return [("EconML", fit, read)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=float, default=1e6)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    n = int(a.rows)
    df = make_data(n)
    print(
        f"{n:,} rows, five numeric confounders, binary X and Y; best of {a.repeat} warm runs, "
        "timed round-robin"
    )
    design = np.column_stack([np.ones(n), df[ZS].to_numpy(), df["X"].to_numpy(float)])
    yv = df["Y"].to_numpy(float)
    ours = [
        (m, lambda m=m, k=kw: do(ATE, df, dag=G, method=m, **k))
        for m, kw in (("aipw", {"folds": 5}), ("ipw", {}), ("gformula", {}))
    ]
    peers = _peers(df)
    runs = [("anchor", lambda: np.linalg.lstsq(design, yv, rcond=None)), *ours]
    runs += [(name, run) for name, run, _ in peers]
    got = best_interleaved(runs, a.repeat)
    anchor = got["anchor"][0]
    print(f"  anchor: one numpy.linalg.lstsq on the design (n x 7): {anchor * 1e3:8.1f} ms")
    times = {m: got[m][0] for m, _ in ours}
    for method, _ in ours:
        t, r = got[method]
        se = "" if r.se is None else f" (se {r.se:.4f})"
        if method == "ipw" and r.se is not None:  # M-estimation: the propensity is estimated
            se = f" (se {r.se:.4f}, accounting for the estimated propensity)"
        print(
            f"  {method:9s} {t * 1e3:8.1f} ms  = {t / anchor:5.1f}x the anchor; "
            f"estimate {r.value:.4f}{se}"
        )
    for name, _, read in peers:
        t, result = got[name]
        v, se = read(result)
        print(
            f"  {name:9s} {t * 1e3:8.1f} ms  = {t / anchor:5.1f}x the anchor; "
            f"estimate {v:.4f} (se {se:.4f}); its time / ours: aipw {t / times['aipw']:.1f}x, "
            f"ipw {t / times['ipw']:.1f}x, gformula {t / times['gformula']:.1f}x"
        )


if __name__ == "__main__":
    main()
