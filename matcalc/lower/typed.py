"""The typed intermediate tree: what each piece of the program means, with sizes still open.

A `T` node names a core operator (or a core builder such as `sub`), its arguments, attributes,
and its shape as two `SizeVar`s; `span` points at the source for error messages. Once typing has
unified every size, `to_core` builds the interned core expression with concrete `Dim`s.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any

from ..core import build as b
from ..core.expr import Expr
from ..core.rebuild import DECLARED_BUILDERS
from ..errors import ShapeError, Span
from ..shapes import Shape
from .dims import SizeVar, one, unify


class T:
    __slots__ = ("op", "args", "attrs", "rows", "cols", "span", "text")

    def __init__(self, op: str, args: tuple[T, ...], rows: SizeVar, cols: SizeVar,
                 span: Span | None, text: str = "", **attrs: Any):
        self.op, self.args, self.attrs = op, args, attrs
        self.rows, self.cols, self.span, self.text = rows, cols, span, text

    @property
    def is_scalar(self) -> bool:
        """Both sizes are the unit: a vector(1) or a matrix(1,1), 1 × 1 too, is no scalar."""
        return self.rows.unit and self.cols.unit

    @property
    def is_vector(self) -> bool:
        return self.cols.unit and not self.rows.unit

    @property
    def kind(self) -> str:
        """'scalar', 'vector' (a column) or 'matrix' (a row vector too), whatever its sizes."""
        return "scalar" if self.is_scalar else "vector" if self.is_vector else "matrix"

    def describe(self) -> str:
        if self.is_scalar:
            kind = "scalar"
        elif self.is_vector:
            kind = f"vector of size {self.rows.label()}"
        else:
            kind = f"matrix {self.rows.label()}×{self.cols.label()}"
        return f"{self.text} ({kind})" if self.text else kind

    def shape(self) -> Shape:
        return Shape(self.rows.resolved(), self.cols.resolved())


def scalar(op: str, *args: T, span: Span | None = None, text: str = "", **attrs) -> T:
    return T(op, args, one(), one(), span, text, **attrs)


def like(op: str, model: T, *args: T, span: Span | None = None, text: str = "", **attrs) -> T:
    return T(op, args, model.rows, model.cols, span, text, **attrs)


def fit(title: str, a: T, b_: T, span: Span | None, rows: bool = True, cols: bool = True,
        why: str = "") -> None:
    """Unify the shapes of a and b (rows and/or columns) or raise a ShapeError naming both."""
    before = f"{a.describe()} and {b_.describe()}"
    ok = (not rows or unify(a.rows, b_.rows)) and (not cols or unify(a.cols, b_.cols))
    if not ok:
        raise ShapeError(f"{title}: {before} do not fit"
                         + (f" ({why})" if why else ""), span)


# -- from the typed tree to core expressions ---------------------------------------------------

def _leaf(t: T, args) -> Expr:
    shape = t.shape()
    if t.op == "var":
        return b.var(t.attrs["name"], shape, t.attrs["structure"])
    if t.op == "identity":
        return b.identity(shape.rows)
    return b.ones(shape.rows)


BUILD = {
    "var": _leaf, "identity": _leaf, "ones": _leaf,
    "const": lambda t, a: b.const(Fraction(t.attrs["value"])),
    "expand": lambda t, a: b.expand(a[0], t.shape()),
    "add": lambda t, a: b.add(*a), "sub": lambda t, a: b.sub(*a),
    "neg": lambda t, a: b.neg(a[0]), "mul": lambda t, a: b.mul(*a),
    "hadamard": lambda t, a: b.hadamard(*a),
    "pow": lambda t, a: b.power(*a), "recip": lambda t, a: b.inverse_of(a[0]),
    "transpose": lambda t, a: b.transpose(a[0]),
    **DECLARED_BUILDERS,  # (a typed node and its operands, as rebuild's node and operands)
    "zero": lambda t, a: b.zero(t.shape()), "unvec": lambda t, a: b.unvec(a[0], t.shape()),
    "commutation": lambda t, a: b.commutation(t.attrs["m"].resolved(), t.attrs["n"].resolved()),
    "dim": lambda t, a: b.dim(t.attrs["size"].resolved()),
}


def to_core(root: T, memo: dict[int, Expr]) -> Expr:
    """The core expression of `root` (shared subtrees built once: bindings make a DAG)."""
    stack = [root]
    while stack:
        t = stack[-1]
        pending = [a for a in t.args if id(a) not in memo]
        if pending:
            stack.extend(pending)
            continue
        stack.pop()
        if id(t) not in memo:
            args = tuple(memo[id(a)] for a in t.args)
            build = BUILD.get(t.op)
            memo[id(t)] = build(t, args) if build else b.apply(t.op, *args, **t.attrs)
    return memo[id(root)]
