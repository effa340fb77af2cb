"""The factorisations and solves chol(S), solve(A, B), pinv(X), and the linear map Φ of the
Cholesky derivative, with their values (refusing arguments outside their domains).

- chol(S) = L, the lower triangular factor with a positive diagonal of a symmetric positive
  definite S = L Lᵀ. Differentiating S = L Lᵀ: L⁻¹ dS L⁻ᵀ = L⁻¹ dL + (L⁻¹ dL)ᵀ, whose lower
  triangle with the diagonal halved is L⁻¹ dL (lower triangular); so
  dL = L Φ(L⁻¹ dS L⁻ᵀ), Φ(M) = tril(M) − diag(diag(M))/2 (Murray 2016, *Differentiation of
  the Cholesky decomposition*). S is read as symmetric: dS enters through (dS + dSᵀ)/2.
- solve(A, B) = A⁻¹ B for a non-singular square A: d solve(A, B) = solve(A, dB − dA solve(A, B)),
  and tr(Gᵀ solve(A, E)) = tr(solve(Aᵀ, G)ᵀ E).
- pinv(X) = X⁺ = (Xᵀ X)⁻¹ Xᵀ = R⁻¹ Qᵀ (X = Q R) for X of full column rank (Golub & Pereyra 1973):
  d X⁺ = −X⁺ dX X⁺ + X⁺ X⁺ᵀ dXᵀ (I − X X⁺).
- tril_half(M) = Φ(M): the lower triangle of M with its diagonal halved; linear, its own
  adjoint entrywise (a mask): tr(Gᵀ Φ(E)) = tr(Φ(G)ᵀ E).
"""
from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.linalg
import scipy.linalg.lapack

from ..errors import OutsideDomainError, UnsupportedError

SYMMETRY_TOLERANCE = 1e-10  # |S − Sᵀ| relative to |S| taken as rounding
MAX_CONDITION = 1e12  # past it a matrix is taken as singular (or rank deficient) by evaluate

SPD = "{0} is symmetric positive definite"
NONSINGULAR = "{0} is non-singular"
FULL_COLUMN_RANK = "{0} has full column rank"

# where the numerical check draws the first argument (domain.py's rule of each)
SPD_POINT, WELL_CONDITIONED, FULL_RANK_POINT, SMOOTH = (
    "symmetric positive definite", "well conditioned", "full column rank", "smooth")
# how lowering types a call (lower/matrix_typing.py): of a square matrix, of its shape; solve(A,
# B): A square, B with A's rows, of B's shape; of an m × n matrix, n × m
OF_SQUARE, SOLVES, TRANSPOSES = "of a square matrix", "A⁻¹ B", "n × m of m × n"
# the class of built-ins the language lists it among (lower/functions.py MEANINGS)
FACTORISATIONS_AND_SOLVES, TRIANGLES = "factorisations and solves", "triangles"


