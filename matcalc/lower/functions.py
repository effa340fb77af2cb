"""The built-in functions of the language and how each is typed.

`FUNCTIONS[name](typer, call, args)` checks the arity and operand kinds and returns the typed
node. Names here are reserved: anything else called like a function is a variable times its
operand, a well-known function matcalc refuses (unimplemented.py, suggest.py), or an abstract
scalar function (typer.py). The typings of matrix and of vector functions are in
matrix_typing.py and vector_typing.py.
"""
from __future__ import annotations

from ..core import linear_ops as linear
from ..core.elementwise import BINARY, SPELLINGS
from ..core.elementwise import FUNCTIONS as ELEMENTWISE_FUNCTIONS
from ..core.extremes import EXTREMES
from ..core.factorisations import FACTORISATIONS, FACTORISATIONS_AND_SOLVES, TRIANGLES
from ..core.matrix_functions import MATRIX_FUNCTIONS
from ..core.matrix_powers import MATRIX_POWERS
from ..core.matrix_scalars import MATRIX_SCALARS
from ..core.spectral import SPECTRAL
from ..core.vector_functions import VECTOR_FUNCTIONS
from ..errors import ParseError, ShapeError
from ..syntax import ast
from .calls import arity, call_text
from .dims import one, times
from .matrix_typing import (
    divided,
    factorisation,
    frechet,
    frechet_matrix,
    matrix_function,
    spectral,
)
from .typed import T, like, scalar
from .vector_typing import binary, cross_entropy, dot, of_vectors

ELEMENTWISE = tuple(ELEMENTWISE_FUNCTIONS)  # (core/elementwise.py)


def _like_argument(op: str):
    """f(u), of u's shape: an elementwise function, ismax(x)."""
    def typed(typer, call, args):
        arity(call, args, 1)
        return like(op, args[0], args[0], span=call.span, text=call_text(typer, call))
    return typed


def _elementwise(op: str):
    """f(u) entry by entry; f(u, δ) for a function with a parameter (huber(u) is huber(u, 1))."""
    parameter = ELEMENTWISE_FUNCTIONS[op].parameter
    if parameter is None:
        return _like_argument(op)

    def typed(typer, call, args):
        if len(args) not in (1, 2):
            raise ParseError(f"{call.func} takes 1 or 2 arguments ({call.func}(u) or "
                             f"{call.func}(u, {parameter.name})), got {len(args)}",
                             call.func_span)
        args = [args[0], *(args[1:] or [scalar("const", span=call.span,
                                                value=parameter.default)])]
        _check_parameter(call, parameter.name, args[1])
        return like(op, args[0], *args, span=call.span, text=call_text(typer, call))
    return typed


def _check_parameter(call: ast.Call, name: str, value: T) -> None:
    """A function's parameter (huber's δ) is a scalar, and positive where it is a number."""
    if not value.is_scalar:
        raise ShapeError(f"{call.func}(u, {name}): {name} must be a scalar, got "
                         f"{value.describe()}", call.func_span)
    number = value.attrs.get("value") if value.op == "const" else \
        -value.args[0].attrs["value"] if value.op == "neg" and value.args[0].op == "const" \
        else None
    if number is not None and number <= 0:
        raise ParseError(f"{call.func}(u, {name}): {name} must be positive, got {value.text}",
                         call.func_span)


def _to_scalar(op: str, square: bool = False):
    def typed(typer, call, args):
        arity(call, args, 1)
        x = args[0]
        if square:
            typer.square(call.func, x, call.func_span)
        return scalar(op, x, span=call.span, text=call_text(typer, call))
    return typed


def _inv(typer, call, args):
    arity(call, args, 1)
    return typer.inverse(args[0], call.func_span)


def _diagonal(name: str):
    """diag(vector) is the diagonal matrix, diag(matrix) the vector of its diagonal: of the
    declared diagonal operators spelled as `name` is, the one declared of vectors types a
    vector, the other a square matrix."""
    alike = [op for op in linear.DECLARED if op.typing == linear.DIAGONAL
             and set(op.spellings) & set(linear.LINEAR_OPS[name].spellings)]
    of_vector = next(op.name for op in alike if op.of_vectors)
    of_matrix = next(op.name for op in alike if not op.of_vectors)

    def typed(typer, call, args):
        arity(call, args, 1)
        x = args[0]
        if x.is_scalar:
            return x
        if x.is_vector:
            return T(of_vector, (x,), x.rows, x.rows, call.span, call_text(typer, call))
        typer.square(call.func, x, call.func_span)
        return T(of_matrix, (x,), x.rows, one(), call.span, call_text(typer, call))
    return typed


def _flatten(op: str):
    """vec(X): one column of X's size."""
    def typed(typer, call, args):
        arity(call, args, 1)
        x = args[0]
        return T(op, (x,), times(x.rows, x.cols), one(), call.span, call_text(typer, call))
    return typed


