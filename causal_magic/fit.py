"""Does the graph fit the data?  Testing a DAG's implications, and comparing two DAGs.

A DAG is a claim about the data: every pair of variables it separates must be
independent given the separating set.  :func:`check_fit` lists those claims
among the measured variables (:func:`~causal_magic.identify.implied_independencies`,
separators drawn from measured nodes only, so no test is lost to a latent
node) and tests each one -- DAGitty's ``localTests`` as one call.
:func:`compare` puts two graphs side by side: which claims one makes and the
other does not, which of those the data reject, and whether the two are
Markov equivalent (then no data can tell them apart).

The tests, and why these
------------------------
* **Categorical columns** (text, booleans, integers with at most
  :data:`MAX_INT_LEVELS` values): the G-test (likelihood-ratio chi-square) of
  conditional independence, summed over the strata of the conditioning set:
  ``G = 2 Σ O ln(O / E)`` with ``E = n(a,z) n(b,z) / n(z)``, ``dof = Σ_s
  (r_s - 1)(c_s - 1)`` where ``r_s``, ``c_s`` count the values of the two
  variables seen in stratum ``s``.  A stratum where either variable shows one
  value only carries no information about their association, so it adds
  nothing to ``G`` or to ``dof`` (the usual convention, and the one that keeps
  the chi-square reference honest).  The counts come from
  :func:`causal_magic.backends.count_table`, so these tests run inside the
  engine the data lives in (pandas, polars, pyarrow, DuckDB, Dask, PySpark).
* **Numeric columns**: partial correlation and Fisher's z,
  ``z = atanh(r) sqrt(n - |Z| - 3)``.
* **Mixed**: the same linear test, with every categorical column entering as
  indicator columns: a categorical conditioning set as its strata (data
  centred within each cell of the cross-classification), a categorical
  variable under test as ``L - 1`` indicators.  With several indicators the
  test is Wilks' lambda with Bartlett's chi-square (``dof = p q``), which is
  Fisher's z's big brother and reduces to it for two single columns.
  Linear tests only see linear (mean) dependence -- stated in the notes.
  On pandas and pyarrow the test runs on the rows; on polars, DuckDB, Dask
  and PySpark the engine computes, per cell of the categorical columns, the
  count, sums and sums of products of the numeric ones (shifted by their
  means, one extra pass, so nothing cancels), and only that small table comes
  back -- the same numbers, as the tests check.

p-values come from ``scipy.stats`` (imported when a test runs); the family is
corrected by Holm's step-down by default (``correction="bonferroni"``,
``"bh"`` or ``"none"`` also accepted).  Nothing here imports IPython.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd

from .backends import columns_of, count_table, engine_of
from .graph import BIDIRECTED_ATTR, is_hidden

__all__ = ["Comparison", "FitError", "FitResult", "check_fit", "compare"]

#: Integer columns with at most this many distinct values are categorical.
MAX_INT_LEVELS = 10
#: Above this share of expected counts below 5, a G-test is flagged as approximate.
LOW_EXPECTED_SHARE = 0.2
#: Observed nodes up to which Markov equivalence with latents is checked exhaustively.
MAX_EXHAUSTIVE = 12

CORRECTIONS = ("holm", "bonferroni", "bh", "none")
#: How each correction is named in sentences.
CORRECTION_NAMES = {"holm": "Holm", "bonferroni": "Bonferroni", "bh": "Benjamini-Hochberg"}

COLUMNS = [
    "independence",
    "a",
    "b",
    "given",
    "test",
    "statistic",
    "dof",
    "p_value",
    "effect",
    "effect_measure",
    "ci_low",
    "ci_high",
    "p_adjusted",
    "rejected",
    "n",
    "note",
]

_FLOATS = ("statistic", "dof", "p_value", "effect", "ci_low", "ci_high", "p_adjusted")

G_TEST = "G-test"
FISHER_Z = "partial correlation (Fisher z)"
WILKS = "Wilks' lambda (Bartlett χ²)"


class FitError(ValueError):
    """The graph or the data cannot be checked as given (not a graph, a cycle, no shared column)."""


# --------------------------------------------------------------------------- results


@dataclass
class FitResult:
    """The implications of a graph, each tested against the data.

    ``table`` has one row per implied conditional independence among the
    measured variables (columns listed in :data:`COLUMNS`); ``notes`` are the
    plain-language lines a reader needs to trust it (what was latent, how
    sparse strata were handled, what was skipped and why).  ``rejected`` is
    decided on ``p_adjusted`` at ``alpha``; a row with no test has NaN
    p-values and ``rejected`` False.  ``effect`` is Cramér's V (G-test),
    the partial correlation (Fisher z, with a 95% interval in
    ``ci_low``/``ci_high``) or the largest canonical correlation (Wilks).
    """

    table: pd.DataFrame
    notes: list[str]
    alpha: float
    correction: str
    observed: list[str] = field(default_factory=list)
    latent: list[str] = field(default_factory=list)
    n_rows: int | None = None
    engine: str | None = None
    graph_name: str | None = None

    # -- reading the table ----------------------------------------------------

    @property
    def contradicted(self) -> pd.DataFrame:
        """Rows the data reject (after the correction)."""
        return self.table[self.table["rejected"]]

    @property
    def contradicted_pairs(self) -> list[tuple[str, str]]:
        """``(a, b)`` of each rejected implication -- the node pairs to mark on a drawing."""
        return [(r.a, r.b) for r in self.contradicted.itertuples()]

    def marks(self) -> list[dict]:
        """What a drawing needs to mark each contradicted claim: ``a``, ``b``, ``given``
        (node names) and ``text`` (the plain-language reading, for a tooltip)."""
        return [
            {"a": row["a"], "b": row["b"], "given": list(row["given"]), "text": text}
            for row, text in zip(_records(self.contradicted), self.readings(), strict=True)
        ]

    @property
    def tested(self) -> int:
        return int(self.table["p_value"].notna().sum())

    @property
    def fits(self) -> bool | None:
        """False if any implication is rejected; True if some were tested and none was;
        None if nothing could be tested."""
        if self.tested == 0:
            return None
        return not bool(self.table["rejected"].any())

    def readings(self) -> list[str]:
        """One plain-language sentence per rejected implication."""
        return [_reading(row, self.correction) for row in _records(self.contradicted)]

    def summary(self) -> str:
        """The verdict in one sentence."""
        if len(self.table) == 0:
            return "The graph implies no testable independencies among the measured variables."
        k, t = int(self.table["rejected"].sum()), self.tested
        if t == 0:
            return f"None of the {len(self.table)} implied independencies could be tested."
        name = CORRECTION_NAMES.get(self.correction)
        corr = f", {name} correction" if name else ", no correction"
        if k == 0:
            return (
                f"The data contradict none of the {t} tested implications "
                f"(alpha = {self.alpha:g}{corr}); not rejecting is not proof of independence."
            )
        return (
            f"The data contradict {k} of the {t} tested implications "
            f"(alpha = {self.alpha:g}{corr})."
        )

    # -- DataFrame-like conveniences --------------------------------------------

    def __len__(self) -> int:
        return len(self.table)

    def __getitem__(self, key):
        return self.table[key]

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def __repr__(self) -> str:
        lines = [self.summary()]
        for row in _records(self.table):
            p = "untested" if _isnan(row["p_value"]) else f"p = {row['p_value']:.3g}"
            flag = "  REJECTED" if row["rejected"] else ""
            lines.append(f"  {row['independence']}: {row['test'] or '-'}, {p}{flag}")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from .fit_card import render_fit_html

        return render_fit_html(self)


@dataclass
class Comparison:
    """Two graphs' testable claims side by side (see :func:`compare`).

    ``table`` has one row per implication that one graph makes and the other
    does not (``implied_by`` names the graph), with the test columns of
    :class:`FitResult` when data were given.  ``shared`` lists the claims
    both make; ``not_comparable`` the claims about a variable the other graph
    does not have.  ``equivalent`` is True/False, or None when it was not
    decided (too many nodes); ``equivalence`` says how it was decided.
    """

    names: tuple[str, str]
    table: pd.DataFrame
    shared: list[str]
    not_comparable: list[str]
    equivalent: bool | None
    equivalence: str
    verdict: str
    notes: list[str]
    alpha: float
    has_data: bool
    implied_counts: tuple[int, int] = (0, 0)

    @property
    def only_first(self) -> pd.DataFrame:
        return self.table[self.table["implied_by"] == self.names[0]]

    @property
    def only_second(self) -> pd.DataFrame:
        return self.table[self.table["implied_by"] == self.names[1]]

    def __repr__(self) -> str:
        a, b = self.names
        lines = [self.verdict, f"  equivalence: {self.equivalence}"]
        for row in _records(self.table):
            p = ""
            if self.has_data:
                p = ": untested" if _isnan(row["p_value"]) else f": p = {row['p_value']:.3g}"
                p += "  REJECTED" if row["rejected"] else ""
            other = b if row["implied_by"] == a else a
            lines.append(f"  {row['independence']} (only {row['implied_by']}, not {other}){p}")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from .fit_card import render_compare_html

        return render_compare_html(self)


# --------------------------------------------------------------------------- helpers


def _isnan(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _records(df: pd.DataFrame) -> list[dict]:
    cols = {c: df[c].tolist() for c in df.columns}
    return [{c: v[i] for c, v in cols.items()} for i in range(len(df))]


def _names(nodes: Iterable) -> str:
    nodes = [str(n) for n in nodes]
    if len(nodes) <= 1:
        return "".join(nodes)
    return ", ".join(nodes[:-1]) + " and " + nodes[-1]


def _reading(row: dict, correction: str = "holm") -> str:
    """The plain-language sentence for a rejected implication."""
    a, b, given = row["a"], row["b"], list(row["given"])
    p = row["p_adjusted"] if not _isnan(row["p_adjusted"]) else row["p_value"]
    tag = f" after {CORRECTION_NAMES[correction]}" if correction in CORRECTION_NAMES else ""
    eff = "" if _isnan(row["effect"]) else f", {row['effect_measure']} {row['effect']:.2f}"
    if given:
        said = f"the data say {a} and {b} are still associated given {_names(given)}"
        claim = "the graph says they are not"
    else:
        said = f"the data say {a} and {b} are associated"
        claim = "the graph says they are independent"
    ptext = "p < 1e-15" if p < 1e-15 else f"p = {p:.2g}"
    return (
        f"{said} ({ptext}{tag}{eff}); {claim} — an edge between them may be missing, "
        "or a common cause of both left out"
        + (f", or {_names(given)} may not block every path between them" if given else "")
        + "."
    )


def _check_graph(G) -> None:
    if not isinstance(G, nx.DiGraph) or G.is_multigraph():
        raise FitError(
            f"expected a causal graph (a networkx.DiGraph, e.g. from %%dag), got {type(G).__name__}"
        )
    from .graph import find_cycle, format_cycle

    cycle = find_cycle(G)
    if cycle is not None:
        raise FitError(
            f"the graph has a cycle ({format_cycle(cycle)}); the implications tested here "
            "are those of acyclic graphs -- remove or reverse one of these edges"
        )


def _is_latent(G: nx.DiGraph, n) -> bool:
    return G.nodes[n].get("role") == "latent" or bool(G.nodes[n].get(BIDIRECTED_ATTR))


def _observed(G: nx.DiGraph, columns: list[str] | None, notes: list[str]) -> tuple[list, list]:
    """Measured nodes (graph order) and latent ones; notes say why each latent is latent."""
    obs, lat, missing, marked = [], [], [], []
    colset = None if columns is None else set(columns)
    for n in G.nodes:
        if is_hidden(G, n):
            lat.append(n)
            continue
        if colset is not None and str(n) not in colset:
            lat.append(n)
            missing.append(n)
        elif _is_latent(G, n):
            lat.append(n)
            if colset is not None:
                marked.append(n)
        else:
            obs.append(n)
    if missing:
        from .hints import suggest

        hints = []
        for n in missing:
            s = suggest(str(n), columns or [])
            if s is not None:
                hints.append(f"{n!s} (did you mean column {s!r}?)")
        text = _names(missing)
        notes.append(
            f"{text} {'is' if len(missing) == 1 else 'are'} not "
            f"{'a column' if len(missing) == 1 else 'columns'} of the data: treated as "
            "unmeasured (latent); the tests use separators made of measured variables only."
            + (" Possible misspellings: " + "; ".join(hints) + "." if hints else "")
        )
    if marked:
        notes.append(
            f"{_names(marked)} {'is' if len(marked) == 1 else 'are'} marked latent in the "
            "graph but present in the data: left out as the graph says (remove the latent "
            "role to use the column)."
        )
    return obs, lat


def _adjacent_pairs(G: nx.DiGraph, obs: list) -> tuple[int, int]:
    """(number of observed pairs, number of those that are adjacent)."""
    pairs = adj = 0
    for i, a in enumerate(obs):
        for b in obs[i + 1 :]:
            pairs += 1
            adj += G.has_edge(a, b) or G.has_edge(b, a)
    return pairs, adj


def _nothing_testable_note(G: nx.DiGraph, obs: list) -> str:
    if len(obs) < 2:
        return (
            "The graph implies no testable independencies: fewer than two of its "
            "variables are measured."
        )
    pairs, adj = _adjacent_pairs(G, obs)
    if adj == pairs:
        return (
            "The graph implies no testable independencies: every pair of its measured "
            "variables is joined by an edge (the graph is complete over them), so any data "
            "fit it. Only a graph that leaves an edge out makes a claim the data can contradict."
        )
    return (
        "The graph implies no testable independencies: each pair of measured variables that "
        "is not joined by an edge is connected through an unmeasured variable that no set "
        "of measured variables can block."
    )


# --------------------------------------------------------------------------- columns


def _schema_kind(data, col: str) -> str:
    """bool/int/float/string/other from the engine's schema, without reading rows."""
    from .backends import _kind_from_type_name

    engine = engine_of(data)
    if engine == "pandas":
        s = data[col]
        kind = getattr(s.dtype, "kind", "O")
        if kind == "b" or str(s.dtype) == "boolean":
            return "bool"
        if kind in "iu" or str(s.dtype).startswith(("Int", "UInt")):
            return "int"
        if kind == "f" or str(s.dtype).startswith("Float"):
            return "float"
        return "other"
    if engine == "polars":
        import polars as pl

        schema = data.collect_schema() if isinstance(data, pl.LazyFrame) else data.schema
        return _kind_from_type_name(str(schema[col]))
    if engine == "pyarrow":
        return _kind_from_type_name(str(data.schema.field(col).type))
    if engine == "duckdb":
        types = dict(zip(data.columns, map(str, data.types), strict=False))
        return _kind_from_type_name(types[col])
    if engine == "dask":
        t = str(data[col].dtype)
        return "other" if t == "category" else _kind_from_type_name(t)
    if engine == "pyspark":
        return _kind_from_type_name(dict(data.dtypes)[col])
    return "other"


