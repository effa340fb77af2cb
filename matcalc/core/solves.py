"""Smart constructors of the factorisations and solves (core/factorisations.py): solve(A, B),
chol(S), pinv(X) and the linear map Φ = tril_half of the Cholesky derivative. Import them
through core.build.
"""
from __future__ import annotations

from fractions import Fraction

from .algebra import inverse_of, mul
from .expr import Expr, mk
from .leaves import const, is_zero, zero
from .structural import _pull_scalars


def solve(a: Expr, e: Expr) -> Expr:
    """A⁻¹ E, kept as a solve; linear in E: solve(A, 0) = 0, solve(A, c E) = c solve(A, E),
    solve(I, E) = E, and a 1 × 1 A divides."""
    if is_zero(e):
        return zero(e.shape)
    if a.is_scalar:
        return mul(inverse_of(a), e)
    if a.op == "identity":
        return e
    return _pull_scalars(lambda rest: solve(a, rest), e) or mk("solve", a, e)


def chol(s: Expr) -> Expr:
    """The Cholesky factor L of S = L Lᵀ: chol(I) = I."""
    return s if s.op == "identity" else mk("chol", s)


def pinv(x: Expr) -> Expr:
    """X⁺, the pseudo-inverse of X of full column rank (of a 1 × 1 X: 1 / X)."""
    return inverse_of(x) if x.is_scalar else mk("pinv", x)


def tril_half(m: Expr) -> Expr:
    """Φ(M), the lower triangle of M with its diagonal halved; linear: Φ(0) = 0,
    Φ(c M) = c Φ(M), Φ(D) = D / 2 for a diagonal D."""
    if is_zero(m):
        return m
    if m.is_scalar or m.op in ("diag", "identity"):
        return mul(const(Fraction(1, 2)), m)
    return _pull_scalars(tril_half, m) or mk("tril_half", m)


__all__ = ["solve", "chol", "pinv", "tril_half"]
