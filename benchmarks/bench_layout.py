"""How good the layered layout is, against Graphviz ``dot`` on the same graphs.

Run by hand (not by CI)::

    PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_layout.py
    PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_layout.py --quick   # fewer random graphs

Per corpus -- DAGitty's example graphs (``benchmarks/data/dagitty_graphs.json``), random
DAGs of 30, 60 and 200 nodes, a graph with long real-world names -- it prints the total
edge crossings of our drawing and of ``dot``'s (and their ratio: the issue's bar is 1.2),
the edges whose drawn curve passes under a node they do not touch, and the pairs of nodes
whose names overlap another node's name or circle.  Then the time to lay out 500 nodes,
ours against ``dot``'s on the same graph (a ratio: both measured in this run).

Crossings are counted the same way for both: geometrically, between the drawn curves
(ours: the Catmull-Rom curves through the route points, as ``svg.route_path`` draws them;
dot's: its B-splines from ``-Tplain``), for pairs of edges that share no node.  The
package never needs Graphviz; without ``dot`` on the PATH its columns say "n/a".
"""

from __future__ import annotations

import argparse
import itertools
import json
import pathlib
import random
import shutil
import subprocess
import time

import networkx as nx
import numpy as np

from causal_magic.layout import in_pixels, plan
from causal_magic.layout.routes import route_ends, sample_curve
from causal_magic.style import NODE_RADIUS

ROOT = pathlib.Path(__file__).resolve().parents[1]
DAGITTY = ROOT / "benchmarks" / "data" / "dagitty_graphs.json"
DOT = shutil.which("dot")
SCALE = 100.0

LONG_NAMES = [
    ("Maternal education level", "Maternal smoking during pregnancy"),
    ("Maternal education level", "Access to prenatal care"),
    ("Household income", "Access to prenatal care"),
    ("Household income", "Maternal smoking during pregnancy"),
    ("Maternal age at delivery", "Gestational diabetes"),
    ("Maternal age at delivery", "Preterm birth"),
    ("Maternal smoking during pregnancy", "Low birth weight"),
    ("Maternal smoking during pregnancy", "Preterm birth"),
    ("Access to prenatal care", "Gestational diabetes"),
    ("Access to prenatal care", "Preterm birth"),
    ("Gestational diabetes", "Preterm birth"),
    ("Preterm birth", "Low birth weight"),
    ("Low birth weight", "Neonatal intensive care admission"),
    ("Preterm birth", "Neonatal intensive care admission"),
    ("Neonatal intensive care admission", "Infant mortality within the first year"),
    ("Low birth weight", "Infant mortality within the first year"),
    ("Household income", "Infant mortality within the first year"),
    ("Maternal education level", "Maternal age at delivery"),
]


def random_dag(n: int, seed: int, density: float = 1.4) -> nx.DiGraph:
    """A random DAG on n nodes with about density * n edges (names V0, V1, ...)."""
    rng = random.Random(seed)
    G = nx.DiGraph()
    G.add_nodes_from(f"V{i}" for i in range(n))
    while G.number_of_edges() < int(density * n):
        a, b = sorted(rng.sample(range(n), 2))
        G.add_edge(f"V{a}", f"V{b}")
    return G


def dagitty_graphs() -> list[nx.DiGraph]:
    data = json.loads(DAGITTY.read_text(encoding="utf-8"))["graphs"]
    out = []
    for g in data.values():
        G = nx.DiGraph()
        G.add_nodes_from(g["nodes"])
        G.add_edges_from(map(tuple, g["edges"]))
        out.append(G)
    return out


# -- measuring a drawing: curves per edge, node centres and radii --------------------------


