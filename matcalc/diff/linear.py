"""JVP rules of linear and multilinear operators (they need no hand-written calculus).

Linear: d op(U) = op(dU) for +, transpose, vec⁻¹, scalar expansion and the declared linear
operators (core/linear_ops.py: sum, mean, tr, vec, diag, tril, ...).
Multilinear: the product rule for the matrix product, ⊙ and the declared ⊗.
"""
from __future__ import annotations

from ..core import build as b
from ..core.linear_ops import LINEAR_OPS
from .registry import JVP, TITLES, deflinear, defmultilinear


def _add(node, dargs):
    """d(A + B) = dA + dB."""
    return b.add(*(d for d in dargs if d is not None))


JVP["add"] = _add
TITLES["add"] = "sum rule: d(A + B) = dA + dB"
deflinear("transpose", b.transpose)
TITLES["transpose"] = "linear: d(Uᵀ) = (dU)ᵀ"
JVP["expand"] = lambda node, dargs: b.expand(dargs[0], node.shape)
TITLES["expand"] = "linear: a broadcast scalar's differential is broadcast"
JVP["unvec"] = lambda node, dargs: b.unvec(dargs[0], node.shape)
TITLES["unvec"] = "linear: d vec⁻¹(u) = vec⁻¹(du)"
defmultilinear("mul", b.mul, "d(A B) = dA B + A dB")
defmultilinear("hadamard", b.hadamard, "d(A ⊙ B) = dA ⊙ B + A ⊙ dB")

for _op in LINEAR_OPS.values():  # L(dU), or the product rule of a bilinear one (⊗)
    (defmultilinear if _op.arity == 2 else deflinear)(_op.name, getattr(b, _op.builder), "")
    TITLES[_op.name] = _op.rule  # (as declared)
