"""Which declared symbol a printed `∂f/∂(u)` names.

The derivative of an abstract f at an argument with no name prints as `∂f/∂(u)` (ASCII
`df_d(u)`) and is declared, to be read back, under its ASCII name `df_d(u)`. A text may spell
the argument differently from the declaration: in Unicode (`σ(W x) ⊙ y` for `sigmoid(W x) .*
y`, `A⁻ᵀ` for `(A^-1)^T`, `A ⊗ B` for `kron(A, B)`), with other blanks, in another order of a
commutative operator, or with names the text binds (`∂f/∂(s ⊙ y)  where s = σ(W x)`). So the
arguments are compared by meaning: each is typed in the text's context and built as a core
expression, and equal expressions are one interned node.
"""
from __future__ import annotations

import re

from ..core.expr import Expr
from ..errors import DeclarationError, MatcalcError
from ..syntax import ast, parse
from .typed import to_core

_PARTIAL = re.compile(r"d\w+_d")


def declared_symbol(typer, call: ast.Call) -> str | None:
    """The declared name (`df_d(u)`) that the call `df_d(argument)` stands for: the one declared
    with an argument of the same meaning; None if the call is not such a symbol (no df_d(…) is
    declared); a DeclarationError if none of those declared has this argument."""
    if len(call.args) != 1 or not _PARTIAL.fullmatch(call.func):
        return None
    argument = typer.source(call.args[0])
    exact = f"{call.func}({argument})"
    if exact in typer.declarations:
        return exact
    declared = [n for n in typer.declarations if n.startswith(call.func + "(")]
    if not declared:
        return None
    meant = _meaning(typer, call.args[0])
    same = [n for n in declared if meant is not None and
            _meaning(typer, n[len(call.func) + 1:-1]) is meant]
    if len(same) == 1:
        return same[0]
    raise DeclarationError(f"{call.func}({argument}) is not declared: the symbols declared are "
                           f"{', '.join(declared)} (write the argument as one of them)",
                           call.func_span)


def _meaning(typer, argument: ast.Expr | str) -> Expr | None:
    """The core expression of an argument (a syntax node of the text, or the text of a declared
    symbol's argument) as the text's names and sizes type it; None if it has none."""
    try:
        node = parse(argument).result if isinstance(argument, str) else argument
        return to_core(typer.expr(node), {})
    except MatcalcError:
        return None
