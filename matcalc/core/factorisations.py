"""The factorisations and solves chol(S), solve(A, B), pinv(X), and the linear map Φ of the
Cholesky derivative, with their values (refusing arguments outside their domains).

- chol(S) = L, the lower triangular factor with a positive diagonal of a symmetric positive
  definite S = L Lᵀ. Differentiating S = L Lᵀ: L⁻¹ dS L⁻ᵀ = L⁻¹ dL + (L⁻¹ dL)ᵀ, whose lower
  triangle with the diagonal halved is L⁻¹ dL (lower triangular); so
  dL = L Φ(L⁻¹ dS L⁻ᵀ), Φ(M) = tril(M) − diag(diag(M))/2 (Murray 2016, *Differentiation of
  the Cholesky decomposition*). S is read as symmetric: dS enters through (dS + dSᵀ)/2.
- solve(A, B) = A⁻¹ B for a non-singular square A: d solve(A, B) = solve(A, dB − dA solve(A, B)),
  and tr(Gᵀ solve(A, E)) = tr(solve(Aᵀ, G)ᵀ E).
- pinv(X) = X⁺ = (Xᵀ X)⁻¹ Xᵀ for X of full column rank (Golub & Pereyra 1973):
  d X⁺ = −X⁺ dX X⁺ + X⁺ X⁺ᵀ dXᵀ (I − X X⁺).
- tril_half(M) = Φ(M): the lower triangle of M with its diagonal halved; linear, its own
  adjoint entrywise (a mask): tr(Gᵀ Φ(E)) = tr(Φ(G)ᵀ E).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import OutsideDomainError

SYMMETRY_TOLERANCE = 1e-10  # |S − Sᵀ| relative to |S| taken as rounding
MAX_CONDITION = 1e12  # past it a matrix is taken as singular (or rank deficient) by evaluate

SPD = "{0} is symmetric positive definite"
NONSINGULAR = "{0} is non-singular"
FULL_COLUMN_RANK = "{0} has full column rank"

# where the numerical check draws the first argument (domain.py's rule of each)
SPD_POINT, WELL_CONDITIONED, FULL_RANK_POINT, SMOOTH = (
    "symmetric positive definite", "well conditioned", "full column rank", "smooth")


@dataclass(frozen=True)
class Factorisation:
    """What matcalc knows about a factorisation or solve besides its value (core/ops.py) and
    differential (diff/factorisations.py): its meaning, where the check draws its first
    argument (`domain`), the condition its result holds under (a sentence about its first
    argument {0}, "" none) and the docs' example (expression, variable, derivative printed in
    numerator layout)."""
    name: str
    meaning: str
    domain: str  # SPD_POINT, WELL_CONDITIONED, FULL_RANK_POINT or SMOOTH
    condition: str
    example: tuple[str, str, str]
    written: str = ""  # how else the language writes it (X⁺)


DECLARED = (
    Factorisation("chol", "the Cholesky factor L of a symmetric positive definite S = L Lᵀ",
                  SPD_POINT, SPD, ("tr(A chol(X X' + I))", "X", "Xᵀ L⁻ᵀ (U + Uᵀ) L⁻¹  where "
                                   "L = chol(X Xᵀ + I), U = tril_half(Lᵀ Aᵀ)")),
    Factorisation("solve", "A⁻¹ B for a non-singular A, computed and printed as a solve, not an "
                  "inverse", WELL_CONDITIONED, NONSINGULAR,
                  ("u' solve(X, v)", "X", "-solve(X, v) solve(Xᵀ, u)ᵀ")),
    Factorisation("pinv", "the Moore–Penrose pseudo-inverse (XᵀX)⁻¹Xᵀ of an X of full column "
                  "rank", FULL_RANK_POINT, FULL_COLUMN_RANK,
                  ("u' pinv(X) v", "X", "X⁺ ((X⁺)ᵀ u vᵀ (I - X X⁺)ᵀ - v uᵀ X⁺)"), "X⁺"),
    Factorisation("tril_half", "Φ(M): the lower triangle of M, its diagonal halved", SMOOTH, "",
                  ("tr(A tril_half(X))", "X", "tril_half(Aᵀ)ᵀ")),
)

FACTORISATIONS: dict[str, Factorisation] = {f.name: f for f in DECLARED}


def _finite(name: str, x: np.ndarray) -> None:
    if not np.all(np.isfinite(x)):
        raise OutsideDomainError(f"{name}: its argument has an entry that is not finite")


def cholesky(s: np.ndarray) -> np.ndarray:
    """L with S = L Lᵀ, refusing a non-symmetric S or one that is not positive definite."""
    _finite("chol(S)", s)
    scale = max(1.0, float(np.abs(s).max(initial=0.0)))
    asymmetry = float(np.abs(s - s.T).max(initial=0.0))
    if asymmetry > SYMMETRY_TOLERANCE * scale:
        raise OutsideDomainError(
            f"chol(S) is not defined here: S is not symmetric (|S - Sᵀ| reaches "
            f"{asymmetry:.3g}); chol needs a symmetric positive definite S")
    try:
        return np.linalg.cholesky((s + s.T) / 2)
    except np.linalg.LinAlgError:
        least = float(np.linalg.eigvalsh((s + s.T) / 2).min())
        raise OutsideDomainError(
            f"chol(S) is not defined here: S is not positive definite (its smallest "
            f"eigenvalue is {least:.4g}); chol needs a symmetric positive definite S") from None


def _refuse_singular(name: str, what: str, x: np.ndarray) -> None:
    with np.errstate(all="ignore"):
        condition = float(np.linalg.cond(x))
    if not condition <= MAX_CONDITION:
        raise OutsideDomainError(
            f"{name} is not defined here: {what} (condition number {condition:.3g})")


def solve(a: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """A⁻¹ B by LU, refusing a singular (or numerically singular) A."""
    _finite("solve(A, B)", a)
    _refuse_singular("solve(A, B)", "A is singular or nearly so", a)
    return np.linalg.solve(a, rhs)


def inverse(x: np.ndarray) -> np.ndarray:
    """X⁻¹, refusing a singular X (where numpy's LU meets a zero pivot)."""
    try:
        return np.linalg.inv(x)
    except np.linalg.LinAlgError:
        raise OutsideDomainError("inv(X) is not defined here: X is singular") from None


def pinv(x: np.ndarray) -> np.ndarray:
    """X⁺ for X of full column rank, refusing a wide or rank-deficient X."""
    _finite("pinv(X)", x)
    if x.shape[0] < x.shape[1]:
        raise OutsideDomainError(
            f"pinv(X) is not defined here: X is {x.shape[0]} × {x.shape[1]}, wider than tall, "
            f"so it has no full column rank (pinv needs it)")
    _refuse_singular("pinv(X)", "X does not have full column rank", x)
    return np.linalg.pinv(x)


def tril_half(m: np.ndarray) -> np.ndarray:
    """Φ(M) = tril(M) − diag(diag(M))/2."""
    return np.tril(m) - np.diag(np.diag(m)) / 2
