"""The built-in functions of the language and how each is typed.

`FUNCTIONS[name](typer, call, args)` checks the arity and operand kinds and returns the typed
node. Names here are reserved: anything else called like a function is a variable times its
operand, a well-known function matcalc refuses (unimplemented.py, suggest.py), or an abstract
scalar function (typer.py).
"""
from __future__ import annotations

from ..core import linear_ops as linear
from ..core.elementwise import BINARY, SPELLINGS
from ..core.elementwise import FUNCTIONS as ELEMENTWISE_FUNCTIONS
from ..core.extremes import BY_SPELLING as EXTREME_BY_SPELLING
from ..core.extremes import EXTREMES
from ..core.matrix_functions import MATRIX_FUNCTIONS
from ..core.matrix_powers import MATRIX_POWERS
from ..core.matrix_scalars import MATRIX_SCALARS
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
from ..core.vector_functions import BY_SPELLING, VECTOR_FUNCTIONS
from ..errors import ParseError, ShapeError
from ..syntax import ast
from .dims import SizeVar, one, times
from .typed import T, fit, like, scalar

ELEMENTWISE = tuple(ELEMENTWISE_FUNCTIONS)  # (core/elementwise.py)


def _arity(call: ast.Call, args: list[T], n: int) -> None:
    if len(args) != n:
        raise ParseError(f"{call.func} takes {n} argument{'s' if n != 1 else ''}, "
                         f"got {len(args)}", call.func_span)


def _text(typer, call: ast.Call) -> str:
    return typer.source(call)


def _like_argument(op: str):
    """f(u), of u's shape: an elementwise function, ismax(x)."""
    def typed(typer, call, args):
        _arity(call, args, 1)
        return like(op, args[0], args[0], span=call.span, text=_text(typer, call))
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
        return like(op, args[0], *args, span=call.span, text=_text(typer, call))
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
        _arity(call, args, 1)
        x = args[0]
        if square:
            typer.square(call.func, x, call.func_span)
        return scalar(op, x, span=call.span, text=_text(typer, call))
    return typed


def _inv(typer, call, args):
    _arity(call, args, 1)
    return typer.inverse(args[0], call.func_span)


def _matrix_function(op: str):
    """expm(X), logm(X), sqrtm(X) of a square matrix (of a 1 × 1 one: exp, log, sqrt)."""
    def typed(typer, call, args):
        _arity(call, args, 1)
        x = args[0]
        typer.square(call.func, x, call.func_span)
        fn = MATRIX_FUNCTIONS[op].scalar if x.is_scalar else op
        return like(fn, x, x, span=call.span, text=_text(typer, call))
    return typed


def _frechet(op: str):
    """L_f(X, E): the Fréchet derivative of f at X in the direction E (square, one shape)."""
    def typed(typer, call, args):
        _arity(call, args, 2)
        x, e = args
        typer.square(call.func, x, call.func_span)
        fit(call.func, x, e, call.func_span, why="X and E are square matrices of one shape")
        return like("frechet", x, x, e, span=call.span, text=_text(typer, call), f=op)
    return typed


def _frechet_matrix(op: str):
    """J_f(X): the n² × n² matrix of E ↦ L_f(X, E) on vec(E)."""
    def typed(typer, call, args):
        _arity(call, args, 1)
        x = args[0]
        typer.square(call.func, x, call.func_span)
        n2 = times(x.rows, x.rows)
        return T("frechet_matrix", (x,), n2, n2, call.span, _text(typer, call), f=op)
    return typed


def _divided(op: str):
    """divdiff_f(λ): of an n-vector λ, the n × n matrix of f's divided differences."""
    def typed(typer, call, args):
        _arity(call, args, 1)
        lam = args[0]
        if not lam.is_vector:
            raise ShapeError(f"{call.func} needs a vector (of eigenvalues), got "
                             f"{lam.describe()}", call.func_span)
        return T(op, (lam,), lam.rows, lam.rows, call.span, _text(typer, call))
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


def _spectral(op: str):
    """A spectral function (core/spectral.py): of a square S (symmetric, as evaluate checks),
    or of any X; of the shape it declares, k = min(m, n) the number of singular values."""
    f = SPECTRAL[op]

    def typed(typer, call, args):
        _arity(call, args, 1)
        x = args[0]
        if x.is_scalar or x.is_vector:
            raise ShapeError(f"{call.func} needs a matrix, got {x.describe()}", call.func_span)
        if f.argument == SYMMETRIC:
            typer.square(call.func, x, call.func_span)
        text = _text(typer, call)
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


def _diag(typer, call, args):
    """diag(vector) is the diagonal matrix; diag(matrix) the vector of its diagonal."""
    _arity(call, args, 1)
    x = args[0]
    if x.is_scalar:
        return x
    if x.is_vector:
        return T("diag", (x,), x.rows, x.rows, call.span, _text(typer, call))
    typer.square("diag", x, call.func_span)
    return T("diagpart", (x,), x.rows, one(), call.span, _text(typer, call))