def count_crossings(curves: list[tuple[object, object, np.ndarray]]) -> int:
    """Intersections between the curves of edges that share no node (vectorised)."""
    segs, owner = [], []
    for k, (_u, _v, pts) in enumerate(curves):
        for i in range(len(pts) - 1):
            segs.append((*pts[i], *pts[i + 1]))
            owner.append(k)
    if not segs:
        return 0
    S = np.array(segs, dtype=float)
    own = np.array(owner)
    ends = [(u, v) for u, v, _ in curves]
    x1, y1, x2, y2 = S.T
    total = 0
    for i in range(len(S)):
        j = np.arange(i + 1, len(S))
        j = j[own[j] != own[i]]
        a, b = ends[own[i]]
        keep = np.array([not ({a, b} & set(ends[o])) for o in own[j]], dtype=bool)
        j = j[keep] if len(j) else j
        if not len(j):
            continue
        px, py, qx, qy = S[i]

        def orient(ax, ay, bx, by, cx, cy):
            return np.sign((bx - ax) * (cy - ay) - (by - ay) * (cx - ax))

        o1 = orient(px, py, qx, qy, x1[j], y1[j])
        o2 = orient(px, py, qx, qy, x2[j], y2[j])
        o3 = orient(x1[j], y1[j], x2[j], y2[j], px, py)
        o4 = orient(x1[j], y1[j], x2[j], y2[j], qx, qy)
        total += int(np.sum((o1 * o2 < 0) & (o3 * o4 < 0)))
    return total


def under_nodes(curves, centres: dict, radius: dict) -> int:
    """Edges whose curve enters the circle of a node it does not touch."""
    names = list(centres)
    C = np.array([centres[n] for n in names], dtype=float)
    R = np.array([radius[n] for n in names], dtype=float)
    count = 0
    for u, v, pts in curves:
        mask = np.array([n not in (u, v) for n in names])
        hit = False
        for a, b in itertools.pairwise(pts):
            d = np.subtract(b, a)
            L2 = float(d @ d) or 1.0
            t = np.clip(((C - a) @ d) / L2, 0, 1)
            q = a + t[:, None] * d
            dist = np.hypot(*(C - q).T)
            if np.any((dist < R * 0.95) & mask):
                hit = True
                break
        count += hit
    return count


def ours(G: nx.DiGraph):
    """Our drawing: curves per edge, node centres and radii, and label boxes (px)."""
    from causal_magic.graph import visible_nodes
    from causal_magic.layout import label_boxes

    pos, routes = in_pixels(G, plan(G), SCALE)
    curves = []
    for u, v in G.edges:
        pts = sample_curve(route_ends(pos[u], routes.get((u, v), []), pos[v], NODE_RADIUS))
        curves.append((u, v, np.array(pts, dtype=float)))
    boxes = label_boxes(G, visible_nodes(G))
    return curves, pos, {n: NODE_RADIUS for n in pos}, boxes


def label_overlaps(pos: dict, boxes: dict) -> int:
    """Pairs of nodes whose boxes (name or circle, whichever is bigger) overlap."""
    names = list(pos)
    count = 0
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            (ax, ay), (bx, by) = pos[a], pos[b]
            (aw, ah), (bw, bh) = boxes[a], boxes[b]
            if abs(ax - bx) < (aw + bw) / 2 and abs(ay - by) < (ah + bh) / 2:
                count += 1
    return count


