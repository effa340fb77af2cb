"""Smart constructors: the only builders the rest of matcalc uses.

Each validates shapes (through `mk`) and applies only local, always-beneficial canonicalisation:
flattening of sums and products, numeric coefficients folded and gathered in front, exact zeros
and identities dropped, like terms and like powers combined, commutative operands sorted.
Non-local rewrites (factoring, diag identities, ...) are the simplifier's (simplify/rules.py).
"""
from __future__ import annotations

from fractions import Fraction

from ..shapes import Dim, Shape
from . import ops  # noqa: F401  (registers the operator specs used by mk)
from .expr import Expr, mk
from .ops import _mul_shape, _same

# -- leaves ----------------------------------------------------------------------------------

def const(value: int | Fraction) -> Expr:
    return mk("const", value=Fraction(value))


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

def split_coeff(e: Expr) -> tuple[Fraction, Expr]:
    """e = c · rest with c the numeric coefficient (rest is 1 for a constant)."""
    if e.op == "const":
        return e.attr("value"), const(1)
    if e.op == "mul" and e.args[0].op == "const":
        return e.args[0].attr("value"), mul(*e.args[1:])
    if e.op == "expand":
        c, rest = split_coeff(e.arg)
        return c, expand(rest, e.shape)
    return Fraction(1), e


def add(*terms: Expr) -> Expr:
    """Sum: flattened, zeros dropped, like terms combined, ordered: positive terms first, then
    larger before smaller, constants last."""
    shape = _same("+")(terms, {})
    groups: dict[Expr, Fraction] = {}
    for term in terms:
        for t in term.args if term.op == "add" else (term,):
            if not is_zero(t):
                c, rest = split_coeff(t)
                groups[rest] = groups.get(rest, 0) + c
    items = sorted(((c, r) for r, c in groups.items() if c != 0),
                   key=lambda cr: (cr[0] < 0, cr[1].op == "const", -cr[1].weight, cr[1].key))
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


# -- products --------------------------------------------------------------------------------

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


# -- structural and linear operators ---------------------------------------------------------

def transpose(e: Expr) -> Expr:
    """eᵀ: involution; symmetric leaves and scalars unchanged; scalar factors pulled out."""
    if e.op == "transpose":
        return e.arg
    if e.is_scalar or e.op in ("identity", "diag") or e.attr("structure") in ("symmetric", "spd"):
        return e
    if e.op in ("zero", "expand"):
        return zero(e.shape.T) if e.op == "zero" else expand(e.arg, e.shape.T)
    if e.op == "commutation":
        return commutation(e.attr("n"), e.attr("m"))
    scalars, chain = matmul_chain(e)
    if scalars and len(chain) == 1:
        return mul(*scalars, transpose(chain[0]))
    return mk("transpose", e)


def _pull_scalars(op_builder, e: Expr) -> Expr | None:
    """op(c · X) = c · op(X) for a linear op; None when e has no scalar factor."""
    scalars, chain = matmul_chain(e)
    if e.op == "mul" and scalars and chain:
        return mul(*scalars, op_builder(mul(*chain)))
    return None


def expand(s: Expr, shape: Shape) -> Expr:
    """The scalar s broadcast to `shape` (scalar expansion)."""
    if shape.is_scalar:
        return s
    if is_zero(s):
        return zero(shape)
    return mk("expand", s, shape=shape)


def reduce_sum(e: Expr) -> Expr:
    if e.is_scalar:
        return e
    if is_zero(e):
        return const(0)
    if e.op == "ones":
        return dim(e.attr("n"))
    if e.op == "expand":
        return mul(dim(e.shape.size), e.arg)
    return _pull_scalars(reduce_sum, e) or mk("sum", e)


def mean(e: Expr) -> Expr:
    if e.is_scalar:
        return e
    if e.op == "expand":
        return e.arg
    return _pull_scalars(mean, e) or (const(0) if is_zero(e) else mk("mean", e))


def trace(e: Expr) -> Expr:
    if e.is_scalar:
        return e
    if e.op == "identity":
        return dim(e.attr("n"))
    if is_zero(e):
        return const(0)
    return _pull_scalars(trace, e) or mk("tr", e)


def vec(e: Expr) -> Expr:
    if e.shape.cols.is_one:
        return e
    if e.op == "unvec":
        return e.arg
    if is_zero(e):
        return zero(Shape(e.shape.size, Dim.of(1)))
    return _pull_scalars(vec, e) or mk("vec", e)


def unvec(v: Expr, shape: Shape) -> Expr:
    """The matrix of `shape` whose column-major vec is the vector v (vec⁻¹)."""
    if shape.cols.is_one:
        return v
    if v.op == "vec" and v.arg.shape == shape:
        return v.arg
    if is_zero(v):
        return zero(shape)
    return _pull_scalars(lambda u: unvec(u, shape), v) or mk("unvec", v, shape=shape)


def diag(v: Expr) -> Expr:
    """The diagonal matrix with the vector v on its diagonal."""
    if v.is_scalar:
        return v
    if is_zero(v):
        return zero(Shape(v.shape.rows, v.shape.rows))
    if v.op == "ones":
        return identity(v.attr("n"))
    return _pull_scalars(diag, v) or mk("diag", v)


def diagpart(m: Expr) -> Expr:
    """The vector of the diagonal entries of a square matrix."""
    if m.is_scalar or m.op == "diag":
        return m if m.is_scalar else m.arg
    if m.op == "identity":
        return ones(m.attr("n"))
    if is_zero(m):
        return zero(Shape(m.shape.rows, Dim.of(1)))
    return _pull_scalars(diagpart, m) or mk("diagpart", m)


def inv(e: Expr) -> Expr:
    if e.is_scalar:
        return inverse_of(e)
    if e.op in ("inv", "identity"):
        return e.arg if e.op == "inv" else e
    scalars, chain = matmul_chain(e)
    if e.op == "mul" and scalars and chain:
        return mul(*(inverse_of(s) for s in scalars), inv(mul(*chain)))
    return mk("inv", e)


_ZERO_AT_ZERO = {"sin", "tan", "tanh", "relu", "abs", "sign", "sqrt"}


def apply(fn: str, *args: Expr, **attrs) -> Expr:
    """A function node (elementwise, reduction or matrix function) by its op name."""
    if len(args) == 1 and fn in _ZERO_AT_ZERO and is_zero(args[0]):
        return args[0]
    if fn == "log" and args[0].op == "softmax":  # one node, differentiated and computed stably
        return mk("logsoftmax", args[0].arg)
    return mk(fn, *args, **attrs)


ONE = const(1)


def ones_matrix(shape: Shape) -> Expr:
    """The all-ones matrix 𝟏 𝟏ᵀ of `shape` (𝟏 for a vector, 1 for a scalar)."""
    return mul(ones(shape.rows), transpose(ones(shape.cols)))
