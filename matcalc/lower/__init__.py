"""Lowering: the syntax tree plus declarations → one typed, interned core expression.

`lower(program, vars)` types the program (typer.py), unifies sizes, and builds the core
expression of its last statement with every binding substituted (a DAG: a bound name used twice
is one node). It also returns the program's variables as core `var` nodes with their shapes.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..core.expr import Expr
from ..errors import MatcalcError
from ..syntax import ast
from .declarations import parse_declarations
from .typed import to_core
from .typer import Typer


@dataclass(frozen=True)
class Lowered:
    expr: Expr
    variables: dict[str, Expr]  # name -> var node, in order of first use, then declared ones
    bindings: tuple[str, ...]
    source: str


def lower(program: ast.Program, vars: dict[str, str] | None = None) -> Lowered:
    declarations = parse_declarations(vars)
    typer = Typer(program, declarations)
    try:
        root = typer.program(program)
        for name in declarations:
            if name not in typer.variables and name not in typer.bound:
                typer.variable(name, None)
        memo: dict = {}
        expr = to_core(root, memo)
        variables = {n: to_core(t, memo) for n, t in typer.variables.items()}
    except MatcalcError as err:
        raise err.with_source(program.text)
    return Lowered(expr, variables, tuple(typer.bound), program.text)


__all__ = ["Lowered", "lower"]
