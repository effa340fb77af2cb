"""The differential: a memoised postorder walk applying JVP rules.

`differential(expr, name)` returns dF, an expression linear in the tangent leaf d(name), or
`None` when `expr` does not depend on `name`. Every operator must have a rule; one without
raises `UnsupportedError` naming it.
"""
from __future__ import annotations

from ..core import build as b
from ..core.expr import Expr, postorder
from ..errors import UnsupportedError
from . import elementwise, factorisations, linear, matrix_fns, spectral  # noqa: F401  (the JVPs)
from .registry import JVP


def differential(expr: Expr, name: str, known: dict | None = None) -> Expr | None:
    """dF for F = `expr` and the variable `name` (None: F does not depend on it). `known`
    maps nodes to rules (memo -> their differential) taking precedence over the JVP table:
    the second-order rules of matcalc/second_order.py, which differentiate a recognised
    subexpression as a unit."""
    memo: dict[Expr, Expr | None] = {}
    shortcuts = known or {}
    for node in postorder(expr):
        if name not in node.free:
            memo[node] = None
        elif node in shortcuts:
            memo[node] = shortcuts[node](memo)
        elif node.op == "var":
            memo[node] = b.tangent(name, node.shape)
        else:
            rule = JVP.get(node.op)
            if rule is None:
                raise UnsupportedError(f"no derivative rule for '{node.op}'")
            dargs = tuple(memo[a] for a in node.args)
            memo[node] = rule(node, dargs)
    return memo[expr]