def _flatten(op: str):
    """vec(X): one column of X's size."""
    def typed(typer, call, args):
        _arity(call, args, 1)
        x = args[0]
        return T(op, (x,), times(x.rows, x.cols), one(), call.span, _text(typer, call))
    return typed


def _triangle(op: str):
    """tril(X): the lower triangle of X, its diagonal included (of a scalar, itself)."""
    def typed(typer, call, args):
        _arity(call, args, 1)
        x = args[0]
        if x.is_vector:
            raise ShapeError(f"{call.func} needs a matrix, got {x.describe()}", call.func_span)
        return x if x.is_scalar else like(op, x, x, span=call.span, text=_text(typer, call))
    return typed


def _chol(typer, call, args):
    """chol(S): the lower Cholesky factor of a square S (read as symmetric positive definite);
    of a 1 × 1 S, sqrt(S)."""
    _arity(call, args, 1)
    s = args[0]
    typer.square(call.func, s, call.func_span)
    return like("sqrt" if s.is_scalar else "chol", s, s, span=call.span, text=_text(typer, call))


def _tril_half(typer, call, args):
    """tril_half(M) = Φ(M): the lower triangle of a square M with its diagonal halved."""
    _arity(call, args, 1)
    m = args[0]
    typer.square(call.func, m, call.func_span)
    return like("tril_half", m, m, span=call.span, text=_text(typer, call))


def _solve(typer, call, args):
    """solve(A, B) = A⁻¹ B: A square, B (a matrix or a vector) with A's rows."""
    _arity(call, args, 2)
    a, rhs = args
    typer.square(call.func, a, call.func_span)
    fit("solve", a, rhs, call.func_span, cols=False, why="B has as many rows as A")
    return like("solve", rhs, a, rhs, span=call.span, text=_text(typer, call))


def _pinv(typer, call, args):
    """pinv(X) = X⁺, n × m for X m × n (of full column rank)."""
    _arity(call, args, 1)
    x = args[0]
    return T("pinv", (x,), x.cols, x.rows, call.span, _text(typer, call))


def _negative(t: T) -> bool:
    """A negative number as written: -2, -(1e-5)."""
    if t.op == "neg" and t.args[0].op == "const":
        return t.args[0].attrs["value"] > 0
    return t.op == "const" and t.attrs["value"] < 0


def _parameter(typer, call: ast.Call, args: list[T], parameter) -> T:
    """The scalar second operand of f(u, ε) (layer normalisation's ε), its default when
    f(u) gives none; a negative number is refused."""
    if len(args) == 1:
        return scalar("const", value=parameter.default)
    eps = args[1]
    if not eps.is_scalar:
        raise ShapeError(f"{call.func}: {parameter.name} must be a scalar, got "
                         f"{eps.describe()}", call.func_span)
    if _negative(eps):
        raise ShapeError(f"{call.func}: {parameter.name} must not be negative, got "
                         f"{typer.source(call.args[1])}", call.func_span)
    return eps


def _of_vectors(f):
    """A function of the softmax family (core/vector_functions.py): of a column vector (a 1 × 1
    operand is a vector(1): softmax 1, log softmax 0, logsumexp the entry), or of each row of
    any matrix (a row vector is one row, a column one entry per row). Its value has the
    operand's shape, or one entry per vector / row when it reduces."""
    def typed(typer, call, args):
        if f.parameter is None:
            _arity(call, args, 1)
        elif len(args) not in (1, 2):
            raise ParseError(f"{call.func} takes 1 or 2 arguments (u and {f.parameter.name}), "
                             f"got {len(args)}", call.func_span)
        x = args[0]
        if not (f.by_rows or x.is_vector or x.is_scalar):
            by_rows = BY_SPELLING.get(f"{f.spelling}_rows")
            hint = f" ({by_rows.spelling}(Z) is {by_rows.meaning})" if by_rows else ""
            raise ShapeError(f"{call.func} needs a vector, got {x.describe()}{hint}",
                             call.func_span)
        text = _text(typer, call)
        if f.parameter is not None:
            return like(f.name, x, x, _parameter(typer, call, args, f.parameter), span=call.span,
                        text=text)
        if not f.reduces:
            return like(f.name, x, x, span=call.span, text=text)
        if f.by_rows:
            return T(f.name, (x,), x.rows, one(), call.span, text)
        return scalar(f.name, x, span=call.span, text=text)
    return typed


def _cross_entropy(typer, call, args):
    """cross_entropy(z, y) = −yᵀ log softmax(z): logits z, targets y (vectors of one size)."""
    _arity(call, args, 2)
    z, y = args
    if not all(a.is_vector or a.is_scalar for a in args):
        raise ShapeError(f"cross_entropy needs two vectors, got {z.describe()} and "
                         f"{y.describe()}", call.func_span)
    fit("cross_entropy", z, y, call.func_span, why="logits and targets have one size")
    yt = T("transpose", (y,), y.cols, y.rows, call.span)
    log_p = like("logsoftmax", z, z, span=call.span)
    return T("neg", (scalar("mul", yt, log_p, span=call.span),), one(), one(), call.span,
             _text(typer, call))


