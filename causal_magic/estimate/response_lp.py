"""Sharp bounds by linear programming over response functions (Balke-Pearl; Sachs et al.).

Why a module of its own: a graph with a hidden confounder says more than "no
assumption" -- an instrument, a variable unconfounded with the rest -- and the
sharp bounds that follow are the optimum of a linear program.  Every observed
variable on the outcome's side of the graph is a *response function* of its
observed parents (the hidden confounders only decide which function a unit
gets); a distribution ``q`` over the joint response types reproduces the
observed ``P(R | L)``, and ``P(Y = y | do(X = x))`` is linear in ``q``.
Minimising and maximising it gives the bounds (Balke and Pearl 1997 for the
instrument; the general split into an unconfounded left side ``L`` and a
right side ``R`` is Sachs, Jonzon, Sjölander and Gabriel 2022).

The number of response types grows as ``k ** (k ** parents)``: a model with
more than :data:`MAX_TYPES` types is refused with :class:`ModelTooLarge`
rather than left to run for hours.  The solver is ``scipy.optimize.linprog``
(HiGHS), an optional extra (``pip install causal_magic[bounds]``).  Pure
functions on graphs and probability arrays; no data frames.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np

__all__ = [
    "MAX_CELLS",
    "MAX_TYPES",
    "InfeasibleModel",
    "ModelTooLarge",
    "ResponseModel",
    "Target",
    "lp_bounds",
    "response_model",
]

MAX_TYPES = 20_000  # joint response types of the right side
MAX_CELLS = 200_000  # constraint rows: configurations of L times those of R


class ModelTooLarge(ValueError):
    """The response-function program is larger than this tool solves."""


class InfeasibleModel(ValueError):
    """No model of the graph reproduces the observed distribution (e.g. the instrument
    inequalities fail): the graph is contradicted by the data, or by sampling noise."""


@dataclass(frozen=True)
class Target:
    """One term ``coef * P(outcome = value | do(treatments))``, all values as level codes."""

    outcome: str
    value: int
    treatments: tuple[tuple[str, int], ...]
    coef: float = 1.0


@dataclass(frozen=True)
class ResponseModel:
    """The canonical model: the left side ``L`` (conditioned on), the right side ``R``
    (response functions, in topological order), observed parents and level counts."""

    left: tuple[str, ...]
    right: tuple[str, ...]
    parents: Mapping[str, tuple[str, ...]]
    levels: Mapping[str, int]
    n_types: int

    @property
    def variables(self) -> tuple[str, ...]:
        """The axis order of the joint distribution :func:`lp_bounds` reads."""
        return self.left + self.right

    def is_instrument_model(self) -> bool:
        """The Balke-Pearl case: binary Z -> X -> Y with X and Y confounded."""
        if len(self.left) != 1 or len(self.right) != 2:
            return False
        (z,), (x, y) = self.left, self.right
        binary = all(self.levels[v] == 2 for v in (z, x, y))
        return binary and self.parents[x] == (z,) and self.parents[y] == (x,)


def _projection(G: nx.DiGraph, observed: set, keep: Iterable) -> tuple[dict, list[set]]:
    """Observed parents of each observed node and the confounded groups, after
    projecting the unobserved nodes out (latent projection), on the ancestors of ``keep``."""
    relevant = set(keep)
    for n in list(relevant):
        relevant |= nx.ancestors(G, n)
    H = G.subgraph(relevant)
    seen = [n for n in H.nodes if n in observed]

    def below(start) -> set:
        out, stack, done = set(), list(H.successors(start)), set()
        while stack:
            n = stack.pop()
            if n in done:
                continue
            done.add(n)
            if n in observed:
                out.add(n)
            else:
                stack.extend(H.successors(n))
        return out

    parents: dict = {n: set() for n in seen}
    for u in seen:
        for v in below(u):
            parents[v].add(u)
    groups = [g for h in H.nodes if h not in observed for g in [below(h)] if len(g) > 1]
    order = {n: i for i, n in enumerate(nx.topological_sort(G))}
    ordered = {v: tuple(sorted(ps, key=order.get)) for v, ps in parents.items()}
    return ordered, groups


def _right_side(parents: dict, groups: list[set], x: set, y: set) -> set:
    """The smallest R holding the outcomes, closed under confounding, children and
    the treatments' descendants: then L is unconfounded with R and has no parent in it."""
    children: dict = {v: set() for v in parents}
    for v, ps in parents.items():
        for p in ps:
            children[p].add(v)

    def descendants(v) -> set:
        out, stack = set(), list(children[v])
        while stack:
            n = stack.pop()
            if n not in out:
                out.add(n)
                stack.extend(children[n])
        return out

    right = set(y)
    for t in x:
        right |= descendants(t)
    while True:
        grown = set(right)
        for v in right:
            grown |= children[v]
        for g in groups:
            if g & grown:
                grown |= g
        if grown == right:
            return right
        right = grown


