"""The matrix functions expm, logm and sqrtm, declared once, with their Fréchet derivatives.

For a function f analytic on the spectrum of a square X, the Fréchet derivative L_f(X, E) is the
linear map E ↦ L_f(X, E) with f(X + E) = f(X) + L_f(X, E) + o(‖E‖); so d f(X) = L_f(X, dX).
It satisfies (Higham, *Functions of Matrices*, ch. 3):
- the block identity f([[X, E], [0, X]]) = [[f(X), L_f(X, E)], [0, f(X)]];
- L_f(X, E)ᵀ = L_f(Xᵀ, Eᵀ) for f with real Taylor coefficients, and the adjoint
  tr(Gᵀ L_f(X, E)) = tr(L_f(Xᵀ, G)ᵀ E), so the gradient of tr(Gᵀ f(X)) is L_f(Xᵀ, G);
- L_f(X, E) = f′(X) E when E commutes with X (E = I, E = X, E a function of X).

A `MatrixFunction` says what matcalc knows about one of them: its op and spelling, the scalar
function it extends (named in L_exp), its meaning, its numpy value (real, refusing arguments
whose principal value is not real), its Fréchet derivative in numpy, f′(X) for the commuting
case, the condition under which it is defined and smooth, its code per backend (a `MatrixCode`,
or why the backend has none), and an example for the documentation. The op `frechet` (attr
f: the op name) is L_f(X, E), evaluated by the Daleckii–Krein form Q (F ⊙ (Qᵀ E Q)) Qᵀ where X
is symmetric; the op `frechet_matrix` is the n² × n² matrix J_f(X) of E ↦ L_f(X, E) on
column-major vec (the vec Jacobian of f(X) by X). Second Fréchet derivatives are out of scope:
the derivative of L_f(X, E) in X is refused.

Each also declares its divided differences, the op divdiff_f (divdiff_exp, divdiff_log,
divdiff_sqrt): of an n-vector λ, the n × n matrix f^[1](λ) with
Fᵢⱼ = (f(λᵢ) − f(λⱼ)) / (λᵢ − λⱼ), and f′(λᵢ) where λᵢ = λⱼ, computed without cancellation:
exp as e^max(λᵢ, λⱼ) (1 − e^−|λᵢ − λⱼ|) / |λᵢ − λⱼ| (expm1), log as
log1p(|λᵢ − λⱼ| / min(λᵢ, λⱼ)) / |λᵢ − λⱼ|, sqrt as 1 / (√λᵢ + √λⱼ) (exact). With
S = Q diag(λ) Qᵀ, L_f(S, E) = Q (f^[1](λ) ⊙ (Qᵀ E Q)) Qᵀ (Daleckii–Krein; Higham, *Functions
of Matrices*, th. 3.11), whatever orthonormal eigenbasis Q is taken where eigenvalues repeat.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import scipy.linalg

from ..errors import OutsideDomainError

BRANCH_CUT = "X has no eigenvalue on the closed negative real axis"
IMAGINARY_TOLERANCE = 1e-8  # relative size of an imaginary part taken as rounding


@dataclass(frozen=True)
class MatrixCode:
    """A matrix function's code in one backend (codegen/matrix_functions.py defines the helper
    functions it names): its value, a template over the argument's code {0}; the function
    computing L_f(X, E) from X and E (also J_f(X)'s columns); and the function computing it
    for an X symmetric by its structure by one eigh, Q (F ⊙ (Qᵀ E Q)) Qᵀ ("": the general)."""
    value: str
    frechet: str
    frechet_symmetric: str = ""


@dataclass(frozen=True)
class MatrixFunction:
    name: str  # the op name and its spelling in the language
    scalar: str  # the scalar function it extends: L_exp, \exp
    latex: str  # the scalar function in LaTeX: L_{\exp}
    meaning: str
    numpy: Callable[[np.ndarray], np.ndarray]  # the value, refusing a non-real one
    frechet: Callable[[np.ndarray, np.ndarray], np.ndarray]  # L_f(X, E)
    derivative: Callable[[Any, Any, Any], Any]  # (b, X, f(X)) -> f′(X), for E commuting with X
    derivative_text: str  # f′(X) as the docs write it
    condition: str  # "" (entire) or where it is defined and smooth
    example: tuple[str, str, str]  # (expression, variable, derivative printed): the docs' row
    code: dict[str, MatrixCode | str]  # backend -> its code, or why the backend has none
    divided: Callable[[np.ndarray], np.ndarray]  # λ (an n-vector) -> f^[1](λ), n × n
    divided_code: str  # the helper _divdiff_f(lam) over an array module {m}: numpy, jax, torch
    invertible: bool = False  # f(X) non-singular wherever its condition holds: f(X)⁻¹ needs none

    @property
    def frechet_name(self) -> str:
        return f"L_{self.scalar}"

    @property
    def jacobian_name(self) -> str:
        return f"J_{self.scalar}"

    @property
    def divided_name(self) -> str:
        return f"divdiff_{self.scalar}"

    @property
    def divided_latex(self) -> str:
        """f^{[1]} in LaTeX: \\exp^{[1]}, \\log^{[1]}, \\sqrt{\\cdot}^{[1]}."""
        return f"{self.latex_alone}^{{[1]}}"

    @property
    def latex_alone(self) -> str:
        """The scalar function in LaTeX written without its argument, as in L_{\\exp} and
        \\exp^{[1]}: \\exp, \\log, \\sqrt{\\cdot} (\\sqrt takes an argument)."""
        return f"{self.latex}{{\\cdot}}" if self.latex == "\\sqrt" else self.latex


def eigenvalue_on_cut(x: np.ndarray, margin: float = 0.0) -> complex | None:
    """An eigenvalue of x within `margin` (relative to its size) of the closed negative real
    axis (−∞, 0], or None."""
    if not np.all(np.isfinite(x)):
        return complex(np.nan)
    for lam in np.linalg.eigvals(x):
        scale = max(1.0, abs(lam))
        if lam.real <= margin * scale and abs(lam.imag) <= max(margin, 1e-12) * scale:
            return complex(lam)
    return None


def _refused(template: str, letter: str) -> OutsideDomainError:
    """A refusal about the first argument {0}, shown as `letter` (X, λ) until evaluate names it
    as the user wrote it."""
    return OutsideDomainError(template, arguments=(letter,))


def _refuse_cut(name: str, x: np.ndarray) -> None:
    lam = eigenvalue_on_cut(x)
    if lam is not None:
        shown = f"{lam.real:.4g}" if abs(lam.imag) < 1e-12 else f"{lam:.4g}"
        raise _refused(f"{name}({{0}}) is not defined here: {{0}} has the eigenvalue {shown} on "
                       f"the closed negative real axis, where the principal {name} is not real",
                       "X")


def _real(name: str, value: np.ndarray) -> np.ndarray:
    """The real part of a value whose imaginary part is rounding, else a refusal."""
    value = np.asarray(value)
    if np.iscomplexobj(value):
        if np.abs(value.imag).max(initial=0.0) > IMAGINARY_TOLERANCE * max(
                1.0, float(np.abs(value).max(initial=0.0))):
            raise _refused(f"{name}({{0}}) is not real here", "X")
        value = value.real
    return np.array(value, dtype=float)


def _expm(x: np.ndarray) -> np.ndarray:
    return scipy.linalg.expm(x)


def _logm(x: np.ndarray) -> np.ndarray:
    _refuse_cut("logm", x)
    return _real("logm", scipy.linalg.logm(x))


def _sqrtm(x: np.ndarray) -> np.ndarray:
    _refuse_cut("sqrtm", x)
    return _real("sqrtm", scipy.linalg.sqrtm(x))


def by_blocks(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, e: np.ndarray) -> np.ndarray:
    """L_f(X, E) as the upper right block of f([[X, E], [0, X]])."""
    n = x.shape[0]
    return f(np.block([[x, e], [np.zeros_like(x), x]]))[:n, n:]


def _expm_frechet(x: np.ndarray, e: np.ndarray) -> np.ndarray:
    return scipy.linalg.expm_frechet(x, e, compute_expm=False)


def _sqrtm_frechet(x: np.ndarray, e: np.ndarray) -> np.ndarray:
    """L_sqrt(X, E) solves S L + L S = E with S = sqrtm(X) (differentiate S S = X)."""
    s = _sqrtm(x)
    return scipy.linalg.solve_sylvester(s, s, e)


def _logm_frechet(x: np.ndarray, e: np.ndarray) -> np.ndarray:
    _refuse_cut("logm", x)
    return _real("logm", by_blocks(lambda m: scipy.linalg.logm(m), x, e))


def _pairs(lam: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """λ as a 1-D array, its column λᵢ and its row λⱼ (n × 1 and 1 × n)."""
    lam = np.asarray(lam, dtype=float).reshape(-1)
    return lam, lam[:, None], lam[None, :]


def _refuse_nonpositive(name: str, lam: np.ndarray) -> None:
    lam = np.asarray(lam, dtype=float)
    if not np.all(lam > 0):
        raise _refused(f"{name}({{0}}) is not defined here: {{0}} has an entry that is zero, "
                       f"negative or not finite ({name} needs positive entries)", "λ")


def _divdiff_exp(lam: np.ndarray) -> np.ndarray:
    """(e^λᵢ − e^λⱼ) / (λᵢ − λⱼ) = e^max (1 − e^−gap) / gap, e^λᵢ where the gap is 0."""
    if not np.all(np.isfinite(lam)):
        raise _refused("divdiff_exp({0}) is not defined here: {0} is not finite", "λ")
    lam, column, row = _pairs(lam)
    gap = np.abs(column - row)
    ratio = -np.expm1(-gap) / np.where(gap == 0, 1.0, gap)
    exp = np.exp(lam)
    return np.maximum(exp[:, None], exp[None, :]) * np.where(gap == 0, 1.0, ratio)


def _divdiff_log(lam: np.ndarray) -> np.ndarray:
    """(log λᵢ − log λⱼ) / (λᵢ − λⱼ) = log1p(gap / min) / gap, 1 / λᵢ where the gap is 0."""
    _refuse_nonpositive("divdiff_log", lam)
    _, column, row = _pairs(lam)
    gap, low = np.abs(column - row), np.minimum(column, row)
    return np.where(gap == 0, 1.0 / low, np.log1p(gap / low) / np.where(gap == 0, 1.0, gap))


def _divdiff_sqrt(lam: np.ndarray) -> np.ndarray:
    """(√λᵢ − √λⱼ) / (λᵢ − λⱼ) = 1 / (√λᵢ + √λⱼ) exactly."""
    _refuse_nonpositive("divdiff_sqrt", lam)
    root = np.sqrt(_pairs(lam)[0])
    return 1.0 / (root[:, None] + root[None, :])


_DIVDIFF_EXP_CODE = (
    "def _divdiff_exp(lam):  # (e^λi - e^λj) / (λi - λj), e^λi where λi = λj\n"
    "    gap = {m}.abs(lam[:, None] - lam[None, :])\n"
    "    ratio = -{m}.expm1(-gap) / {m}.where(gap == 0, 1.0, gap)  # (1 - e^-gap) / gap\n"
    "    exp = {m}.exp(lam)\n"
    "    return {m}.maximum(exp[:, None], exp[None, :]) * {m}.where(gap == 0, 1.0, ratio)")
_DIVDIFF_LOG_CODE = (
    "def _divdiff_log(lam):  # (log λi - log λj) / (λi - λj), 1 / λi where λi = λj\n"
    "    gap = {m}.abs(lam[:, None] - lam[None, :])\n"
    "    low = {m}.minimum(lam[:, None], lam[None, :])\n"
    "    ratio = {m}.log1p(gap / low) / {m}.where(gap == 0, 1.0, gap)\n"
    "    return {m}.where(gap == 0, 1.0 / low, ratio)")
_DIVDIFF_SQRT_CODE = (
    "def _divdiff_sqrt(lam):  # (√λi - √λj) / (λi - λj) = 1 / (√λi + √λj)\n"
    "    root = {m}.sqrt(lam)\n"
    "    return 1.0 / (root[:, None] + root[None, :])")


def daleckii_krein(divided: Callable, x: np.ndarray, e: np.ndarray) -> np.ndarray:
    """L_f(X, E) = Q (F ⊙ (Qᵀ E Q)) Qᵀ for a symmetric X = Q diag(λ) Qᵀ, with F = f^[1](λ)
    the divided differences (Daleckii–Krein)."""
    lam, q = np.linalg.eigh(x)
    return q @ (divided(lam) * (q.T @ e @ q)) @ q.T


def _symmetric_first(name: str, general: Callable, divided: Callable) -> Callable:
    """L_f(X, E) by the Daleckii–Krein form where X is exactly symmetric (an eigendecomposition),
    else by `general`; logm's and sqrtm's refuse an eigenvalue on the closed negative axis."""
    def frechet(x: np.ndarray, e: np.ndarray) -> np.ndarray:
        if not (np.array_equal(x, x.T) and np.all(np.isfinite(x))):
            return general(x, e)
        if name != "expm":
            _refuse_cut(name, x)
        return daleckii_krein(divided, x, e)
    return frechet


def jacobian_matrix(frechet: Callable, x: np.ndarray) -> np.ndarray:
    """The n² × n² matrix of E ↦ L_f(X, E) on column-major vec: column k is vec L_f(X, Eₖ)."""
    n = x.shape[0]
    columns = []
    for k in range(n * n):
        unit = np.zeros(n * n)
        unit[k] = 1.0
        columns.append(frechet(x, unit.reshape((n, n), order="F")).reshape(-1, order="F"))
    return np.array(columns).T


DECLARED = (
    MatrixFunction(
        "expm", "exp", "\\exp", "the matrix exponential", _expm,
        _symmetric_first("expm", _expm_frechet, _divdiff_exp),
        lambda b, x, f: f, "expm(X)", "", ("u' expm(X) v", "X", "L_exp(X, v uᵀ)"),
        {"numpy": MatrixCode("scipy.linalg.expm({0})", "_frechet_exp", "_frechet_exp_symmetric"),
         "jax": MatrixCode("jax.scipy.linalg.expm({0})", "_frechet_exp",
                           "_frechet_exp_symmetric"),
         "torch": MatrixCode("torch.linalg.matrix_exp({0})", "_frechet_exp",
                             "_frechet_exp_symmetric")},
        _divdiff_exp, _DIVDIFF_EXP_CODE, invertible=True),  # (det expm(X) = e^tr X)
    MatrixFunction(
        "logm", "log", "\\log", "the principal matrix logarithm", _logm,
        _symmetric_first("logm", _logm_frechet, _divdiff_log),
        lambda b, x, f: b.inv(x), "X⁻¹", BRANCH_CUT, ("tr(logm(X))", "X", "X⁻¹"),
        {"numpy": MatrixCode("_logm({0})", "_frechet_log"),
         "jax": MatrixCode("_logm({0})", "_frechet_log"),
         "torch": MatrixCode("_logm({0})", "_frechet_log")},
        _divdiff_log, _DIVDIFF_LOG_CODE,
        invertible=False),  # (logm(X) is singular where X has the eigenvalue 1)
    MatrixFunction(
        "sqrtm", "sqrt", "\\sqrt", "the principal matrix square root", _sqrtm,
        _symmetric_first("sqrtm", _sqrtm_frechet, _divdiff_sqrt),
        lambda b, x, f: b.mul(b.const(Fraction(1, 2)), b.inv(f)), "sqrtm(X)⁻¹ / 2", BRANCH_CUT,
        ("u' sqrtm(X) v", "X", "L_sqrt(X, v uᵀ)"),
        {"numpy": MatrixCode("_sqrtm({0})", "_frechet_sqrt"),
         "jax": MatrixCode("_sqrtm({0})", "_frechet_sqrt"),
         "torch": MatrixCode("_sqrtm({0})", "_frechet_sqrt")},
        _divdiff_sqrt, _DIVDIFF_SQRT_CODE,
        invertible=True),  # (sqrtm(X)² = X, and X has no eigenvalue 0 off the cut)
)

MATRIX_FUNCTIONS: dict[str, MatrixFunction] = {f.name: f for f in DECLARED}
# L_f(X, E) (op frechet) and J_f(X) (op frechet_matrix): their meaning, and the docs' rows
# (expression, variable, derivative printed in numerator layout)
FRECHET_MEANING = "the Fréchet derivative: d f(X) = L_f(X, dX)"
FRECHET_EXAMPLE = ("tr(A L_exp(X, B))", "B", "L_exp(X, A)")
JACOBIAN_MEANING = "the matrix of E ↦ L_f(X, E) on vec(E)"
JACOBIAN_EXAMPLE = ("logm(X)", "X", "J_log(X)")
BY_SCALAR: dict[str, MatrixFunction] = {f.scalar: f for f in DECLARED}
# divdiff_exp, divdiff_log, divdiff_sqrt (op -> its matrix function), and the docs' row
DIVIDED: dict[str, MatrixFunction] = {f.divided_name: f for f in DECLARED}
DIVIDED_MEANING = ("the divided differences of f at the entries of λ, of the Daleckii–Krein "
                   "form: (f(λᵢ) − f(λⱼ)) / (λᵢ − λⱼ), f′(λᵢ) where λᵢ = λⱼ")
DIVIDED_EXAMPLE = ("tr(A divdiff_exp(x))", "A", "divdiff_exp(x)")
