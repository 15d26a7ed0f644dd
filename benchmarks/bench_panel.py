"""What the teaching panel adds to each widget refresh, on random DAGs of growing size.

Run by hand::

    .venv/bin/python benchmarks/bench_panel.py            # 50, 200, 500 nodes

Prints, per size, the milliseconds of the panel after a structural edit (``_compute``) and
after a drag (``panel_for``, cached by structure) (the panel's lists: every minimal adjustment
set counted up to the cap, instruments, implied independencies, identify_effect, ancestor
view) against the anchor measured in the same run: the overlay the widget already computed
before the panel (``path_edges`` + ``minimal_adjustment_set`` + ``adjustment_sets``), and
``explain_paths`` for one pair against ``networkx.is_d_separator`` for the same question.
"""

from __future__ import annotations

import argparse
import random
import time

import networkx as nx

from causal_magic import identify, panel


def random_dag(n: int, seed: int = 1) -> nx.DiGraph:
    rng = random.Random(seed)
    G = nx.DiGraph()
    G.add_nodes_from(f"v{i}" for i in range(n))
    for i in range(1, n):
        for _ in range(rng.choice([1, 1, 2, 2, 3])):
            G.add_edge(f"v{rng.randrange(max(0, i - 40), i)}", f"v{i}")
    return G


def best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="50,200,500")
    args = ap.parse_args()
    for n in map(int, args.sizes.split(",")):
        G = random_dag(n)
        x, y = ("v10",), (f"v{n - 5}",)

        def anchor(G=G, x=x, y=y):
            identify.path_edges(G, x, y)
            identify.minimal_adjustment_set(G, x, y)
            list(identify.adjustment_sets(G, x, y, limit=5))

        minimal = identify.minimal_adjustment_set(G, x, y)
        in_use = None if minimal is None else sorted(map(str, minimal))
        a = best(anchor)
        p = best(lambda G=G, x=x, y=y, u=in_use: panel._compute(G, x, y, u))  # a structural edit
        panel.panel_for(G, x, y, in_use)
        c = best(lambda G=G, x=x, y=y, u=in_use: panel.panel_for(G, x, y, u))  # a drag: cached
        e = best(lambda G=G, x=x, y=y: identify.explain_paths(G, x[0], y[0], limit=50))
        d = best(lambda G=G, x=x, y=y: nx.is_d_separator(G, set(x), set(y), set()))
        print(
            f"{n:4d} nodes: overlay {a * 1e3:6.1f} ms, panel after an edit {p * 1e3:6.1f} ms "
            f"(x{p / a:5.1f}), after a drag {c * 1e3:5.2f} ms (x{c / a:4.2f}); "
            f"explain_paths {e * 1e3:7.1f} ms vs is_d_separator {d * 1e3:6.2f} ms (x{e / d:6.1f})"
        )


if __name__ == "__main__":
    main()
