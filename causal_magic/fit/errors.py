"""The one error the fit package raises for input it cannot check.

Its own module so that every part (graph and column checks, the test
registry, ``check_fit``, ``compare``) raises the same class without
importing each other.  It is a ``ValueError``, so the magics turn it into a
plain usage message.
"""

from __future__ import annotations

__all__ = ["FitError"]


class FitError(ValueError):
    """The graph or the data cannot be checked as given (not a graph, a cycle, no shared column)."""
