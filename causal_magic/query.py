"""The ``P(Y=y | do(X=x))`` query language -> a small :class:`Query` object.

The ``%do`` magic takes a probability expression written the way it is
written on paper.  This module turns that text into plain data and nothing
more: it never looks at a DataFrame and never evaluates user text.  Values
stay as written (:class:`Value` keeps the raw text and its lexical kind) and
are matched to a column's dtype later, by the estimator, because only the
data knows whether ``X=1`` means the integer 1 or the string ``"1"``.

Grammar (whitespace is free between tokens)::

    query      := term [ ("-" | "/") term ]
    term       := "P" "(" name [ "=" value | cmp number ] [ "|" conditions ] ")"
                | "E" ( "[" | "(" ) name [ "|" conditions ] ( "]" | ")" )
    conditions := condition ( "," condition )*
    condition  := "do" "(" setting ( "," setting )* ")" | assign
    setting    := assign | name          a bare name: every value (a dose-response curve)
    cmp        := ">" | ">=" | "<" | "<="   a threshold event, e.g. P(Y > 3 | do(X=1))
    assign     := name "=" value
    name       := bare | quoted          bare: letters, digits, "_", "."
    value      := bare | quoted | number | true | false

Quoted names and values use double quotes with ``\\"``, ``\\\\`` and ``\\n``
escapes, like the edge language (``"Signal\\nProc"``, ``"carry matches"``).

The ``%do`` line is ``QUERY [--data DF] [--dag G] [--adjust Z1,Z2] [--ci 0.95]
[--bootstrap 1000] [--seed 0] [--positivity drop] [--method aipw] [--folds 5]
[--trim 0.01] ...``.  The query is read with
the grammar above first, so quotes and apostrophes inside it survive; the
options are whatever follows it (:func:`split_magic_line`), read by the
``%do`` magic's own argument parser (:func:`causal_magic.magics.parse_magic_line`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "DoOptions",
    "DoOptionsError",
    "Query",
    "QuerySyntaxError",
    "Term",
    "Value",
    "format_query_error",
    "format_value",
    "parse_query",
    "split_magic_line",
]


class QuerySyntaxError(SyntaxError):
    """The query text does not follow the grammar.

    ``offset`` is the 1-based column of the problem (as for Python's own
    ``SyntaxError``), ``text`` the whole query; ``str(err)`` shows both with a
    caret under the column.
    """

    def __init__(self, message: str, text: str, offset: int):
        super().__init__(message)
        self.msg = message
        self.text = text
        self.offset = offset
        self.lineno = 1

    def __str__(self) -> str:
        caret = " " * (self.offset - 1) + "^"
        return f"{self.msg} (column {self.offset})\n  {self.text}\n  {caret}"


class DoOptionsError(QuerySyntaxError):
    """An option after the query on a ``%do`` line is unknown or malformed.

    A :class:`QuerySyntaxError` too, so that one ``except`` reports any
    mistake on the line; ``offset`` points at the options.
    """

    def __init__(self, message: str, text: str = "", offset: int = 1):
        super().__init__(message, text, offset)

    def __str__(self) -> str:
        return self.msg


def format_query_error(err: QuerySyntaxError) -> str:
    """The message for a user: what was expected, with a caret at the column."""
    return str(err)


_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\Z")


@dataclass(frozen=True)
class Value:
    """A value as written in the query.

    ``kind`` is ``"word"`` (bare word), ``"string"`` (double-quoted),
    ``"number"`` or ``"bool"``; ``value`` is the Python reading of it (``str``,
    ``int``/``float`` or ``bool``) and ``raw`` the text it came from.
    """

    raw: str
    kind: str
    value: object

    def __str__(self) -> str:
        return _show(self.value) if self.kind == "string" else self.raw


@dataclass(frozen=True)
class Term:
    """One probability ``P(...)`` or expectation ``E[...]``.

    ``outcome_value`` is ``None`` for a whole distribution ``P(Y | ...)`` and
    always ``None`` for an expectation.  ``interventions`` and ``conditions``
    are ``(name, Value)`` pairs in the order written.
    """

    kind: str  # "P" or "E"
    outcome: str
    outcome_value: Value | None
    interventions: tuple[tuple[str, Value], ...]
    conditions: tuple[tuple[str, Value], ...]
    text: str
    outcome_op: str = "="  # "=", or a threshold event's ">", ">=", "<", "<="

    @property
    def is_distribution(self) -> bool:
        return self.kind == "P" and self.outcome_value is None

    @property
    def is_causal(self) -> bool:
        return bool(self.interventions)

    @property
    def variables(self) -> list[str]:
        """Every variable named in the term, outcome first, without repeats."""
        out = [self.outcome]
        for name, _ in self.interventions + self.conditions:
            if name not in out:
                out.append(name)
        return out

    def __str__(self) -> str:
        return format_term(self)


@dataclass(frozen=True)
class Query:
    """A term, or a contrast ``left - right`` / ratio ``left / right`` of two."""

    left: Term
    op: str | None = None  # None, "-" or "/"
    right: Term | None = None
    text: str = ""

    @property
    def terms(self) -> tuple[Term, ...]:
        return (self.left,) if self.right is None else (self.left, self.right)

    @property
    def variables(self) -> list[str]:
        out: list[str] = []
        for t in self.terms:
            out += [v for v in t.variables if v not in out]
        return out

    def __str__(self) -> str:
        if self.right is None:
            return str(self.left)
        return f"{self.left} {self.op} {self.right}"


@dataclass(frozen=True)
class DoOptions:
    """Options of a ``%do`` line; names of namespace objects stay strings."""

    data: str | None = None
    dag: str | None = None
    adjust: tuple[str, ...] | None = None
    ci: float | None = None
    bootstrap: int | None = None  # None: not asked for (1000 where a bootstrap is the default)
    seed: int | None = None
    positivity: str = "error"
    bounds: bool = False
    sensitivity: bool = False
    method: str = "auto"
    outcome_model: str | None = None  # a name in the user's namespace
    propensity_model: str | None = None
    folds: int = 5
    trim: float | None = None
    grid: int | None = None


def _show(v: object) -> str:
    """How a name or string value is written back: bare when it can be."""
    s = str(v)
    bare = s and all(ch.isalnum() or ch in "_." for ch in s)
    if bare and not _NUMBER.match(s) and s.lower() not in ("true", "false"):
        return s
    esc = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{esc}"'


def format_name(name: str) -> str:
    """A variable name as the query language writes it (quoted if needed)."""
    s = str(name)
    if s and all(ch.isalnum() or ch in "_." for ch in s):
        return s
    return _show(s) if not _NUMBER.match(s) else f'"{s}"'


def format_value(v: object) -> str:
    """A column value as messages write it: ``repr`` when blank, padded or holding a comma."""
    return repr(v) if isinstance(v, str) and (not v or v != v.strip() or "," in v) else str(v)


def format_term(t: Term) -> str:
    """Canonical text of a term, e.g. ``P(Sound=Great | do(Gear=Fancy))``."""
    head = format_name(t.outcome)
    if t.outcome_value is not None:
        op = t.outcome_op
        head += f"={t.outcome_value}" if op == "=" else f" {op} {t.outcome_value}"
    parts = []
    if t.interventions:
        inner = ", ".join(
            format_name(n) if v.kind == "all" else f"{format_name(n)}={v}"
            for n, v in t.interventions
        )
        parts.append(f"do({inner})")
    parts += [f"{format_name(n)}={v}" for n, v in t.conditions]
    body = head + (" | " + ", ".join(parts) if parts else "")
    return f"E[{body}]" if t.kind == "E" else f"P({body})"


class _Parser:
    """A hand-written recursive-descent reader with 1-based error columns."""

    def __init__(self, text: str):
        self.text = text
        self.i = 0

    # -- low level -------------------------------------------------------
    def error(self, message: str, at: int | None = None) -> QuerySyntaxError:
        pos = self.i if at is None else at
        return QuerySyntaxError(message, self.text, pos + 1)

    def skip(self) -> None:
        while self.i < len(self.text) and self.text[self.i].isspace():
            self.i += 1

    def peek(self) -> str:
        self.skip()
        return self.text[self.i] if self.i < len(self.text) else ""

    def found(self) -> str:
        ch = self.peek()
        if not ch:
            return "the end of the query"
        m = re.match(r"\S{1,12}", self.text[self.i :])
        return repr(m.group(0)) if m else repr(ch)

    def expect(self, ch: str, what: str) -> None:
        if self.peek() != ch:
            raise self.error(f"expected {what}, found {self.found()}")
        self.i += 1

    def bare(self) -> str:
        start = self.i
        while self.i < len(self.text) and (
            self.text[self.i].isalnum() or self.text[self.i] in "_."
        ):
            self.i += 1
        return self.text[start : self.i]

    def quoted(self) -> str:
        start = self.i
        self.i += 1  # opening quote
        out = []
        while self.i < len(self.text):
            ch = self.text[self.i]
            if ch == '"':
                self.i += 1
                return "".join(out)
            if ch == "\\":
                if self.i + 1 >= len(self.text):
                    break
                nxt = self.text[self.i + 1]
                out.append({"n": "\n", "t": "\t"}.get(nxt, nxt))
                self.i += 2
                continue
            out.append(ch)
            self.i += 1
        raise self.error("unterminated quoted string: expected a closing '\"'", at=start)

    # -- grammar ---------------------------------------------------------
    def name(self, what: str = "a variable name") -> str:
        ch = self.peek()
        if ch == '"':
            s = self.quoted()
            if not s:
                raise self.error("expected a variable name, found an empty quoted string")
            return s
        start = self.i
        s = self.bare()
        if not s:
            raise self.error(f"expected {what}, found {self.found()}", at=start)
        return s

    def value(self, of: str) -> Value:
        ch = self.peek()
        start = self.i
        if ch == '"':
            s = self.quoted()
            return Value(self.text[start : self.i], "string", s)
        if ch in "+-":
            self.i += 1
        self.bare()
        raw = self.text[start : self.i]
        if raw in ("", "+", "-"):
            self.i = start
            raise self.error(
                f"expected a value for {of} (a word, a number, true/false or a "
                f'"quoted string"), found {self.found()}'
            )
        if _NUMBER.match(raw):
            is_int = re.fullmatch(r"[-+]?\d+", raw) is not None
            return Value(raw, "number", int(raw) if is_int else float(raw))
        if raw[0] in "+-":
            raise self.error(f"expected a number after the sign, found {raw!r}", at=start)
        if raw.lower() in ("true", "false"):
            return Value(raw, "bool", raw.lower() == "true")
        return Value(raw, "word", raw)

    def assign(self) -> tuple[str, Value]:
        name = self.name()
        self.expect("=", f"'=' and a value after {name!r} (as in {format_name(name)}=value)")
        return name, self.value(name)

    def conditions(self) -> tuple[list, list, list]:
        interventions: list = []
        conditions: list = []
        starts: list = []  # column of each name, for "given twice" errors

        def one(into: list, bare_ok: bool = False) -> None:
            self.skip()
            starts.append(self.i)
            if bare_ok:
                keep = self.i
                name = self.name()
                if self.peek() in (",", ")"):
                    into.append((name, Value("", "all", None)))
                    return
                self.i = keep
            into.append(self.assign())

        while True:
            self.skip()
            start = self.i
            word = "" if self.peek() == '"' else self.bare()
            if word == "do" and self.peek() == "(":
                self.i += 1
                while True:
                    one(interventions, bare_ok=True)
                    if self.peek() == ",":
                        self.i += 1
                        continue
                    self.expect(")", "',' or ')' to close do(...)")
                    break
            else:
                self.i = start
                one(conditions)
            if self.peek() == ",":
                self.i += 1
                continue
            return interventions, conditions, starts

    def term(self) -> Term:
        self.skip()
        start = self.i
        head = self.bare()
        if head not in ("P", "E"):
            self.i = start
            raise self.error(
                f"expected P(...) or E[...] to start a query, found {self.found()}", at=start
            )
        opener = self.peek()
        if head == "P" and opener != "(":
            raise self.error(f"expected '(' after P, found {self.found()}")
        if head == "E" and (not opener or opener not in "[("):
            raise self.error(f"expected '[' after E, found {self.found()}")
        closer = "]" if opener == "[" else ")"
        self.i += 1
        outcome = self.name("the outcome variable")
        outcome_value = None
        outcome_op = "="
        cmp = re.match(r"[<>]=?", self.text[self.i :]) if self.peek() in "<>" else None
        if cmp and self.peek():
            if head == "E":
                raise self.error(
                    "an expectation E[Y | ...] takes no threshold; did you mean P(Y > c | ...)?"
                )
            outcome_op = cmp.group(0)
            self.i += len(outcome_op)
            self.skip()
            at = self.i
            outcome_value = self.value(outcome)
            if outcome_value.kind != "number":
                raise self.error(
                    f"a threshold event {outcome} {outcome_op} c needs a number c, "
                    f"found {outcome_value.raw!r}",
                    at=at,
                )
        elif self.peek() == "=":
            if head == "E":
                raise self.error(
                    "an expectation E[Y | ...] takes no value for Y; did you mean P(Y=y | ...)?"
                )
            self.i += 1
            outcome_value = self.value(outcome)
        interventions: list = []
        conditions: list = []
        starts: list = []
        if self.peek() == "|":
            self.i += 1
            interventions, conditions, starts = self.conditions()
        elif self.peek() not in (closer, ""):
            raise self.error(
                f"expected '|' or '{closer}' after the outcome"
                f"{'' if outcome_value is None else ' value'}, found {self.found()}"
            )
        self.expect(closer, f"'{closer}' to close {head}{opener}...{closer}")
        # starts are in reading order; interventions and conditions interleave in it
        order = sorted(zip(starts, [None] * len(starts), strict=True))
        names_in_order = [self._name_at(at) for at, _ in order]
        seen: set[str] = set()
        for (at, _), name in zip(order, names_in_order, strict=True):
            if name == outcome:
                raise self.error(
                    f"{name!r} is the outcome and cannot also be set or conditioned", at=at
                )
            if name in seen:
                raise self.error(f"{name!r} is given twice", at=at)
            seen.add(name)
        return Term(
            kind=head,
            outcome=outcome,
            outcome_value=outcome_value,
            interventions=tuple(interventions),
            conditions=tuple(conditions),
            text=self.text[start : self.i].strip(),
            outcome_op=outcome_op,
        )

    def _name_at(self, at: int) -> str:
        keep = self.i
        self.i = at
        try:
            return self.name()
        finally:
            self.i = keep

    def query(self, stop_at_options: bool = False) -> Query:
        left = self.term()
        op = right = None
        if self.peek() in ("-", "/") and not self._at_option():
            op = self.peek()
            self.i += 1
            right = self.term()
            if left.is_distribution or right.is_distribution:
                raise self.error(
                    "a contrast or ratio needs single probabilities, e.g. "
                    "P(Y=1 | do(X=1)) - P(Y=1 | do(X=0)); P(Y | ...) is a whole distribution",
                    at=self.i - 1,
                )
            if left.kind != right.kind:
                raise self.error("both sides of a contrast must be P(...) or both E[...]")
        end = self.i
        self.skip()
        if not stop_at_options and self.i < len(self.text):
            if self._at_option():
                raise self.error("options like --data belong on the %do line, not in a query")
            raise self.error(
                f"expected the end of the query (or '-' / '/' and a second term), "
                f"found {self.found()}"
            )
        return Query(left, op, right, self.text[:end].strip())

    def _at_option(self) -> bool:
        return self.text.startswith("--", self.i)


def parse_query(text: str) -> Query:
    """Parse a query such as ``P(Sound=Great | do(Gear=Fancy))``.

    Raises :class:`QuerySyntaxError` with ``.offset`` (1-based column) and a
    message saying what was expected there.

    >>> q = parse_query('P(Sound=Great | do(Gear=Fancy))')
    >>> q.left.outcome, q.left.interventions[0][0]
    ('Sound', 'Gear')
    """
    if not isinstance(text, str):
        raise TypeError(f"a query is text, got {type(text).__name__}")
    if not text.strip():
        raise QuerySyntaxError("expected a query such as P(Y=y | do(X=x)), found nothing", text, 1)
    return _Parser(text).query()


def split_magic_line(line: str) -> tuple[str, str]:
    """Split a ``%do`` line into ``(query_text, options_text)``.

    The query is read with the query grammar, so ``--`` or quotes inside it
    never confuse the split.
    """
    p = _Parser(line)
    p.query(stop_at_options=True)
    end = p.i
    rest = line[end:].strip()
    if rest and not rest.startswith("--"):
        raise QuerySyntaxError(
            f"expected options such as --data DF after the query, found {rest[:12]!r}",
            line,
            len(line) - len(line[end:].lstrip()) + 1,
        )
    return line[:end].strip(), rest