def _triangle(op: str):
    """tril(X): the lower triangle of X, its diagonal included (of a scalar, itself)."""
    def typed(typer, call, args):
        arity(call, args, 1)
        x = args[0]
        if x.is_vector:
            raise ShapeError(f"{call.func} needs a matrix, got {x.describe()}", call.func_span)
        return x if x.is_scalar else like(op, x, x, span=call.span, text=call_text(typer, call))
    return typed


def _pair(op: str):
    """kron(A, B): of any two operands, (m p) × (n q) for A m × n and B p × q."""
    def typed(typer, call, args):
        arity(call, args, 2)
        a, c = args
        return T(op, (a, c), times(a.rows, c.rows), times(a.cols, c.cols), call.span,
                 call_text(typer, call))
    return typed


# how a declared linear operator is typed (core/linear_ops.py: its `typing`)
_TYPINGS = {linear.TO_SCALAR: _to_scalar, linear.FLATTEN: _flatten,
            linear.OF_SQUARE_TO_SCALAR: lambda op: _to_scalar(op, square=True),
            linear.DIAGONAL: _diagonal, linear.TRIANGLE: _triangle, linear.PAIR: _pair}


def _spelled(*typings: str) -> tuple[str, ...]:
    """The spellings of the declared linear operators typed so, in their order."""
    return tuple(dict.fromkeys(s for op in linear.DECLARED if op.typing in typings
                               for s in op.spellings))


def _listed_with(kind: str) -> tuple[str, ...]:
    """The factorisations and solves the language lists among the built-ins of `kind`."""
    return tuple(f.name for f in FACTORISATIONS.values() if f.listed_with == kind)


FUNCTIONS = {spelling: _elementwise(name) for spelling, name in SPELLINGS.items()}
FUNCTIONS.update({
    **{s: _TYPINGS[op.typing](op.name) for op in linear.DECLARED for s in op.spellings},
    **{s: _inv for op in MATRIX_POWERS.values() for s in op.spellings},
    **{s.spelling: _to_scalar(s.name, square=s.square) for s in MATRIX_SCALARS.values()},
    "cross_entropy": cross_entropy,
    "dot": dot, **{f.name: factorisation(f) for f in FACTORISATIONS.values()},
    **{f.spelling: of_vectors(f) for f in VECTOR_FUNCTIONS.values()},
    **{f.spelling: binary(f) for f in BINARY.values()},
    **{e.indicator: _like_argument(e.indicator) for e in EXTREMES.values()},
    **{f.name: matrix_function(f.name) for f in MATRIX_FUNCTIONS.values()},
    **{f.frechet_name: frechet(f.name) for f in MATRIX_FUNCTIONS.values()},
    **{f.jacobian_name: frechet_matrix(f.name) for f in MATRIX_FUNCTIONS.values()},
    **{f.divided_name: divided(f.divided_name) for f in MATRIX_FUNCTIONS.values()},
    **{f.name: spectral(f.name) for f in SPECTRAL.values()},
})

# What each built-in means, by class (a "did you mean" stays within a class), and how many
# arguments it takes (one unless listed).
MEANINGS = {
    "elementwise functions": (*SPELLINGS, *(f.spelling for f in BINARY.values())),
    "reductions": (*_spelled(linear.TO_SCALAR, linear.OF_SQUARE_TO_SCALAR),
                   *(s.spelling for s in MATRIX_SCALARS.values()),
                   *(f.spelling for f in VECTOR_FUNCTIONS.values() if f.reduces),
                   "cross_entropy"),
    "vector functions": (*(f.spelling for f in VECTOR_FUNCTIONS.values() if not f.reduces),
                         *(e.indicator for e in EXTREMES.values())),
    "matrix functions": (*(s for op in MATRIX_POWERS.values() for s in op.spellings),
                         *MATRIX_FUNCTIONS),
    "Fréchet derivatives": (*(f.frechet_name for f in MATRIX_FUNCTIONS.values()),
                            *(f.jacobian_name for f in MATRIX_FUNCTIONS.values()),
                            *(f.divided_name for f in MATRIX_FUNCTIONS.values())),
    "spectral functions": tuple(f.name for f in SPECTRAL.values() if not f.vectors),
    "decompositions": tuple(f.name for f in SPECTRAL.values() if f.vectors),
    "products": ("dot", *_spelled(linear.PAIR)),
    "reshapings": _spelled(linear.DIAGONAL, linear.FLATTEN),
    TRIANGLES: (*_spelled(linear.TRIANGLE), *_listed_with(TRIANGLES)),
    FACTORISATIONS_AND_SOLVES: _listed_with(FACTORISATIONS_AND_SOLVES),
}
MEANING = {name: meaning for meaning, names in MEANINGS.items() for name in names}
ARITY = {"dot": 2, **{f.name: f.arity for f in FACTORISATIONS.values() if f.arity != 1},
         **{s: op.arity for op in linear.DECLARED for s in op.spellings if op.arity != 1},
         **{f.frechet_name: 2 for f in MATRIX_FUNCTIONS.values()},
         "cross_entropy": 2, **{f.spelling: 2 for f in BINARY.values()}}
