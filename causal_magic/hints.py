"""Spelling hints: which known name did the user most likely mean?

One rule for "did you mean ...?" everywhere -- column names in ``%do`` and
``--check``, node names in queries -- so the same slip gets the same hint.
Nothing here imports pandas or networkx.

>>> suggest("gear", ["Gear", "Sound"])
'Gear'
>>> suggest("Sond", ["Gear", "Sound"])
'Sound'
>>> suggest("Talent", ["Gear", "Sound"]) is None
True
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

__all__ = ["near_match", "suggest"]


def _squash(s: object) -> str:
    return re.sub(r"[\s_.\-]+", "", str(s)).casefold()


def near_match(name: object, candidates: Iterable[object]) -> object | None:
    """The candidate equal to ``name`` ignoring case, spaces, ``_``, ``.`` and ``-``."""
    key = _squash(name)
    hits = [c for c in candidates if _squash(c) == key and c != name]
    return hits[0] if len(hits) == 1 else None


def suggest(name: object, candidates: Iterable[object]) -> object | None:
    """The likeliest intended name: a :func:`near_match`, else a close spelling."""
    cands = list(candidates)
    hit = near_match(name, cands)
    if hit is not None:
        return hit
    by_text = {str(c): c for c in cands}
    close = difflib.get_close_matches(str(name), list(by_text), n=1, cutoff=0.75)
    return by_text[close[0]] if close else None