@dataclass
class _Column:
    name: str
    numeric: bool
    levels: tuple | None  # categorical: the values seen
    constant: bool


def _profile(data, cols: list[str]) -> dict[str, _Column]:
    """Decide categorical vs numeric per column; find constant columns."""
    out = {}
    for c in cols:
        kind = _schema_kind(data, c)
        if kind == "float":
            out[c] = _Column(c, True, None, False)
            continue
        t = count_table(data, [c])
        levels = t.levels[c]
        numeric = kind == "int" and len(levels) > MAX_INT_LEVELS
        out[c] = _Column(c, numeric, None if numeric else levels, len(levels) < 2)
    return out


def _frame(data, cols: list[str]) -> pd.DataFrame:
    """The used columns of an in-memory table (pandas, pyarrow) as a pandas frame."""
    if engine_of(data) == "pandas":
        return data[cols]
    return pd.DataFrame({c: data[c].to_pylist() for c in cols})


# --------------------------------------------------------------------------- tests


@dataclass
class _Test:
    test: str = ""
    statistic: float = math.nan
    dof: float = math.nan
    p_value: float = math.nan
    effect: float = math.nan
    effect_measure: str = ""
    ci_low: float = math.nan
    ci_high: float = math.nan
    n: int = 0
    note: str = ""


