"""Lowering: the syntax tree plus declarations → one typed, interned core expression.

`lower(program, vars)` types the program (typer.py), unifies sizes, and builds the core
expression of its last statement with every binding substituted (a DAG: a bound name used twice
is one node), refusing it if its value depends on the size of a `ones` or `I` that nothing
fixes (unfixed.py). It also returns the program's variables as core `var` nodes with their shapes.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..core.expr import Expr
from ..errors import DeclarationError, MatcalcError
from ..shapes import Shape, describe
from ..syntax import ast
from .declarations import Declaration, parse_declarations
from .functions import FUNCTIONS
from .program_names import read
from .typed import to_core
from .typer import Typer
from .unfixed import refuse_unfixed_constants


@dataclass(frozen=True)
class Lowered:
    expr: Expr
    variables: dict[str, Expr]  # name -> var node, in order of first use, then declared ones
    bindings: dict[str, Expr]  # name = expr statements, in order (their core nodes)
    source: str
    kinds: dict[str, str] = field(default_factory=dict)  # each variable's: a vector(1) a vector
    warnings: tuple[str, ...] = ()  # notes on defaulted names that change the meaning

    def declarations(self) -> dict[str, str]:
        """Every variable with its kind and sizes as a declaration ({'x': 'vector(n)'}), which
        read back gives the variables these shapes: a vector(1) stays a vector."""
        return {name: describe(node.shape, node.attr("structure"), self.kinds.get(name))
                for name, node in self.variables.items()}


def lower(program: ast.Program, vars: dict[str, str] | None = None,
          identity_names: frozenset[str] = frozenset(),
          declarations: dict[str, Declaration] | None = None,
          expect: Shape | None = None, open_constants: bool = False,
          used: frozenset[str] = frozenset()) -> Lowered:
    """`identity_names`: names read as the identity matrix (`I` in a user's claimed answer);
    `declarations`: ready-made declarations instead of `vars` (another program's shapes);
    `expect`: the shape the program's value must have (sizes it leaves open follow it);
    `open_constants`: keep a `ones`/`I` whose size nothing fixes (a claimed answer's `Wᵀ ⊗ I`,
    its size found from the derivative's shape) instead of refusing it; `used`: names used
    besides the program's own (the variable differentiated by: the parts of a glued name)."""
    declarations = declarations if declarations is not None else parse_declarations(vars)
    for name, decl in declarations.items():
        if decl.kind == "function" and name in FUNCTIONS:
            raise DeclarationError(f"'{name}' is a built-in function; it cannot be declared "
                                   f"an abstract one")
    program = read(program, declarations)  # `W (x + b)ᵀ` is W times (x + b)ᵀ, not W(x + b)ᵀ
    typer = Typer(program, declarations, identity_names, used)
    try:
        root = typer.program(program)
        if expect is not None:
            typer.expect(root, expect)
        for name, decl in declarations.items():
            if decl.kind != "function" and name not in typer.variables and \
                    name not in typer.bound:
                typer.variable(name, None)
        memo: dict = {}
        expr = to_core(root, memo)
        if not open_constants:
            refuse_unfixed_constants(root, expr, program.text)
        variables = {n: to_core(t, memo) for n, t in typer.variables.items()}
        bindings = {n: to_core(t, memo) for n, t in typer.bound.items()}
    except MatcalcError as err:
        raise err.with_source(program.text)
    kinds = {n: declarations[n].kind if n in declarations else t.kind  # (as declared)
             for n, t in typer.variables.items()}
    return Lowered(expr, variables, bindings, program.text, kinds, typer.names.notes())


def declarations_of(variables: dict[str, Expr],
                    kinds: dict[str, str] | None = None) -> dict[str, Declaration]:
    """Declarations giving other programs exactly these variables' kinds and sizes; `kinds`:
    a program's (`Lowered.kinds`: a vector(1) is a vector), else the kinds of the shapes."""
    def size(dim):
        return dim.number if dim.number is not None else str(dim)  # 3·~n_x
    out = {}
    for name, node in variables.items():
        shape = node.shape
        kind = (kinds or {}).get(name) or shape.kind
        sizes = () if kind == "scalar" else (size(shape.rows),) if kind == "vector" else \
            (size(shape.rows), size(shape.cols))
        out[name] = Declaration(kind, sizes, node.attr("structure", "general"))
    return out


__all__ = ["Lowered", "declarations_of", "lower"]
