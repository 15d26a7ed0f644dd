"""The d-separation explorer: every path between two nodes, open or blocked, and why in words.

Why apart: :func:`~causal_magic.identify.d_separated` answers yes or no in linear time; a
class needs the *reasons*, path by path ("blocked: Talent is conditioned on (a fork)").
This module lists the simple paths of the skeleton (a ``<->`` edge is its hidden common
cause, one node written as it is stored, ``X<->Y``), applies the d-separation rules to each
and words the verdict.  The overall verdict (:attr:`PathExplanation.separated`) comes from
Bayes-ball, so it stays exact even when the listing is capped.

>>> import networkx as nx
>>> G = nx.DiGraph([("Talent", "Practice"), ("Talent", "Sound"), ("Practice", "Sound")])
>>> e = explain_paths(G, "Practice", "Sound", given=["Talent"])
>>> e.separated
False
>>> for p in e.paths:
...     print(p, "--", p.reason)
Practice -> Sound -- open: nothing on it blocks it (a direct edge)
Practice <- Talent -> Sound -- blocked: Talent is conditioned on (a fork)
"""

from __future__ import annotations

import html
import itertools
from collections import deque
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import networkx as nx

from ..graph import adjacency, is_hidden
from ._problem import IdentificationError, _check_graph, _node_tuple, _unknown
from ._reach import _ball, _up

_NEITHER = "neither it nor a descendant is conditioned on"
#: At most this many paths are listed (their number can grow exponentially).
MAX_PATHS = 50


@dataclass(frozen=True)
class ExplainedPath:
    """One path between the two nodes: its nodes, arrows, verdict and the reason in words."""

    nodes: tuple
    arrows: tuple[str, ...]
    open: bool
    reason: str

    def __str__(self) -> str:
        out = [str(self.nodes[0])]
        for arrow, node in zip(self.arrows, self.nodes[1:], strict=True):
            out.append(f"{arrow} {node}")
        return " ".join(out)

    def edges(self) -> list[tuple]:
        """The path's edges as ``(source, target)`` pairs of the graph."""
        return [
            (a, b) if arrow == "->" else (b, a)
            for (a, b), arrow in zip(itertools.pairwise(self.nodes), self.arrows, strict=True)
        ]


@dataclass(frozen=True)
class PathExplanation:
    """Are ``a`` and ``b`` d-separated given ``given``, and what each path between them does."""

    a: Hashable
    b: Hashable
    given: tuple
    separated: bool
    paths: tuple[ExplainedPath, ...]
    #: True when there are more paths than :attr:`paths` lists (the cap was reached).
    truncated: bool = False

    @property
    def verdict(self) -> str:
        """The answer in one sentence."""
        given = f" given {{{', '.join(map(str, self.given))}}}" if self.given else ""
        if self.separated:
            why = "every path between them is blocked" if self.paths else "no path joins them"
            return f"{self.a} and {self.b} are d-separated{given}: {why}."
        n = sum(p.open for p in self.paths)
        more = "at least " if self.truncated else ""
        return f"{self.a} and {self.b} are d-connected{given}: {more}{n} open path{'s' * (n != 1)}."

    def lines(self) -> list[str]:
        """The verdict, then one line per path (the panel's text)."""
        out = [self.verdict]
        out += [f"{p} -- {p.reason}" for p in self.paths]
        if self.truncated:
            out.append(f"(only the first {len(self.paths)} paths are listed)")
        return out

    def __repr__(self) -> str:
        return "\n".join(self.lines())

    def _repr_html_(self) -> str:
        items = "".join(
            f'<li class="{"cm-open" if p.open else "cm-blocked"}">'
            f"<code>{html.escape(str(p))}</code> &mdash; {html.escape(p.reason)}</li>"
            for p in self.paths
        )
        more = (
            f"<p>(only the first {len(self.paths)} paths are listed)</p>" if self.truncated else ""
        )
        return (
            f'<div class="cm-explain"><p><b>{html.escape(self.verdict)}</b></p>'
            f"<ul>{items}</ul>{more}</div>"
        )


def _names(nodes: Iterable) -> str:
    return ", ".join(str(n) for n in nodes)


def _nearest_given_descendant(succ, v, given: set):
    """The conditioned descendant of ``v`` nearest to it (breadth first, graph order)."""
    seen, queue = {v}, deque([v])
    while queue:
        u = queue.popleft()
        for w in succ[u]:
            if w in given:
                return w
            if w not in seen:
                seen.add(w)
                queue.append(w)
    return None  # pragma: no cover - only called when v is an ancestor of a given node


