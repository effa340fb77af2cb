"""Rules on matrix products: diag and ones vectors, Kronecker products and commutation
matrices. Each function takes a product node and returns its rewrite or None."""
from __future__ import annotations

from collections.abc import Callable

from ..core import build as b
from ..core.expr import Expr
from ..core.matrix_power_chains import MAX_MATRIX_POWER, from_power, integer_power
from ..core.transpose import transposed
from ..shapes import Shape


def _is_ones_row(e: Expr) -> bool:
    return e.op == "transpose" and e.arg.op == "ones"


def _pairwise(fn: Callable[[Expr, Expr], Expr | None]) -> Callable[[Expr], Expr | None]:
    """Lift a rule on two adjacent factors of a matrix product to the whole product."""
    def rule(node: Expr) -> Expr | None:
        scalars, chain = b.matmul_chain(node)
        for j in range(len(chain) - 1):
            out = fn(chain[j], chain[j + 1])
            if out is not None:
                return b.mul(*scalars, *chain[:j], out, *chain[j + 2:])
        return None
    return rule


# -- orthogonal variables --------------------------------------------------------------------

def _is_orthogonal(e: Expr) -> bool:
    """A variable declared orthogonal(n): its value has Qᵀ Q = I (checked where it is given)."""
    return e.op == "var" and e.attr("structure") == "orthogonal"


def _is_inverse_pair(a: Expr, c: Expr) -> bool:
    """a c is Qᵀ Q or Q Qᵀ with Q declared orthogonal(n)."""
    return a.op == "transpose" and _is_orthogonal(c) and a.arg == c or \
        _is_orthogonal(a) and c.op == "transpose" and c.arg == a


def _opened(e: Expr) -> list[Expr]:
    """The factors of e with a transposed product opened, (P Q)ᵀ = Qᵀ Pᵀ; [e] otherwise."""
    if e.op == "transpose" and e.arg.op == "mul":
        scalars, chain = b.matmul_chain(e.arg)
        return [*scalars, *(transposed(f) for f in reversed(chain))]
    return [e]


def _closed(factors: list[Expr]) -> list[Expr]:
    """The factors left of an opened transposed product, closed again: Pᵀ for P's factors."""
    return [transposed(b.mul(*(transposed(f) for f in reversed(factors))))] if factors else []


def orthogonal_product(node: Expr) -> Expr | None:
    """Qᵀ Q = Q Qᵀ = I for Q declared orthogonal(n) (square, so both), anywhere in a product,
    also at the end of a transposed product: (Q x)ᵀ Q = xᵀ Qᵀ Q = xᵀ."""
    scalars, chain = b.matmul_chain(node)
    for j in range(len(chain) - 1):
        left, right = _opened(chain[j]), _opened(chain[j + 1])
        if _is_inverse_pair(left[-1], right[0]):
            rest = [*chain[:j], *_closed(left[:-1]), *_closed(right[1:]), *chain[j + 2:]]
            return b.mul(*scalars, *(rest or [b.identity(node.shape.rows)]))
    return None


# -- powers ----------------------------------------------------------------------------------

def power_of_power(node: Expr) -> Expr | None:
    """(Xᵃ)ᵇ = Xᵃᵇ for integers a and b (a power of X⁻¹ has a negative a), up to the largest
    power matcalc differentiates, MAX_MATRIX_POWER."""
    if node.arg.op != "mpow":
        return None
    base, a = integer_power(node.arg)
    k = a * node.attr("k")
    return from_power(base, k) if abs(k) <= MAX_MATRIX_POWER else None


# -- diag and ones ---------------------------------------------------------------------------

@_pairwise
def ones_row_diag(a: Expr, c: Expr) -> Expr | None:
    return b.transpose(c.arg) if _is_ones_row(a) and c.op == "diag" else None


def diag_vector(node: Expr) -> Expr | None:
    """diag(a) B c = a ⊙ (B c) when the rest of the product is a vector; diag(a) 𝟏 = a
    anywhere in a product."""
    scalars, chain = b.matmul_chain(node)
    for j, f in enumerate(chain[:-1]):
        if f.op == "diag" and chain[j + 1].op == "ones":
            return b.mul(*scalars, *chain[:j], f.arg, *chain[j + 2:])
        if f.op == "diag" and Shape(chain[j + 1].shape.rows, chain[-1].shape.cols).is_vector:
            rest = b.mul(*chain[j + 1:])
            tail = f.arg if rest.op == "ones" else b.hadamard(f.arg, rest)
            return b.mul(*scalars, *chain[:j], tail)
    return None


@_pairwise
def diag_diag(a: Expr, c: Expr) -> Expr | None:
    return b.diag(b.hadamard(a.arg, c.arg)) if a.op == c.op == "diag" else None


@_pairwise
def ones_inner(a: Expr, c: Expr) -> Expr | None:
    return b.dim(c.attr("n")) if _is_ones_row(a) and c.op == "ones" else None


