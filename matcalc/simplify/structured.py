"""Rules on the projections of structured variables (lower/structures.py) in vec Jacobians and
Hessians: U = diag(vec(I)) keeps the diagonal entries of a vec, L = diag(vec(tril(𝟏 𝟏ᵀ))) the
lower triangular ones, and the commutation matrix K of a square matrix is an involution. Each
function takes a product (or power) node and returns its rewrite or None.
"""
from __future__ import annotations

from collections import Counter

from ..core import build as b
from ..core.expr import Expr
from ..core.matrix_power_chains import integer_power
from ..core.matrix_powers import MATRIX_POWERS  # a power of X keeps X diagonal or triangular


def _is_unit_selection(e: Expr) -> bool:
    """U = diag(vec(I_n))."""
    return e.op == "diag" and e.arg.op == "vec" and e.arg.arg.op == "identity"


def _is_lower_selection(e: Expr) -> bool:
    """L = diag(vec(tril(𝟏 𝟏ᵀ)))."""
    if not (e.op == "diag" and e.arg.op == "vec" and e.arg.arg.op == "tril"):
        return False
    inner = e.arg.arg.arg
    return inner.op == "mul" and len(inner.args) == 2 and inner.args[0].op == "ones" and \
        inner.args[1].op == "transpose" and inner.args[1].arg.op == "ones"


def is_diagonal(e: Expr) -> bool:
    """Whether e is diagonal by its structure: variables declared diagonal, I, diag(v), and
    transposes, inverses, powers and products of those, a Hadamard product with one of them,
    and their positive elementwise powers."""
    if e.op == "identity" or e.op == "diag" and e.arg.shape.is_vector:
        return True
    if e.op == "var":
        return e.attr("structure") == "diagonal"
    if e.op == "transpose" or e.op in MATRIX_POWERS:
        return is_diagonal(e.arg)
    if e.op == "mul":
        scalars, chain = b.matmul_chain(e)
        return all(is_diagonal(f) for f in chain)
    if e.op == "hadamard":
        return any(is_diagonal(a) for a in e.args)
    if e.op == "pow":  # D.^p, p > 0
        p = e.args[1]
        return p.op == "const" and p.attr("value") > 0 and is_diagonal(e.args[0])
    return False


def _hadamard(x: Expr, y: Expr) -> Expr:
    """x ⊙ y, with D ⊙ I = D for D diagonal."""
    for a, c in ((x, y), (y, x)):
        if c.op == "identity" and is_diagonal(a):
            return a
    return b.hadamard(x, y)


def is_lower(e: Expr) -> bool:
    """Whether e is lower triangular by its structure: variables declared lowertri, diagonal
    ones, and inverses, powers and products of those (transposes of upper ones)."""
    if is_diagonal(e):
        return True
    if e.op == "var":
        return e.attr("structure") == "lowertri"
    if e.op == "transpose":
        return is_upper(e.arg)
    if e.op in MATRIX_POWERS:
        return is_lower(e.arg)
    if e.op == "mul":
        scalars, chain = b.matmul_chain(e)
        return all(is_lower(f) for f in chain)
    return False


def is_upper(e: Expr) -> bool:
    """Whether e is upper triangular by its structure: the transpose of a lower one."""
    return e.op == "transpose" and is_lower(e.arg) or e.op in MATRIX_POWERS and \
        is_upper(e.arg) or is_diagonal(e)


def _diagonal_selected(e: Expr) -> Expr | None:
    """V for e = diag(vec(V)) with V diagonal (U = diag(vec(I)) among them), else None."""
    if e.op == "diag" and e.arg.op == "vec" and is_diagonal(e.arg.arg):
        return e.arg.arg
    return None


def _krons(e: Expr) -> list[Expr] | None:
    """The terms of e when it is A ⊗ B or a sum of such, each with a diagonal factor."""
    terms = e.args if e.op == "add" else (e,)
    if all(t.op == "kron" and t.args[0].shape == t.args[1].shape and
           any(is_diagonal(a) for a in t.args) for t in terms):
        return list(terms)
    return None