def g_test(data, a: str, b: str, given: Iterable[str] = ()) -> _Test:
    """G-test of ``a ⫫ b | given`` on counts from :func:`~causal_magic.backends.count_table`.

    Strata where ``a`` or ``b`` shows a single value add nothing (neither to
    ``G`` nor to the degrees of freedom).  No p-value when no stratum is
    informative or when the informative strata have more cells than rows
    (mean count below 1: the chi-square reference would be fiction).
    """
    from scipy import stats

    given = list(given)
    t = count_table(data, [a, b, *given])
    n = t.n.astype(float)
    ca, cb = t.col(a), t.col(b)
    if given:
        _, z = np.unique(t.codes[:, 2:], axis=0, return_inverse=True)
        z = z.ravel()
    else:
        z = np.zeros(len(n), dtype=np.int64)
    nz = int(z.max()) + 1 if len(z) else 0
    la, lb = len(t.levels[a]), len(t.levels[b])
    # margins n(a, z), n(b, z), n(z)
    az = np.bincount(z * la + ca, weights=n, minlength=nz * la).reshape(nz, la)
    bz = np.bincount(z * lb + cb, weights=n, minlength=nz * lb).reshape(nz, lb)
    n_z = az.sum(axis=1)
    r = (az > 0).sum(axis=1)
    c = (bz > 0).sum(axis=1)
    informative = (r >= 2) & (c >= 2)
    out = _Test(G_TEST, effect_measure="Cramér's V", n=t.n_used)
    dropped = f"; {t.n_dropped:,} rows with missing values left out" if t.n_dropped else ""
    if not informative.any():
        out.note = (
            f"not testable: no stratum{' of ' + _names(given) if given else ''} shows two "
            f"values of both {a} and {b}" + dropped
        )
        return out
    keep = informative[z]

    def xlogx(v):
        v = v[v > 0]
        return float((v * np.log(v)).sum())

    G = 2.0 * (
        xlogx(n[keep])
        - xlogx(az[informative].ravel())
        - xlogx(bz[informative].ravel())
        + xlogx(n_z[informative])
    )
    G = max(G, 0.0)
    dof = int(((r - 1) * (c - 1))[informative].sum())
    n_inf = float(n_z[informative].sum())
    cells = int((r * c)[informative].sum())
    out.statistic, out.dof = G, float(dof)
    k = max(min(la, lb) - 1, 1)
    out.effect = math.sqrt(G / (n_inf * k)) if n_inf > 0 else math.nan
    skipped = int((~informative & (n_z > 0)).sum())
    bits = []
    if skipped:
        bits.append(
            f"{skipped} of {int((n_z > 0).sum())} strata show one value of {a} or {b} "
            "and add nothing"
        )
    if cells > n_inf:
        out.note = (
            f"too sparse to test: {cells} cells in the informative strata but only "
            f"{int(n_inf)} rows (fewer than one per cell)" + dropped
        )
        out.test = G_TEST
        out.p_value = math.nan
        return out
    low = 0
    for s in np.flatnonzero(informative):
        ra = np.sort(az[s][az[s] > 0])
        rb = np.sort(bz[s][bz[s] > 0])
        # pairs with E = ra_i rb_j / n_s < 5
        low += int(np.searchsorted(rb, 5.0 * n_z[s] / ra, side="left").sum())
    if low > LOW_EXPECTED_SHARE * cells:
        bits.append(
            f"approximate: {low} of {cells} expected counts are below 5 "
            "(the chi-square reference is rough)"
        )
    out.p_value = float(stats.chi2.sf(G, dof))
    out.note = "; ".join(bits) + dropped
    return out


def _indicators(s: pd.Series) -> np.ndarray:
    """L - 1 indicator columns of a categorical series (first value left out)."""
    codes, uniq = pd.factorize(s, sort=True)
    if len(uniq) < 2:
        return np.zeros((len(s), 0))
    return (codes[:, None] == np.arange(1, len(uniq))[None, :]).astype(float)


def linear_test(
    frame: pd.DataFrame, a: str, b: str, given: Iterable[str], categorical: set[str]
) -> _Test:
    """Partial correlation (Fisher z), or Wilks' lambda with indicators for categories.

    ``categorical`` names the columns that enter as indicators: a categorical
    conditioning set as strata (centring within each cell), a categorical
    variable under test as ``L - 1`` indicator columns.  This is the
    in-memory path (pandas, pyarrow); :func:`linear_test_engine` gets the same
    numbers from per-cell sums computed by the engine.
    """
    given = list(given)
    cols = [a, b, *given]
    d = frame[cols]
    n_all = len(d)
    d = d.dropna()
    n = len(d)
    cat_z = [g for g in given if g in categorical]
    num_z = [g for g in given if g not in categorical]

    def block(col):
        if col in categorical:
            return _indicators(d[col])
        return pd.to_numeric(d[col]).to_numpy(dtype=float)[:, None]

    A, B = block(a), block(b)
    Z = np.column_stack([block(g) for g in num_z]) if num_z else np.zeros((n, 0))
    X = np.column_stack([A, B, Z])
    if cat_z and n:
        strata = pd.MultiIndex.from_frame(d[cat_z]) if len(cat_z) > 1 else d[cat_z[0]]
        sid, _ = pd.factorize(strata)
        n_strata = int(sid.max()) + 1
        sums = np.column_stack(
            [np.bincount(sid, weights=X[:, j], minlength=n_strata) for j in range(X.shape[1])]
        ).reshape(n_strata, X.shape[1])
        cnt = np.bincount(sid, minlength=n_strata).astype(float)
        X = X - sums[sid] / cnt[sid, None]
    else:
        n_strata = 1
        X = X - X.mean(axis=0) if n else X
    W = X.T @ X
    return _linear_from_W(W, n, n_strata, A.shape[1], B.shape[1], a, b, given, n_all - n)


