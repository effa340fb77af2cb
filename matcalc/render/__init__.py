"""Printing expressions as Unicode text, ASCII text or LaTeX (one printer, three notations)."""
from .length import token_count
from .notation import ASCII, LATEX, UNICODE, Notation
from .printer import render


def to_text(expr, ascii: bool = False) -> str:
    return render(expr, ASCII if ascii else UNICODE)


def to_latex(expr) -> str:
    return render(expr, LATEX)


__all__ = ["ASCII", "LATEX", "UNICODE", "Notation", "render", "to_latex", "to_text",
           "token_count"]
