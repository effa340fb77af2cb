"""Smart constructors of the structural and linear operators (transpose, sum, mean, trace, vec,
diag) and of functions (inverse, determinants, elementwise functions). Import them through
core.build.
"""
from __future__ import annotations

import weakref

from ..shapes import Dim, Shape
from .algebra import dim, inverse_of, matmul_chain, mul
from .elementwise import FUNCTIONS
from .expr import Expr, mk
from .leaves import commutation, const, expand, identity, is_zero, ones, zero
from .matrix_functions import DIVIDED, MATRIX_FUNCTIONS
from .matrix_powers import MATRIX_POWERS

_SYMMETRIC_LEAVES = ("identity", "diag", "zero", *DIVIDED)  # (divided differences: Fᵢⱼ = Fⱼᵢ)
_SYMMETRIC: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # node -> is_symmetric


_SYMMETRIC_STRUCTURES = ("symmetric", "spd", "diagonal")  # (lower/structures.py: symmetric)


def is_symmetric(e: Expr) -> bool:
    """Whether e equals eᵀ by its structure: symmetric variables, I, diag(v), A Aᵀ-like
    palindromic products, sums closed under transposition (A + Aᵀ), inverses and powers of those
    (cached per node: every transpose built asks)."""
    if e.is_scalar or e.op in _SYMMETRIC_LEAVES or e.attr("structure") in _SYMMETRIC_STRUCTURES:
        return e.shape.is_square
    if not e.shape.is_square:
        return False
    known = _SYMMETRIC.get(e)
    if known is None:
        known = _SYMMETRIC[e] = _symmetric_by_structure(e)
    return known


def _symmetric_by_structure(e: Expr) -> bool:
    if e.op in ("expand", *MATRIX_POWERS, *MATRIX_FUNCTIONS):  # f(S)ᵀ = f(Sᵀ) = f(S)
        return e.shape.is_square and (e.op == "expand" or is_symmetric(e.arg))
    if e.op == "hadamard":
        return all(is_symmetric(a) for a in e.args)
    if e.op == "add":
        return all(any(transpose(t) is u for u in e.args) for t in e.args)
    if e.op == "mul":
        chain = matmul_chain(e)[1]
        return all(transpose(a) is c for a, c in zip(chain, reversed(chain)))
    return False


def transpose(e: Expr) -> Expr:
    """eᵀ: involution; symmetric expressions and scalars unchanged; scalar factors pulled out."""
    if e.op == "transpose":
        return e.arg
    if is_symmetric(e):
        return e
    if e.op in ("zero", "expand"):
        return zero(e.shape.T) if e.op == "zero" else expand(e.arg, e.shape.T)
    if e.op == "commutation":
        return commutation(e.attr("n"), e.attr("m"))
    scalars, chain = matmul_chain(e)
    if scalars and len(chain) == 1:
        return mul(*scalars, transpose(chain[0]))
    return mk("transpose", e)


def _pull_scalars(op_builder, e: Expr) -> Expr | None:
    """op(c · X) = c · op(X) for a linear op; None when e has no scalar factor."""
    scalars, chain = matmul_chain(e)
    if e.op == "mul" and scalars and chain:
        return mul(*scalars, op_builder(mul(*chain)))
    return None


def reduce_sum(e: Expr) -> Expr:
    if e.is_scalar:
        return e
    if is_zero(e):
        return const(0)
    if e.op == "ones":
        return dim(e.attr("n"))
    if e.op == "expand":
        return mul(dim(e.shape.size), e.arg)
    return _pull_scalars(reduce_sum, e) or mk("sum", e)


def mean(e: Expr) -> Expr:
    if e.is_scalar:
        return e
    if e.op == "expand":
        return e.arg
    return _pull_scalars(mean, e) or (const(0) if is_zero(e) else mk("mean", e))


def trace(e: Expr) -> Expr:
    if e.is_scalar:
        return e
    if e.op == "identity":
        return dim(e.attr("n"))
    if e.op == "expand":  # tr(c 𝟏 𝟏ᵀ) = c n
        return mul(dim(e.shape.rows), e.arg)
    if is_zero(e):
        return const(0)
    return _pull_scalars(trace, e) or mk("tr", e)