def _explain_one(succ, nodes, arrows, given: set, anc: set) -> ExplainedPath:
    """Apply the d-separation rules along one path and say why in words."""
    opened = []
    for i in range(1, len(nodes) - 1):
        v, into, out = nodes[i], arrows[i - 1], arrows[i]
        if into == "->" and out == "<-":  # a collider
            if v in given:
                opened.append(f"{v} is a collider and is conditioned on")
            elif v in anc:
                d = _nearest_given_descendant(succ, v, given)
                opened.append(f"{v} is a collider and {d}, its descendant, is conditioned on")
            else:
                why = f"blocked: {v} is a collider and {_NEITHER}"
                return ExplainedPath(tuple(nodes), tuple(arrows), False, why)
        elif v in given:
            what = "a fork" if (into == "<-" and out == "->") else "a chain"
            why = f"blocked: {v} is conditioned on ({what})"
            return ExplainedPath(tuple(nodes), tuple(arrows), False, why)
    if opened:
        why = "open: " + "; ".join(opened)
    elif len(nodes) == 2:
        why = "open: nothing on it blocks it (a direct edge)"
    else:
        why = f"open: no collider on it, and none of {{{_names(nodes[1:-1])}}} is conditioned on"
    return ExplainedPath(tuple(nodes), tuple(arrows), True, why)


def _check_pair(G, a, b, given) -> tuple[Hashable, Hashable, tuple]:
    for n in (a, b):
        if n not in G:
            raise _unknown(G, n, "node")
        if is_hidden(G, n):
            raise IdentificationError(f"{n!r} is the hidden node of a <-> edge; pick a drawn node")
    if a == b:
        raise IdentificationError(f"pick two different nodes; both are {a!r}")
    z = _node_tuple(G, given, "conditioning node") if given not in (None, ()) else ()
    for n in z:
        if n in (a, b):
            raise IdentificationError(f"{n!r} is one of the two nodes; it cannot also be given")
        if is_hidden(G, n):
            raise IdentificationError(f"{n!r} is the hidden node of a <-> edge; it cannot be given")
    return a, b, tuple(dict.fromkeys(z))


def explain_paths(
    G: nx.DiGraph, a: Hashable, b: Hashable, given: Iterable = (), limit: int = MAX_PATHS
) -> PathExplanation:
    """Every path between ``a`` and ``b``, each open or blocked given ``given``, with the reason.

    Paths are the simple paths of the skeleton (arrows ignored), shortest first; a
    ``<->`` edge is one hidden common cause (``A <- A<->B -> B``).  A path is open when
    every collider on it is conditioned on or has a conditioned descendant and no other
    node on it is conditioned on.  ``separated`` is exact (Bayes-ball), whatever the cap.

    Parameters
    ----------
    G : nx.DiGraph
        An acyclic graph.
    a, b : node
        The two nodes (not hidden ``<->`` nodes).
    given : collection of nodes
        The conditioning set.
    limit : int
        At most this many paths are listed (``truncated`` says when there were more).

    Examples
    --------
    >>> G = nx.DiGraph([("Talent", "Sound"), ("Practice", "Sound"), ("Sound", "Applause")])
    >>> explain_paths(G, "Talent", "Practice").paths[0].reason
    'blocked: Sound is a collider and neither it nor a descendant is conditioned on'
    >>> explain_paths(G, "Talent", "Practice", given=["Applause"]).paths[0].reason
    'open: Sound is a collider and Applause, its descendant, is conditioned on'
    """
    _check_graph(G)
    a, b, z = _check_pair(G, a, b, given)
    succ, pred = adjacency(G)
    zset = set(z)
    anc = _up(pred, zset)
    separated = not _ball(succ, pred, {a}, zset, anc, targets={b})
    H = G.to_undirected(as_view=True)
    listed: list[ExplainedPath] = []
    truncated = False
    if nx.has_path(H, a, b):
        for p in nx.shortest_simple_paths(H, a, b):
            if len(listed) >= limit:
                truncated = True
                break
            arrows = tuple("->" if v in succ[u] else "<-" for u, v in itertools.pairwise(p))
            listed.append(_explain_one(succ, p, arrows, zset, anc))
    return PathExplanation(a, b, z, separated, tuple(listed), truncated)
