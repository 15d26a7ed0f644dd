"""The graph model every part of causal_magic shares.

A causal graph is a plain ``networkx.DiGraph`` so that users keep the whole
NetworkX toolbox.  This module fixes the few conventions on top of it, in one
place, so that the parser, the analysis engine, the estimator and the widget
all read a graph the same way (the list below is the reference; the README's
*The edge language* section shows the same conventions from the user's side):

* ``G.nodes[n]["role"]`` -- one of :data:`ROLES`, absent when none was given.
* ``G.nodes[n]["pos"]`` -- ``(x, y)`` floats in DAGitty's units and
  orientation (y grows downwards), absent when never placed.
* ``G.nodes[n]["label"]`` / ``G.edges[u, v]["label"]`` -- display labels.
* ``A <-> B`` (an unobserved common cause) is an explicit *hidden node*
  named ``"A<->B"`` with ``role="latent"`` and ``bidirected=True`` and the
  two edges ``hidden -> A`` and ``hidden -> B``.  Two opposite arcs would be
  a cycle; a hidden node is what the bidirected edge means, so d-separation,
  adjustment and every NetworkX algorithm treat it correctly with no special
  case.  Writers and the widget print it back as ``A <-> B``.

Nothing here imports IPython or pandas.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

import networkx as nx

#: Canonical role names, in the order they are listed in messages.
ROLES: tuple[str, ...] = (
    "treatment",
    "outcome",
    "confounder",
    "mediator",
    "adjusted",
    "latent",
    "selected",
)

#: Every spelling accepted in text (ours and DAGitty's) -> canonical role.
ROLE_ALIASES: dict[str, str] = {
    **{r: r for r in ROLES},
    "exposure": "treatment",
    "e": "treatment",
    "source": "treatment",
    "o": "outcome",
    "target": "outcome",
    "a": "adjusted",
    "l": "latent",
    "unobserved": "latent",
    "u": "latent",
    "s": "selected",
}

#: Colours from the seed notebook; ``None`` is "no role".
ROLE_COLORS: dict[str | None, str] = {
    "treatment": "#c0392b",
    "outcome": "#1e8449",
    "confounder": "#6c3483",
    None: "#2471a3",
}

BIDIRECTED_ATTR = "bidirected"


class GraphError(ValueError):
    """A graph breaks one of the conventions above (a cycle, a bad role...)."""


def canonical_role(word: str) -> str | None:
    """Return the canonical role for a spelling, or ``None`` if unknown."""
    return ROLE_ALIASES.get(word.lower())


def hidden_node_name(a: str, b: str) -> str:
    """Name of the hidden common cause behind ``a <-> b``."""
    return f"{a}<->{b}"


def is_hidden(G: nx.DiGraph, n: Hashable) -> bool:
    """True for the hidden node that stands for a ``<->`` edge."""
    return bool(G.nodes[n].get(BIDIRECTED_ATTR, False))


def is_latent(G: nx.DiGraph, n: Hashable) -> bool:
    """True for a node never measured: role ``latent``, or a hidden ``<->`` node.

    >>> G = nx.DiGraph([("U", "X")])
    >>> G.nodes["U"]["role"] = "latent"
    >>> is_latent(G, "U"), is_latent(G, add_bidirected(G, "X", "Y")), is_latent(G, "X")
    (True, True, False)
    >>> sorted(latent_nodes(G))
    ['U', 'X<->Y']
    """
    data = G.nodes[n]
    return data.get("role") == "latent" or bool(data.get(BIDIRECTED_ATTR, False))


def latent_nodes(G: nx.DiGraph) -> set[Hashable]:
    """Every node :func:`is_latent` says is never measured, in one pass."""
    return {
        n
        for n, data in G.nodes(data=True)
        if data.get("role") == "latent" or data.get(BIDIRECTED_ATTR, False)
    }


def add_bidirected(G: nx.DiGraph, a: str, b: str, /, **attrs) -> str:
    """Add ``a <-> b`` to ``G`` as a hidden latent common cause; return its name.

    Adding the same pair twice (in either order) keeps one hidden node.
    """
    for existing in (hidden_node_name(a, b), hidden_node_name(b, a)):
        if existing in G and is_hidden(G, existing):
            G.edges[existing, a].update(attrs)
            G.edges[existing, b].update(attrs)
            return existing
    name = hidden_node_name(a, b)
    clash = bidirected_clash(G, a, b)
    if clash:
        raise GraphError(clash)
    G.add_node(name, role="latent", **{BIDIRECTED_ATTR: True})
    G.add_edge(name, a, **attrs)
    G.add_edge(name, b, **attrs)
    return name


def bidirected_clash(
    G: nx.DiGraph, a: str, b: str, *, ignore: Iterable[Hashable] = ()
) -> str | None:
    """Why ``a <-> b`` cannot get its hidden node in ``G`` (``None`` when it can).

    The one rule on names that the parser (through :func:`add_bidirected`) and the
    widget (adding a node, renaming one) share: the hidden node's name ``"a<->b"``
    must not already name another node.  ``ignore`` lists nodes about to go away
    (a rename's old names).

    >>> G = nx.DiGraph([("Z<->B", "C")])
    >>> bidirected_clash(G, "Z", "B")
    "a node named 'Z<->B' already exists; it would clash with Z <-> B"
    """
    name = hidden_node_name(a, b)
    if name in G and name not in set(ignore):
        return f"a node named {shorten(name)!r} already exists; it would clash with {a} <-> {b}"
    return None


def name_taken(G: nx.DiGraph, name: Hashable) -> str | None:
    """Why ``name`` cannot name a new drawn node of ``G`` (``None`` when it can).

    Shared by the parser (a node mentioned by name) and the widget (add, rename): the
    name of a hidden ``<->`` node is taken; the widget also refuses a name that exists.

    >>> G = nx.DiGraph()
    >>> _ = add_bidirected(G, "A", "B")
    >>> name_taken(G, "A<->B")
    "the name 'A<->B' is taken by the hidden common cause of a '<->' edge"
    >>> name_taken(G, "C") is None
    True
    """
    if name in G and is_hidden(G, name):
        return f"the name {shorten(name)!r} is taken by the hidden common cause of a '<->' edge"
    return None


def rename_problem(G: nx.DiGraph, old: Hashable, new: str) -> str | None:
    """Why ``old`` cannot be renamed ``new`` in ``G`` (``None`` when it can).

    Besides :func:`name_taken` and an existing ``new``, a rename renames the hidden
    node of every ``<->`` edge of ``old``; none of those new names may name another
    node (``A <-> B`` with a real node ``"Z<->B"``: renaming A to Z would merge them).
    """
    taken = name_taken(G, new)
    if taken:
        return taken
    if new in G and new != old:
        return f"a node named {shorten(new)!r} already exists"
    hidden = [(h, a, b) for h, a, b in bidirected_pairs(G) if old in (a, b)]
    going = [old, *(h for h, _a, _b in hidden)]
    for _h, a, b in hidden:
        a2, b2 = (new if a == old else a), (new if b == old else b)
        clash = bidirected_clash(G, a2, b2, ignore=going)
        if clash:
            return f"renaming {shorten(old)} to {shorten(new)}: {clash}"
    return None


def bidirected_pairs(G: nx.DiGraph, *, roots_only: bool = False) -> list[tuple[str, str, str]]:
    """List ``(hidden, a, b)`` for each ``<->`` edge, in insertion order.

    A hidden node counts when it has exactly two children; with ``roots_only`` also
    only when nothing points into it (the writers print only such a node as ``a <-> b``).
    """
    out = []
    for n, data in G.nodes(data=True):
        if data.get(BIDIRECTED_ATTR) and not (roots_only and G.pred[n]):
            children = list(G.successors(n))
            if len(children) == 2:
                out.append((n, children[0], children[1]))
    return out


def visible_nodes(G: nx.DiGraph) -> list[Hashable]:
    """Nodes a user drew (everything but the hidden ``<->`` nodes)."""
    return [n for n in G.nodes if not is_hidden(G, n)]


def nodes_with_role(G: nx.DiGraph, role: str) -> list[Hashable]:
    """Nodes whose ``role`` attribute is ``role``, in insertion order."""
    return [n for n, r in G.nodes(data="role") if r == role]


def find_cycle(G: nx.DiGraph) -> list[Hashable] | None:
    """Return a directed cycle as a node list ``[a, b, ..., a]``, or ``None``.

    O(n + m) (``nx.find_cycle`` took 6 s on a 50,000-node cycle): peel the nodes no
    cycle reaches (:func:`is_acyclic`'s Kahn order); every node left has a predecessor
    left, so walking predecessors from one of them must come back to a node it saw.

    >>> find_cycle(nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]))
    ['a', 'b', 'c', 'a']
    >>> find_cycle(nx.DiGraph([("a", "b")])) is None
    True
    """
    succ, pred = adjacency(G)
    indegree = {v: len(p) for v, p in pred.items()}
    ready = [v for v, d in indegree.items() if d == 0]
    while ready:
        v = ready.pop()
        for c in succ[v]:
            indegree[c] -= 1
            if indegree[c] == 0:
                ready.append(c)
    left = [v for v in G if indegree[v] > 0]
    if not left:
        return None
    seen: dict[Hashable, int] = {}
    walk: list[Hashable] = []
    v = left[0]
    while v not in seen:
        seen[v] = len(walk)
        walk.append(v)
        v = next(p for p in pred[v] if indegree[p] > 0)
    cycle = walk[seen[v] :][::-1]  # walked backwards: turn it round
    order = {n: i for i, n in enumerate(left)}
    k = min(range(len(cycle)), key=lambda i: order[cycle[i]])  # start at its first node
    cycle = cycle[k:] + cycle[:k]
    return [*cycle, cycle[0]]


#: How many nodes of a cycle a message names, and how many characters of each name.
CYCLE_SHOWN = 12
NAME_SHOWN = 60


def shorten(name: object, limit: int = NAME_SHOWN) -> str:
    """``str(name)``, cut to ``limit`` characters with the full length said."""
    text = str(name)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text):,} characters)"


def format_cycle(cycle: Iterable[Hashable]) -> str:
    """``A -> B -> A`` for messages; bounded: a long cycle shows its first nodes and says
    how many there are, a long name its first characters.

    >>> format_cycle(["a", "b", "a"])
    'a -> b -> a'
    >>> format_cycle([*range(50_000), 0])
    '0 -> 1 -> 2 -> 3 -> 4 -> 5 -> 6 -> 7 -> 8 -> 9 -> 10 -> ... -> 49999 -> 0 (50,000 nodes)'
    """
    nodes = list(cycle)
    closed = len(nodes) > 1 and nodes[0] == nodes[-1]
    distinct = len(nodes) - 1 if closed else len(nodes)
    if len(nodes) <= CYCLE_SHOWN + 1:
        return " -> ".join(shorten(n) for n in nodes)
    head = [shorten(n) for n in nodes[: CYCLE_SHOWN - 1]]
    tail = [shorten(n) for n in nodes[-2:]] if closed else [shorten(nodes[-1])]
    return " -> ".join([*head, "...", *tail]) + f" ({distinct:,} nodes)"


def adjacency(G: nx.DiGraph) -> tuple[dict, dict]:
    """The successor and predecessor dicts of ``G`` (``{node: {neighbour: edge data}}``).

    For the package's linear-time traversals (here and in :mod:`causal_magic.identify`),
    which take set differences of whole neighbourhoods (``adj[v].keys() - seen``): C
    speed on dict key views, a Python loop on the key views of NetworkX's public
    ``G.succ`` / ``G.pred`` (an ``AtlasView`` is a ``Mapping``).  Read-only: never
    change the dicts.
    """
    # The package's only read of NetworkX internals, measured on the 80,000-node graph of
    # benchmarks/bench_identify.py with G.succ / G.pred instead: an ancestor search 1.7x
    # slower (34 -> 58 ms), a Bayes-ball 2.1x (71 -> 148 ms), is_acyclic 1.5-1.9x.
    return G._succ, G._pred


def is_acyclic(G: nx.DiGraph) -> bool:
    """Kahn's peeling: True when every node can be put in topological order.

    O(n + m) and faster than ``nx.is_directed_acyclic_graph``; callers look the cycle
    up (:func:`find_cycle`) only when this says False.
    """
    succ, pred = adjacency(G)
    indegree = {v: len(p) for v, p in pred.items()}
    ready = [v for v, d in indegree.items() if d == 0]
    done = 0
    while ready:
        v = ready.pop()
        done += 1
        for c in succ[v]:
            d = indegree[c] - 1
            indegree[c] = d
            if d == 0:
                ready.append(c)
    return done == len(indegree)


def check_digraph(
    G: object, what: str = "a networkx.DiGraph", *, error: type[Exception] = GraphError
) -> None:
    """Raise ``error("expected {what}, got <type>")`` unless ``G`` is a plain DiGraph."""
    if not isinstance(G, nx.DiGraph) or G.is_multigraph():
        raise error(f"expected {what}, got {type(G).__name__}")


def check_dag(
    G: object,
    what: str = "a networkx.DiGraph",
    *,
    error: type[Exception] = GraphError,
    cycle_text: str = "the graph has a cycle: {cycle}",
) -> None:
    """Raise ``error`` unless ``G`` is an acyclic DiGraph, naming the cycle.

    The one graph check of the package: every part that needs a DAG calls it, with
    its own exception type and wording (``what`` names the expected input,
    ``cycle_text`` is formatted with ``cycle="A -> B -> A"``).  O(n + m)
    (:func:`is_acyclic`); the cycle is looked up only on failure.

    >>> check_dag(nx.DiGraph([("a", "b"), ("b", "a")]))
    Traceback (most recent call last):
    ...
    causal_magic.graph.GraphError: the graph has a cycle: a -> b -> a
    """
    check_digraph(G, what, error=error)
    if not is_acyclic(G):
        raise error(cycle_text.format(cycle=format_cycle(find_cycle(G) or [])))
