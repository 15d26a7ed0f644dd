"""Model-based ``%do`` on Dask without collecting rows: passes, time, and agreement with pandas.

    .venv/bin/python benchmarks/bench_partitioned.py               # 1 million rows, 8 partitions
    .venv/bin/python benchmarks/bench_partitioned.py --rows 2e5 --partitions 4

Data: ``bench_models``' five numeric confounders -> binary X, Y.  For gformula, ipw
and aipw (5 folds, and 1 fold) it prints the time on a pandas DataFrame (rows in
memory), the time on the same rows as a Dask DataFrame (partition sums only), their
ratio, the number of passes over the partitions, and the two estimates with their
standard errors.  Anchor: one ``DataFrame.sum()`` pass of Dask over the same columns,
measured in the same run -- the least any partition-wise method must spend.  Nothing is
asserted (timings belong in a report, not in a test).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_models import ATE, G, make_data

import causal_magic.backends as backends
from causal_magic.estimate import do


def _best(fn, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=float, default=1e6)
    ap.add_argument("--partitions", type=int, default=8)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    import dask
    import dask.dataframe as dd

    dask.config.set(scheduler="threads")
    df = make_data(int(args.rows))
    ddf = dd.from_pandas(df, npartitions=args.partitions).persist()
    passes = {"n": 0}
    real = backends.map_partitions

    def counted(*a, **kw):
        passes["n"] += 1
        return real(*a, **kw)

    backends.map_partitions = counted
    import causal_magic.estimate.partitioned.estimate as part

    part.map_partitions = counted
    anchor, _ = _best(lambda: ddf.sum().compute(), args.repeat)
    print(f"{len(df):,} rows, {args.partitions} Dask partitions (threads), 2 cores shared")
    print(f"anchor: one Dask sum() pass over the columns: {anchor * 1e3:.0f} ms\n")
    head = f"{'method':<16}{'pandas':>9}{'dask':>9}{'dask/pandas':>13}{'/anchor':>9}{'passes':>8}"
    print(head + "  estimates")
    for method, folds in (("gformula", 1), ("ipw", 1), ("aipw", 1), ("aipw", 5)):
        t_pd, r_pd = _best(
            lambda m=method, f=folds: do(ATE, df, dag=G, method=m, folds=f), args.repeat
        )
        passes["n"] = 0
        t_dd, r_dd = _best(lambda m=method, f=folds: do(ATE, ddf, dag=G, method=m, folds=f), 1)
        n_pass = passes["n"]
        se_pd = "bootstrap off" if r_pd.se is None else f"{r_pd.se:.4f}"
        print(
            f"{method + f' ({folds} fold)':<16}{t_pd:>8.2f}s{t_dd:>8.2f}s{t_dd / t_pd:>12.1f}x"
            f"{t_dd / anchor:>8.0f}x{n_pass:>8}  pandas {r_pd.value:.5f} ({se_pd}), "
            f"dask {r_dd.value:.5f} ({r_dd.se:.4f})"
        )


if __name__ == "__main__":
    main()