@dataclass(frozen=True)
class Factorisation:
    """What matcalc knows about a factorisation or solve besides its value (core/ops.py) and
    differential (diff/factorisations.py): its meaning, where the check draws its first
    argument (`domain`), the condition its result holds under (a sentence about its first
    argument {0}, "" none), the docs' example (expression, variable, derivative printed in
    numerator layout), its SymPy form, whether its value is non-singular wherever it is
    defined, and its code (codegen/factorisations.py): per backend, steps of which the first
    is formatted with the arguments' code and each next one with the value of the one before
    ({0}), the last giving its value; `holds`, per backend, a 0-d boolean over the first step's
    value ({0}), true where `condition` holds (generated code refuses the point elsewhere, with
    evaluate's tolerance: codegen/conditions.py's helpers); the core builder applying it, how
    lowering types a call and the class of built-ins the language lists it among."""
    name: str
    meaning: str
    domain: str  # SPD_POINT, WELL_CONDITIONED, FULL_RANK_POINT or SMOOTH
    condition: str
    example: tuple[str, str, str]
    written: str = ""  # how else the language writes it (X⁺)
    # (interop/to_sympy.py's kit, node, args) -> its SymPy form; None: SymPy has none
    sympy: Callable[[Any, Any, list], Any] | None = None
    invertible: bool = False  # non-singular wherever defined: its inverse needs no condition
    # linear in an argument (Φ; solve(A, E) in E): its adjoints, as a linear operator declares
    # them (core/linear_ops.py): (b, t, node, i, M) -> Lᵀ(M) and -> M J_L
    trace_adjoint: Callable[..., Any] | None = None
    vec_adjoint: Callable[..., Any] | None = None
    code: dict[str, tuple[str, ...]] = field(default_factory=dict)  # backend -> its steps
    vector_code: str = ""  # its code at a vector argument {0}, the same in every backend
    holds: dict[str, str] = field(default_factory=dict)  # backend -> its condition, checked
    lower_factor: bool = False  # its value is L of S = L Lᵀ: a solve with L (or with S, L
    # computed anyway) is triangular, and L is non-singular
    solves_first: bool = False  # its value is A⁻¹ B (A, B its arguments): the emitter's solves
    # compute it, sharing A's factors
    builder: str = ""  # the core builder (core/build.py) applying it
    typing: str = OF_SQUARE  # how lowering types a call: OF_SQUARE, SOLVES or TRANSPOSES
    of_scalar: str = ""  # the elementwise function it is of a 1 × 1 argument (chol(s) = √s)
    listed_with: str = FACTORISATIONS_AND_SOLVES  # or TRIANGLES (Φ)
    letter: str = ""  # its textbook letter, its name in where clauses (L = chol(S))

    @property
    def arity(self) -> int:
        return 2 if self.typing == SOLVES else 1


def _sympy_pinv(k, node, args):
    """X⁺ = (Xᵀ X)⁻¹ Xᵀ (X of full column rank); of a 1 × 1 x, 1 / x."""
    x = args[0]
    if not k.is_matrix(x):
        return 1 / x
    return k.sp.MatMul(k.sp.Inverse(k.sp.MatMul(k.sp.Transpose(x), x)), k.sp.Transpose(x))



def _solve_trace_adjoint(b, t, node, i, m):
    """tr(M solve(A, dE)) = tr(solve(Aᵀ, Mᵀ)ᵀ dE): the adjoint tr(Gᵀ solve(A, E)) =
    tr(solve(Aᵀ, G)ᵀ E) with G = Mᵀ (A held fixed: it is never a tangent)."""
    if i != 1:
        raise UnsupportedError("solve(A, E) is read out in E only: A is held fixed")
    return t(b.solve(b.transpose(node.args[0]), t(m)))


def _solve_vec_adjoint(b, t, node, i, m):
    """vec(A⁻¹ dE) = (I ⊗ A⁻¹) vec(dE)."""
    return b.mul(m, b.kron(b.identity(node.shape.cols), b.inv(node.args[0])))


def _phi_trace_adjoint(b, t, node, i, m):
    """tr(M Φ(dP)) = tr(Φ(Mᵀ)ᵀ dP): Φ, a mask, is its own adjoint entrywise."""
    return b.transpose(b.tril_half(t(m)))


def _phi_vec_adjoint(b, t, node, i, m):
    """vec Φ(E) = diag(vec Φ(𝟏 𝟏ᵀ)) vec E: Φ is the entrywise product with its mask Φ(𝟏 𝟏ᵀ),
    ones below the diagonal and ½ on it."""
    n = node.shape.rows
    return b.mul(m, b.diag(b.vec(b.tril_half(b.mul(b.ones(n), b.transpose(b.ones(n)))))))


def _per_backend(numpy: str, torch: str | None = None) -> dict[str, str]:
    """A template in numpy, jax (numpy's with jnp, jax.scipy.linalg) and torch (numpy's with
    torch unless given)."""
    jax = numpy.replace("np.", "jnp.").replace("scipy.linalg.", "jax.scipy.linalg.")
    return {"numpy": numpy, "jax": jax, "torch": torch or numpy.replace("np.", "torch.")}


