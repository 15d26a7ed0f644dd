"""How fast is minimal_adjustment_set on large graphs?  Run by hand; prints ratios.

    .venv/bin/python benchmarks/bench_identify.py            # everything
    .venv/bin/python benchmarks/bench_identify.py implied    # implied_independencies only

Graph: n nodes in a fixed order; node i gets 3 edges to random nodes in
(i, i + n/10] (seeded), about 3n edges.  Treatment: node n // 3; outcome: the
median of its descendants.  Timed: the whole ``minimal_adjustment_set`` call
(input checks, acyclicity, everything) against

* ``networkx.ancestors(G, outcome)`` -- one graph search, the floor (target:
  at most 10x);
* ``networkx.find_minimal_d_separator`` on the same back-door problem (G with
  the treatment's out-edges removed, forbidden descendants excluded) -- the
  NetworkX way to get a minimal set (target: at least 50x faster);
* pgmpy's ``CausalInference.get_minimal_adjustment_set`` when pgmpy is installed.

Other calls (identify, minimum set, listing, the drawing overlay) are timed
too, as multiples of the same ancestors search.

No assertions: timings are for people, not for CI.
"""

from __future__ import annotations

import gc
import importlib
import random
import statistics
import sys
import time
from functools import partial
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
idf = importlib.import_module("causal_magic.identify")


def make_graph(n: int, seed: int = 0) -> nx.DiGraph:
    rng = random.Random(seed)
    G = nx.DiGraph()
    G.add_nodes_from(range(n))
    width = max(1, n // 10)
    for i in range(n):
        hi = min(n - 1, i + width)
        if hi <= i:
            continue
        for _ in range(3):
            G.add_edge(i, rng.randint(i + 1, hi))
    return G


def problem(G: nx.DiGraph) -> tuple[int, int]:
    x = G.number_of_nodes() // 3
    de = sorted(nx.descendants(G, x))
    return x, de[len(de) // 2]


def best_of(fn, repeat: int) -> float:
    """Median (or best of few) wall time, garbage collector paused as in ``timeit``."""
    times = []
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeat):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
    finally:
        gc.enable()
    return min(times) if repeat < 5 else statistics.median(times)


def nx_backdoor(G: nx.DiGraph, x, y):
    """A minimal back-door set the NetworkX way (single x: back-door = adjustment here)."""
    H = G.copy()
    H.remove_edges_from(list(G.out_edges(x)))
    allowed = set(G) - nx.descendants(G, x) - {x, y}
    return nx.find_minimal_d_separator(H, {x}, {y}, restricted=allowed)


def first_sets(G, x, y, k=5):
    return list(idf.adjustment_sets(G, x, y, limit=k))


def row(name: str, t: float, ref: float | None = None) -> str:
    ratio = f"{t / ref:8.1f}x" if ref else ""
    return f"  {name:<48} {t * 1e3:10.1f} ms {ratio}"


def main() -> None:
    print("minimal_adjustment_set on layered random DAGs (3 edges per node)")
    for n in (8_000, 80_000):
        G = make_graph(n)
        x, y = problem(G)
        repeat = 7 if n <= 10_000 else 5
        ours = best_of(lambda G=G, x=x, y=y: idf.minimal_adjustment_set(G, x, y), repeat)
        anc = best_of(lambda G=G, y=y: nx.ancestors(G, y), repeat)
        z = idf.minimal_adjustment_set(G, x, y)
        print(f"\nn = {n:,} nodes, {G.number_of_edges():,} edges; x = {x}, y = {y}, |Z| = {len(z)}")
        print(row("networkx.ancestors(G, outcome)", anc))
        print(row("causal_magic minimal_adjustment_set", ours, anc) + "  (target <= 10x)")
        if n <= 10_000:
            nxt = best_of(lambda G=G, x=x, y=y: nx_backdoor(G, x, y), 1)
            zn = nx_backdoor(G, x, y)
            print(row("networkx.find_minimal_d_separator (back-door)", nxt))
            print(f"  {'speed-up over networkx':<48} {nxt / ours:10.1f}x    (target >= 50x)")
            print(f"  networkx set valid by our test: {idf.is_adjustment_set(G, x, y, zn)}")
        others = [
            ("identify_effect (O-set, formula, reason)", partial(idf.identify_effect, G, x, y)),
            ("minimum_adjustment_set (max-flow)", partial(idf.minimum_adjustment_set, G, x, y)),
            ("adjustment_sets, first 5 minimal", partial(first_sets, G, x, y)),
            ("path_edges (overlay)", partial(idf.path_edges, G, x, y)),
        ]
        for name, fn in others:
            print(row(name, best_of(fn, 3), anc))
        try:
            from pgmpy.base import DAG
            from pgmpy.inference import CausalInference
        except ImportError:
            print("  pgmpy not installed (pip install .[bench])")
        else:
            model = DAG(G.edges)
            ci = CausalInference(model)
            t = best_of(lambda ci=ci, x=x, y=y: ci.get_minimal_adjustment_set(x, y), 1)
            print(row("pgmpy CausalInference.get_minimal_adjustment_set", t, ours) + " of ours")

    implied()


def implied() -> None:
    """implied_independencies: the parent basis (all observed) and max-flow (latent nodes)."""
    print("\nimplied_independencies on the same kind of graph (target < 0.5 s at 200 nodes)")
    for n in (200, 300):
        G = make_graph(n)
        one = best_of(lambda G=G: list(nx.topological_sort(G)), 7)
        t = best_of(lambda G=G: idf.implied_independencies(G), 3)
        k = len(idf.implied_independencies(G))
        print(f"\nn = {n} nodes, {G.number_of_edges()} edges; {k:,} claims")
        print(row("networkx.topological_sort (one pass)", one))
        print(row("implied_independencies, all observed", t, one))
        H = G.copy()
        for v in list(H)[::20]:  # every 20th node latent: separators by max-flow
            H.nodes[v]["role"] = "latent"
        t = best_of(lambda H=H: idf.implied_independencies(H), 1)
        print(row("implied_independencies, 5% latent (max-flow <= 25)", t, one))


if __name__ == "__main__":
    if sys.argv[1:] == ["implied"]:
        implied()
    else:
        main()
