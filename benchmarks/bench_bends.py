"""What bent edges cost the widget's Python side on a large graph.

Run by hand (not by CI)::

    PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_bends.py             # 20,000 edges
    PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_bends.py --edges 5000

Three things a bend touches, each timed with and without bends in the same run, and each
printed as a ratio to its own anchor (the same step on the same graph without any bend):

* ``drawing_data``: every edge's ``pos`` is read (one dict lookup an edge);
* a ``move`` of a node whose edges are bent: its bends are carried, and undo then keeps the
  edges too (a move of a node without bends keeps node attributes only);
* a ``bend`` edit itself, against a ``move`` (both a single position change).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import networkx as nx

from causal_magic.svg import drawing_data
from causal_magic.widget import DagWidget


def random_dag(n_edges: int, seed: int = 0) -> nx.DiGraph:
    """About ``n_edges`` edges over ``n_edges // 4`` nodes, lower to higher index, local."""
    rng = random.Random(seed)
    n = max(n_edges // 4, 10)
    G = nx.DiGraph()
    G.add_nodes_from(f"v{i}" for i in range(n))
    while G.number_of_edges() < n_edges:
        i = rng.randrange(n - 1)
        j = min(n - 1, i + 1 + int(rng.expovariate(1 / 20)))
        G.add_edge(f"v{i}", f"v{j}")
    return G


def best_of(step, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return min(times)


def median_of(step, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--edges", type=int, default=20_000)
    args = parser.parse_args()

    G = random_dag(args.edges)
    w = DagWidget(G)
    px = dict(w._px)
    plain = best_of(lambda: drawing_data(G, px, {}, scale=w.scale))
    for u, v in list(G.edges)[::10]:  # one edge in ten bent
        G.edges[u, v]["pos"] = (1.0, 2.0)
    bent = best_of(lambda: drawing_data(G, px, {}, scale=w.scale))
    n, m = G.number_of_nodes(), G.number_of_edges()
    print(f"{n:,} nodes, {m:,} edges")
    print(
        f"drawing_data: {plain * 1e3:.1f} ms without bends, {bent * 1e3:.1f} ms with "
        f"{m // 10:,} bent ({bent / plain:.2f}x)"
    )

    # moves of a node without bends (anchor) and of one whose edges are bent
    for _u, _v, d in G.edges(data=True):
        d.pop("pos", None)
    still, bendy = "v100", "v200"
    for e in list(G.out_edges(bendy)) + list(G.in_edges(bendy)):
        G.edges[e]["pos"] = (1.0, 2.0)
    w = DagWidget(G)

    def mover(node: str):
        x, y = w._px[node]
        k = [0]

        def step() -> None:
            k[0] += 1
            w.handle_message({"type": "edit", "op": "move", "id": node, "x": x + k[0], "y": y})

        return step

    plain_move = median_of(mover(still))
    bent_move = median_of(mover(bendy))
    print(
        f"move: {plain_move * 1e3:.0f} ms for a node without bends, {bent_move * 1e3:.0f} ms "
        f"for one with {G.degree(bendy)} bent edges ({bent_move / plain_move:.2f}x)"
    )

    u, v = next(iter(G.out_edges(still)))
    hx, hy = w._px[u]
    k = [0]

    def bend() -> None:
        k[0] += 1
        w.handle_message(
            {"type": "edit", "op": "bend", "source": u, "target": v, "x": hx + k[0], "y": hy + 40}
        )

    bend_time = median_of(bend)
    print(f"bend: {bend_time * 1e3:.0f} ms ({bend_time / plain_move:.2f}x a move)")


if __name__ == "__main__":
    main()
