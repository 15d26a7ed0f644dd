"""The writers: ``networkx.DiGraph`` -> our edge language, DAGitty's model text, Graphviz DOT.

Why apart: writing is independent of parsing except for the quoting rules (in
:mod:`.lexer`); each writer is one function over the same node and edge attribute
helpers, and ``parse_dag`` reads every output back.
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx

from ..graph import (
    BIDIRECTED_ATTR,
    ROLES,
    GraphError,
    bidirected_pairs,
    canonical_role,
    check_digraph,
)
from .lexer import (
    _DAGITTY_BARE,
    _DOT_BARE,
    _escape,
    _key,
    _num,
    _quote,
    _role_help,
    _value,
)


def _pos(node: Any, pos: Any, what: str = "node") -> str:
    if isinstance(pos, str):  # DAGitty's own "x,y", as a user may set it from Python
        pos = pos.split(",")
    try:
        x, y = (float(p) for p in pos)
    except (TypeError, ValueError):
        raise GraphError(f"{what} {node!r} has pos={pos!r}; expected (x, y) numbers") from None
    if not (math.isfinite(x) and math.isfinite(y)):
        raise GraphError(f"{what} {node!r} has pos={pos!r}; expected finite numbers")
    return f"{_num(x)},{_num(y)}"


def _role(node: Any, data: dict) -> str | None:
    raw = data.get("role")
    if raw is None or raw == "" or raw == "default":
        return None
    role = canonical_role(str(raw))
    if role is None:
        raise GraphError(f"node {node!r} has role {raw!r}; {_role_help()}")
    return role


def _hidden_pairs(G: nx.DiGraph) -> dict[Any, tuple[Any, Any]]:
    """Hidden ``<->`` nodes that can be written back as ``a <-> b``: hidden -> (a, b)."""
    return {h: (a, b) for h, a, b in bidirected_pairs(G, roots_only=True)}


_NODE_SPECIAL = ("role", "pos", "label", BIDIRECTED_ATTR)


def _node_attr_items(G: nx.DiGraph, n: Any, role_words: dict[str, str], quote_all: bool):
    data = G.nodes[n]
    items = []
    role = _role(n, data)
    if role is not None:
        word = role_words.get(role)
        items.append(word if word else f'role="{role}"')
    if data.get("pos") is not None:
        items.append(f'pos="{_pos(n, data["pos"])}"')
    if data.get("label") is not None:
        items.append(f'label="{_escape(str(data["label"]))}"')
    for k, v in data.items():
        if k in _NODE_SPECIAL or v is None:
            continue
        items.append(f"{_key(k)}={_value(v, quote_all)}")
    return items


def _edge_attr_items(data: dict, quote_all: bool, edge: Any = None) -> list[str]:
    """An edge's attributes; its bend ``pos`` first, as DAGitty writes it (``pos="x,y"``:
    the control point of the quadratic curve, see :mod:`causal_magic.layout.bends`)."""
    items = []
    if data.get("pos") is not None:
        items.append(f'pos="{_pos(edge, data["pos"], "edge")}"')
    for k, v in data.items():
        if v is not None and k != "pos":
            items.append(f"{_key(k)}={_value(v, quote_all)}")
    return items


def _graph_attr_lines(G: nx.DiGraph, quote_all: bool) -> list[str]:
    return [
        f"{_key(k)}={_value(v, quote_all)}"
        for k, v in G.graph.items()
        if k != "name" and isinstance(v, (str, int, float))
    ]


_OUR_ROLE_WORDS = {r: r for r in ROLES}
_DAGITTY_ROLE_WORDS = {
    "treatment": "exposure",
    "outcome": "outcome",
    "adjusted": "adjusted",
    "latent": "latent",
    "selected": "selected",
}


def to_dsl(G: nx.DiGraph) -> str:
    """Write ``G`` in the compact edge language; ``parse_dag`` reads it back.

    Nodes that carry attributes (or have no edge) are declared first, in node order, then
    edges grouped by source (``A -> B, C``) with ``<->`` for hidden common causes.
    Non-string attribute values are written with ``str`` and read back as strings.
    """
    check_digraph(G)
    hidden = _hidden_pairs(G)
    lines = _graph_attr_lines(G, quote_all=False)
    for n in G.nodes:
        if n in hidden:
            continue
        items = _node_attr_items(G, n, _OUR_ROLE_WORDS, quote_all=False)
        if items:
            lines.append(f"{_quote(n)} [{', '.join(items)}]")
        elif G.degree(n) == 0:
            lines.append(_quote(n))
    for u in G.nodes:
        if u in hidden:
            a, b = hidden[u]
            attrs = _edge_attr_items(G.edges[u, a], False, f"{a} <-> {b}")
            lines.append(
                f"{_quote(a)} <-> {_quote(b)}" + (f" [{', '.join(attrs)}]" if attrs else "")
            )
            continue
        runs: dict[tuple[str, ...], list[str]] = {}
        for v, data in G.adj[u].items():
            attrs = tuple(_edge_attr_items(data, False, f"{u} -> {v}"))
            runs.setdefault(attrs, []).append(_quote(v))
        for attrs, targets in runs.items():
            line = f"{_quote(u)} -> {', '.join(targets)}"
            lines.append(line + (f" [{', '.join(attrs)}]" if attrs else ""))
    if not G:
        return "dag {\n" + "".join(line + "\n" for line in lines) + "}\n"
    return "\n".join(lines) + "\n"


def to_dagitty(G: nx.DiGraph) -> str:
    """Write ``G`` as DAGitty's canonical model text (what dagitty.net exports).

    Node lines (sorted) with roles in DAGitty's words (``exposure``, ``outcome``,
    ``adjusted``, ``latent``, ``selected``; ``confounder``/``mediator`` have no DAGitty
    word and go out as ``role="..."``), then edges one per line, sorted.
    """
    check_digraph(G)
    hidden = _hidden_pairs(G)
    name = G.graph.get("name")

    def q(n: Any) -> str:
        return _quote(n, _DAGITTY_BARE)

    head = f"dag {q(name)} {{" if name not in (None, "") else "dag {"
    nodes = []
    for n in G.nodes:
        if n in hidden:
            continue
        items = _node_attr_items(G, n, _DAGITTY_ROLE_WORDS, quote_all=True)
        if items:
            nodes.append(f"{q(n)} [{','.join(items)}]")
        elif G.degree(n) == 0:
            nodes.append(q(n))
    edges = []
    for u, v, data in G.edges(data=True):
        if u in hidden:
            a, b = hidden[u]
            if v != a:
                continue
            line = f"{q(a)} <-> {q(b)}"
        else:
            line = f"{q(u)} -> {q(v)}"
        attrs = _edge_attr_items(data, True, line)
        edges.append(line + (f" [{','.join(attrs)}]" if attrs else ""))
    body = _graph_attr_lines(G, quote_all=True) + sorted(nodes) + sorted(edges)
    return head + "\n" + "".join(line + "\n" for line in body) + "}\n"


def to_dot(G: nx.DiGraph) -> str:
    """Write ``G`` as Graphviz DOT for DoWhy and Graphviz users.

    ``<->`` becomes ``A -> B [dir=both, style=dashed]`` (DoWhy's bidirected edge), roles
    go out as ``role="..."`` and latent nodes also get DoWhy's ``observed="no"``.
    ``parse_dag`` reads the result back.
    """
    check_digraph(G)
    hidden = _hidden_pairs(G)
    name = G.graph.get("name")

    def q(n: Any) -> str:
        return _quote(n, _DOT_BARE)

    head = f"digraph {q(name)} {{" if name not in (None, "") else "digraph {"
    lines = [f"  {line};" for line in _graph_attr_lines(G, quote_all=True)]
    for n, data in G.nodes(data=True):
        if n in hidden:
            continue
        role = _role(n, data)
        items = _node_attr_items(G, n, {}, quote_all=True)
        if role == "latent":
            items.append('observed="no"')
        lines.append(f"  {q(n)}" + (f" [{', '.join(items)}]" if items else "") + ";")
    for u, v, data in G.edges(data=True):
        attrs = _edge_attr_items(data, True, f"{u} -> {v}")
        if u in hidden:
            a, b = hidden[u]
            if v != a:
                continue
            attrs = ["dir=both", "style=dashed", *attrs]
            u, v = a, b
        lines.append(f"  {q(u)} -> {q(v)}" + (f" [{', '.join(attrs)}]" if attrs else "") + ";")
    return head + "\n" + "".join(line + "\n" for line in lines) + "}\n"