def _steps(*templates: dict[str, str]) -> dict[str, tuple[str, ...]]:
    return {backend: tuple(t[backend] for t in templates) for backend in templates[0]}


_CHOL_CODE = _steps(_per_backend("_cholesky({0})"), _per_backend("{0}[0]"))
_CHOL_HOLDS = _per_backend("{0}[1]")
_PINV_CODE = _steps(  # X⁺ = R⁻¹ Qᵀ from the thin QR X = Q R
    _per_backend("np.linalg.qr({0})"),
    _per_backend("scipy.linalg.solve_triangular({0}[1], {0}[0].T)",
                 "torch.linalg.solve_triangular({0}[1], {0}[0].T, upper=True)"))
_PINV_HOLDS = {**_per_backend("_conditioned(np.diagonal({0}[1]))"),  # R's diagonal spread,
               "numpy": "_triangle_conditioned({0}[1])"}  # R's condition number (trcon)
_PHI_CODE = _steps(_per_backend("np.tril({0}) - np.diag(np.diag({0})) / 2"))

DECLARED = (
    Factorisation("chol", "the Cholesky factor L of a symmetric positive definite S = L Lᵀ",
                  SPD_POINT, SPD, ("tr(A chol(X X' + I))", "X", "Xᵀ L⁻ᵀ (U + Uᵀ) L⁻¹  where "
                                   "L = chol(X Xᵀ + I), U = tril_half(Lᵀ Aᵀ)"),
                  invertible=True,  # (L has a positive diagonal)
                  code=_CHOL_CODE, holds=_CHOL_HOLDS, lower_factor=True, builder="chol",
                  of_scalar="sqrt", letter="l"),
    Factorisation("solve", "A⁻¹ B for a non-singular A, computed and printed as a solve, not an "
                  "inverse", WELL_CONDITIONED, NONSINGULAR,
                  ("u' solve(X, v)", "X", "-solve(X, v) solve(Xᵀ, u)ᵀ"),
                  sympy=lambda k, node, args: k.sp.MatMul(k.sp.Inverse(args[0]), args[1]),
                  trace_adjoint=_solve_trace_adjoint, vec_adjoint=_solve_vec_adjoint,
                  solves_first=True, builder="solve", typing=SOLVES),
    Factorisation("pinv", "the Moore–Penrose pseudo-inverse (XᵀX)⁻¹Xᵀ of an X of full column "
                  "rank", FULL_RANK_POINT, FULL_COLUMN_RANK,
                  ("u' pinv(X) v", "X", "X⁺ ((X⁺)ᵀ u vᵀ (I - X X⁺)ᵀ - v uᵀ X⁺)"), "X⁺",
                  sympy=_sympy_pinv, code=_PINV_CODE, vector_code="{0} / ({0} @ {0})",
                  holds=_PINV_HOLDS, builder="pinv", typing=TRANSPOSES),
    Factorisation("tril_half", "Φ(M): the lower triangle of M, its diagonal halved", SMOOTH, "",
                  ("tr(A tril_half(X))", "X", "tril_half(Aᵀ)ᵀ"),
                  sympy=lambda k, node, args: k.tril(node, args, k.sp.Rational(1, 2)),
                  trace_adjoint=_phi_trace_adjoint, vec_adjoint=_phi_vec_adjoint,
                  code=_PHI_CODE, builder="tril_half", listed_with=TRIANGLES),
)

FACTORISATIONS: dict[str, Factorisation] = {f.name: f for f in DECLARED}


ARG = "{0}"  # an op's first argument in a refusal (OutsideDomainError names it as written)


def _refused(template: str, *letters: str) -> OutsideDomainError:
    """A refusal about the arguments {0}, {1}, shown as `letters` until evaluate names them."""
    return OutsideDomainError(template, arguments=letters)


def _finite(call: str, x: np.ndarray, *letters: str) -> None:
    if not np.all(np.isfinite(x)):
        raise _refused(f"{call}: {ARG} has an entry that is not finite", *letters)


