"""pyarrow (Table and RecordBatch): Arrow's own hash group-by.

Dictionary-encoded columns are decoded first, so their levels are the
values, not the dictionary indices.  The rows are in memory, so the linear
fit tests run on them (:func:`local_frame`).
"""

from __future__ import annotations

import pandas as pd

from .core import CountTable, kind_from_type_name, table_from_groups

#: The rows are in Python's memory: tests run on them, not on engine sums.
IN_MEMORY = True


def columns(table) -> list[str]:
    return list(table.column_names)


def schema_kind(table, col: str) -> str:
    return kind_from_type_name(str(table.schema.field(col).type))


def local_frame(table, cols: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: table[c].to_pylist() for c in cols})


def count_table(table, by: list[str], value: str | None, scale: float = 1.0) -> CountTable:
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    kinds = {c: kind_from_type_name(str(table.schema.field(c).type)) for c in by}
    cols = {c: table[c] for c in by}
    for c in by:
        if pa.types.is_dictionary(cols[c].type):
            cols[c] = cols[c].cast(cols[c].type.value_type)
            kinds[c] = kind_from_type_name(str(cols[c].type))
    aggs = [([], "count_all")]
    if value is not None:
        raw = pc.cast(table[value], pa.float64())
        y = pc.if_else(pc.is_finite(raw), raw, pa.scalar(None, pa.float64()))
        ys = pc.multiply(y, scale)
        cols["__y"] = y
        cols["__y2"] = pc.multiply(ys, ys)
        cols["__inf"] = pc.cast(pc.is_inf(raw), pa.int64())
        cols["__abs"] = pc.abs(y)
        aggs += [
            ("__y", "count"),
            ("__y", "sum"),
            ("__y2", "sum"),
            ("__inf", "sum"),
            ("__abs", "max"),
        ]
    t = pa.table(cols)
    out = t.group_by(by, use_threads=True).aggregate(aggs)
    names = {
        "count_all": "n",
        "__y_count": "ny",
        "__y_sum": "sum",
        "__y2_sum": "sumsq",
        "__inf_sum": "ninf",
        "__abs_max": "ymax",
    }
    out = out.rename_columns([names.get(c, c) for c in out.column_names])
    small = pd.DataFrame({c: out[c].to_pylist() for c in out.column_names})
    return table_from_groups(small, by, value, kinds, "pyarrow", scale)