def _dot(typer, call, args):
    """dot(u, v) = uᵀ v for two vectors of the same size."""
    _arity(call, args, 2)
    u, v = args
    if not all(a.is_vector or a.is_scalar for a in args):
        raise ShapeError(f"dot needs two vectors, got {u.describe()} and {v.describe()}",
                         call.func_span)
    fit("dot", u, v, call.func_span, why="they must have the same size")
    ut = T("transpose", (u,), u.cols, u.rows, call.span)
    return scalar("mul", ut, v, span=call.span, text=_text(typer, call))


def _is_zero(node) -> bool:
    return isinstance(node, ast.Number) and float(node.text) == 0


def _binary(f):
    """max(u, v), min(u, v) elementwise (a scalar operand is expanded); max(0, u) = relu(u).
    One operand: max(x), min(x), the largest or smallest entry (of a scalar, itself)."""
    def typed(typer, call, args):
        extreme = EXTREME_BY_SPELLING[f.spelling]
        if len(args) == 1:
            x = args[0]
            return x if x.is_scalar else scalar(extreme.name, x, span=call.span,
                                                text=_text(typer, call))
        if len(args) != 2:
            raise ParseError(f"{call.func} takes 1 or 2 arguments ({call.func}(x), the "
                             f"{extreme.which} entry, or {call.func}(u, v), {f.meaning}), got "
                             f"{len(args)}", call.func_span)
        for zero, other in ((0, 1), (1, 0)):
            if f.name == "maximum" and _is_zero(call.args[zero]):
                return like("relu", args[other], args[other], span=call.span,
                            text=_text(typer, call))
        u, v = typer.broadcast(*args)
        fit(f.spelling, u, v, call.func_span, why="they must have the same shape")
        return like(f.name, u, u, v, span=call.span, text=_text(typer, call))
    return typed


def _pair(op: str):
    """kron(A, B): of any two operands, (m p) × (n q) for A m × n and B p × q."""
    def typed(typer, call, args):
        _arity(call, args, 2)
        a, c = args
        return T(op, (a, c), times(a.rows, c.rows), times(a.cols, c.cols), call.span,
                 _text(typer, call))
    return typed


# how a declared linear operator is typed (core/linear_ops.py: its `typing`)
_TYPINGS = {linear.TO_SCALAR: _to_scalar, linear.FLATTEN: _flatten,
            linear.OF_SQUARE_TO_SCALAR: lambda op: _to_scalar(op, square=True),
            linear.DIAGONAL: lambda op: _diag, linear.TRIANGLE: _triangle, linear.PAIR: _pair}


def _spelled(*typings: str) -> tuple[str, ...]:
    """The spellings of the declared linear operators typed so, in their order."""
    return tuple(dict.fromkeys(s for op in linear.DECLARED if op.typing in typings
                               for s in op.spellings))


FUNCTIONS = {spelling: _elementwise(name) for spelling, name in SPELLINGS.items()}
FUNCTIONS.update({
    **{s: _TYPINGS[op.typing](op.name) for op in linear.DECLARED for s in op.spellings},
    **{s: _inv for op in MATRIX_POWERS.values() for s in op.spellings},
    **{s.spelling: _to_scalar(s.name, square=s.square) for s in MATRIX_SCALARS.values()},
    "cross_entropy": _cross_entropy,
    "dot": _dot, "chol": _chol, "solve": _solve, "pinv": _pinv, "tril_half": _tril_half,
    **{f.spelling: _of_vectors(f) for f in VECTOR_FUNCTIONS.values()},
    **{f.spelling: _binary(f) for f in BINARY.values()},
    **{e.indicator: _like_argument(e.indicator) for e in EXTREMES.values()},
    **{f.name: _matrix_function(f.name) for f in MATRIX_FUNCTIONS.values()},
    **{f.frechet_name: _frechet(f.name) for f in MATRIX_FUNCTIONS.values()},
    **{f.jacobian_name: _frechet_matrix(f.name) for f in MATRIX_FUNCTIONS.values()},
    **{f.divided_name: _divided(f.divided_name) for f in MATRIX_FUNCTIONS.values()},
    **{f.name: _spectral(f.name) for f in SPECTRAL.values()},
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
    "triangles": (*_spelled(linear.TRIANGLE), "tril_half"),
    "factorisations and solves": ("chol", "solve", "pinv"),
}
MEANING = {name: meaning for meaning, names in MEANINGS.items() for name in names}
ARITY = {"dot": 2, "solve": 2,
         **{s: op.arity for op in linear.DECLARED for s in op.spellings if op.arity != 1},
         **{f.frechet_name: 2 for f in MATRIX_FUNCTIONS.values()},
         "cross_entropy": 2, **{f.spelling: 2 for f in BINARY.values()}}
