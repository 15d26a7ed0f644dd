"""The sentences: why a set is valid or not, why a forced node breaks adjustment, why no
set can block a path.

Why apart: the verdicts are graph searches, the explanations are words built from
them; users read the words (DAGitty users ask for exactly these warnings), so they
live together where their tone can be kept consistent.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..graph import is_hidden
from ._problem import _Problem
from ._reach import _bfs_parents, _down, _up
from .paths import _open_path
from .results import Path


def _name_set(nodes: Iterable) -> str:
    """``{a, b}`` for messages."""
    return "{" + ", ".join(str(n) for n in nodes) + "}"


def _plain_list(nodes: Iterable) -> str:
    """``a, b`` for messages."""
    return ", ".join(str(n) for n in nodes)


def _valid_reason(z, criterion) -> str:
    """Why a set is valid."""
    if not z:
        return f"no adjustment is needed: no biasing path is open ({criterion})"
    return f"it blocks every biasing path and contains no mediator or its descendant ({criterion})"


def _open_reason(path, z) -> str:
    """Why a set is not valid: the path it leaves open."""
    given = f"given {_name_set(z)}" if z else "without adjustment"
    if path is None:
        return f"a biasing path stays open {given}"
    return f"the biasing path {path} stays open {given}"


def _forbidden_what(pb: _Problem, node) -> str:
    """'a mediator (...)' / 'a descendant of M, which lies on ...' for messages."""
    if node in pb.xs:
        return "a treatment"
    cn = pb.cn
    if node in cn:
        path = pb.causal_path_through(node)
        where = f" {path}" if path is not None else ""
        return f"a mediator (it lies on the causal path{where})"
    back = _bfs_parents(node, lambda u: list(pb.pred[u]))
    anc = next((u for u in back if u in cn), None)
    if anc is None:  # pragma: no cover - forbidden nodes descend from cn
        return "a descendant of the treatment's effect"
    path = pb.causal_path_through(anc)
    where = f", which lies on the causal path {path}" if path is not None else ""
    return f"a descendant of {anc}{where}"


def _forbidden_reason(pb: _Problem, node) -> str:
    """Why a forbidden node must not be adjusted for."""
    what = _forbidden_what(pb, node)
    tail = "removes part of the effect" if what.startswith("a mediator") else "biases the effect"
    return f"{node} is {what}; adjusting for it {tail}"


def _problem_text(pb: _Problem) -> str | None:
    """The sentence of :func:`adjustment_problem`, or ``None``."""
    if not pb.forced or pb.find_minimal() is not None:
        return None
    if pb.find_minimal(forced=frozenset()) is None:
        return None  # impossible anyway: the forced nodes are not the problem
    for f in pb.forced_order:
        if f in pb.unobs:
            return f"{f} is forced into the adjustment set but it is not observed"
    forb = pb.forb
    for f in pb.forced_order:
        if f in forb:
            what = _forbidden_what(pb, f)
            tail = "removes part of the effect" if what.startswith("a mediator") else "biases it"
            head = f"{f} is forced into the adjustment set but it is {what}"
            return f"{head}; adjusting for it {tail}"
    # a collider opened by forced nodes: drop them one at a time to find the culprit
    A = pb.ancestral(pb.forced)
    forb_a = _down(pb.succ, pb.cn, within=A) | pb.xs
    z0 = {v for v in A if v not in forb_a and pb.adjustable(v)}
    path = _open_path(pb, z0)
    culprit = None
    for f in pb.forced_order:
        if pb.find_minimal(forced=pb.forced - {f}) is not None:
            culprit = f
            break
    if culprit is None:
        culprit = pb.forced_order[0]
    where = f" {path}" if path is not None else ""
    if path is not None:
        anc_f = _up(pb.pred, pb.forced)
        colliders = [
            path.nodes[i]
            for i in range(1, len(path.nodes) - 1)
            if path.arrows[i - 1] == "->" and path.arrows[i] == "<-" and path.nodes[i] in anc_f
        ]
        if colliders:
            c = colliders[0]
            role = "a collider" if c == culprit else f"a collider ({c}) whose descendant it is"
            return (
                f"{culprit} is forced into the adjustment set but adjusting for it opens the "
                f"biasing path{where}, on which it is {role}; no observed set blocks that path"
            )
    return (
        f"{culprit} is forced into the adjustment set but adjusting for it opens a biasing "
        f"path{where} that no observed set blocks"
    )


def _blocking_failure(pb: _Problem) -> tuple[str, Path | None]:
    """Why no adjustment set exists: an open path and the nodes that cannot block it."""
    forced = pb.forced
    A = pb.ancestral(forced)
    forb_a = _down(pb.succ, pb.cn, within=A) | pb.xs
    z0 = {v for v in A if v not in forb_a and pb.adjustable(v)} | forced
    path = _open_path(pb, z0)
    if path is None:
        return "no observed set blocks every biasing path", None
    nodes, arrows = path.nodes, path.arrows
    inner, colliders = [], []
    for i in range(1, len(nodes) - 1):
        (colliders if arrows[i - 1] == "->" and arrows[i] == "<-" else inner).append(i)
    hidden = [f"{nodes[i - 1]} <-> {nodes[i + 1]}" for i in inner if is_hidden(pb.G, nodes[i])]
    unseen = [nodes[i] for i in inner if nodes[i] in pb.unobs and not is_hidden(pb.G, nodes[i])]
    below = [nodes[i] for i in inner if nodes[i] not in pb.unobs and nodes[i] in pb.forb]
    why = []
    if hidden:
        many = len(hidden) > 1
        tail = " are unobserved common causes" if many else " stands for an unobserved common cause"
        why.append(" and ".join(hidden) + tail)
    if unseen:
        why.append(_plain_list(unseen) + (" are" if len(unseen) > 1 else " is") + " not observed")
    for v in below:
        why.append(f"{v} is a descendant of a node on a causal path")
    if not inner:
        why.append("it has no node that could be adjusted for")
    anc_forced = _up(pb.pred, forced)
    by_force = [nodes[i] for i in colliders if nodes[i] in anc_forced]
    if by_force:
        why.append(f"adjusting for {_plain_list(pb.forced_order)} opens it at {by_force[0]}")
    elif colliders:
        c = nodes[colliders[0]]
        what = c if c in z0 else f"a descendant of {c}"
        why.append(f"adjusting for {what} to block other paths opens it at the collider {c}")
    because = " and ".join(why) if why else "every node that would block it is unavailable"
    return f"the biasing path {path} cannot be blocked because {because}", path
