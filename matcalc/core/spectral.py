"""Spectral functions: eigenvalues of a symmetric matrix, singular values, and their factors.

For a symmetric S = V diag(λ) Vᵀ (λ ascending, as numpy's eigh) with a simple eigenvalue λᵢ of
unit eigenvector vᵢ, dλᵢ = vᵢᵀ dS vᵢ (first-order perturbation); so d eigvals(S) =
diagpart(Vᵀ dS V), d eigmax(S) = vᵀ dS v with v the eigenvector of the largest eigenvalue, and
the gradient of eigmax(S) is v vᵀ. For X = U diag(σ) Vᵀ (the thin SVD, σ descending) with
distinct nonzero singular values, dσᵢ = uᵢᵀ dX vᵢ; so d svals(X) = diagpart(Uᵀ dX V),
d specnorm(X) = u₁ᵀ dX v₁ (gradient u₁ v₁ᵀ) and d nucnorm(X) = tr(Uᵀ dX V) (gradient U Vᵀ).

A `Spectral` says what matcalc knows about one op: its meaning, the matrix it needs (symmetric
or any), its result's shape, its numpy value, and the condition its derivative holds under.
Eigenvectors and singular vectors are defined up to sign; matcalc fixes the sign so that the
entry of largest magnitude of each eigenvector (of each left singular vector, the right one
following it) is positive, in evaluate and in generated code alike. No derivative goes through
a vector op: their derivatives (dV = V (F ⊙ (Vᵀ dS V))) are refused.

`eigbasis(S)` is an orthonormal eigenbasis Q of S (S = Q diag(eigvals(S)) Qᵀ, signed as
eigvecs): unlike eigvecs it is given at a repeated eigenvalue too (the basis eigh returns there),
for forms that do not depend on that choice, as the Daleckii–Krein form of L_f(S, E) does.

Its `code` is a pair of Python expressions over one shared decomposition of its argument
(codegen/spectral.py): from the full one {0} = (λ ascending, V) or (U, σ descending, V), and
from the values alone {0} = λ or σ when no node of the program uses the argument's vectors
("" for a vector op, which always needs the full one).
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from ..errors import OutsideDomainError, ShapeError
from ..shapes import SCALAR as SCALAR_SHAPE
from ..shapes import Dim, Shape

SYMMETRY_TOLERANCE = 1e-10  # |S − Sᵀ| entries past it (relative to max |S|) are not symmetric
GAP_TOLERANCE = 1e-8  # eigenvalues closer (relative to max |λ|, at least 1) count as repeated

SYMMETRIC, ANY = "symmetric", "any"
# result shapes of an m × n argument (m = n for S), with k = min(m, n) singular values
_ONE = Dim.of(1)
EIGENVALUES = SINGULAR = "k"
EIGENVECTORS, SCALAR, LEFT, RIGHT, LEFT_ONE, RIGHT_ONE = "m × k", "1", "m × k", "n × k", \
    "m × 1", "n × 1"
VECTOR = LEFT_ONE
SAME = "m × n"


def thin_size(name: str, shape: Shape) -> Dim:
    """k = min(m, n) for an m × n argument: m where m = n, the smaller of two numbers; a
    ShapeError for sizes of unknown order (min(m, n) of two symbols is not a size)."""
    if shape.rows == shape.cols:
        return shape.rows
    rows, cols = shape.rows.number, shape.cols.number
    if rows is None or cols is None:
        raise ShapeError(f"{name} of a {shape.describe()} matrix: its number of singular "
                         f"values, min({shape.rows}, {shape.cols}), is not a size matcalc can "
                         f"name (use a square matrix or numeric sizes)")
    return Dim.of(min(rows, cols))


def result_shape(f: Spectral, shape: Shape) -> Shape:
    """The shape of f(X) for an X of `shape` (square where f needs a symmetric S)."""
    if f.argument == SYMMETRIC and not shape.is_square:
        raise ShapeError(f"{f.name} needs a square (symmetric) matrix, got {shape.describe()}")
    if f.result == SCALAR:
        return SCALAR_SHAPE
    if f.result == SAME:
        return shape
    if f.result in (LEFT_ONE, RIGHT_ONE):
        return Shape(shape.rows if f.result == LEFT_ONE else shape.cols, _ONE)
    k = thin_size(f.name, shape)
    return {EIGENVALUES: Shape(k, _ONE), LEFT: Shape(shape.rows, k),
            RIGHT: Shape(shape.cols, k)}[f.result]


@dataclass(frozen=True)
class Spectral:
    name: str  # the op name and its spelling in the language
    meaning: str
    argument: str  # SYMMETRIC (an n × n symmetric S) or ANY (an m × n X)
    result: str  # the result's shape, one of the constants above
    numpy: Callable[[np.ndarray], np.ndarray]  # the value (2-D), refusing where undefined
    condition: str  # where the derivative (a factor: its value) holds, of {0}; "": anywhere
    vectors: bool  # a factor of a decomposition (defined up to sign; no derivative)
    example: tuple[str, str, str]  # (expression, variable, derivative printed): the docs' row
    code: tuple[str, str] = ("", "")  # its code from the decomposition {0}, and from the
    # values {0} alone ("": it needs the vectors); see codegen/spectral.py


ARG = "{0}"  # the argument in a refusal (OutsideDomainError names it as written)


def _refused(template: str, letter: str) -> OutsideDomainError:
    """A refusal about the argument {0}, shown as `letter` until evaluate names it."""
    return OutsideDomainError(template, arguments=(letter,))


def _refuse_asymmetric(name: str, s: np.ndarray) -> None:
    if not np.all(np.isfinite(s)):
        raise _refused(f"{name}({ARG}) is not defined here: {ARG} is not finite", "S")
    scale = max(1.0, float(np.abs(s).max(initial=0.0)))
    if float(np.abs(s - s.T).max(initial=0.0)) > SYMMETRY_TOLERANCE * scale:
        raise _refused(
            f"{name}({ARG}) needs a symmetric matrix (each entry within "
            f"{SYMMETRY_TOLERANCE:g} of its transposed one, relative to the largest entry): "
            f"{ARG} is not symmetric here", "S")


def repeated(values: np.ndarray, which: str, gap: float = GAP_TOLERANCE) -> bool:
    """Whether the eigenvalues (or singular values) `values`, sorted, have a repeated one:
    anywhere ('all'), at the top ('max', the last) or at the bottom ('min', the first); two are
    repeated when closer than `gap` relative to the largest in magnitude (at least 1)."""
    values = np.sort(np.asarray(values).reshape(-1))
    if values.size < 2:
        return False
    gaps = np.diff(values)
    tolerance = gap * max(1.0, float(np.abs(values).max()))
    chosen = {"all": gaps, "max": gaps[-1:], "min": gaps[:1]}[which]
    return bool(np.any(chosen <= tolerance))


def signed_columns(v: np.ndarray) -> np.ndarray:
    """The signs that make the entry of largest magnitude of each column of v positive."""
    rows = np.argmax(np.abs(v), axis=0)
    signs = np.sign(v[rows, np.arange(v.shape[1])])
    return np.where(signs == 0, 1.0, signs)


_SHARED = threading.local()  # .memo: the decompositions of the evaluation in progress


@contextmanager
def one_decomposition_each():
    """Within it (one evaluation), eigh of a value is computed once: the eigenvalue and
    eigenvector ops of one S (eigvals(S) and eigbasis(S) of the Daleckii–Krein form) share one
    decomposition, so their orders agree."""
    outer = getattr(_SHARED, "memo", None)
    _SHARED.memo = {} if outer is None else outer
    try:
        yield
    finally:
        _SHARED.memo = outer


def _eigh_of(name: str, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.linalg.eigh(s) of a symmetric s (refusing another), once per value within
    one_decomposition_each()."""
    memo = getattr(_SHARED, "memo", None)
    key = (s.shape, s.tobytes()) if memo is not None else None
    if key is None or key not in memo:
        _refuse_asymmetric(name, s)
        decomposed = np.linalg.eigh(s)
        if key is None:
            return decomposed
        memo[key] = decomposed
    return memo[key]


