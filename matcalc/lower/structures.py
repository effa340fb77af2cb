"""The structured square matrices a variable may be declared as, one `Structure` each.

By a structured variable X the derivative is the orthogonal projection (Frobenius inner
product) of the unconstrained one onto the tangent space of the structure at X, so that
df = tr(Gᵀ dX) for every admissible dX with G the denominator-layout gradient, and G itself
admissible. Each structure gives that projection in numerator layout (M, the transpose of G,
for a scalar function; the vec Jacobian J otherwise: J P with P the projection on vec(X)),
how a value is recognised (within a stated tolerance), how a random value and an admissible
direction at it are drawn (for the numerical check), and whether the tangent space turns with
X (then the Hessian projects its rows as well: the Riemannian Hessian).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..core import build as b
from ..core import linear_ops
from ..core.expr import Expr
from ..core.transpose import transposed

RTOL, ATOL = 1e-10, 1e-12  # a value is of a structure when equal to its projection within these
ORTHOGONAL_TOL = 1e-8  # Qᵀ Q = I entrywise within this (its entries are of order 1)


@dataclass(frozen=True)
class Structure:
    """A structured n × n matrix and its calculus."""

    name: str
    meaning: str  # what a value is, in words ("symmetric positive definite")
    gradient: Callable[[Expr, Expr], Expr]  # (M, X): the projected numerator gradient
    jacobian: Callable[[Expr, Expr], Expr]  # (J, X): J P, the projected vec Jacobian
    violation: Callable[[np.ndarray], str | None]  # why a value is not one, or None
    draw: Callable[[np.ndarray], np.ndarray]  # a value from a random n × n matrix
    tangent: Callable[[np.ndarray, np.ndarray], np.ndarray]  # (value, E): E projected
    curved: bool = False  # the tangent space depends on X (the Hessian projects its rows too)
    symmetric: bool = False  # values equal their transposes


def _half(*terms: Expr) -> Expr:
    return b.mul(b.const(Fraction(1, 2)), b.add(*terms))


def _close(value: np.ndarray, wanted: np.ndarray) -> bool:
    return bool(np.allclose(value, wanted, rtol=RTOL, atol=ATOL))


def lower_ones(m, n) -> Expr:
    """L, the m × n matrix of ones on and below the diagonal (core/linear_ops.py)."""
    return linear_ops.lower_ones(b, m, n)


def _not_symmetric(value: np.ndarray) -> str | None:
    return None if _close(value, value.T) else "not symmetric"


def _not_spd(value: np.ndarray) -> str | None:
    if _not_symmetric(value):
        return "not symmetric"
    return None if np.linalg.eigvalsh(value).min() > 0 else "not positive definite"


def _not_orthogonal(value: np.ndarray) -> str | None:
    off = np.abs(value.T @ value - np.eye(len(value))).max()
    return None if off <= ORTHOGONAL_TOL else \
        f"not orthogonal (Vᵀ V - I has an entry of {off:.2g}, beyond {ORTHOGONAL_TOL:g})"


def _spd_value(v: np.ndarray) -> np.ndarray:
    return v @ v.T + len(v) * np.eye(len(v))


def _orthogonal_value(v: np.ndarray) -> np.ndarray:
    q, r = np.linalg.qr(v)
    return q * np.where(np.diag(r) < 0, -1.0, 1.0)


def _symmetric_part(value: np.ndarray, e: np.ndarray) -> np.ndarray:
    return (e + e.T) / 2


def _symmetric_gradient(m: Expr, x: Expr) -> Expr:
    """(M + Mᵀ)/2."""
    return _half(m, transposed(m))


def _symmetric_jacobian(j: Expr, x: Expr) -> Expr:
    """J (I + K)/2: vec((E + Eᵀ)/2) = (I + K) vec(E) / 2."""
    n = x.shape.rows
    return b.mul(b.const(Fraction(1, 2)), j, b.add(b.identity(n * n), b.commutation(n, n)))


def _orthogonal_gradient(m: Expr, x: Expr) -> Expr:
    """(M - Qᵀ Mᵀ Qᵀ)/2, the transpose of (G - Q Gᵀ Q)/2 = Q skew(Qᵀ G), G = Mᵀ."""
    qt = b.transpose(x)
    return _half(m, b.mul(b.const(-1), qt, transposed(m), qt))


def _orthogonal_jacobian(j: Expr, x: Expr) -> Expr:
    """J (I - (Qᵀ ⊗ Q) K)/2: vec(Q Eᵀ Q) = (Qᵀ ⊗ Q) K vec(E)."""
    n = x.shape.rows
    swap = b.mul(b.kron(b.transpose(x), x), b.commutation(n, n))
    return b.mul(b.const(Fraction(1, 2)), j, b.add(b.identity(n * n), b.mul(b.const(-1), swap)))


STRUCTURES: dict[str, Structure] = {s.name: s for s in (
    Structure("symmetric", "symmetric", _symmetric_gradient, _symmetric_jacobian,
              _not_symmetric, _spd_value, _symmetric_part, symmetric=True),
    Structure("spd", "symmetric positive definite", _symmetric_gradient, _symmetric_jacobian,
              _not_spd, _spd_value, _symmetric_part, symmetric=True),
    Structure("diagonal", "diagonal",
              lambda m, x: b.diag(b.diagpart(m)),
              lambda j, x: b.mul(j, b.diag(b.vec(b.identity(x.shape.rows)))),
              lambda v: None if _close(v, np.diag(np.diag(v))) else "not diagonal",
              lambda v: np.diag(np.abs(np.diag(v)) + 0.5),
              lambda value, e: np.diag(np.diag(e)), symmetric=True),
    Structure("lowertri", "lower triangular (zero above the diagonal)",
              lambda m, x: b.transpose(b.tril(transposed(m))),
              lambda j, x: b.mul(j, b.diag(b.vec(lower_ones(x.shape.rows, x.shape.rows)))),
              lambda v: None if _close(v, np.tril(v)) else "not lower triangular",
              lambda v: np.tril(v) + len(v) * np.eye(len(v)),
              lambda value, e: np.tril(e)),
    Structure("orthogonal", "orthogonal (Qᵀ Q = I)", _orthogonal_gradient, _orthogonal_jacobian,
              _not_orthogonal, _orthogonal_value,
              lambda q, e: (e - q @ e.T @ q) / 2,
              curved=True),
)}
SYMMETRIC = tuple(name for name, s in STRUCTURES.items() if s.symmetric)
