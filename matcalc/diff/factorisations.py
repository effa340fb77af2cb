"""JVP rules of the factorisations and solves (core/factorisations.py states the identities).

Sources: Murray, *Differentiation of the Cholesky decomposition* (2016); Golub & Pereyra,
*The differentiation of pseudo-inverses* (1973); Giles, *Collected matrix derivative results
for forward and reverse mode AD* (2008).
"""
from __future__ import annotations

from fractions import Fraction

from ..core import build as b
from ..core.structural import is_symmetric
from .registry import defjvp, deflinear


@defjvp("solve")
def _solve(node, dargs):
    """d solve(A, B) = solve(A, dB − dA solve(A, B)) (Giles 2008, §2.2.3)."""
    a, _ = node.args
    da, drhs = dargs
    terms = [drhs] if drhs is not None else []
    if da is not None:
        terms.append(b.neg(b.mul(da, node)))
    return b.solve(a, b.add(*terms))


@defjvp("chol")
def _chol(node, dargs):
    """d chol(S) = L Φ(L⁻¹ dS L⁻ᵀ), L = chol(S) (Murray 2016).

    S is read as symmetric: dS enters as (dS + dSᵀ)/2."""
    ds, inverse = dargs[0], b.inv(node)
    p = b.mul(inverse, ds, b.transpose(inverse))  # L⁻¹ dS L⁻ᵀ, symmetrised as a whole:
    if not is_symmetric(ds):  # one product to read out through, L⁻ᵀ (G + Gᵀ) L⁻¹ / 2
        p = b.mul(b.const(Fraction(1, 2)), b.add(p, b.mk("transpose", p)))
    return b.mul(node, b.tril_half(p))


@defjvp("pinv")
def _pinv(node, dargs):
    """d X⁺ = −X⁺ dX X⁺ + X⁺ X⁺ᵀ dXᵀ (I − X X⁺) (Golub & Pereyra 1973).

    X has full column rank."""
    x, dx = node.arg, dargs[0]
    projector = b.sub(b.identity(x.shape.rows), b.mul(x, node))
    return b.add(b.neg(b.mul(node, dx, node)),
                 b.mul(node, b.transpose(node), b.transpose(dx), projector))


deflinear("tril_half", b.tril_half, "Φ")
