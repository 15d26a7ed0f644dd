r"""The ``%%dag`` edge language: parse it into a ``networkx.DiGraph`` and write graphs back.

The language is a superset of DAGitty's model text, so anything copied from dagitty.net
or from R's ``dagitty('dag{ x -> y }')`` parses unchanged, plus what people ask DAGitty
for: ``#`` comments, ``A -> B, C`` lists, roles in our words (``[treatment]``,
``[confounder]``), acyclicity checked with the cycle named, and errors that give line,
column and what was expected.  Graph conventions (roles, ``pos``, hidden nodes for
``<->``) come from :mod:`causal_magic.graph`.

The language in brief::

    dag Smoking {                       # optional header: [strict] dag|digraph [NAME] {
      bb="0,0,1,1"                      # graph attribute -> G.graph["bb"]
      Gear [treatment, pos="0,1"]       # node with a role and a position
      "Signal\nProc" [label="DSP"]      # quoted name with escapes \" \\ \n
      Talent -> Gear, Sound             # lists; chains A -> B <- C; A <-> B
      {A B} -> C [beta=-0.3]            # groups; brackets closing a chain are edge
      X -> Y [outcome]                  # attributes, unless they hold a role
      a -> {b -> {c}}                   # nested groups keep their inner edges
    }

Why hand-written: one linear pass over the text (a tokenizer whose regular expressions
are single character-class runs, then recursive descent) keeps 10,000-edge texts fast
(about 4x ``networkx.parse_edgelist``, see ``benchmarks/bench_parse.py``) and lets every
error point at a precise column.

Representation decisions:

* statements end at a newline or ``;`` (DAGitty treats both as white space; its
  juxtaposed statements ``x y -> z`` are still read); inside ``{...}`` groups and
  ``[...]`` lists a newline is white space, and a line that ends with an arrow or a comma
  goes on on the next line;
* attribute values are kept as the strings written (``beta=-0.3`` gives ``"-0.3"``);
  only a node's ``pos`` becomes ``(float, float)``; an edge's ``pos`` stays a string;
* graph attributes (``bb="..."`` or ``graph [bb="..."]``) go to ``G.graph``; the name of
  ``dag NAME {`` goes to ``G.graph["name"]``; ``node [...]`` / ``edge [...]`` defaults go
  to the dicts ``G.graph["node"]`` / ``G.graph["edge"]`` (as networkx's DOT readers do);
* a bare ``dir=both`` on an edge (how :func:`to_dot` writes ``<->`` for DoWhy) reads as
  ``<->``, and a bare ``observed="no"`` on a node (DoWhy's unobserved node) as ``latent``;
  quoted keys (``"dir"=both``) are plain attributes, and the writers quote such keys;
* names: bare ``[\w.]+`` (Unicode letters and digits too); ``graph`` and ``node`` are
  reserved, and a bare ``smoking-status`` is refused with a hint to quote it (DAGitty
  would silently read two nodes).
"""

from __future__ import annotations

import bisect
import difflib
import math
import re
from collections.abc import Hashable
from typing import Any

import networkx as nx

from .graph import (
    BIDIRECTED_ATTR,
    ROLE_ALIASES,
    ROLES,
    GraphError,
    add_bidirected,
    canonical_role,
    find_cycle,
    format_cycle,
)

__all__ = [
    "DagCycleError",
    "DagSyntaxError",
    "format_error",
    "parse_dag",
    "to_dagitty",
    "to_dot",
    "to_dsl",
]

#: Deepest nesting of ``{...}`` groups accepted (a guard against stack exhaustion).
MAX_GROUP_DEPTH = 100


# ---------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------


