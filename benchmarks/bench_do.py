"""How fast is ``do()``?  Ratios against the floor and against the anchors, measured in one run.

    .venv/bin/python benchmarks/bench_do.py            # 10 million rows
    .venv/bin/python benchmarks/bench_do.py --rows 1e6

Data: three confounders with a few levels each (int8, categorical, int8),
binary treatment and outcome.  Each line prints the best of ``--repeat`` runs
and the ratio; the targets from the design notes are printed beside them, and
nothing is asserted (timings belong in a report, not in a test).

1. ``do`` vs a bare NumPy ``bincount`` over the integer codes of the same
   columns followed by the adjustment formula (the floor; target <= 2x);
2. the same with string columns vs ``pd.factorize`` + ``bincount`` (<= 2x);
2b. the same with int64 columns (what ``pd.read_csv`` gives) vs ``bincount``
   over those int64 columns (target <= 1.5x);
3. the seed notebook's ``backdoor_adjustment`` (one confounder): ours no slower;
4. a 1,000-resample bootstrap interval vs one estimate (<= 3x);
5. pgmpy ``CausalInference.query`` including the fit, if pgmpy is importable
   (expected >= 10x slower than ours).
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

QUERY = "P(Y=1 | do(X=1))"
GRAPH = nx.DiGraph([(z, v) for z in ("Z1", "Z2", "Z3") for v in ("X", "Y")] + [("X", "Y")])


def make_data(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    z1 = rng.integers(0, 3, n, dtype=np.int8)
    z2 = rng.integers(0, 4, n, dtype=np.int8)
    z3 = rng.integers(0, 5, n, dtype=np.int8)
    px = 0.15 + 0.2 * z1 + 0.05 * z2 + 0.03 * z3
    x = (rng.random(n) < px).astype(np.int8)
    py = 0.1 + 0.25 * x + 0.1 * z1 + 0.04 * z2 + 0.02 * z3
    y = (rng.random(n) < py).astype(np.int8)
    cats = pd.Categorical.from_codes(z2, categories=["a", "b", "c", "d"])
    return pd.DataFrame({"Z1": z1, "Z2": cats, "Z3": z3, "X": x, "Y": y})


def best(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def formula_from_counts(counts: np.ndarray) -> float:
    """Σ_z P(Y=1 | X=1, z) P(z) from a dense (Z1, Z2, Z3, X, Y) count array."""
    n_z = counts.sum(axis=(-1, -2))
    n_xz = counts[..., 1, :].sum(axis=-1)
    n_yxz = counts[..., 1, 1]
    keep = n_z > 0
    return float((n_yxz[keep] / n_xz[keep] * n_z[keep]).sum() / n_z.sum())


def bare_numpy_codes(df: pd.DataFrame) -> float:
    codes = [
        df["Z1"].to_numpy(),
        df["Z2"].cat.codes.to_numpy(),
        df["Z3"].to_numpy(),
        df["X"].to_numpy(),
        df["Y"].to_numpy(),
    ]
    radices = (3, 4, 5, 2, 2)
    idx = codes[0].astype(np.int64)
    for c, r in zip(codes[1:], radices[1:], strict=True):
        idx *= r
        idx += c
    counts = np.bincount(idx, minlength=int(np.prod(radices))).reshape(radices)
    return formula_from_counts(counts)


def bare_numpy_int64(df: pd.DataFrame) -> float:
    """The floor over int64 columns: one mixed-radix index (codes are the values), bincount."""
    cols = [df[c].to_numpy() for c in ("Z1", "Z2", "Z3", "X", "Y")]
    radices = (3, 4, 5, 2, 2)
    idx = cols[0] * radices[1]
    idx += cols[1]
    for c, r in zip(cols[2:], radices[2:], strict=True):
        idx *= r
        idx += c
    counts = np.bincount(idx, minlength=int(np.prod(radices))).reshape(radices)
    return formula_from_counts(counts)


def factorize_bincount(df: pd.DataFrame) -> float:
    cols = ["Z1", "Z2", "Z3", "X", "Y"]
    facts = [pd.factorize(df[c], sort=True) for c in cols]
    radices = tuple(len(u) for _, u in facts)
    idx = facts[0][0].astype(np.int64)
    for (c, _), r in zip(facts[1:], radices[1:], strict=True):
        idx *= r
        idx += c
    counts = np.bincount(idx, minlength=int(np.prod(radices))).reshape(radices)
    return formula_from_counts(counts)


def backdoor_adjustment(
    data, outcome_col, treatment_col, confounder_col, outcome_val, treatment_val
):
    """The seed notebook's routine, verbatim."""
    p_confounder = data[confounder_col].value_counts(normalize=True)
    treatment_subset = data[data[treatment_col] == treatment_val]
    p_outcome_given_confounder = (
        treatment_subset[outcome_col]
        .eq(outcome_val)
        .groupby(treatment_subset[confounder_col])
        .mean()
    )
    return (p_outcome_given_confounder * p_confounder).sum()


