"""The recursive-descent parser: tokens -> ``networkx.DiGraph``, with precise errors.

Why apart: the language's grammar and its error messages are the largest part of the
text layer; the writers and the tokenizer do not need them.
"""

from __future__ import annotations

import difflib
import math
from typing import Any

import networkx as nx

from ..graph import (
    BIDIRECTED_ATTR,
    ROLE_ALIASES,
    GraphError,
    add_bidirected,
    canonical_role,
    find_cycle,
    format_cycle,
    is_acyclic,
    name_taken,
)
from .errors import DagCycleError, DagSyntaxError
from .legacy import looks_legacy, read_legacy
from .lexer import (
    _ARROWS,
    _GROUP_ATTRS,
    _HEADER_BAD,
    _HEADER_OK,
    Token,
    _describe,
    _quote,
    _role_help,
    _Text,
    _tokenize,
)

#: Deepest nesting of ``{...}`` groups accepted (a guard against stack exhaustion).
MAX_GROUP_DEPTH = 100


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
            taken = name_taken(G, name)  # the rule the widget's add and rename share
            if taken:
                raise self.error(f"{taken}; rename the node", tok)
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
        for key, val in attrs:  # DAGitty's bend: the curve's control point, as numbers
            if key[1] == "pos" and "pos" in data:
                data["pos"] = self.position(val[1], val)
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
        if is_acyclic(self.G):  # the fast path; find_cycle walks edges far slower
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
    DAGitty's legacy text (``X E\nY O\n\nX Y``: node lines with role letters, a blank
    line, adjacency lines) is recognised by its shape and read as DAGitty reads it
    (:mod:`causal_magic.dsl.legacy`).
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_dag expects a str, got {type(text).__name__}")
    if text.startswith("\ufeff"):
        text = text[1:]
    if looks_legacy(text):
        return read_legacy(text)
    return _Parser(text).parse()
