"""How fast are bounds?  Ratios against anchors measured in the same run.

    .venv/bin/python benchmarks/bench_bounds.py             # 1 million rows
    .venv/bin/python benchmarks/bench_bounds.py --rows 2e5

Data: an instrument Z -> X -> Y with a hidden U -> X, Y.  Each line prints the
best of ``--repeat`` runs and a ratio; nothing is asserted (timings belong in a
report, not in a test).

1. ``do()`` giving Balke-Pearl bounds (count + 2 LPs) vs ``do()`` estimating the
   naive P(y | x) on the same rows (one count, no LP): the cost of bounding;
2. the Balke-Pearl LP alone vs Balke and Pearl's closed form (eight-term max/min)
   on the same probabilities;
3. LPs of growing size (k-level Z and X, binary Y) vs the binary LP: how the
   response types (k**k * 2**k) cost.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from causal_magic.estimate import do
from causal_magic.estimate.response_lp import Target, lp_bounds, response_model

IV = nx.DiGraph([("Z", "X"), ("X", "Y"), ("U", "X"), ("U", "Y")])


def make_data(n: int, k: int = 2, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    u = rng.integers(0, 2, n)
    z = rng.integers(0, k, n)
    x = (z + u + (rng.random(n) < 0.2)) % k
    y = ((x > 0) ^ u ^ (rng.random(n) < 0.3)).astype(np.int8)
    return pd.DataFrame({"Z": z.astype(np.int8), "X": x.astype(np.int8), "Y": y})


def best(f, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def closed_form(P: np.ndarray) -> tuple[float, float]:
    def p(y, x, z):
        return P[z, x, y]

    low = max(p(1, 1, 1) + p(0, 0, 0) - 1, p(1, 1, 0) + p(0, 0, 1) - 1, -p(0, 1, 1) - p(1, 0, 1))
    high = min(1 - p(0, 1, 1) - p(1, 0, 0), 1 - p(0, 1, 0) - p(1, 0, 1), p(1, 1, 1) + p(0, 0, 1))
    return low, high  # three of the eight terms each: the anchor's arithmetic cost


def joint_of(df: pd.DataFrame, k: int) -> np.ndarray:
    J = np.zeros((k, k, 2))
    np.add.at(J, (df.Z.to_numpy(), df.X.to_numpy(), df.Y.to_numpy()), 1)
    return J / J.sum()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=float, default=1e6)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    n = int(a.rows)
    df = make_data(n)
    G = IV.copy()
    q = "P(Y=1 | do(X=1))"
    t_bounds = best(lambda: do(q, df, dag=G), a.repeat)
    t_naive = best(lambda: do("P(Y=1 | X=1)", df), a.repeat)
    print(f"1. do() with Balke-Pearl bounds, {n:,} rows: {t_bounds * 1e3:8.1f} ms")
    print(f"   naive P(y | x) on the same rows:        {t_naive * 1e3:8.1f} ms")
    print(f"   ratio {t_bounds / t_naive:.1f}x")
    levels = {"Z": 2, "X": 2, "Y": 2}
    model = response_model(IV, set(levels), levels, ["X"], ["Y"])
    J = joint_of(df, 2)
    P = J / J.sum(axis=(1, 2), keepdims=True)
    target = [Target("Y", 1, (("X", 1),)), Target("Y", 1, (("X", 0),), -1.0)]
    t_lp = best(lambda: lp_bounds(model, J, target), a.repeat * 3)
    t_cf = best(lambda: closed_form(P), a.repeat * 3)
    print(
        f"2. Balke-Pearl LP (16 types): {t_lp * 1e3:.2f} ms; closed form {t_cf * 1e6:.1f} us; "
        f"ratio {t_lp / t_cf:,.0f}x"
    )
    for k in (3, 4):
        dk = make_data(min(n, 200_000), k=k)
        lv = {"Z": k, "X": k, "Y": 2}
        mk = response_model(IV, set(lv), lv, ["X"], ["Y"])
        tk = best(lambda mk=mk, dk=dk, k=k: lp_bounds(mk, joint_of(dk, k), target[:1]), a.repeat)
        print(
            f"3. {k}-level Z and X: {mk.n_types:,} response types, {tk * 1e3:.1f} ms; "
            f"ratio to the binary LP {tk / t_lp:.0f}x"
        )


if __name__ == "__main__":
    main()