def ones_outer_hadamard(node: Expr) -> Expr | None:
    """(𝟏 𝟏ᵀ) ⊙ A = A, 𝟏 ⊙ v = v and 𝟏ᵀ ⊙ vᵀ = vᵀ."""
    def is_ones_outer(e):
        return e.op == "ones" or _is_ones_row(e) or e.op == "mul" and len(e.args) == 2 and \
            e.args[0].op == "ones" and _is_ones_row(e.args[1])
    kept = [a for a in node.args if not is_ones_outer(a)]
    shaped = any(a.shape == node.shape for a in kept)  # (not a broadcast scalar alone)
    return b.hadamard(*kept) if shaped and len(kept) < len(node.args) else None


def diag_out_of_hadamard(node: Expr) -> Expr | None:
    """(diag(d) A) ⊙ B = diag(d) (A ⊙ B) and (A diag(d)) ⊙ B = (A ⊙ B) diag(d): scaling the
    rows (columns) of one factor scales the rows (columns) of the product."""
    for i, factor in enumerate(node.args):
        scalars, chain = b.matmul_chain(factor) if factor.op == "mul" else ([], [])
        for end in (0, -1) if len(chain) >= 2 else ():
            if chain[end].op == "diag":
                rest = b.mul(*scalars, *(chain[1:] if end == 0 else chain[:-1]))
                product = b.hadamard(*node.args[:i], rest, *node.args[i + 1:])
                return b.mul(chain[0], product) if end == 0 else b.mul(product, chain[-1])
    return None


# -- Kronecker products ----------------------------------------------------------------------

@_pairwise
def kron_mixed_product(a: Expr, c: Expr) -> Expr | None:
    """(A ⊗ B)(C ⊗ D) = (A C) ⊗ (B D) when the factors conform."""
    if a.op == c.op == "kron":
        (p, q), (r, s) = a.args, c.args
        if p.shape.cols == r.shape.rows and q.shape.cols == s.shape.rows:
            return b.kron(b.mul(p, r), b.mul(q, s))
    return None


@_pairwise
def kron_commutation(a: Expr, k: Expr) -> Expr | None:
    """(A ⊗ B) K_{n,q} = K_{m,p} (B ⊗ A) for A m×n, B p×q; K_{m,p} = I when m or p is 1."""
    if a.op != "kron" or k.op != "commutation":
        return None
    p, q = a.args
    if (k.attr("m"), k.attr("n")) != (p.shape.cols, q.shape.cols):
        return None
    if not (p.shape.rows.is_one or q.shape.rows.is_one):
        return None
    return b.kron(q, p)


@_pairwise
def ones_sum(a: Expr, c: Expr) -> Expr | None:
    """𝟏ᵀ v = vᵀ 𝟏 = sum(v) (the textbook spelling; one token longer than 𝟏ᵀ v)."""
    if _is_ones_row(a) and c.shape.is_vector and c.op != "ones":
        return b.reduce_sum(c)
    if c.op == "ones" and a.op == "transpose" and a.arg.shape.is_vector and a.arg.op != "ones":
        return b.reduce_sum(a.arg)
    return None


def inverse_of_product(node: Expr) -> Expr | None:
    """(A B)⁻¹ = B⁻¹ A⁻¹ for square A, B (kept when factors then cancel: (A X)⁻¹ A = X⁻¹)."""
    scalars, chain = b.matmul_chain(node)
    for j, f in enumerate(chain):
        if f.op == "transpose" and f.arg.op == "inv":  # X⁻ᵀ = (Xᵀ)⁻¹
            f = b.mk("inv", transposed(f.arg.arg))
        if f.op == "inv" and f.arg.op == "mul":
            factors = b.matmul_chain(f.arg)[1]
            if all(g.shape.is_square for g in factors):
                spread = [b.inv(g) for g in reversed(factors)]
                return b.mul(*scalars, *chain[:j], *spread, *chain[j + 1:])
    return None


@_pairwise
def row_diag(a: Expr, c: Expr) -> Expr | None:
    """vᵀ diag(u) = (u ⊙ v)ᵀ."""
    if a.op == "transpose" and a.arg.shape.is_vector and c.op == "diag":
        return b.transpose(b.hadamard(c.arg, a.arg))
    return None


def transposed_sum_factor(node: Expr) -> Expr | None:
    """(Aᵀ − Bᵀ) C = (A − B)ᵀ C: in a product a sum's parentheses are there anyway."""
    for i, f in enumerate(node.args):
        if f.op == "add" and all(b.split_coeff(t)[1].op == "transpose" for t in f.args):
            inner = b.add(*(b.scale(c, rest.arg) for c, rest in map(b.split_coeff, f.args)))
            return b.mul(*node.args[:i], b.transpose(inner), *node.args[i + 1:])
    return None


def _kron_with_identity(e: Expr) -> Expr | None:
    """B for e = I ⊗ B, else None."""
    return e.args[1] if e.op == "kron" and e.args[0].op == "identity" else None