def _whiten(M: np.ndarray) -> np.ndarray:
    """``V`` with ``V.T M V = I`` on M's numerical range (M symmetric, scaled to unit diagonal)."""
    if M.shape[0] == 0:
        return np.zeros((0, 0))
    ev, U = np.linalg.eigh((M + M.T) / 2)
    keep = ev > 1e-10
    return U[:, keep] / np.sqrt(ev[keep])


def _linear_from_W(W, n, n_strata, p0, q0, a, b, given, dropped) -> _Test:
    """The linear test from the within-strata cross-product matrix of ``[A, B, Z]``.

    ``W`` is ``Σ (x - mean_stratum)(x - mean_stratum)ᵀ`` over the design columns:
    ``p0`` columns for ``a``, ``q0`` for ``b``, then the numeric conditioning
    columns.  The numeric conditioning set is partialled out by a Schur
    complement; the canonical correlations of what is left give Fisher's z
    (one column each) or Wilks' lambda.
    """
    from scipy import stats

    out = _Test(n=int(n))
    miss = f"; {dropped:,} rows with missing values left out" if dropped else ""
    cols = [a, b, *given]
    single = p0 == 1 and q0 == 1
    out.test = FISHER_Z if single else WILKS
    out.effect_measure = "partial r" if single else "canonical r"
    if n == 0:
        out.note = f"not testable: no row has values for all of {_names(cols)}" + miss
        return out
    scale = np.sqrt(np.clip(np.diag(W), 0.0, None))
    scale[scale == 0] = 1.0
    Wn = W / np.outer(scale, scale)  # unit diagonal: tolerances are relative
    ab = p0 + q0
    Zz = Wn[ab:, ab:]
    Vz = _whiten(Zz)
    k = Vz.shape[1]
    S = Wn[:ab, :ab]
    if k:
        C = Wn[:ab, ab:] @ Vz
        S = S - C @ C.T
    Saa, Sbb, Sab = S[:p0, :p0], S[p0:, p0:], S[:p0, p0:]
    Va, Vb = _whiten(Saa), _whiten(Sbb)
    p, q = Va.shape[1], Vb.shape[1]
    resid = n - n_strata - k  # rows left after removing the conditioning set's fit
    where = f" once {_names(given)} {'is' if len(given) == 1 else 'are'} accounted for"
    if p == 0 or q == 0:
        which = a if p == 0 else b
        out.note = f"not testable: {which} does not vary{where if given else ''}" + miss
        return out
    if resid - max(p, q) - 2 <= 0:
        out.note = (
            f"too few rows to test: {n} rows for {n_strata} "
            f"{'stratum' if n_strata == 1 else 'strata'} and {k} numeric conditioning "
            f"column{'' if k == 1 else 's'}" + miss
        )
        return out
    rho = np.clip(np.linalg.svd(Va.T @ Sab @ Vb, compute_uv=False), 0.0, 1.0 - 1e-15)
    if single:
        r = float(Sab[0, 0] / math.sqrt(Saa[0, 0] * Sbb[0, 0]))
        r = max(min(r, 1 - 1e-15), -1 + 1e-15)
        zstat = math.atanh(r) * math.sqrt(resid - 2)
        out.statistic, out.effect = zstat, r
        half = 1.959963984540054 / math.sqrt(resid - 2)  # 95% interval on Fisher's z scale
        out.ci_low, out.ci_high = math.tanh(math.atanh(r) - half), math.tanh(math.atanh(r) + half)
        out.p_value = float(2 * stats.norm.sf(abs(zstat)))
    else:
        lam = float(np.prod(1 - rho**2))
        stat = -(resid - (p + q + 1) / 2) * math.log(lam)
        out.statistic, out.dof = max(stat, 0.0), float(p * q)
        out.effect = float(rho.max()) if len(rho) else 0.0
        out.p_value = float(stats.chi2.sf(out.statistic, p * q))
    out.note = miss.lstrip("; ")
    return out


# -- the same test from sums the engine computes -----------------------------------------


def _moments(data, keys: list[str], nums: list[str]) -> tuple[pd.DataFrame, int]:
    """Per cell of ``keys``: ``n``, ``s{i}`` = Σ x_i and ``q{i}_{j}`` = Σ x_i x_j (i ≤ j).

    Rows with a missing value in any used column are left out (and counted);
    the numeric columns are shifted by their means first (one more pass), so
    that the within-cell sums of squares do not cancel catastrophically.
    Only the small table comes back to Python.
    """
    engine = engine_of(data)
    pairs = [(i, j) for i in range(len(nums)) for j in range(i, len(nums))]
    fn = {"polars": _moments_polars, "duckdb": _moments_duckdb, "dask": _moments_dask}
    fn["pyspark"] = _moments_spark
    small, n_all = fn[engine](data, keys, nums, pairs)
    small = small.reset_index(drop=True)
    return small, int(n_all - small["n"].sum())


def _moments_polars(data, keys, nums, pairs):
    import polars as pl

    lf = data.lazy() if isinstance(data, pl.DataFrame) else data
    n_all = lf.select(pl.len()).collect().item()
    ok = [pl.col(c).is_not_null() for c in keys + nums]
    ok += [pl.col(c).cast(pl.Float64).is_not_nan() for c in nums]
    lf = lf.filter(pl.all_horizontal(ok)) if ok else lf
    x = {i: pl.col(c).cast(pl.Float64) for i, c in enumerate(nums)}
    if nums:
        means = lf.select([x[i].mean().alias(f"m{i}") for i in x]).collect().row(0)
        x = {i: x[i] - (means[i] or 0.0) for i in x}
    aggs = [pl.len().alias("n")] + [x[i].sum().alias(f"s{i}") for i in x]
    aggs += [(x[i] * x[j]).sum().alias(f"q{i}_{j}") for i, j in pairs]
    out = (lf.group_by(keys).agg(aggs) if keys else lf.select(aggs)).collect()
    return pd.DataFrame({c: out[c].to_list() for c in out.columns}), n_all