def response_model(
    G: nx.DiGraph,
    observed: Iterable,
    levels: Mapping[str, int],
    treatments: Sequence[str],
    outcomes: Sequence[str],
    max_types: int = MAX_TYPES,
) -> ResponseModel:
    """The canonical response-function model of ``G`` for these treatments and outcomes.

    Raises :class:`ModelTooLarge` when the right side has more than ``max_types``
    joint response types, saying how many.
    """
    obs = set(observed)
    parents, groups = _projection(G, obs, [*treatments, *outcomes])
    right = _right_side(parents, groups, set(treatments), set(outcomes))
    order = [n for n in nx.topological_sort(G) if n in parents]
    left = tuple(n for n in order if n not in right)
    right_t = tuple(n for n in order if n in right)
    n_types = 1
    for v in right_t:
        configs = int(np.prod([levels[p] for p in parents[v]], dtype=float))
        n_types *= float(levels[v]) ** configs
        if n_types > max_types:
            break
    if n_types > max_types:
        sizes = ", ".join(f"{v}: {levels[v]} levels" for v in right_t)
        raise ModelTooLarge(
            f"the response-function program for {', '.join(map(str, right_t))} ({sizes}) has "
            f"more than {max_types:,} response types, beyond what is solved here"
        )
    cells = float(np.prod([float(levels[v]) for v in (*left, *right_t)]))
    if cells > MAX_CELLS:
        raise ModelTooLarge(
            f"the joint table of {', '.join(map(str, (*left, *right_t)))} has {cells:,.0f} "
            f"cells, more than {MAX_CELLS:,}"
        )
    return ResponseModel(left, right_t, parents, dict(levels), int(n_types))


