"""Errors that cross the API boundary: every one is a `MatcalcError`.

A `Span` locates a piece of the user's text; `MatcalcError.__str__` shows the message and, when
the error has a span and the source text, the offending line with a caret under it.
"""
from __future__ import annotations

from dataclasses import dataclass


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
        """The source line of the span with a caret (^~~~) under the span, or ''."""
        if self.span is None or self.source is None:
            return ""
        lines = self.source.split("\n")
        if not 1 <= self.span.line <= len(lines):
            return ""
        text = lines[self.span.line - 1]
        col = self.span.column - 1
        width = max(1, min(self.span.end - self.span.start, len(text) - col))
        return f"  {text}\n  {' ' * col}^{'~' * (width - 1)}"

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
    """A well-formed operation matcalc has no derivative (or evaluation) rule for."""


class EvaluationError(MatcalcError):
    """`evaluate` was given missing, extra or ill-shaped arrays."""
