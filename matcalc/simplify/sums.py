"""Rules on sums and signs: common factors, a leading minus moved into a difference, numbers
distributed, products expanded when that is shorter."""
from __future__ import annotations

from collections import Counter
from fractions import Fraction
from functools import reduce
from math import gcd

from ..core import build as b
from ..core.expr import Expr, postorder
from ..core.linear_ops import LINEAR_OPS
from ..core.rebuild import rebuild
from ..core.transpose import transposed
from .length import expression_length


def _factor(node: Expr, side: int) -> Expr | None:
    """A B + A C + D = A (B + C) + D (side 0) or B A + C A + D = (B + C) A + D (side -1), A a
    matrix factor of the most terms (at least two; D: the terms without it)."""
    parts = [b.matmul_chain(t) for t in node.args]
    ends = Counter(chain[side] for _, chain in parts if chain)
    if not ends:
        return None
    common, count = ends.most_common(1)[0]
    together = [(s, chain) for s, chain in parts if chain and chain[side] is common]
    if count < 2 or all(len(chain) == 1 for _, chain in together):
        return None
    n = common.shape.cols if side == 0 else common.shape.rows
    rests = [b.mul(*s, *(chain[1:] if side == 0 else chain[:-1]) or [b.identity(n)])
             for s, chain in together]
    inner = b.add(*rests)
    others = [t for t, (_, chain) in zip(node.args, parts)
              if not chain or chain[side] is not common]
    return b.add(b.mul(common, inner) if side == 0 else b.mul(inner, common), *others)


def _negative_terms(e: Expr) -> int:
    return sum(1 for t in e.args if b.split_coeff(t)[0] < 0)


_LINEAR_PATH = {"transpose", "mul", "hadamard",
                *(op.name for op in LINEAR_OPS.values() if op.arity == 1)}


def _repeated_sum(e: Expr) -> bool:
    sums = [f.arg if f.op == "transpose" else f for f in e.args] if e.op == "mul" else []
    sums = [f for f in sums if f.op == "add"]
    return len(sums) != len(set(sums))


NEGATION_DEPTH = 12  # how deep below a product a difference to negate is looked for


def _negated_inside(e: Expr, memo: dict[Expr, Expr | None], depth: int = 0) -> Expr | None:
    """−e written by negating one difference reached through linear positions, or None.
    Under an elementwise product only a difference that is itself a factor is negated,
    u ⊙ (a − b): one further inside, P ⊙ ((P V − T) Vᵀ), is mostly shared with another term
    (P ⊙ (U − (P ⊙ U) 𝟏 𝟏ᵀ), U = (P V − T) Vᵀ, whose second term would show T − P V)."""
    if e in memo:
        return memo[e]
    out = None
    if e.op == "add":
        flipped = b.add(*(b.neg(t) for t in e.args))
        out = flipped if _negative_terms(flipped) <= _negative_terms(e) else None
    elif e.op in _LINEAR_PATH and depth < NEGATION_DEPTH:
        for i, a in enumerate(e.args):
            if a.op == "const" or (e.op == "hadamard" and a.op != "add"):
                continue
            inner = _negated_inside(a, memo, depth + 1)
            if inner is not None:
                out = rebuild(e, (*e.args[:i], inner, *e.args[i + 1:]))
                break
    memo[e] = out
    return out


def negate_difference(node: Expr) -> Expr | None:
    """−c F(a − b) = c F(b − a) for F linear in the difference: the leading minus goes inside
    (not when the difference appears twice, as in −(x − μ)(x − μ)ᵀ, whose symmetry shows)."""
    coeff, rest = b.split_coeff(node)
    if coeff >= 0 or _repeated_sum(rest):
        return None
    inner = _negated_inside(rest, {})
    return None if inner is None else b.scale(-coeff, inner)


def distribute_number(node: Expr) -> Expr | None:
    """c (a + d x) = c a + c d x when that is not longer (only integers are distributed)."""
    if len(node.args) != 2 or node.args[0].op != "const" or node.args[1].op != "add" \
            or node.args[0].attr("value").denominator != 1:
        return None
    c, total = node.args
    bare = sum(1 for t in total.args if b.split_coeff(t)[0] in (1, -1) and t.op != "const")
    if bare > 2:
        return None
    return b.add(*(b.mul(c, t) for t in total.args))