class DagSyntaxError(SyntaxError):
    """The text is not a valid DAG; ``lineno``/``offset`` (1-based) say where.

    ``msg`` says what was wrong and what was expected, ``text`` is the offending line.
    ``str(err)`` is one short line; :func:`format_error` adds the line and a caret.
    """

    def __init__(
        self,
        msg: str,
        lineno: int = 1,
        offset: int = 1,
        text: str = "",
        end_offset: int | None = None,
    ) -> None:
        if end_offset is None or end_offset <= offset:
            end_offset = offset + 1
        super().__init__(msg, ("<dag>", lineno, offset, text, lineno, end_offset))

    def __str__(self) -> str:
        return f"line {self.lineno}, column {self.offset}: {self.msg}"

    def __reduce__(self):
        return (
            _rebuild_error,
            (type(self), self.msg, self.lineno, self.offset, self.text, self.end_offset),
            self.__dict__,
        )

    def format(self) -> str:
        """The message, the offending line and a caret under the column."""
        return format_error(self)


class DagCycleError(DagSyntaxError):
    """The text describes a directed cycle; ``cycle`` is ``[a, b, ..., a]``."""

    cycle: list[Hashable]


def _rebuild_error(cls, msg, lineno, offset, text, end_offset):
    return cls(msg, lineno, offset, text, end_offset)


def format_error(err: SyntaxError) -> str:
    """Render a parse error as a message, the line, and a caret under the column.

    Meant for showing users without a traceback::

        line 2, column 6: expected a node name after '->', found '}'
          2 | A -> }
            |      ^
    """
    lineno = err.lineno or 1
    offset = max(err.offset or 1, 1)
    line = (err.text or "").split("\n", 1)[0].rstrip("\r")
    end = getattr(err, "end_offset", None) or offset + 1
    width = max(1, min(end, len(line) + 2) - offset)
    gutter = str(lineno)
    pad = "".join(c if c == "\t" else " " for c in line[: offset - 1])
    pad += " " * max(0, offset - 1 - len(line))
    head = str(err) if isinstance(err, DagSyntaxError) else f"line {lineno}: {err.msg}"
    return f"{head}\n  {gutter} | {line}\n  {' ' * len(gutter)} | {pad}{'^' * width}"


# ---------------------------------------------------------------------------------------
# Tokenizer
# ---------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------
# Parser
# ---------------------------------------------------------------------------------------


def _role_help() -> str:
    spellings = []
    for role in ROLES:
        aliases = [a for a, r in ROLE_ALIASES.items() if r == role and a != role]
        spellings.append(f"{role} ({', '.join(aliases)})" if aliases else role)
    return "valid roles: " + ", ".join(spellings)