def _type_functions(model: ResponseModel) -> dict[str, np.ndarray]:
    """For each right-side variable, the index of its response function in each joint type."""
    out, stride = {}, 1
    t = np.arange(model.n_types, dtype=np.int64)
    for v in model.right:
        configs = int(np.prod([model.levels[p] for p in model.parents[v]], dtype=np.int64))
        n_funcs = model.levels[v] ** configs
        out[v] = (t // stride) % n_funcs
        stride *= n_funcs
    return out


def _run(model: ResponseModel, funcs: dict, inputs: Mapping[str, int], forced: Mapping) -> dict:
    """Every joint type's values of the right side, given the left side's ``inputs``."""
    values: dict[str, np.ndarray] = {}
    n = model.n_types
    for v in model.right:
        if v in forced:
            values[v] = np.full(n, forced[v], dtype=np.int64)
            continue
        config = np.zeros(n, dtype=np.int64)
        for p in model.parents[v]:
            pv = values[p] if p in values else forced.get(p, inputs.get(p))
            config = config * model.levels[p] + pv
        k = model.levels[v]
        values[v] = (funcs[v] // (np.int64(k) ** config)) % k
    return values


def _constraints(model: ResponseModel, funcs: dict, joint: np.ndarray):
    """Rows ``sum_t q_t [type t gives r under l] = P(r | l)`` for every observed ``l``."""
    from scipy import sparse

    n_left = len(model.left)
    n_r = int(np.prod([model.levels[v] for v in model.right], dtype=np.int64))
    p_left = joint.reshape((*joint.shape[:n_left], -1)).sum(axis=-1)
    rows, cols, b = [], [], []
    block = 0
    seen = [tuple(c) for c in np.argwhere(p_left > 0)] if n_left else [()]
    for l_config in seen:  # an l without rows gives no constraint: an empty cell says nothing
        p_l = float(p_left[l_config]) if n_left else 1.0
        values = _run(model, funcs, dict(zip(model.left, l_config, strict=True)), {})
        r_index = np.zeros(model.n_types, dtype=np.int64)
        for v in model.right:
            r_index = r_index * model.levels[v] + values[v]
        rows.append(block * n_r + r_index)
        cols.append(np.arange(model.n_types))
        b.append(joint[l_config].reshape(-1) / p_l)
        block += 1
    if block * n_r > MAX_CELLS:
        raise ModelTooLarge(f"{block * n_r:,} constraints, more than {MAX_CELLS:,}")
    A = sparse.csr_matrix(
        (np.ones(block * model.n_types), (np.concatenate(rows), np.concatenate(cols))),
        shape=(block * n_r, model.n_types),
    )
    return A, np.concatenate(b)


def _objective(model: ResponseModel, funcs: dict, joint: np.ndarray, targets) -> np.ndarray:
    """``c`` with ``c @ q`` = the sum of the targets: each averaged over the left side
    not intervened on (their distribution is unchanged by the intervention)."""
    c = np.zeros(model.n_types)
    axes = {v: i for i, v in enumerate(model.variables)}
    for tg in targets:
        forced = dict(tg.treatments)
        free = [v for v in model.left if v not in forced]
        drop = tuple(i for v, i in axes.items() if v not in free)
        weights = joint.sum(axis=drop) if drop else joint
        for config in [tuple(c) for c in np.argwhere(weights > 0)] if free else [()]:
            w = float(weights[config]) if free else 1.0
            inputs = {**dict(zip(free, config, strict=True)), **forced}
            values = _run(model, funcs, inputs, {k: s for k, s in forced.items() if k in funcs})
            c += tg.coef * w * (values[tg.outcome] == tg.value)
    return c


def lp_bounds(model: ResponseModel, joint: np.ndarray, targets: Sequence[Target]) -> tuple:
    """The sharp ``(low, high)`` of ``sum coef * P(y | do(x))`` given the observed ``joint``.

    ``joint`` is ``P(variables)`` as an array whose axes follow
    ``model.variables`` (level codes ``0 .. k-1``).  Raises
    :class:`InfeasibleModel` when no model of the graph gives this ``joint``
    and ``ImportError`` without scipy.
    """
    try:
        from scipy.optimize import linprog
    except ImportError:
        raise ImportError(
            "tighter bounds from the graph need scipy: pip install 'causal_magic[bounds]'"
        ) from None
    joint = np.asarray(joint, dtype=float)
    expected = tuple(model.levels[v] for v in model.variables)
    if joint.shape != expected:
        raise ValueError(f"joint has shape {joint.shape}, expected {expected} ({model.variables})")
    joint = joint / joint.sum()
    funcs = _type_functions(model)
    A, b = _constraints(model, funcs, joint)
    c = _objective(model, funcs, joint, targets)
    ends = []
    for sign in (1.0, -1.0):
        res = linprog(sign * c, A_eq=A, b_eq=b, bounds=(0, None), method="highs")
        if res.status == 2:
            raise InfeasibleModel(
                "no model of the graph reproduces the observed distribution "
                "(for an instrument: the instrument inequalities fail)"
            )
        if res.status != 0:
            raise InfeasibleModel(f"the linear program did not solve: {res.message}")
        ends.append(sign * res.fun)
    return float(ends[0]), float(ends[1])