def factor_left(node: Expr) -> Expr | None:
    return _factor(node, 0)


def factor_right(node: Expr) -> Expr | None:
    return _factor(node, -1)


def factor_hadamard(node: Expr) -> Expr | None:
    """A ⊙ B + A ⊙ C = A ⊙ (B + C), A an elementwise factor of every term; kept only when
    strictly shorter (P ⊙ G − P ⊙ ((P ⊙ G) 𝟏 𝟏ᵀ) = P ⊙ (G − (P ⊙ G) 𝟏 𝟏ᵀ), the softmax
    adjoint), so that it never undoes the expansion of expand-products."""
    parts = [b.split_coeff(t) for t in node.args]
    if any(rest.op != "hadamard" for _, rest in parts):
        return None
    common = next((f for f in parts[0][1].args
                   if all(f in rest.args for _, rest in parts[1:])), None)
    if common is None:
        return None
    rests = []
    for coeff, rest in parts:
        others = list(rest.args)
        others.remove(common)
        rests.append(b.scale(coeff, b.hadamard(*others)))
    out = b.hadamard(common, b.add(*rests))
    return out if expression_length(out) < expression_length(node) else None


EXPANSION_STEPS = 64  # products multiplied out per sum at most: an expansion may only shorten


class _TooLong(Exception):
    pass


def _distributed(e: Expr, budget: list[int]) -> Expr:
    """e with products (matrix, elementwise, scalar) multiplied out over the sums among their
    factors, and transposes of sums pushed inside; raises _TooLong past `budget` steps (the
    product of L sums has 2^L terms: in a deep chain the expansion is never the shorter)."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooLong
    coeff, rest = b.split_coeff(e)
    if rest.op == "transpose" and rest.arg.op in ("add", "mul"):
        inner = _distributed(rest.arg, budget)
        parts = inner.args if inner.op == "add" else (inner,)
        return b.scale(coeff, b.add(*(transposed(t) for t in parts)))
    if rest.op not in ("hadamard", "mul"):
        return e
    build = b.hadamard if rest.op == "hadamard" else b.mul
    for i, factor in enumerate(rest.args):
        if factor.op == "add":
            before, after = rest.args[:i], rest.args[i + 1:]
            return b.scale(coeff, b.add(*(_distributed(build(*before, t, *after), budget)
                                          for t in factor.args)))
    return e



def expand_products(node: Expr) -> Expr | None:
    """y ⊙ (1 − s) − (1 − y) ⊙ s = y − s: multiply out, let like terms cancel and common
    factors come out again (kept only when the result is shorter). A symmetric rank-two term
    g yᵀ + y gᵀ (g a sum) is left as written: multiplied out it repeats g's terms in two
    orientations, which the count on the tree would take for two copies (a where clause
    prints g once)."""
    if _symmetric_pair(node):
        return None
    budget = [EXPANSION_STEPS]
    try:
        expanded = b.add(*(_distributed(t, budget) for t in node.args))
    except _TooLong:
        return None
    return None if expanded is node else expanded


def _negative_powers(term: Expr) -> dict[Expr, Fraction]:
    """base -> k for each factor base^(−k) (k > 0 a number, base a scalar) of a scalar term
    (not an entrywise power x.^−k of a vector inside an inner product)."""
    factors = term.args if term.op == "mul" else (term,)
    return {f.args[0]: -f.args[1].attr("value") for f in factors
            if f.op == "pow" and f.args[0].is_scalar and f.args[1].op == "const"
            and f.args[1].attr("value") < 0}


def _summands(e: Expr) -> list[Expr]:
    """e's terms, a number multiplied into a sum it scales: 2 (x² − x) is 2 x², −2 x."""
    c, rest = b.split_coeff(e)
    if rest.op == "add":
        return [t for r in rest.args for t in _summands(b.scale(c, r))]
    return [e]