def _moments_duckdb(rel, keys, nums, pairs):
    from .backends import _quote_sql as q

    n_all = rel.aggregate("count(*)").fetchall()[0][0]
    ok = [f"{q(c)} IS NOT NULL" for c in keys + nums]
    ok += [f"NOT isnan(CAST({q(c)} AS DOUBLE))" for c in nums]
    if ok:
        rel = rel.filter(" AND ".join(ok))
    x = {i: f"CAST({q(c)} AS DOUBLE)" for i, c in enumerate(nums)}
    if nums:
        means = rel.aggregate(", ".join(f"avg({x[i]})" for i in x)).fetchall()[0]
        x = {i: f"({x[i]} - {float(means[i] or 0.0)!r})" for i in x}
    aggs = ["count(*) AS n"] + [f"sum({x[i]}) AS s{i}" for i in x]
    aggs += [f"sum({x[i]} * {x[j]}) AS q{i}_{j}" for i, j in pairs]
    group = ", ".join(q(c) for c in keys)
    out = rel.aggregate(", ".join(([group] if keys else []) + aggs), group)
    return pd.DataFrame.from_records(out.fetchall(), columns=out.columns), n_all


def _moments_dask(ddf, keys, nums, pairs):
    d = ddf[keys + nums]
    n_all = int(d.shape[0].compute())
    d = d.dropna()
    frame = d[keys].assign(n=1) if keys else d[[]].assign(n=1)
    if nums:
        means = d[nums].astype("float64").mean().compute()
        xs = [d[c].astype("float64") - float(means[c]) for c in nums]
        frame = frame.assign(**{f"s{i}": x for i, x in enumerate(xs)})
        frame = frame.assign(**{f"q{i}_{j}": xs[i] * xs[j] for i, j in pairs})
    if keys:
        out = frame.groupby(keys, observed=True).sum().compute().reset_index()
    else:
        out = frame.sum().compute().to_frame().T
    return out, n_all


def _moments_spark(sdf, keys, nums, pairs):
    from pyspark.sql import functions as F

    n_all = sdf.count()
    cond = None
    for c in keys + nums:
        ok = F.col(f"`{c}`").isNotNull()
        if c in nums:
            ok = ok & ~F.isnan(F.col(f"`{c}`").cast("double"))
        cond = ok if cond is None else cond & ok
    if cond is not None:
        sdf = sdf.filter(cond)
    x = {i: F.col(f"`{c}`").cast("double") for i, c in enumerate(nums)}
    if nums:
        means = sdf.agg(*[F.avg(x[i]) for i in x]).collect()[0]
        x = {i: x[i] - F.lit(float(means[i] or 0.0)) for i in x}
    aggs = [F.count(F.lit(1)).alias("n")] + [F.sum(x[i]).alias(f"s{i}") for i in x]
    aggs += [F.sum(x[i] * x[j]).alias(f"q{i}_{j}") for i, j in pairs]
    grouped = sdf.groupBy(*[F.col(f"`{c}`") for c in keys]) if keys else sdf.groupBy()
    rows = grouped.agg(*aggs).collect()
    names = keys + ["n"] + [f"s{i}" for i in x] + [f"q{i}_{j}" for i, j in pairs]
    return pd.DataFrame.from_records([tuple(r) for r in rows], columns=names), n_all


def linear_test_engine(data, a: str, b: str, given: Iterable[str], categorical: set[str]):
    """:func:`linear_test` from per-cell sums the engine computes (polars, DuckDB, Dask, Spark).

    The categorical columns are the group-by keys; in each cell the indicator
    columns are constant, so the cross-products of the design follow from the
    cell's count, sums and sums of products of the numeric columns.
    """
    given = list(given)
    cols = [a, b, *given]
    keys = [c for c in cols if c in categorical]
    nums = [c for c in cols if c not in categorical]
    mom, dropped = _moments(data, keys, nums)
    mom = mom[mom["n"] > 0].reset_index(drop=True)
    n_g = mom["n"].to_numpy(dtype=float)
    G = len(mom)
    # design columns: (kind, payload) -- ("ind", (key, level)) or ("num", index in nums)
    design: list[tuple[str, object]] = []
    blocks = []
    for col in (a, b):
        start = len(design)
        if col in categorical:
            levels = sorted(set(mom[col].tolist()), key=lambda v: (str(type(v)), v))
            design += [("ind", (col, lv)) for lv in levels[1:]]
        else:
            design.append(("num", nums.index(col)))
        blocks.append(len(design) - start)
    design += [("num", nums.index(g)) for g in given if g not in categorical]
    D = len(design)
    T = np.zeros((G, D))  # Σ x over each cell
    C = np.zeros((G, D, D))  # Σ x xᵀ over each cell
    ind = np.zeros((G, D))
    for j, (kind, what) in enumerate(design):
        if kind == "ind":
            col, lv = what
            ind[:, j] = (mom[col] == lv).to_numpy(dtype=float)
            T[:, j] = ind[:, j] * n_g
        else:
            T[:, j] = mom[f"s{what}"].to_numpy(dtype=float)
    for j, (kj, wj) in enumerate(design):
        for m, (km, wm) in enumerate(design):
            if kj == "ind" and km == "ind":
                v = ind[:, j] * ind[:, m] * n_g
            elif kj == "ind":
                v = ind[:, j] * T[:, m]
            elif km == "ind":
                v = ind[:, m] * T[:, j]
            else:
                i1, i2 = sorted((wj, wm))
                v = mom[f"q{i1}_{i2}"].to_numpy(dtype=float)
            C[:, j, m] = v
    cat_z = [g for g in given if g in categorical]
    if cat_z and G:
        sid, _ = pd.factorize(pd.MultiIndex.from_frame(mom[cat_z]))
    else:
        sid = np.zeros(G, dtype=np.int64)
    n_strata = int(sid.max()) + 1 if G else 0
    W = np.zeros((D, D))
    for s in range(n_strata):
        m = sid == s
        ns = n_g[m].sum()
        ts = T[m].sum(axis=0)
        W += C[m].sum(axis=0) - np.outer(ts, ts) / ns
    n = int(n_g.sum())
    return _linear_from_W(W, n, max(n_strata, 1), blocks[0], blocks[1], a, b, given, dropped)


def adjust(p: np.ndarray, method: str = "holm") -> np.ndarray:
    """Multiple-testing adjusted p-values (NaN stays NaN and is not counted)."""
    p = np.asarray(p, dtype=float)
    out = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return out
    v = p[ok]
    if method == "none":
        adj = v
    elif method == "bonferroni":
        adj = np.minimum(v * m, 1.0)
    elif method == "holm":
        order = np.argsort(v, kind="stable")
        stepped = np.maximum.accumulate(v[order] * (m - np.arange(m)))
        adj = np.empty(m)
        adj[order] = np.minimum(stepped, 1.0)
    elif method == "bh":
        order = np.argsort(v, kind="stable")[::-1]
        stepped = np.minimum.accumulate(v[order] * m / (m - np.arange(m)))
        adj = np.empty(m)
        adj[order] = np.minimum(stepped, 1.0)
    else:
        raise ValueError(f"correction={method!r} is unknown; use one of {', '.join(CORRECTIONS)}")
    out[ok] = adj
    return out


def _check_alpha(alpha: float) -> None:
    if not isinstance(alpha, (int, float)) or not 0 < alpha < 1:
        raise ValueError(f"alpha={alpha!r} must be a number between 0 and 1, e.g. 0.05")