def _kron_through(term: Expr, common: Expr, side: int) -> Expr | None:
    """c (A ⊗ I) for term = c (A ⊗ B), common = I ⊗ B, A of as many rows (side 0) or columns
    (side −1) as that I; else None."""
    scalars, chain = b.matmul_chain(term)
    identity, inner = common.args
    if len(chain) != 1 or chain[0].op != "kron" or chain[0].args[1] is not inner:
        return None
    a = chain[0].args[0]
    if (a.shape.rows if side == 0 else a.shape.cols) != identity.shape.rows:
        return None
    return b.mul(*scalars, b.kron(a, b.identity(inner.shape.cols if side == 0
                                                  else inner.shape.rows)))


def _without(p: Expr, factor: Expr, side: int) -> Expr | None:
    """P′ with P = P′ L (side −1) or P = L P′ (side 0), L = `factor`: P itself when L is an
    identity P multiplies, I when P is L; else None."""
    if factor.op == "identity":
        return p if (p.shape.rows if side == 0 else p.shape.cols) == factor.shape.rows else None
    scalars, chain = b.matmul_chain(p)
    if not chain or chain[side] is not factor:
        return None
    rest = chain[1:] if side == 0 else chain[:-1]
    return b.mul(*scalars, *rest) if rest else b.mul(
        *scalars, b.identity(factor.shape.cols if side == 0 else factor.shape.rows))


def _kron_split(term: Expr, common: Expr, side: int) -> Expr | None:
    """c (A ⊗ B) for term = c ((A L) ⊗ (B R)) (side −1) or c ((L A) ⊗ (R B)) (side 0), common
    = L ⊗ R, A or B an identity or diagonal (a block-diagonal scaling, as kron_factor's); else
    None. Splitting other products regroups them: a Hessian of values near 1e10 (det((WᵀW)⁶ +
    2I) by W) lost its exact symmetry."""
    scalars, chain = b.matmul_chain(term)
    if len(chain) != 1 or chain[0].op != "kron":
        return None
    parts = [_without(p, f, side) for p, f in zip(chain[0].args, common.args)]
    if None in parts or not any(p.op in ("identity", "diag") for p in parts):
        return None
    return b.mul(*scalars, b.kron(*parts))


def _factor_kron(node: Expr, shares: Callable[[Expr], bool],
                 through: Callable[[Expr, Expr, int], Expr | None]) -> Expr | None:
    """A sum's terms ending (or starting) with a Kronecker factor F that `shares` accepts, and
    the terms `through` writes as M F (F M), factored: (Σ C + Σ M) F (F (Σ C + Σ M))."""
    for side in (0, -1):
        chains = [b.matmul_chain(t) for t in node.args]
        for scalars, chain in chains:
            if len(chain) < 2 or not shares(chain[side]):
                continue
            common = chain[side]
            sharing = [t for t, (_, c) in zip(node.args, chains)
                       if len(c) > 1 and c[side] is common]
            moved = {t: r for t in node.args if t not in sharing
                     for r in [through(t, common, side)] if r is not None}
            if not moved:
                continue
            rests = [b.mul(*s, *(c[1:] if side == 0 else c[:-1]))
                     for t, (s, c) in zip(node.args, chains) if t in sharing]
            inside = b.add(*rests, *moved.values())
            factored = b.mul(common, inside) if side == 0 else b.mul(inside, common)
            return b.add(factored, *(t for t in node.args if t not in sharing and t not in moved))
    return None


def kron_factor(node: Expr) -> Expr | None:
    """(I ⊗ B) C + A ⊗ B = (I ⊗ B) (C + A ⊗ I), and on the right C (I ⊗ B) + A ⊗ B =
    (C + A ⊗ I) (I ⊗ B): A ⊗ B = (I ⊗ B) (A ⊗ I) = (A ⊗ I) (I ⊗ B) by the mixed product, so a
    Kronecker term shares the factor I ⊗ B of the others (a block-diagonal scaling, row by
    row). B M is not split to share B: the products it would regroup round differently, and a
    Hessian of values near 1e10 then lost its exact symmetry (kron_factor_through splits a
    Kronecker term's operands only where the shared factor ends them)."""
    return _factor_kron(node, lambda e: _kron_with_identity(e) is not None, _kron_through)


def kron_factor_through(node: Expr) -> Expr | None:
    """C (L ⊗ R) + (A L) ⊗ (B R) = (C + A ⊗ B) (L ⊗ R), and on the left (L ⊗ R) C +
    (L A) ⊗ (R B) = (L ⊗ R) (C + A ⊗ B), by the mixed product (A L) ⊗ (B R) = (A ⊗ B) (L ⊗ R);
    L or R may be an identity (then A or B is any matrix of its size), and A L may be L (A = I).
    The chain rule through Z = X W leaves (I ⊗ X) on the right of the Jacobian by Z and
    V ⊗ (D X) beside it; this puts the Jacobian by Z back together: J_Z (I ⊗ X)."""
    return _factor_kron(node, lambda e: e.op == "kron", _kron_split)
