"""Step 3 of ``%do``: the formula as arithmetic on count matrices.

Why a module of its own: after one group-by (:func:`causal_magic.backends.count_table`)
every estimate is a function of the table's cell counts, and this module is
that function, written once for a point estimate and a bootstrap alike.
:class:`Calc` binds a :class:`~causal_magic.estimate.plan.Plan` to a count
table; :meth:`Calc.stats` sums cell counts ``N`` (``B`` resamples by ``C``
cells) into per-stratum counts and :meth:`Calc.value` turns those into the
estimate, vectorised over the resamples:

* back-door: ``P(y | do(x), w) = Σ_z P(y | x, z, w) · P(z | w)``
* front-door: ``P(y | do(x)) = Σ_m P(m | x) Σ_x' P(y | m, x') · P(x')``
* ID algorithm: the formula on the joint of its variables
  (:mod:`causal_magic.estimate.id_formula`)

A stratum with rows but none at the treatment value makes its term undefined;
``value`` flags it (positivity) and, with ``positivity="drop"``, renormalises
``P(z)`` over the other strata instead.
"""

from __future__ import annotations

import numpy as np

from ..backends import CountTable
from .id_formula import IdFormula
from .plan import Plan
from .validate import match_value

__all__ = ["Calc"]


def _gsum(M: np.ndarray, g: np.ndarray, G: int) -> np.ndarray:
    """Sum the columns of ``M`` (B, C) within groups ``g`` (C,) -> (B, G)."""
    B = M.shape[0]
    if B == 1:
        return np.bincount(g, weights=M[0], minlength=G)[None, :]
    idx = (np.arange(B)[:, None] * G + g[None, :]).ravel()
    return np.bincount(idx, weights=M.ravel(), minlength=B * G).reshape(B, G)


