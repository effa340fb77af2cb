"""How the built-in functions of a square or any matrix are typed: the matrix functions
(expm, logm, sqrtm), their Fréchet derivatives, the spectral functions and the factorisations
and solves (chol, tril_half, solve, pinv).
"""
from __future__ import annotations

from ..core.factorisations import OF_SQUARE, SOLVES, TRANSPOSES, Factorisation
from ..core.matrix_functions import MATRIX_FUNCTIONS
from ..core.spectral import (
    EIGENVALUES,
    LEFT,
    LEFT_ONE,
    RIGHT,
    RIGHT_ONE,
    SAME,
    SCALAR,
    SPECTRAL,
    SYMMETRIC,
)
from ..errors import ShapeError
from ..syntax import ast
from .calls import arity, call_text
from .dims import SizeVar, one, times
from .typed import T, fit, like, scalar


def _of_square(op: str, of_scalar: str = ""):
    """f(X) of a square matrix X, of its shape; of a 1 × 1 one, the elementwise function
    `of_scalar` ("": f itself)."""
    def typed(typer, call, args):
        arity(call, args, 1)
        x = args[0]
        typer.square(call.func, x, call.func_span)
        fn = of_scalar if x.is_scalar and of_scalar else op
        return like(fn, x, x, span=call.span, text=call_text(typer, call))
    return typed


def matrix_function(op: str):
    """expm(X), logm(X), sqrtm(X) of a square matrix (of a 1 × 1 one: exp, log, sqrt)."""
    return _of_square(op, MATRIX_FUNCTIONS[op].scalar)


def frechet(op: str):
    """L_f(X, E): the Fréchet derivative of f at X in the direction E (square, one shape)."""
    def typed(typer, call, args):
        arity(call, args, 2)
        x, e = args
        typer.square(call.func, x, call.func_span)
        fit(call.func, x, e, call.func_span, why="X and E are square matrices of one shape")
        return like("frechet", x, x, e, span=call.span, text=call_text(typer, call), f=op)
    return typed


def frechet_matrix(op: str):
    """J_f(X): the n² × n² matrix of E ↦ L_f(X, E) on vec(E)."""
    def typed(typer, call, args):
        arity(call, args, 1)
        x = args[0]
        typer.square(call.func, x, call.func_span)
        n2 = times(x.rows, x.rows)
        return T("frechet_matrix", (x,), n2, n2, call.span, call_text(typer, call), f=op)
    return typed


def divided(op: str):
    """divdiff_f(λ): of an n-vector λ, the n × n matrix of f's divided differences."""
    def typed(typer, call, args):
        arity(call, args, 1)
        lam = args[0]
        if not lam.is_vector:
            raise ShapeError(f"{call.func} needs a vector (of eigenvalues), got "
                             f"{lam.describe()}", call.func_span)
        return T(op, (lam,), lam.rows, lam.rows, call.span, call_text(typer, call))
    return typed


def _thin(call: ast.Call, x: T) -> SizeVar:
    """k = min(m, n) of an m × n X: m where m = n, the smaller of two numbers."""
    rows, cols = x.rows.find(), x.cols.find()
    if rows is cols or rows.value == cols.value:  # (one size, or one symbol named twice)
        return x.rows
    if isinstance(rows.value, int) and isinstance(cols.value, int) and not x.is_vector:
        return x.rows if rows.value <= cols.value else x.cols
    raise ShapeError(f"{call.func} of {x.describe()}: its number of singular values, "
                     f"min({x.rows.label()}, {x.cols.label()}), is not a size matcalc can name "
                     f"(declare X square, or with numeric sizes)", call.func_span)


def spectral(op: str):
    """A spectral function (core/spectral.py): of a square S (symmetric, as evaluate checks),
    or of any X; of the shape it declares, k = min(m, n) the number of singular values."""
    f = SPECTRAL[op]

    def typed(typer, call, args):
        arity(call, args, 1)
        x = args[0]
        if x.is_scalar or x.is_vector:
            raise ShapeError(f"{call.func} needs a matrix, got {x.describe()}", call.func_span)
        if f.argument == SYMMETRIC:
            typer.square(call.func, x, call.func_span)
        text = call_text(typer, call)
        if f.result == SCALAR:
            return scalar(op, x, span=call.span, text=text)
        if f.result == SAME:
            return like(op, x, x, span=call.span, text=text)
        if f.result in (LEFT_ONE, RIGHT_ONE):
            return T(op, (x,), x.cols if f.result == RIGHT_ONE else x.rows, one(), call.span,
                     text)
        k = _thin(call, x) if f.argument != SYMMETRIC else x.rows
        rows = {EIGENVALUES: k, LEFT: x.rows, RIGHT: x.cols}[f.result]
        return T(op, (x,), rows, one() if f.result == EIGENVALUES else k, call.span, text)
    return typed


def _solves(f: Factorisation):
    """solve(A, B) = A⁻¹ B: A square, B (a matrix or a vector) with A's rows; of B's shape."""
    def typed(typer, call, args):
        arity(call, args, 2)
        a, rhs = args
        typer.square(call.func, a, call.func_span)
        fit(call.func, a, rhs, call.func_span, cols=False, why="B has as many rows as A")
        return like(f.name, rhs, a, rhs, span=call.span, text=call_text(typer, call))
    return typed


def _transposes(f: Factorisation):
    """pinv(X) = X⁺: n × m for X m × n (of full column rank)."""
    def typed(typer, call, args):
        arity(call, args, 1)
        x = args[0]
        return T(f.name, (x,), x.cols, x.rows, call.span, call_text(typer, call))
    return typed


# chol(S), tril_half(M): of a square matrix; chol of a 1 × 1 one is √s, as declared
_FACTORISATION_TYPINGS = {OF_SQUARE: lambda f: _of_square(f.name, f.of_scalar),
                          SOLVES: _solves, TRANSPOSES: _transposes}


def factorisation(f: Factorisation):
    """A factorisation or solve (core/factorisations.py), typed as its `typing` says."""
    return _FACTORISATION_TYPINGS[f.typing](f)