def vec(e: Expr) -> Expr:
    if e.shape.cols.is_one:
        return e
    if e.op == "unvec":
        return e.arg
    if is_zero(e):
        return zero(Shape(e.shape.size, Dim.of(1)))
    return _pull_scalars(vec, e) or mk("vec", e)


def unvec(v: Expr, shape: Shape) -> Expr:
    """The matrix of `shape` whose column-major vec is the vector v (vec⁻¹)."""
    if shape.cols.is_one:
        return v
    if v.op == "vec" and v.arg.shape == shape:
        return v.arg
    if is_zero(v):
        return zero(shape)
    return _pull_scalars(lambda u: unvec(u, shape), v) or mk("unvec", v, shape=shape)


def diag(v: Expr) -> Expr:
    """The diagonal matrix with the vector v on its diagonal."""
    if v.is_scalar:
        return v
    if is_zero(v):
        return zero(Shape(v.shape.rows, v.shape.rows))
    if v.op == "ones":
        return identity(v.attr("n"))
    return _pull_scalars(diag, v) or mk("diag", v)


def diagpart(m: Expr) -> Expr:
    """The vector of the diagonal entries of a square matrix."""
    if m.is_scalar or m.op == "diag":
        return m if m.is_scalar else m.arg
    if m.op == "identity":
        return ones(m.attr("n"))
    if is_zero(m):
        return zero(Shape(m.shape.rows, Dim.of(1)))
    return _pull_scalars(diagpart, m) or mk("diagpart", m)


def tril(m: Expr) -> Expr:
    """The lower triangle of m, its diagonal included (the entries above it zero):
    tril(diag(v)) = diag(v), tril(tril(M)) = tril(M)."""
    if m.is_scalar or m.op in ("tril", "diag", "identity") or is_zero(m):
        return m
    return _pull_scalars(tril, m) or mk("tril", m)


def inv(e: Expr) -> Expr:
    """X⁻¹, canonically: (Xᵀ)⁻¹ is X⁻ᵀ, (Xᵏ)⁻¹ is (X⁻¹)ᵏ, (c X)⁻¹ = X⁻¹ / c."""
    if e.is_scalar:
        return inverse_of(e)
    if e.op in ("inv", "identity"):
        return e.arg if e.op == "inv" else e
    if e.op == "transpose":
        return transpose(inv(e.arg))
    if e.op == "mpow":
        return mk("mpow", inv(e.arg), k=e.attr("k"))
    scalars, chain = matmul_chain(e)
    if e.op == "mul" and scalars and chain:
        return mul(*(inverse_of(s) for s in scalars), inv(mul(*chain)))
    return mk("inv", e)


_ZERO_AT_ZERO = {f.name for f in FUNCTIONS.values() if f.zero_at_zero}


def apply(fn: str, *args: Expr, **attrs) -> Expr:
    """A function node (elementwise, reduction or matrix function) by its op name; f(0) = 0 for
    the functions that vanish at 0."""
    if fn in _ZERO_AT_ZERO and is_zero(args[0]):  # (huber(0, δ) = 0 too)
        return args[0]
    return mk(fn, *args, **attrs)


def frechet(x: Expr, e: Expr, f: str) -> Expr:
    """L_f(X, E), the Fréchet derivative of the matrix function f (its op name) at X in the
    direction E; linear in E: L_f(X, 0) = 0 and L_f(X, c E) = c L_f(X, E)."""
    if is_zero(e):
        return zero(x.shape)
    scalars, chain = matmul_chain(e)
    if e.op == "mul" and scalars and chain:
        return mul(*scalars, frechet(x, mul(*chain), f))
    return mk("frechet", x, e, f=f)


def frechet_matrix(x: Expr, f: str) -> Expr:
    """J_f(X), the n² × n² matrix with vec L_f(X, E) = J_f(X) vec(E)."""
    return mk("frechet_matrix", x, f=f)


__all__ = [
    "transpose", "reduce_sum", "mean", "trace", "vec", "unvec", "diag", "diagpart", "tril",
    "inv", "apply", "frechet", "frechet_matrix",
]