def _group_ids(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Compact ids of distinct rows of ``codes`` (C, k) and the distinct rows."""
    if codes.shape[1] == 0:
        return np.zeros(len(codes), dtype=np.int64), np.zeros((1, 0), dtype=np.int64)
    radices = codes.max(axis=0).astype(np.int64) + 1 if len(codes) else None
    if radices is not None and float(np.prod(radices.astype(float))) < 2.0**62:
        # one integer per row (mixed radix): a 1-D unique, far faster than unique(axis=0)
        key = np.ravel_multi_index(tuple(codes.T), tuple(radices.tolist()))
        ukey, inv = np.unique(key, return_inverse=True)
        uniq = np.stack(np.unravel_index(ukey, tuple(radices.tolist())), axis=1).astype(np.int64)
        return inv.reshape(-1).astype(np.int64), uniq
    uniq, inv = np.unique(codes, axis=0, return_inverse=True)
    return inv.reshape(-1).astype(np.int64), uniq


class Calc:
    """The formula of one term as a function of cell counts (B resamples at once)."""

    def __init__(self, plan: Plan, table: CountTable, positivity: str):
        self.plan = plan
        self.t = table
        self.positivity = positivity
        term = plan.term
        C = len(table.n)
        self.numeric = term.kind == "E"
        self.x_match = np.ones(C, dtype=bool)
        self.x_codes = []
        for name, val in term.interventions:
            k = match_value(name, val, table.levels[name], table.kinds[name])
            self.x_codes.append(k)
            self.x_match &= table.col(name) == k
        self.w_match = np.ones(C, dtype=bool)
        for name, val in term.conditions:
            k = match_value(name, val, table.levels[name], table.kinds[name])
            self.w_match &= table.col(name) == k
        if self.numeric:
            self.y_code = None
        else:
            y = term.outcome
            self.y_levels = table.levels[y]
            self.ycodes = table.col(y)
            if term.outcome_value is not None:
                self.y_code = match_value(y, term.outcome_value, self.y_levels, table.kinds[y])
                self.L = 1
            else:
                self.y_code = None
                self.L = len(self.y_levels)
        self.cells = np.flatnonzero(self.w_match)  # cells in the conditioning stratum
        if plan.method == "frontdoor":
            xcols = [table.columns.index(c) for c in plan.x]
            self.xid, self.xrows = _group_ids(table.codes[self.cells][:, xcols])
            hit = np.flatnonzero((self.xrows == np.array(self.x_codes)).all(axis=1))
            self.xt = int(hit[0]) if len(hit) else -1
            mcols = [table.columns.index(c) for c in plan.m]
            self.mid, self.mrows = _group_ids(table.codes[self.cells][:, mcols])
        else:
            zcols = [table.columns.index(c) for c in plan.z]
            self.sid, self.srows = _group_ids(table.codes[self.cells][:, zcols])
        if plan.method == "id":
            self.id_formula = IdFormula(
                plan.expression,
                list(table.columns),
                table.codes,
                table.levels,
                dict(zip(plan.x, self.x_codes, strict=True)),
                plan.y,
                self.y_code,
            )

    # numerators per cell: y-match indicator (P), y sum (E), or y-level id (distribution)
    def _num_groups(self, g: np.ndarray, G: int) -> tuple[np.ndarray, int]:
        if self.numeric or self.y_code is not None:
            return g, G
        return g * self.L + self.ycodes[self.cells], G * self.L

    def _num_weights(self, N: np.ndarray, Y: np.ndarray | None) -> np.ndarray:
        if self.numeric:
            return Y
        if self.y_code is not None:
            return N * (self.ycodes[self.cells] == self.y_code)
        return N

    def stats(self, N: np.ndarray, Y: np.ndarray | None) -> dict:
        """Per-stratum counts from cell counts ``N`` (B, C) (and outcome sums ``Y``)."""
        if self.plan.method == "id":  # no conditions: the formula reads the whole table
            return {"N": N}
        N = N[:, self.cells]
        Y = None if Y is None else Y[:, self.cells]
        xm = self.x_match[self.cells]
        num_w = self._num_weights(N, Y) * xm
        if self.plan.method == "frontdoor":
            K, Mn = len(self.xrows), len(self.mrows)
            g = self.mid * K + self.xid
            n_x = _gsum(N, self.xid, K)
            n_mx = _gsum(N, g, Mn * K).reshape(-1, Mn, K)
            gg, GG = self._num_groups(g, Mn * K)
            num = _gsum(self._num_weights(N, Y), gg, GG).reshape(-1, Mn, K, self.width)
            return {"n_x": n_x, "n_mx": n_mx, "num": num}
        S = len(self.srows)
        n_s = _gsum(N, self.sid, S)
        nx_s = _gsum(N * xm, self.sid, S)
        gg, GG = self._num_groups(self.sid, S)
        num = _gsum(num_w, gg, GG).reshape(-1, S, self.width)
        return {"n_s": n_s, "nx_s": nx_s, "num": num}

    @property
    def width(self) -> int:
        """Numbers per estimate: 1, or one per outcome value for a whole distribution."""
        return 1 if (self.numeric or self.y_code is not None) else self.L

    def value(self, st: dict) -> tuple[np.ndarray, np.ndarray]:
        """(estimates (B, L), positivity-failure flags (B,))."""
        if self.plan.method == "id":
            est, failed, _ = self.id_formula.evaluate(st["N"])
            return est, failed
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.plan.method == "frontdoor":
                return self._frontdoor(st)
            n_s, nx_s, num = st["n_s"], st["nx_s"], st["num"]
            bad = (n_s > 0) & (nx_s == 0)
            weight = n_s * ~bad if self.positivity == "drop" else n_s
            p_s = weight / weight.sum(axis=1, keepdims=True)
            ratio = np.where(nx_s[..., None] > 0, num / nx_s[..., None], 0.0)
            est = (ratio * p_s[..., None]).sum(axis=1)
            failed = bad.any(axis=1) if self.positivity != "drop" else bad.all(axis=1)
            if self.plan.method == "observational (no do)" or not self.plan.term.is_causal:
                failed = nx_s.sum(axis=1) == 0
            return est, failed

    def _frontdoor(self, st: dict) -> tuple[np.ndarray, np.ndarray]:
        n_x, n_mx, num = st["n_x"], st["n_mx"], st["num"]
        total = n_x.sum(axis=1, keepdims=True)
        if self.xt < 0:
            B = n_x.shape[0]
            return np.full((B, self.width), np.nan), np.ones(B, dtype=bool)
        p_x = n_x / total  # (B, K)
        p_m_x = n_mx[:, :, self.xt] / n_x[:, [self.xt]]  # (B, M)
        ratio = np.where(n_mx[..., None] > 0, num / n_mx[..., None], 0.0)  # (B, M, K, L)
        inner = (ratio * p_x[:, None, :, None]).sum(axis=2)  # (B, M, L)
        est = (p_m_x[..., None] * inner).sum(axis=1)
        reached = n_mx[:, :, self.xt] > 0  # (B, M)
        gap = ((n_mx == 0) & (n_x[:, None, :] > 0)).any(axis=2)
        failed = (reached & gap).any(axis=1) | (n_x[:, self.xt] == 0)
        return est, failed

    def naive(self, N: np.ndarray, Y: np.ndarray | None) -> np.ndarray:
        """Plain P(y | x, w) (or E[y | x, w]): (B, L)."""
        N = N[:, self.cells]
        Y = None if Y is None else Y[:, self.cells]
        xm = self.x_match[self.cells]
        den = (N * xm).sum(axis=1)
        g = np.zeros(len(self.cells), dtype=np.int64)
        gg, GG = self._num_groups(g, 1)
        num = _gsum(self._num_weights(N, Y) * xm, gg, GG)
        with np.errstate(divide="ignore", invalid="ignore"):
            return num / den[:, None]