def diagonal_selection(node: Expr) -> Expr | None:
    """U (A ⊗ B) U = diag(vec(A ⊙ B)) when A or B is diagonal, U = diag(vec(I)): the entry of
    A ⊗ B at the diagonal positions (i, i), (k, k) is A_ik B_ik, zero off the diagonal of
    A ⊙ B (so U (I ⊗ 𝟏 𝟏ᵀ) U = U); likewise for a sum of such, and with diag(vec(V)), V
    diagonal, for U (it is U diag(vec(V))); and U diag(vec(V)) = diag(vec(V))."""
    scalars, chain = b.matmul_chain(node)
    for j in range(len(chain) - 1):
        pair = [_diagonal_selected(f) for f in chain[j:j + 2]]
        if None not in pair and any(v.op == "identity" for v in pair):
            kept = chain[j] if pair[1].op == "identity" else chain[j + 1]
            return b.mul(*scalars, *chain[:j], kept, *chain[j + 2:])
    for j in range(len(chain) - 2):
        first, middle, last = chain[j:j + 3]
        ends, terms = (_diagonal_selected(first), _diagonal_selected(last)), _krons(middle)
        if None in ends or terms is None or \
                any(t.args[0].shape != ends[0].shape for t in terms):
            continue
        kept = b.diag(b.vec(b.add(*(_hadamard(*t.args) for t in terms))))
        left = [first] if ends[0].op != "identity" else []
        right = [last] if ends[1].op != "identity" else []
        return b.mul(*scalars, *chain[:j], *left, kept, *right, *chain[j + 3:])
    return None


def lower_selection(node: Expr) -> Expr | None:
    """L K (Aᵀ ⊗ B) L = diag(vec(Aᵀ ⊙ B)) for A, B lower triangular, L = diag(vec(tril(𝟏 𝟏ᵀ))):
    its entry at (p, q), (r, s) (p ≥ q, r ≥ s) is A_sp B_qr, nonzero only where
    s ≥ p ≥ q ≥ r ≥ s, on the diagonal positions, where it is A_pp B_pp."""
    scalars, chain = b.matmul_chain(node)
    for j in range(len(chain) - 3):
        first, swap, middle, last = chain[j:j + 4]
        if _is_lower_selection(first) and last == first and swap.op == "commutation" and \
                middle.op == "kron" and middle.args[0].shape == middle.args[1].shape and \
                middle.args[0].shape == first.arg.arg.shape and \
                is_upper(middle.args[0]) and is_lower(middle.args[1]):
            kept = b.diag(b.vec(b.hadamard(*middle.args)))
            return b.mul(*scalars, *chain[:j], kept, *chain[j + 4:])
    return None


def _reduced_power(e: Expr) -> Expr:
    """K_{n,n}ᵏ as I (k even) or K_{n,n} (k odd), (K_{n,n} + I)ᵏ as 2ᵏ⁻¹ (K_{n,n} + I); in a
    sum, each term; e itself otherwise."""
    if e.op == "add":
        terms = [_reduced_power(t) for t in e.args]
        return b.add(*terms) if any(t is not u for t, u in zip(terms, e.args)) else e
    base, k = integer_power(e)
    if base is not e and k > 0 and _is_square_commutation(base):
        return base if k % 2 else b.identity(e.shape.rows)
    if base is not e and k > 1 and _is_any_symmetriser(base):
        return b.mul(b.const(2 ** (k - 1)), base)  # (K + I)² = K² + 2 K + I = 2 (K + I)
    return e


def _is_square_commutation(e: Expr) -> bool:
    return e.op == "commutation" and e.attr("m") == e.attr("n")


def _is_symmetriser(e: Expr, swap: Expr) -> bool:
    """e = K + I with K = swap."""
    return e.op == "add" and len(e.args) == 2 and swap in e.args and \
        any(a.op == "identity" for a in e.args)


