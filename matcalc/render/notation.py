"""The three notations a result is printed in: Unicode text, ASCII text and LaTeX.

One printer (render/printer.py) walks the expression; a `Notation` only says how each
structural symbol is spelled (a declared operator's marks are in its declaration,
core/notations.py), so text and LaTeX agree symbol for symbol. The ASCII spelling re-parses as
matcalc input wherever the language has the symbol.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..core.elementwise import Function
from ..core.matrix_scalars import MATRIX_SCALARS
from ..names import latex_name, spelled, unicode_name

LATEX_FUNCTIONS = {"max", "min", *(s.name for s in MATRIX_SCALARS.values() if s.latex_command)}
# (an elementwise function's LaTeX is in its declaration)


@dataclass(frozen=True)
class Notation:
    name: str
    transpose: str
    hadamard: str
    ew_divide: str
    ones: str
    power: str  # elementwise power operator
    unvec: str = "vec⁻¹"

    def var(self, name: str, scalar: bool) -> str:
        if self.name == "latex":
            return latex_name(name, bold=not scalar)
        return unicode_name(name) if self.name == "unicode" else spelled(name)

    def function(self, f: Function) -> str:
        """An elementwise function's name as this notation prints it (core/elementwise.py):
        σ, sigmoid, \\sigma."""
        return {"unicode": f.shown, "ascii": f.name, "latex": f.latex_head}[self.name]

    def call(self, fn: str, args: list[str]) -> str:
        if self.name != "latex":
            return f"{fn}({', '.join(args)})"
        spelled = fn.startswith("\\") or "_{" in fn  # \sigma, L_{\exp}
        escaped = fn.replace("_", "\\_")  # (softmax_rows: a bare _ is a subscript)
        head = f"\\{fn}" if fn in LATEX_FUNCTIONS else fn if spelled else \
            f"\\operatorname{{{escaped}}}"
        return f"{head}\\left({', '.join(args)}\\right)"

    def superscript(self, base: str, exponent: str, elementwise: bool) -> str:
        if self.name == "latex":
            circ = "\\circ " if elementwise else ""
            return f"{base}^{{{circ}{exponent}}}"
        return f"{base}{self.power if elementwise else '^'}{exponent}"

    def fraction(self, num: str, den: str) -> str:
        return f"\\frac{{{num}}}{{{den}}}" if self.name == "latex" else f"{num} / {den}"

    def subscript(self, base: str, sub: str) -> str:
        plain = self.name != "latex" and len(sub) == 1
        return f"{base}_{sub}" if plain else f"{base}_{{{sub}}}"

    def by(self, rows: str, cols: str) -> str:
        """The subscript of a zero matrix or vec⁻¹: m×n (ASCII m,n)."""
        return rows + {"latex": " \\times ", "ascii": ","}.get(self.name, "×") + cols

    def partial(self, fn: str, arg: str) -> str:
        if self.name == "latex":
            return f"\\frac{{\\partial {fn}}}{{\\partial {arg}}}"
        if self.name == "ascii":
            return f"d{fn}_d{arg}"
        return f"∂{fn}/∂{arg}"

    def comparison(self) -> str:
        return " > "

    def zero(self, scalar: bool) -> str:
        return "\\mathbf{0}" if self.name == "latex" and not scalar else "0"


UNICODE = Notation("unicode", "ᵀ", " ⊙ ", " ⊘ ", "𝟏", ".^")
ASCII = Notation("ascii", "^T", " .* ", " ./ ", "ones", ".^", "unvec")
LATEX = Notation("latex", "^{\\top}", " \\odot ", " \\oslash ", "\\mathbf{1}", "",
                 "\\operatorname{vec}^{-1}")
