"""JVP rules of linear and multilinear operators (they need no hand-written calculus).

Linear: d op(U) = op(dU) for +, transpose, sum, mean, tr, vec, vec⁻¹, diag, tril, scalar expansion.
Multilinear: the product rule for the matrix product, ⊙ and ⊗.
"""
from __future__ import annotations

from ..core import build as b
from .registry import JVP, TITLES, deflinear, defmultilinear


def _add(node, dargs):
    """d(A + B) = dA + dB."""
    return b.add(*(d for d in dargs if d is not None))


JVP["add"] = _add
TITLES["add"] = "sum rule: d(A + B) = dA + dB"
deflinear("transpose", b.transpose)
TITLES["transpose"] = "linear: d(Uᵀ) = (dU)ᵀ"
deflinear("sum", b.reduce_sum)
deflinear("mean", b.mean)
deflinear("tr", b.trace)
deflinear("vec", b.vec)
deflinear("diag", b.diag)
deflinear("diagpart", b.diagpart, "diag")
deflinear("tril", b.tril)
JVP["expand"] = lambda node, dargs: b.expand(dargs[0], node.shape)
TITLES["expand"] = "linear: a broadcast scalar's differential is broadcast"
JVP["unvec"] = lambda node, dargs: b.unvec(dargs[0], node.shape)
TITLES["unvec"] = "linear: d vec⁻¹(u) = vec⁻¹(du)"
defmultilinear("mul", b.mul, "d(A B) = dA B + A dB")
defmultilinear("hadamard", b.hadamard, "d(A ⊙ B) = dA ⊙ B + A ⊙ dB")
defmultilinear("kron", b.kron, "d(A ⊗ B) = dA ⊗ B + A ⊗ dB")
