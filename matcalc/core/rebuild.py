"""Rebuilding a node from new arguments through the smart constructors.

`rebuild(node, args)` is how rewrites (substitution, simplification) put a tree back together:
the node's operator with `args`, re-canonicalised by core.build.
"""
from __future__ import annotations

from . import build as b
from .expr import Expr, rebuild_bottom_up
from .factorisations import FACTORISATIONS
from .linear_ops import LINEAR_OPS
from .matrix_powers import MATRIX_POWERS


def _by_builder(builder: str):
    """A node rebuilt by the core builder named `builder`, of its new operands."""
    return lambda node, args: getattr(b, builder)(*args)


# a declared operator (core/linear_ops.py, core/matrix_powers.py, core/factorisations.py) ->
# (node, args) -> its node
DECLARED_BUILDERS = {op.name: _by_builder(op.builder)
                     for op in (*LINEAR_OPS.values(), *MATRIX_POWERS.values(),
                                *FACTORISATIONS.values()) if op.builder}

BUILDERS = {
    "add": lambda n, a: b.add(*a),
    "mul": lambda n, a: b.mul(*a),
    "hadamard": lambda n, a: b.hadamard(*a),
    "transpose": lambda n, a: b.transpose(a[0]),
    "pow": lambda n, a: b.power(*a),
    **DECLARED_BUILDERS,
    "expand": lambda n, a: b.expand(a[0], n.shape),
    "unvec": lambda n, a: b.unvec(a[0], n.shape),
}


def rebuild(node: Expr, args: tuple[Expr, ...]) -> Expr:
    """`node`'s operator applied to `args` (the node itself when nothing changed)."""
    if all(x is y for x, y in zip(args, node.args)):
        return node
    builder = BUILDERS.get(node.op)
    if builder is not None:
        return builder(node, args)
    return b.apply(node.op, *args, **dict(node.attrs))


def substitute(root: Expr, mapping: dict[Expr, Expr]) -> Expr:
    """`root` with every node in `mapping` replaced, re-canonicalised on the way up."""
    return rebuild_bottom_up(
        root, lambda node, args: mapping[node] if node in mapping else rebuild(node, args))
