"""The examples in the package's docstrings run, so the documentation cannot rot.

Every module of ``causal_magic`` is collected (new submodules join by being
there); a module without examples is skipped by :mod:`doctest` itself.
"""

from __future__ import annotations

import doctest
import importlib
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "causal_magic"


def _modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


def test_the_examples_are_found():
    """Not vacuous: the formula model's examples are collected and run."""
    result = doctest.testmod(importlib.import_module("causal_magic.formula"))
    assert result.attempted >= 3
