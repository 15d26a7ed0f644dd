"""Reachability primitives: the linear-time traversals every criterion is built from.

Why a module of its own: d-separation, adjustment, front-door and instruments are
all a few set-at-a-time graph searches (Bayes-ball [1]_, van der Zander &
Liśkiewicz's REACHABLE [4]_).  Writing them once, on plain adjacency dicts, keeps
each criterion a short composition of them, and keeps the one speed trick --
reading NetworkX's adjacency dicts directly -- behind one accessor
(:func:`causal_magic.graph.adjacency`).

Removed edges (the proper back-door graph, G with some out-edges cut) are never
made by copying the graph; they are passed as two small dicts:
``cut_out[tail]`` = heads removed, ``cut_in[head]`` = tails removed.

References are those of :mod:`causal_magic.identify`.
"""

from __future__ import annotations

from collections import deque

import networkx as nx


def _reach(adj, seeds, block, within, cut, seen) -> set:
    """Nodes reachable from ``seeds`` along ``adj`` (seeds included), one traversal for both
    directions: ``adj`` is the predecessor dict for ancestors, the successor dict for
    descendants (see :func:`causal_magic.graph.adjacency`)."""
    if seen is None:
        seen = set()
    stack = [s for s in seeds if s not in seen]
    seen.update(stack)
    while stack:
        v = stack.pop()
        nbrs = adj[v].keys()
        if cut and v in cut:
            nbrs = nbrs - cut[v]
        new = nbrs - seen
        if within is not None:
            new &= within
        if block:
            new -= block
        if new:
            seen |= new
            stack.extend(new)
    return seen


def _up(pred, seeds, *, block=None, within=None, cut_in=None, seen=None) -> set:
    """Ancestors of ``seeds``, seeds included (not stepping into ``block``)."""
    return _reach(pred, seeds, block, within, cut_in, seen)


def _down(succ, seeds, *, block=None, within=None, cut_out=None) -> set:
    """Descendants of ``seeds``, seeds included (not stepping into ``block``)."""
    return _reach(succ, seeds, block, within, cut_out, None)


def _ball(succ, pred, starts, z, anc_z, cut_out=None, cut_in=None, targets=None):
    """Bayes-ball: the nodes d-connected to ``starts`` given ``z``.

    ``anc_z`` are the ancestors of ``z`` (z included) in the same graph.  With
    ``targets`` the search stops early and returns ``True`` on reaching one
    (``False`` if none is reached).  O(n + m).
    """
    up_seen = set(starts)  # visited moving up: arrived from a child (or a start)
    down_seen: set = set()  # visited moving down: arrived from a parent
    up = list(up_seen)
    down: list = []
    if targets is not None and up_seen & targets:
        return True
    while up or down:
        while up:
            v = up.pop()
            if v in z:
                continue
            ps = pred[v].keys()
            if cut_in and v in cut_in:
                ps = ps - cut_in[v]
            new = ps - up_seen
            if new:
                if targets is not None and new & targets:
                    return True
                up_seen |= new
                up.extend(new)
            cs = succ[v].keys()
            if cut_out and v in cut_out:
                cs = cs - cut_out[v]
            new = cs - down_seen
            if new:
                if targets is not None and new & targets:
                    return True
                down_seen |= new
                down.extend(new)
        while down:
            v = down.pop()
            if v not in z:
                cs = succ[v].keys()
                if cut_out and v in cut_out:
                    cs = cs - cut_out[v]
                new = cs - down_seen
                if new:
                    if targets is not None and new & targets:
                        return True
                    down_seen |= new
                    down.extend(new)
            if v in anc_z:
                ps = pred[v].keys()
                if cut_in and v in cut_in:
                    ps = ps - cut_in[v]
                new = ps - up_seen
                if new:
                    if targets is not None and new & targets:
                        return True
                    up_seen |= new
                    up.extend(new)
    if targets is not None:
        return False
    return up_seen | down_seen


def _closure(succ, pred, starts, A, z, cut_out=None, cut_in=None) -> set:
    """REACHABLE of van der Zander & Liśkiewicz [4]_ inside the ancestral set ``A``.

    Nodes of ``A`` connected to ``starts`` in the moral graph of ``G[A]`` minus
    ``z``, plus the ``z`` nodes on the boundary.  A node of ``z`` is passed only
    as a collider (entered from a parent, left to a parent).  O(|A| + m_A).
    """
    seen = set(starts)
    stack = list(seen)
    zopen: set = set()  # nodes of z entered from a parent: passed on to their parents
    while stack:
        v = stack.pop()
        ps = pred[v].keys()  # A is ancestral: parents of its nodes are in it
        if cut_in and v in cut_in:
            ps = ps - cut_in[v]
        if v in z:
            if v in zopen:
                new = ps - seen
                if new:
                    seen |= new
                    stack.extend(new)
            continue
        cs = succ[v].keys()
        if cut_out and v in cut_out:
            cs = cs - cut_out[v]
        cs = cs & A
        new = (cs | ps) - seen
        if new:
            seen |= new
            stack.extend(new)  # z nodes among them stop unless they are in zopen
        if z and not z.isdisjoint(cs):
            for c in cs & z:
                if c not in zopen:
                    zopen.add(c)
                    stack.append(c)
    return seen


def _bfs_parents(source, neighbours) -> dict:
    """Breadth-first search tree from ``source``: node -> the node it was reached from."""
    parent = {source: None}
    queue = deque([source])
    while queue:
        u = queue.popleft()
        for w in neighbours(u):
            if w not in parent:
                parent[w] = u
                queue.append(w)
    return parent


def _trace(parent, node) -> list:
    """The path ``node, parent[node], ...`` back to the search's source."""
    out = [node]
    while parent[node] is not None:
        node = parent[node]
        out.append(node)
    return out


def _ranked(G: nx.DiGraph) -> dict:
    """Node -> its position in the graph's node order (for deterministic answers)."""
    return {v: i for i, v in enumerate(G.nodes)}


def _components(adj, nodes) -> list[set]:
    """Connected components of the undirected ``adj`` restricted to ``nodes``."""
    out, seen = [], set()
    for v in nodes:
        if v in seen:
            continue
        comp = {v}
        stack = [v]
        seen.add(v)
        while stack:
            u = stack.pop()
            for w in adj[u]:
                if w in nodes and w not in seen:
                    seen.add(w)
                    comp.add(w)
                    stack.append(w)
        out.append(comp)
    return out