def _correction(correction: str | None) -> str:
    c = "none" if correction in (None, False) else str(correction).lower()
    c = {"fdr_bh": "bh", "benjamini-hochberg": "bh", "fdr": "bh"}.get(c, c)
    if c not in CORRECTIONS:
        raise ValueError(
            f"correction={correction!r} is unknown; use one of {', '.join(CORRECTIONS)}"
        )
    return c


# --------------------------------------------------------------------------- check_fit


def _columns(data) -> list[str]:
    try:
        return columns_of(data)
    except TypeError as e:
        raise FitError(str(e).replace("--data", "data")) from None


def _test_rows(data, items, profile, notes) -> list[dict]:
    """Run one test per ``(Independence, label)``; rows without the correction columns."""
    engine = engine_of(data)
    rows = []
    frames: dict[tuple, pd.DataFrame | None] = {}
    used_linear = used_g = False
    for imp, extra in items:
        a, b = str(imp.a), str(imp.b)
        given = [str(g) for g in sorted(imp.given, key=str)]
        row = {"independence": str(imp), "a": a, "b": b, "given": tuple(given), **extra}
        const = [v for v in (a, b) if profile[v].constant]
        const_z = [g for g in given if profile[g].constant]
        use_given = [g for g in given if g not in const_z]
        res = _Test()
        if const:
            lv = profile[const[0]].levels
            if lv:
                res.note = f"not testable: {const[0]} is constant in the data (only {lv[0]!r})"
            else:
                res.note = f"not testable: {const[0]} has no values in the data"
        elif all(not profile[v].numeric for v in (a, b, *use_given)):
            res = g_test(data, a, b, use_given)
            used_g = True
        else:
            key = (a, b, *use_given)
            cats = {v for v in key if not profile[v].numeric}
            if engine in ("pandas", "pyarrow"):  # in memory already: test on the rows
                if key not in frames:
                    frames[key] = _frame(data, list(key))
                res = linear_test(frames[key], a, b, use_given, cats)
            else:  # sums per cell, computed by the engine
                res = linear_test_engine(data, a, b, use_given, cats)
            used_linear = True
        if const_z and not const:
            res.note = "; ".join(
                x
                for x in (
                    f"{_names(const_z)} constant: conditioning on it changes nothing",
                    res.note,
                )
                if x
            )
        row.update(
            test=res.test,
            statistic=res.statistic,
            dof=res.dof,
            p_value=res.p_value,
            effect=res.effect,
            effect_measure=res.effect_measure,
            ci_low=res.ci_low,
            ci_high=res.ci_high,
            n=res.n,
            note=res.note,
        )
        rows.append(row)
    if used_g:
        notes.append(
            "Categorical tests: G-test summed over the strata of the conditioning set; a "
            "stratum where either variable shows a single value adds nothing (to G or to its "
            "degrees of freedom); no p-value when the informative strata have fewer rows than "
            "cells, and a flag when over 20% of expected counts are below 5."
        )
    if used_linear:
        notes.append(
            "Numeric and mixed tests: partial correlation with Fisher's z (Wilks' lambda when "
            "a categorical variable under test has more than two values); categorical columns "
            "enter as indicators, a categorical conditioning set as its strata. These tests "
            "see linear association only."
            + (
                f" Computed from per-cell counts, sums and sums of products returned by {engine}."
                if engine not in ("pandas", "pyarrow")
                else ""
            )
        )
    return rows


def _frame_of(rows: list[dict], extra_cols: list[str] = ()) -> pd.DataFrame:
    cols = COLUMNS[:4] + list(extra_cols) + COLUMNS[4:]
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=_dtype(c)) for c in cols})
    df = pd.DataFrame(rows)
    for c in cols:
        if c not in df:
            df[c] = np.nan
    df = df[cols]
    for c in _FLOATS:
        df[c] = df[c].astype(float)
    df["rejected"] = df["rejected"].astype(bool)
    df["n"] = df["n"].astype("int64")
    return df


def _dtype(c: str):
    if c in _FLOATS:
        return float
    if c == "rejected":
        return bool
    if c == "n":
        return "int64"
    return object


def _finish(rows, alpha, correction) -> None:
    padj = adjust(np.array([r["p_value"] for r in rows], dtype=float), correction)
    for r, pa in zip(rows, padj, strict=True):
        r["p_adjusted"] = float(pa)
        r["rejected"] = bool(not math.isnan(pa) and pa <= alpha)


def _prepare(G, data) -> list[str] | None:
    """Check the graph and that it shares a column with the data; return the columns."""
    _check_graph(G)
    if data is None:
        return None
    cols = _columns(data)
    shared = [n for n in G.nodes if not is_hidden(G, n) and str(n) in set(cols)]
    if not shared:
        from .hints import suggest

        names = [str(n) for n in G.nodes if not is_hidden(G, n)]
        hint = ""
        for n in names:
            s = suggest(n, cols)
            if s is not None:
                hint = f"; did you mean column {s!r} for node {n!r}?"
                break
        shown = ", ".join(cols[:20]) + (", ..." if len(cols) > 20 else "")
        raise FitError(
            f"none of the graph's nodes ({', '.join(names[:20]) or 'none'}) is a column of "
            f"the data (columns: {shown}){hint}"
        )
    return cols