def eigh(name: str, s: np.ndarray, which: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """λ ascending and V with S = V diag(λ) Vᵀ, each column's largest entry positive; refusing
    a non-symmetric S, and (with `which`) a repeated eigenvalue there."""
    lam, v = _eigh_of(name, s)
    if which and repeated(lam, which):
        where = {"all": f"{ARG} has a repeated eigenvalue", "max": f"the largest eigenvalue "
                 f"of {ARG} is repeated", "min": f"the smallest eigenvalue of {ARG} is "
                 "repeated"}[which]
        raise _refused(f"{name}({ARG}) is not defined here: {where} (eigenvalues closer than "
                       f"{GAP_TOLERANCE:g} relative count as repeated), so its eigenvectors "
                       f"are not unique", "S")
    return lam, v * signed_columns(v)


def eigenvalues(name: str, s: np.ndarray) -> np.ndarray:
    """λ ascending of a symmetric S (refusing another), as eigh gives them."""
    return _eigh_of(name, s)[0]


def svd(name: str, x: np.ndarray, which: str | None = None):
    """U, σ descending, V of the thin SVD X = U diag(σ) Vᵀ, each column of U's largest entry
    positive (V's columns following); refusing (with `which`) a rank-deficient X ('rank': a
    singular value below GAP_TOLERANCE relative to σ₁, where U and V are not unique), that or
    a repeated singular value ('all', where they are not unique either), or a repeated top
    singular value ('max')."""
    if not np.all(np.isfinite(x)):
        raise _refused(f"{name}({ARG}) is not defined here: {ARG} is not finite", "X")
    u, sigma, vt = _svd_of(x)
    if which in ("rank", "all") and sigma.size and \
            sigma[-1] <= GAP_TOLERANCE * max(1.0, sigma[0]):
        raise _refused(f"{name}({ARG}) is not defined here: {ARG} does not have full rank (a "
                       f"singular value below {GAP_TOLERANCE:g} relative to σ₁), so its "
                       f"singular vectors are not unique", "X")
    if which in ("max", "all") and repeated(sigma, which):
        where = "the largest singular value of" if which == "max" else "a singular value of"
        raise _refused(f"{name}({ARG}) is not defined here: {where} {ARG} is repeated (closer "
                       f"than {GAP_TOLERANCE:g} relative), so its singular vectors are not "
                       f"unique", "X")
    signs = signed_columns(u)
    return u * signs, sigma, vt.T * signs


def _svd_of(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """np.linalg.svd(x, full_matrices=False), once per value within one_decomposition_each()
    (nucnorm(X) and polar(X) of its gradient share it)."""
    memo = getattr(_SHARED, "memo", None)
    if memo is None:
        return np.linalg.svd(x, full_matrices=False)
    key = ("svd", x.shape, x.tobytes())
    if key not in memo:
        memo[key] = np.linalg.svd(x, full_matrices=False)
    return memo[key]


def _polar(x: np.ndarray) -> np.ndarray:
    u, _, v = svd("polar", x, "rank")
    return u @ v.T


def _column(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=float).reshape(-1, 1)


def _one(value: float) -> np.ndarray:
    return np.array([[float(value)]])


def off_condition(f: Spectral, x: np.ndarray, gap: float) -> str | None:
    """Why f's derivative does not hold at the argument value x, with eigenvalues (singular
    values) at least `gap` apart relative to the largest (and the smallest singular value at
    least `gap` relative to σ₁ where full rank is needed), or None."""
    if not np.all(np.isfinite(x)):
        return "was not finite"
    if f.argument == SYMMETRIC:
        scale = max(1.0, float(np.abs(x).max(initial=0.0)))
        if float(np.abs(x - x.T).max(initial=0.0)) > SYMMETRY_TOLERANCE * scale:
            return "was not symmetric"
        which = {_TOP: "max", _BOTTOM: "min"}.get(f.condition, "all")
        return "had a repeated eigenvalue" if repeated(np.linalg.eigvalsh(x), which, gap) \
            else None
    sigma = np.linalg.svd(x, compute_uv=False)
    if f.condition == _SIGMA1:
        return "had a repeated largest singular value" if repeated(sigma, "max", gap) else None
    if sigma[-1] <= gap * max(1.0, sigma[0]):
        return "did not have full rank"
    if f.condition == _SINGULAR and repeated(sigma, "all", gap):
        return "had a repeated singular value"
    return None


def needed_for_vectors(f: Spectral) -> tuple[str, ...]:
    """What evaluate refuses f's vectors without (its `svd`/`eigh` `which`): simple values
    anywhere ('all'), at the top ('max') or the bottom ('min'), full rank ('rank'); () for a
    value op, whose value is defined at repeated values, and for eigbasis."""
    if not f.vectors:
        return ()
    return {_SIMPLE: ("all",), _TOP: ("max",), _BOTTOM: ("min",), _SINGULAR: ("rank", "all"),
            _SIGMA1: ("max",), _FULL_RANK: ("rank",)}.get(f.condition, ())


_FULL_RANK = "{0} has full rank"
_SIMPLE = "the eigenvalues of {0} are distinct"
_TOP = "the largest eigenvalue of {0} is simple"
_BOTTOM = "the smallest eigenvalue of {0} is simple"
_SINGULAR = "the singular values of {0} are distinct and nonzero"
_SIGMA1 = "σ₁({0}) > σ₂({0})"

DECLARED = (
    Spectral("eigvals", "the eigenvalues of a symmetric matrix, ascending", SYMMETRIC,
             EIGENVALUES, lambda s: _column(eigenvalues("eigvals", s)), _SIMPLE, False,
             ("u' eigvals(X + X')", "X", "2 V diag(u) Vᵀ  where V = eigvecs(X + Xᵀ)"),
             code=("{0}[0]", "{0}")),
    Spectral("eigvecs", "the unit eigenvectors of a symmetric matrix (columns, in the order "
             "of eigvals)", SYMMETRIC, EIGENVECTORS, lambda s: eigh("eigvecs", s, "all")[1],
             _SIMPLE, True,
             ("u' eigvecs(A) x", "x", "uᵀ eigvecs(A)"), code=("{0}[1]", "")),
    Spectral("eigbasis", "an orthonormal eigenbasis of a symmetric matrix (columns in the "
             "order of eigvals, signed as eigvecs; where an eigenvalue repeats, the basis eigh "
             "returns: for forms that do not depend on that choice)", SYMMETRIC, EIGENVECTORS,
             lambda s: eigh("eigbasis", s)[1], "", True,
             ("u' eigbasis(A + A') x", "x", "uᵀ eigbasis(A + Aᵀ)"), code=("{0}[1]", "")),
    Spectral("eigmax", "the largest eigenvalue of a symmetric matrix", SYMMETRIC, SCALAR,
             lambda s: _one(eigenvalues("eigmax", s)[-1]), _TOP, False,
             ("eigmax(X + X')", "X", "2 v vᵀ  where v = eigvec_max(X + Xᵀ)"),
             code=("{0}[0][-1]", "{0}[-1]")),
    Spectral("eigmin", "the smallest eigenvalue of a symmetric matrix", SYMMETRIC, SCALAR,
             lambda s: _one(eigenvalues("eigmin", s)[0]), _BOTTOM, False,
             ("eigmin(X + X')", "X", "2 v vᵀ  where v = eigvec_min(X + Xᵀ)"),
             code=("{0}[0][0]", "{0}[0]")),
    Spectral("eigvec_max", "the unit eigenvector of the largest eigenvalue", SYMMETRIC, VECTOR,
             lambda s: eigh("eigvec_max", s, "max")[1][:, -1:], _TOP, True,
             ("eigvec_max(A)' x", "x", "eigvec_max(A)ᵀ"), code=("{0}[1][:, -1]", "")),
    Spectral("eigvec_min", "the unit eigenvector of the smallest eigenvalue", SYMMETRIC, VECTOR,
             lambda s: eigh("eigvec_min", s, "min")[1][:, :1], _BOTTOM, True,
             ("eigvec_min(A)' x", "x", "eigvec_min(A)ᵀ"), code=("{0}[1][:, 0]", "")),
    Spectral("svals", "the singular values, descending", ANY, SINGULAR,
             lambda x: _column(svd("svals", x)[1]), _SINGULAR, False,
             ("u' svals(X + eye)", "X", "svecs_right(X + I) diag(u) svecs_left(X + I)ᵀ"),
             code=("{0}[1]", "{0}")),
    Spectral("svecs_left", "the left singular vectors U of the thin SVD X = U diag(σ) Vᵀ", ANY,
             LEFT, lambda x: svd("svecs_left", x, "all")[0], _SINGULAR, True,
             ("u' svecs_left(A + eye) x", "x", "uᵀ svecs_left(A + I)"), code=("{0}[0]", "")),
    Spectral("svecs_right", "the right singular vectors V of the thin SVD X = U diag(σ) Vᵀ",
             ANY, RIGHT, lambda x: svd("svecs_right", x, "all")[2], _SINGULAR, True,
             ("u' svecs_right(A + eye) x", "x", "uᵀ svecs_right(A + I)"), code=("{0}[2]", "")),
    Spectral("specnorm", "the spectral norm σ₁ (the largest singular value)", ANY, SCALAR,
             lambda x: _one(svd("specnorm", x)[1][0]), _SIGMA1, False,
             ("specnorm(X)", "X", "svec_max_right(X) svec_max_left(X)ᵀ"),
             code=("{0}[1][0]", "{0}[0]")),
    Spectral("nucnorm", "the nuclear norm Σ σᵢ (the sum of the singular values)", ANY, SCALAR,
             lambda x: _one(svd("nucnorm", x)[1].sum()), "{0} has full rank", False,
             ("nucnorm(X)", "X", "polar(X)ᵀ"), code=("{0}[1].sum()", "{0}.sum()")),
    Spectral("polar", "the orthogonal polar factor U Vᵀ of the thin SVD X = U diag(σ) Vᵀ", ANY,
             SAME, lambda x: _polar(x), "{0} has full rank", True,
             ("tr(polar(A + eye) X)", "X", "polar(A + I)"), code=("{0}[0] @ {0}[2].T", "")),
    Spectral("svec_max_left", "the left singular vector u₁ of the largest singular value", ANY,
             LEFT_ONE, lambda x: svd("svec_max_left", x, "max")[0][:, :1], _SIGMA1, True,
             ("svec_max_left(A)' x", "x", "svec_max_left(A)ᵀ"), code=("{0}[0][:, 0]", "")),
    Spectral("svec_max_right", "the right singular vector v₁ of the largest singular value",
             ANY, RIGHT_ONE, lambda x: svd("svec_max_right", x, "max")[2][:, :1], _SIGMA1, True,
             ("svec_max_right(A)' x", "x", "svec_max_right(A)ᵀ"), code=("{0}[2][:, 0]", "")),
)

SPECTRAL: dict[str, Spectral] = {f.name: f for f in DECLARED}
