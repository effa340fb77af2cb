"""Smart constructors of leaves (constants, variables, tangents, zeros, identities, all-ones
vectors, commutation matrices) and of scalar expansion: the bottom of the constructors, which
core/algebra.py and core/structural.py build on. Import them through core.build.
"""
from __future__ import annotations

from fractions import Fraction

from ..errors import UnsupportedError
from ..shapes import Dim, Shape
from . import ops  # noqa: F401  (registers the operator specs used by mk)
from .expr import Expr, mk

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


def commutation(m: Dim, n: Dim) -> Expr:
    """K_{m,n}: K vec(A) = vec(Aᵀ) for A m × n; the identity when A is a vector."""
    return identity(m * n) if m.is_one or n.is_one else mk("commutation", m=m, n=n)


def is_zero(e: Expr) -> bool:
    return e.op == "zero" or (e.op == "const" and e.attr("value") == 0)


def is_const(e: Expr, value: int | None = None) -> bool:
    return e.op == "const" and (value is None or e.attr("value") == value)


# -- scalar expansion ------------------------------------------------------------------------

def expand(s: Expr, shape: Shape) -> Expr:
    """The scalar s broadcast to `shape` (scalar expansion)."""
    if shape.is_scalar:
        return s
    if is_zero(s):
        return zero(shape)
    return mk("expand", s, shape=shape)


def unexpanded(args: tuple[Expr, ...]) -> tuple[Expr, ...]:
    """Operands of an elementwise operator as the language writes them: a broadcast scalar
    stays a scalar when another operand has the full shape (max(-1, min(u, 1)))."""
    if all(a.op == "expand" for a in args):
        return args
    return tuple(a.arg if a.op == "expand" else a for a in args)


ONE = const(1)


__all__ = [
    "MAX_CONST_BITS", "const", "var", "tangent", "zero", "identity", "ones", "commutation",
    "is_zero", "is_const", "expand", "unexpanded", "ONE",
]