def pgmpy_query(df: pd.DataFrame) -> float | None:
    try:
        from pgmpy.inference import CausalInference
        from pgmpy.models import DiscreteBayesianNetwork as Network
    except ImportError:
        try:
            from pgmpy.inference import CausalInference
            from pgmpy.models import BayesianNetwork as Network
        except ImportError:
            return None
    data = df.assign(Z2=df["Z2"].cat.codes)
    model = Network(list(GRAPH.edges))
    model.fit(data)
    ci = CausalInference(model)
    q = ci.query(["Y"], do={"X": 1}, adjustment_set={"Z1", "Z2", "Z3"}, show_progress=False)
    return float(q.values[1])


def line(label: str, ours: float, other: float, target: str) -> None:
    ratio = ours / other
    print(
        f"  {label:<52} ours {ours * 1e3:8.1f} ms   other {other * 1e3:8.1f} ms   "
        f"ratio {ratio:5.2f}x   (target {target})"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=float, default=10_000_000, help="rows (default 1e7)")
    ap.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    args = ap.parse_args()
    n, rep = int(args.rows), args.repeat
    print(f"causal_magic do() benchmark: {n:,} rows, best of {rep}, pandas {pd.__version__}")
    df = make_data(n)

    t_ours, r = best(lambda: do(QUERY, df, dag=GRAPH), rep)
    t_np, v_np = best(lambda: bare_numpy_codes(df), rep)
    assert abs(r.value - v_np) < 1e-9, (r.value, v_np)
    line("1. do() vs bare NumPy bincount on codes", t_ours, t_np, "<= 2x")

    sdf = df.astype({"Z1": str, "Z2": str, "Z3": str, "X": str, "Y": str})
    t_s, rs = best(lambda: do('P(Y="1" | do(X="1"))', sdf, dag=GRAPH), rep)
    t_f, v_f = best(lambda: factorize_bincount(sdf), rep)
    assert abs(rs.value - v_f) < 1e-9
    line("2. do() on string columns vs pd.factorize + bincount", t_s, t_f, "<= 2x")

    idf = df.assign(Z2=df["Z2"].cat.codes).astype(np.int64)  # as pd.read_csv reads them
    t_i, ri = best(lambda: do(QUERY, idf, dag=GRAPH), rep)
    t_fi, v_fi = best(lambda: bare_numpy_int64(idf), rep)
    assert abs(ri.value - v_fi) < 1e-9 and abs(ri.value - r.value) < 1e-9
    line("2b. do() on int64 columns vs bincount over them", t_i, t_fi, "<= 1.5x")

    one = nx.DiGraph([("Z1", "X"), ("Z1", "Y"), ("X", "Y")])
    t_1, r1 = best(lambda: do(QUERY, df, dag=one), rep)
    t_seed, v_seed = best(lambda: backdoor_adjustment(df, "Y", "X", "Z1", 1, 1), rep)
    assert abs(r1.value - v_seed) < 1e-9
    line("3. do() vs the seed's backdoor_adjustment (1 confounder)", t_1, t_seed, "<= 1x")

    t_ci, rc = best(lambda: do(QUERY, df, dag=GRAPH, ci=0.95, bootstrap=1000, seed=0), rep)
    line("4. do(ci=0.95, bootstrap=1000) vs one estimate", t_ci, t_ours, "<= 3x")
    print(f"     interval {rc.ci[0]:.4f} .. {rc.ci[1]:.4f} around {rc.value:.4f}")

    try:
        import pgmpy  # noqa: F401
    except ImportError:
        print(
            "  5. pgmpy not installed: .venv/bin/pip install 'causal_magic[bench]' "
            "(or pip install pgmpy) to compare CausalInference.query (fit included)"
        )
    else:
        t_pg, v_pg = best(lambda: pgmpy_query(df), 1)
        print(f"     pgmpy value {v_pg:.6f} vs ours {r.value:.6f}")
        print(
            f"  {'5. pgmpy fit + CausalInference.query vs do()':<52} ours {t_ours * 1e3:8.1f} ms"
            f"   pgmpy {t_pg * 1e3:8.1f} ms   pgmpy is {t_pg / t_ours:5.1f}x slower (target >= 10x)"
        )
        print("     (pgmpy's network factorises P(Z1, Z2, Z3) along the graph; we use the joint)")


if __name__ == "__main__":
    main()
