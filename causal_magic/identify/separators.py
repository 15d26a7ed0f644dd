"""Adjustment sets as vertex separators of an undirected graph (``_Sep``).

Why a module of its own: listing all minimal adjustment sets and finding a minimum
one are not reachability questions but separator questions on the moralized
ancestral proper back-door graph [3]_ -- Kloks-Kratsch listing [5]_ and a minimum
vertex cut by max-flow.  Instruments reuse the same machinery for the separator
nearest the outcome [8]_.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterator

from ._problem import _Problem
from ._reach import _components, _down, _ranked


class _Sep:
    """The undirected separation problem behind adjustment sets [3]_.

    The moral graph of the ancestral proper back-door graph An(X ∪ Y ∪ forced),
    with the forced nodes deleted (they are in every set), X merged into one
    source ``s`` and Y into one sink ``t``, and every connected group of nodes
    that may not be adjusted for contracted into one node that separators may
    not contain.  Minimal adjustment sets are exactly forced ∪ the minimal s-t
    vertex separators made of allowed nodes.
    """

    S = ("__source__",)
    T = ("__sink__",)

    def __init__(self, pred, A, sources, sinks, forced, banned, cut_in, rank):
        """Build from parts: ``A`` ancestral, ``banned(v)`` for nodes no set may contain."""
        m = {v: (self.S if v in sources else self.T if v in sinks else v) for v in A}
        adj: dict = {v: set() for v in set(m.values()) if v not in forced}

        def link(a, b):
            if a != b and a in adj and b in adj:
                adj[a].add(b)
                adj[b].add(a)

        for v in A:
            ps = [p for p in pred[v] if p in A and not (v in cut_in and p in cut_in[v])]
            mv = m[v]
            for p in ps:
                link(m[p], mv)
            for p, q in itertools.combinations(ps, 2):
                link(m[p], m[q])
        bad = {v for v in adj if v is not self.S and v is not self.T and banned(v)}
        # Each connected group of such nodes becomes one "blocked" node that no separator
        # may contain (contracting, rather than joining its neighbours into a clique,
        # keeps the graph linear in size).
        self.blocked = set()
        for i, comp in enumerate(_components(adj, bad)):
            b = ("__blocked__", i)
            border = set()
            for v in comp:
                border |= adj.pop(v)
            border -= comp
            for w in border:
                adj[w] -= comp
                adj[w].add(b)
            adj[b] = border
            self.blocked.add(b)
        self.adj = adj
        self.rank = lambda v: rank.get(v, -1)

    @classmethod
    def for_problem(cls, pb: _Problem, forced) -> _Sep:
        """The adjustment problem of ``pb`` with ``forced`` nodes in every set."""
        A = pb.ancestral(forced)
        forb_a = _down(pb.succ, pb.cn, within=A) | pb.xs
        unobs = pb.unobs

        def banned(v):
            return v in forb_a or v in unobs

        return cls(pb.pred, A, pb.xs, pb.ys, forced, banned, pb.cut[1], _ranked(pb.G))

    def close(self, side: set, t=None) -> frozenset | None:
        """The minimal separator of ``side`` and ``t`` inside N(side), nearest ``side`` [5]_.

        ``t`` is the sink by default; ``close({T}, S)`` is the separator nearest the sink.
        """
        adj = self.adj
        t = self.T if t is None else t
        border = set()
        for v in side:
            border |= adj[v]
        absorbed = border & self.blocked  # blocked nodes go with the side they touch
        if absorbed:
            side = side | absorbed
            for v in absorbed:
                border |= adj[v]
        border -= side
        if t in border:
            return None
        blocked = side | border
        comp = {t}
        stack = [t]
        while stack:
            v = stack.pop()
            for w in adj[v]:
                if w not in comp and w not in blocked:
                    comp.add(w)
                    stack.append(w)
        return frozenset(v for v in border if adj[v] & comp)

    def min_cut(self, price) -> set:
        """A minimum-price s-t vertex cut: Edmonds-Karp on the vertex-split graph.

        Each allowed node v is split into v_in -> v_out with capacity price(v); an
        edge u - w becomes u_out -> w_in and w_out -> u_in of unbounded capacity;
        s, t and the blocked nodes are not split (they cannot be cut).  The
        residual graph is walked implicitly -- nothing is copied -- so each round
        is one breadth-first search, and the rounds are few when the cut is small.
        """
        S, T, adj = self.S, self.T, self.adj
        whole = {S, T} | self.blocked
        nbrs = {v: sorted(adj[v], key=self.rank) for v in adj}  # deterministic ties
        cap = {v: price(v) for v in adj if v not in whole}
        inner: dict = dict.fromkeys(cap, 0)  # flow v_in -> v_out
        flow: dict = {}  # flow on out(u) -> in(w), keyed (u, w)

        def steps(node):
            """Residual moves from node = (v, side): side 0 is v_in, 1 is v_out."""
            v, side = node
            out = []
            if v in whole or side == 1:
                out += [((w, 0), ("e", (v, w)), 1) for w in nbrs[v]]
            if v not in whole:
                if side == 0 and inner[v] < cap[v]:
                    out.append(((v, 1), ("v", v), 1))
                if side == 1 and inner[v] > 0:
                    out.append(((v, 0), ("v", v), -1))
            if v in whole or side == 0:
                out += [((u, 1), ("e", (u, v)), -1) for u in nbrs[v] if flow.get((u, v), 0) > 0]
            return out

        def norm(node):
            return (node[0], 0) if node[0] in whole else node

        source, sink = (S, 0), (T, 0)
        while True:
            parent = {source: None}
            queue = deque([source])
            while queue and sink not in parent:
                node = queue.popleft()
                for nxt, key, sign in steps(node):
                    nxt = norm(nxt)
                    if nxt not in parent:
                        parent[nxt] = (node, key, sign)
                        queue.append(nxt)
            if sink not in parent:
                break
            path, node = [], sink
            while parent[node] is not None:
                prev, key, sign = parent[node]
                path.append((key, sign))
                node = prev
            room = float("inf")
            for (kind, key), sign in path:
                if kind == "e":  # an edge out(u) -> in(w): unbounded forwards
                    if sign < 0:
                        room = min(room, flow[key])
                elif sign > 0:
                    room = min(room, cap[key] - inner[key])
                else:
                    room = min(room, inner[key])
            for (kind, key), sign in path:
                if kind == "e":
                    flow[key] = flow.get(key, 0) + sign * room
                else:
                    inner[key] += sign * room
        reach = set(parent)
        return {v for v in cap if (v, 0) in reach and (v, 1) not in reach}

    def component(self, sep) -> set:
        """The source's connected component once ``sep`` is removed."""
        adj, s = self.adj, self.S
        comp = {s}
        stack = [s]
        while stack:
            v = stack.pop()
            for w in adj[v]:
                if w not in comp and w not in sep:
                    comp.add(w)
                    stack.append(w)
        return comp

    def minimal_separators(self) -> Iterator[frozenset]:
        """All minimal s-t separators, breadth-first from the one nearest s (Kloks-Kratsch)."""
        first = self.close({self.S})
        if first is None:
            return
        seen = {first}
        queue = deque([first])
        while queue:
            sep = queue.popleft()
            yield sep
            cs = self.component(sep)
            for v in sorted(sep, key=self.rank):
                if self.T in self.adj[v]:
                    continue
                nxt = self.close(cs | {v})
                if nxt is not None and nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
