"""The page's syntax panel: the language's operators and built-in functions as JSON.

The spellings come from the parser itself (its terminals, and the postfix spellings the
transformer reads) and the functions from the registries every stage reads
(lower/functions.py MEANINGS and ARITY, core/elementwise.py FUNCTIONS,
core/vector_functions.py, core/linear_ops.py, core/matrix_powers.py, core/matrix_scalars.py,
core/extremes.py, core/matrix_functions.py), so the panel lists exactly what the parser
accepts; only each operator's one-line meaning is written here.
"""
from __future__ import annotations

import functools
from typing import Any

from ..core.elementwise import BINARY, SPELLINGS
from ..core.elementwise import FUNCTIONS as ELEMENTWISE
from ..core.extremes import EXTREMES
from ..core.linear_ops import LINEAR_OPS
from ..core.matrix_functions import (
    DIVIDED_EXAMPLE,
    DIVIDED_MEANING,
    FRECHET_EXAMPLE,
    FRECHET_MEANING,
    JACOBIAN_EXAMPLE,
    JACOBIAN_MEANING,
    MATRIX_FUNCTIONS,
)
from ..core.matrix_powers import MATRIX_POWERS
from ..core.matrix_scalars import MATRIX_SCALARS
from ..core.vector_functions import BY_SPELLING
from ..lower.functions import ARITY, MEANINGS
from ..syntax.parser import build_parser
from ..syntax.transformer import _POSTFIX as POSTFIX_SPELLINGS

# Parser terminal (or postfix op) -> (meaning, example), lowest precedence first.
OPERATORS = {
    "GT": ("elementwise indicator: 1 where u > v, else 0", "x > y"),
    "PLUS": ("sum (a scalar added to a vector or matrix broadcasts)", "A + B"),
    "MINUS": ("difference, negation", "x - y"),
    "STAR": ("matrix product (also written by juxtaposition: W x)", "W * x"),
    "AT": ("matrix product", "W @ x"),
    "HADAMARD": ("elementwise (Hadamard) product", "x .* y"),
    "EDIV": ("elementwise division", "x ./ y"),
    "SLASH": ("division by a scalar (elementwise when both sides have one shape)", "x / c"),
    "KRON": ("Kronecker product", "A ⊗ B"),
    "CARET": ("power of a scalar, elementwise on a vector; A^-1 is the inverse", "A^-1"),
    "DOTCARET": ("elementwise power", "x .^ 2"),
    "T": ("transpose", "x'"),
    "inv": ("inverse", "A⁻¹"),
    "invT": ("inverse of the transpose", "A⁻ᵀ"),
    "pinv": ("pseudo-inverse (full column rank)", "W⁺"),
}


def _spellings(terminal: str) -> list[str]:
    """How the source may write one operator: a terminal's alternatives (`.*` `⊙` `∘`), or
    a postfix op's spellings."""
    postfix = [text for text, op in POSTFIX_SPELLINGS.items() if op == terminal]
    if postfix:
        return postfix
    pattern = next(t.pattern for t in build_parser().terminals if t.name == terminal)
    if pattern.type == "str":
        return [pattern.value]
    return [alt.replace("\\", "") for alt in pattern.value.removeprefix("(?:")
            .removesuffix(")").split("|")]


def _function(name: str) -> dict[str, Any]:
    """One built-in: its call form, and for a declared function (elementwise, of the softmax
    family, a scalar function of a matrix) its meaning and example."""
    arguments = "u, v" if ARITY.get(name, 1) == 2 else "u"
    entry: dict[str, Any] = {"name": name, "call": f"{name}({arguments})"}
    declared = ELEMENTWISE.get(name) or BY_SPELLING.get(name) or MATRIX_SCALARS.get(name)
    if declared is not None:
        entry["spellings"] = [name, *declared.spellings]
        entry["meaning"] = declared.meaning
        entry["example"] = declared.example[0]
    operators = [op for op in (*LINEAR_OPS.values(), *MATRIX_POWERS.values())
                 if name in op.spellings]
    described = [(op.meaning, op.example) for op in operators] + _described(name)
    if described:  # (diag: of a vector, of a matrix; max: of two operands, of one)
        entry["meaning"] = "; ".join(meaning for meaning, _ in described)
        entry["example"] = described[0][1][0]
    return entry


def _described(name: str) -> list[tuple[str, tuple[str, str, str]]]:
    """(meaning, example) of each declaration of max, min (of two operands, of one), ismax,
    ismin, the matrix functions, their Fréchet derivatives and divided differences that the
    language spells `name`."""
    functions = MATRIX_FUNCTIONS.values()
    return [
        *((f.meaning, f.example) for f in BINARY.values() if f.spelling == name),
        *((e.meaning, e.example) for e in EXTREMES.values() if e.spelling == name),
        *((e.indicator_meaning, e.indicator_example) for e in EXTREMES.values()
          if e.indicator == name),
        *((f.meaning, f.example) for f in functions if f.name == name),
        *((FRECHET_MEANING, FRECHET_EXAMPLE) for f in functions if f.frechet_name == name),
        *((JACOBIAN_MEANING, JACOBIAN_EXAMPLE) for f in functions if f.jacobian_name == name),
        *((DIVIDED_MEANING, DIVIDED_EXAMPLE) for f in functions if f.divided_name == name)]


@functools.cache
def syntax() -> dict[str, Any]:
    """{"operators": [{"spellings", "meaning", "example"}...] lowest precedence first,
    "functions": [{"class", "functions": [{"name", "call", ...}]}...]} (JSON-ready)."""
    operators = [{"spellings": _spellings(name), "meaning": meaning, "example": example}
                 for name, (meaning, example) in OPERATORS.items()]
    functions = [{"class": meaning, "functions": [_function(name) for name in names
                                                  if SPELLINGS.get(name, name) == name]}
                 for meaning, names in MEANINGS.items()]  # (σ is listed with sigmoid)
    return {"operators": operators, "functions": functions}
