"""How much of a result a card shows: a notebook file keeps every output forever.

A ``%do`` with 126,000 strata, or a check of a graph with 7,000 implied
independencies, would otherwise write every row into the notebook (11 MB and
2.7 MB before these caps).  Every card shows at most :data:`MAX_ROWS` rows
(50) and :data:`MAX_COLUMNS` columns (24) of a table and :data:`MAX_ITEMS`
items (20) of a list (warnings, notes, readings), each cell or item cut to
:data:`MAX_TEXT` characters (300), then says how many more there are and
where the whole lies (``result.table``, ``result.warnings``).  So a card's
HTML, LaTeX and text each stay under :data:`MAX_CARD_BYTES` (200,000 bytes)
whatever the result; the tests hold the cards to it.
"""

from __future__ import annotations

import html

__all__ = [
    "MAX_CARD_BYTES",
    "MAX_COLUMNS",
    "MAX_ITEMS",
    "MAX_ROWS",
    "MAX_TEXT",
    "clip",
    "more_html",
    "more_text",
]

#: Rows of a table a card shows (the rest: "and N more rows").
MAX_ROWS = 50
#: Columns of a table a card shows (a distribution's table has two per outcome value).
MAX_COLUMNS = 24
#: Items of a list (warnings, notes, contradicted claims) a card shows.
MAX_ITEMS = 20
#: Characters of one cell or list item a card shows.
MAX_TEXT = 300
#: What a card's HTML stays under, whatever the result (bytes of UTF-8).
MAX_CARD_BYTES = 200_000


def clip(text: object, limit: int = MAX_TEXT) -> str:
    """``text`` cut to ``limit`` characters, saying how many were left out.

    >>> clip("x" * 10, 4)
    'xxxx… (6 more characters)'
    """
    s = str(text)
    if len(s) <= limit:
        return s
    return f"{s[:limit]}… ({len(s) - limit:,} more characters)"


def more_text(hidden: int, what: str, where: str) -> str:
    """``… and 12,345 more strata (all in result.table)``, or ``""`` when none is hidden."""
    if hidden <= 0:
        return ""
    return f"… and {hidden:,} more {what} (all in {where})"


def more_html(hidden: int, what: str, where: str, columns: int = 0) -> str:
    """:func:`more_text` as a table row spanning ``columns`` cells, or a paragraph."""
    text = more_text(hidden, what, where)
    if not text:
        return ""
    safe = html.escape(text)
    if columns:
        return f'<tr class="cm-more"><td colspan="{columns}">{safe}</td></tr>'
    return f'<div class="cm-more">{safe}</div>'
