"""causal_magic: draw causal graphs and ask causal questions inside a notebook.

``%load_ext causal_magic`` registers the ``%%dag`` / ``%dag`` and ``%do``
magics.  Every power they expose is a plain function first, importable from
here: :func:`parse_dag`, :func:`show`, :func:`minimal_adjustment_set`,
:func:`do`, ...

Public names are imported lazily (PEP 562) so that ``import causal_magic``
stays cheap: pandas, the widget and the estimators load on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

from .graph import ROLES, GraphError

__version__ = "0.1.0"

# public name -> submodule that defines it
_LAZY: dict[str, str] = {
    # text <-> graph
    "parse_dag": "dsl",
    "DagSyntaxError": "dsl",
    "DagCycleError": "dsl",
    "to_dsl": "dsl",
    "to_dagitty": "dsl",
    "to_dot": "dsl",
    # drawing
    "DagWidget": "widget",
    "show": "widget",
    "DagRow": "widget",
    # analysis
    "IdentificationError": "identify",
    "d_separated": "identify",
    "paths": "identify",
    "path_edges": "identify",
    "is_adjustment_set": "identify",
    "check_adjustment_set": "identify",
    "minimal_adjustment_set": "identify",
    "minimum_adjustment_set": "identify",
    "optimal_adjustment_set": "identify",
    "adjustment_sets": "identify",
    "adjustment_problem": "identify",
    "frontdoor_set": "identify",
    "identify_effect": "identify",
    "Identification": "identify",
    "Path": "identify",
    "PathEdges": "identify",
    "AdjustmentCheck": "identify",
    "Independence": "identify",
    "instrumental_variables": "identify",
    "implied_independencies": "identify",
    "mutilated_graph": "identify",
    "ancestors": "identify",
    "descendants": "identify",
    "explain_paths": "identify",
    "PathExplanation": "identify",
    # does the graph fit the data?
    "check_fit": "fit",
    "compare": "fit",
    "FitResult": "fit",
    "Comparison": "fit",
    "FitError": "fit",
    # estimation
    "parse_query": "query",
    "QuerySyntaxError": "query",
    "do": "estimate",
    "bounds": "estimate",
    "DoResult": "estimate",
    "NotIdentifiableError": "estimate",
    "PositivityError": "estimate",
}

__all__ = ["ROLES", "GraphError", *_LAZY, "load_ipython_extension", "unload_ipython_extension"]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'causal_magic' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # cache: later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def load_ipython_extension(ipython) -> None:
    """Register ``%%dag``, ``%dag`` and ``%do`` (``%load_ext causal_magic``).

    Safe to call twice: magics are replaced, hooks are installed once.
    """
    from .magics import register

    register(ipython)


def unload_ipython_extension(ipython) -> None:
    """Remove the magics and the widget-sync hook (``%unload_ext causal_magic``)."""
    from .magics import unregister

    unregister(ipython)
