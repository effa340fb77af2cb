"""Which declared symbol a printed `∂f/∂(u)` names.

The derivative of an abstract f at an argument with no name prints as `∂f/∂(u)` (ASCII
`df_d(u)`) and is declared, to be read back, under its ASCII name `df_d(u)`. A text may spell
the argument differently from the declaration: in Unicode (`σ(W x) ⊙ y` for `sigmoid(W x) .*
y`, `Aᵀ` for `A^T`, `A⁻¹` for `A^-1`, `A ⊗ B` for `kron(A, B)`), with other blanks, or with names
the text binds (`∂f/∂(s ⊙ y)  where s = σ(W x)`). Arguments are compared by their syntax trees,
with those spellings made one and bound names replaced by their definitions.
"""
from __future__ import annotations

import re

from ..errors import DeclarationError, MatcalcError
from ..syntax import ast, parse

_PARTIAL = re.compile(r"d\w+_d")


def declared_symbol(call: ast.Call, argument: str, declarations: dict,
                    bound: dict[str, str]) -> str | None:
    """The declared name (`df_d(u)`) that the call `df_d(argument)` stands for: the one declared
    with an argument that means the same syntax, or else the only one declared for f; None if
    the call is not such a symbol. `bound`: the text's bound names and their definitions."""
    if len(call.args) != 1 or not _PARTIAL.fullmatch(call.func):
        return None
    exact = f"{call.func}({argument})"
    if exact in declarations:
        return exact
    declared = [n for n in declarations if n.startswith(call.func + "(")]
    if len(declared) > 1:
        meant = _form(argument, bound)
        same = [n for n in declared if meant is not None and
                _form(n[len(call.func) + 1:-1], {}) == meant]
        if len(same) == 1:
            return same[0]
        raise DeclarationError(f"{call.func}(…): several symbols {', '.join(declared)} are "
                               f"declared; write the argument as declared", call.func_span)
    return declared[0] if declared else None


def _form(text: str, bound: dict[str, str]) -> str | None:
    """The argument's syntax as an s-expression, spellings made one, bound names expanded."""
    try:
        return _sexpr(parse(text).result, bound, set())
    except MatcalcError:
        return None


def _sexpr(node: ast.Expr, bound: dict[str, str], expanding: set[str]) -> str:
    """to_sexpr with A⁻¹ as A^-1, A⁻ᵀ as (A^-1)^T, A ⊗ B as kron(A, B) and each bound name
    (or a bound name called, a product) replaced by its definition."""
    def sub(n: ast.Expr) -> str:
        return _sexpr(n, bound, expanding)

    if isinstance(node, ast.Name) and node.name in bound and node.name not in expanding:
        definition = parse(bound[node.name]).result
        return _sexpr(definition, bound, expanding | {node.name})
    if isinstance(node, ast.Call) and node.func in bound and len(node.args) == 1:
        name = ast.Name(node.func, node.func_span)
        return f"(juxt {sub(name)} {sub(node.args[0])})"
    if isinstance(node, ast.Postfix) and node.op in ("inv", "invT"):
        inverse = f"(^ {sub(node.operand)} (- 1))"
        return inverse if node.op == "inv" else f"(T {inverse})"
    if isinstance(node, ast.Binary) and node.op == "kron":
        return f"(call kron {sub(node.left)} {sub(node.right)})"
    if isinstance(node, ast.Call):
        return "(call " + " ".join([node.func, *map(sub, node.args)]) + ")"
    if isinstance(node, ast.Binary):
        return f"({node.op} {sub(node.left)} {sub(node.right)})"
    if isinstance(node, (ast.Unary, ast.Postfix)):
        return f"({node.op} {sub(node.operand)})"
    if isinstance(node, ast.Sized) and node.arg is not None:
        return f"(call {node.head}_{'×'.join(node.sizes)} {sub(node.arg)})"
    if isinstance(node, ast.Sized):
        return f"{node.head}_{'×'.join(node.sizes)}"
    return ast.to_sexpr(node)

