"""Smart constructors: the only builders the rest of matcalc uses.

Each validates shapes (through `mk`) and applies only local, always-beneficial canonicalisation:
flattening of sums and products, numeric coefficients folded and gathered in front, exact zeros
and identities dropped, like terms and like powers combined, commutative operands sorted.
Non-local rewrites (factoring, diag identities, ...) are the simplifier's (simplify/rules.py).
This module holds leaves, sums and scalar expansion, and re-exports the products
(core/products.py) and the structural operators (core/structural.py): import them from here.
"""
from __future__ import annotations

from fractions import Fraction

from ..errors import UnsupportedError
from ..shapes import Dim, Shape
from . import ops  # noqa: F401  (registers the operator specs used by mk)
from .expr import Expr, mk, natural
from .ops import _same

# -- leaves ----------------------------------------------------------------------------------

MAX_CONST_BITS = 1330  # exact constants: |numerator| and denominator below about 10^400


# Small constants (0, 1, -1, 2, 1/2, ...) are built thousands of times a derivation: kept here
# (a few hundred at most, so distinct derivations do not make memory grow).
_COMMON: dict[Fraction, Expr] = {}


def const(value: int | Fraction) -> Expr:
    node = _COMMON.get(value)
    if node is not None:
        return node
    value = Fraction(value)
    if max(value.numerator.bit_length(), value.denominator.bit_length()) > MAX_CONST_BITS:
        raise UnsupportedError("a constant of the expression is beyond the range matcalc "
                               "computes exactly (numerators and denominators below 10^400)")
    node = mk("const", value=value)
    if abs(value.numerator) <= 16 and value.denominator <= 8:
        _COMMON[value] = node
    return node


def var(name: str, shape: Shape, structure: str = "general") -> Expr:
    return mk("var", name=name, shape=shape, structure=structure)


def tangent(name: str, shape: Shape) -> Expr:
    """The differential d(name) of a variable: the leaf derivatives are linear in."""
    return mk("tangent", name=name, shape=shape)


def zero(shape: Shape) -> Expr:
    return const(0) if shape.is_scalar else mk("zero", shape=shape)


def identity(n: Dim) -> Expr:
    return const(1) if n.is_one else mk("identity", n=n)


def ones(n: Dim) -> Expr:
    return const(1) if n.is_one else mk("ones", n=n)


def dim(size: Dim) -> Expr:
    if not size.symbols:
        return const(size.coeff)
    return mul(const(size.coeff), *(mk("dim", size=Dim.of(s)) for s in size.symbols))


def commutation(m: Dim, n: Dim) -> Expr:
    """K_{m,n}: K vec(A) = vec(Aᵀ) for A m × n; the identity when A is a vector."""
    return identity(m * n) if m.is_one or n.is_one else mk("commutation", m=m, n=n)


def is_zero(e: Expr) -> bool:
    return e.op == "zero" or (e.op == "const" and e.attr("value") == 0)


def is_const(e: Expr, value: int | None = None) -> bool:
    return e.op == "const" and (value is None or e.attr("value") == value)


# -- sums ------------------------------------------------------------------------------------

UNIT = Fraction(1)  # the coefficient 1, built once (Fractions are immutable)


def split_coeff(e: Expr) -> tuple[Fraction, Expr]:
    """e = c · rest with c the numeric coefficient (rest is 1 for a constant). A product's
    factors after its coefficient are already in `mul`'s order, so rest is built as they are."""
    if e.op == "const":
        return e.attr("value"), const(1)
    if e.op == "mul" and e.args[0].op == "const":
        rest = e.args[1:]
        return e.args[0].attr("value"), rest[0] if len(rest) == 1 else mk("mul", *rest)
    if e.op == "expand":
        c, rest = split_coeff(e.arg)
        return c, expand(rest, e.shape)
    return UNIT, e


FLATTEN_WEIGHT = 200  # a heavier sum inside a sum stays one term (see `add`)


def add(*terms: Expr) -> Expr:
    """Sum: flattened, zeros dropped, like terms combined, ordered: positive terms first, then
    larger before smaller, constants last, then in the natural order of their structural keys
    (W2 x before W10 x). A sum whose printed tree is heavy (FLATTEN_WEIGHT: in practice one
    that shares subexpressions, y₂ = sin(y₁) + y₁) stays one term: flattening every
    y_k = sin(y_{k-1}) + y_{k-1} would give y_L L terms, quadratic in a chain's length."""
    shape = _same("+")(terms, {})
    groups: dict[Expr, Fraction] = {}
    for term in terms:
        flat = term.op == "add" and term.weight <= FLATTEN_WEIGHT
        for t in term.args if flat else (term,):
            if not is_zero(t):
                c, rest = split_coeff(t)
                groups[rest] = groups.get(rest, 0) + c
    items = sorted(((c, r) for r, c in groups.items() if c != 0),
                   key=lambda cr: (cr[0] < 0, cr[1].op == "const", -cr[1].weight,
                                   natural(cr[1].key)))
    parts = [scale(c, r) for c, r in items]
    if not parts:
        return zero(shape)
    return parts[0] if len(parts) == 1 else mk("add", *parts)


def neg(e: Expr) -> Expr:
    return scale(-1, e)


def sub(a: Expr, b: Expr) -> Expr:
    return add(a, neg(b))


def scale(c: Fraction | int, e: Expr) -> Expr:
    return mul(const(c), e) if c != 1 else e


# -- scalar expansion ------------------------------------------------------------------------

def expand(s: Expr, shape: Shape) -> Expr:
    """The scalar s broadcast to `shape` (scalar expansion)."""
    if shape.is_scalar:
        return s
    if is_zero(s):
        return zero(shape)
    return mk("expand", s, shape=shape)


ONE = const(1)


# Re-exported: callers use `build` for every smart constructor.
from .products import *  # noqa: E402,F401,F403,I001
from .products import mul  # noqa: E402,I001  (used above, at call time)
from .structural import *  # noqa: E402,F401,F403,I001
