"""How every pass reads a partition: which rows count, how the adjusters are coded.

Why a module of its own: on Dask and PySpark the model-based methods never
bring rows to Python.  Every number they need is a sum over rows, made
partition by partition (:func:`causal_magic.backends.map_partitions`) and added
up on the driver.  For those sums to describe one data set, every pass must
read each partition in exactly the same way: the same rows left out, the same
design matrix, the same folds.  :class:`Reader` is that single reading, and
this module also makes the two passes that decide it:

* **the scan** (:func:`scan`): the rows with a missing value or a ``±inf`` are
  counted and set aside; every used column gives its count, mean and sum of
  squared deviations (merged across partitions by Chan's formula, so nothing
  cancels) and its distinct values up to :data:`CAP`.  From these the
  adjusters are coded exactly as :func:`~causal_magic.estimate.models.make_design`
  codes a pandas frame: numeric ones standardised by the mean and standard
  deviation of the rows used, categorical ones one-hot (first level the
  reference), constant ones left out;
* **the structure** (:func:`structure`): a design column equal to an earlier
  one in every partition (compared by a hash of each partition's column) is
  left out, and when every adjuster is categorical the joint cells that occur
  are listed -- at most ``MAX_SATURATED_CELLS`` of them make the design
  saturated, as on pandas.

Folds: with ``folds=K > 1`` the rows of partition ``i`` (after the rows left
out) get ``default_rng([seed, i]).permutation(m) % K``.  The seed therefore
fixes the folds for a given partitioning; a table cut into other partitions
gets other folds (and, with cross-fitting, a slightly different estimate).
``folds=1`` uses every row for every fit, and its numbers equal pandas'.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd

from ..models import MAX_LEVELS, MAX_SATURATED_CELLS, value_kind
from ..result import DataError
from ..validate import MAX_FLOAT_LEVELS

__all__ = [
    "CAP",
    "Column",
    "ColumnScan",
    "DesignSpec",
    "Reader",
    "Scan",
    "column_scan",
    "design_spec",
    "scan",
    "structure",
]

#: Distinct values kept per column by the scan (more only says "many").
CAP = 1000


@dataclass
class Moments:
    """Count, mean and sum of squared deviations of one numeric column (Chan's merge)."""

    n: int = 0
    mean: float = 0.0
    m2: float = 0.0
    lo: float = np.inf
    hi: float = -np.inf

    @classmethod
    def of(cls, v: np.ndarray) -> Moments:
        if not len(v):
            return cls()
        m = float(v.mean())
        return cls(len(v), m, float(((v - m) ** 2).sum()), float(v.min()), float(v.max()))

    def __add__(self, o: Moments) -> Moments:
        n = self.n + o.n
        if not n:
            return Moments()
        d = o.mean - self.mean
        return Moments(
            n,
            self.mean + d * o.n / n,
            self.m2 + o.m2 + d * d * self.n * o.n / n,
            min(self.lo, o.lo),
            max(self.hi, o.hi),
        )


@dataclass
class ColumnScan:
    """What the scan learnt of one column over the rows used."""

    kind: str  # "bool", "int", "float", "other" (as value_kind names a pandas dtype)
    values: set = field(default_factory=set)
    many: bool = False  # more than CAP distinct values
    moments: Moments = field(default_factory=Moments)

    def __add__(self, o: ColumnScan) -> ColumnScan:
        values = self.values | o.values
        many = self.many or o.many or len(values) > CAP
        return ColumnScan(self.kind, set() if many else values, many, self.moments + o.moments)

    @property
    def numeric(self) -> bool:
        return self.kind in ("int", "float")

    def levels(self) -> tuple:
        """The distinct values, sorted (by text when they do not compare)."""
        try:
            return tuple(sorted(self.values))
        except TypeError:
            return tuple(sorted(self.values, key=str))

    def categorical(self) -> bool:
        """The strata rule (as ``models.is_categorical``): text, bool, or few numbers."""
        return not self.numeric or (not self.many and len(self.values) <= MAX_FLOAT_LEVELS)


@dataclass
class Scan:
    """The scan's sums over every partition."""

    n_all: int
    n_missing: int  # rows with a missing value in some used column
    missing_in: list[str]  # the columns with a missing value
    n_inf: int  # complete rows with ±inf in a float column
    inf_in: list[str]
    columns: dict[str, ColumnScan]
    n_used: int  # rows left after those and the reader's own filter (trimming)


@dataclass
class Reader:
    """One reading of a partition, the same in every pass (see the module docstring).

    ``ints`` are the columns whose schema is integer: an engine may hand them
    over as floats when they hold nulls, and they are made integers again once
    those rows are gone.  ``keep`` filters the complete rows further (trimming).
    """

    cols: list[str]
    ints: tuple[str, ...] = ()
    keep: object = None  # callable(frame, index) -> bool mask, or None
    folds: int = 1
    seed: int = 0

    def complete(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """(no missing value, no ±inf among the complete rows), as row masks."""
        ok = frame.notna().all(axis=1).to_numpy()
        inf = np.zeros(len(frame), dtype=bool)
        for c in self.cols:
            if pd.api.types.is_float_dtype(frame[c]):
                inf |= np.isinf(frame[c].to_numpy(float))
        return ok, inf & ok

    def rows(self, frame: pd.DataFrame, index: int) -> pd.DataFrame:
        """The rows used, with integer columns as integers."""
        ok, inf = self.complete(frame)
        frame = frame[ok & ~inf]
        for c in self.ints:
            if not pd.api.types.is_integer_dtype(frame[c]):
                frame = frame.assign(**{c: frame[c].astype("int64")})
        if self.keep is not None and len(frame):
            frame = frame[self.keep(frame, index)]
        return frame.reset_index(drop=True)

    def fold(self, m: int, index: int) -> np.ndarray:
        if self.folds <= 1:
            return np.zeros(m, dtype=np.int64)
        return np.random.default_rng([self.seed, index]).permutation(m) % self.folds


def scan(map_parts, reader: Reader) -> Scan:
    """Pass one: rows left out and each column's moments and distinct values."""

    def one(frame: pd.DataFrame, index: int) -> Scan:
        ok, inf = reader.complete(frame)
        missing = [c for c in reader.cols if frame[c].isna().any()]
        inf_in = [
            c
            for c in reader.cols
            if pd.api.types.is_float_dtype(frame[c]) and np.isinf(frame[c].to_numpy(float)).any()
        ]
        used = reader.rows(frame, index)
        cols = {}
        for c in reader.cols:
            s = used[c]
            uniq = pd.unique(s)
            many = len(uniq) > CAP
            cs = ColumnScan(value_kind(s), set() if many else set(uniq.tolist()), many)
            if cs.numeric:
                cs.moments = Moments.of(s.to_numpy(float))
            cols[c] = cs
        return Scan(len(frame), int((~ok).sum()), missing, int(inf.sum()), inf_in, cols, len(used))

    parts = map_parts(one)  # (an engine may skip empty partitions: maybe none at all)
    if not parts:
        raise DataError(f"too few complete rows (0) in {', '.join(reader.cols)} to fit models")
    total = parts[0]
    for p in parts[1:]:
        total = Scan(
            total.n_all + p.n_all,
            total.n_missing + p.n_missing,
            total.missing_in + [c for c in p.missing_in if c not in total.missing_in],
            total.n_inf + p.n_inf,
            total.inf_in + [c for c in p.inf_in if c not in total.inf_in],
            {c: total.columns[c] + p.columns[c] for c in total.columns},
            total.n_used + p.n_used,
        )
    order = {c: i for i, c in enumerate(reader.cols)}
    total.missing_in.sort(key=order.get)
    total.inf_in.sort(key=order.get)
    return total


def column_scan(data: object, col: str) -> ColumnScan:
    """One column's scan over its non-missing values (``auto`` asks: is it continuous?)."""
    from ...backends import map_partitions

    return scan(partial(map_partitions, data, [col]), Reader([col])).columns[col]


# -- the design ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One adjuster as the design codes it: standardised, or one-hot on ``levels[1:]``."""

    name: str
    numeric: bool
    mean: float = 0.0
    sd: float = 1.0
    levels: tuple = ()

    def names(self) -> list[str]:
        return [self.name] if self.numeric else [f"{self.name}={lv}" for lv in self.levels[1:]]

    def block(self, s: pd.Series) -> list[np.ndarray]:
        if self.numeric:
            return [(s.to_numpy(dtype=float) - self.mean) / self.sd]
        v = s.to_numpy()
        return [(v == lv).astype(float) for lv in self.levels[1:]]


@dataclass
class DesignSpec:
    """The design every partition builds: columns, the ones kept, the saturated cells."""

    columns: list[Column]
    kept: list[int] | None = None  # indices of the raw design columns kept (None: all)
    cells: np.ndarray | None = None  # sorted codes of the joint cells (saturated design)
    notes: list[str] = field(default_factory=list)

    def raw_names(self) -> list[str]:
        return [n for c in self.columns for n in c.names()]

    @property
    def names(self) -> list[str]:
        raw = self.raw_names()
        return raw if self.kept is None else [raw[i] for i in self.kept]

    @property
    def saturated(self) -> bool:
        return self.cells is not None

    def raw(self, frame: pd.DataFrame) -> list[np.ndarray]:
        return [v for c in self.columns for v in c.block(frame[c.name])]

    def matrix(self, frame: pd.DataFrame) -> np.ndarray:
        """The design matrix of a partition's rows: an intercept, then the kept columns."""
        raw = self.raw(frame)
        cols = raw if self.kept is None else [raw[i] for i in self.kept]
        return np.column_stack([np.ones(len(frame)), *cols]) if cols else np.ones((len(frame), 1))

    def radix(self, frame: pd.DataFrame) -> np.ndarray | None:
        """A code per row for its joint cell of the categorical adjusters (None: too many)."""
        cats = [c for c in self.columns if not c.numeric]
        if not cats or len(cats) < len(self.columns):
            return None
        if np.prod([float(len(c.levels)) for c in cats]) > 2**62:
            return None
        code, base = np.zeros(len(frame), dtype=np.int64), 1
        for c in cats:
            code += base * pd.Index(c.levels).get_indexer(frame[c.name].to_numpy())
            base *= len(c.levels)
        return code

    def cell_of(self, frame: pd.DataFrame) -> np.ndarray:
        return np.searchsorted(self.cells, self.radix(frame))


def design_spec(s: Scan, z: list[str]) -> DesignSpec:
    """Code the adjusters as ``make_design`` does, from the scan alone."""
    cols, notes = [], []
    for c in z:
        cs = s.columns[c]
        if not cs.many and len(cs.values) <= 1:
            notes.append(f"{c} is constant in the rows used: left out of the models")
            continue
        if cs.categorical():
            if cs.many or len(cs.values) > MAX_LEVELS:
                count = f"more than {CAP:,}" if cs.many else str(len(cs.values))
                raise DataError(
                    f"{c!r} is categorical with {count} levels (more than {MAX_LEVELS}): "
                    f"one-hot coding it would overfit; group its rare levels or bin it first"
                )
            cols.append(Column(c, False, levels=cs.levels()))
        else:
            m = cs.moments
            cols.append(Column(c, True, m.mean, float(np.sqrt(m.m2 / m.n))))
    return DesignSpec(cols, notes=notes)


def structure(map_parts, reader: Reader, spec: DesignSpec) -> DesignSpec:
    """Pass two: duplicate design columns left out (noted), saturated cells found."""

    def one(frame: pd.DataFrame, index: int):
        rows = reader.rows(frame, index)
        digests = [
            hashlib.blake2b(np.ascontiguousarray(v).tobytes()).digest() for v in spec.raw(rows)
        ]
        code = spec.radix(rows)
        cells = None if code is None else np.unique(code)[: MAX_SATURATED_CELLS + 1]
        return digests, cells

    parts = [p for p in map_parts(one)]
    raw = spec.raw_names()
    prints = [tuple(p[0][j] for p in parts) for j in range(len(raw))]
    kept, seen = [], {}
    for j, fp in enumerate(prints):
        if fp in seen:
            spec.notes.append(f"{raw[j]} duplicates {raw[seen[fp]]}: left out of the models")
            continue
        seen[fp] = j
        kept.append(j)
    spec.kept = kept
    if all(p[1] is not None for p in parts) and spec.columns:
        cells = np.unique(np.concatenate([p[1] for p in parts]))
        if len(cells) <= MAX_SATURATED_CELLS:
            spec.cells = cells
    return spec