def commutation_involution(node: Expr) -> Expr | None:
    """K (K + I) = (K + I) K = K + I, K K = I, Kᵏ = I or K (k even or odd, also in a sum that
    is a factor) and (K + I)ᵏ = 2ᵏ⁻¹ (K + I) for K = K_{n,n}: K vec(A) = vec(Aᵀ), so K² = I
    (the projection (K + I)/2 of a symmetric variable absorbs a transpose)."""
    scalars, chain = b.matmul_chain(node)
    reduced = [_reduced_power(f) for f in chain]
    if any(f is not g for f, g in zip(reduced, chain)):
        return b.mul(*scalars, *reduced)
    for j in range(len(chain) - 1):
        a, c = chain[j], chain[j + 1]
        if _is_square_commutation(a) and c == a:
            kept = []
        elif _is_square_commutation(a) and _is_symmetriser(c, a):
            kept = [c]
        elif _is_square_commutation(c) and _is_symmetriser(a, c):
            kept = [a]
        else:
            continue
        rest = [*chain[:j], *kept, *chain[j + 2:]]
        return b.mul(*scalars, *(rest or [b.identity(node.shape.rows)]))


def _is_any_symmetriser(e: Expr) -> bool:
    """e = K_{n,n} + I for some n."""
    return e.op == "add" and any(_is_square_commutation(a) and _is_symmetriser(e, a)
                                 for a in e.args)
    return None


def _kron_terms(e: Expr) -> list[tuple[tuple[Expr, ...], Expr, Expr]] | None:
    """(scalar factors, A, B) of each term c A ⊗ B of e, A and B of one shape; None if a term
    is not such a product."""
    out = []
    for term in e.args if e.op == "add" else (e,):
        scalars, chain = b.matmul_chain(term)
        if len(chain) != 1 or chain[0].op != "kron":
            return None
        a, c = chain[0].args
        if a.shape != c.shape:
            return None
        out.append((tuple(scalars), a, c))
    return out


def _swap_closed_sides(e: Expr) -> tuple[Expr, Expr] | None:
    """(p, q) when e commutes with the commutation matrices, K_{p,p} e = e K_{q,q}: e is a sum
    of c (A ⊗ B) whose terms come in swapped pairs c (B ⊗ A) (A ⊗ A alone among them), A and B
    p × q, since K (A ⊗ B) K = B ⊗ A; or the transpose of such a sum (then (q, p))."""
    if e.op == "transpose":
        sides = _swap_closed_sides(e.arg)
        return sides[::-1] if sides else None
    terms = _kron_terms(e)
    if not terms:
        return None
    swapped = [(s, c, a) for s, a, c in terms]
    if Counter(terms) != Counter(swapped):
        return None
    return terms[0][1].shape.rows, terms[0][1].shape.cols


def _commutation_of(e: Expr, size) -> Expr | None:
    """K when e is K_{n,n} or its symmetriser K_{n,n} + I, n = size; else None."""
    if _is_square_commutation(e):
        swap = e
    elif e.op == "add":
        swap = next((a for a in e.args if _is_square_commutation(a)), None)
        if swap is None or not _is_symmetriser(e, swap):
            return None
    else:
        return None
    return swap if swap.attr("m") == size else None


def commuting_kron(node: Expr) -> Expr | None:
    """K M K = M and (K + I) M (K + I) = 2 M (K + I) for M = A ⊗ A, or a sum of c (A ⊗ B) +
    c (B ⊗ A) (A, B p × q; K the commutation matrices of p × p and q × q): K (A ⊗ B) K =
    B ⊗ A, so K M = M K, and K² = I makes (K + I)² = 2 (K + I). A sum whose swapped terms are
    missing (Aᵀ ⊗ B + Bᵀ ⊗ A) does not commute with K and is left alone. The symmetriser kept
    is the one at an end of the product (its transpose then reads the same)."""
    scalars, chain = b.matmul_chain(node)
    for j in range(len(chain) - 2):
        left, middle, right = chain[j:j + 3]
        sides = _swap_closed_sides(middle)
        if sides is None:
            continue
        ks = _commutation_of(left, sides[0]), _commutation_of(right, sides[1])
        if None in ks or (left is ks[0]) != (right is ks[1]):
            continue
        if left is ks[0]:
            kept = [middle]
        else:
            kept = [left, middle] if j == 0 and j + 3 < len(chain) else [middle, right]
            scalars = [b.const(2), *scalars]
        return b.mul(*scalars, *chain[:j], *kept, *chain[j + 3:])
    return None