class _Parser:
    def __init__(self, text: str) -> None:
        self.src = _Text(text)
        self.toks = _tokenize(self.src)
        self.i = 0
        self.G = nx.DiGraph()
        self.depth = 0
        self.edge_pos: dict[tuple[Any, Any], tuple[int, int]] = {}
        self.role_at: dict[Any, tuple[str, int]] = {}

    # -- token helpers -----------------------------------------------------------------

    def error(self, msg: str, tok: Token, cls: type = DagSyntaxError) -> DagSyntaxError:
        start, end = tok[2], tok[3]
        if tok[0] == "eof":
            start = end = len(self.src.text.rstrip())
        return self.src.error(msg, start, end, cls)

    def peek(self) -> Token:
        """Next token; newlines are white space inside groups."""
        toks = self.toks
        i = self.i
        if self.depth:
            while toks[i][0] == "nl":
                i += 1
            self.i = i
        return toks[i]

    def skip_newlines(self) -> Token:
        toks = self.toks
        i = self.i
        while toks[i][0] == "nl":
            i += 1
        self.i = i
        return toks[i]

    def where(self, pos: int) -> str:
        lineno, col, _ = self.src.where(pos)
        return f"line {lineno}, column {col}"

    # -- grammar -----------------------------------------------------------------------

    def parse(self) -> nx.DiGraph:
        toks = self.toks
        while toks[self.i][0] in ("nl", ";"):
            self.i += 1
        opener = self.header()
        self.body(opener)
        if opener is not None:
            self.i += 1  # the closing '}'
            while toks[self.i][0] in ("nl", ";"):
                self.i += 1
            tok = toks[self.i]
            if tok[0] != "eof":
                raise self.error(
                    f"unexpected {_describe(tok)} after the closing '}}' of the graph", tok
                )
        elif len(self.G) == 0:
            raise self.error(
                "the graph is empty: write at least one node or edge, e.g. 'X -> Y'",
                toks[self.i],
            )
        self.check_acyclic()
        return self.G

    def header(self) -> Token | None:
        """Read ``[strict] dag|digraph [NAME] {``; return the '{' token, or None."""
        toks = self.toks
        j = self.i
        if toks[j][0] == "word" and toks[j][1].lower() == "strict":
            j += 1
            while toks[j][0] == "nl":
                j += 1
        kw = toks[j]
        if kw[0] != "word" or kw[1].lower() not in _HEADER_OK + _HEADER_BAD:
            return None
        j += 1
        while toks[j][0] == "nl":
            j += 1
        name = None
        if toks[j][0] in ("word", "str"):
            name = toks[j][1]
            j += 1
            while toks[j][0] == "nl":
                j += 1
        if toks[j][0] != "{":
            return None
        kind = kw[1].lower()
        if kind in _HEADER_BAD:
            what = "an undirected graph" if kind == "graph" else f"a {kind.upper()}"
            raise self.error(
                f"'{kw[1]}' starts {what}: a DAG cannot hold undirected or circle-marked "
                "edges; write 'dag { ... }'",
                kw,
            )
        if name is not None:
            self.G.graph["name"] = name
        self.i = j + 1
        return toks[j]

    def body(self, opener: Token | None) -> None:
        toks = self.toks
        while True:
            tok = toks[self.i]
            kind = tok[0]
            if kind == "nl" or kind == ";":
                self.i += 1
            elif kind == "eof":
                if opener is not None:
                    raise self.error(
                        "expected '}' to close the graph opened at "
                        f"{self.where(opener[2])}, found end of text",
                        tok,
                    )
                return
            elif kind == "}":
                if opener is not None:
                    return
                raise self.error("unmatched '}': no group or 'dag {' is open here", tok)
            else:
                self.statement(top=True)

    def statement(self, top: bool) -> list[Any]:
        """One statement; returns the nodes it mentions (a group's members)."""
        toks = self.toks
        tok = toks[self.i]
        if tok[0] in ("word", "str"):
            nxt = toks[self.i + 1]
            if nxt[0] == "=":
                self.i += 2
                value = self.value(key=tok)
                if top:
                    self.G.graph[tok[1]] = value
                return []
            if tok[0] == "word" and nxt[0] == "[" and tok[1].lower() in ("graph", "node", "edge"):
                self.i += 1
                attrs = self.attr_lists()
                which = tok[1].lower()
                if top:
                    pairs = self.plain_pairs(attrs, which)
                    if which == "graph":
                        self.G.graph.update(pairs)
                    else:
                        self.G.graph.setdefault(which, {}).update(pairs)
                return []
        return self.chain()

    def chain(self) -> list[Any]:
        members, pending = self.operand(None)
        seen = list(members)
        edges: list[tuple[str, Any, Any, Token]] = []
        left = members
        while True:
            tok = self.peek()
            kind = tok[0]
            if kind in _ARROWS:
                self.i += 1
                self.skip_newlines()
                right, pending = self.operand(tok)
                for u in left:
                    for v in right:
                        if kind == "->":
                            edges.append(("->", u, v, tok))
                        elif kind == "<-":
                            edges.append(("->", v, u, tok))
                        else:
                            edges.append(("<->", u, v, tok))
                seen.extend(right)
                left = right
            elif kind == "bad":
                raise self.error(_bad_edge_message(tok[1]), tok)
            else:
                break
        if pending is not None:
            attrs, item, bracket = pending
            # Brackets closing a chain describe its edges (DAGitty's `A -> Z [beta=-0.3]`),
            # unless they hold a role, which only a node can have (`X -> Y [outcome]`).
            about_node = any(val is None or _bare(key, "role") for key, val in attrs)
            if edges and not about_node:
                self.add_edges(edges, attrs)
                return seen
            if item is None:
                raise self.error(_GROUP_ATTRS, bracket)
            self.node_attrs(item, attrs)
        self.add_edges(edges, [])
        return seen

    def operand(self, after: Token | None) -> tuple[list[Any], Any]:
        """``item (',' item)*``; returns members and trailing attributes not yet applied.

        Brackets after an item followed by ',' or an arrow belong to that node; after
        the last item they belong to the chain's edges (or to the node if there are none),
        which only the caller knows.
        """
        members: list[Any] = []
        while True:
            node, group = self.item(after)
            members.extend(group if node is None else (node,))
            pending = None
            bracket = self.peek()
            if bracket[0] == "[":
                pending = (self.attr_lists(), node, bracket)
            tok = self.peek()
            if pending is not None and (tok[0] in _ARROWS or tok[0] == ","):
                if node is None:
                    raise self.error(_GROUP_ATTRS, bracket)
                self.node_attrs(node, pending[0])
                pending = None
            if tok[0] != ",":
                return members, pending
            after = tok
            self.i += 1
            self.skip_newlines()

    def item(self, after: Token | None) -> tuple[Any, list[Any]]:
        """A node name or a group; returns ``(node, [])`` or ``(None, members)``."""
        tok = self.peek()
        kind = tok[0]
        if kind == "word":
            value = tok[1]
            low = value.lower()
            if low == "subgraph":
                j = self.i + 1
                if self.toks[j][0] in ("word", "str"):
                    j += 1
                if self.toks[j][0] == "{":
                    self.i = j
                    return None, self.group()
            if low in ("graph", "node"):
                raise self.error(
                    f"'{value}' is a reserved word; quote it to use it as a node name: \"{value}\"",
                    tok,
                )
            if "-" in value:
                raise self.error(
                    f"'-' cannot appear in a bare name; quote the name: \"{value}\"", tok
                )
            self.i += 1
            return self.node(value, tok), []
        if kind == "str":
            self.i += 1
            return self.node(tok[1], tok), []
        if kind == "{":
            return None, self.group()
        if after is None:
            if kind in _ARROWS:
                raise self.error(
                    f"a statement cannot start with '{kind}': write the node on its left "
                    "first (a chain goes on to the next line only when the line ends "
                    "with the arrow)",
                    tok,
                )
            if kind == "bad":
                raise self.error(_bad_edge_message(tok[1]), tok)
            raise self.error(f"expected a node name, found {_describe(tok)}", tok)
        raise self.error(f"expected a node name after '{after[1]}', found {_describe(tok)}", tok)

    def group(self) -> list[Any]:
        opener = self.toks[self.i]
        if self.depth >= MAX_GROUP_DEPTH:
            raise self.error(f"groups are nested more than {MAX_GROUP_DEPTH} deep", opener)
        self.i += 1
        self.depth += 1
        members: dict[Any, None] = {}
        while True:
            tok = self.peek()
            kind = tok[0]
            if kind in (";", ","):
                self.i += 1
            elif kind == "}":
                self.i += 1
                break
            elif kind == "eof":
                raise self.error(
                    f"expected '}}' to close the group opened at {self.where(opener[2])}, "
                    "found end of text",
                    tok,
                )
            else:
                members.update(dict.fromkeys(self.statement(top=False)))
        self.depth -= 1
        return list(members)

    def node(self, name: str, tok: Token) -> str:
        G = self.G
        if name in G:
            if G.nodes[name].get(BIDIRECTED_ATTR):
                raise self.error(
                    f"the name {_quote(name)} is taken by the hidden common cause of a "
                    "'<->' edge; rename the node",
                    tok,
                )
        else:
            G.add_node(name)
        return name

    # -- attributes --------------------------------------------------------------------

    def value(self, key: Token) -> str:
        tok = self.peek()
        if tok[0] in ("word", "str"):
            self.i += 1
            return tok[1]
        raise self.error(
            f"expected a value after '{key[1]}=', found {_describe(tok)}; quote values "
            'that are not single words, e.g. label="my label"',
            tok,
        )

    def attr_lists(self) -> list[tuple[Token, Token | None]]:
        """One or more ``[k=v, flag; ...]`` lists; returns ``(key_token, value_token)``."""
        out: list[tuple[Token, Token | None]] = []
        toks = self.toks
        while toks[self.i][0] == "[":
            opener = toks[self.i]
            self.i += 1
            while True:
                tok = self.skip_newlines()
                kind = tok[0]
                if kind in (",", ";"):
                    self.i += 1
                elif kind == "]":
                    self.i += 1
                    break
                elif kind in ("word", "str"):
                    self.i += 1
                    if self.skip_newlines()[0] == "=":
                        self.i += 1
                        self.skip_newlines()
                        val = toks[self.i]
                        if val[0] not in ("word", "str"):
                            raise self.error(
                                f"expected a value after '{tok[1]}=', found {_describe(val)}; "
                                'quote values that are not single words, e.g. label="a b"',
                                val,
                            )
                        self.i += 1
                        out.append((tok, val))
                    else:
                        out.append((tok, None))
                elif kind == "eof":
                    raise self.error(
                        "expected ']' to close the attribute list opened at "
                        f"{self.where(opener[2])}, found end of text",
                        tok,
                    )
                else:
                    raise self.error(
                        f"expected an attribute (a role, or key=value) or ']', found "
                        f"{_describe(tok)}",
                        tok,
                    )
        return out

    def plain_pairs(self, attrs, where: str) -> dict[str, str]:
        pairs = {}
        for key, val in attrs:
            if val is None:
                raise self.error(
                    f"{where} attributes are key=value pairs; '{key[1]}' has no value", key
                )
            pairs[key[1]] = val[1]
        return pairs

    def set_role(self, node: Any, role: str, tok: Token) -> None:
        prev = self.role_at.get(node)
        if prev is not None and prev[0] != role:
            raise self.error(
                f"node {_quote(node)} has two roles: '{prev[0]}' (at "
                f"{self.where(prev[1])}) and '{role}'; a node takes one role",
                tok,
            )
        self.role_at[node] = (role, tok[2])
        self.G.nodes[node]["role"] = role

    def unknown_role(self, word: str, tok: Token) -> DagSyntaxError:
        close = difflib.get_close_matches(word.lower(), list(ROLE_ALIASES), n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return self.error(
            f"unknown role '{word}'; {hint}{_role_help()}; other attributes are key=value",
            tok,
        )

    def node_attrs(self, node: Any, attrs) -> None:
        data = self.G.nodes[node]
        for key, val in attrs:
            name = key[1]
            if val is None:
                role = canonical_role(name) if key[0] == "word" else None
                if role is None:
                    raise self.unknown_role(name, key)
                self.set_role(node, role, key)
                continue
            value = val[1]
            if name == "role":
                role = canonical_role(value)
                if role is None:
                    raise self.unknown_role(value, val)
                self.set_role(node, role, val)
            elif name == "pos":
                data["pos"] = self.position(value, val)
            elif name == BIDIRECTED_ATTR:
                raise self.error(
                    f"'{BIDIRECTED_ATTR}' is reserved for the hidden nodes behind '<->'; "
                    "write A <-> B instead",
                    key,
                )
            elif _bare(key, "observed") and value.lower() in ("no", "false"):
                self.set_role(node, "latent", val)
            else:
                data[name] = value

    def position(self, value: str, tok: Token) -> tuple[float, float]:
        parts = value.split(",")
        if len(parts) == 2:
            try:
                x, y = float(parts[0]), float(parts[1])
            except ValueError:
                pass
            else:
                if math.isfinite(x) and math.isfinite(y):
                    return (x, y)
        raise self.error(f'pos must be two numbers "x,y", got "{value}"', tok)

    # -- edges -------------------------------------------------------------------------

    def add_edges(self, edges, attrs) -> None:
        G = self.G
        # No flags reach here (see chain()).  A bare dir=both is DOT's bidirected edge
        # (how to_dot writes '<->'); the writers quote a real attribute named "dir".
        both = any(_bare(key, "dir") and val[1] == "both" for key, val in attrs)
        data = {
            key[1]: val[1]
            for key, val in attrs
            if not (both and (_bare(key, "dir") or (_bare(key, "style") and val[1] == "dashed")))
        }
        for kind, u, v, tok in edges:
            if kind == "->" and not both:
                if G.has_edge(u, v):
                    G.edges[u, v].update(data)
                else:
                    G.add_edge(u, v, **data)
                    self.edge_pos[(u, v)] = (tok[2], tok[3])
                continue
            if u == v:
                raise self.error(
                    f"{_quote(u)} <-> {_quote(v)}: a node cannot share a hidden common cause "
                    "with itself",
                    tok,
                )
            try:
                hidden = add_bidirected(G, u, v)
            except GraphError as exc:
                raise self.error(f"{exc}; rename that node", tok) from None
            # Not as **kwargs: an attribute may be called "a", "b" or "G".
            G.edges[hidden, u].update(data)
            G.edges[hidden, v].update(data)

    def check_acyclic(self) -> None:
        if _is_acyclic(self.G):  # the fast path; find_cycle walks edges far slower
            return
        cycle = find_cycle(self.G)
        if cycle is None:
            return
        nodes = cycle[:-1]
        arcs = [(nodes[k], nodes[(k + 1) % len(nodes)]) for k in range(len(nodes))]
        last = max(range(len(arcs)), key=lambda k: self.edge_pos.get(arcs[k], (-1, -1)))
        rotated = nodes[last + 1 :] + nodes[: last + 1]
        rotated.append(rotated[0])
        u, v = arcs[last]
        start, end = self.edge_pos.get((u, v), (0, 0))
        err = self.src.error(
            f"the graph has a cycle: {format_cycle(rotated)}; a DAG cannot hold one "
            f"(the edge {u} -> {v} here closes it)",
            start,
            end,
            DagCycleError,
        )
        err.cycle = rotated
        raise err


def _is_acyclic(G: nx.DiGraph) -> bool:
    """Kahn's algorithm: True when every node can be put in topological order."""
    indegree = dict(G.in_degree())
    ready = [n for n, d in indegree.items() if d == 0]
    succ = G.succ
    done = 0
    while ready:
        n = ready.pop()
        done += 1
        for m in succ[n]:
            indegree[m] -= 1
            if indegree[m] == 0:
                ready.append(m)
    return done == len(indegree)


def _bare(tok: Token, word: str) -> bool:
    """True if ``tok`` is the unquoted ``word`` (quoted keys are plain attributes)."""
    return tok[0] == "word" and tok[1] == word


def _bad_edge_message(mark: str) -> str:
    if mark == "--":
        return (
            "'--' is an undirected edge: a DAG cannot hold it; use '->' (or '<->' for a "
            "hidden common cause)"
        )
    return (
        f"'{mark}' is a PAG edge mark: a DAG cannot hold it; use '->' (or '<->' for a "
        "hidden common cause)"
    )


def parse_dag(text: str) -> nx.DiGraph:
    """Parse the edge language (a superset of DAGitty text) into a ``networkx.DiGraph``.

    Nodes appear in the order first mentioned; roles, ``pos`` and ``<->`` follow
    :mod:`causal_magic.graph`.  Raises :class:`DagSyntaxError` (line, column, what was
    expected) for anything that is not a DAG, :class:`DagCycleError` for a cycle.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_dag expects a str, got {type(text).__name__}")
    if text.startswith("\ufeff"):
        text = text[1:]
    return _Parser(text).parse()


# ---------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------


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


def _pos(node: Any, pos: Any) -> str:
    try:
        x, y = (float(p) for p in pos)
    except (TypeError, ValueError):
        raise GraphError(f"node {node!r} has pos={pos!r}; expected (x, y) numbers") from None
    if not (math.isfinite(x) and math.isfinite(y)):
        raise GraphError(f"node {node!r} has pos={pos!r}; expected finite numbers")
    return f"{_num(x)},{_num(y)}"


def _role(node: Any, data: dict) -> str | None:
    raw = data.get("role")
    if raw is None or raw == "" or raw == "default":
        return None
    role = canonical_role(str(raw))
    if role is None:
        raise GraphError(f"node {node!r} has role {raw!r}; {_role_help()}")
    return role


def _check(G: Any) -> None:
    if not isinstance(G, nx.DiGraph) or G.is_multigraph():
        raise GraphError(f"expected a networkx.DiGraph, got {type(G).__name__}")


def _hidden_pairs(G: nx.DiGraph) -> dict[Any, tuple[Any, Any]]:
    """Hidden ``<->`` nodes that can be written back as ``a <-> b``."""
    out = {}
    for n, data in G.nodes(data=True):
        if data.get(BIDIRECTED_ATTR) and G.in_degree(n) == 0:
            children = list(G.successors(n))
            if len(children) == 2:
                out[n] = (children[0], children[1])
    return out


_NODE_SPECIAL = ("role", "pos", "label", BIDIRECTED_ATTR)


def _node_attr_items(G: nx.DiGraph, n: Any, role_words: dict[str, str], quote_all: bool):
    data = G.nodes[n]
    items = []
    role = _role(n, data)
    if role is not None:
        word = role_words.get(role)
        items.append(word if word else f'role="{role}"')
    if data.get("pos") is not None:
        items.append(f'pos="{_pos(n, data["pos"])}"')
    if data.get("label") is not None:
        items.append(f'label="{_escape(str(data["label"]))}"')
    for k, v in data.items():
        if k in _NODE_SPECIAL or v is None:
            continue
        items.append(f"{_key(k)}={_value(v, quote_all)}")
    return items


def _edge_attr_items(data: dict, quote_all: bool) -> list[str]:
    return [f"{_key(k)}={_value(v, quote_all)}" for k, v in data.items() if v is not None]


def _graph_attr_lines(G: nx.DiGraph, quote_all: bool) -> list[str]:
    return [
        f"{_key(k)}={_value(v, quote_all)}"
        for k, v in G.graph.items()
        if k != "name" and isinstance(v, (str, int, float))
    ]


_OUR_ROLE_WORDS = {r: r for r in ROLES}
_DAGITTY_ROLE_WORDS = {
    "treatment": "exposure",
    "outcome": "outcome",
    "adjusted": "adjusted",
    "latent": "latent",
    "selected": "selected",
}


def to_dsl(G: nx.DiGraph) -> str:
    """Write ``G`` in the compact edge language; ``parse_dag`` reads it back.

    Nodes that carry attributes (or have no edge) are declared first, in node order, then
    edges grouped by source (``A -> B, C``) with ``<->`` for hidden common causes.
    Non-string attribute values are written with ``str`` and read back as strings.
    """
    _check(G)
    hidden = _hidden_pairs(G)
    lines = _graph_attr_lines(G, quote_all=False)
    for n in G.nodes:
        if n in hidden:
            continue
        items = _node_attr_items(G, n, _OUR_ROLE_WORDS, quote_all=False)
        if items:
            lines.append(f"{_quote(n)} [{', '.join(items)}]")
        elif G.degree(n) == 0:
            lines.append(_quote(n))
    for u in G.nodes:
        if u in hidden:
            a, b = hidden[u]
            attrs = _edge_attr_items(G.edges[u, a], quote_all=False)
            lines.append(
                f"{_quote(a)} <-> {_quote(b)}" + (f" [{', '.join(attrs)}]" if attrs else "")
            )
            continue
        runs: dict[tuple[str, ...], list[str]] = {}
        for v, data in G.adj[u].items():
            runs.setdefault(tuple(_edge_attr_items(data, False)), []).append(_quote(v))
        for attrs, targets in runs.items():
            line = f"{_quote(u)} -> {', '.join(targets)}"
            lines.append(line + (f" [{', '.join(attrs)}]" if attrs else ""))
    if not G:
        return "dag {\n" + "".join(line + "\n" for line in lines) + "}\n"
    return "\n".join(lines) + "\n"


def to_dagitty(G: nx.DiGraph) -> str:
    """Write ``G`` as DAGitty's canonical model text (what dagitty.net exports).

    Node lines (sorted) with roles in DAGitty's words (``exposure``, ``outcome``,
    ``adjusted``, ``latent``, ``selected``; ``confounder``/``mediator`` have no DAGitty
    word and go out as ``role="..."``), then edges one per line, sorted.
    """
    _check(G)
    hidden = _hidden_pairs(G)
    name = G.graph.get("name")

    def q(n: Any) -> str:
        return _quote(n, _DAGITTY_BARE)

    head = f"dag {q(name)} {{" if name not in (None, "") else "dag {"
    nodes = []
    for n in G.nodes:
        if n in hidden:
            continue
        items = _node_attr_items(G, n, _DAGITTY_ROLE_WORDS, quote_all=True)
        if items:
            nodes.append(f"{q(n)} [{','.join(items)}]")
        elif G.degree(n) == 0:
            nodes.append(q(n))
    edges = []
    for u, v, data in G.edges(data=True):
        if u in hidden:
            a, b = hidden[u]
            if v != a:
                continue
            line = f"{q(a)} <-> {q(b)}"
        else:
            line = f"{q(u)} -> {q(v)}"
        attrs = _edge_attr_items(data, quote_all=True)
        edges.append(line + (f" [{','.join(attrs)}]" if attrs else ""))
    body = _graph_attr_lines(G, quote_all=True) + sorted(nodes) + sorted(edges)
    return head + "\n" + "".join(line + "\n" for line in body) + "}\n"


def to_dot(G: nx.DiGraph) -> str:
    """Write ``G`` as Graphviz DOT for DoWhy and Graphviz users.

    ``<->`` becomes ``A -> B [dir=both, style=dashed]`` (DoWhy's bidirected edge), roles
    go out as ``role="..."`` and latent nodes also get DoWhy's ``observed="no"``.
    ``parse_dag`` reads the result back.
    """
    _check(G)
    hidden = _hidden_pairs(G)
    name = G.graph.get("name")

    def q(n: Any) -> str:
        return _quote(n, _DOT_BARE)

    head = f"digraph {q(name)} {{" if name not in (None, "") else "digraph {"
    lines = [f"  {line};" for line in _graph_attr_lines(G, quote_all=True)]
    for n, data in G.nodes(data=True):
        if n in hidden:
            continue
        role = _role(n, data)
        items = _node_attr_items(G, n, {}, quote_all=True)
        if role == "latent":
            items.append('observed="no"')
        lines.append(f"  {q(n)}" + (f" [{', '.join(items)}]" if items else "") + ";")
    for u, v, data in G.edges(data=True):
        attrs = _edge_attr_items(data, quote_all=True)
        if u in hidden:
            a, b = hidden[u]
            if v != a:
                continue
            attrs = ["dir=both", "style=dashed", *attrs]
            u, v = a, b
        lines.append(f"  {q(u)} -> {q(v)}" + (f" [{', '.join(attrs)}]" if attrs else "") + ";")
    return head + "\n" + "".join(line + "\n" for line in lines) + "}\n"
