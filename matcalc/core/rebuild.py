"""Rebuilding a node from new arguments through the smart constructors.

`rebuild(node, args)` is how rewrites (substitution, simplification) put a tree back together:
the node's operator with `args`, re-canonicalised by core.build.
"""
from __future__ import annotations

from . import build as b
from .expr import Expr, rebuild_bottom_up

BUILDERS = {
    "add": lambda n, a: b.add(*a),
    "mul": lambda n, a: b.mul(*a),
    "hadamard": lambda n, a: b.hadamard(*a),
    "kron": lambda n, a: b.kron(*a),
    "transpose": lambda n, a: b.transpose(a[0]),
    "pow": lambda n, a: b.power(*a),
    "sum": lambda n, a: b.reduce_sum(a[0]),
    "mean": lambda n, a: b.mean(a[0]),
    "tr": lambda n, a: b.trace(a[0]),
    "vec": lambda n, a: b.vec(a[0]),
    "diag": lambda n, a: b.diag(a[0]),
    "diagpart": lambda n, a: b.diagpart(a[0]),
    "tril": lambda n, a: b.tril(a[0]),
    "inv": lambda n, a: b.inv(a[0]),
    "solve": lambda n, a: b.solve(*a),
    "chol": lambda n, a: b.chol(a[0]),
    "pinv": lambda n, a: b.pinv(a[0]),
    "tril_half": lambda n, a: b.tril_half(a[0]),
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
