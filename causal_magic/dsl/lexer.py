"""Tokens and the written forms of names: the lexical layer both directions share.

Why apart: the tokenizer (text -> tokens) and the quoting rules (name -> text) are
the two halves of one lexical grammar -- what may stand bare, what must be quoted and
how it is escaped -- so a name the writers print is always a name the parser reads.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from ..graph import ROLE_ALIASES, ROLES
from .errors import DagSyntaxError

# A bare word: Unicode letters/digits, '_' and '.', optionally with inner or leading
# hyphens ("2020-01-01", "-0.3").  Hyphenated words are fine as attribute values; as a
# node name they are refused with a hint to quote them (DAGitty would silently split
# "smoking-status" into two nodes).  Each repetition starts with '-', so no backtracking.
_WORD = re.compile(r"-?[\w.]+(?:-[\w.]+)*")
_BARE_NAME = re.compile(r"[\w.]+")
_BARE_VALUE = re.compile(r"-?[\w.]+")
_DAGITTY_BARE = re.compile(r"[0-9A-Za-z_.]+")
_DOT_BARE = re.compile(r"[A-Za-z_][A-Za-z_0-9]*|[0-9]+")
_STRING_CHUNK = re.compile(r'[^"\\]*')
_SPACE = re.compile(r"[^\S\n]+")

_ARROWS = ("->", "<-", "<->")
_HEADER_OK = ("dag", "digraph")
_HEADER_BAD = ("pdag", "mag", "pag", "graph")
_GROUP_ATTRS = (
    "attributes after a group need an edge to apply to; give nodes their attributes "
    "inside the group, e.g. {A [latent] B}"
)
#: Words a writer quotes so that they can never be read as syntax.
_KEYWORDS = frozenset(
    {"dag", "digraph", "pdag", "mag", "pag", "graph", "node", "edge", "strict", "subgraph"}
)
#: Attribute keys that mean something when bare (see _bare); writers quote them.
_MEANINGFUL_BARE_KEYS = frozenset({"role", "dir", "style", "observed"})
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "\n": ""}

# Token: (kind, value, start, end).  kind is the token text for punctuation and arrows,
# else "word", "str", "bad" (an edge mark a DAG cannot hold), "nl" or "eof".
Token = tuple[str, str, int, int]


class _Text:
    """The source text with lazy line lookup, for building errors."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._newlines: list[int] | None = None

    def where(self, pos: int) -> tuple[int, int, str]:
        if self._newlines is None:
            self._newlines = [i for i, c in enumerate(self.text) if c == "\n"]
        nls = self._newlines
        k = bisect.bisect_left(nls, pos)
        start = nls[k - 1] + 1 if k else 0
        end = nls[k] if k < len(nls) else len(self.text)
        return k + 1, pos - start + 1, self.text[start:end].rstrip("\r")

    def error(
        self, msg: str, start: int, end: int | None = None, cls: type = DagSyntaxError
    ) -> DagSyntaxError:
        lineno, col, line = self.where(start)
        if end is None or end <= start:
            end = start + 1
        # A token running over a line break is underlined up to the end of its line.
        end_col = min(col + (end - start), len(line) + 2)
        return cls(msg, lineno, col, line, end_col)


def _tokenize(src: _Text) -> list[Token]:
    text = src.text
    n = len(text)
    toks: list[Token] = []
    append = toks.append
    i = 0
    word_match = _WORD.match
    space_match = _SPACE.match
    while i < n:
        c = text[i]
        if c == "\n":
            append(("nl", "\n", i, i + 1))
            i += 1
            continue
        if c == " " or c == "\t":
            i += 1
            continue
        if c in "{}[],;=":
            append((c, c, i, i + 1))
            i += 1
            continue
        if c == "-":
            nxt = text[i + 1 : i + 2]
            if nxt == ">":
                append(("->", "->", i, i + 2))
                i += 2
                continue
            if nxt == "-":
                mark = "--@" if text.startswith("--@", i) else "--"
                append(("bad", mark, i, i + len(mark)))
                i += len(mark)
                continue
        elif c == "<":
            if text.startswith("<->", i):
                append(("<->", "<->", i, i + 3))
                i += 3
            elif text.startswith("<-@", i):
                append(("bad", "<-@", i, i + 3))
                i += 3
            elif text.startswith("<-", i):
                append(("<-", "<-", i, i + 2))
                i += 2
            else:
                raise src.error("unexpected '<': edges are written '->', '<-' or '<->'", i)
            continue
        elif c == "@":
            for mark in ("@->", "@-@", "@--"):
                if text.startswith(mark, i):
                    append(("bad", mark, i, i + 3))
                    i += 3
                    break
            else:
                raise src.error("unexpected '@': quote names that contain it", i)
            continue
        elif c == '"':
            i = _read_string(src, i, append)
            continue
        elif c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        m = word_match(text, i)
        if m is not None:
            append(("word", m.group(), i, m.end()))
            i = m.end()
            continue
        m = space_match(text, i)
        if m is not None:
            i = m.end()
            continue
        if c == "-":
            raise src.error("unexpected '-': edges are written '->', '<-' or '<->'", i)
        raise src.error(f"unexpected character {c!r}; quote names that contain it", i)
    append(("eof", "", n, n))
    return toks


def _read_string(src: _Text, i: int, append) -> int:
    """Read a double-quoted string starting at ``i``; return the index after it."""
    text = src.text
    n = len(text)
    parts: list[str] = []
    j = i + 1
    while True:
        k = _STRING_CHUNK.match(text, j).end()
        parts.append(text[j:k])
        if k >= n:
            raise src.error('unterminated quoted name: add the closing "', i)
        if text[k] == '"':
            append(("str", "".join(parts), i, k + 1))
            return k + 1
        if k + 1 >= n:
            raise src.error('unterminated quoted name: add the closing "', i)
        e = text[k + 1]
        parts.append(_ESCAPES.get(e, "\\" + e))
        j = k + 2


def _describe(tok: Token) -> str:
    kind, value = tok[0], tok[1]
    if kind == "eof":
        return "end of text"
    if kind == "nl":
        return "end of line"
    if kind == "str":
        return _quote(value)
    return f"'{value}'"


def _role_help() -> str:
    spellings = []
    for role in ROLES:
        aliases = [a for a, r in ROLE_ALIASES.items() if r == role and a != role]
        spellings.append(f"{role} ({', '.join(aliases)})" if aliases else role)
    return "valid roles: " + ", ".join(spellings)


def _escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _quote(name: Any, bare: re.Pattern = _BARE_NAME) -> str:
    """A node name as written: bare if it can be, else double-quoted with escapes."""
    s = str(name)
    if bare.fullmatch(s) and s.lower() not in _KEYWORDS:
        return s
    return f'"{_escape(s)}"'


def _key(key: Any) -> str:
    s = str(key)
    if _BARE_NAME.fullmatch(s) and s not in _MEANINGFUL_BARE_KEYS:
        return s
    return f'"{_escape(s)}"'


def _value(value: Any, always_quote: bool = False) -> str:
    s = _format_value(value)
    if not always_quote and _BARE_VALUE.fullmatch(s):
        return s
    return f'"{_escape(s)}"'


def _num(x: Any) -> str:
    x = float(x)
    if x.is_integer() and abs(x) < 1e16:
        return str(int(x))
    return repr(x)


def _format_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (tuple, list)) and len(value) == 2:
        try:
            return f"{_num(value[0])},{_num(value[1])}"
        except (TypeError, ValueError):
            pass
    return str(value)
