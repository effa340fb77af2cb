"""Which constants print without their size: those whose neighbours imply it to a reader.

An identity, all-ones vector or zero matrix prints as I_n, 𝟏_n, 0_{m×n} unless the text
around it fixes that size when read back: a term of a sum (or of a Hadamard product) beside a
term of known shape (`A + I`), or a factor of a matrix product next to a factor of known shape
(`A I`, `W 𝟏`), through transposes, inverses and elementwise functions; what a declared
operator's printed form says of its sizes is its `sizes` facet (core/notations.py). Known here
means known from the printed text alone: variables (declared shapes) and sized constants are
known, an unsized constant is not. One pass up the DAG (what each node's own text fixes), one
pass down (what its surroundings fix); a node printed in several places prints its size unless
every place implies it.
"""
from __future__ import annotations

from ..core.constants import CONSTANTS
from ..core.elementwise import BINARY, FUNCTIONS
from ..core.expr import Expr, postorder
from ..core.extremes import INDICATORS
from ..core.notations import (
    DIAGONAL_MATRIX,
    DIAGONAL_OF_MATRIX,
    FLATTENED,
    PRODUCT_OF_SIZES,
    SQUARE_OF_ARGUMENT,
)
from ..core.ops import OPS
from ..core.vector_functions import VECTOR_FUNCTIONS

Known = tuple[bool, bool]  # (rows, columns) known
_SAME_SHAPE = {"add", "hadamard", "gt", *BINARY}
_LIKE_ARGUMENT = {*FUNCTIONS, *(f.name for f in VECTOR_FUNCTIONS.values() if not f.reduces),
                  *INDICATORS}
_ROW_COUNT = {f.name for f in VECTOR_FUNCTIONS.values() if f.reduces}  # logsumexp_rows: a column
_ALWAYS_SIZED = {"var", "tangent", "absgrad", "apply", "const", "dim", *CONSTANTS, "commutation",
                 "unvec"}
_CONSTANTS = {"identity", "ones"}
# what a declared operator's own text fixes, by its `sizes` facet, of its operands' `Known`s
_DECLARED = {
    PRODUCT_OF_SIZES: lambda args: (all(r for r, _ in args), all(c for _, c in args)),
    SQUARE_OF_ARGUMENT: lambda args: (args[0][0] or args[0][1],) * 2,
    DIAGONAL_MATRIX: lambda args: (args[0][0], args[0][0]),
    DIAGONAL_OF_MATRIX: lambda args: (args[0][0] or args[0][1], True),
    FLATTENED: lambda args: (args[0][0] and args[0][1], True),
}


def _declared(op: str) -> str:
    """The operator's `sizes` facet ("" for none)."""
    spec = OPS.get(op)
    return spec.sizes if spec is not None else ""


def _own(e: Expr, args: list[Known]) -> Known:
    """What e's own text fixes about its shape (dimensions of size 1 are always known)."""
    if e.is_scalar or e.op in _ALWAYS_SIZED:
        return True, True
    op = e.op
    if op in _CONSTANTS or op in ("zero", "expand"):
        known = (False, False)
    elif op == "transpose":
        known = args[0][::-1]
    elif op in _SAME_SHAPE:
        known = (any(r for r, _ in args), any(c for _, c in args))
    elif op == "mul":
        factors = [k for a, k in zip(e.args, args) if not a.is_scalar]
        known = (factors[0][0], factors[-1][1]) if factors else (True, True)
    elif _declared(op):
        known = _DECLARED[_declared(op)](args)
    elif op == "pow" or op in _LIKE_ARGUMENT:
        known = args[0]
    elif op in _ROW_COUNT:
        known = (args[0][0], True)
    else:
        known = (all(a[0] and a[1] for a in args),) * 2
    return known[0] or e.shape.rows.is_one, known[1] or e.shape.cols.is_one


def _around(e: Expr, outside: Known, own: dict[Expr, Known]) -> list[Known]:
    """What the text around each argument of e fixes about that argument's shape."""
    args, op = e.args, e.op
    unknown = (False, False)
    if op == "transpose":
        return [outside[::-1]]
    if op in _SAME_SHAPE:
        return [(outside[0] or any(own[s][0] for j, s in enumerate(args) if j != i),
                 outside[1] or any(own[s][1] for j, s in enumerate(args) if j != i))
                for i in range(len(args))]
    if op == "mul":
        where = [i for i, a in enumerate(args) if not a.is_scalar]
        out = [unknown] * len(args)
        for k, i in enumerate(where):
            rows = outside[0] if k == 0 else own[args[where[k - 1]]][1]
            cols = outside[1] if k == len(where) - 1 else own[args[where[k + 1]]][0]
            out[i] = (rows, cols)
        return out
    if _declared(op) == SQUARE_OF_ARGUMENT:  # a square operand: one size, either side's
        return [(outside[0] or outside[1],) * 2]
    if op == "pow":
        return [outside, unknown]
    if op in _LIKE_ARGUMENT:  # (and a parameter: layernorm's ε)
        return [outside] + [unknown] * (len(args) - 1)
    if op in _ROW_COUNT:
        return [(outside[0], False)]
    return [unknown] * len(args)


def implied_constants(expr: Expr) -> frozenset[Expr]:
    """The identity and all-ones nodes of expr that may print without a size."""
    order = list(postorder(expr))
    if not any(node.op in _CONSTANTS for node in order):
        return frozenset()
    own: dict[Expr, Known] = {}
    for node in order:
        own[node] = _own(node, [own[a] for a in node.args])
    outside: dict[Expr, Known] = {expr: (False, False)}
    for node in reversed(order):  # parents before children
        for arg, known in zip(node.args, _around(node, outside[node], own)):
            before = outside.get(arg, (True, True))
            outside[arg] = (before[0] and known[0], before[1] and known[1])
    return frozenset(node for node in order if node.op in _CONSTANTS and (
        outside[node][0] or (node.op == "identity" and outside[node][1])))