def cholesky(s: np.ndarray) -> np.ndarray:
    """L with S = L Lᵀ, refusing a non-symmetric S or one that is not positive definite."""
    _finite(f"chol({ARG})", s, "S")
    scale = max(1.0, float(np.abs(s).max(initial=0.0)))
    asymmetry = float(np.abs(s - s.T).max(initial=0.0))
    if asymmetry > SYMMETRY_TOLERANCE * scale:
        raise _refused(
            f"chol({ARG}) is not defined here: {ARG} is not symmetric (an entry differs from "
            f"its transposed one by {asymmetry:.3g}); chol needs a symmetric positive definite "
            f"matrix", "S")
    try:
        return np.linalg.cholesky((s + s.T) / 2)
    except np.linalg.LinAlgError:
        least = float(np.linalg.eigvalsh((s + s.T) / 2).min())
        raise _refused(
            f"chol({ARG}) is not defined here: {ARG} is not positive definite (its smallest "
            f"eigenvalue is {least:.4g}); chol needs a symmetric positive definite matrix",
            "S") from None


def _refuse_singular(call: str, what: str, rcond: float, *letters: str) -> None:
    """Refuse where the reciprocal condition number `rcond` (LAPACK's estimate) puts the
    condition number past MAX_CONDITION."""
    if not rcond * MAX_CONDITION >= 1.0:
        condition = 1.0 / rcond if rcond > 0 else np.inf
        raise _refused(f"{call} is not defined here: {ARG} {what} (condition number "
                       f"{condition:.3g})", *letters)


def _lu(call: str, x: np.ndarray, *letters: str):
    """The LU factors of a square x, refusing a singular or numerically singular x: its
    1-norm condition number estimated from the factors (LAPACK gecon, O(n²) after the LU)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", scipy.linalg.LinAlgWarning)  # (an exact zero pivot)
        factors = scipy.linalg.lu_factor(x, check_finite=False)
    rcond, _ = scipy.linalg.lapack.dgecon(factors[0], np.linalg.norm(x, 1), norm="1")
    _refuse_singular(call, "is singular or nearly so", float(rcond), *letters)
    return factors


def solve(a: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """A⁻¹ B by LU, refusing a singular (or numerically singular) A."""
    _finite(f"solve({ARG}, {{1}})", a, "A", "B")
    return scipy.linalg.lu_solve(_lu(f"solve({ARG}, {{1}})", a, "A", "B"), rhs)


def inverse(x: np.ndarray) -> np.ndarray:
    """X⁻¹, refusing a singular or numerically singular X (condition number past
    MAX_CONDITION, as solve does)."""
    _finite(f"inv({ARG})", x, "X")
    return scipy.linalg.lu_solve(_lu(f"inv({ARG})", x, "X"), np.eye(x.shape[0]))


def pinv(x: np.ndarray) -> np.ndarray:
    """X⁺ = (XᵀX)⁻¹Xᵀ = R⁻¹Qᵀ for X = Q R (the thin QR) of full column rank, by a triangular
    solve, refusing a wide or rank-deficient X (an SVD pseudo-inverse would instead drop the
    singular values below its cut-off: the pseudo-inverse of another matrix); R's condition
    number, X's, estimated by LAPACK trcon."""
    _finite(f"pinv({ARG})", x, "X")
    if x.shape[0] < x.shape[1]:
        raise _refused(
            f"pinv({ARG}) is not defined here: {ARG} is {x.shape[0]} × {x.shape[1]}, wider "
            f"than tall, so it has no full column rank (pinv needs it)", "X")
    q, r = np.linalg.qr(x)
    rcond, _ = scipy.linalg.lapack.dtrcon(r, norm="1", uplo="U", diag="N")
    _refuse_singular(f"pinv({ARG})", "does not have full column rank", float(rcond), "X")
    return scipy.linalg.solve_triangular(r, q.T)


def tril_half(m: np.ndarray) -> np.ndarray:
    """Φ(M) = tril(M) − diag(diag(M))/2."""
    return np.tril(m) - np.diag(np.diag(m)) / 2
