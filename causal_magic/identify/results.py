"""The answers the identification functions return: small frozen dataclasses.

Why apart from the algorithms: the estimator, the cards and the widget read these
types without needing any of the graph searches, and every algorithm module
returns them; keeping them here keeps both sides free of each other.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable
from dataclasses import dataclass, field

import networkx as nx

from ..formula import Expr
from ..graph import is_hidden

Node = Hashable


@dataclass(frozen=True)
class Path:
    """A path in the skeleton of a graph, with the direction of each step.

    ``arrows[i]`` is ``"->"`` when the edge between ``nodes[i]`` and
    ``nodes[i + 1]`` points forward, ``"<-"`` when it points back.  ``kind`` is
    ``"causal"`` for a directed path from treatment to outcome, ``"biasing"``
    otherwise; ``open`` says whether it is d-connecting given the conditioning
    set it was computed for.  ``str(path)`` reads ``Gear <- Talent -> Sound``,
    with hidden ``<->`` nodes printed back as ``A <-> B``.
    """

    nodes: tuple
    arrows: tuple[str, ...]
    kind: str
    open: bool

    def __str__(self) -> str:
        out = [str(self.nodes[0])]
        i = 0
        while i < len(self.arrows):
            nxt = self.nodes[i + 1]
            hidden = self._hidden[i + 1] if self._hidden else False
            if (
                hidden
                and i + 1 < len(self.arrows)
                and self.arrows[i] == "<-"
                and self.arrows[i + 1] == "->"
            ):
                out.append(f"<-> {self.nodes[i + 2]}")
                i += 2
                continue
            out.append(f"{self.arrows[i]} {nxt}")
            i += 1
        return " ".join(out)

    _hidden: tuple[bool, ...] = field(default=(), repr=False, compare=False)


@dataclass(frozen=True)
class PathEdges:
    """Edges on proper causal paths and on open biasing paths (for drawing)."""

    causal: frozenset
    biasing: frozenset


@dataclass(frozen=True)
class AdjustmentCheck:
    """The verdict on one candidate adjustment set, with the reason in words."""

    valid: bool
    reason: str
    open_path: Path | None = None
    forbidden: Node | None = None

    def __bool__(self) -> bool:
        return self.valid


@dataclass(frozen=True)
class Identification:
    """How (and whether) P(y | do(x)) -- or P(y | do(x), w) -- is identified from the observed
    nodes."""

    method: str
    adjustment_set: frozenset | None
    frontdoor_set: frozenset | None
    formula: str
    latex: str
    reason: str
    open_path: Path | None
    treatment: tuple
    outcome: tuple
    warnings: tuple[str, ...] = ()
    #: The formula as a :mod:`causal_magic.formula` tree, for every identified method
    #: (``None`` for ``"none"``); ``formula``/``latex`` are its printed forms.
    expression: Expr | None = field(default=None, repr=False, compare=False)
    #: The conditions W of P(y | do(x), w), in the order given (empty for P(y | do(x))).
    given: tuple = ()
    #: For ``method="none"`` because a condition descends from the treatment: that condition.
    descendant_condition: Hashable | None = None
    #: The population the formula holds for: ``"whole"`` (also without selection),
    #: ``"selected"`` (within the selected data's population, P(y | do(x), s)), or
    #: ``"none"`` when selection on a descendant of the treatment rules adjustment out.
    population: str = "whole"

    @property
    def identifiable(self) -> bool:
        return self.method != "none"


@dataclass(frozen=True)
class Independence:
    """A conditional independence ``a ⫫ b | given`` implied by the graph."""

    a: Node
    b: Node
    given: frozenset

    def __str__(self) -> str:
        head = f"{self.a} ⫫ {self.b}"
        if not self.given:
            return head
        return head + " | " + ", ".join(sorted(map(str, self.given)))


def _make_path(G: nx.DiGraph, nodes, given, anc_given) -> Path:
    """The :class:`Path` along ``nodes``, open or not given ``given`` (ancestors ``anc_given``)."""
    succ = G.succ
    arrows = tuple("->" if b in succ[a] else "<-" for a, b in itertools.pairwise(nodes))
    kind = "causal" if all(a == "->" for a in arrows) else "biasing"
    is_open = True
    for i in range(1, len(nodes) - 1):
        collider = arrows[i - 1] == "->" and arrows[i] == "<-"
        if (collider and nodes[i] not in anc_given) or (not collider and nodes[i] in given):
            is_open = False
            break
    hidden = tuple(is_hidden(G, n) for n in nodes)
    return Path(tuple(nodes), arrows, kind, is_open, hidden)
