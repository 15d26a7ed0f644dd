"""The layered layout's coordinate pass for big grids, in NumPy.

Why apart: past :data:`~causal_magic.layout.layered.BIG_GRID` grid points (a 5,000-node,
20,000-edge graph has about 100,000 once each long edge has a point on every row it
crosses) the exact pass of :func:`~causal_magic.layout.layered.assign_x` -- rows one after
another, each an isotonic regression in Python -- took 0.7 s of the one second a view may
take to appear.  Here every row is updated at once: edges join neighbouring rows only, so
the even rows depend on the odd ones alone and the other way round (red-black
Gauss-Seidel), and each row's positions are made to keep their gaps by a vectorised
projection instead of the exact regression.  Small grids -- every graph a person reads
name by name -- keep the exact pass.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # the grid type only; layered imports this module lazily
    from .layered import _Grid

#: Red-black sweeps (each updates every row once).  They converge to the exact pass's
#: optimum (the weight times squared x-distance summed over the grid's edges): 10 end
#: within 1.5% of the exact pass's 16 on a 300-node graph (tests/test_large_graphs.py) and
#: below the 4 it could afford at 20,000 edges; about 10 ms each there.
SWEEPS = 10


def _pool(z: np.ndarray, w: np.ndarray, row_start: np.ndarray) -> np.ndarray:
    """Weighted isotonic regression of ``z`` within each row, exactly, for all rows at once.

    Pool adjacent violators in parallel: every pair of neighbouring blocks (in one row)
    whose means are out of order is merged in the same round.  Merging violators in any
    order gives the one solution, and merging a run of them at once is such an order (a
    pooled block's mean stays above the next block's), so this is PAV, a round at a time;
    ``row_start`` marks each row's first item (never merged with the row before).
    """
    total, weight, count, first = w * z, w, np.ones(len(z), dtype=np.int64), row_start
    while True:  # one entry per block; blocks shrink the arrays as they pool
        mean = total / weight
        late = (mean[:-1] > mean[1:]) & ~first[1:]
        if not late.any():
            return np.repeat(mean, count)
        keep = np.ones(len(mean), dtype=bool)
        keep[1:] = ~late  # a late block joins the block before it
        group = np.cumsum(keep) - 1
        total = np.bincount(group, total)
        weight = np.bincount(group, weight)
        count = np.bincount(group, count).astype(np.int64)
        first = first[keep]


def assign_x_big(
    grid: _Grid, half: list[float], space: float, vspace: float, weights: tuple
) -> list[float]:
    """x of every grid point: rows centred, then pulled towards their neighbours' weighted
    mean and spread to keep ``half[a] + half[b] + space`` (``vspace`` beside a virtual point)
    between neighbours in a row; the result has the same form as ``assign_x``'s."""
    n_real = grid.n_real
    size = len(grid.up)
    flat = np.fromiter((n for row in grid.rows for n in row), dtype=np.int64, count=size)
    row = np.repeat(np.arange(len(grid.rows)), [len(r) for r in grid.rows])
    halves = np.asarray(half, dtype=float)[flat]
    real = flat < n_real
    same = np.zeros(size, dtype=bool)  # point i and i-1 share a row
    same[1:] = row[1:] == row[:-1]
    gap = np.zeros(size)
    gap[1:] = halves[1:] + halves[:-1] + np.where(real[1:] & real[:-1], space, vspace)
    gap[~same] = 0.0
    shift = np.cumsum(gap)  # shift[i] - shift[row start] = least distance from the start
    starts = np.flatnonzero(~same)
    shift -= np.repeat(shift[starts], np.diff(np.append(starts, size)))
    ends = np.append(starts[1:], size) - 1
    x_flat = shift - np.repeat(shift[ends] / 2, np.diff(np.append(starts, size)))

    where = np.empty(size, dtype=np.int64)  # grid id -> index in the flat order
    where[flat] = np.arange(size)
    degree = np.fromiter(map(len, grid.down), dtype=np.int64, count=size)
    src = where[np.repeat(np.arange(size), degree)]
    dst = where[np.fromiter((b for lows in grid.down for b in lows), np.int64, int(degree.sum()))]
    w = np.asarray(weights, dtype=float)[(flat[src] >= n_real).astype(int) + (flat[dst] >= n_real)]
    total = np.bincount(src, w, size) + np.bincount(dst, w, size)
    lonely = total == 0
    pull_weight = np.where(lonely, 0.01, total)  # as assign_x: a lonely point barely resists
    parity = row % 2
    for sweep in range(SWEEPS):
        for colour in (0, 1) if sweep % 2 == 0 else (1, 0):
            mine = np.flatnonzero(parity == colour)  # whole rows, in order
            pull = np.bincount(src, w * x_flat[dst], size) + np.bincount(dst, w * x_flat[src], size)
            desired = np.where(lonely, x_flat, pull / np.where(lonely, 1.0, total))
            z = _pool((desired - shift)[mine], pull_weight[mine], ~same[mine])
            x_flat[mine] = z + shift[mine]
    x = np.empty(size)
    x[flat] = x_flat
    return x.tolist()


def lane_routes(
    chains: list[list[int]],
    x: list[float],
    y_of: list[float],
    half: list[float],
    drop: list[float],
) -> list[list[tuple[float, float]]]:
    """The interior points of every edge, as ``layered._bend_ends`` gives them one edge at
    a time, for all edges at once (0.25 s in Python at 20,000 edges).

    ``chains[e]`` is edge e's grid points from its upper end to its lower end; ``y_of`` is
    each grid point's y, ``drop`` half the height of its box (0 for a lane point).
    """
    if not chains:
        return []
    lengths = np.fromiter(map(len, chains), dtype=np.int64, count=len(chains))
    seq = np.fromiter((c for chain in chains for c in chain), np.int64, int(lengths.sum()))
    edge = np.repeat(np.arange(len(chains)), lengths)
    px, py = np.asarray(x)[seq], np.asarray(y_of)[seq]
    cap, low = 0.5 * np.asarray(half)[seq], np.asarray(drop)[seq]
    a = np.flatnonzero(edge[:-1] == edge[1:])  # segment a -> a + 1 of one edge
    b = a + 1
    dx, dy = px[b] - px[a], py[b] - py[a]
    shallow = np.abs(dx) > 0.5 * dy
    drop_p = np.minimum(0.45 * dy, np.maximum(0.3 * dy, low[a] + 0.08))
    drop_q = np.minimum(0.45 * dy, np.maximum(0.3 * dy, low[b] + 0.08))
    off_p = np.clip(0.25 * dx, -cap[a], cap[a])
    off_q = np.clip(0.25 * dx, -cap[b], cap[b])
    inner = np.ones(len(a), dtype=bool)  # the segment's start, unless it is the edge's end
    inner[np.searchsorted(a, np.cumsum(lengths) - lengths)] = False
    # per segment, in order: its start (if inner), then two bend points (if shallow)
    xs = np.stack([px[a], px[a] + off_p, px[b] - off_q], axis=1).ravel()
    ys = np.stack([py[a], py[a] + drop_p, py[b] - drop_q], axis=1).ravel()
    keep = np.stack([inner, shallow, shallow], axis=1).ravel()
    owner = np.repeat(edge[a], 3)[keep]
    points = list(zip(np.round(xs[keep], 4).tolist(), np.round(ys[keep], 4).tolist(), strict=True))
    ends = np.cumsum(np.bincount(owner, minlength=len(chains))).tolist()
    return [points[s:e] for s, e in zip([0, *ends[:-1]], ends, strict=True)]
