"""The Python side of the widget on a large graph: ``show()`` and each browser edit.

Run by hand (not by CI)::

    .venv/bin/python benchmarks/bench_large_graph.py              # 20,000 edges
    .venv/bin/python benchmarks/bench_large_graph.py --edges 50000 --profile

A random DAG with a treatment and an outcome (so the causal overlay is computed on every
redraw) is drawn with :func:`causal_magic.show`, then edited with the very messages the
front end sends (``handle_message``): a move and an added edge.  Each time is printed with
its ratio to one ``networkx`` pass over the same graph measured in the same run
(``nx.is_directed_acyclic_graph``: a topological sort, O(n + m)), so the numbers compare
across machines.  Targets (issue 11): ``show()`` under 1 s, each edit under 100 ms at
20,000 edges.  Before issue 11 the overlay's ``nx.find_cycle`` made both 7.6-7.7 s.  Past
5,000 edges the overlay is computed on request (``DagWidget.compute_overlay``, the panel's
item): that time is printed apart, with no target.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import statistics
import time

import networkx as nx


def random_dag(n_edges: int, seed: int = 0) -> nx.DiGraph:
    """About ``n_edges`` edges over ``n_edges // 4`` nodes, edges from lower to higher
    index and mostly local (so paths are long, as in real graphs), X early, Y late."""
    rng = random.Random(seed)
    n = max(n_edges // 4, 10)
    G = nx.DiGraph()
    G.add_nodes_from(f"v{i}" for i in range(n))
    while G.number_of_edges() < n_edges:
        i = rng.randrange(n - 1)
        j = min(n - 1, i + 1 + int(rng.expovariate(1 / 20)))
        G.add_edge(f"v{i}", f"v{j}")
    G.nodes["v5"]["role"] = "treatment"
    G.nodes[f"v{n - 5}"]["role"] = "outcome"
    return G


def timed(fn, repeat: int = 3) -> float:
    """Median seconds of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--edges", type=int, default=20_000)
    parser.add_argument("--profile", action="store_true", help="print the top of a profile")
    args = parser.parse_args()

    from causal_magic import show, sync

    G = random_dag(args.edges)
    n, m = G.number_of_nodes(), G.number_of_edges()
    anchor = timed(lambda: nx.is_directed_acyclic_graph(G), repeat=5)
    print(f"graph: {n:,} nodes, {m:,} edges; anchor (one networkx pass): {anchor * 1e3:.1f} ms")

    widgets = []
    t_show = timed(lambda: widgets.append(show(G)), repeat=1)
    w = widgets[0]
    w.send = lambda content, buffers=None: None  # no kernel: the ack goes nowhere

    xs = iter(range(10_000))

    def move() -> None:
        refused = w.handle_message(
            {"type": "edit", "op": "move", "id": "v7", "x": float(next(xs)), "y": 3.0}
        )
        assert refused is None, refused

    rng = random.Random(1)
    nodes = list(G.nodes)

    def add_edge() -> None:
        while True:  # a new forward edge (never a cycle)
            i, j = sorted(rng.sample(range(len(nodes)), 2))
            if not G.has_edge(nodes[i], nodes[j]):
                break
        refused = w.handle_message(
            {"type": "edit", "op": "add_edge", "source": nodes[i], "target": nodes[j]}
        )
        assert refused is None, refused

    def refused_cycle() -> None:
        text = w.handle_message(
            {"type": "edit", "op": "add_edge", "source": nodes[-1], "target": nodes[0]}
        )
        assert text is not None

    t_move = timed(move)
    t_add = timed(add_edge)
    t_cycle = timed(refused_cycle)
    t_fp = timed(lambda: sync.fingerprint(G))
    # where the time goes (the parts other modules own), for whoever speeds them up next
    from causal_magic import layout
    from causal_magic.svg import drawing_data
    from causal_magic.widget import overlay_for

    t_request = timed(w.compute_overlay, repeat=1)  # the panel's "compute" item
    t_overlay = timed(lambda: overlay_for(G), repeat=1)
    t_layout = timed(lambda: layout.layered_layout(G), repeat=1)
    t_data = timed(lambda: drawing_data(G, w._px))
    rows = [
        ("show() (layout, overlay, state)", t_show, 1.0),
        ("edit: move a node", t_move, 0.1),
        ("edit: add an edge", t_add, 0.1),
        ("edit: refused cycle", t_cycle, 0.1),
        ("sync fingerprint (after each cell)", t_fp, None),
        ("overlay on request (panel, > 5,000 edges)", t_request, None),
        ("  part: overlay (identify)", t_overlay, None),
        ("  part: layered layout (layout)", t_layout, None),
        ("  part: drawing data (svg)", t_data, None),
    ]
    for what, seconds, target in rows:
        goal = f"  target < {target * 1e3:.0f} ms" if target else ""
        ok = "" if target is None else ("  ok" if seconds < target else "  OVER")
        print(f"{what:42s} {seconds * 1e3:9.1f} ms  {seconds / anchor:7.1f}x anchor{goal}{ok}")
    if args.profile:
        prof = cProfile.Profile()
        prof.runcall(move)
        pstats.Stats(prof).sort_stats("cumulative").print_stats(15)


if __name__ == "__main__":
    main()
