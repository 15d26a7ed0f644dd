"""DAGitty's legacy text: node lines with role letters, a blank line, then adjacency lines.

Why a module of its own: the format predates DAGitty's ``dag { ... }`` text and is still
pasted around (DAGitty's own tests and example list use it; R's ``dagitty()`` reads
it).  It looks like the edge language's juxtaposed node names, so read naively it
becomes isolated nodes named ``E`` and ``O``: a silent misreading.  It is recognised
here by its shape and read as DAGitty reads it::

    X1 E @0.1,0.2        # name, role letter (E O A U S, or 1 for none), optional @x,y
    X2 O                 # (the role letter and the position may be left out)
                         # one blank line
    X1 X2                # first name -> each of the others

Names are URL-decoded (DAGitty writes ``%20`` for a space).
"""

from __future__ import annotations

import math
import re
from urllib.parse import unquote

import networkx as nx

from ..graph import find_cycle, format_cycle, is_acyclic
from .errors import DagCycleError, DagSyntaxError

#: DAGitty's legacy role letters -> the package's roles (``1``: no role).
LEGACY_ROLES = {
    "E": "treatment",
    "O": "outcome",
    "A": "adjusted",
    "U": "latent",
    "S": "selected",
    "1": None,
}

_NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_VERTEX = re.compile(rf"^(\S+)(?:[ \t]+([EOAUS1]))?(?:[ \t]+@({_NUM}),({_NUM}))?[ \t]*$")
_POS = re.compile(rf"^@({_NUM}),({_NUM})$")
_NOT_LEGACY = re.compile(r"->|<-|--|[{}\[\];\"#=]")


def looks_legacy(text: str) -> bool:
    """Is ``text`` in the legacy shape?  Vertex lines with a role letter or ``@x,y``.

    Every line before the first blank one must be a vertex line, and at least one of
    them must carry a role letter or a position, so edge-language text (arrows, or
    bare node names) is never taken for it.  The adjacency block after the blank
    line may be adjacency lists or a 0/1 matrix (row -> column), as DAGitty's.
    """
    if _NOT_LEGACY.search(text):
        return False
    lines = text.strip("\n").split("\n")
    try:
        blank = next(i for i, line in enumerate(lines) if not line.strip())
    except StopIteration:
        blank = len(lines)
    head = lines[:blank]
    if not head or not all(_VERTEX.match(line.strip()) for line in head):
        return False
    return any(m[2] or m[3] for m in (_VERTEX.match(line.strip()) for line in head))


def read_legacy(text: str) -> nx.DiGraph:
    """Read legacy text (see the module docstring) into a DiGraph; check acyclicity."""
    lines = text.split("\n")
    first = next(i for i, line in enumerate(lines) if line.strip())
    blank = next((i for i in range(first, len(lines)) if not lines[i].strip()), len(lines))
    G = nx.DiGraph()
    for line in lines[first:blank]:
        m = _VERTEX.match(line.strip())
        name = unquote(m[1])
        G.add_node(name)
        role = LEGACY_ROLES[m[2]] if m[2] else None
        if role is not None:
            G.nodes[name]["role"] = role
        if m[3] is not None:
            x, y = float(m[3]), float(m[4])
            if not (math.isfinite(x) and math.isfinite(y)):
                raise DagSyntaxError(f"position of {name} is not finite", first + 1, 1, line)
            G.nodes[name]["pos"] = (x, y)
    rows = [(k, lines[k].split()) for k in range(blank + 1, len(lines)) if lines[k].strip()]
    if _is_matrix(rows, len(G)):
        names = list(G)
        for i, (_k, row) in enumerate(rows):
            G.add_edges_from((names[i], names[j]) for j, cell in enumerate(row) if cell == "1")
    else:
        for k, words in rows:
            _adjacency_line(G, words, k + 1, lines[k])
    if not is_acyclic(G):
        cycle = find_cycle(G)
        err = DagCycleError(
            f"the graph (DAGitty legacy text) has a cycle: {format_cycle(cycle)}; "
            "a DAG cannot hold one",
        )
        err.cycle = cycle
        raise err
    return G


def _is_matrix(rows: list, n: int) -> bool:
    """Is the adjacency block an n x n matrix of 0/1 (row -> column)?"""
    return (
        n > 0
        and len(rows) == n
        and all(len(r) == n and all(c in ("0", "1") for c in r) for _k, r in rows)
    )


def _adjacency_line(G: nx.DiGraph, words: list, lineno: int, line: str) -> None:
    """``src t1 [@x,y] t2 ...``: src -> each target; ``@x,y`` is the previous edge's bend."""
    if words[0].startswith("@"):
        raise DagSyntaxError(
            "DAGitty legacy text: an adjacency line starts with a node name "
            "(then the nodes it points to)",
            lineno,
            1,
            line,
        )
    src = unquote(words[0])
    G.add_node(src)
    last = None
    for w in words[1:]:
        m = _POS.match(w)
        if m is not None:
            if last is None:
                raise DagSyntaxError(f"DAGitty legacy text: {w!r} follows no edge", lineno, 1, line)
            x, y = float(m[1]), float(m[2])
            if not (math.isfinite(x) and math.isfinite(y)):
                raise DagSyntaxError(f"the bend {w!r} is not finite", lineno, 1, line)
            G.edges[last]["pos"] = (x, y)  # as an edge's pos="x,y" in DAGitty's text
            continue
        last = (src, unquote(w))
        G.add_edge(*last)
