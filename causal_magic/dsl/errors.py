"""The parser's errors: ``DagSyntaxError`` with line and column, and its one-line form.

Why apart: the tokenizer, the parser and the ``%%dag`` magic all raise or print
these, and they must not need the parser to do so.
"""

from __future__ import annotations

from collections.abc import Hashable


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
