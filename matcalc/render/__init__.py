"""Printing expressions as Unicode text, ASCII text or LaTeX (one printer, three notations)."""
import re

from .notation import ASCII, LATEX, UNICODE, Notation
from .printer import render


def to_text(expr, ascii: bool = False) -> str:
    return render(expr, ASCII if ascii else UNICODE)


def to_latex(expr) -> str:
    return render(expr, LATEX)


_TOKEN = re.compile(r"∂\w+/∂\w+|\.\^|[^\W\d]\w*|\d+|\S")


def token_count(expr) -> int:
    """The number of tokens (names, numbers, symbols) of the printed form: its length."""
    text = render(expr, UNICODE).replace("ᵀ", " ᵀ ").replace("⁻¹", " ⁻¹ ")
    return len(_TOKEN.findall(text))


__all__ = ["ASCII", "LATEX", "UNICODE", "Notation", "render", "to_latex", "to_text",
           "token_count"]
