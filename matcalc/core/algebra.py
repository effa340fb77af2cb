"""Smart constructors of sums and products, which build each other (a sum's terms are
numbers times products; like powers in a product add their exponents): the sum (like terms
combined), the matrix product (scalars gathered in front, like powers and inverses combined:
those of a matrix by core/matrix_power_chains.py), the elementwise product and power, and the
Kronecker product. Import them through core.build.
"""
from __future__ import annotations

from fractions import Fraction

from ..errors import UnsupportedError
from ..shapes import Dim, Shape
from .constants import CONSTANTS
from .expr import Expr, mk, natural
from .leaves import MAX_CONST_BITS, const, expand, identity, is_zero, ones, zero
from .matrix_power_chains import combine_powers
from .ops import _mul_shape, _same

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


def dim(size: Dim) -> Expr:
    if not size.symbols:
        return const(size.coeff)
    return mul(const(size.coeff), *(mk("dim", size=Dim.of(s)) for s in size.symbols))


# -- products -------------------------------------------------------------------------------

HALF = Fraction(1, 2)


def power_parts(e: Expr) -> tuple[Expr, Fraction | Expr]:
    """(base, exponent) of e, the exponent a number when it is one: x² is (x, 2), √u is
    (u, 1/2), x^(k−1) is (x, k − 1)."""
    if e.op == "sqrt":
        return e.arg, HALF
    if e.op == "pow":
        base, exponent = e.args
        p = exponent.attr("value") if exponent.op == "const" else exponent
        if base.op == "sqrt" and not isinstance(p, Expr):
            return base.arg, p / 2
        return base, p
    return e, UNIT


def _add_exponents(p, q, shape):
    """p + q for the exponents of one base (numbers, or expressions: a number is expanded to
    an exponent of the base's `shape`, x ⊙ x.^y = x.^(y + 1))."""
    if isinstance(p, Expr) or isinstance(q, Expr):
        def term(e):
            if not isinstance(e, Expr):
                e = const(e)
            return expand(e, shape) if e.is_scalar and any(
                isinstance(t, Expr) and not t.is_scalar for t in (p, q)) else e
        return add(term(p), term(q))
    return p + q


def _merge_powers(factors: list[Expr], combine) -> tuple[Fraction, list[Expr]]:
    """Combine like bases (x · x² = x³, x · x^(k−1) = xᵏ, u / √u = √u); returns the folded
    numeric factor and the remaining factors, numbers and powers of variables first."""
    exponents: dict[Expr, Fraction | Expr] = {}
    coeff, out = UNIT, []
    for f in factors:
        base, p = power_parts(f)
        exponents[base] = _add_exponents(exponents[base], p, base.shape) if base in exponents \
            else p
    for base, p in _merged_roots(exponents).items():
        if isinstance(p, Expr) and p.op == "const":
            p = p.attr("value")
        if not isinstance(p, Expr) and p == 0:
            continue
        e = combine(base, p if isinstance(p, Expr) else const(p))
        for g in e.args if e.op == combine.flattens and e is not base else (e,):
            if g.op == "const":
                coeff *= g.attr("value")
            else:
                out.append(g)
    return coeff, sorted(out, key=factor_order)


def _positive_number(e: Expr) -> bool:
    """A positive constant: a number > 0, π, or a product of them."""
    if e.op == "mul":
        return all(_positive_number(a) for a in e.args)
    return e.op in CONSTANTS and CONSTANTS[e.op].value > 0 or \
        e.op == "const" and e.attr("value") > 0


def _merged_roots(exponents: dict) -> dict:
    """√a √b = √(a b) for positive constants a and b (√2 √π = √(2 π)), and so for any common
    power with a non-integer exponent: the roots of numbers print as one."""
    roots: dict[Fraction, list[Expr]] = {}
    for base, p in exponents.items():
        if not isinstance(p, Expr) and p.denominator != 1 and _positive_number(base):
            roots.setdefault(p, []).append(base)
    if all(len(bases) < 2 for bases in roots.values()):
        return exponents
    merged = {base: p for base, p in exponents.items() if len(roots.get(p, ())) < 2
              or base not in roots[p]}
    for p, bases in roots.items():
        if len(bases) > 1:
            merged[mul(*bases)] = p
    return merged


def factor_order(f: Expr) -> tuple:
    """Scalar factors read as in textbooks: π first (2 π a), variables and their powers before
    functions."""
    algebraic = f.op in ("var", "dim", *CONSTANTS) or \
        (f.op == "pow" and f.args[0].op in ("var", "dim"))
    return (not algebraic, f.op not in CONSTANTS, f.weight, natural(f.key))