def check_fit(
    G: nx.DiGraph,
    data,
    alpha: float = 0.05,
    correction: str | None = "holm",
    *,
    graph_name: str | None = None,
) -> FitResult:
    """Test every conditional independence the graph implies among the measured columns.

    Parameters
    ----------
    G : nx.DiGraph
        The causal graph.  Nodes that are not columns of ``data``, nodes with
        role ``latent`` and the hidden nodes of ``<->`` edges are unmeasured.
    data : table
        pandas, polars, pyarrow, DuckDB, Dask or PySpark.
    alpha : float
        Level at which an adjusted p-value counts as a rejection.
    correction : {"holm", "bonferroni", "bh", "none"}
        Multiple-testing correction over the tests that ran (Holm's step-down
        controls the family-wise error rate at ``alpha``).

    Returns
    -------
    FitResult
        ``.table`` (one row per implication), ``.notes``, a card in notebooks.

    Raises
    ------
    FitError
        Not a DiGraph, a cycle, or no node of the graph is a column.

    Examples
    --------
    >>> import numpy as np, pandas as pd, networkx as nx
    >>> rng = np.random.default_rng(0)
    >>> a = rng.integers(0, 2, 500); b = a ^ (rng.random(500) < .2); c = b ^ (rng.random(500) < .2)
    >>> fit = check_fit(nx.DiGraph([("A", "B"), ("B", "C")]), pd.DataFrame(dict(A=a, B=b, C=c)))
    >>> list(fit.table["independence"]), bool(fit.table["rejected"][0])
    (['A ⫫ C | B'], False)
    """
    from .identify import implied_independencies

    correction = _correction(correction)
    _check_alpha(alpha)
    if data is None:
        raise FitError(
            "check_fit needs data (a table whose columns are the graph's nodes); to list "
            "the graph's implications without data, use implied_independencies(G)"
        )
    cols = _prepare(G, data)
    notes: list[str] = []
    obs, lat = _observed(G, cols, notes)
    imps = implied_independencies(G, observed=obs)
    engine = engine_of(data)
    if not imps:
        notes.append(_nothing_testable_note(G, obs))
        return FitResult(
            _frame_of([]),
            notes,
            alpha,
            correction,
            [str(o) for o in obs],
            [str(x) for x in lat if not is_hidden(G, x)],
            None,
            engine,
            graph_name,
        )
    used = sorted({str(v) for i in imps for v in (i.a, i.b, *i.given)})
    profile = _profile(data, used)
    nums = [c for c in used if profile[c].numeric]
    if nums:
        cats = [c for c in used if not profile[c].numeric]
        notes.append(
            f"Treated as numeric: {_names(nums)}"
            + (f"; as categorical: {_names(cats)}" if cats else "")
            + f" (text, booleans and integers with at most {MAX_INT_LEVELS} values are "
            "categorical)."
        )
    constant = [c for c in used if profile[c].constant and profile[c].levels]
    empty = [c for c in used if profile[c].constant and not profile[c].levels]
    if empty:
        notes.append(
            f"{_names(empty)} {'has' if len(empty) == 1 else 'have'} no values in the data "
            "(no rows, or all missing): nothing about it can be tested."
        )
    if constant:
        notes.append(
            f"{_names(constant)} {'is' if len(constant) == 1 else 'are'} constant in the "
            "data: an implication about a constant variable cannot be tested (it is "
            "trivially true), and conditioning on one changes nothing."
        )
    rows = _test_rows(data, [(i, {}) for i in imps], profile, notes)
    _finish(rows, alpha, correction)
    untested = [r for r in rows if _isnan(r["p_value"])]
    if untested:
        notes.append(
            f"{len(untested)} of {len(rows)} implications could not be tested (see the "
            "note column); the correction counts only the tests that ran."
        )
    n_rows = max((r["n"] for r in rows), default=0)
    return FitResult(
        _frame_of(rows),
        notes,
        alpha,
        correction,
        [str(o) for o in obs],
        [str(x) for x in lat if not is_hidden(G, x)],
        n_rows,
        engine,
        graph_name,
    )


# --------------------------------------------------------------------------- compare


def _skeleton(G: nx.DiGraph) -> set[frozenset]:
    return {frozenset(e) for e in G.edges}


def _v_structures(G: nx.DiGraph) -> set[tuple]:
    """``(a, c, b)`` with ``a -> c <- b``, ``a`` and ``b`` not adjacent (``a < b`` by str)."""
    out = set()
    for c in G.nodes:
        ps = sorted(G.predecessors(c), key=str)
        for i, a in enumerate(ps):
            for b in ps[i + 1 :]:
                if not (G.has_edge(a, b) or G.has_edge(b, a)):
                    out.add((a, c, b))
    return out


def _equivalence(G1, G2, names, obs1, obs2) -> tuple[bool | None, str]:
    a, b = names
    s1, s2 = set(map(str, obs1)), set(map(str, obs2))
    all1 = {str(n) for n in G1.nodes}
    all2 = {str(n) for n in G2.nodes}
    plain = all1 == s1 and all2 == s2  # no latent nodes
    if plain and s1 == s2:
        k1, k2 = _skeleton(G1), _skeleton(G2)
        v1, v2 = _v_structures(G1), _v_structures(G2)
        if k1 == k2 and v1 == v2:
            return True, (
                f"Markov equivalent: {a} and {b} have the same skeleton and the same "
                "v-structures (colliders with unlinked parents), so they imply exactly the "
                "same independencies and no observational data can tell them apart."
            )
        diff = []
        for e in sorted(k1 - k2, key=lambda e: sorted(map(str, e))):
            diff.append(f"edge {' – '.join(sorted(map(str, e)))} only in {a}")
        for e in sorted(k2 - k1, key=lambda e: sorted(map(str, e))):
            diff.append(f"edge {' – '.join(sorted(map(str, e)))} only in {b}")
        if not diff:
            for x, c, y in sorted(v1 - v2, key=str):
                diff.append(f"collider {x} → {c} ← {y} only in {a}")
            for x, c, y in sorted(v2 - v1, key=str):
                diff.append(f"collider {x} → {c} ← {y} only in {b}")
        return False, "not Markov equivalent: " + "; ".join(diff) + "."
    shared = [n for n in G1.nodes if str(n) in s1 & s2]
    others = sorted((s1 | s2) - (s1 & s2))
    where = f" over the measured variables both contain ({_names(map(str, shared))})"
    only = [(sorted(s1 - s2), a), (sorted(s2 - s1), b)]
    extra = "".join(f"; {_names(vs)} only in {g}" for vs, g in only if vs)
    if len(shared) > MAX_EXHAUSTIVE:
        return None, (
            f"not decided: with unmeasured nodes or different variables, equivalence is checked "
            f"by every d-separation among the shared variables, and {len(shared)} is more than "
            f"{MAX_EXHAUSTIVE}"
        )
    shared2 = [n for n in G2.nodes if str(n) in s1 & s2]
    same = _dsep_equivalent_mixed(G1, G2, shared, shared2)
    caveat = (
        " (With unmeasured variables this compares independencies only; a latent structure "
        "can also imply equality constraints that are not independencies.)"
        if not plain
        else ""
    )
    if others:
        return False, (
            "not Markov equivalent: the graphs measure different variables"
            f"{extra}. Restricted to the variables both measure ({_names(map(str, shared))}) "
            f"they imply {'the same' if same else 'different'} independencies." + caveat
        )
    kind = "the same" if same else "different"
    return same, (
        f"{'equivalent' if same else 'not equivalent'} in their independencies{where}: "
        f"{kind} d-separations among them." + caveat
    )


def _dsep_equivalent_mixed(G1, G2, nodes1, nodes2) -> bool:
    """d-separation equivalence when node objects may differ in type but match by str."""
    by2 = {str(n): n for n in nodes2}
    from itertools import combinations

    from .identify import d_separated

    for i, a in enumerate(nodes1):
        for b in nodes1[i + 1 :]:
            rest = [n for n in nodes1 if n not in (a, b)]
            for k in range(len(rest) + 1):
                for z in combinations(rest, k):
                    z2 = {by2[str(v)] for v in z}
                    if d_separated(G1, a, b, set(z)) != d_separated(
                        G2, by2[str(a)], by2[str(b)], z2
                    ):
                        return False
    return True


