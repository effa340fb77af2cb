"""Smart constructors of products: the matrix product (scalars gathered in front, like powers
and inverses combined), the elementwise product and power, and the Kronecker product.
Import them through core.build.
"""
from __future__ import annotations

from fractions import Fraction

from ..shapes import Shape
from .build import const, expand, identity, is_zero, zero
from .expr import Expr, mk
from .ops import _mul_shape, _same


def power_parts(e: Expr) -> tuple[Expr, Fraction | None]:
    """(base, numeric exponent) of e; exponent None when it is not a number."""
    if e.op == "pow" and e.args[1].op == "const":
        return e.args[0], e.args[1].attr("value")
    return e, Fraction(1)


def _merge_powers(factors: list[Expr], combine) -> tuple[Fraction, list[Expr]]:
    """Combine like bases (x · x² = x³); returns folded numeric factor and remaining factors."""
    exponents: dict[Expr, Fraction] = {}
    coeff, out = Fraction(1), []
    for f in factors:
        base, p = power_parts(f)
        exponents[base] = exponents.get(base, 0) + p
    for base, p in exponents.items():
        if p == 0:
            continue
        e = combine(base, const(p))
        for g in e.args if e.op == combine.flattens and e is not base else (e,):
            if g.op == "const":
                coeff *= g.attr("value")
            else:
                out.append(g)
    return coeff, sorted(out, key=lambda f: (f.weight, f.key))


def mul(*factors: Expr) -> Expr:
    """Product: scalar factors (coefficient first) in front, then the matrix-product chain."""
    shape = _mul_shape(factors, {})
    coeff, scalars, chain = Fraction(1), [], []
    for f in factors:
        for g in f.args if f.op == "mul" else (f,):
            if g.op == "const":
                coeff *= g.attr("value")
            elif g.is_scalar:
                scalars.append(g)
            elif f.op == "mul" and f.is_scalar:
                continue  # the 1×1 chain of a scalar factor stays one unit, added below
            else:
                chain.append(g)
        if f.op == "mul" and f.is_scalar and any(not g.is_scalar for g in f.args):
            scalars.append(mk("mul", *[g for g in f.args if not g.is_scalar]))
    if coeff == 0 or any(is_zero(f) for f in scalars + chain):
        return zero(shape)
    if len(chain) > 1:
        chain = _matrix_powers([f for f in chain if f.op != "identity"] or chain[:1])
    folded, scalars = _merge_powers(scalars, scalar_power)
    coeff *= folded
    if len(chain) == 1 and chain[0].op == "expand" and (scalars or coeff != 1):
        return expand(mul(const(coeff), *scalars, chain[0].arg), shape)
    args = ([const(coeff)] if coeff != 1 or not (scalars or chain) else []) + scalars + chain
    return args[0] if len(args) == 1 else mk("mul", *args)


def _matrix_powers(chain: list[Expr]) -> list[Expr]:
    """Adjacent powers of one square matrix combine: X X = X², X² X = X³."""
    out: list[tuple[Expr, int]] = []
    for f in chain:
        base, k = (f.arg, f.attr("k")) if f.op == "mpow" else (f, 1)
        if out and out[-1][0] is base:
            out[-1] = (base, out[-1][1] + k)
        else:
            out.append((base, k))
    return [base if k == 1 else mk("mpow", base, k=k) for base, k in out]


def matmul_chain(e: Expr) -> tuple[list[Expr], list[Expr]]:
    """(scalar factors including the coefficient, matrix chain) of a product."""
    if e.op != "mul":
        return ([e], []) if e.is_scalar else ([], [e])
    return [a for a in e.args if a.is_scalar], [a for a in e.args if not a.is_scalar]


def hadamard(*factors: Expr) -> Expr:
    """Elementwise product: scalar factors pulled out as a scaling, like powers combined."""
    scalars, parts = [], []
    shape = next((f.shape for f in factors if not f.is_scalar), None)
    for f in factors:
        if f.is_scalar:
            scalars.append(f)
            continue
        s, chain = matmul_chain(f)
        scalars += s
        g = mul(*chain) if s else f
        if g.op == "expand":
            scalars.append(g.arg)
        else:
            parts.extend(g.args if g.op == "hadamard" else (g,))
    if shape is None:
        return mul(*scalars)
    if not parts:
        return expand(mul(*scalars), shape)
    _same("⊙")(parts, {})
    if any(is_zero(p) for p in parts + scalars):
        return zero(shape)
    coeff, parts = _merge_powers(parts, elementwise_power)
    if not parts:
        return expand(mul(const(coeff), *scalars), shape)
    body = parts[0] if len(parts) == 1 else mk("hadamard", *parts)
    return mul(const(coeff), *scalars, body)


def power(base: Expr, exponent: Expr) -> Expr:
    """base .^ exponent (elementwise; an ordinary power for scalars)."""
    if exponent.op != "const":
        return mk("pow", base, exponent)
    p = exponent.attr("value")
    if p == 0:
        return expand(const(1), base.shape)
    if p == 1:
        return base
    integer = p.denominator == 1
    if base.op == "const" and (integer or base.attr("value") == 1):
        value = base.attr("value")
        if value != 0 or p > 0:
            return const(value ** int(p)) if integer else const(1)
    if base.op == "pow" and base.args[1].op == "const" and integer:
        return power(base.args[0], const(base.args[1].attr("value") * p))
    if integer and base.op in ("mul", "hadamard") and all(
            a.is_scalar or base.op == "hadamard" for a in base.args):
        build = mul if base.op == "mul" else hadamard
        return build(*(power(a, exponent) for a in base.args))
    if base.op == "sqrt" and p == 2:
        return base.arg
    return mk("pow", base, exponent)


def scalar_power(base: Expr, exponent: Expr) -> Expr:
    return power(base, exponent)


def elementwise_power(base: Expr, exponent: Expr) -> Expr:
    return power(base, exponent)


scalar_power.flattens = "mul"  # power(scalar product) may come back as a product
elementwise_power.flattens = "hadamard"


def inverse_of(e: Expr) -> Expr:
    """Elementwise reciprocal e.^-1."""
    return power(e, const(-1))


def kron(a: Expr, b: Expr) -> Expr:
    """A ⊗ B, with scalars pulled out and I ⊗ I = I."""
    if a.is_scalar or b.is_scalar:
        return mul(a, b)
    sa, ca = matmul_chain(a)
    sb, cb = matmul_chain(b)
    if sa or sb:
        return mul(*sa, *sb, kron(mul(*ca), mul(*cb)))
    shape = Shape(a.shape.rows * b.shape.rows, a.shape.cols * b.shape.cols)
    if is_zero(a) or is_zero(b):
        return zero(shape)
    if a.op == b.op == "identity":
        return identity(shape.rows)
    return mk("kron", a, b)


__all__ = ["power_parts", "mul", "matmul_chain", "hadamard", "power", "scalar_power", "elementwise_power", "inverse_of", "kron"]
