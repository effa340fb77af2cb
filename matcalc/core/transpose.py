"""Deep transposition: `transposed(e)` is eᵀ with the transpose pushed inside: (A B)ᵀ = Bᵀ Aᵀ
always; (A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ unless that adds transpose marks; (A + B)ᵀ = Aᵀ + Bᵀ and
f(A)ᵀ = f(Aᵀ) only when that removes one ((A + Aᵀ)ᵀ = A + Aᵀ, but (X θ − y)ᵀ and X⁻ᵀ stay).
One rule for every sum keeps equal values equal nodes, so like terms still combine. Used for the
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
    plain = b.transpose(e)
    if e.op in _DISTRIBUTES:  # (A + B)ᵀ = Aᵀ + Bᵀ
        candidate = _DISTRIBUTES[e.op](*(transposed(a) for a in e.args))
    elif e.op in _ELEMENTWISE or e.op in ("pow", "mpow"):  # f(A)ᵀ = f(Aᵀ), (Aᵏ)ᵀ = (Aᵀ)ᵏ
        inner = transposed(e.args[0])
        candidate = b.inv(inner) if e.op == "inv" else b.power(inner, e.args[1]) \
            if e.op == "pow" else b.apply(e.op, inner, **dict(e.attrs))
    else:
        return plain
    fewer = transpose_count(candidate) - transpose_count(plain)
    return candidate if fewer < 0 or (fewer == 0 and e.op == "kron") else plain
