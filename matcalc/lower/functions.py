"""The built-in functions of the language and how each is typed.

`FUNCTIONS[name](typer, call, args)` checks the arity and operand kinds and returns the typed
node. Names here are reserved: anything else called like a function is a variable times its
operand, a well-known function matcalc refuses (unimplemented.py, suggest.py), or an abstract
scalar function (typer.py).
"""
from __future__ import annotations

from ..core.elementwise import BINARY, SPELLINGS
from ..core.elementwise import FUNCTIONS as ELEMENTWISE_FUNCTIONS
from ..core.matrix_functions import MATRIX_FUNCTIONS
from ..core.vector_functions import BY_SPELLING, VECTOR_FUNCTIONS
from ..errors import ParseError, ShapeError, UnsupportedError
from ..syntax import ast
from .dims import one, times
from .typed import T, fit, like, scalar

ELEMENTWISE = tuple(ELEMENTWISE_FUNCTIONS)  # (core/elementwise.py)


def _arity(call: ast.Call, args: list[T], n: int) -> None:
    if len(args) != n:
        raise ParseError(f"{call.func} takes {n} argument{'s' if n != 1 else ''}, "
                         f"got {len(args)}", call.func_span)


def _text(typer, call: ast.Call) -> str:
    return typer.source(call)


def _elementwise(op: str):
    def typed(typer, call, args):
        _arity(call, args, 1)
        return like(op, args[0], args[0], span=call.span, text=_text(typer, call))
    return typed


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


def _vec(typer, call, args):
    _arity(call, args, 1)
    x = args[0]
    return T("vec", (x,), times(x.rows, x.cols), one(), call.span, _text(typer, call))


def _of_vectors(f):
    """A function of the softmax family (core/vector_functions.py): of a column vector (a 1 × 1
    operand is a vector(1): softmax 1, log softmax 0, logsumexp the entry), or of each row of
    any matrix (a row vector is one row, a column one entry per row). Its value has the
    operand's shape, or one entry per vector / row when it reduces."""
    def typed(typer, call, args):
        _arity(call, args, 1)
        x = args[0]
        if not (f.by_rows or x.is_vector or x.is_scalar):
            by_rows = BY_SPELLING.get(f"{f.spelling}_rows")
            hint = f" ({by_rows.spelling}(Z) is {by_rows.meaning})" if by_rows else ""
            raise ShapeError(f"{call.func} needs a vector, got {x.describe()}{hint}",
                             call.func_span)
        text = _text(typer, call)
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
    One operand is refused: the largest or smallest entry is not available yet."""
    def typed(typer, call, args):
        if len(args) == 1:
            which = "largest" if f.name == "maximum" else "smallest"
            raise UnsupportedError(f"{call.func}(x), the {which} entry, is not available yet; "
                                   f"{call.func}(u, v) is {f.meaning}", call.func_span)
        _arity(call, args, 2)
        for zero, other in ((0, 1), (1, 0)):
            if f.name == "maximum" and _is_zero(call.args[zero]):
                return like("relu", args[other], args[other], span=call.span,
                            text=_text(typer, call))
        u, v = typer.broadcast(*args)
        fit(f.spelling, u, v, call.func_span, why="they must have the same shape")
        return like(f.name, u, u, v, span=call.span, text=_text(typer, call))
    return typed


def _kron(typer, call, args):
    _arity(call, args, 2)
    a, c = args
    return T("kron", (a, c), times(a.rows, c.rows), times(a.cols, c.cols), call.span,
             _text(typer, call))


FUNCTIONS = {spelling: _elementwise(name) for spelling, name in SPELLINGS.items()}
FUNCTIONS.update({
    "sum": _to_scalar("sum"), "mean": _to_scalar("mean"),
    "tr": _to_scalar("tr", square=True), "trace": _to_scalar("tr", square=True),
    "det": _to_scalar("det", square=True), "logdet": _to_scalar("logdet", square=True),
    "norm2": _to_scalar("norm2"), "norm1": _to_scalar("norm1"),
    "inv": _inv, "diag": _diag, "vec": _vec, "cross_entropy": _cross_entropy, "dot": _dot,
    **{f.spelling: _of_vectors(f) for f in VECTOR_FUNCTIONS.values()},
    **{f.spelling: _binary(f) for f in BINARY.values()}, "kron": _kron,
    **{f.name: _matrix_function(f.name) for f in MATRIX_FUNCTIONS.values()},
    **{f.frechet_name: _frechet(f.name) for f in MATRIX_FUNCTIONS.values()},
    **{f.jacobian_name: _frechet_matrix(f.name) for f in MATRIX_FUNCTIONS.values()},
})

# What each built-in means, by class (a "did you mean" stays within a class), and how many
# arguments it takes (one unless listed).
MEANINGS = {
    "elementwise functions": (*SPELLINGS, *(f.spelling for f in BINARY.values())),
    "reductions": ("sum", "mean", "tr", "trace", "det", "logdet", "norm2", "norm1",
                   *(f.spelling for f in VECTOR_FUNCTIONS.values() if f.reduces),
                   "cross_entropy"),
    "vector functions": tuple(f.spelling for f in VECTOR_FUNCTIONS.values() if not f.reduces),
    "matrix functions": ("inv", *MATRIX_FUNCTIONS),
    "Fréchet derivatives": (*(f.frechet_name for f in MATRIX_FUNCTIONS.values()),
                            *(f.jacobian_name for f in MATRIX_FUNCTIONS.values())),
    "products": ("dot", "kron"),
    "reshapings": ("diag", "vec"),
}
MEANING = {name: meaning for meaning, names in MEANINGS.items() for name in names}
ARITY = {"dot": 2, "kron": 2, **{f.frechet_name: 2 for f in MATRIX_FUNCTIONS.values()},
         "cross_entropy": 2, **{f.spelling: 2 for f in BINARY.values()}}