def compare(
    G1: nx.DiGraph,
    G2: nx.DiGraph,
    data=None,
    alpha: float = 0.05,
    correction: str | None = "holm",
    *,
    names: tuple[str, str] | None = None,
) -> Comparison:
    """Which testable claims tell two graphs apart, and what the data say about them.

    Each graph's implications (as in :func:`check_fit`) are looked up in the
    other graph by d-separation.  Claims only one graph makes are the ones
    data can use to choose; with ``data`` they are tested (Holm over those
    tests).  A claim about a variable the other graph does not have is listed
    apart: that graph is silent about it.

    Markov equivalence: for two graphs over the same measured variables with
    no unmeasured nodes, by skeleton and v-structures (Verma & Pearl 1990);
    otherwise by comparing every d-separation among the measured variables
    both contain (up to :data:`MAX_EXHAUSTIVE` of them), i.e. equivalence of
    the independencies they imply there.

    Examples
    --------
    >>> gas = nx.DiGraph([("Gear", "Sound")])
    >>> reality = nx.DiGraph([("Talent", "Gear"), ("Talent", "Sound"), ("Gear", "Sound")])
    >>> print(compare(gas, reality, names=("GAS", "Reality")).verdict.split(":")[0])
    No conditional-independence test can tell GAS and Reality apart
    """
    from .identify import d_separated, implied_independencies

    correction = _correction(correction)
    _check_alpha(alpha)
    n1, n2 = names or ("G1", "G2")
    if n1 == n2:
        n1, n2 = f"{n1} (1)", f"{n2} (2)"
    for G, n in ((G1, n1), (G2, n2)):
        try:
            _check_graph(G)
        except FitError as e:
            raise FitError(f"{n}: {e}") from None
    notes: list[str] = []
    cols = None
    if data is not None:
        cols = _columns(data)
        for G, n in ((G1, n1), (G2, n2)):
            try:
                _prepare(G, data)
            except FitError as e:
                raise FitError(f"{n}: {e}") from None
    notes1: list[str] = []
    notes2: list[str] = []
    obs1, _ = _observed(G1, cols, notes1)
    obs2, _ = _observed(G2, cols, notes2)
    notes += [f"{n1}: {x}" for x in notes1] + [f"{n2}: {x}" for x in notes2]
    imps1 = implied_independencies(G1, observed=obs1)
    imps2 = implied_independencies(G2, observed=obs2)
    o1, o2 = {str(n): n for n in obs1}, {str(n): n for n in obs2}

    def holds_in(imp, obs_map, G) -> bool | None:
        names_ = [str(imp.a), str(imp.b), *map(str, imp.given)]
        if any(v not in obs_map for v in names_):
            return None
        return d_separated(
            G, obs_map[str(imp.a)], obs_map[str(imp.b)], {obs_map[str(g)] for g in imp.given}
        )

    only, shared, silent = [], [], []
    for imps, other_map, other_G, me, other in (
        (imps1, o2, G2, n1, n2),
        (imps2, o1, G1, n2, n1),
    ):
        for imp in imps:
            h = holds_in(imp, other_map, other_G)
            if h is None:
                missing = [
                    v for v in [str(imp.a), str(imp.b), *map(str, imp.given)] if v not in other_map
                ]
                silent.append(f"{imp} ({me}; {other} does not measure {_names(missing)})")
            elif h:
                if me == n1:
                    shared.append(str(imp))
            else:
                only.append((imp, {"implied_by": me}))
    equivalent, how = _equivalence(G1, G2, (n1, n2), obs1, obs2)
    rows: list[dict] = []
    if data is not None and only:
        used = sorted({str(v) for imp, _ in only for v in (imp.a, imp.b, *imp.given)})
        rows = _test_rows(data, only, _profile(data, used), notes)
        _finish(rows, alpha, correction)
    else:
        for imp, extra in only:
            rows.append(
                {
                    "independence": str(imp),
                    "a": str(imp.a),
                    "b": str(imp.b),
                    "given": tuple(sorted(map(str, imp.given))),
                    **extra,
                    "test": "",
                    "statistic": math.nan,
                    "dof": math.nan,
                    "p_value": math.nan,
                    "effect": math.nan,
                    "effect_measure": "",
                    "ci_low": math.nan,
                    "ci_high": math.nan,
                    "p_adjusted": math.nan,
                    "rejected": False,
                    "n": 0,
                    "note": "",
                }
            )
    table = _frame_of(rows, ["implied_by"])
    verdict = _verdict(
        n1, n2, table, imps1, imps2, silent, equivalent, data is not None, G1, G2, obs1, obs2
    )
    return Comparison(
        (n1, n2),
        table,
        shared,
        silent,
        equivalent,
        how,
        verdict,
        notes,
        alpha,
        data is not None,
        (len(imps1), len(imps2)),
    )


def _complete_why(G, obs, name) -> str:
    pairs, adj = _adjacent_pairs(G, obs)
    vs = _names([str(o) for o in obs])
    if len(obs) < 2:
        return f"{name} has fewer than two measured variables"
    if adj == pairs:
        return f"{name} joins every pair of its variables ({vs}) by an edge"
    return f"{name} leaves no pair of {vs} separable by measured variables"


def _verdict(n1, n2, table, imps1, imps2, silent, equivalent, has_data, G1, G2, obs1, obs2):
    apart = f"{n1} and {n2} apart"
    if len(table) == 0:
        same_vars = {str(n) for n in obs1} == {str(n) for n in obs2}
        if equivalent is False and same_vars:
            return (
                f"No claim in either graph's list separates {apart}, yet their independencies "
                "differ (see the equivalence line): a test of that particular d-separation "
                "would."
            )
        if not imps1 and not imps2:
            why = (
                f"neither graph implies any conditional independence among its measured "
                f"variables: {_complete_why(G1, obs1, n1)} and {_complete_why(G2, obs2, n2)}, "
                "so every distribution of the data fits both equally well (they differ in "
                "what an intervention would do, which observational data cannot show)"
            )
        else:
            why = (
                "every conditional independence either graph implies among the variables "
                "both measure (one separating set per non-adjacent pair) is implied by the "
                "other as well"
            )
        head = (
            f"These data cannot tell {apart}"
            if has_data
            else f"No conditional-independence test can tell {apart}"
        )
        tail = ""
        if silent:
            tail = (
                f" ({len(silent)} claim(s) involve a variable only one graph measures: "
                "they test that graph alone; see check_fit.)"
            )
        return (
            f"{head}: {why}. Telling them apart needs other knowledge: an experiment "
            "(intervening on a variable), the time order of the variables, or a variable "
            "that one graph says is separated from another." + tail
        )
    k1 = int((table["implied_by"] == n1).sum())
    k2 = int((table["implied_by"] == n2).sum())
    head = f"{n1} makes {k1} claim(s) that {n2} does not, and {n2} makes {k2} that {n1} does not"
    if not has_data:
        return head + "; data can test these to choose between them."
    rej = table[table["rejected"]]
    r1 = int((rej["implied_by"] == n1).sum())
    r2 = int((rej["implied_by"] == n2).sum())
    tested = int(table["p_value"].notna().sum())
    if tested == 0:
        return head + "; none of them could be tested on these data (see the notes)."
    if r1 and not r2:
        return (
            head + f". The data reject {r1} of {n1}'s claims and none of {n2}'s: they favour {n2}."
        )
    if r2 and not r1:
        return (
            head + f". The data reject {r2} of {n2}'s claims and none of {n1}'s: they favour {n1}."
        )
    if r1 and r2:
        return head + ". The data reject claims of both: neither graph fits."
    return (
        head + ". The data reject none of them: at these sample sizes they do not favour "
        "either graph (not rejecting a claim is not evidence that it holds)."
    )
