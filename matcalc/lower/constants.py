"""Constants with printed sizes, and sizes used as numbers: how results read back as input.

A result prints an identity, all-ones vector, zero matrix, commutation matrix or vec⁻¹ with its
sizes where its neighbours do not imply them (I_n, 𝟏_n, 0_{m×n}, K_{m,n}, vec⁻¹_{m×n}(v)), and
a size as a number where a rule needs one (1/n of a mean, n det(c X) / c). Here those spellings
are typed: a subscript part is a size (`n`, `3`, `m n` for the product m·n); a name that is a
size of the declarations (and no variable) is that size, a scalar.
"""
from __future__ import annotations

import re

from ..errors import ParseError
from ..syntax import ast
from .dims import GENERATED, SizeVar, declared, matrix_sizes, one, times, unify
from .typed import T, scalar

_FACTOR = re.compile(r"[0-9]+|[A-Za-z_][A-Za-z0-9_]*")
_FACTORS = re.compile(r"\s*[\s·*]\s*")
_SIZES = {"I": 1, "ones": 1, "0": 2, "K": 2, "unvec": 2}  # head -> number of subscript parts
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def size_of(part: str, symbols: dict[str, str]) -> SizeVar | None:
    """`n`, `3`, `m n` or `m·n` (m·n): the size a subscript part names, or None if it names
    none; `symbols`: the declarations' sizes by their printed names (n_x is ~n_x)."""
    factors = [f for f in _FACTORS.split(part.strip()) if f]
    if not factors or not all(_FACTOR.fullmatch(f) for f in factors):
        return None
    if any(f.isdigit() and int(f) < 1 for f in factors):
        return None
    return declared("·".join(symbols.get(f, f) for f in factors))


def sized(typer, node: ast.Sized) -> T:
    """I_n, 𝟏_n, 0_{m×n}, K_{m,n} or vec⁻¹_{m×n}(v); a name spelled so that is declared (or
    bound) is that variable, and a spelling with the wrong sizes is a plain name if it is one."""
    if node.text in typer.declarations or node.text in typer.bound:
        return typer.t_Name(ast.Name(node.text, node.span))
    sizes = [size_of(p, typer.size_names) for p in node.sizes]
    if len(sizes) != _SIZES[node.head] or None in sizes:
        if node.arg is None and _IDENT.fullmatch(node.text):
            return typer.variable(node.text, node.span)  # K_a, I_x1, ...: a variable's name
        want = "one size" if _SIZES[node.head] == 1 else "two sizes, rows×columns"
        raise ParseError(f"'{node.text}': the subscript of {node.head} must be {want} (names "
                         f"or positive integers, as in {_EXAMPLES[node.head]})", node.span)
    head, text = node.head, node.text
    if head == "I":
        return T("identity", (), sizes[0], sizes[0], node.span, text)
    if head == "ones":
        return T("ones", (), sizes[0], one(), node.span, text)
    m, n = matrix_sizes(*sizes) if head in ("0", "unvec") else sizes
    if head == "0":
        return T("zero", (), m, n, node.span, text)
    if head == "K":  # K_{m,n} vec(A) = vec(Aᵀ) for A m × n: (n·m) × (m·n)
        return T("commutation", (), times(n, m), times(m, n), node.span, text, m=m, n=n)
    arg = typer.expr(node.arg)
    if not (unify(arg.rows, times(m, n)) and unify(arg.cols, one())):
        raise ParseError(f"{text}(…) takes a vector of {m.label()}·{n.label()} entries, got "
                         f"{arg.describe()}", node.span)
    return T("unvec", (arg,), m, n, node.span, text)


_EXAMPLES = {"I": "I_n", "ones": "𝟏_n", "0": "0_{m×n}", "K": "K_{m,n}", "unvec": "vec⁻¹_{m×n}(v)"}


def size_names(declarations: dict) -> dict[str, str]:
    """The size symbols of the declarations by the names results print them with: `n` of
    vector(n), m and n of m·n, and n_x of another program's generated size ~n_x (so that a
    claimed answer's n_x is that program's size)."""
    out = {}
    for decl in declarations.values():
        for size in decl.sizes:
            if isinstance(size, str):
                out.update((s.lstrip(GENERATED), s) for s in size.split("·")
                           if _IDENT.fullmatch(s.lstrip(GENERATED)))
    return out


def size_value(symbol: str, span) -> T:
    """The size `symbol` as a scalar (as in 1/n, the derivative of a mean)."""
    return scalar("dim", span=span, text=symbol.lstrip(GENERATED), size=declared(symbol))