def mul(*factors: Expr) -> Expr:
    """Product: scalar factors (coefficient first) in front, then the matrix-product chain."""
    shape = _mul_shape(factors, {})
    coeff, scalars, chain = UNIT, [], []
    for f in factors:
        if f.op == "mul" and not f.is_scalar and f.weight > FLATTEN_WEIGHT:
            f = _kept_whole(f, scalars)
            if f.op != "mul" or f.weight > FLATTEN_WEIGHT:
                chain.append(f)
                continue
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
            unit = [g for g in f.args if not g.is_scalar]
            scalars.append(mul(*_spread(unit)) if any(g.op == "expand" for g in unit)
                           else mk("mul", *unit))
    if coeff == 0 or any(is_zero(f) for f in scalars + chain):
        return zero(shape)
    if len(chain) > 1 and any(f.op == "expand" for f in chain):
        return mul(const(coeff), *scalars, *_spread(chain))
    if len(chain) > 1:
        kept = combine_powers([f for f in chain if f.op != "identity"])
        chain = kept or [identity(shape.rows)]
    folded, scalars = _merge_powers(scalars, scalar_power)
    coeff *= folded
    if len(chain) == 1 and chain[0].op == "expand" and (scalars or coeff != 1):
        return expand(mul(const(coeff), *scalars, chain[0].arg), shape)
    args = ([const(coeff)] if coeff != 1 or not (scalars or chain) else []) + scalars + chain
    return args[0] if len(args) == 1 else mk("mul", *args)


def _kept_whole(f: Expr, scalars: list[Expr]) -> Expr:
    """A heavy product inside a product stays one factor (like a heavy sum inside a sum, see
    build.add: the prefixes of a chain's product would otherwise cost its length squared); its
    scalar factors join `scalars` (the coefficient leads the outer product)."""
    inner = [g for g in f.args if g.is_scalar]
    if not inner:
        return f
    scalars.extend(inner)
    rest = [g for g in f.args if not g.is_scalar]
    return rest[0] if len(rest) == 1 else mk("mul", *rest)


def _spread(chain: list[Expr]) -> list[Expr]:
    """In a matrix product a broadcast scalar is the scalar times 𝟏 𝟏ᵀ (so 𝟏ᵀ v = sum(v)
    and the like apply to it)."""
    return [g for f in chain
            for g in ((f.arg, ones_matrix(f.shape)) if f.op == "expand" else (f,))]


def ones_matrix(shape: Shape) -> Expr:
    """The all-ones matrix 𝟏 𝟏ᵀ of `shape` (𝟏 for a vector, 1 for a scalar)."""
    cols = ones(shape.cols)
    return mul(ones(shape.rows), cols if cols.is_scalar else mk("transpose", cols))


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
        else:  # (a heavy elementwise product stays one factor, as in `mul`)
            flat = g.op == "hadamard" and g.weight <= FLATTEN_WEIGHT
            parts.extend(g.args if flat else (g,))
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
        bits = max(value.numerator.bit_length(), value.denominator.bit_length())
        if integer and bits > 1 and abs(p) * (bits - 1) > MAX_CONST_BITS:
            shown = str(value) if value.denominator == 1 else f"({value})"
            raise UnsupportedError(f"the constant power {shown}^{p} is beyond the range matcalc "
                                   f"computes exactly (numerators and denominators below 10^400)")
        if value != 0 or p > 0:
            return const(value ** int(p)) if integer else const(1)
    if base.op == "pow" and base.args[1].op == "const" and integer:
        return power(base.args[0], const(base.args[1].attr("value") * p))
    if integer and base.op == "hadamard" or integer and base.op == "mul" and sum(
            not a.is_scalar for a in base.args) <= 1:  # (c v).^p = cᵖ v.^p; (u ⊙ v).^p
        build = mul if base.op == "mul" else hadamard
        return build(*(power(a, exponent) for a in base.args))
    if base.op == "sqrt" and integer:
        return _half_power(base.arg, int(p))
    if p.denominator == 2:
        return _half_power(base, int(2 * p))
    return mk("pow", base, exponent)


def _half_power(u: Expr, k: int) -> Expr:
    """u^(k/2), written with √u when k is odd."""
    if k % 2 == 0:
        return power(u, const(k // 2))
    root = mk("sqrt", u)
    return root if k == 1 else mk("pow", root, const(k))


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


__all__ = [
    "UNIT", "FLATTEN_WEIGHT", "split_coeff", "add", "neg", "sub", "scale", "dim", "ones_matrix",
    "power_parts", "mul", "matmul_chain", "hadamard", "power", "scalar_power",
    "elementwise_power", "inverse_of", "kron",
]
