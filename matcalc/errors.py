"""Errors that cross the API boundary: every one is a `MatcalcError`.

A `Span` locates a piece of the user's text; `MatcalcError.__str__` shows the message and, when
the error has a span and the source text, the offending line with a caret under it. However long
the input, an error stays short: a line past EXCERPT characters is shown as a window around the
caret with … marks, and a message quoting a long piece of the input keeps its ends (`elided`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

EXCERPT = 100  # characters of the source line shown at most, around the caret
LONG_WORD = 60  # a longer run of non-blank characters in a message keeps only its ends
LONG_MESSAGE = 800  # a longer message keeps only its beginning and its end


def elided(message: str) -> str:
    """`message` with each run of more than LONG_WORD non-blank characters (a 1 MB name) cut to
    its ends around '…', and the middle of a message still longer than LONG_MESSAGE cut."""
    message = re.sub(rf"\S{{{LONG_WORD + 1},}}", lambda m: f"{m[0][:40]}…{m[0][-15:]}", message)
    if len(message) > LONG_MESSAGE:
        message = f"{message[:LONG_MESSAGE * 2 // 3]} … {message[-LONG_MESSAGE // 3:]}"
    return message


def window(length: int, column: int) -> tuple[int, int]:
    """[start, end) of a line of `length` characters to show, with the 0-based `column` of the
    caret inside it: the whole line up to EXCERPT characters, else EXCERPT around the caret."""
    if length <= EXCERPT:
        return 0, length
    start = max(0, min(column - EXCERPT // 2, length - EXCERPT))
    return start, start + EXCERPT


@dataclass(frozen=True)
class Span:
    """A region of the source text: 1-based line/column of its start, 0-based offsets."""

    line: int
    column: int
    start: int
    end: int


class MatcalcError(Exception):
    """Base class of every error matcalc raises on bad input or unsupported operations."""

    def __init__(self, message: str, span: Span | None = None, source: str | None = None):
        message = elided(message)
        super().__init__(message)
        self.message = message
        self.span = span
        self.source = source

    def with_source(self, source: str) -> MatcalcError:
        """Attach the program text (for the caret excerpt) if not already attached."""
        if self.source is None:
            self.source = source
        return self

    @property
    def line(self) -> int | None:
        return self.span.line if self.span else None

    @property
    def column(self) -> int | None:
        return self.span.column if self.span else None

    def excerpt(self) -> str:
        """The source line of the span (a window of it around the caret when it is long, with
        … where it is cut) with a caret (^~~~) under the span, or ''."""
        if self.span is None or self.source is None:
            return ""
        lines = self.source.split("\n")
        if not 1 <= self.span.line <= len(lines):
            return ""
        text = lines[self.span.line - 1]
        col = self.span.column - 1
        start, end = window(len(text), col)
        shown = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
        offset = col - start + (1 if start else 0)
        width = max(1, min(self.span.end - self.span.start, end - col))
        return f"  {shown}\n  {' ' * offset}^{'~' * (width - 1)}"

    def __str__(self) -> str:
        where = f"line {self.span.line}, column {self.span.column}: " if self.span else ""
        excerpt = self.excerpt()
        return f"{where}{self.message}" + (f"\n{excerpt}" if excerpt else "")


class ParseError(MatcalcError):
    """The text is not a program of the matcalc language (syntax)."""


class DeclarationError(MatcalcError):
    """A declaration (`vars=` / `--var`) or the variable to differentiate by is invalid."""


class ShapeError(MatcalcError):
    """Operand kinds or sizes do not fit an operator (the message names both shapes)."""


class UnsupportedError(MatcalcError):
    """A well-formed operation matcalc has no derivative (or evaluation) rule for. A refusal to
    differentiate a node of the expression (`subject`) may write the node {0} and its arguments
    {1}, {2}, ... (`arguments`: the texts shown until then, `eigvec_max(S)`, `S`), which
    `naming` replaces by their texts as the user's expression prints them (api.py)."""

    def __init__(self, message: str, span: Span | None = None, source: str | None = None,
                 arguments: tuple[str, ...] = (), subject: object = None):
        self.template = message if arguments else ""
        self.subject = subject
        super().__init__(_placed(message, arguments), span, source)

    def naming(self, *texts: str) -> UnsupportedError:
        """This refusal about the node and arguments printed `texts` (itself when it names
        none)."""
        if not self.template:
            return self
        return UnsupportedError(_placed(self.template, texts), self.span, self.source)


class EvaluationError(MatcalcError):
    """`evaluate` was given missing, extra or ill-shaped arrays."""


class OutsideDomainError(EvaluationError):
    """A value where the function is not defined as a real number or matrix (logm of a matrix
    with an eigenvalue on the closed negative real axis). An op's value function may write its
    refusal about its arguments {0}, {1}, ... (`arguments`: the letters shown, `chol(S)`), which
    `naming` replaces by the arguments as the user wrote them (`chol(A + B)`)."""

    def __init__(self, message: str, span: Span | None = None, source: str | None = None,
                 arguments: tuple[str, ...] = ()):
        self.template = message if arguments else ""
        super().__init__(_placed(message, arguments), span, source)

    def naming(self, *arguments: str) -> OutsideDomainError:
        """This refusal about `arguments` (itself when it names no argument)."""
        return OutsideDomainError(_placed(self.template, arguments)) if self.template else self


def _placed(template: str, arguments: tuple[str, ...]) -> str:
    """`template` with each {i} replaced by arguments[i] (replaced literally: an argument's
    text may hold braces, I_{n})."""
    for i, text in enumerate(arguments):
        template = template.replace(f"{{{i}}}", text)
    return template