def common_denominator(node: Expr) -> Expr | None:
    """1 / u − 2 x² / u² = (u − 2 x²) / u², u = x² + 1, multiplied out: (1 − x²) / (x² + 1)²:
    scalar terms over different integer powers of one base brought over its highest power,
    the numerator expanded so that like terms cancel (kept only when the result is shorter)."""
    if not node.is_scalar:
        return None
    powers = [_negative_powers(t) for t in node.args]
    for base in powers[0]:
        ks = [p.get(base) for p in powers]
        if None in ks or len(set(ks)) == 1 or any(k.denominator != 1 for k in ks):
            continue
        top = b.const(max(ks))
        budget = [EXPANSION_STEPS]
        try:
            numerator = b.add(*(t for term in node.args for t in _summands(
                _distributed(b.mul(term, b.power(base, top)), budget))))
        except _TooLong:
            continue
        return b.mul(numerator, b.power(base, b.const(-max(ks))))
    return None


def _flipped(product: Expr) -> Expr:
    """vᵀ Aᵀ u for the 1 × 1 product uᵀ A v: its chain reversed, each factor transposed."""
    return b.mul(*(b.transpose(f) for f in reversed(product.args)))


def _is_inner(f: Expr) -> bool:
    """f a 1 × 1 product of matrices and vectors (uᵀ v, uᵀ A v), no scalar among them."""
    return f.op == "mul" and not any(a.is_scalar for a in f.args)


def inner_product_transpose(node: Expr) -> Expr | None:
    """(wᵀ x) wᵀ + (xᵀ w) wᵀ = 2 (wᵀ x) wᵀ: a 1 × 1 product written as the transpose of one
    an earlier term has (uᵀ v = vᵀ u, uᵀ A v = vᵀ Aᵀ u) is written as that one, so that like
    terms combine (kept only when the result is shorter)."""
    seen: set[Expr] = set()
    terms, changed = [], False
    for term in node.args:
        scalars, chain = b.matmul_chain(term)
        written = []
        for f in scalars:
            flipped = _flipped(f) if _is_inner(f) else f
            if flipped is not f and f not in seen and flipped in seen:
                f, changed = flipped, True
            seen.add(f)
            written.append(f)
        terms.append(b.mul(*written, *chain))
    return b.add(*terms) if changed else None


def _sides(f: Expr) -> tuple[Expr, Expr] | None:
    """(u, v) for a 1 × 1 product f = uᵀ v of column vectors; else None."""
    if _is_inner(f) and len(f.args) == 2 and f.args[0].op == "transpose":
        return f.args[0].arg, f.args[1]
    return None


def _partner(f: Expr, x: Expr) -> Expr | None:
    """u for a 1 × 1 product f = uᵀ x or xᵀ u of column vectors; else None."""
    sides = _sides(f)
    if sides is None or x not in sides:
        return None
    return sides[1] if sides[0] is x else sides[0]


def _contains(e: Expr, x: Expr) -> bool:
    return any(n is x for n in postorder(e))


def inner_product_factor(node: Expr) -> Expr | None:
    """(aᵀ x) bᵀ + (xᵀ b) aᵀ = xᵀ (a bᵀ + b aᵀ), and (aᵀ x) b + (xᵀ b) a = (b aᵀ + a bᵀ) x:
    a vector x in an inner product of every term of a row (column) vector comes out on the
    left (right), each uᵀ x = xᵀ u written into its term's chain, where x is then in no other
    factor of any term (kept only when shorter)."""
    rows, cols = node.shape.rows, node.shape.cols
    row = rows.is_one and not cols.is_one
    if not row and not (cols.is_one and not rows.is_one):
        return None
    parts = [(list(scalars), chain) for scalars, chain in map(b.matmul_chain, node.args)]
    candidates = {x for f in parts[0][0] for x in (_sides(f) or ())}
    for x in sorted(candidates, key=lambda v: v.key):
        rests = []
        for scalars, chain in parts:
            found = next(((i, u) for i, f in enumerate(scalars)
                          for u in [_partner(f, x)] if u is not None), None)
            if found is None:
                break
            i, u = found
            others = scalars[:i] + scalars[i + 1:]
            rest = b.mul(*others, u, *chain) if row else b.mul(*others, *chain, b.transpose(u))
            if _contains(rest, x):  # (xᵀ x) aᵀ + 2 (xᵀ a) xᵀ stays as written
                break
            rests.append(rest)
        else:
            inner = b.add(*rests)
            return b.mul(b.transpose(x), inner) if row else b.mul(inner, x)
    return None


