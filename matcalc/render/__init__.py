"""Printing expressions as Unicode text, ASCII text or LaTeX (one printer, three notations)."""
from .notation import ASCII, LATEX, UNICODE, Notation
from .printer import render
from .tokens import text_tokens


def to_text(expr, ascii: bool = False) -> str:
    return render(expr, ASCII if ascii else UNICODE)


def to_latex(expr) -> str:
    return render(expr, LATEX)


def token_count(expr) -> int:
    """The number of tokens (names, numbers, symbols) of the printed form: its length."""
    return len(text_tokens(render(expr, UNICODE)))


__all__ = ["ASCII", "LATEX", "UNICODE", "Notation", "render", "to_latex", "to_text",
           "token_count"]
