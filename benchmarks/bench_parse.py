"""Time parse_dag on a 10,000-edge text against networkx.parse_edgelist on the same edges.

Run: ``.venv/bin/python benchmarks/bench_parse.py [EDGES]``.  parse_edgelist does far
less (no roles, groups, errors with positions or acyclicity check), so it is a floor
to compare against, not a competitor; a small ratio means the language costs little.
"""

from __future__ import annotations

import random
import sys
import time

import networkx as nx

from causal_magic.dsl import parse_dag


def random_dag_edges(n_edges: int, seed: int = 0) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    n_nodes = max(2, n_edges // 3)
    edges: set[tuple[int, int]] = set()
    while len(edges) < n_edges:
        u, v = sorted(rng.sample(range(n_nodes), 2))
        edges.add((u, v))
    return [(f"v{u}", f"v{v}") for u, v in sorted(edges)]


def best_of(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(n_edges: int = 10_000) -> None:
    edges = random_dag_edges(n_edges)
    dsl_text = "\n".join(f"{u} -> {v}" for u, v in edges)
    edgelist = [f"{u} {v}" for u, v in edges]

    G = parse_dag(dsl_text)
    H = nx.parse_edgelist(edgelist, create_using=nx.DiGraph)
    assert set(G.edges) == set(H.edges)

    t_dsl = best_of(lambda: parse_dag(dsl_text))
    t_nx = best_of(lambda: nx.parse_edgelist(edgelist, create_using=nx.DiGraph))
    print(f"{n_edges} edges, {G.number_of_nodes()} nodes")
    print(f"parse_dag:               {t_dsl * 1000:8.1f} ms")
    print(f"networkx.parse_edgelist: {t_nx * 1000:8.1f} ms")
    print(f"ratio:                   {t_dsl / t_nx:8.2f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
