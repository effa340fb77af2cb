"""Deep transposition: `transposed(e)` is eᵀ with the transpose pushed inside where that does
not add transpose marks: (A B)ᵀ = Bᵀ Aᵀ always, (A + B)ᵀ = Aᵀ + Bᵀ and (A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ,
f(A)ᵀ = f(Aᵀ) only when the pushed form has no more transposes than the plain one. Used for the
denominator layout and for cotangents of transposes.
"""
from __future__ import annotations

from . import build as b
from .expr import Expr, postorder

_DISTRIBUTES = {"add": b.add, "hadamard": b.hadamard, "kron": b.kron}
_ELEMENTWISE = {"exp", "log", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "abs", "sign",
                "sqrt", "softplus", "inv"}


def transpose_count(e: Expr) -> int:
    return sum(1 for node in postorder(e) if node.op == "transpose")


def transposed(e: Expr) -> Expr:
    """eᵀ in its shortest distributed form."""
    if e.op == "transpose" or e.is_scalar:
        return b.transpose(e)
    if e.op == "mul":
        scalars, chain = b.matmul_chain(e)
        return b.mul(*scalars, *(transposed(f) for f in reversed(chain)))
    if e.op in _DISTRIBUTES:
        candidate = _DISTRIBUTES[e.op](*(transposed(a) for a in e.args))
    elif e.op in _ELEMENTWISE or e.op == "pow":
        candidate = b.apply(e.op, transposed(e.args[0]), *e.args[1:]) if e.op != "inv" \
            else b.inv(transposed(e.arg))
        if e.op == "pow":
            candidate = b.power(transposed(e.args[0]), e.args[1])
    else:
        return b.transpose(e)
    plain = b.transpose(e)
    return candidate if transpose_count(candidate) <= transpose_count(plain) else plain
