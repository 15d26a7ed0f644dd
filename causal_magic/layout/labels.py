"""How wide a node's name is drawn, and how a long name wraps, without a browser.

Why here: the static SVG (made in Python, seen without a kernel) has no text measurement,
and the layout must leave room for each name before anything is drawn.  So widths are
estimated from character classes (sans-serif advance widths, in ems) -- a little generous,
so that a real font rarely draws wider than the estimate -- and the wrapped lines are
computed once here and shipped to the widget, so that both drawings break a name at the
same spaces.
"""

from __future__ import annotations

import functools
import unicodedata

from ..style import FONT_SIZE, LABEL_HALO, LABEL_MAX_LINES, LABEL_MAX_WIDTH, LINE_HEIGHT

#: Advance widths in ems of a typical sans-serif font, by character class.
_NARROW = set("iljtfrI.,;:!|'`()[]{}/\\-")
_WIDE = set("MWmw@%&")
ELLIPSIS = "\u2026"


def char_width(c: str) -> float:
    """Estimated advance width of character ``c`` in ems (generous by a few percent)."""
    if c == " ":
        return 0.3
    if c in _NARROW:
        return 0.34
    if c in _WIDE:
        return 0.9
    if c.isdigit():
        return 0.58
    if c.isupper():
        return 0.7
    if c.isascii():
        return 0.58
    if unicodedata.east_asian_width(c) in ("W", "F"):
        return 1.0
    return 0.65


#: Widths and wraps are remembered for this many names each: a redraw of a 5,000-node
#: graph measured every name again (30 ms of each edit).
CACHED_NAMES = 16_384


@functools.lru_cache(maxsize=CACHED_NAMES)
def text_width(text: str, size: float = FONT_SIZE) -> float:
    """Estimated width in px of one line of ``text`` at font size ``size``.

    >>> text_width("MW") > text_width("il")
    True
    """
    return size * sum(char_width(c) for c in text)


def _shorten(line: str, limit: float, size: float) -> str:
    """``line`` cut to fit ``limit`` px with an ellipsis at its end."""
    room = limit - text_width(ELLIPSIS, size)
    out = []
    for c in line:
        room -= size * char_width(c)
        if room < 0:
            break
        out.append(c)
    return "".join(out).rstrip() + ELLIPSIS


def _wrap_one(text: str, limit: float, size: float) -> list[str]:
    """Greedy wrap of one paragraph at spaces; a word wider than ``limit`` stays whole.

    A line broken at a space keeps that space at its end, so the drawn lines still read
    as the whole name (copying, screen readers, ``textContent``).
    """
    lines: list[str] = []
    for word in text.split(" "):
        if lines and text_width(lines[-1] + " " + word, size) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return [line + " " for line in lines[:-1]] + lines[-1:] if lines else [""]


def wrap_label(
    label: str,
    size: float = FONT_SIZE,
    max_width: float = LABEL_MAX_WIDTH,
    max_lines: int = LABEL_MAX_LINES,
) -> tuple[list[str], bool]:
    """The lines a name is drawn in, and whether it had to be shortened.

    Explicit newlines are kept; a line wider than ``max_width`` wraps at spaces; a word
    still wider, or lines past ``max_lines``, are cut with "…" (the full name then shows
    on hover).

    >>> wrap_label("Maternal smoking during pregnancy")
    (['Maternal smoking ', 'during pregnancy'], False)
    >>> wrap_label("X")
    (['X'], False)
    """
    lines, short = _wrapped(str(label), size, max_width, max_lines)
    return list(lines), short


@functools.lru_cache(maxsize=CACHED_NAMES)
def _wrapped(label: str, size: float, max_width: float, max_lines: int) -> tuple[tuple, bool]:
    lines: list[str] = []
    for part in str(label).split("\n"):
        lines.extend(_wrap_one(part, max_width, size))
    short = False
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], lines[max_lines - 1].rstrip() + " " + ELLIPSIS]
        short = True
    out = []
    for line in lines:
        if text_width(line, size) > max_width * 1.25:
            line = _shorten(line.removesuffix(" " + ELLIPSIS), max_width, size)
            short = True
        out.append(line)
    return tuple(out), short


def label_box(lines: list[str], size: float = FONT_SIZE) -> tuple[float, float]:
    """Width and height in px of the text block of ``lines`` (with its halo)."""
    w = max((text_width(line, size) for line in lines), default=0.0) + 2 * LABEL_HALO
    h = len(lines) * size * LINE_HEIGHT + 2 * LABEL_HALO
    return w, h
