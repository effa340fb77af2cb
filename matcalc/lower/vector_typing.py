"""How the built-in functions of vectors are typed: the softmax family (of a vector, or of
each row of a matrix), cross_entropy, dot, and max and min (of two operands, or of one).
"""
from __future__ import annotations

from ..core.extremes import BY_SPELLING as EXTREME_BY_SPELLING
from ..core.vector_functions import BY_SPELLING
from ..errors import ParseError, ShapeError
from ..syntax import ast
from .calls import arity, call_text
from .dims import one
from .typed import T, fit, like, scalar


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


def of_vectors(f):
    """A function of the softmax family (core/vector_functions.py): of a column vector (a 1 × 1
    operand is a vector(1): softmax 1, log softmax 0, logsumexp the entry), or of each row of
    any matrix (a row vector is one row, a column one entry per row). Its value has the
    operand's shape, or one entry per vector / row when it reduces."""
    def typed(typer, call, args):
        if f.parameter is None:
            arity(call, args, 1)
        elif len(args) not in (1, 2):
            raise ParseError(f"{call.func} takes 1 or 2 arguments (u and {f.parameter.name}), "
                             f"got {len(args)}", call.func_span)
        x = args[0]
        if not (f.by_rows or x.is_vector or x.is_scalar):
            by_rows = BY_SPELLING.get(f"{f.spelling}_rows")
            hint = f" ({by_rows.spelling}(Z) is {by_rows.meaning})" if by_rows else ""
            raise ShapeError(f"{call.func} needs a vector, got {x.describe()}{hint}",
                             call.func_span)
        text = call_text(typer, call)
        if f.parameter is not None:
            return like(f.name, x, x, _parameter(typer, call, args, f.parameter), span=call.span,
                        text=text)
        if not f.reduces:
            return like(f.name, x, x, span=call.span, text=text)
        if f.by_rows:
            return T(f.name, (x,), x.rows, one(), call.span, text)
        return scalar(f.name, x, span=call.span, text=text)
    return typed


def cross_entropy(typer, call, args):
    """cross_entropy(z, y) = −yᵀ log softmax(z): logits z, targets y (vectors of one size)."""
    arity(call, args, 2)
    z, y = args
    if not all(a.is_vector or a.is_scalar for a in args):
        raise ShapeError(f"cross_entropy needs two vectors, got {z.describe()} and "
                         f"{y.describe()}", call.func_span)
    fit("cross_entropy", z, y, call.func_span, why="logits and targets have one size")
    yt = T("transpose", (y,), y.cols, y.rows, call.span)
    log_p = like("logsoftmax", z, z, span=call.span)
    return T("neg", (scalar("mul", yt, log_p, span=call.span),), one(), one(), call.span,
             call_text(typer, call))


def dot(typer, call, args):
    """dot(u, v) = uᵀ v for two vectors of the same size."""
    arity(call, args, 2)
    u, v = args
    if not all(a.is_vector or a.is_scalar for a in args):
        raise ShapeError(f"dot needs two vectors, got {u.describe()} and {v.describe()}",
                         call.func_span)
    fit("dot", u, v, call.func_span, why="they must have the same size")
    ut = T("transpose", (u,), u.cols, u.rows, call.span)
    return scalar("mul", ut, v, span=call.span, text=call_text(typer, call))


def _is_zero(node) -> bool:
    return isinstance(node, ast.Number) and float(node.text) == 0


def binary(f):
    """max(u, v), min(u, v) elementwise (a scalar operand is expanded); max(0, u) = relu(u).
    One operand: max(x), min(x), the largest or smallest entry (of a scalar, itself)."""
    def typed(typer, call, args):
        extreme = EXTREME_BY_SPELLING[f.spelling]
        if len(args) == 1:
            x = args[0]
            return x if x.is_scalar else scalar(extreme.name, x, span=call.span,
                                                text=call_text(typer, call))
        if len(args) != 2:
            raise ParseError(f"{call.func} takes 1 or 2 arguments ({call.func}(x), the "
                             f"{extreme.which} entry, or {call.func}(u, v), {f.meaning}), got "
                             f"{len(args)}", call.func_span)
        for zero, other in ((0, 1), (1, 0)):
            if f.name == "maximum" and _is_zero(call.args[zero]):
                return like("relu", args[other], args[other], span=call.span,
                            text=call_text(typer, call))
        u, v = typer.broadcast(*args)
        fit(f.spelling, u, v, call.func_span, why="they must have the same shape")
        return like(f.name, u, u, v, span=call.span, text=call_text(typer, call))
    return typed

