"""JVP rules of linear and multilinear operators (they need no hand-written calculus).

Linear: d op(U) = op(dU) for +, transpose, sum, mean, tr, vec, vec⁻¹, diag, scalar expansion.
Multilinear: the product rule for the matrix product, ⊙ and ⊗.
"""
from __future__ import annotations

from ..core import build as b
from .registry import JVP, deflinear, defmultilinear


def _add(node, dargs):
    """d(A + B) = dA + dB."""
    return b.add(*(d for d in dargs if d is not None))


JVP["add"] = _add
deflinear("transpose", b.transpose)
deflinear("sum", b.reduce_sum)
deflinear("mean", b.mean)
deflinear("tr", b.trace)
deflinear("vec", b.vec)
deflinear("diag", b.diag)
deflinear("diagpart", b.diagpart)
JVP["expand"] = lambda node, dargs: b.expand(dargs[0], node.shape)
JVP["unvec"] = lambda node, dargs: b.unvec(dargs[0], node.shape)
defmultilinear("mul", b.mul)
defmultilinear("hadamard", b.hadamard)
defmultilinear("kron", b.kron)