def dot_drawing(G: nx.DiGraph):
    """Graphviz dot's drawing of G (points): curves, centres, radii; or None without dot."""
    if DOT is None:
        return None
    ids = {n: f"n{i}" for i, n in enumerate(G.nodes)}
    back = {v: k for k, v in ids.items()}
    lines = ["digraph G {", "node [shape=ellipse, fontsize=13];"]
    lines += [f"{ids[n]} [label={json.dumps(str(n))}];" for n in G.nodes]
    lines += [f"{ids[u]} -> {ids[v]};" for u, v in G.edges]
    lines.append("}")
    out = subprocess.run(
        [DOT, "-Tplain"], input="\n".join(lines), capture_output=True, text=True, check=True
    ).stdout
    centres, radius, curves = {}, {}, []
    for line in out.splitlines():
        t = line.split()
        if t[0] == "node":
            n = back[t[1]]
            centres[n] = (float(t[2]) * 72, -float(t[3]) * 72)
            radius[n] = min(float(t[4]), float(t[5])) * 36
        elif t[0] == "edge":
            k = int(t[3])
            ctrl = [(float(t[4 + 2 * i]) * 72, -float(t[5 + 2 * i]) * 72) for i in range(k)]
            pts = [ctrl[0]]
            for i in range(1, k - 2, 3):
                p0, c1, c2, p1 = ctrl[i - 1], ctrl[i], ctrl[i + 1], ctrl[i + 2]
                for s in range(1, 7):
                    x = s / 6
                    y = 1 - x
                    pts.append(
                        tuple(
                            y**3 * p0[d]
                            + 3 * y * y * x * c1[d]
                            + 3 * y * x * x * c2[d]
                            + x**3 * p1[d]
                            for d in (0, 1)
                        )
                    )
            curves.append((back[t[1]], back[t[2]], np.array(pts, dtype=float)))
    return curves, centres, radius


def measure(name: str, graphs: list[nx.DiGraph]) -> None:
    our_x = dot_x = under = dot_under = overlaps = 0
    for G in graphs:
        curves, pos, rad, boxes = ours(G)
        our_x += count_crossings(curves)
        under += under_nodes(curves, pos, rad)
        overlaps += label_overlaps(pos, boxes)
        d = dot_drawing(G)
        if d is not None:
            dot_x += count_crossings(d[0])
            dot_under += under_nodes(*d)
    edges = sum(G.number_of_edges() for G in graphs)
    if DOT:
        ratio = f"{our_x / dot_x:.2f}" if dot_x else ("1.00" if our_x == 0 else "inf")
        dot_cols = f"{dot_x:>6} {ratio:>6} {dot_under:>10}"
    else:
        dot_cols = f"{'n/a':>6} {'n/a':>6} {'n/a':>10}"
    print(f"{name:<28} {len(graphs):>3} {edges:>6} {our_x:>6} {dot_cols} {under:>7} {overlaps:>9}")


def timing(n: int = 500) -> None:
    G = random_dag(n, seed=7)
    t0 = time.perf_counter()
    in_pixels(G, plan(G), SCALE)
    mine = time.perf_counter() - t0
    line = f"layout of {n} nodes / {G.number_of_edges()} edges: ours {mine:.2f} s"
    if DOT:
        body = "digraph G {" + ";".join(f'"{u}"->"{v}"' for u, v in G.edges) + "}"
        t0 = time.perf_counter()
        subprocess.run([DOT, "-Tplain"], input=body, capture_output=True, text=True, check=True)
        theirs = time.perf_counter() - t0
        line += f", dot {theirs:.2f} s, ratio {mine / theirs:.2f}"
    else:
        line += " (dot not installed: no anchor)"
    print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer random graphs")
    args = parser.parse_args()
    k = 2 if args.quick else 5
    if DOT is None:
        print("note: Graphviz dot is not on the PATH; its columns are n/a")
    print(
        f"{'corpus':<28} {'n':>3} {'edges':>6} {'ours':>6} {'dot':>6} {'ratio':>6} "
        f"{'dot under':>10} {'under':>7} {'overlaps':>9}"
    )
    long_named = nx.DiGraph(LONG_NAMES)
    measure("DAGitty examples", dagitty_graphs())
    measure("random 30 nodes", [random_dag(30, s) for s in range(k)])
    measure("random 60 nodes", [random_dag(60, s) for s in range(k)])
    measure("random 200 nodes", [random_dag(200, s) for s in range(max(1, k // 2))])
    measure("long names (maternal health)", [long_named])
    print("(under: edges whose curve passes under a node they do not touch; overlaps: pairs")
    print(" of nodes whose name box overlaps the other's name or circle)")
    timing(500)


if __name__ == "__main__":
    main()