def _outer(term: Expr) -> tuple[tuple, Expr, Expr] | None:
    """(scalar factors, g, h) for term = c g hᵀ, g and h column vectors; else None."""
    scalars, chain = b.matmul_chain(term)
    if len(chain) == 2 and chain[0].shape.is_vector and chain[1].op == "transpose" and \
            chain[1].arg.shape.is_vector and chain[0].shape.cols.is_one:
        return tuple(scalars), chain[0], chain[1].arg
    return None


def _symmetric_pair(node: Expr) -> bool:
    """node, or a sum that is a term of it (times scalars), has terms c g yᵀ and c y gᵀ,
    g ≠ y, one of them a sum."""
    chains = (b.matmul_chain(t)[1] for t in node.args)
    return any(_has_symmetric_pair(s) for s in (node, *(c[0] for c in chains
                                                      if len(c) == 1 and c[0].op == "add")))


def _has_symmetric_pair(node: Expr) -> bool:
    outers = {o for o in map(_outer, node.args) if o is not None}
    return any(g is not y and "add" in (g.op, y.op) and (c, y, g) in outers
               for c, g, y in outers)


def transposes_of_sum(node: Expr) -> Expr | None:
    """Aᵀ + Bᵀ = (A + B)ᵀ, kept when the sum inside then simplifies to something shorter."""
    parts = [b.split_coeff(t) for t in node.args]
    if not all(rest.op == "transpose" for _, rest in parts):
        return None
    return b.transpose(b.add(*(b.scale(c, rest.arg) for c, rest in parts)))


def factor_scalars(node: Expr) -> Expr | None:
    """x^x log(x) + x^x = x^x (log(x) + 1), and a B / q − 2 a C / q = a (B − 2 C) / q: scalar
    factors common to every term come out; else terms with equal scalar factors (numbers aside)
    are gathered under them."""
    parts = [b.matmul_chain(t) for t in node.args]
    common = [f for f in parts[0][0] if f.op != "const"
              and all(any(g is f for g in scalars) for scalars, _ in parts[1:])]
    if common:
        rests = [b.mul(*[g for g in scalars if all(g is not f for f in common)], *chain)
                 for scalars, chain in parts]
        return b.mul(*common, b.add(*rests))
    groups: dict[tuple, list[Expr]] = {}
    for scalars, chain in parts:
        key = tuple(f for f in scalars if f.op != "const")
        if key:
            numbers = [f for f in scalars if f.op == "const"]
            groups.setdefault(key, []).append(b.mul(*numbers, *chain))
    gathered = {key: chains for key, chains in groups.items() if len(chains) > 1}
    if not gathered:
        return None
    out = [t for t, (scalars, _) in zip(node.args, parts)
           if tuple(f for f in scalars if f.op != "const") not in gathered]
    out += [b.mul(*key, b.add(*chains)) for key, chains in gathered.items()]
    return b.add(*out)


def _common_number(total: Expr) -> Fraction:
    """The largest number dividing every coefficient of a sum (negative when all are)."""
    coeffs = [b.split_coeff(t)[0] for t in total.args]
    top = reduce(gcd, (c.numerator for c in coeffs))
    bottom = reduce(lambda x, y: x * y // gcd(x, y), (c.denominator for c in coeffs))
    g = Fraction(top, bottom)
    return -g if all(c < 0 for c in coeffs) else g


def _divided(total: Expr, g: Fraction) -> Expr:
    return b.add(*(b.scale(c / g, rest) for c, rest in map(b.split_coeff, total.args)))


def common_number(node: Expr) -> Expr | None:
    """c (2 A + 2 Aᵀ) = 2 c (A + Aᵀ) and P ⊙ (2 A − 2 B) = 2 (P ⊙ (A − B)): a number common
    to the terms of a sum inside a product (matrix or elementwise) joins the product's
    coefficient."""
    build = b.hadamard if node.op == "hadamard" else b.mul
    for i, f in enumerate(node.args):
        if f.op == "add" and (g := _common_number(f)) != 1:
            return b.scale(g, build(*node.args[:i], _divided(f, g), *node.args[i + 1:]))
    return None


def number_out_of_sum(node: Expr) -> Expr | None:
    """A / 2 + Aᵀ / 2 = (A + Aᵀ) / 2 (kept when shorter)."""
    g = _common_number(node)
    return None if g == 1 else b.mul(b.const(g), _divided(node, g))
