"""The model-based ``%do`` methods on tables whose rows stay in their engine (Dask, PySpark).

Why a package: the in-memory path holds the rows as arrays; this one reads
them only as sums over partitions, in a few passes, and needs a module per
step -- reading a partition the same way every time (:mod:`.rows`), fitting
the default models from sums (:mod:`.fits`), the estimates, intervals and
diagnostics from sums (:mod:`.sums`), and the steps in order
(:mod:`.estimate`).  Nothing is imported here, so the in-memory path can use
:mod:`.rows` without loading the rest.
"""
