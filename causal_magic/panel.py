"""What the widget's panel lists (DAGitty's panel and more), computed in Python, capped.

Why apart: the widget ships these lists in its ``overlay`` trait after every edit; the
browser only prints them as text.  Keeping the questions here (adjustment sets with the
forced nodes apart, instruments, the graph's testable implications, what
``identify_effect`` says when adjustment fails, the ancestor view, the d-separation
explorer's answer) keeps ``widget.py`` about syncing, and every list is bounded in size
here, once, since a notebook file carries the widget's state forever.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import networkx as nx

from . import identify
from .graph import is_hidden, nodes_with_role
from .style import plain_indep

#: At most this many adjustment sets are listed ("and N more" says the rest).
MAX_SETS = 8
#: Adjustment sets are counted up to this many (the count can be exponential).
COUNT_SETS = 200
#: Implications are listed live only up to this many observed nodes: a search per pair of
#: nodes costs ~0.9 s at 500 nodes (benchmarks/bench_panel.py); past it the panel says where
#: to get them instead.
IMPLICATION_NODES = 60
#: At most this many instruments and implications are listed.
MAX_INSTRUMENTS = 10
#: Instruments are listed live up to this many nodes: each conditional instrument needs a
#: separator search, 8.6 s in all at 5,000 nodes (the panel says how to get them instead).
INSTRUMENT_NODES = 500
MAX_IMPLICATIONS = 30
#: Node names are cut at this many characters in the panel's text.
MAX_TEXT = 300


def _names(nodes: Iterable[Hashable]) -> list[str]:
    return [str(n) for n in nodes]


def _sorted(G: nx.DiGraph, nodes: Iterable[Hashable]) -> list[str]:
    rank = {n: i for i, n in enumerate(G)}
    return _names(sorted(nodes, key=rank.__getitem__))


def adjustment_lists(
    G: nx.DiGraph, x: tuple, y: tuple, forced: Sequence[Hashable], in_use: Sequence[str] | None
) -> dict[str, Any]:
    """Minimal adjustment sets without the forced nodes, capped, counted, the one in use marked.

    ``in_use`` is the set the drawing marks (forced nodes included); its place in the list
    is ``in_use`` (``-1`` when it is not among the listed sets).
    """
    listed: list[list[str]] = []
    total = 0
    for s in identify.adjustment_sets(G, x, y, limit=COUNT_SETS):
        total += 1
        if len(listed) < MAX_SETS:
            listed.append(_sorted(G, set(s) - set(forced)))
    use = sorted(set(in_use or ()) - set(map(str, forced)))
    index = next((i for i, s in enumerate(listed) if sorted(s) == use), -1)
    return {
        "items": listed,
        "total": total,
        "more": total >= COUNT_SETS,  # counted up to the cap: "1000 or more"
        "in_use": index if in_use is not None else -1,
        "forced": _names(forced),
    }


def instruments(G: nx.DiGraph, x: tuple, y: tuple) -> list[dict[str, Any]]:
    """Instruments (and conditional ones, with their sets), for one treatment and one outcome."""
    if len(x) != 1 or len(y) != 1 or G.number_of_nodes() > INSTRUMENT_NODES:
        return []
    found = identify.instrumental_variables(G, x[0], y[0])
    return [{"z": str(z), "given": _sorted(G, w)} for z, w in found[:MAX_INSTRUMENTS]]


def implications(G: nx.DiGraph) -> dict[str, Any]:
    """The graph's testable implications (a basis), capped, each as a pair and its separator.

    ``{"items": [], "total": None, "skipped": n}`` for a graph of more than
    :data:`IMPLICATION_NODES` observed nodes (``n`` of them).
    """
    observed = sum(1 for n, d in G.nodes(data=True) if d.get("role") != "latent")
    if observed > IMPLICATION_NODES:
        return {"items": [], "total": None, "skipped": observed}
    found = identify.implied_independencies(G)
    items = [
        {
            "a": str(i.a),
            "b": str(i.b),
            "given": _sorted(G, i.given),
            "text": plain_indep(str(i))[:MAX_TEXT],
        }
        for i in found[:MAX_IMPLICATIONS]
    ]
    return {"items": items, "total": len(found)}


def beyond_adjustment(G: nx.DiGraph, x: tuple, y: tuple) -> dict[str, Any] | None:
    """What ``identify_effect`` says when no adjustment set works (``None`` when one does)."""
    idn = identify.identify_effect(G, x, y)
    if idn.method == "backdoor":
        return None
    return {
        "method": idn.method,
        "reason": idn.reason[: MAX_TEXT * 4],
        "formula": idn.formula[: MAX_TEXT * 4],
        "frontdoor": _sorted(G, idn.frontdoor_set or ()),
        "path": str(idn.open_path)[:MAX_TEXT] if idn.open_path is not None else "",
    }


def ancestry(G: nx.DiGraph, x: tuple, y: tuple) -> dict[str, str]:
    """DAGitty's view: each drawn node's relation to the question.

    ``"treatment"`` / ``"outcome"`` / ``"both"``: an ancestor of the treatment, of the
    outcome (by a path that avoids the treatment, as DAGitty colours it), of both;
    ``"causal"``: on a causal path (a descendant of the treatment and an ancestor of the
    outcome); ``"irrelevant"``: none of these.  Treatment and outcome are left out.
    """
    anc_x = identify.ancestors(G, x) - set(x)
    rest = nx.subgraph_view(G, filter_node=lambda n: n not in x)  # not through the treatment
    anc_y = set().union(*(nx.ancestors(rest, v) for v in y)) - set(y)
    desc_x = identify.descendants(G, x)
    out = {}
    for n in G:
        if is_hidden(G, n) or n in x or n in y:
            continue
        if n in desc_x and n in anc_y:
            kind = "causal"
        elif n in anc_x and n in anc_y:
            kind = "both"
        elif n in anc_x:
            kind = "treatment"
        elif n in anc_y:
            kind = "outcome"
        else:
            kind = "irrelevant"
        out[str(n)] = kind
    return out


def _structure_key(G: nx.DiGraph, x: tuple, y: tuple, in_use) -> tuple:
    """What the panel depends on: nodes with their roles and hidden marks, edges, question."""
    nodes = tuple((n, d.get("role"), is_hidden(G, n)) for n, d in G.nodes(data=True))
    return nodes, tuple(G.edges), x, y, tuple(in_use) if in_use is not None else None


_cache: dict[tuple, dict[str, Any]] = {}
_CACHE_SIZE = 16


def panel_for(G: nx.DiGraph, x: tuple, y: tuple, in_use: Sequence[str] | None) -> dict[str, Any]:
    """Everything the panel lists for the effect of ``x`` on ``y`` (an acyclic ``G``).

    Cached by structure: a drag (positions only) costs a key, not a recomputation.
    """
    key = _structure_key(G, x, y, in_use)
    if key in _cache:
        return _cache[key]
    if len(_cache) >= _CACHE_SIZE:
        _cache.pop(next(iter(_cache)))
    out = _cache[key] = _compute(G, x, y, in_use)
    return out


def _compute(G: nx.DiGraph, x: tuple, y: tuple, in_use: Sequence[str] | None) -> dict[str, Any]:
    forced = [n for n in nodes_with_role(G, "adjusted") if not is_hidden(G, n)]
    return {
        "adjustment": adjustment_lists(G, x, y, forced, in_use),
        "instruments": instruments(G, x, y),
        # how many nodes made the live list of instruments too costly (0: it was computed)
        "instruments_skipped": G.number_of_nodes() if G.number_of_nodes() > INSTRUMENT_NODES else 0,
        "implications": implications(G),
        "beyond": beyond_adjustment(G, x, y),
        "ancestry": ancestry(G, x, y),
    }


def explanation_state(G: nx.DiGraph, a: Hashable, b: Hashable, given: Iterable) -> dict[str, Any]:
    """:func:`~causal_magic.identify.explain_paths` as JSON for the widget (capped there)."""
    e = identify.explain_paths(G, a, b, given)
    return {
        "a": str(a),
        "b": str(b),
        "given": _names(e.given),
        "separated": e.separated,
        "verdict": e.verdict[: MAX_TEXT * 2],
        "truncated": e.truncated,
        "paths": [
            {
                "text": str(p)[: MAX_TEXT * 2],
                "nodes": _names(p.nodes),
                "edges": [[str(u), str(v)] for u, v in p.edges()],
                "open": p.open,
                "reason": p.reason[: MAX_TEXT * 2],
            }
            for p in e.paths
        ],
    }
